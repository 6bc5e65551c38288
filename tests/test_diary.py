"""The diary's plain rules (journal.diary): which date the form opens on, which dates may be
logged, what each day looks like, adherence, and the amount to measure for a dose (the rules
of measuring itself are in tests/test_measuring.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from journal.diary import (
    DayStatus,
    Diary,
    date_problem,
    day_status,
    default_entry_date,
    entry_is_empty,
    is_editable,
    month_last_day,
    month_weeks,
    months_after,
    parse_month,
)
from journal.schedule import PausePeriod, PlannedStep, PlanRecord, Schedule

D = dt.date
TODAY = D(2026, 3, 20)


@pytest.mark.parametrize(
    ("local_time", "expected_day", "after_midnight"),
    [
        (dt.datetime(2026, 3, 20, 0, 0), D(2026, 3, 19), True),
        (dt.datetime(2026, 3, 20, 0, 30), D(2026, 3, 19), True),
        (dt.datetime(2026, 3, 20, 3, 59), D(2026, 3, 19), True),
        (dt.datetime(2026, 3, 20, 4, 0), D(2026, 3, 20), False),
        (dt.datetime(2026, 3, 20, 12, 0), D(2026, 3, 20), False),
        (dt.datetime(2026, 3, 20, 23, 59), D(2026, 3, 20), False),
    ],
)
def test_the_diary_opens_on_yesterday_between_midnight_and_4am(local_time, expected_day, after_midnight):
    assert default_entry_date(local_time) == (expected_day, after_midnight)


@pytest.mark.parametrize(
    ("day", "allowed", "message"),
    [
        (TODAY, True, None),
        (TODAY - dt.timedelta(days=1), True, None),
        (TODAY - dt.timedelta(days=14), True, None),
        (TODAY - dt.timedelta(days=15), False, "last 14 days only (back to 6 March)"),
        (TODAY + dt.timedelta(days=1), False, "in the future"),
    ],
)
def test_fourteen_day_window(day, allowed, message):
    assert is_editable(day, TODAY) is allowed
    problem = date_problem(day, TODAY)
    if allowed:
        assert problem is None
    else:
        assert message in problem


@pytest.mark.parametrize(
    ("dose_taken", "prescribed", "is_today", "status"),
    [
        (True, True, False, DayStatus.TAKEN),
        (True, False, False, DayStatus.TAKEN),
        (False, True, False, DayStatus.MISSED),
        (False, False, False, DayStatus.LOGGED),
        (None, True, False, DayStatus.NOT_LOGGED),
        (None, False, False, DayStatus.NO_DOSE),
        (None, True, True, DayStatus.TO_DO),
        (True, True, True, DayStatus.TAKEN),
    ],
)
def test_day_status(dose_taken, prescribed, is_today, status):
    assert day_status(dose_taken=dose_taken, prescribed=prescribed, is_today=is_today) is status


ONE_STEP = PlanRecord(1, (PlannedStep(D(2026, 3, 1), Decimal("1.5"), "bedtime"),))


def test_adherence_counts_prescribed_days_across_a_pause():
    schedule = Schedule([ONE_STEP], [PausePeriod(D(2026, 3, 15), D(2026, 3, 16))])
    entries = {
        day: SimpleNamespace(entry_date=day, dose_taken=day != D(2026, 3, 18))
        for day in (D(2026, 3, 10) + dt.timedelta(days=n) for n in range(11))
        if day != D(2026, 3, 12)
    }
    diary = Diary(today=TODAY, schedule=schedule, entries=entries)
    count = diary.adherence(14)  # 7–20 March minus the two paused days = 12 days
    assert count.taken == 7
    assert count.prescribed == 12
    assert count.not_logged == (D(2026, 3, 7), D(2026, 3, 8), D(2026, 3, 9), D(2026, 3, 12))
    assert count.not_taken == (D(2026, 3, 18),)
    assert diary.day(D(2026, 3, 15)).status is DayStatus.TAKEN  # logged during the pause
    assert diary.day(D(2026, 3, 18)).status is DayStatus.MISSED


def entry(day: dt.date, taken: bool = True) -> SimpleNamespace:
    return SimpleNamespace(entry_date=day, dose_taken=taken)


@pytest.mark.parametrize(
    ("day", "status"),
    [
        (D(2026, 3, 9), DayStatus.NOT_LOGGED),
        (D(2026, 3, 10), DayStatus.NO_DOSE),  # the plan ended on 10 March
        (D(2026, 3, 11), DayStatus.LOGGED),  # logged after the end: no dose was prescribed
        (D(2026, 3, 12), DayStatus.TAKEN),  # the patient's record wins
    ],
)
def test_days_after_the_plan_ended_are_not_missed(day, status):
    ended = PlanRecord(1, ONE_STEP.steps, ended_on=D(2026, 3, 10))
    entries = {D(2026, 3, 11): entry(D(2026, 3, 11), False), D(2026, 3, 12): entry(D(2026, 3, 12))}
    diary = Diary(today=TODAY, schedule=Schedule([ended]), entries=entries)
    assert diary.day(day).status is status


def test_adherence_after_the_plan_ended_counts_only_the_days_before_its_end():
    ended = PlanRecord(1, ONE_STEP.steps, ended_on=D(2026, 3, 10))
    diary = Diary(today=TODAY, schedule=Schedule([ended]), entries={})
    count = diary.adherence(14)  # 7–9 March
    assert count.prescribed == 3
    assert count.not_logged == (D(2026, 3, 7), D(2026, 3, 8), D(2026, 3, 9))


def test_a_later_plan_takes_over_in_the_diary():
    schedule = Schedule(
        [
            PlanRecord(1, ONE_STEP.steps, ended_on=D(2026, 3, 10)),
            PlanRecord(2, (PlannedStep(D(2026, 3, 15), Decimal("0.5")),)),
        ]
    )
    diary = Diary(today=D(2026, 3, 12), schedule=schedule, entries={})
    assert diary.prescribed(D(2026, 3, 12)) is None
    assert diary.next_step.dose_mg == Decimal("0.5")
    assert diary.first_dose == D(2026, 3, 1)


@pytest.mark.parametrize(
    ("day", "baseline"), [(D(2026, 2, 28), True), (D(2026, 3, 1), False), (D(2026, 3, 20), False)]
)
def test_in_baseline(day, baseline):
    assert Diary(today=TODAY, schedule=Schedule([ONE_STEP]), entries={}).in_baseline(day) is baseline


@pytest.mark.parametrize(
    ("dose", "form", "strength", "amount"),
    [
        ("1.5", "liquid", "1", "1.5 mL = 1.5 mg"),
        ("4.5", "liquid", "1.5", "3 mL = 4.5 mg"),
        # was "0.33 mL = 1 mg": not exactly the dose
        ("1", "liquid", "3", "1 mg — ask your pharmacist how to measure this dose"),
        ("0.5", "liquid", "0.5", "1 mL = 0.5 mg"),
        ("3", "capsule", "1.5", "2 capsules = 3 mg"),
        ("1.5", "capsule", "1.5", "1 capsule = 1.5 mg"),
        # never half a capsule; was no instruction at all
        ("3", "capsule", "2", "3 mg — ask your pharmacist how to measure this dose"),
        ("3", "capsule", None, None),
        ("3", "cream", "1", "3 clicks = 3 mg"),  # a cream is measured in clicks of its pump
        ("3", "sublingual", "1", None),
        ("3", "liquid", None, None),
    ],
)
def test_the_amount_the_diary_shows_for_the_dose(dose, form, strength, amount):
    strength_mg = Decimal(strength) if strength else None
    plan = PlanRecord(1, (PlannedStep(D(2026, 3, 1), Decimal(dose)),), form=form, strength_mg=strength_mg)
    diary = Diary(today=TODAY, schedule=Schedule([plan]), entries={})
    assert diary.prescribed(TODAY).amount == amount


# --- an empty entry ----------------------------------------------------------------------------


def never_asked() -> bool:
    raise AssertionError("the prescription was read although the entry says something")


@pytest.mark.parametrize(
    "content",
    [{"dose_taken": True}, {"sleep_quality": 0}, {"scores": {1: 0}}, {"side_effects": {"nausea": "mild"}},
     {"notes": "x"}],
)  # fmt: skip
def test_an_entry_with_anything_in_it_is_not_empty(content):
    values = {"dose_taken": False, "sleep_quality": None, "scores": {}, "side_effects": {}, "notes": " "}
    assert not entry_is_empty(**{**values, **content}, dose_prescribed=never_asked)


@pytest.mark.parametrize(("prescribed", "empty"), [(False, True), (True, False)])
def test_not_taken_alone_is_empty_only_when_nothing_was_prescribed(prescribed, empty):
    values = {"dose_taken": False, "sleep_quality": None, "scores": {}, "side_effects": {}, "notes": "\n"}
    assert entry_is_empty(**values, dose_prescribed=lambda: prescribed) is empty


# --- months ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "month"),
    [("2026-03", D(2026, 3, 1)), ("2026-12", D(2026, 12, 1)), ("0001-01", D(1, 1, 1)), ("2026-13", None),
     ("2026-00", None), ("0000-05", None), ("2026-3", None), ("2026-03-01", None), ("２０２６-０３", None),
     ("", None), (" 2026-03", None)],
)  # fmt: skip
def test_parse_month(raw, month):
    assert parse_month(raw) == month


@pytest.mark.parametrize(
    ("month", "count", "expected"),
    [
        (D(2026, 1, 1), -1, D(2025, 12, 1)),
        (D(2026, 12, 1), 1, D(2027, 1, 1)),
        (D(2026, 3, 1), 0, D(2026, 3, 1)),
    ],
)
def test_months_after(month, count, expected):
    assert months_after(month, count) == expected


def test_a_month_as_weeks_monday_to_sunday():
    weeks = month_weeks(D(2026, 3, 1))  # 1 March 2026 is a Sunday; 31 March a Tuesday
    assert len(weeks) == 6
    assert weeks[0] == [None] * 6 + [D(2026, 3, 1)]
    assert weeks[-1] == [D(2026, 3, 30), D(2026, 3, 31), None, None, None, None, None]
    assert month_last_day(D(2026, 2, 1)) == D(2026, 2, 28)
