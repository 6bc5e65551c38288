from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

import pytest

from journal.advice import (
    RULE_LOW_ADHERENCE,
    RULE_PLAN_REVIEW,
    RULE_SAFETY_ALERT,
    RULE_SLEEP_AFTER_BEDTIME_STEP,
    RULE_STEP_UP_SIDE_EFFECTS,
    RULE_THYROID_REVIEW,
    AdherenceCount,
    AdviceInput,
    adherence,
    advise,
    count_adherence,
    open_cards,
    recent_adherence,
)
from journal.findings import Finding, Level
from journal.labs import LabValue
from journal.response import ResponseClass
from journal.safety import MedicationPeriod, SafetyState, ThyroidKind, ThyroidStatus, safety_state
from journal.schedule import PausePeriod, PlannedStep, PlanRecord, Schedule

FIRST_DOSE = dt.date(2025, 1, 1)


def on(day: int) -> dt.date:
    return FIRST_DOSE + dt.timedelta(days=day)


def step(day: int, mg: str, timing: str = "bedtime") -> PlannedStep:
    return PlannedStep(on(day), Decimal(mg), timing)


FIRST_STEP = (step(0, "1.5"),)


def schedule_of(steps=FIRST_STEP, *, ended_on: int | None = None, pauses=(), later=()) -> Schedule:
    """One plan of `steps` (ended on day `ended_on`), perhaps a later plan of `later` steps,
    and pauses given as (first day, last day)."""
    plans = [PlanRecord(1, tuple(steps), ended_on=None if ended_on is None else on(ended_on))]
    if later:
        plans.append(PlanRecord(2, tuple(later)))
    return Schedule(plans, [PausePeriod(on(first), on(last), "surgery") for first, last in pauses])


def thyroid(kind: ThyroidKind) -> SafetyState:
    return SafetyState(findings=(), thyroid=ThyroidStatus(kind))


def effect(day: int, kind: str, severity: str = "moderate", text: str = ""):
    return (on(day), kind, severity, text)


def all_taken(first: int, last: int) -> list[tuple[dt.date, bool]]:
    return [(on(day), True) for day in range(first, last + 1)]


def cards_for(rule: str, *, today: int, steps=FIRST_STEP, schedule=None, **fields) -> list:
    fields.setdefault("entries", all_taken(0, today))  # keep the adherence rule quiet
    inp = AdviceInput(today=on(today), schedule=schedule or schedule_of(steps), **fields)
    return [card for card in advise(inp) if card.rule == rule]


# --- a. side effects after a step up --------------------------------------------------------

RAMP = [step(0, "1.5"), step(14, "3")]


@pytest.mark.parametrize(
    ("steps", "effects", "today", "fires"),
    [
        # moderate/severe on days 0, 2 and 6 after the step up: fires
        (RAMP, [effect(14, "insomnia"), effect(16, "headache", "severe"), effect(20, "nausea")], 21, True),
        # only two bad days
        (RAMP, [effect(14, "insomnia"), effect(16, "headache")], 21, False),
        # two reports on one day count as one day
        (RAMP, [effect(14, "insomnia"), effect(14, "headache"), effect(16, "nausea")], 21, False),
        # day 7 is outside the 0–6 window
        (RAMP, [effect(14, "insomnia"), effect(16, "headache"), effect(21, "nausea")], 21, False),
        # mild side effects do not count
        (RAMP, [effect(day, "vivid_dreams", "mild") for day in range(14, 21)], 21, False),
        # a step down is not a step up
        (
            [step(0, "3"), step(14, "1.5")],
            [effect(14, "insomnia"), effect(15, "insomnia"), effect(16, "insomnia")],
            21,
            False,
        ),
        # a change of timing only is not a step up
        (
            [step(0, "3"), step(14, "3", "morning")],
            [effect(14, "insomnia"), effect(15, "insomnia"), effect(16, "insomnia")],
            21,
            False,
        ),
        # a later step is in force: the plan has moved on
        (
            [*RAMP, step(28, "3", "morning")],
            [effect(14, "insomnia"), effect(15, "insomnia"), effect(16, "insomnia")],
            30,
            False,
        ),
        # the first step counts as a step up from nothing
        ([step(0, "1.5")], [effect(0, "nausea"), effect(1, "nausea"), effect(3, "anxiety")], 5, True),
        # still shown on day 27 after the step, lapsed from day 28
        (RAMP, [effect(14, "insomnia"), effect(16, "headache"), effect(20, "nausea")], 14 + 27, True),
        (RAMP, [effect(14, "insomnia"), effect(16, "headache"), effect(20, "nausea")], 14 + 28, False),
    ],
)
def test_step_up_side_effects(steps, effects, today, fires):
    cards = cards_for(RULE_STEP_UP_SIDE_EFFECTS, today=today, steps=steps, side_effects=effects)
    assert bool(cards) is fires


