from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from journal.advice import RULE_LOW_ADHERENCE, RULE_PLAN_REVIEW, RULE_SAFETY_ALERT, ReportedSideEffect
from journal.assessment import LoggedEntry, Measure, PatientRecord, assess, since_review
from journal.response import ResponseClass
from journal.safety import MedicationPeriod, ScreeningAnswers, safety_state
from journal.schedule import DAY, PausePeriod, PlannedStep, PlanRecord, Schedule

FIRST_DOSE = dt.date(2025, 1, 1)
REVIEWED = dt.datetime(2025, 5, 1, 12, tzinfo=dt.UTC)
BEFORE, AFTER = REVIEWED - dt.timedelta(hours=1), REVIEWED + dt.timedelta(hours=1)


def on(day: int) -> dt.date:
    return FIRST_DOSE + day * DAY


PLAN = PlanRecord(1, (PlannedStep(on(0), Decimal("3"), "bedtime"),))


def flat(
    name: str,
    score: int,
    *,
    higher_is_better: bool = False,
    tracked: bool = True,
    improved_to: int | None = None,
) -> Measure:
    """Baseline days -7..-1 at `score`, then on LDN at `improved_to` (or the same score)."""
    later = score if improved_to is None else improved_to
    series = tuple((on(day), score if day < 0 else later) for day in range(-7, 120))
    return Measure(name, higher_is_better, series, tracked)


def sleep(score: int, improved_to: int) -> Measure:
    return flat("Sleep quality", score, higher_is_better=True, tracked=False, improved_to=improved_to)


def taken_every_day(first: int, last: int, logged_at=BEFORE, changed_at=None) -> tuple[LoggedEntry, ...]:
    return tuple(
        LoggedEntry(on(day), True, Decimal("3"), "bedtime", logged_at, changed_at or logged_at)
        for day in range(first, last + 1)
    )


def record(measures=(), *, today=100, entries=None, pauses=(), **fields) -> PatientRecord:
    return PatientRecord(
        today=on(today),
        schedule=Schedule([PLAN], pauses),
        measures=tuple(measures),
        entries=taken_every_day(-7, today) if entries is None else entries,
        **fields,
    )


@pytest.mark.parametrize(
    ("measures", "expected"),
    [
        # the tracked symptom that most needs attention: worse beats no change beats responders
        (
            [flat("Pain", 8, improved_to=3), flat("Fatigue", 5, improved_to=6)],
            ("Fatigue", ResponseClass.WORSE),
        ),
        ([flat("Pain", 8, improved_to=3), flat("Fatigue", 6)], ("Fatigue", ResponseClass.NO_CHANGE)),
        (
            [flat("Pain", 8, improved_to=5), flat("Fatigue", 8, improved_to=3)],
            ("Pain", ResponseClass.MODERATE),
        ),
        # sleep quality is shown but never the main symptom, even when it is worse
        ([flat("Pain", 8, improved_to=3), sleep(6, improved_to=2)], ("Pain", ResponseClass.SUBSTANTIAL)),
        # ties go by name
        ([flat("Pain", 6), flat("Fatigue", 6)], ("Fatigue", ResponseClass.NO_CHANGE)),
    ],
)
def test_main_symptom_is_the_worst_ranked_tracked_one(measures, expected):
    main = assess(record(measures)).main
    assert (main.measure.name, main.response.response_class) == expected


def test_no_main_symptom_without_tracked_symptoms():
    assessment = assess(record([sleep(5, improved_to=5)]))
    assert assessment.main is None


def test_every_measure_is_assessed_in_its_own_direction():
    assessment = assess(record([flat("Pain", 8, improved_to=4), sleep(4, improved_to=6)]))
    pain, sleep_quality = assessment.responses
    assert pain.response.response_class is ResponseClass.SUBSTANTIAL
    assert sleep_quality.response.response_class is ResponseClass.SUBSTANTIAL
    assert [window.name for window in sleep_quality.windows] == ["8–10 weeks", "3–6 months", "latest 14 days"]


@pytest.mark.parametrize(
    ("measures", "fires"),
    [
        ([flat("Pain", 6)], True),
        ([flat("Pain", 8, improved_to=4)], False),
        # a sleep-quality response does not count: it is not a tracked symptom
        ([flat("Pain", 6), sleep(3, improved_to=8)], True),
    ],
)
def test_plan_review_looks_at_tracked_symptoms_only(measures, fires):
    rules = [card.rule for card in assess(record(measures)).cards]
    assert (RULE_PLAN_REVIEW in rules) is fires


