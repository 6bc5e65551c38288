"""journal.selectors.plans: the patient's prescribed plans, the plan a page shows, its badge,
and its steps as the one schedule places them today."""

from __future__ import annotations

import datetime as dt

import pytest

from journal.models import TitrationPlan
from journal.schedule import DAY, StepState
from journal.selectors.plans import (
    plan_course_words,
    plan_section,
    plan_state,
    plan_state_words,
    prescribed_plans,
    shown_plan,
)
from journal.selectors.records import schedule_of
from tests.factories import make_plan

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def history(alice, carol):
    """An ended first plan, a current one, and a draft (never prescribed)."""
    first = make_plan(alice, carol, [(TODAY - 60 * DAY, "1.5")], ended_on=TODAY - 30 * DAY, status="ended")
    current = make_plan(alice, carol, [(TODAY - 30 * DAY, "1.5"), (TODAY + 7 * DAY, "3")])
    make_plan(alice, carol, [(TODAY + 60 * DAY, "4.5")], status="draft")
    return first, current


def test_prescribed_plans_are_oldest_first_without_drafts(alice, history, django_assert_num_queries):
    with django_assert_num_queries(1):  # the patient's plans, drafts left out
        plans = prescribed_plans(alice)
    assert plans == list(history)


def test_the_plan_shown_is_the_current_one(history):
    first, current = history
    assert shown_plan([first, current]) == current
    assert shown_plan([current, first]) == current


def test_without_a_current_plan_the_latest_is_shown(history):
    first, current = history
    current.status = TitrationPlan.Status.ENDED
    assert shown_plan([first, current]) == current
    assert shown_plan([]) is None


@pytest.mark.parametrize(
    ("status", "ended_on", "state"),
    [
        ("active", None, "active"),
        ("active", TODAY + 3 * DAY, "ends on 5 Mar 2026"),
        ("active", TODAY, "ended"),  # nothing is prescribed from the end date
        ("ended", None, "ended"),
        ("ended", TODAY + 3 * DAY, "ended"),  # closed to changes, though it still prescribes
    ],
)
def test_plan_state(status, ended_on, state):
    assert plan_state(TitrationPlan(status=status, ended_on=ended_on), TODAY) == state


def test_no_plan_no_badge():
    assert plan_state(None, TODAY) == ""


def test_plan_section_places_the_shown_plans_steps_today(alice, history, django_assert_num_queries):
    first, current = history
    plans, schedule = prescribed_plans(alice), schedule_of(alice)
    with django_assert_num_queries(0):  # from the plans and the schedule already read
        section = plan_section(plans, schedule, TODAY)
    assert section["plan"] == section["current_plan"] == current
    assert section["next_plan"] is None
    assert section["plan_state"] == "active"
    assert section["plan_state_words"] == "active"
    assert [(row.dose.start_date, row.state) for row in section["plan_steps"]] == [
        (TODAY - 30 * DAY, StepState.NOW),
        (TODAY + 7 * DAY, StepState.UPCOMING),
    ]


def test_plan_section_without_a_plan(alice):
    assert plan_section([], schedule_of(alice), TODAY) == {
        "plan": None,
        "plan_state": "",
        "plan_state_words": "",
        "plan_steps": [],
        "current_plan": None,
        "next_plan": None,
    }


def test_the_plan_badge_in_the_readers_language(alice, carol):
    from django.utils import translation

    plan = make_plan(alice, carol, [(TODAY - 30 * DAY, "1.5")], ended_on=TODAY + 35 * DAY)
    assert plan_state_words(None, TODAY) == ""
    assert plan_state_words(plan, TODAY) == f"ends on {TODAY + 35 * DAY:%-d %b %Y}"
    with translation.override("es"):
        assert plan_state_words(plan, TODAY) == "termina el 6 abr 2026"  # lower case in Spanish
    plan.ended_on = None
    with translation.override("de"):
        assert plan_state_words(plan, TODAY) == "aktiv"


@pytest.mark.parametrize(
    ("ended_on", "words"),
    [
        (None, ""),
        (TODAY - 3 * DAY, "ended on 27 Feb 2026"),
        (TODAY, "ended on 2 Mar 2026"),  # nothing is prescribed from the end date
        (TODAY + 3 * DAY, "ends on 5 Mar 2026"),
    ],
)
@pytest.mark.parametrize("status", ["active", "ended"])
def test_a_plans_course_is_told_by_its_end_date_alone(status, ended_on, words):
    """The summary's words for a plan: a plan closed to changes because the next one is written
    (status "ended") still prescribes until its end date, and is said to end then."""
    assert plan_course_words(TitrationPlan(status=status, ended_on=ended_on), TODAY) == words


def test_a_plan_not_begun_says_when_it_starts(alice, carol):
    plan = make_plan(alice, carol, [(TODAY + 5 * DAY, "0.5")])
    assert plan_state(plan, TODAY) == "active"  # changes still go to it
    assert plan_state_words(plan, TODAY) == "starts on 7 Mar 2026"


def test_while_the_plan_before_still_prescribes_its_step_in_force_comes_first(alice, carol):
    """1.5 mg until a week from today, when the next plan (written already) starts at 3 mg: the
    section shows the next plan, and the steps, the badge and the plan's facts say what the
    patient takes now."""
    first = make_plan(
        alice,
        carol,
        [(TODAY - 30 * DAY, "1"), (TODAY - 14 * DAY, "1.5")],
        ended_on=TODAY + 7 * DAY,
        status="ended",
    )
    following = make_plan(alice, carol, [(TODAY + 7 * DAY, "3")])
    section = plan_section(prescribed_plans(alice), schedule_of(alice), TODAY)
    assert section["plan"] == section["next_plan"] == following  # changes go to it
    assert section["current_plan"] == first
    assert section["plan_state_words"] == "ends on 9 Mar 2026"
    assert [(row.dose.plan_id, row.dose.start_date, row.state) for row in section["plan_steps"]] == [
        (first.pk, TODAY - 14 * DAY, StepState.NOW),
        (following.pk, TODAY + 7 * DAY, StepState.UPCOMING),
    ]