BAD_WEEK_AFTER_DAY_14 = [effect(14, "insomnia"), effect(16, "headache", "severe"), effect(20, "nausea")]


@pytest.mark.parametrize(
    ("schedule", "today", "fires"),
    [
        (schedule_of(RAMP), 21, True),
        # the plan ended on day 18: nothing is prescribed, no card
        (schedule_of(RAMP, ended_on=18), 21, False),
        (schedule_of(RAMP, ended_on=18), 28, False),  # ten days after the end
        # LDN paused from day 20: no card while paused, back once resumed
        (schedule_of(RAMP, pauses=[(20, 25)]), 21, False),
        (schedule_of(RAMP, pauses=[(20, 25)]), 26, True),
    ],
)
def test_no_step_up_card_when_nothing_is_prescribed(schedule, today, fires):
    cards = cards_for(
        RULE_STEP_UP_SIDE_EFFECTS, today=today, schedule=schedule, side_effects=BAD_WEEK_AFTER_DAY_14
    )
    assert bool(cards) is fires


@pytest.mark.parametrize(
    ("first_plan", "fires", "evidence"),
    [
        # a new plan at 3 mg after a plan that ended at 1.5 mg: a step up from the last dose
        ([step(0, "1.5")], True, f"Step from 1.5 mg to 3 mg on {on(14)}"),
        # after a plan that ended at 4.5 mg it is a step down
        ([step(0, "4.5")], False, None),
    ],
)
def test_a_new_plan_is_a_step_from_the_previous_plans_last_dose(first_plan, fires, evidence):
    schedule = schedule_of(first_plan, ended_on=10, later=[step(14, "3")])
    cards = cards_for(
        RULE_STEP_UP_SIDE_EFFECTS, today=21, schedule=schedule, side_effects=BAD_WEEK_AFTER_DAY_14
    )
    assert [card.evidence[0] for card in cards] == ([evidence] if fires else [])


def test_step_up_card_content():
    (card,) = cards_for(RULE_STEP_UP_SIDE_EFFECTS, today=21, steps=RAMP, side_effects=BAD_WEEK_AFTER_DAY_14)
    assert card.key == f"step_up_side_effects:{on(14)}"
    assert card.suggestion == (
        "Consider holding at 3 mg for longer, or stepping back to 1.5 mg, or moving the dose to the morning."
    )
    assert card.evidence == (
        f"Step from 1.5 mg to 3 mg on {on(14)}",
        f"{on(14)}: Insomnia / sleep disturbance (moderate)",
        f"{on(16)}: Headache (severe)",
        f"{on(20)}: Nausea / GI upset (moderate)",
    )
    assert "[003]" in card.reason
    assert "[000]" in card.reason


def test_first_step_card_suggests_a_lower_start():
    effects = [effect(0, "nausea"), effect(1, "nausea"), effect(3, "anxiety")]
    (card,) = cards_for(
        RULE_STEP_UP_SIDE_EFFECTS, today=5, steps=[step(0, "1.5", "morning")], side_effects=effects
    )
    assert card.suggestion == "Consider holding at 1.5 mg for longer, or a lower starting dose."
    # no "moving the dose to the morning": it is already taken in the morning


# --- b. sleep still disturbed on a bedtime dose ----------------------------------------------


@pytest.mark.parametrize(
    ("steps", "effects", "today", "fires"),
    [
        ([step(0, "3")], [effect(15, "insomnia", "mild")], 20, True),
        ([step(0, "3")], [effect(15, "vivid_dreams", "mild")], 20, True),
        ([step(0, "3")], [effect(14, "insomnia")], 20, False),  # day 14: may still settle
        ([step(0, "3")], [effect(15, "headache")], 20, False),  # not a sleep side effect
        ([step(0, "3")], [effect(25, "insomnia")], 20, False),  # after today
        ([step(0, "3", "morning")], [effect(15, "insomnia")], 20, False),
        # the bedtime step in force began on day 30: day 35 is within its first 14 days
        ([step(0, "1.5"), step(30, "3")], [effect(20, "insomnia"), effect(35, "insomnia")], 40, False),
        ([step(0, "1.5"), step(30, "3")], [effect(45, "vivid_dreams")], 50, True),
        # LDN itself disturbs sleep in the first two weeks on a new step
        ([step(0, "0.5")], [effect(5, "insomnia")], 10, False),
    ],
)
def test_sleep_after_bedtime_step(steps, effects, today, fires):
    cards = cards_for(RULE_SLEEP_AFTER_BEDTIME_STEP, today=today, steps=steps, side_effects=effects)
    assert bool(cards) is fires


