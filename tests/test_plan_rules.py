"""Plan templates and dose bands (journal.titration), and the phase of a patient
(journal.schedule)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from journal.schedule import PausePeriod, PlannedStep, PlanRecord, Schedule
from journal.titration import PLAN_TEMPLATES, check_dose, check_new_plan, check_steps, generate_steps

D = dt.date
DAY = dt.timedelta(days=1)
START = D(2026, 3, 2)


def _steps(template_key: str, start: dt.date = START) -> list[tuple[str, str]]:
    t = PLAN_TEMPLATES[template_key]
    steps = generate_steps(start, t.start_mg, t.increment_mg, t.interval_days, t.target_mg)
    return [(day.isoformat(), f"{dose.normalize():f}") for day, dose in steps]


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("standard", [("2026-03-02", "1.5"), ("2026-03-16", "3"), ("2026-03-30", "4.5")]),
        (
            "gentle",
            [
                ("2026-03-02", "0.5"),
                ("2026-03-09", "1"),
                ("2026-03-16", "1.5"),
                ("2026-03-23", "2"),
                ("2026-03-30", "2.5"),
                ("2026-04-06", "3"),
            ],
        ),
        (
            "sensitive",
            [
                ("2026-03-02", "0.5"),
                ("2026-03-16", "0.75"),
                ("2026-03-30", "1"),
                ("2026-04-13", "1.25"),
                ("2026-04-27", "1.5"),
            ],
        ),
        (
            "ultra-low",
            [("2026-03-02", "0.125"), ("2026-03-16", "0.25"), ("2026-03-30", "0.375"), ("2026-04-13", "0.5")],
        ),
    ],
)
def test_each_template_generates_its_dated_steps(template, expected):
    assert _steps(template) == expected


@pytest.mark.parametrize(
    ("start", "increment", "interval", "target", "expected"),
    [
        # the last step is capped at the target
        ("1", "1.5", 10, "3", [("2026-03-02", "1"), ("2026-03-12", "2.5"), ("2026-03-22", "3")]),
        # start at the target: one step
        ("4.5", "1.5", 14, "4.5", [("2026-03-02", "4.5")]),
        # no increment: one step
        ("2", "0", 14, "4.5", [("2026-03-02", "2")]),
        # over a month end and a leap-free February
        ("1.5", "1.5", 14, "3", [("2026-03-02", "1.5"), ("2026-03-16", "3")]),
    ],
)
def test_custom_parameters(start, increment, interval, target, expected):
    steps = generate_steps(START, Decimal(start), Decimal(increment), interval, Decimal(target))
    assert [(d.isoformat(), f"{m.normalize():f}") for d, m in steps] == expected


def test_custom_template_has_no_preset():
    custom = PLAN_TEMPLATES["custom"]
    assert (custom.start_mg, custom.increment_mg, custom.interval_days, custom.target_mg) == (None,) * 4


@pytest.mark.parametrize(
    ("dose", "expected"),
    [
        ("0", [("refuse", "not_positive")]),
        ("-1", [("refuse", "not_positive")]),
        ("0.001", []),
        ("0.0015", [("refuse", "too_precise")]),
        ("1.125", []),
        ("4.5", []),
        ("5", []),
        ("5.001", [("warn", "above_usual")]),
        ("16", [("warn", "above_usual")]),
        ("16.001", [("refuse", "above_max")]),
        ("49.999", [("refuse", "above_max")]),
        ("50", [("refuse", "not_ldn")]),
        ("100", [("refuse", "not_ldn")]),
    ],
)
def test_dose_bands(dose, expected):
    assert [(f.level, f.code) for f in check_dose(Decimal(dose))] == expected


@pytest.mark.parametrize(
    ("dose", "message", "reason"),
    [
        ("50", "standard-dose naltrexone, not LDN", "commercial tablet"),
        ("6", "above the usual LDN range", "1.5–4.5"),
    ],
)
def test_band_messages_carry_their_reasons(dose, message, reason):
    (finding,) = check_dose(Decimal(dose))
    assert message in finding.message
    assert reason in finding.reason


@pytest.mark.parametrize(
    ("doses", "previous", "expected"),
    [
        (["1.5", "3", "4.5"], None, []),
        # a step up of exactly 1.5 mg is fine; more warns
        (["1.5", "3.5"], None, [("warn", "big_step_up")]),
        (["3"], "1", [("warn", "big_step_up")]),
        (["2"], "3", []),  # stepping down never warns
        # a run of steps is not judged as a plan's target
        (["0.5", "1", "1.25"], None, []),
        (["1"], "1.5", []),
        # everything at once: refusals, then warnings
        (
            ["1", "6", "50"],
            None,
            [
                ("refuse", "not_ldn"),
                ("warn", "above_usual"),
                ("warn", "big_step_up"),
                ("warn", "big_step_up"),
            ],
        ),
    ],
)
def test_step_bands(doses, previous, expected):
    findings = check_steps([Decimal(d) for d in doses], None if previous is None else Decimal(previous))
    assert [(f.level, f.code) for f in findings] == expected


@pytest.mark.parametrize(
    ("doses", "previous", "expected"),
    [
        (["1.5", "3", "4.5"], None, []),
        (["1.5", "3.5"], None, [("warn", "big_step_up")]),
        (["3"], "1", [("warn", "big_step_up")]),
        (["2"], "3", []),
        # a first plan's target below 1.5 mg: a note naming the band
        (["0.5", "1", "1.25"], None, [("note", "below_low_dose")]),
        (["0.125", "0.5"], None, [("note", "below_low_dose")]),
        (["1.5"], None, []),
        # a later plan's target is not judged
        (["1"], "1.5", []),
        (
            ["1", "6", "50"],
            None,
            [
                ("refuse", "not_ldn"),
                ("warn", "above_usual"),
                ("warn", "big_step_up"),
                ("warn", "big_step_up"),
            ],
        ),
    ],
)
def test_plan_bands(doses, previous, expected):
    steps = [(START + index * 14 * DAY, Decimal(dose)) for index, dose in enumerate(doses)]
    findings = check_new_plan(steps, previous_mg=None if previous is None else Decimal(previous), today=START)
    assert [(f.level, f.code) for f in findings] == expected


@pytest.mark.parametrize(
    ("target", "band"),
    [
        ("0.5", "ultra-low"),
        ("0.375", "ultra-low"),
        ("1", "very-low (0.5–1 mg)"),
        # 1.25 mg lies between the bands: very-low is 0.5–1 mg [004]
        ("1.25", "between the very-low (0.5–1 mg) and low-dose (1.5–5 mg) bands"),
    ],
)
def test_low_target_note_names_the_band(target, band):
    (note,) = check_new_plan([(START, Decimal(target))], previous_mg=None, today=START)
    assert band in note.message


def _s(day: dt.date, dose: str, timing: str = "bedtime") -> PlannedStep:
    return PlannedStep(day, Decimal(dose), timing)


RAMP = [PlanRecord(1, (_s(D(2026, 3, 1), "1.5"), _s(D(2026, 3, 15), "3"), _s(D(2026, 3, 29), "4.5")))]
MORNING_SWITCH = [PlanRecord(1, (_s(D(2026, 3, 1), "1.5"), _s(D(2026, 3, 15), "1.5", "morning")))]
TAPER = [PlanRecord(1, (_s(D(2026, 3, 1), "4.5"), _s(D(2026, 4, 15), "1.5")), ended_on=D(2026, 5, 1))]
NEXT_PLAN = [
    PlanRecord(1, (_s(D(2026, 3, 1), "3"),), ended_on=D(2026, 4, 1)),
    PlanRecord(2, (_s(D(2026, 5, 1), "1.5"),)),
]
PAUSE = [PausePeriod(D(2026, 3, 20), D(2026, 3, 25))]


@pytest.mark.parametrize(
    ("schedule", "day", "pauses", "expected"),
    [
        ([], D(2026, 3, 1), [], "baseline"),
        (RAMP, D(2026, 2, 25), [], "baseline"),
        (RAMP, D(2026, 3, 1), [], "titrating"),
        (RAMP, D(2026, 3, 28), [], "titrating"),
        (RAMP, D(2026, 3, 29), [], "maintenance"),
        (RAMP, D(2026, 3, 20), PAUSE, "paused"),
        (RAMP, D(2026, 2, 25), [PausePeriod(D(2026, 2, 20), D(2026, 2, 27))], "baseline"),
        (RAMP, D(2026, 3, 26), PAUSE, "titrating"),
        (MORNING_SWITCH, D(2026, 3, 2), [], "maintenance"),  # a timing switch is not titration
        (TAPER, D(2026, 4, 1), [], "titrating"),  # a taper step ahead
        (TAPER, D(2026, 4, 20), [], "maintenance"),
        (TAPER, D(2026, 5, 1), [], "ended"),
        (NEXT_PLAN, D(2026, 4, 10), [], "paused"),  # between plans: nothing now, more ahead
        (NEXT_PLAN, D(2026, 5, 1), [], "maintenance"),
    ],
)
def test_phase(schedule, day, pauses, expected):
    assert Schedule(schedule, pauses).phase(day) == expected
