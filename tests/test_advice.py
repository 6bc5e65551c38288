from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

import pytest

from journal.advice import (
    RULE_LOW_ADHERENCE,
    RULE_PLAN_REVIEW,
    RULE_SLEEP_AFTER_BEDTIME_STEP,
    RULE_STEP_UP_SIDE_EFFECTS,
    RULE_THYROID_REVIEW,
    AdviceInput,
    PlanStep,
    adherence,
    advise,
    count_adherence,
    days_with_dose_prescribed,
    open_cards,
)
from journal.response import ResponseClass

FIRST_DOSE = dt.date(2025, 1, 1)


def on(day: int) -> dt.date:
    return FIRST_DOSE + dt.timedelta(days=day)


def step(day: int, mg: str, timing: str = "bedtime") -> tuple[dt.date, Decimal, str]:
    return (on(day), Decimal(mg), timing)


def effect(day: int, kind: str, severity: str = "moderate", text: str = ""):
    return (on(day), kind, severity, text)


def all_taken(first: int, last: int) -> list[tuple[dt.date, bool]]:
    return [(on(day), True) for day in range(first, last + 1)]


def cards_for(rule: str, *, today: int, **fields) -> list:
    fields.setdefault("entries", all_taken(0, today))  # keep the adherence rule quiet
    inp = AdviceInput(today=on(today), first_dose_date=fields.pop("first_dose", FIRST_DOSE),
                      **fields)
    return [card for card in advise(inp) if card.rule == rule]


# --- a. side effects after a step up --------------------------------------------------------

RAMP = [step(0, "1.5"), step(14, "3")]


@pytest.mark.parametrize(
    ("steps", "effects", "today", "fires"),
    [
        # moderate/severe on days 0, 2 and 6 after the step up: fires
        (RAMP, [effect(14, "insomnia"), effect(16, "headache", "severe"),
                effect(20, "nausea")], 21, True),
        # only two bad days
        (RAMP, [effect(14, "insomnia"), effect(16, "headache")], 21, False),
        # two reports on one day count as one day
        (RAMP, [effect(14, "insomnia"), effect(14, "headache"), effect(16, "nausea")], 21, False),
        # day 7 is outside the 0–6 window
        (RAMP, [effect(14, "insomnia"), effect(16, "headache"), effect(21, "nausea")], 21, False),
        # mild side effects do not count
        (RAMP, [effect(day, "vivid_dreams", "mild") for day in range(14, 21)], 21, False),
        # a step down is not a step up
        ([step(0, "3"), step(14, "1.5")],
         [effect(14, "insomnia"), effect(15, "insomnia"), effect(16, "insomnia")], 21, False),
        # a change of timing only is not a step up
        ([step(0, "3"), step(14, "3", "morning")],
         [effect(14, "insomnia"), effect(15, "insomnia"), effect(16, "insomnia")], 21, False),
        # a later step is in force: the plan has moved on
        ([*RAMP, step(28, "3", "morning")],
         [effect(14, "insomnia"), effect(15, "insomnia"), effect(16, "insomnia")], 30, False),
        # the first step counts as a step up from nothing
        ([step(0, "1.5")], [effect(0, "nausea"), effect(1, "nausea"), effect(3, "anxiety")],
         5, True),
        # still shown on day 27 after the step, lapsed from day 28
        (RAMP, [effect(14, "insomnia"), effect(16, "headache"), effect(20, "nausea")], 14 + 27, True),
        (RAMP, [effect(14, "insomnia"), effect(16, "headache"), effect(20, "nausea")], 14 + 28, False),
    ],
)
def test_step_up_side_effects(steps, effects, today, fires):
    cards = cards_for(RULE_STEP_UP_SIDE_EFFECTS, today=today, steps=steps, side_effects=effects)
    assert bool(cards) is fires


def test_step_up_card_content():
    effects = [effect(14, "insomnia"), effect(16, "headache", "severe"), effect(20, "nausea")]
    (card,) = cards_for(RULE_STEP_UP_SIDE_EFFECTS, today=21, steps=RAMP, side_effects=effects)
    assert card.key == f"step_up_side_effects:{on(14)}"
    assert "stepping back to 1.5 mg" in card.suggestion
    assert "morning" in card.suggestion
    assert card.evidence[0] == f"Step from 1.5 mg to 3 mg on {on(14)}"
    assert f"{on(16)}: headache (severe)" in card.evidence
    assert f"{on(14)}: insomnia (moderate)" in card.evidence
    assert "[003]" in card.reason and "[000]" in card.reason