def test_sleep_card_shows_both_sources():
    (card,) = cards_for(
        RULE_SLEEP_AFTER_BEDTIME_STEP,
        today=20,
        steps=[step(0, "3")],
        side_effects=[effect(15, "insomnia", "mild")],
    )
    assert card.key == f"sleep_after_bedtime_step:{on(0)}"
    assert card.suggestion.startswith("Consider moving the dose (3 mg at bedtime) to the morning [003, 004]")
    assert "Bihari preferred lowering to 1.5–2 mg over moving it to the morning [004]" in card.suggestion
    assert card.evidence == (
        f"3 mg at bedtime since {on(0)}",
        f"{on(15)}: Insomnia / sleep disturbance (mild)",
    )


@pytest.mark.parametrize(
    ("dose", "suggests_1_5_to_2_mg"),
    [("0.5", False), ("1.5", False), ("2", False), ("2.5", True), ("4.5", True)],
)
def test_sleep_card_suggests_lowering_to_1_5_to_2_mg_only_above_2_mg(dose, suggests_1_5_to_2_mg):
    (card,) = cards_for(
        RULE_SLEEP_AFTER_BEDTIME_STEP,
        today=20,
        steps=[step(0, dose)],
        side_effects=[effect(15, "insomnia", "mild")],
    )
    assert ("1.5–2 mg" in card.suggestion) is suggests_1_5_to_2_mg


def test_sleep_card_at_a_low_dose_suggests_lowering_further():
    (card,) = cards_for(
        RULE_SLEEP_AFTER_BEDTIME_STEP,
        today=20,
        steps=[step(0, "0.5")],
        side_effects=[effect(15, "insomnia", "mild")],
    )
    assert card.suggestion == (
        "Consider moving the dose (0.5 mg at bedtime) to the morning [003, 004], or "
        "lowering it further; the choice is yours."
    )


@pytest.mark.parametrize(
    ("schedule", "today"),
    [
        # ten days after the plan ended (it ended on day 30)
        (schedule_of([step(0, "3")], ended_on=30), 40),
        # during a pause
        (schedule_of([step(0, "3")], pauses=[(35, 45)]), 40),
        # between two plans
        (schedule_of([step(0, "3")], ended_on=30, later=[step(50, "1.5")]), 40),
    ],
)
def test_no_sleep_card_when_nothing_is_prescribed(schedule, today):
    effects = [effect(20, "insomnia"), effect(38, "vivid_dreams")]
    cards = cards_for(RULE_SLEEP_AFTER_BEDTIME_STEP, today=today, schedule=schedule, side_effects=effects)
    assert cards == []


# --- c. no clear response after 12 weeks -----------------------------------------------------

NONE_RESPONDING = {"Pain": ResponseClass.NO_CHANGE, "Sleep": ResponseClass.MINIMAL}


@pytest.mark.parametrize(
    ("today", "responses", "schedule", "key"),
    [
        (84, NONE_RESPONDING, schedule_of(), f"plan_review:{FIRST_DOSE}:84"),
        (83, NONE_RESPONDING, schedule_of(), None),
        (84, {**NONE_RESPONDING, "Fatigue": ResponseClass.MODERATE}, schedule_of(), None),
        (84, {"Pain": ResponseClass.SUBSTANTIAL}, schedule_of(), None),
        (182, {"Pain": ResponseClass.WORSE}, schedule_of(), f"plan_review:{FIRST_DOSE}:182"),
        (200, NONE_RESPONDING, Schedule(), None),  # no plan, no first dose
        # Nothing that could be judged is not "no response" (the failure: no entries at all
        # raised "No clear response after 12 weeks").
        (84, {}, schedule_of(), None),
        (84, {"Pain": ResponseClass.INSUFFICIENT_DATA}, schedule_of(), None),
        (84, {"Pain": ResponseClass.BASELINE_TOO_THIN}, schedule_of(), None),
        (
            84,
            {"Pain": ResponseClass.INSUFFICIENT_DATA, "Sleep": ResponseClass.NO_CHANGE},
            schedule_of(),
            f"plan_review:{FIRST_DOSE}:84",
        ),
    ],
)
def test_plan_review(today, responses, schedule, key):
    cards = cards_for(RULE_PLAN_REVIEW, today=today, responses=responses, schedule=schedule)
    assert [card.key for card in cards] == ([key] if key else [])


