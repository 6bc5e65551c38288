"""The titration rules (journal.titration): the dose bands, the rules a dose, a run of steps and
a new plan are checked against — start low, go slow, from the previous plan's last dose too —
and the plan templates. What a plan prescribes on a date is in tests/test_schedule.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from journal.findings import Level
from journal.schedule import DAY
from journal.titration import (
    DOSE_BANDS,
    DOSE_RULES,
    LOW_DOSE,
    PLAN_TEMPLATES,
    ULTRA_LOW,
    VERY_LOW,
    band_of,
    check_dose,
    check_new_plan,
    check_steps,
    check_target,
    generate_steps,
    step_count,
)

D = dt.date


# --- dose bands -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("band", "label"),
    [
        (ULTRA_LOW, "ultra-low (0.125–0.5 mg)"),
        (VERY_LOW, "very-low (0.5–1 mg)"),  # was 0.5–1.5 mg, which misquoted the source
        (LOW_DOSE, "low-dose (1.5–5 mg)"),
    ],
)
def test_band_labels_quote_the_source(band, label):
    assert band.label == label
    assert band.source == "[004]"


def test_the_bands_in_order():
    assert DOSE_BANDS == (ULTRA_LOW, VERY_LOW, LOW_DOSE)


@pytest.mark.parametrize(
    ("dose", "words"),
    [
        ("0.1", "below the ultra-low band"),
        ("0.125", "ultra-low (0.125–0.5 mg) dosing"),
        ("0.5", "ultra-low (0.125–0.5 mg) dosing"),  # on both bands' edge: the lower band
        ("0.75", "very-low (0.5–1 mg) dosing"),
        ("1", "very-low (0.5–1 mg) dosing"),
        ("1.25", "between the very-low (0.5–1 mg) and low-dose (1.5–5 mg) bands"),
        ("1.5", "low-dose (1.5–5 mg) dosing"),
        ("5", "low-dose (1.5–5 mg) dosing"),
        ("6", "above the low-dose band"),
    ],
)
def test_band_of(dose, words):
    assert band_of(Decimal(dose)) == words


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("0.5", "A target of 0.5 mg is ultra-low (0.125–0.5 mg) dosing."),
        ("1", "A target of 1 mg is very-low (0.5–1 mg) dosing."),
        ("1.25", "A target of 1.25 mg is between the very-low (0.5–1 mg) and low-dose (1.5–5 mg) bands."),
    ],
)
def test_a_low_target_note_names_the_band(target, message):
    (note,) = check_target(Decimal(target))
    assert note.message == message


@pytest.mark.parametrize("target", ["1.5", "4.5", "0"])
def test_no_target_note_from_the_low_dose_band(target):
    assert check_target(Decimal(target)) == []


# --- a new plan --------------------------------------------------------------------------------

TODAY = D(2026, 3, 10)


def dated(*doses: str, start: dt.date = TODAY, every: int = 14) -> list[tuple[dt.date, Decimal]]:
    return [(start + index * every * DAY, Decimal(dose)) for index, dose in enumerate(doses)]


@pytest.mark.parametrize(
    ("doses", "previous", "start", "expected"),
    [
        (["1.5", "3", "4.5"], None, TODAY, []),
        # a first plan that starts above 1.5 mg
        (["4.5"], None, TODAY, [("warn", "start_high")]),
        (["1.75", "3"], None, TODAY, [("warn", "start_high")]),
        # a later plan is judged from the previous plan's last dose, not as a start
        (["4.5"], "3", TODAY, []),
        (["4.5"], "1.5", TODAY, [("warn", "big_step_up")]),
        (["0.5", "3"], "4.5", TODAY, [("warn", "big_step_up")]),
        (["1.5"], "4.5", TODAY, []),  # stepping down from the last plan never warns
        # a later plan with a low target is not a first plan's target
        (["1"], "1.5", TODAY, []),
        # the first dose more than 7 days ago
        (["1.5"], None, TODAY - 7 * DAY, []),
        (["1.5"], None, TODAY - 8 * DAY, [("warn", "start_in_past")]),
        (["1.5"], "1.5", TODAY - 365 * DAY, [("warn", "start_in_past")]),
        (["1.5"], None, TODAY + 30 * DAY, []),
        # refusals first, then warnings, then notes
        (
            ["6", "0.5"],
            None,
            TODAY - 30 * DAY,
            [("warn", "above_usual"), ("warn", "start_high"), ("warn", "start_in_past")],
        ),
        (["0.5", "1"], None, TODAY, [("note", "below_low_dose")]),
        (["1", "50"], None, TODAY, [("refuse", "not_ldn"), ("warn", "big_step_up")]),
    ],
)
def test_check_new_plan(doses, previous, start, expected):
    findings = check_new_plan(
        dated(*doses, start=start), previous_mg=previous and Decimal(previous), today=TODAY
    )
    assert [(f.level, f.code) for f in findings] == expected


def test_no_steps_no_findings():
    assert check_new_plan([], previous_mg=None, today=TODAY) == []


@pytest.mark.parametrize(
    ("doses", "previous", "start", "message"),
    [
        (["4.5"], None, TODAY, "The first plan starts at 4.5 mg, above 1.5 mg."),
        (["4.5"], "1.5", TODAY, "A step up of 3 mg (1.5 → 4.5 mg) is larger than 1.5 mg."),
        (["1.5"], None, D(2025, 3, 10), "The first dose, 2025-03-10, is 365 days ago."),
    ],
)
def test_check_new_plan_messages(doses, previous, start, message):
    (finding,) = check_new_plan(
        dated(*doses, start=start), previous_mg=previous and Decimal(previous), today=TODAY
    )
    assert finding.message == message


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("not_ldn", Level.REFUSE),
        ("not_positive", Level.REFUSE),
        ("above_max", Level.REFUSE),
        ("too_precise", Level.REFUSE),
        ("above_usual", Level.WARN),
        ("big_step_up", Level.WARN),
        ("start_high", Level.WARN),
        ("start_in_past", Level.WARN),
        ("below_low_dose", Level.NOTE),
    ],
)
def test_every_dose_rule_has_its_level_and_a_reason(code, level):
    rule = DOSE_RULES[code]
    assert rule.level is level
    assert rule.rule
    assert rule.reason


def test_dose_rules_cite_a_source_or_say_they_are_the_apps_own():
    for rule in DOSE_RULES.values():
        if rule.code == "not_positive":
            continue  # a plain definition: a step prescribes a dose
        assert "[0" in rule.reason or "the app's own" in rule.reason, rule.code


# --- plan templates, and the dose rules for single doses, steps and plans ---------------------


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


@pytest.mark.parametrize(
    ("start", "increment", "target", "count"),
    [
        ("1", "1.5", "3", 3),
        ("4.5", "1.5", "4.5", 1),
        ("2", "0", "4.5", 1),
        ("0.001", "0.001", "16", 16_000),  # what one preview once drew, step by step
        ("0.5", "1e-30", "3", 25 * 10**29 + 1),  # never generated
    ],
)
def test_step_count_is_known_before_any_step_is_made(start, increment, target, count):
    assert step_count(Decimal(start), Decimal(increment), Decimal(target)) == count


def test_generate_steps_refuses_more_than_60_steps():
    assert len(generate_steps(START, Decimal("0.1"), Decimal("0.1"), 1, Decimal("6"))) == 60
    with pytest.raises(ValueError, match="61 steps is more than a plan may have"):
        generate_steps(START, Decimal("0.1"), Decimal("0.1"), 1, Decimal("6.1"))


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
