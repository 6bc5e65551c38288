"""Reads about a patient's plans for the plan pages and the patient page: the plan shown and
its steps as the schedule places them today."""

from __future__ import annotations

import datetime as dt
from typing import Any

from journal.models import Patient, TitrationPlan
from journal.schedule import Schedule


def shown_plan(patient: Patient) -> TitrationPlan | None:
    """The current plan, else the most recent prescribed one."""
    plans = patient.plans.exclude(status=TitrationPlan.Status.DRAFT)
    return plans.filter(status=TitrationPlan.Status.ACTIVE).first() or plans.first()


def plan_state(plan: TitrationPlan | None, today: dt.date) -> str:
    """ "active", "ends on 3 Mar 2027" or "ended": what the plan's badge says."""
    if plan is None:
        return ""
    if plan.ended_on is not None and plan.ended_on <= today:
        return "ended"
    if plan.status != TitrationPlan.Status.ACTIVE:
        return "ended"
    return f"ends on {plan.ended_on:%-d %b %Y}" if plan.ended_on else "active"


def plan_section(patient: Patient, schedule: Schedule, today: dt.date) -> dict[str, Any]:
    """The plan and its steps as the schedule places them on `today` (one truth for "now")."""
    plan = shown_plan(patient)
    return {
        "plan": plan,
        "plan_state": plan_state(plan, today),
        "plan_steps": schedule.step_rows(today, plan.pk) if plan else [],
    }