def test_plan_review_card_lists_each_symptom():
    (card,) = cards_for(RULE_PLAN_REVIEW, today=90, responses=NONE_RESPONDING)
    assert "Pain: no change" in card.evidence
    assert "Sleep: minimal improvement" in card.evidence
    assert "[000]" in card.reason
    assert "[003]" in card.reason


def test_plan_review_accepts_class_values_as_strings():
    assert cards_for(RULE_PLAN_REVIEW, today=90, responses={"Pain": "moderate"}) == []


# --- d. adherence ------------------------------------------------------------------------------

TODAY = on(30)
LAST_14 = {TODAY - dt.timedelta(days=n) for n in range(14)}
LAST_7 = {TODAY - dt.timedelta(days=n) for n in range(7)}


def logged(taken: Iterable[int], missed: Iterable[int] = ()) -> list[tuple[dt.date, bool]]:
    """Entries logged as taken / not taken on the given numbers of days before TODAY."""
    return [(TODAY - dt.timedelta(days=n), True) for n in taken] + [
        (TODAY - dt.timedelta(days=n), False) for n in missed
    ]


@pytest.mark.parametrize(
    ("entries", "prescribed", "expected"),
    [
        (logged(range(14)), LAST_14, 1.0),
        (logged(range(0, 14, 2), missed=range(1, 14, 2)), LAST_14, 7 / 14),
        # unlogged days count as not taken...
        (logged(range(7)), LAST_14, 7 / 14),
        # ...except today, which is not over until it is logged
        (logged(range(1, 14)), LAST_14, 1.0),
        (logged(range(1, 14), missed=[0]), LAST_14, 13 / 14),
        # days without a prescribed dose (a pause) are left out
        (logged(range(7)), LAST_7, 1.0),
        # entries older than the window are ignored
        (logged(range(14, 30)), LAST_14, 0.0),
        (logged(range(14)), set(), None),
    ],
)
def test_adherence(entries, prescribed, expected):
    assert adherence(entries, prescribed, TODAY) == expected


@pytest.mark.parametrize(
    ("taken", "prescribed", "not_logged", "percent", "words"),
    [
        (13, 14, 0, 93, "13 of 14 prescribed days (93 %)"),  # 92.86 rounds up
        (1, 8, 0, 13, "1 of 8 prescribed days (13 %)"),  # 12.5 rounds half up
        (12, 14, 1, 86, "12 of 14 prescribed days (86 %), 1 not logged"),
        (0, 0, 0, None, "no dose prescribed"),
    ],
)
def test_adherence_in_percent_and_words(taken, prescribed, not_logged, percent, words):
    count = AdherenceCount(taken, prescribed, not_logged=(TODAY,) * not_logged, not_taken=())
    assert count.percent == percent
    assert count.in_words == words


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("de", "12 von 14 verordneten Tagen (86 %), 1 nicht eingetragen"),
        ("es", "12 de 14 días prescritos (86 %), 1 sin registrar"),
    ],
)
def test_adherence_in_the_readers_language(language, words):
    """The summary's counts were English on a German or Spanish clinician's page."""
    from django.utils import translation

    count = AdherenceCount(12, 14, not_logged=(TODAY,), not_taken=())
    with translation.override(language):
        assert count.in_words == words


def test_count_adherence_lists_missing_days():
    count = count_adherence(logged([2], missed=[1]), LAST_14, TODAY, days=3)
    assert count.taken == 1
    assert count.prescribed == 2
    assert count.not_taken == (TODAY - dt.timedelta(days=1),)
    assert count.not_logged == ()


@pytest.mark.parametrize(
    ("taken_days", "first_step_day", "fires"),
    [
        (9, 0, True),  # 9 of 14 = 64 %
        (10, 0, False),  # 10 of 14 = 71 %
        (0, 25, False),  # days 25–29 counted (today unlogged): 5 are too few to judge
        (0, 23, True),  # days 23–29: 7 prescribed days, none logged
    ],
)
def test_low_adherence(taken_days, first_step_day, fires):
    entries = logged(range(taken_days), missed=range(taken_days, 14)) if taken_days else []
    cards = cards_for(RULE_LOW_ADHERENCE, today=30, steps=[step(first_step_day, "1.5")], entries=entries)
    assert bool(cards) is fires