def test_first_step_card_suggests_a_lower_start():
    effects = [effect(0, "nausea"), effect(1, "nausea"), effect(3, "anxiety")]
    (card,) = cards_for(RULE_STEP_UP_SIDE_EFFECTS, today=5, steps=[step(0, "1.5", "morning")],
                        side_effects=effects)
    assert "a lower starting dose" in card.suggestion
    assert "morning" not in card.suggestion  # already taken in the morning


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
        ([step(0, "1.5"), step(30, "3")], [effect(20, "insomnia"), effect(35, "insomnia")],
         40, False),
        ([step(0, "1.5"), step(30, "3")], [effect(45, "vivid_dreams")], 50, True),
    ],
)
def test_sleep_after_bedtime_step(steps, effects, today, fires):
    cards = cards_for(RULE_SLEEP_AFTER_BEDTIME_STEP, today=today, steps=steps,
                      side_effects=effects)
    assert bool(cards) is fires


def test_sleep_card_shows_both_sources():
    (card,) = cards_for(RULE_SLEEP_AFTER_BEDTIME_STEP, today=20, steps=[step(0, "3")],
                        side_effects=[effect(15, "insomnia", "mild")])
    assert card.key == f"sleep_after_bedtime_step:{on(0)}"
    assert "morning" in card.suggestion and "1.5–2 mg" in card.suggestion
    assert "[004]" in card.suggestion
    assert f"{on(15)}: insomnia (mild)" in card.evidence


# --- c. no clear response after 12 weeks -----------------------------------------------------

NONE_RESPONDING = {"Pain": ResponseClass.NO_CHANGE, "Sleep": ResponseClass.MINIMAL}


@pytest.mark.parametrize(
    ("today", "responses", "first_dose", "key"),
    [
        (84, NONE_RESPONDING, FIRST_DOSE, f"plan_review:{FIRST_DOSE}:84"),
        (83, NONE_RESPONDING, FIRST_DOSE, None),
        (84, {**NONE_RESPONDING, "Fatigue": ResponseClass.MODERATE}, FIRST_DOSE, None),
        (84, {"Pain": ResponseClass.SUBSTANTIAL}, FIRST_DOSE, None),
        (100, {"Pain": ResponseClass.INSUFFICIENT_DATA}, FIRST_DOSE, f"plan_review:{FIRST_DOSE}:84"),
        (182, {"Pain": ResponseClass.WORSE}, FIRST_DOSE, f"plan_review:{FIRST_DOSE}:182"),
        (84, {}, FIRST_DOSE, f"plan_review:{FIRST_DOSE}:84"),
        (200, NONE_RESPONDING, None, None),
    ],
)
def test_plan_review(today, responses, first_dose, key):
    cards = cards_for(RULE_PLAN_REVIEW, today=today, responses=responses, first_dose=first_dose)
    assert [card.key for card in cards] == ([key] if key else [])


def test_plan_review_card_lists_each_symptom():
    (card,) = cards_for(RULE_PLAN_REVIEW, today=90, responses=NONE_RESPONDING)
    assert "Pain: no change" in card.evidence
    assert "Sleep: minimal improvement" in card.evidence
    assert "[000]" in card.reason and "[003]" in card.reason


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


def test_count_adherence_lists_missing_days():
    count = count_adherence(logged([2], missed=[1]), LAST_14, TODAY, days=3)
    assert (count.taken, count.prescribed) == (1, 2)
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
    cards = cards_for(RULE_LOW_ADHERENCE, today=30, steps=[step(first_step_day, "1.5")],
                      entries=entries)
    assert bool(cards) is fires


def test_low_adherence_card_content():
    entries = logged(range(5), missed=range(5, 10))
    (card,) = cards_for(RULE_LOW_ADHERENCE, today=30, steps=[step(0, "1.5")], entries=entries)
    year, week, _ = TODAY.isocalendar()
    assert card.key == f"low_adherence:{year}-W{week:02d}"
    assert card.evidence[0].startswith("Taken on 5 of 14 prescribed days (36%)")
    assert any(line.startswith("Not logged: ") for line in card.evidence)
    assert any(line.startswith("Logged as not taken: ") for line in card.evidence)


