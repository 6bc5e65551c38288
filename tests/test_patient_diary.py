"""The diary's plain rules: which date the form opens on, which dates may be logged, what
each day looks like, adherence, and the amount to measure for a dose."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from journal.diary import DayStatus, Diary, date_problem, day_status, default_entry_date, is_editable
from journal.titration import PausePeriod, ScheduledStep, measured_amount

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
    assert (problem is None) if allowed else (message in problem)


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


def test_adherence_counts_prescribed_days_across_a_pause():
    schedule = [ScheduledStep(D(2026, 3, 1), Decimal("1.5"), "bedtime", 1)]
    pause = PausePeriod(D(2026, 3, 15), D(2026, 3, 16))
    entries = {
        day: SimpleNamespace(entry_date=day, dose_taken=day != D(2026, 3, 18))
        for day in (D(2026, 3, 10) + dt.timedelta(days=n) for n in range(11))
        if day != D(2026, 3, 12)
    }
    diary = Diary(today=TODAY, schedule=schedule, pauses=[pause], entries=entries)
    count = diary.adherence(14)  # 7–20 March minus the two paused days = 12 days
    assert (count.taken, count.prescribed) == (7, 12)
    assert count.not_logged == (D(2026, 3, 7), D(2026, 3, 8), D(2026, 3, 9), D(2026, 3, 12))
    assert count.not_taken == (D(2026, 3, 18),)
    assert diary.day(D(2026, 3, 15)).status is DayStatus.TAKEN  # logged during the pause
    assert diary.day(D(2026, 3, 18)).status is DayStatus.MISSED


@pytest.mark.parametrize(
    ("dose", "form", "strength", "amount"),
    [
        ("1.5", "liquid", "1", "1.5 mL = 1.5 mg"),
        ("4.5", "liquid", "1.5", "3 mL = 4.5 mg"),
        ("1", "liquid", "3", "0.33 mL = 1 mg"),
        ("0.5", "liquid", "0.5", "1 mL = 0.5 mg"),
        ("3", "capsule", "1.5", "2 capsules = 3 mg"),
        ("1.5", "capsule", "1.5", "1 capsule = 1.5 mg"),
        ("3", "capsule", "2", None),  # never half a capsule
        ("3", "capsule", None, None),
        ("3", "cream", "1", None),
        ("3", "liquid", None, None),
    ],
)
def test_measured_amount(dose, form, strength, amount):
    assert measured_amount(Decimal(dose), form, strength and Decimal(strength)) == amount