def test_low_adherence_card_content():
    entries = logged(range(5), missed=range(5, 10))
    (card,) = cards_for(RULE_LOW_ADHERENCE, today=30, steps=[step(0, "1.5")], entries=entries)
    year, week, _ = TODAY.isocalendar()
    assert card.key == f"low_adherence:{year}-W{week:02d}"
    assert card.evidence[0].startswith("Taken on 5 of 14 prescribed days (36%)")
    assert any(line.startswith("Not logged: ") for line in card.evidence)
    assert any(line.startswith("Logged as not taken: ") for line in card.evidence)


@pytest.mark.parametrize(
    ("schedule", "entries", "fires"),
    [
        (schedule_of(), logged(range(7)), True),  # days 17–23 not logged
        (schedule_of(pauses=[(17, 23)]), logged(range(7)), False),  # ...were paused
        (schedule_of(), logged(range(7, 14)), True),  # days 24–29 not logged
        (schedule_of(ended_on=24), logged(range(7, 14)), False),  # ...came after the plan ended
    ],
)
def test_low_adherence_counts_the_schedules_prescribed_days(schedule, entries, fires):
    cards = cards_for(RULE_LOW_ADHERENCE, today=30, schedule=schedule, entries=entries)
    assert bool(cards) is fires


@pytest.mark.parametrize(
    ("schedule", "expected_days"),
    [
        (schedule_of([step(5, "1.5")]), range(5, 11)),
        (schedule_of([step(5, "1.5")], ended_on=8), range(5, 8)),
        (schedule_of([step(5, "1.5")], pauses=[(6, 7)]), [5, 8, 9, 10]),
        (Schedule(), []),
    ],
)
def test_recent_adherence_counts_prescribed_days_only(schedule, expected_days):
    inp = AdviceInput(today=on(10), schedule=schedule)
    count = recent_adherence(inp)
    assert count.prescribed == len([day for day in expected_days if day != 10])  # today unlogged
    assert set(count.not_logged) == {on(day) for day in expected_days if day != 10}


# --- e. thyroid review ---------------------------------------------------------------------------


REPLACEMENT = thyroid(ThyroidKind.REPLACEMENT)


@pytest.mark.parametrize(
    ("safety", "effects", "notes", "fires"),
    [
        (REPLACEMENT, [effect(25, "insomnia", "mild")], [], True),
        (REPLACEMENT, [effect(17, "insomnia", "mild")], [], True),  # 13 days ago: in the window
        (REPLACEMENT, [effect(16, "insomnia", "mild")], [], False),  # 14 days ago: outside
        (REPLACEMENT, [effect(25, "other", "mild", "Palpitations after lunch")], [], True),
        (REPLACEMENT, [], [(on(28), "My heart is racing at night")], True),
        (REPLACEMENT, [], [(on(28), "Heat intolerance again")], True),
        (REPLACEMENT, [], [(on(28), "Felt great, walked 5k")], False),
        (REPLACEMENT, [effect(25, "headache")], [], False),
        (thyroid(ThyroidKind.NONE), [effect(25, "insomnia")], [(on(28), "palpitations")], False),
        (None, [effect(25, "insomnia")], [(on(28), "palpitations")], False),
        # thyroid medication recorded in the screening only (issue 9: the rule never fired)
        (thyroid(ThyroidKind.UNSPECIFIED), [effect(25, "insomnia", "mild")], [], True),
        (thyroid(ThyroidKind.ANTITHYROID), [effect(25, "insomnia", "mild")], [], True),
    ],
)
def test_thyroid_review(safety, effects, notes, fires):
    cards = cards_for(RULE_THYROID_REVIEW, today=30, safety=safety, side_effects=effects, notes=notes)
    assert bool(cards) is fires


@pytest.mark.parametrize(
    ("steps", "effects", "fires"),
    [
        # insomnia in the first two weeks of a step is LDN's own side effect
        ([step(0, "1.5"), step(20, "3")], [effect(25, "insomnia", "mild")], False),
        ([step(0, "1.5"), step(20, "3")], [effect(20, "insomnia", "mild")], False),  # the step's first day
        ([step(0, "1.5"), step(11, "3")], [effect(25, "insomnia", "mild")], True),  # day 14 of the step
        ([step(20, "0.5")], [effect(25, "insomnia", "mild")], False),  # week 1 on LDN
        # palpitations are a sign whenever they come
        ([step(0, "1.5"), step(20, "3")], [effect(25, "other", "mild", "palpitations")], True),
    ],
)
def test_no_thyroid_card_for_insomnia_within_14_days_of_a_step(steps, effects, fires):
    cards = cards_for(RULE_THYROID_REVIEW, today=30, steps=steps, safety=REPLACEMENT, side_effects=effects)
    assert bool(cards) is fires


