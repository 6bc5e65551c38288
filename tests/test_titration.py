"""What is prescribed on a date (journal.schedule), and the rules a new plan is checked
against (journal.titration): start low, go slow — from the previous plan's last dose too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from journal.findings import Level
from journal.schedule import PausePeriod, PlannedStep, PlanRecord, Schedule
from journal.titration import (
    DOSE_BANDS,
    DOSE_RULES,
    LOW_DOSE,
    ULTRA_LOW,
    VERY_LOW,
    band_of,
    check_new_plan,
    check_target,
)
from journal.vocabulary import dose_phrase, format_mg, timing_words

D = dt.date
DAY = dt.timedelta(days=1)
STEPS = (
    PlannedStep(D(2026, 3, 1), Decimal("1.5"), "bedtime"),
    PlannedStep(D(2026, 3, 15), Decimal("3"), "bedtime"),
    PlannedStep(D(2026, 3, 29), Decimal("4.5"), "morning"),
)
SCHEDULE = Schedule([PlanRecord(1, STEPS)])


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 2, 28), None),  # before the first step
        (D(2026, 3, 1), ("1.5", "bedtime")),  # a step's first day
        (D(2026, 3, 14), ("1.5", "bedtime")),  # the day before the next step
        (D(2026, 3, 15), ("3", "bedtime")),
        (D(2026, 3, 29), ("4.5", "morning")),
        (D(2027, 1, 1), ("4.5", "morning")),  # long after the last step
    ],
)
def test_prescribed(day, expected):
    step = SCHEDULE.prescribed(day)
    assert (None if step is None else (format_mg(step.dose_mg), step.timing)) == expected


def test_nothing_is_prescribed_from_the_plans_end_date():
    ended = Schedule([PlanRecord(1, STEPS[:1], ended_on=D(2026, 4, 1))])
    assert ended.prescribed(D(2026, 3, 31)) is not None
    assert ended.prescribed(D(2026, 4, 1)) is None


def test_a_later_plan_takes_over_from_an_ended_one():
    schedule = Schedule(
        [
            PlanRecord(1, (PlannedStep(D(2026, 3, 1), Decimal("4.5")),), ended_on=D(2026, 4, 1)),
            PlanRecord(2, (PlannedStep(D(2026, 5, 1), Decimal("0.5")),)),
        ]
    )
    assert schedule.prescribed(D(2026, 4, 15)) is None
    assert schedule.prescribed(D(2026, 5, 2)).plan_id == 2


@pytest.mark.parametrize(
    ("day", "dose"),
    [(D(2026, 3, 9), "1.5"), (D(2026, 3, 10), None), (D(2026, 3, 20), None), (D(2026, 3, 21), "3")],
)
def test_nothing_is_prescribed_while_ldn_is_paused(day, dose):
    schedule = Schedule([PlanRecord(1, STEPS)], [PausePeriod(D(2026, 3, 10), D(2026, 3, 20))])
    step = schedule.prescribed(day)
    assert (None if step is None else format_mg(step.dose_mg)) == dose


@pytest.mark.parametrize(
    ("day", "next_start"),
    [(D(2026, 2, 1), D(2026, 3, 1)), (D(2026, 3, 15), D(2026, 3, 29)), (D(2026, 3, 29), None)],
)
def test_next_step(day, next_start):
    step = SCHEDULE.next_step(day)
    assert (None if step is None else step.start_date) == next_start


def test_first_dose():
    assert SCHEDULE.first_dose == D(2026, 3, 1)
    assert Schedule().first_dose is None


@pytest.mark.parametrize(
    ("dose", "text"), [("0.125", "0.125"), ("3.000", "3"), ("1.500", "1.5"), ("10", "10"), ("1E+1", "10")]
)
def test_format_mg(dose, text):
    assert format_mg(Decimal(dose)) == text


@pytest.mark.parametrize(
    ("dose", "timing", "phrase"),
    [
        ("3.000", "bedtime", "3 mg at bedtime"),
        ("1.5", "morning", "1.5 mg in the morning"),
        ("0.5", "other", "0.5 mg at another time"),
        ("0.5", "noon", "0.5 mg noon"),  # an unknown value is shown as stored
    ],
)
def test_dose_phrase(dose, timing, phrase):
    assert dose_phrase(Decimal(dose), timing) == phrase


def test_timing_words():
    assert timing_words("bedtime") == "at bedtime"


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