def test_low_adherence_uses_given_prescribed_days():
    entries = logged(range(7))
    cards = cards_for(RULE_LOW_ADHERENCE, today=30, steps=[step(0, "1.5")], entries=entries,
                      prescribed_days=LAST_14)
    assert cards
    cards = cards_for(RULE_LOW_ADHERENCE, today=30, steps=[step(0, "1.5")], entries=entries,
                      prescribed_days=LAST_7)
    assert not cards


@pytest.mark.parametrize(
    ("kwargs", "expected_days"),
    [
        ({}, range(5, 11)),
        ({"ended_on": on(8)}, range(5, 8)),
        ({"pauses": [(on(6), on(7))]}, [5, 8, 9, 10]),
    ],
)
def test_days_with_dose_prescribed(kwargs, expected_days):
    steps = [PlanStep(on(5), Decimal("1.5"))]
    assert days_with_dose_prescribed(steps, on(0), on(10), **kwargs) == {
        on(day) for day in expected_days
    }


def test_no_steps_means_nothing_prescribed():
    assert days_with_dose_prescribed([], on(0), on(10)) == set()


# --- e. thyroid review ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on_thyroid", "effects", "notes", "fires"),
    [
        (True, [effect(25, "insomnia", "mild")], [], True),
        (True, [effect(17, "insomnia", "mild")], [], True),  # 13 days ago: in the window
        (True, [effect(16, "insomnia", "mild")], [], False),  # 14 days ago: outside
        (True, [effect(25, "other", "mild", "Palpitations after lunch")], [], True),
        (True, [], [(on(28), "My heart is racing at night")], True),
        (True, [], [(on(28), "Heat intolerance again")], True),
        (True, [], [(on(28), "Felt great, walked 5k")], False),
        (True, [effect(25, "headache")], [], False),
        (False, [effect(25, "insomnia")], [(on(28), "palpitations")], False),
    ],
)
def test_thyroid_review(on_thyroid, effects, notes, fires):
    cards = cards_for(RULE_THYROID_REVIEW, today=30, on_thyroid_medication=on_thyroid,
                      side_effects=effects, notes=notes)
    assert bool(cards) is fires


def test_thyroid_card_content():
    (card,) = cards_for(
        RULE_THYROID_REVIEW, today=30, on_thyroid_medication=True,
        side_effects=[effect(25, "insomnia", "mild")], notes=[(on(20), "palpitations")],
    )
    assert card.key == f"thyroid_review:{on(20)}"
    assert card.evidence == (f"{on(20)}: note: \"palpitations\"", f"{on(25)}: insomnia (mild)")
    assert "[000, 003]" in card.reason


# --- putting it together ------------------------------------------------------------------------


def test_quiet_patient_gets_no_advice():
    inp = AdviceInput(today=on(30), first_dose_date=FIRST_DOSE, steps=[step(0, "1.5")],
                      entries=all_taken(0, 30))
    assert advise(inp) == []


def test_every_card_has_a_reason_and_unique_key():
    inp = AdviceInput(
        today=on(100), first_dose_date=FIRST_DOSE,
        steps=[step(0, "1.5"), step(95, "3")],
        side_effects=[effect(95, "insomnia"), effect(96, "insomnia"), effect(97, "insomnia")],
        responses=NONE_RESPONDING, on_thyroid_medication=True,
    )
    cards = advise(inp)
    assert [card.rule for card in cards] == [
        RULE_STEP_UP_SIDE_EFFECTS, RULE_PLAN_REVIEW, RULE_LOW_ADHERENCE, RULE_THYROID_REVIEW,
    ]
    assert all(card.reason and card.evidence and card.suggestion for card in cards)
    assert len({card.key for card in cards}) == len(cards)


def test_open_cards_hides_dismissed():
    inp = AdviceInput(today=on(100), first_dose_date=FIRST_DOSE, steps=[step(0, "1.5")],
                      entries=all_taken(0, 100), responses=NONE_RESPONDING)
    (card,) = advise(inp)
    assert open_cards([card], set()) == [card]
    assert open_cards([card], {card.key}) == []
    assert open_cards([card], {"plan_review:other"}) == [card]


def test_evidence_names_side_effects_in_words():
    effects = [effect(14, "vivid_dreams"), effect(15, "daytime_fatigue"), effect(16, "nausea")]
    (card,) = cards_for(RULE_STEP_UP_SIDE_EFFECTS, today=21, steps=RAMP, side_effects=effects)
    assert f"{on(14)}: vivid dreams (moderate)" in card.evidence
    assert f"{on(15)}: daytime fatigue (moderate)" in card.evidence