def test_thyroid_card_content():
    (card,) = cards_for(
        RULE_THYROID_REVIEW,
        today=30,
        safety=REPLACEMENT,
        side_effects=[effect(25, "insomnia", "mild")],
        notes=[(on(20), "palpitations")],
    )
    assert card.key == f"thyroid_review:{on(20)}"
    assert card.evidence == (
        f"{on(20)}: note: “palpitations”",
        f"{on(25)}: Insomnia / sleep disturbance (mild)",
    )
    assert "[000, 003]" in card.reason


@pytest.mark.parametrize(
    ("kind", "title", "suggestion"),
    [
        (
            ThyroidKind.REPLACEMENT,
            "Possible signs of too much thyroid hormone",
            "Consider reviewing the thyroid hormone dose and thyroid function tests.",
        ),
        (
            ThyroidKind.ANTITHYROID,
            "Possible signs of an overactive thyroid on antithyroid medicine",
            "Consider checking thyroid function and the antithyroid dose.",
        ),
        (
            ThyroidKind.UNSPECIFIED,
            "Possible thyroid signs in a patient on thyroid medication",
            "Consider checking which thyroid medicine is taken, and thyroid function tests.",
        ),
    ],
)
def test_thyroid_card_wording_follows_the_medicines_direction(kind, title, suggestion):
    (card,) = cards_for(
        RULE_THYROID_REVIEW, today=30, safety=thyroid(kind), side_effects=[effect(25, "insomnia", "mild")]
    )
    assert card.title == title
    assert card.suggestion == suggestion


def test_antithyroid_card_never_speaks_of_too_much_thyroid_medication():
    (card,) = cards_for(
        RULE_THYROID_REVIEW,
        today=30,
        safety=thyroid(ThyroidKind.ANTITHYROID),
        side_effects=[effect(25, "insomnia", "mild")],
    )
    words = " ".join([card.title, card.suggestion]).lower()
    assert "too much" not in words
    assert "too high" not in words


def test_thyroid_card_from_the_safety_state_of_a_listed_antithyroid_medicine():
    safety = safety_state(
        answers=None, medications=[MedicationPeriod("Carbimazole")], schedule=schedule_of(), day=on(30)
    )
    (card,) = cards_for(RULE_THYROID_REVIEW, today=30, safety=safety, side_effects=[effect(25, "insomnia")])
    assert card.title == "Possible signs of an overactive thyroid on antithyroid medicine"


# --- e2. thyroid review: a falling TSH on replacement hormone ---------------------------------------


def tsh(day: int, value: str, low: str | None = "0.4", high: str | None = "4.0", unit: str = "mIU/L"):
    return LabValue(
        on(day),
        "TSH",
        "tsh",
        Decimal(value),
        unit,
        None if low is None else Decimal(low),
        None if high is None else Decimal(high),
        "Riverside Pathology",
        day + 100,
    )


def free_t4(day: int, value: str) -> LabValue:
    return LabValue(on(day), "Free T4", "free_t4", Decimal(value), "pmol/L", Decimal(12), Decimal(22))


