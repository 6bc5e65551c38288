"""Screenings, titration plans and their later changes, pauses, and the patient's
acknowledgement of a change. Each write locks the patient row, runs in one transaction,
records its audit row and is applied once per request key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from journal import plan_changes
from journal.bounds import (
    CHANGE_DAYS_MAX,
    LATE_PAUSE_NEEDS_REASON,
    PLAN_STEPS_MAX,
    REASON_MAX_CHARS,
    DateWindow,
    dispensing_window,
    opioid_window,
    record_window,
)
from journal.compounding import IMMEDIATE, RELEASES, compounding_findings
from journal.findings import Finding, Level, ordered
from journal.measuring import measuring_findings
from journal.models import (
    AuditEvent,
    Clinician,
    DoseStep,
    Frequency,
    LdnPause,
    Patient,
    PlanChangeNote,
    Screening,
    Timing,
    TitrationPlan,
    User,
)
from journal.plan_changes import PlanChange
from journal.safety import ScreeningAnswers, judge_screening, judge_start
from journal.schedule import DAY, Schedule
from journal.selectors.records import (
    medication_periods_for,
    schedule_of,
    schedule_with_problems,
    screening_answers_for,
)
from journal.services.audit import (
    already_applied,
    finding_dicts,
    lock_patient,
    record_audit,
    require_confirmation,
)
from journal.services.snapshots import snapshot_refresh
from journal.titration import check_dose, check_new_plan, check_steps
from journal.wording import phrase

REASON_NEEDED = gettext_lazy("Tell the patient why: this change alters what they are prescribed.")


# A correction removes a date stored by mistake (the notice's one-click button): the app says why.


def _require_reason_length(reason: str) -> None:
    if len(reason) > REASON_MAX_CHARS:
        raise ValidationError(
            {
                "patient_reason": _("At most %(most)s characters: shorten the reason.")
                % {"most": REASON_MAX_CHARS}
            }
        )


def _with_reason(summary: str, reason: str) -> str:
    """The audit row's summary, in English (a Phrase's original) whoever made the change."""
    kept = str.__str__(summary)
    if not reason:
        return kept
    return f"{kept}{'' if kept.endswith('.') else '.'} Reason for the patient: {reason}"


def _tell_patient(
    patient: Patient,
    clinician: Clinician,
    before: Schedule,
    change: str,
    reason: str,
    wording: PlanChange | None = None,
) -> dict[str, str]:
    """What the patient reads with the change: the reason, required when the change alters what
    is prescribed on any day (`Schedule.prescribes_otherwise`), and the change itself (`wording`:
    as data, read in the patient's language). Returns the audit row's details."""
    reason = reason.strip()
    _require_reason_length(reason)
    if not reason and schedule_of(patient).prescribes_otherwise(before):
        raise ValidationError({"patient_reason": REASON_NEEDED})
    note = PlanChangeNote(
        patient=patient,
        written_by=clinician,
        change=str.__str__(change)[:500],
        wording=wording.as_data() if wording else {},
        reason=reason,
    )
    note.full_clean()
    note.save()
    return {"patient_reason": reason}


def _mark_plan_changed(patient: Patient) -> None:
    """The last write of every change to a plan, a pause or a stored record."""
    patient.plan_changed_at = timezone.now()
    patient.save(update_fields=["plan_changed_at"])
    snapshot_refresh(patient, patient.plan_changed_at)


def _require_frequency(frequency: str) -> None:
    if frequency not in Frequency.values:
        raise ValidationError(_("Choose every day or every other day."))


def _require_within(patient: Patient, today: dt.date, **dates: tuple[str, dt.date | None]) -> None:
    """Every date a change writes lies in the patient's window (`journal.bounds.record_window`):
    `dates` maps a form field to (what it is called, the date); refused by field otherwise."""
    window = record_window(patient.opened_on, today)
    problems = {
        field: problem
        for field, (what, day) in dates.items()
        if day is not None and (problem := window.problem(day, what))
    }
    if problems:
        raise ValidationError(problems)


def _require_days(days: int, too_many: str) -> None:
    """`too_many`: a message id with %(most)s, the most days a change moves steps by."""
    if days > CHANGE_DAYS_MAX:
        raise ValidationError(_(too_many) % {"most": CHANGE_DAYS_MAX})


# --- screening ---------------------------------------------------------------------------


def screening_record(
    *,
    patient: Patient,
    clinician: Clinician,
    answers: ScreeningAnswers,
    start_date: dt.date,
    today: dt.date,
    notes: str = "",
) -> Screening:
    """Record a safety screening, judged against the planned start date (in the patient's
    window; a last opioid dose from 1900 to two years ahead)."""
    _require_within(patient, today, start_date=(_("The planned first dose"), start_date))
    stopped = answers.opioid_stopped_on
    if stopped is not None and (problem := opioid_window(today).problem(stopped, _("The last opioid dose"))):
        raise ValidationError({"opioid_stopped_on": problem})
    findings = judge_screening(answers, start_date)
    with transaction.atomic():
        screening = Screening(patient=patient, screened_by=clinician, notes=notes, **answers.as_fields())
        screening.full_clean()
        screening.save()
        counts = {
            level: sum(1 for f in findings if f.level == level)
            for level in (Level.BLOCK, Level.WARN, Level.NOTE)
        }
        summary = ", ".join(f"{n} {level}{'s' if n > 1 else ''}" for level, n in counts.items() if n)
        record_audit(
            patient=patient,
            actor=clinician.user,
            kind=AuditEvent.Kind.SCREENING,
            summary=f"Safety screening for a start on {start_date.isoformat()}: {summary or 'no findings'}.",
            details={
                "screening": screening.pk,
                "start_date": start_date.isoformat(),
                "findings": finding_dicts(findings),
            },
        )
        snapshot_refresh(patient, timezone.now())
    return screening


def screening_to_use(patient: Patient) -> Screening | None:
    """The screening that goes with the patient's next plan: the latest one."""
    return patient.screenings.first()


def start_findings(patient: Patient, start: dt.date, *, what: str = "") -> list[Finding]:
    """What stands in the way of LDN starting, resuming or rising on `start`: the latest
    screening (none at all blocks) and the opioids on the medication list, judged by
    `journal.safety.judge_start` — the same rules whichever change it is."""
    answers = screening_answers_for([patient.pk]).get(patient.pk)
    return judge_start(answers, medication_periods_for([patient])[patient.pk], start, what=what)


# --- plans -----------------------------------------------------------------------------------


def _overlap(patient: Patient, start: dt.date) -> Finding | None:
    """A new plan from `start` (until further notice) would overlap a prescribed plan that
    has no end date, or ends after `start`."""
    others = patient.plans.exclude(status=TitrationPlan.Status.DRAFT).exclude(starts_on=None)
    for other in others:
        if other.ended_on is None:
            return Finding(
                Level.REFUSE,
                "plans_overlap",
                "The current plan has no end date: end it first (Taper and end), then write the "
                "new plan from that day.",
                PLANS_OVERLAP_REASON,
            )
        if other.ended_on > start:
            return Finding(
                Level.REFUSE,
                "plans_overlap",
                f"The current plan runs until {(other.ended_on - DAY).isoformat()}: start the new "
                f"plan on {other.ended_on.isoformat()} or later.",
                PLANS_OVERLAP_REASON,
            )
    return None


PLANS_OVERLAP_REASON = (
    "Two plans running at once would tell the patient two doses for one day; a new "
    "plan starts when the previous one has ended."
)


def plan_findings(
    patient: Patient,
    steps: Sequence[tuple[dt.date, Decimal]],
    *,
    form: str,
    strength_mg: Decimal | None,
    today: dt.date,
    release: str = IMMEDIATE,
    filler: str = "",
) -> list[Finding]:
    """Everything a clinician must see before a new plan is saved: an overlap with a running
    plan, the dose rules (the first step judged as a step up from the previous plan's last
    dose; a first plan's start and target), whether each dose can be measured, and the
    screening and opioid washout judged against the plan's first dose."""
    if not steps:
        return []
    start = steps[0][0]
    previous = schedule_of(patient).last_dose_before(start)
    findings = check_new_plan(steps, previous_mg=previous.dose_mg if previous else None, today=today)
    findings += measuring_findings([dose for _, dose in steps], form, strength_mg)
    findings += compounding_findings(release=release, filler=filler)
    findings += start_findings(patient, start)
    overlap = _overlap(patient, start)
    return ordered([overlap, *findings] if overlap else findings)


def plan_create(
    *,
    patient: Patient,
    clinician: Clinician,
    steps: Sequence[tuple[dt.date, Decimal]],
    timing: str,
    form: str,
    strength_mg: Decimal | None,
    frequency: str = Frequency.DAILY,
    release: str = IMMEDIATE,
    filler: str = "",
    filler_note: str = "",
    pharmacy: str = "",
    supply_quantity: Decimal | None = None,
    dispensed_on: dt.date | None = None,
    notes: str = "",
    template: str = "custom",
    warnings_confirmed: bool = False,
    today: dt.date,
    patient_reason: str = "",
    request_key: str | None = None,
) -> TitrationPlan:
    """Write and activate a plan from its first step. Refused while it would overlap another
    plan; every plan (not only the first) is judged against the screening and the opioids
    on the medication list at its start. A plan that has ended, or ends before this one
    starts, is closed to changes."""
    if not steps:
        raise ValidationError(_("A plan needs at least one step."))
    if len(steps) > PLAN_STEPS_MAX:
        raise ValidationError(
            _("At most %(most)s steps: this plan has %(count)s.")
            % {"most": PLAN_STEPS_MAX, "count": len(steps)}
        )
    _require_within(patient, today, start_date=(_("The first dose"), steps[0][0]))
    if dispensed_on is not None:
        _require_within(patient, today, dispensed_on=(_("The dispensing date"), dispensed_on))
    for day, _dose in steps[1:]:
        _require_within(patient, today, __all__=(_("A step"), day))
    _require_reason_length(patient_reason)
    _require_frequency(frequency)
    if release not in RELEASES:
        raise ValidationError(_("Choose immediate-release or slow-release."))
    with transaction.atomic():
        lock_patient(patient)
        if (done := already_applied(request_key)) is not None:
            return TitrationPlan.objects.get(pk=done.details["plan"])
        before = schedule_of(patient)
        findings = plan_findings(
            patient, steps, form=form, strength_mg=strength_mg, today=today, release=release, filler=filler
        )
        require_confirmation(
            findings, warnings_confirmed, patient=patient, actor=clinician.user, about="a new plan"
        )
        for running in patient.plans.filter(status=TitrationPlan.Status.ACTIVE):
            running.status = TitrationPlan.Status.ENDED
            running.save(update_fields=["status"])  # save, not update(): the history keeps it
        plan = TitrationPlan(
            patient=patient,
            prescriber=clinician,
            status=TitrationPlan.Status.ACTIVE,
            form=form,
            strength_mg=strength_mg,
            immediate_release=release == IMMEDIATE,
            filler=filler,
            filler_note=filler_note,
            pharmacy=pharmacy,
            supply_quantity=supply_quantity,
            dispensed_on=dispensed_on,
            notes=notes,
            starts_on=steps[0][0],
        )
        plan.full_clean()
        plan.save()
        for day, dose in steps:
            step = DoseStep(plan=plan, start_date=day, dose_mg=dose, timing=timing, frequency=frequency)
            step.full_clean()
            step.save()
        screening = screening_to_use(patient)
        if screening is not None and screening.plan_id is None:
            screening.plan = plan
            screening.save(update_fields=["plan"])
        change = plan_changes.created(template, steps, timing, frequency)
        summary = change.words()
        told = _tell_patient(patient, clinician, before, summary, patient_reason, change)
        record_audit(
            patient=patient,
            actor=clinician.user,
            kind=AuditEvent.Kind.PLAN_CREATED,
            summary=_with_reason(summary, told["patient_reason"]),
            request_key=request_key,
            details={
                **told,
                "plan": plan.pk,
                "template": template,
                "form": form,
                "strength_mg": None if strength_mg is None else str(strength_mg),
                "steps": [[d.isoformat(), str(m)] for d, m in steps],
                "timing": timing,
                "frequency": frequency,
                "release": release,
                "filler": filler,
                "findings": finding_dicts(findings),
            },
        )
        _mark_plan_changed(patient)
    return plan


def _plan_changed(
    plan: TitrationPlan,
    clinician: Clinician,
    change: PlanChange,
    details: dict[str, Any],
    *,
    before: Schedule,
    patient_reason: str,
    request_key: str | None = None,
) -> None:
    summary = change.words()
    told = _tell_patient(plan.patient, clinician, before, summary, patient_reason, change)
    record_audit(
        patient=plan.patient,
        actor=clinician.user,
        kind=AuditEvent.Kind.PLAN_CHANGED,
        summary=_with_reason(summary, told["patient_reason"]),
        details={"plan": plan.pk, **details, **told},
        request_key=request_key,
    )
    _mark_plan_changed(plan.patient)


def _future_steps(plan: TitrationPlan, after: dt.date) -> list[DoseStep]:
    return list(plan.steps.filter(start_date__gt=after).order_by("start_date"))


def _step_on_or_before(plan: TitrationPlan, day: dt.date) -> DoseStep | None:
    return plan.steps.filter(start_date__lte=day).order_by("-start_date").first()


def _require_sound(plan: TitrationPlan, today: dt.date, *, kept_before: dt.date | None = None) -> None:
    """A plan with a stored step outside the patient's window (one `record_problems` names)
    is corrected before it is changed; `kept_before`: only steps before it stay (the end)."""
    window = record_window(plan.patient.opened_on, today)
    for step in plan.steps.all():
        if step.start_date not in window and (kept_before is None or step.start_date < kept_before):
            raise ValidationError(
                _(
                    "This plan needs attention first: its step dated %(day)s is outside %(first)s to "
                    "%(last)s. Remove it under “This record needs attention”, then try again."
                )
                % {
                    "day": step.start_date.isoformat(),
                    "first": window.first.isoformat(),
                    "last": window.last.isoformat(),
                }
            )


def _require_changeable(plan: TitrationPlan, effective: dt.date, today: dt.date) -> None:
    _require_sound(plan, today)
    if plan.status != TitrationPlan.Status.ACTIVE:
        raise ValidationError(_("Only the current plan can be changed."))
    if plan.ended_on is not None and plan.ended_on <= today:
        raise ValidationError(
            _("This plan ended on %(day)s: write a new plan instead.") % {"day": plan.ended_on.isoformat()}
        )
    if effective < today:
        raise ValidationError(_("A change cannot start in the past: past steps stay as they were."))
    if plan.ended_on is not None and effective >= plan.ended_on:
        raise ValidationError(
            _("The plan ends on %(day)s: a change must start before that.")
            % {"day": plan.ended_on.isoformat()}
        )


def _require_begun_by(plan: TitrationPlan, effective: dt.date, schedule: Schedule) -> None:
    """A change to a plan written to follow another starts once it has begun: until then the
    patient takes the plan before it, which ends with its taper and is closed to changes."""
    in_force = schedule.in_force(effective)
    if in_force is not None and in_force.plan_id != plan.pk and plan.starts_on and effective < plan.starts_on:
        raise ValidationError(
            _(
                "Until %(day)s the patient takes the plan before this one, which can no longer be "
                "changed: start this change on %(day)s or later."
            )
            % {"day": plan.starts_on.isoformat()}
        )


def _sync_start(plan: TitrationPlan) -> None:
    """The plan starts with its first step (a hold can move a plan that has not begun)."""
    first = plan.steps.order_by("start_date").values_list("start_date", flat=True).first()
    if first != plan.starts_on:
        plan.starts_on = first
        plan.full_clean()
        plan.save(update_fields=["starts_on"])


def _shift(steps: Sequence[DoseStep], days: int) -> None:
    # Latest first, so no step lands on a date another still holds.
    for step in sorted(steps, key=lambda s: s.start_date, reverse=days > 0):
        step.start_date += dt.timedelta(days=days)
        step.full_clean()
        step.save(update_fields=["start_date"])


def step_edit_findings(step: DoseStep, dose_mg: Decimal) -> list[Finding]:
    """A changed step: the dose itself, the step up from the dose before it (the plan's step
    before, or for a plan's first step the previous plan's last dose, as when a plan is
    written), whether it can be measured, and — when it raises the dose — the screening and
    opioids at its start."""
    before = schedule_of(step.plan.patient).last_dose_before(step.start_date)
    findings = check_steps([dose_mg], before.dose_mg if before else None)
    findings += measuring_findings([dose_mg], step.plan.form, step.plan.strength_mg)
    if before is None or dose_mg > before.dose_mg:
        findings += start_findings(
            step.plan.patient, step.start_date, what=phrase(gettext_noop("the raised dose"))
        )
    return ordered(findings)


def plan_edit_step(
    *,
    step: DoseStep,
    clinician: Clinician,
    dose_mg: Decimal,
    timing: str,
    frequency: str | None = None,
    note: str = "",
    today: dt.date,
    warnings_confirmed: bool = False,
    patient_reason: str = "",
    request_key: str | None = None,
) -> DoseStep:
    """Change a step that has not started yet (its frequency kept when none is given).
    Started steps are history."""
    plan = step.plan
    frequency = frequency or step.frequency
    _require_frequency(frequency)
    with transaction.atomic():
        lock_patient(plan.patient)
        if already_applied(request_key):
            step.refresh_from_db()
            return step
        before = schedule_of(plan.patient)
        _require_changeable(plan, step.start_date, today)
        if step.start_date <= today:
            raise ValidationError(_("This step has already started: record a new change instead."))
        require_confirmation(
            step_edit_findings(step, dose_mg),
            warnings_confirmed,
            patient=plan.patient,
            actor=clinician.user,
            about=f"the step of {step.start_date.isoformat()}",
        )
        change = plan_changes.step_changed(
            step.start_date, (step.dose_mg, step.timing, step.frequency), (dose_mg, timing, frequency)
        )
        step.dose_mg, step.timing, step.frequency, step.note = dose_mg, timing, frequency, note
        step.full_clean()
        step.save(update_fields=["dose_mg", "timing", "frequency", "note"])
        _plan_changed(
            plan,
            clinician,
            change,
            {
                "action": "edit_step",
                "step": step.pk,
                "dose_mg": str(dose_mg),
                "timing": timing,
                "frequency": frequency,
            },
            before=before,
            patient_reason=patient_reason,
            request_key=request_key,
        )
    return step


def plan_hold(
    *,
    plan: TitrationPlan,
    clinician: Clinician,
    days: int,
    today: dt.date,
    patient_reason: str = "",
    request_key: str | None = None,
) -> None:
    """Stay on today's dose `days` days longer: every step after today moves later."""
    if days < 1:
        raise ValidationError(_("Hold for at least one day."))
    _require_days(days, gettext_noop("Hold by at most %(most)s days."))
    with transaction.atomic():
        lock_patient(plan.patient)
        if already_applied(request_key):
            return
        before = schedule_of(plan.patient)
        plan.refresh_from_db()
        _require_changeable(plan, today, today)
        later = _future_steps(plan, today)
        if not later:
            raise ValidationError(
                _("There is no later step to hold back: the current dose already continues.")
            )
        moved_last = later[-1].start_date + dt.timedelta(days=days)
        if plan.ended_on is not None and moved_last >= plan.ended_on:
            raise ValidationError(
                ngettext(
                    "Held %(days)s day, a step would start on or after the plan's end (%(end)s).",
                    "Held %(days)s days, a step would start on or after the plan's end (%(end)s).",
                    days,
                )
                % {"days": days, "end": plan.ended_on.isoformat()}
            )
        _require_within(plan.patient, today, days=(_("Held this long, the last step"), moved_last))
        _shift(later, days)
        _sync_start(plan)
        _require_dose_kept(before, schedule_of(plan.patient), today, later[0].start_date)
        _plan_changed(
            plan,
            clinician,
            plan_changes.held(len(later), days, later[0].start_date),
            {"action": "hold", "days": days},
            before=before,
            patient_reason=patient_reason,
            request_key=request_key,
        )


def _require_dose_kept(before: Schedule, after: Schedule, today: dt.date, held_until: dt.date) -> None:
    """A hold keeps today's dose until the held step: refused when that would leave days with
    nothing prescribed (today's dose is the plan before's, which ends when this one was due
    to start)."""
    if before.in_force(today) is None:
        return  # not on LDN today: a hold only moves the start
    if gap := after.days_without_step(today, held_until - DAY):
        raise ValidationError(
            _(
                "Held, nothing would be prescribed from %(first)s to %(last)s: today's dose comes "
                "from the plan before this one, which ends then. A hold keeps today's dose only "
                "within one plan."
            )
            % {"first": gap[0].isoformat(), "last": gap[-1].isoformat()}
        )


def plan_step_back(
    *,
    plan: TitrationPlan,
    clinician: Clinician,
    start_date: dt.date,
    shift_days: int,
    today: dt.date,
    patient_reason: str = "",
    request_key: str | None = None,
) -> DoseStep:
    """Go back to the previous (lower) dose from `start_date`, as a new step; later steps
    move `shift_days` days later so the step up is tried again after that."""
    _require_days(shift_days, gettext_noop("Move later steps by at most %(most)s days."))
    _require_within(plan.patient, today, start_date=(_("The step back"), start_date))
    with transaction.atomic():
        lock_patient(plan.patient)
        if (done := already_applied(request_key)) is not None:
            return DoseStep.objects.get(pk=done.details["step"])
        before = schedule_of(plan.patient)
        plan.refresh_from_db()
        _require_changeable(plan, start_date, today)
        _require_begun_by(plan, start_date, before)
        current = _step_on_or_before(plan, start_date)
        lower = (
            plan.steps.filter(start_date__lt=current.start_date, dose_mg__lt=current.dose_mg)
            .order_by("-start_date")
            .first()
            if current
            else None
        )
        if current is None or lower is None:
            raise ValidationError(_("There is no previous lower dose to step back to."))
        if current.start_date == start_date:
            raise ValidationError(_("A step already starts on that date: choose a later date."))
        if shift_days < 0:
            raise ValidationError(_("Later steps can only move later."))
        moved = _future_steps(plan, start_date - DAY)
        if moved:
            last = moved[-1].start_date + dt.timedelta(days=shift_days)
            _require_within(plan.patient, today, shift_days=(_("Moved this far, the last step"), last))
        _shift(moved, shift_days)
        step = DoseStep(
            plan=plan,
            start_date=start_date,
            dose_mg=lower.dose_mg,
            timing=current.timing,
            frequency=current.frequency,
            note=plan_changes.stepped_back_note(current.dose_mg),
        )
        step.full_clean()
        step.save()
        _plan_changed(
            plan,
            clinician,
            plan_changes.stepped_back(
                start_date, current.dose_mg, lower.dose_mg, step.timing, shift_days, step.frequency
            ),
            {"action": "step_back", "step": step.pk, "shift_days": shift_days},
            before=before,
            patient_reason=patient_reason,
            request_key=request_key,
        )
    return step


def plan_switch_to_morning(
    *,
    plan: TitrationPlan,
    clinician: Clinician,
    start_date: dt.date,
    today: dt.date,
    patient_reason: str = "",
    request_key: str | None = None,
) -> DoseStep:
    """Take the dose in the morning from `start_date` (when sleep is disturbed [003, 004]):
    a new step at the same dose, and every later step in the morning too."""
    _require_within(plan.patient, today, start_date=(_("The switch"), start_date))
    with transaction.atomic():
        lock_patient(plan.patient)
        if (done := already_applied(request_key)) is not None:
            return DoseStep.objects.get(pk=done.details["step"])
        before = schedule_of(plan.patient)
        plan.refresh_from_db()
        _require_changeable(plan, start_date, today)
        _require_begun_by(plan, start_date, before)
        current = _step_on_or_before(plan, start_date)
        if current is None:
            raise ValidationError(_("The plan has no dose on that date yet."))
        if current.timing == Timing.MORNING:
            raise ValidationError(_("The dose is already taken in the morning on that date."))
        if current.start_date == start_date:
            raise ValidationError(_("A step already starts on that date: choose a later date."))
        later = _future_steps(plan, start_date)
        for step in later:
            step.timing = Timing.MORNING
            step.save(update_fields=["timing"])
        step = DoseStep(
            plan=plan,
            start_date=start_date,
            dose_mg=current.dose_mg,
            timing=Timing.MORNING,
            frequency=current.frequency,
            note=plan_changes.MORNING_NOTE,
        )
        step.full_clean()
        step.save()
        _plan_changed(
            plan,
            clinician,
            plan_changes.to_morning(start_date, current.dose_mg, len(later), current.frequency),
            {"action": "morning", "step": step.pk},
            before=before,
            patient_reason=patient_reason,
            request_key=request_key,
        )
    return step


def plan_taper_and_end(
    *,
    plan: TitrationPlan,
    clinician: Clinician,
    ended_on: dt.date,
    today: dt.date,
    taper_mg: Decimal | None = None,
    taper_from: dt.date | None = None,
    warnings_confirmed: bool = False,
    patient_reason: str = "",
    request_key: str | None = None,
) -> None:
    """Set the plan's end: nothing is prescribed from `ended_on`, and until then the plan
    runs on (it is still the current plan, and the one a new plan must wait for).
    Optionally taper to `taper_mg` from `taper_from` first (to test whether the gain holds
    [000]). Steps from the taper or the end on go."""
    if (taper_mg is None) != (taper_from is None):
        raise ValidationError(_("A taper needs both a dose and a start date."))
    _require_within(
        plan.patient, today, ended_on=(_("The end"), ended_on), taper_from=(_("The taper"), taper_from)
    )
    with transaction.atomic():
        lock_patient(plan.patient)
        if already_applied(request_key):
            return
        before = schedule_of(plan.patient)
        plan.refresh_from_db()
        ended = plan.ended_on is not None and plan.ended_on <= today
        if plan.status != TitrationPlan.Status.ACTIVE or ended:
            raise ValidationError(_("Only the current plan can be ended."))
        if min(ended_on, taper_from or ended_on) < today:
            raise ValidationError(_("A change cannot start in the past: past steps stay as they were."))
        if ended_on <= today:
            raise ValidationError(_("The end date must be after today; today's dose stays as prescribed."))
        if taper_from is not None and not today < taper_from < ended_on:
            raise ValidationError(_("The taper must start after today and before the end date."))
        cut = taper_from or ended_on
        _require_sound(plan, today, kept_before=cut)
        current = _step_on_or_before(plan, cut - DAY)
        dropped = _future_steps(plan, cut - DAY)
        if taper_mg is not None:
            if current is not None and taper_mg >= current.dose_mg:
                raise ValidationError(_("A taper dose must be lower than the dose before it."))
            require_confirmation(
                check_dose(taper_mg) + measuring_findings([taper_mg], plan.form, plan.strength_mg),
                warnings_confirmed,
                patient=plan.patient,
                actor=clinician.user,
                about="a taper",
            )
        for step in dropped:
            step.delete()
        taper = None
        if taper_mg is not None and taper_from is not None:
            step = DoseStep(
                plan=plan,
                start_date=taper_from,
                dose_mg=taper_mg,
                timing=current.timing if current else Timing.BEDTIME,
                frequency=current.frequency if current else Frequency.DAILY,
                note=plan_changes.TAPER_NOTE,
            )
            step.full_clean()
            step.save()
            taper = (taper_from, taper_mg, step.timing, step.frequency)
        plan.ended_on = ended_on
        plan.full_clean()
        plan.save(update_fields=["ended_on"])
        _sync_start(plan)
        _plan_changed(
            plan,
            clinician,
            plan_changes.ended(ended_on, len(dropped), taper),
            {
                "action": "end",
                "ended_on": ended_on.isoformat(),
                "taper_mg": None if taper_mg is None else str(taper_mg),
            },
            before=before,
            patient_reason=patient_reason,
            request_key=request_key,
        )


def ldn_pause_record(
    *,
    patient: Patient,
    clinician: Clinician,
    start_date: dt.date,
    end_date: dt.date,
    reason: str,
    today: dt.date,
    late_reason: str = "",
    patient_reason: str = "",
    request_key: str | None = None,
) -> tuple[LdnPause, list[Finding]]:
    """Pause LDN on these dates, e.g. around surgery that needs opioid pain relief [003, 004].
    Stopping LDN is never refused within the patient's window; the day it resumes is judged
    like any start (screening and opioids on the list), and those findings are returned and
    kept with the audit row — the safety state goes on showing them until the opioids are out
    of the way. A pause begun before `today` takes the dose off days already past: it needs
    `late_reason`, kept with the pause and in the audit row (the CSV marks its days)."""
    _require_within(
        patient,
        today,
        start_date=(_("The first paused day"), start_date),
        end_date=(_("The last paused day"), end_date),
    )
    if start_date < today and not late_reason:
        raise ValidationError({"late_reason": LATE_PAUSE_NEEDS_REASON})
    with transaction.atomic():
        lock_patient(patient)
        if (done := already_applied(request_key)) is not None:
            return LdnPause.objects.get(pk=done.details["pause"]), []
        before = schedule_of(patient)
        pause = LdnPause(
            patient=patient,
            start_date=start_date,
            end_date=end_date,
            reason=reason,
            late_reason=late_reason,
            created_by=clinician,
        )
        pause.full_clean()
        pause.save()
        resumes = end_date + DAY
        findings = [
            f
            for f in start_findings(patient, resumes, what=phrase(gettext_noop("the day LDN resumes")))
            if f.level is not Level.NOTE
        ]
        change = plan_changes.paused(start_date, end_date, reason, recorded_on=today, late_reason=late_reason)
        told = _tell_patient(patient, clinician, before, change.words(), patient_reason, change)
        # The audit row keeps, in English, what the resumption was judged to need.
        summary = str.__str__(change.words()) + (
            f". At the resumption on {resumes.isoformat()}: " + " ".join(f.message for f in findings)
            if findings
            else ""
        )
        record_audit(
            patient=patient,
            actor=clinician.user,
            kind=AuditEvent.Kind.LDN_PAUSED,
            summary=_with_reason(summary, told["patient_reason"]),
            details={
                **told,
                "pause": pause.pk,
                "late_reason": late_reason,
                "resumes_on": resumes.isoformat(),
                "findings": finding_dicts(findings),
            },
            request_key=request_key,
        )
        _mark_plan_changed(patient)
    return pause, findings


def record_correct(
    *,
    patient: Patient,
    clinician: Clinician,
    row: str,
    row_id: int,
    today: dt.date,
    patient_reason: str = "",
    request_key: str | None = None,
) -> str:
    """Correct one stored row dated outside the patient's window, as the needs-attention
    notice names it: remove a step (the plan then starts at its next step) or a pause, or
    clear a plan's end date (then end the plan on the right day). Only a row that
    `journal.bounds.record_problems` names can be corrected: steps within the window stay
    history. Returns what was done, as the audit row says it."""
    with transaction.atomic():
        lock_patient(patient)
        if (done := already_applied(request_key)) is not None:
            return done.summary
        before = schedule_of(patient)
        _schedule, problems = schedule_with_problems(patient, today)
        problem = next((p for p in problems if (p.row, p.row_id) == (row, row_id) and p.correction), None)
        if problem is None:
            raise ValidationError(_("That row is within the record's dates: there is nothing to correct."))
        if row == "step":
            step = DoseStep.objects.select_related("plan").get(pk=row_id, plan__patient=patient)
            step.delete()
            _sync_start(step.plan)
            change = plan_changes.corrected("step", step.start_date, dose_mg=step.dose_mg)
        elif row == "pause":
            pause = LdnPause.objects.get(pk=row_id, patient=patient)
            pause.delete()
            change = plan_changes.corrected("pause", pause.start_date, pause.end_date)
        else:
            plan = patient.plans.get(pk=row_id)
            if (
                patient.plans.exclude(pk=plan.pk)
                .exclude(status=TitrationPlan.Status.DRAFT)
                .filter(created_at__gt=plan.created_at)
                .exists()
            ):
                raise ValidationError(_("A later plan follows this one: its end date cannot be cleared."))
            ended_on = plan.ended_on
            assert ended_on is not None  # the problem named is its end date
            plan.ended_on = None
            plan.full_clean()
            plan.save(update_fields=["ended_on"])
            change = plan_changes.corrected("plan_end", ended_on)
        reason = patient_reason or plan_changes.CORRECTION_REASON
        told = _tell_patient(patient, clinician, before, change.words(), reason, wording=change)
        summary = _with_reason(change.words(), told["patient_reason"])
        record_audit(
            patient=patient,
            actor=clinician.user,
            kind=AuditEvent.Kind.RECORD_CORRECTED,
            summary=summary,
            details={"row": row, "row_id": row_id, **told},
            request_key=request_key,
        )
        _mark_plan_changed(patient)
    return summary


def plan_refill_record(
    *,
    plan: TitrationPlan,
    clinician: Clinician,
    dispensed_on: dt.date,
    quantity: Decimal,
    pharmacy: str = "",
    today: dt.date,
    request_key: str | None = None,
) -> TitrationPlan:
    """Record a refill the pharmacy dispensed for `plan`, the plan whose supply counts today
    (`Schedule.supplied_plan`: in force, else starting next — while a plan ends with a taper,
    that plan, not the one written after it). It becomes the plan's supply, from which the
    "runs out on" date is counted (`Schedule.supply_for`). Dispensed between the
    plan's first day and today, not before the dispensing already recorded; `pharmacy` left
    empty keeps the plan's. The plan's history keeps the earlier dispensing; the audit log
    says who recorded which."""
    with transaction.atomic():
        lock_patient(plan.patient)
        if already_applied(request_key) is not None:
            plan.refresh_from_db()
            return plan
        plan.refresh_from_db()
        if schedule_of(plan.patient).supplied_plan(today) != plan.pk:
            raise ValidationError(_("A refill is recorded for the plan in force only."))
        window = refill_window(plan, today)
        if problem := window.problem(dispensed_on, _("The dispensing date")):
            raise ValidationError({"dispensed_on": problem})
        previous = (plan.supply_quantity, plan.dispensed_on)
        plan.supply_quantity, plan.dispensed_on = quantity, dispensed_on
        plan.pharmacy = pharmacy.strip() or plan.pharmacy
        plan.full_clean()
        plan.save(update_fields=["supply_quantity", "dispensed_on", "pharmacy"])
        record_audit(
            patient=plan.patient,
            actor=clinician.user,
            kind=AuditEvent.Kind.SUPPLY_DISPENSED,
            summary=f"Refill dispensed on {dispensed_on.isoformat()}: {quantity}"
            + (f" from {plan.pharmacy}" if plan.pharmacy else ""),
            details={
                "plan": plan.pk,
                "quantity": str(quantity),
                "dispensed_on": dispensed_on.isoformat(),
                "pharmacy": plan.pharmacy,
                "previous_quantity": None if previous[0] is None else str(previous[0]),
                "previous_dispensed_on": previous[1] and previous[1].isoformat(),
            },
            request_key=request_key,
        )
        snapshot_refresh(plan.patient, timezone.now())
    return plan


def refill_window(plan: TitrationPlan, today: dt.date) -> DateWindow:
    """The dates a refill of `plan` may be recorded as dispensed on (`journal.bounds.dispensing_window`)."""
    written_on = timezone.localtime(plan.created_at, plan.patient.zone).date()
    first = min(written_on, plan.starts_on) if plan.starts_on else written_on
    return dispensing_window(first, plan.dispensed_on, today)


def plan_acknowledge(*, patient: Patient, actor: User | None = None) -> None:
    """The patient (or their caregiver, `actor`) has seen the latest change to their plan, and
    each reason told with it."""
    if not patient.has_unacknowledged_plan_change:
        return
    with transaction.atomic():
        now = timezone.now()
        patient.plan_acknowledged_at = now
        patient.save(update_fields=["plan_acknowledged_at"])
        seen = patient.plan_notes.filter(acknowledged_at=None, at__lte=now)
        reasons = [reason for reason in seen.values_list("reason", flat=True) if reason]
        seen.update(acknowledged_at=now)
        record_audit(
            patient=patient,
            actor=actor or patient.user,
            kind=AuditEvent.Kind.PLAN_ACKNOWLEDGED,
            summary="The patient saw the change to their plan."
            + (f" Reasons told: {' / '.join(reasons)}" if reasons else ""),
            details={"reasons": reasons},
        )
