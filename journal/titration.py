"""What is prescribed on a given date.

A patient's schedule is the dose steps of their non-draft plans. On day D the prescription
is the latest step that has started by D, unless its plan had ended by D or LDN is paused
on D. Plan templates and dose bands (what a clinician may write) live here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ScheduledStep:
    start_date: dt.date
    dose_mg: Decimal
    timing: str
    plan_id: int
    plan_ends_on: dt.date | None = None
    form: str = "capsule"
    strength_mg: Decimal | None = None


@dataclass(frozen=True)
class PausePeriod:
    start_date: dt.date
    end_date: dt.date  # last paused day

    def covers(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date


def _in_force(step: ScheduledStep, day: dt.date) -> bool:
    return step.start_date <= day and (step.plan_ends_on is None or day < step.plan_ends_on)


def prescribed_on(
    schedule: Iterable[ScheduledStep], day: dt.date, pauses: Iterable[PausePeriod] = ()
) -> ScheduledStep | None:
    """The step prescribed on `day`, or None before the first dose, after a plan ends, or
    during a pause."""
    if any(pause.covers(day) for pause in pauses):
        return None
    candidates = [step for step in schedule if _in_force(step, day)]
    return max(candidates, key=lambda step: step.start_date, default=None)


def next_step_after(schedule: Sequence[ScheduledStep], day: dt.date) -> ScheduledStep | None:
    """The first step that starts after `day` (the next step-up, step-down or switch)."""
    later = [step for step in schedule if step.start_date > day]
    return min(later, key=lambda step: step.start_date, default=None)


def first_dose_date(schedule: Iterable[ScheduledStep]) -> dt.date | None:
    return min((step.start_date for step in schedule), default=None)


def format_mg(dose: Decimal) -> str:
    """0.125 → "0.125", 3.000 → "3", 1.500 → "1.5"."""
    return f"{dose.normalize():f}"