@pytest.mark.parametrize(
    ("safety", "labs", "today", "fires"),
    [
        # below the laboratory's lower limit and lower than before
        (REPLACEMENT, [tsh(-10, "3.8"), tsh(100, "0.3")], 110, True),
        # within the range but at most half the previous value: a clear fall
        (REPLACEMENT, [tsh(-10, "3.8"), tsh(100, "1.9")], 110, True),
        (REPLACEMENT, [tsh(-10, "3.8"), tsh(100, "1.91")], 110, False),  # just over half
        (REPLACEMENT, [tsh(-10, "2.0"), tsh(100, "2.4")], 110, False),  # rising
        (REPLACEMENT, [tsh(-10, "0.3"), tsh(100, "0.3")], 110, False),  # low but not falling
        (REPLACEMENT, [tsh(100, "0.1")], 110, False),  # one result: nothing to compare
        # a fall below the range when the laboratory gave no lower limit: only "half" counts
        (REPLACEMENT, [tsh(-10, "0.5", None, None), tsh(100, "0.3", None, None)], 110, False),
        # results in different units are not compared
        (REPLACEMENT, [tsh(-10, "3.8", unit="µIU/mL"), tsh(100, "0.3")], 110, False),
        # the pair is the latest and the one before it in the latest's unit
        (REPLACEMENT, [tsh(-10, "3.8"), tsh(50, "9", unit="other"), tsh(100, "0.3")], 110, True),
        # other tests do not count
        (REPLACEMENT, [free_t4(-10, "20"), free_t4(100, "5")], 110, False),
        # the latest sample was taken before the first dose: not a change on LDN
        (REPLACEMENT, [tsh(-40, "3.8"), tsh(-10, "0.3")], 110, False),
        # the latest sample is 26 weeks old (day 0 of 182): stale evidence
        (REPLACEMENT, [tsh(-10, "3.8"), tsh(0, "0.3")], 182, False),
        (REPLACEMENT, [tsh(-10, "3.8"), tsh(1, "0.3")], 182, True),
        # not on replacement: the card speaks of the replacement dose only
        (thyroid(ThyroidKind.ANTITHYROID), [tsh(-10, "3.8"), tsh(100, "0.3")], 110, False),
        (thyroid(ThyroidKind.UNSPECIFIED), [tsh(-10, "3.8"), tsh(100, "0.3")], 110, False),
        (thyroid(ThyroidKind.NONE), [tsh(-10, "3.8"), tsh(100, "0.3")], 110, False),
        (None, [tsh(-10, "3.8"), tsh(100, "0.3")], 110, False),
    ],
)
def test_thyroid_review_on_a_falling_tsh(safety, labs, today, fires):
    cards = cards_for(RULE_THYROID_REVIEW, today=today, safety=safety, labs=labs)
    assert bool(cards) is fires


def test_falling_tsh_card_content():
    (card,) = cards_for(
        RULE_THYROID_REVIEW,
        today=110,
        safety=REPLACEMENT,
        labs=[tsh(-10, "3.8"), tsh(58, "1.9"), tsh(100, "0.3")],
    )
    assert card.title == "TSH falling on thyroid hormone replacement"
    assert card.key == f"thyroid_review:tsh:{on(100)}"
    assert card.evidence == (
        f"{on(58)}: TSH 1.9 mIU/L (0.4–4.0)",
        f"{on(100)}: TSH 0.3 mIU/L (0.4–4.0), below the laboratory's range",
    )
    assert "falling TSH" in card.reason
    assert "[000, 003]" in card.reason


def test_a_falling_tsh_and_thyroid_signs_are_two_cards_each_dismissed_on_its_own():
    cards = cards_for(
        RULE_THYROID_REVIEW,
        today=110,
        safety=REPLACEMENT,
        side_effects=[effect(105, "other", "mild", "palpitations")],
        labs=[tsh(-10, "3.8"), tsh(100, "0.3")],
    )
    assert [card.key for card in cards] == [f"thyroid_review:{on(105)}", f"thyroid_review:tsh:{on(100)}"]


def test_the_rulebook_states_the_tsh_rule():
    from journal.rulebook import sections

    (advice,) = [section for section in sections() if section.key == "advice"]
    (entry,) = [entry for entry in advice.entries if entry.code == RULE_THYROID_REVIEW]
    assert "latest TSH" in entry.rule
    assert "below the laboratory's lower limit or at most half the previous value" in entry.rule
    assert "[000, 003]" in entry.reason


# --- f. safety alert -----------------------------------------------------------------------------

TRAMADOL_ON_DAY_20 = MedicationPeriod("Tramadol", "50 mg", listed_on=on(20))


def opioid_safety(today: int) -> SafetyState:
    return safety_state(answers=None, medications=[TRAMADOL_ON_DAY_20], schedule=schedule_of(), day=on(today))


@pytest.mark.parametrize(("today", "fires"), [(19, False), (20, True), (30, True)])
def test_safety_alert_for_an_opioid_added_mid_treatment(today, fires):
    cards = cards_for(RULE_SAFETY_ALERT, today=today, safety=opioid_safety(today))
    assert bool(cards) is fires


def test_safety_alert_card_content():
    (card,) = cards_for(RULE_SAFETY_ALERT, today=30, safety=opioid_safety(30))
    assert card.title == "Safety: an opioid on the medication list while LDN is prescribed"
    assert card.evidence == (
        f"Opioid on the medication list since {on(20)}, while LDN is prescribed: Tramadol 50 mg.",
    )
    assert card.key.startswith("safety_alert:opioid_with_ldn:")
    assert "[003, 004]" in card.reason


