"""Reads about a patient's plans for the plan pages and the patient page: the plan shown and
its steps as the schedule places them today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext

from journal.models import Patient, TitrationPlan
from journal.schedule import Schedule


def shown_plan(plans: Sequence[TitrationPlan]) -> TitrationPlan | None:
    """Of a patient's prescribed plans (oldest first), the current one, else the latest."""
    active = [plan for plan in plans if plan.status == TitrationPlan.Status.ACTIVE]
    shown = active or list(plans)
    return shown[-1] if shown else None


def plan_state(plan: TitrationPlan | None, today: dt.date) -> str:
    """ "active", "ends on 3 Mar 2027" or "ended": what the plan's badge says."""
    if plan is None:
        return ""
    if plan.ended_on is not None and plan.ended_on <= today:
        return "ended"
    if plan.status != TitrationPlan.Status.ACTIVE:
        return "ended"
    return f"ends on {plan.ended_on:%-d %b %Y}" if plan.ended_on else "active"


def plan_state_words(plan: TitrationPlan | None, today: dt.date) -> str:
    """The badge's words in the reader's language."""
    state = plan_state(plan, today)
    if plan is not None and state == "active" and plan.starts_on is not None and plan.starts_on > today:
        return gettext("starts on %(day)s") % {"day": date_format(plan.starts_on, gettext("j M Y"))}
    if plan is None or plan.ended_on is None or state in ("", "active", "ended"):
        return {"active": gettext("active"), "ended": gettext("ended")}.get(state, "")
    return gettext("ends on %(day)s") % {"day": date_format(plan.ended_on, gettext("j M Y"))}


def plan_course_words(plan: TitrationPlan, today: dt.date) -> str:
    """When the plan stops prescribing, from its end date alone (nothing is prescribed from
    it): "ended on 3 Mar 2026", "ends on 3 Mar 2027", or "" until further notice. A plan closed
    to changes because the next one is written still prescribes until then."""
    if plan.ended_on is None:
        return ""
    words = gettext("ended on %(day)s") if plan.ended_on <= today else gettext("ends on %(day)s")
    return words % {"day": date_format(plan.ended_on, gettext("j M Y"))}


def prescribed_plans(patient: Patient) -> list[TitrationPlan]:
    """The patient's prescribed (non-draft) plans, oldest first (1 query)."""
    return list(patient.plans.exclude(status=TitrationPlan.Status.DRAFT).order_by("created_at", "pk"))


def plan_section(plans: Sequence[TitrationPlan], schedule: Schedule, today: dt.date) -> dict[str, Any]:
    """The plan shown and its steps as the schedule places them on `today` (one truth for "now").
    While the plan before it still prescribes (the shown one starts when it ends), that plan's
    step in force and any after it come first: the steps say what the patient takes now, and
    `current_plan` is that plan (its form, strength and end), `next_plan` the one shown; else
    both are the one shown."""
    plan = shown_plan(plans)
    supplied = schedule.supplied_plan(today)
    current = next((each for each in plans if each.pk == supplied), plan)
    rows = schedule.step_rows(today, plan.pk) if plan else []
    in_force = schedule.in_force(today)
    if plan is not None and in_force is not None and in_force.plan_id != plan.pk:
        rows = [
            row
            for row in schedule.step_rows(today, in_force.plan_id)
            if row.dose.start_date >= in_force.start_date
        ] + rows
    return {
        "plan": plan,
        "plan_state": plan_state(plan, today),
        # the badge tells the plan the patient is on: a plan written next says when it starts below
        "plan_state_words": (
            plan_course_words(current, today)
            if current is not None and current is not plan
            else plan_state_words(plan, today)
        ),
        "plan_steps": rows,
        "current_plan": current,
        "next_plan": plan if current is not plan else None,
    }
