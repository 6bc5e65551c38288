"""journal.reminders: which reminders are due in a stretch of time, in the patient's zone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from journal.reminders import (
    Kind,
    ReminderChoices,
    choice_problems,
    days_left,
    due_occasions,
    in_quiet_hours,
    may_be_due,
)
from journal.schedule import DAY, PausePeriod, PlannedStep, PlanRecord, Schedule

MONDAY = dt.date(2026, 3, 2)
T = dt.time


def schedule(*steps: tuple[dt.date, str, str], pauses: tuple[PausePeriod, ...] = ()) -> Schedule:
    planned = tuple(PlannedStep(day, Decimal(mg), timing) for day, mg, timing in steps)
    return Schedule([PlanRecord(1, planned)], pauses)


DAILY = schedule((MONDAY - 30 * DAY, "1.5", "bedtime"))


@pytest.mark.parametrize(
    ("at", "quiet_from", "quiet_until", "quiet"),
    [
        (T(23, 0), T(22, 0), T(7, 0), True),  # runs past midnight
        (T(3, 0), T(22, 0), T(7, 0), True),
        (T(7, 0), T(22, 0), T(7, 0), False),  # the end is not quiet
        (T(22, 0), T(22, 0), T(7, 0), True),  # the start is
        (T(12, 0), T(22, 0), T(7, 0), False),
        (T(13, 0), T(12, 0), T(14, 0), True),  # within a day
        (T(15, 0), T(12, 0), T(14, 0), False),
        (T(13, 0), None, None, False),  # no quiet hours
        (T(13, 0), T(9, 0), T(9, 0), False),  # equal ends: none
    ],
)
def test_quiet_hours(at, quiet_from, quiet_until, quiet):
    assert in_quiet_hours(at, quiet_from, quiet_until) is quiet


@pytest.mark.parametrize(
    ("doses", "counted_on", "today", "pauses", "left"),
    [
        (30, MONDAY, MONDAY, (), 30),  # counted today: today's dose still in the count
        (30, MONDAY, MONDAY + DAY, (), 29),
        (30, MONDAY, MONDAY + 10 * DAY, (), 20),
        (5, MONDAY, MONDAY + 10 * DAY, (), 0),  # never below 0
        (30, MONDAY + DAY, MONDAY, (), 30),  # a count dated after today: nothing used yet
        # two paused days use no dose
        (30, MONDAY, MONDAY + 10 * DAY, (PausePeriod(MONDAY + 2 * DAY, MONDAY + 3 * DAY),), 22),
    ],
)
def test_days_left(doses, counted_on, today, pauses, left):
    plan = schedule((MONDAY - 30 * DAY, "1.5", "bedtime"), pauses=pauses)
    assert days_left(plan, doses_on_hand=doses, counted_on=counted_on, today=today) == left


@pytest.mark.parametrize(
    ("doses", "pauses", "left"),
    [
        (5, (), 10),  # every other day from today: doses today, +2, +4, +6, +8; none left on +10
        # the pause skips the doses of +2 and +4: +6, +8, +10, +12 follow; none left on +14
        (5, (PausePeriod(MONDAY + 2 * DAY, MONDAY + 5 * DAY),), 14),
        (0, (), 0),
    ],
)
def test_days_left_are_days_not_doses_on_an_every_other_day_step(doses, pauses, left):
    """5 doses taken every other day last 10 days: the warning at 7 days left comes 3 days
    later than a count of doses would give it."""
    plan = Schedule(
        [PlanRecord(1, (PlannedStep(MONDAY, Decimal("1.5"), "bedtime", frequency="every_other_day"),))],
        pauses,
    )
    assert days_left(plan, doses_on_hand=doses, counted_on=MONDAY, today=MONDAY) == left


def test_days_left_counts_only_prescribed_days():
    starts_later = schedule((MONDAY + 5 * DAY, "1.5", "bedtime"))
    assert days_left(starts_later, doses_on_hand=10, counted_on=MONDAY, today=MONDAY + 7 * DAY) == 8


def window(local: dt.datetime, minutes: int = 1) -> tuple[dt.datetime, dt.datetime]:
    """The stretch of `minutes` ending at local moment `local` (aware)."""
    end = local.astimezone(dt.UTC)
    return end - dt.timedelta(minutes=minutes), end


def due(choices: ReminderChoices, plan: Schedule, local: dt.datetime, logged=frozenset()) -> list:
    start, end = window(local)
    return [(o.kind, o.day) for o in due_occasions(choices, plan, logged_days=logged, start=start, end=end)]


NY = "America/New_York"


def at(day: dt.date, hh: int, mm: int = 0, zone: str = NY) -> dt.datetime:
    import zoneinfo

    return dt.datetime.combine(day, T(hh, mm), tzinfo=zoneinfo.ZoneInfo(zone))


@pytest.mark.parametrize(
    ("choices", "plan", "local", "logged", "expected"),
    [
        # the dose reminder at the chosen time, in the patient's zone
        (
            ReminderChoices(NY, dose_on=True, bedtime_at=T(21, 30)),
            DAILY,
            at(MONDAY, 21, 30),
            (),
            [(Kind.DOSE, MONDAY)],
        ),
        (ReminderChoices(NY, dose_on=True, bedtime_at=T(21, 30)), DAILY, at(MONDAY, 21, 29), (), []),
        # the plan moved to the morning: the reminder follows, at the morning time
        (
            ReminderChoices(NY, dose_on=True, morning_at=T(7, 15)),
            schedule((MONDAY - 30 * DAY, "1.5", "bedtime"), (MONDAY, "1.5", "morning")),
            at(MONDAY, 7, 15),
            (),
            [(Kind.DOSE, MONDAY)],
        ),
        (
            ReminderChoices(NY, dose_on=True, bedtime_at=T(22, 0)),
            schedule((MONDAY - 30 * DAY, "1.5", "bedtime"), (MONDAY, "1.5", "morning")),
            at(MONDAY, 22, 0),
            (),
            [],
        ),
        # no dose prescribed (before the first dose, paused): no dose reminder
        (
            ReminderChoices(NY, dose_on=True),
            schedule((MONDAY + DAY, "1.5", "bedtime")),
            at(MONDAY, 22),
            (),
            [],
        ),
        (
            ReminderChoices(NY, dose_on=True),
            schedule((MONDAY - 30 * DAY, "1.5", "bedtime"), pauses=(PausePeriod(MONDAY, MONDAY),)),
            at(MONDAY, 22),
            (),
            [],
        ),
        # quiet hours: nothing
        (
            ReminderChoices(NY, dose_on=True, bedtime_at=T(22), quiet_from=T(21), quiet_until=T(7)),
            DAILY,
            at(MONDAY, 22),
            (),
            [],
        ),
        # the nudge, unless today's entry exists
        (
            ReminderChoices(NY, nudge_on=True, nudge_at=T(20)),
            DAILY,
            at(MONDAY, 20),
            (),
            [(Kind.NUDGE, MONDAY)],
        ),
        (ReminderChoices(NY, nudge_on=True, nudge_at=T(20)), DAILY, at(MONDAY, 20), (MONDAY,), []),
        (
            ReminderChoices(NY, nudge_on=True, nudge_at=T(20)),
            DAILY,
            at(MONDAY, 20),
            (MONDAY - DAY,),  # yesterday's entry does not count
            [(Kind.NUDGE, MONDAY)],
        ),
        # the day before a step; not two days before, not on the day
        (
            ReminderChoices(NY, step_on=True, notice_at=T(18)),
            schedule((MONDAY - 30 * DAY, "1.5", "bedtime"), (MONDAY + DAY, "3", "bedtime")),
            at(MONDAY, 18),
            (),
            [(Kind.STEP, MONDAY + DAY)],
        ),
        (
            ReminderChoices(NY, step_on=True, notice_at=T(18)),
            schedule((MONDAY - 30 * DAY, "1.5", "bedtime"), (MONDAY + 2 * DAY, "3", "bedtime")),
            at(MONDAY, 18),
            (),
            [],
        ),
        # refill: at or under the warning, once per count (the occasion's date is the count's)
        (
            ReminderChoices(
                NY,
                refill_on=True,
                notice_at=T(18),
                supply_doses=10,
                supply_counted_on=MONDAY - 3 * DAY,
                refill_days=7,
            ),
            DAILY,
            at(MONDAY, 18),
            (),
            [(Kind.REFILL, MONDAY - 3 * DAY)],
        ),
        (
            ReminderChoices(
                NY,
                refill_on=True,
                notice_at=T(18),
                supply_doses=11,
                supply_counted_on=MONDAY - 3 * DAY,
                refill_days=7,
            ),
            DAILY,
            at(MONDAY, 18),
            (),
            [],
        ),
    ],
)
def test_due_occasions(choices, plan, local, logged, expected):
    assert due(choices, plan, local, frozenset(logged)) == expected


def test_the_same_local_time_in_two_zones_is_two_moments():
    tokyo = ReminderChoices("Asia/Tokyo", dose_on=True, bedtime_at=T(22))
    london = ReminderChoices("Europe/London", dose_on=True, bedtime_at=T(22))
    moment = at(MONDAY, 22, zone="Asia/Tokyo")
    assert due(tokyo, DAILY, moment) == [(Kind.DOSE, MONDAY)]
    assert due(london, DAILY, moment) == []


SPRING = dt.date(2026, 3, 29)  # Europe/London: clocks go from 01:00 to 02:00 GMT → BST
AUTUMN = dt.date(2026, 10, 25)  # Europe/London: 02:00 BST back to 01:00 GMT, 01:30 twice


def test_dst_a_skipped_time_is_sent_once_an_hour_later():
    choices = ReminderChoices("Europe/London", dose_on=True, bedtime_at=T(1, 30))
    start = dt.datetime(2026, 3, 29, 0, 0, tzinfo=dt.UTC)
    found = due_occasions(
        choices, DAILY, logged_days=frozenset(), start=start, end=start + dt.timedelta(hours=3)
    )
    assert [(o.kind, o.day, o.due_at) for o in found] == [
        (Kind.DOSE, SPRING, dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC))  # 02:30 BST on the wall clock
    ]


def test_dst_a_time_passed_twice_is_sent_once():
    choices = ReminderChoices("Europe/London", dose_on=True, bedtime_at=T(1, 30))
    start = dt.datetime(2026, 10, 24, 23, 0, tzinfo=dt.UTC)
    found = due_occasions(
        choices, DAILY, logged_days=frozenset(), start=start, end=start + dt.timedelta(hours=4)
    )
    assert [(o.day, o.due_at) for o in found] == [(AUTUMN, dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC))]


def test_a_stretch_across_local_midnight_finds_both_days():
    choices = ReminderChoices("UTC", dose_on=True, bedtime_at=T(23, 59), morning_at=T(0, 1))
    start = dt.datetime(2026, 3, 2, 23, 58, tzinfo=dt.UTC)
    plan = schedule((MONDAY - 30 * DAY, "1.5", "bedtime"), (MONDAY + DAY, "1.5", "morning"))
    found = due_occasions(
        choices, plan, logged_days=frozenset(), start=start, end=start + dt.timedelta(minutes=4)
    )
    assert [(o.kind, o.day) for o in found] == [(Kind.DOSE, MONDAY), (Kind.DOSE, MONDAY + DAY)]


def test_may_be_due_reads_only_the_chosen_times():
    choices = ReminderChoices(NY, nudge_on=True, nudge_at=T(20))
    assert may_be_due(choices, *window(at(MONDAY, 20)))
    assert not may_be_due(choices, *window(at(MONDAY, 21)))
    assert not may_be_due(ReminderChoices(NY, nudge_at=T(20)), *window(at(MONDAY, 20)))  # not on


def test_texts_hold_no_clinical_detail():
    plan = schedule((MONDAY - 30 * DAY, "4.5", "bedtime"), (MONDAY + DAY, "3", "morning"))
    choices = ReminderChoices(
        "UTC", dose_on=True, nudge_on=True, step_on=True, refill_on=True, supply_doses=1,
        supply_counted_on=MONDAY, bedtime_at=T(18), nudge_at=T(18), notice_at=T(18),
    )  # fmt: skip
    found = due_occasions(
        choices,
        plan,
        logged_days=frozenset(),
        start=at(MONDAY, 17, zone="UTC"),
        end=at(MONDAY, 18, zone="UTC"),
    )
    assert {o.kind for o in found} == set(Kind)
    for occasion in found:
        assert not any(word in occasion.text for word in ("mg", "4.5", "3 ", "capsule", "naltrexone"))


@pytest.mark.parametrize(
    ("choices", "field"),
    [
        (ReminderChoices(dose_on=True, bedtime_at=T(23), quiet_from=T(22), quiet_until=T(7)), "bedtime_at"),
        (ReminderChoices(nudge_on=True, nudge_at=T(6), quiet_from=T(22), quiet_until=T(7)), "nudge_at"),
        (ReminderChoices(quiet_from=T(22)), "quiet_until"),
        (ReminderChoices(supply_doses=10), "supply_counted_on"),
        (ReminderChoices(supply_doses=10, supply_counted_on=MONDAY + DAY), "supply_counted_on"),
        (ReminderChoices(supply_doses=10, supply_counted_on=MONDAY - 400 * DAY), "supply_counted_on"),
        (ReminderChoices(refill_on=True), "refill_on"),
    ],
)
def test_choice_problems(choices, field):
    assert field in choice_problems(choices, MONDAY)


def test_sensible_choices_have_no_problems():
    choices = ReminderChoices(
        dose_on=True, nudge_on=True, refill_on=True, supply_doses=30, supply_counted_on=MONDAY,
        quiet_from=T(23), quiet_until=T(7),
    )  # fmt: skip
    assert choice_problems(choices, MONDAY) == {}


def test_a_cream_applied_in_the_evening_is_reminded_at_the_evening_dose_time_with_its_own_words():
    cream = schedule((MONDAY - 30 * DAY, "1", "evening"))
    choices = ReminderChoices(NY, dose_on=True, bedtime_at=T(19, 30), morning_at=T(8, 0))
    assert due(choices, cream, at(MONDAY, 19, 30)) == [(Kind.DOSE, MONDAY)]
    assert due(choices, cream, at(MONDAY, 8, 0)) == []
    start, end = window(at(MONDAY, 19, 30))
    (occasion,) = due_occasions(choices, cream, logged_days=frozenset(), start=start, end=end)
    assert occasion.text == "Time to apply your evening LDN dose."