@pytest.mark.parametrize(
    ("entries", "pauses", "fires"),
    [
        (taken_every_day(-7, 100), (), False),
        (taken_every_day(-7, 90), (), True),  # days 91–99 not logged; today is not over
        (taken_every_day(-7, 90), (PausePeriod(on(91), on(100)),), False),  # paused: nothing missed
    ],
)
def test_adherence_counts_prescribed_days_only(entries, pauses, fires):
    assessment = assess(record([flat("Pain", 8, improved_to=4)], entries=entries, pauses=pauses))
    assert (RULE_LOW_ADHERENCE in [card.rule for card in assessment.cards]) is fires


def test_dismissed_cards_are_not_open():
    first = assess(record([flat("Pain", 6)]))
    (card,) = first.cards
    second = assess(record([flat("Pain", 6)], dismissed_keys=frozenset({card.key})))
    assert second.cards == first.cards
    assert second.open_cards == ()
    assert second.dismissed_count == 1


EFFECTS = (
    ReportedSideEffect(on(98), "headache", "mild"),
    ReportedSideEffect(on(99), "nausea", "mild"),
    ReportedSideEffect(on(100), "nausea", "moderate"),
)


OLD = taken_every_day(-7, 94)


@pytest.mark.parametrize(
    ("reviewed_at", "entries", "open_at_review", "expected"),
    [
        # never reviewed: everything so far
        (None, OLD + taken_every_day(95, 100), (), (108, 3, 1)),
        # entries logged after the review, and the side effects on them
        (REVIEWED, OLD + taken_every_day(95, 98) + taken_every_day(99, 100, logged_at=AFTER), (), (2, 2, 1)),
        # an old entry edited after the review: its side effect is new, the entry is not
        (
            REVIEWED,
            OLD
            + taken_every_day(95, 97)
            + taken_every_day(98, 98, changed_at=AFTER)
            + taken_every_day(99, 100),
            (),
            (0, 1, 1),
        ),
        # the advice card was already open at the review
        (REVIEWED, OLD + taken_every_day(95, 100), ("plan_review:2025-01-01:84",), (0, 0, 0)),
    ],
)
def test_what_is_new_since_the_last_review(reviewed_at, entries, open_at_review, expected):
    chart_record = record([flat("Pain", 6)], entries=entries, side_effects=EFFECTS)
    assessment = assess(chart_record)
    assert [card.key for card in assessment.open_cards] == ["plan_review:2025-01-01:84"]
    new = since_review(chart_record, assessment, reviewed_at, open_at_review)
    assert (new.entries, new.side_effects, new.advice) == expected
    assert new.anything is any(expected)


@pytest.mark.parametrize(
    ("today", "day_on_ldn", "prescribed"),
    [(-1, None, None), (0, 1, Decimal("3")), (100, 101, Decimal("3"))],
)
def test_the_record_reads_the_schedule(today, day_on_ldn, prescribed):
    chart_record = record(today=today)
    assert chart_record.first_dose == on(0)
    assert chart_record.day_on_ldn == day_on_ldn
    step = chart_record.prescribed(on(today))
    assert (step.dose_mg if step else None) == prescribed


def test_advice_reads_the_records_safety_state():
    tramadol = MedicationPeriod("Tramadol", listed_on=on(90))
    schedule = Schedule([PLAN])
    safety = safety_state(answers=ScreeningAnswers(), medications=[tramadol], schedule=schedule, day=on(100))
    assessment = assess(record([flat("Pain", 8, improved_to=4)], safety=safety, medications=(tramadol,)))
    assert [card.rule for card in assessment.cards] == [RULE_SAFETY_ALERT]


def test_no_advice_about_a_dose_after_the_plan_ended():
    ended = PlanRecord(1, (PlannedStep(on(0), Decimal("3"), "bedtime"),), ended_on=on(90))
    effects = (ReportedSideEffect(on(95), "insomnia", "moderate"),)
    chart_record = PatientRecord(
        today=on(100),
        schedule=Schedule([ended]),
        side_effects=effects,
        measures=(flat("Pain", 8, improved_to=4),),
        entries=taken_every_day(-7, 89),
    )
    assessment = assess(chart_record)
    assert assessment.cards == ()
    assert assessment.adherence.prescribed == 3  # days 87–89: the 14-day window up to the plan's end