def test_a_safety_alert_keeps_its_key_while_the_finding_holds():
    (first,) = cards_for(RULE_SAFETY_ALERT, today=25, safety=opioid_safety(25))
    (later,) = cards_for(RULE_SAFETY_ALERT, today=30, safety=opioid_safety(30))
    assert first.key == later.key


@pytest.mark.parametrize(
    ("level", "fires"),
    [(Level.BLOCK, True), (Level.WARN, False), (Level.NOTE, False)],
)
def test_only_blocking_findings_raise_a_safety_alert(level, fires):
    safety = SafetyState(
        findings=(Finding(level, "opioid_recent", "Codeine: last dose ...", "Why [003]."),),
        thyroid=ThyroidStatus(ThyroidKind.NONE),
    )
    cards = cards_for(RULE_SAFETY_ALERT, today=30, safety=safety)
    assert [card.title for card in cards] == (
        ["Safety: an LDN dose too soon after the last opioid dose"] if fires else []
    )


# --- putting it together ------------------------------------------------------------------------


def test_quiet_patient_gets_no_advice():
    inp = AdviceInput(
        today=on(30),
        schedule=schedule_of(),
        entries=all_taken(0, 30),
        safety=safety_state(answers=None, medications=[], schedule=Schedule(), day=on(30)),
    )
    assert advise(inp) == []


def everything_at_once() -> list:
    schedule = schedule_of([step(0, "1.5"), step(80, "3")])
    return advise(
        AdviceInput(
            today=on(100),
            schedule=schedule,
            side_effects=[
                effect(80, "insomnia"),
                effect(81, "insomnia"),
                effect(82, "insomnia"),
                effect(96, "vivid_dreams", "mild"),
            ],
            responses=NONE_RESPONDING,
            safety=safety_state(
                answers=None,
                medications=[MedicationPeriod("Levothyroxine"), TRAMADOL_ON_DAY_20],
                schedule=schedule,
                day=on(100),
            ),
            notes=[(on(98), "palpitations")],
        )
    )


def test_every_rule_in_order():
    assert [card.rule for card in everything_at_once()] == [
        RULE_SAFETY_ALERT,
        RULE_STEP_UP_SIDE_EFFECTS,
        RULE_SLEEP_AFTER_BEDTIME_STEP,
        RULE_PLAN_REVIEW,
        RULE_LOW_ADHERENCE,
        RULE_THYROID_REVIEW,
    ]


@pytest.mark.parametrize("part", ["reason", "evidence", "suggestion"])
def test_every_card_has_its_parts(part):
    assert all(getattr(card, part) for card in everything_at_once())


def test_every_card_has_a_unique_key():
    cards = everything_at_once()
    assert len({card.key for card in cards}) == len(cards)


def test_open_cards_hides_dismissed():
    inp = AdviceInput(
        today=on(100), schedule=schedule_of(), entries=all_taken(0, 100), responses=NONE_RESPONDING
    )
    (card,) = advise(inp)
    assert open_cards([card], set()) == [card]
    assert open_cards([card], {card.key}) == []
    assert open_cards([card], {"plan_review:other"}) == [card]


def test_evidence_names_side_effects_in_words():
    effects = [effect(14, "vivid_dreams"), effect(15, "daytime_fatigue"), effect(16, "nausea")]
    (card,) = cards_for(RULE_STEP_UP_SIDE_EFFECTS, today=21, steps=RAMP, side_effects=effects)
    assert f"{on(14)}: Vivid dreams (moderate)" in card.evidence  # the vocabulary's words
    assert f"{on(15)}: Daytime fatigue (moderate)" in card.evidence


def test_a_card_reads_in_the_clinicians_language_and_stays_english_as_data():
    from django.utils import translation

    (card,) = cards_for(RULE_STEP_UP_SIDE_EFFECTS, today=21, steps=RAMP, side_effects=BAD_WEEK_AFTER_DAY_14)
    with translation.override("es"):
        shown = (str(card.title), str(card.suggestion), str(card.evidence[0]))
        kept = card.title + " | " + card.suggestion  # as a dismissal's audit row joins them
    assert shown == (
        "Efectos secundarios tras el aumento a 3 mg",
        "Considere mantener 3 mg más tiempo, volver a 1,5 mg o pasar la dosis a la mañana.",
        f"Aumento de 1,5 mg a 3 mg el {on(14)}",
    )
    assert kept == (
        "Side effects after the step to 3 mg | Consider holding at 3 mg for longer, or stepping back to "
        "1.5 mg, or moving the dose to the morning."
    )
