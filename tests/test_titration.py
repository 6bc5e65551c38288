import datetime as dt
from decimal import Decimal

import pytest

from journal.titration import (
    PausePeriod,
    ScheduledStep,
    first_dose_date,
    format_mg,
    next_step_after,
    prescribed_on,
)

D = dt.date
SCHEDULE = [
    ScheduledStep(D(2026, 3, 1), Decimal("1.5"), "bedtime", plan_id=1),
    ScheduledStep(D(2026, 3, 15), Decimal("3"), "bedtime", plan_id=1),
    ScheduledStep(D(2026, 3, 29), Decimal("4.5"), "morning", plan_id=1),
]


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
def test_prescribed_on(day, expected):
    step = prescribed_on(SCHEDULE, day)
    assert (None if step is None else (format_mg(step.dose_mg), step.timing)) == expected


def test_nothing_is_prescribed_after_the_plan_ends():
    ended = [ScheduledStep(D(2026, 3, 1), Decimal("1.5"), "bedtime", 1, plan_ends_on=D(2026, 4, 1))]
    assert prescribed_on(ended, D(2026, 3, 31)) is not None
    assert prescribed_on(ended, D(2026, 4, 1)) is None


def test_a_later_plan_takes_over_from_an_ended_one():
    schedule = [
        ScheduledStep(D(2026, 3, 1), Decimal("4.5"), "bedtime", 1, plan_ends_on=D(2026, 4, 1)),
        ScheduledStep(D(2026, 5, 1), Decimal("0.5"), "bedtime", 2),
    ]
    assert prescribed_on(schedule, D(2026, 4, 15)) is None
    assert prescribed_on(schedule, D(2026, 5, 2)).plan_id == 2


def test_nothing_is_prescribed_while_ldn_is_paused():
    pause = PausePeriod(D(2026, 3, 10), D(2026, 3, 20))
    assert prescribed_on(SCHEDULE, D(2026, 3, 10), [pause]) is None
    assert prescribed_on(SCHEDULE, D(2026, 3, 20), [pause]) is None
    assert prescribed_on(SCHEDULE, D(2026, 3, 21), [pause]).dose_mg == Decimal("3")


def test_next_step_and_first_dose():
    assert next_step_after(SCHEDULE, D(2026, 3, 15)).start_date == D(2026, 3, 29)
    assert next_step_after(SCHEDULE, D(2026, 3, 29)) is None
    assert first_dose_date(SCHEDULE) == D(2026, 3, 1)
    assert first_dose_date([]) is None


@pytest.mark.parametrize(
    ("dose", "text"), [("0.125", "0.125"), ("3.000", "3"), ("1.500", "1.5"), ("10", "10")]
)
def test_format_mg(dose, text):
    assert format_mg(Decimal(dose)) == text
