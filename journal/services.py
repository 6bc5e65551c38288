"""Writes that span several models. Each runs in one transaction, validates before it
saves, and records what it did in the append-only audit log (`AuditEvent`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from journal.advice import AdviceCard
from journal.findings import Finding, Level, needing_confirmation, ordered
from journal.measuring import measuring_findings
from journal.models import (
    AdviceDismissal,
    AuditEvent,
    Clinic,
    Clinician,
    Condition,
    DailyEntry,
    DoseStep,
    Invitation,
    LdnPause,
    Medication,
    Patient,
    Screening,
    SideEffectReport,
    Symptom,
    SymptomScore,
    Timing,
    TitrationPlan,
    User,
    new_calendar_token,
)
from journal.safety import ScreeningAnswers, judge_screening, judge_start
from journal.selectors import medication_periods_for, safety_of, schedule_of, screening_answers_for
from journal.titration import check_dose, check_new_plan, check_steps
from journal.vocabulary import dose_phrase, format_mg

DAY = dt.timedelta(days=1)


# --- audit, locking and resubmissions -----------------------------------------------------


def _audit(*, patient: Patient | None, actor: User | None, kind: str, summary: str,
           details: dict | None = None, clinic: Clinic | None = None,
           request_key: str | None = None) -> AuditEvent:
    """One audit row about `patient`, or, with patient=None, about the `clinic` itself.
    `request_key` names the form submission that made the change (see `_already_applied`)."""
    clinic_id = patient.clinic_id if patient is not None else clinic.pk
    event = AuditEvent(patient=patient, clinic_id=clinic_id, actor=actor, kind=kind,
                       summary=summary[:500], details=details or {}, request_key=request_key or None)
    event.full_clean()
    event.save()
    return event


def _lock(patient: Patient) -> None:
    """Queue this patient's writes: plan changes, medication changes and entries wait for one
    another, so each sees what the one before it wrote (SQLite queues all writers anyway)."""
    Patient.objects.select_for_update().only("pk").get(pk=patient.pk)


def _already_applied(request_key: str | None) -> AuditEvent | None:
    """The audit row of a change made by the same form submission: a double click or a
    retried request is answered as done instead of changing the plan twice. Called with the
    patient locked, so the first submission's row is visible to the second."""
    return AuditEvent.objects.filter(request_key=request_key).first() if request_key else None


def _finding_dicts(findings: Iterable[Finding]) -> list[dict[str, str]]:
    return [{"level": f.level, "code": f.code, "message": f.message, "reason": f.reason} for f in findings]


def _require_confirmation(findings: Sequence[Finding], confirmed: bool, *, patient: Patient, actor: User,
                          about: str) -> None:
    """Refusals and blocks stop the change; warnings need the clinician's explicit
    confirmation, recorded as one WARNING_CONFIRMED row; notes pass."""
    stops = [f.message for f in findings if f.level.stops_save]
    if stops:
        raise ValidationError(stops)
    warnings = needing_confirmation(findings)
    if warnings and not confirmed:
        raise ValidationError("Confirm the warnings to save: " + " ".join(f.message for f in warnings))
    if warnings:
        _audit(patient=patient, actor=actor, kind=AuditEvent.Kind.WARNING_CONFIRMED,
               summary=f"Confirmed for {about}: " + " ".join(f.message for f in warnings),
               details={"about": about, "warnings": _finding_dicts(warnings)})


def _mark_plan_changed(patient: Patient) -> None:
    patient.plan_changed_at = timezone.now()
    patient.save(update_fields=["plan_changed_at"])


def _step_text(day: dt.date, dose: Decimal, timing: str) -> str:
    return f"{dose_phrase(dose, timing)} from {day.isoformat()}"


# --- invitations -----------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_create(*, patient: Patient, clinician: Clinician) -> str:
    """A new one-time invitation for `patient`; returns the token (only its hash is kept)."""
    if patient.user_id is not None:
        raise ValidationError("This patient already has a login.")
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        invitation = Invitation(patient=patient, token_hash=token_hash(token), created_by=clinician,
                                created_at=now, expires_at=now + Invitation.VALID_FOR)
        invitation.full_clean()
        invitation.save()
        _audit(patient=patient, actor=clinician.user, kind=AuditEvent.Kind.PATIENT_INVITED,
               summary=f"Invitation link created, valid until {invitation.expires_at:%Y-%m-%d %H:%M} UTC.")
    return token


def patient_invite(*, clinician: Clinician, name: str, time_zone: str, email: str = "", code: str = "",
                   conditions: Iterable[Condition] = (), new_conditions: Iterable[str] = (),
                   symptoms: Iterable[Symptom] = (), new_symptoms: Iterable[str] = (),
                   medications: Iterable[str] = ()) -> tuple[Patient, str]:
    """Create a patient of the clinician's clinic, assigned to them, with an invitation.
    New condition and symptom names become the clinic's own (lower is better for symptoms)."""
    clinic = clinician.clinic
    with transaction.atomic():
        patient = Patient(clinic=clinic, name=name, time_zone=time_zone, email=email, code=code)
        patient.full_clean()
        patient.save()
        patient.clinicians.add(clinician)
        own_conditions = [Condition.objects.get_or_create(clinic=clinic, name=n)[0] for n in new_conditions]
        patient.conditions.add(*conditions, *own_conditions)
        own_symptoms = [Symptom.objects.get_or_create(clinic=clinic, name=n)[0] for n in new_symptoms]
        patient.tracked_symptoms.add(*symptoms, *own_symptoms)
        for medication in medications:
            Medication.objects.create(patient=patient, name=medication)
        token = invitation_create(patient=patient, clinician=clinician)
    return patient, token


def invitation_for_token(token: str) -> Invitation | None:
    return Invitation.objects.select_related("patient").filter(token_hash=token_hash(token)).first()


def invitation_accept(*, token: str, username: str, password: str) -> User:
    """Create the patient's login from a usable invitation, once."""
    with transaction.atomic():
        invitation = (Invitation.objects.select_for_update().select_related("patient")
                      .filter(token_hash=token_hash(token)).first())
        if invitation is None or not invitation.is_usable() or invitation.patient.user_id is not None:
            raise ValidationError("This invitation link has expired or has already been used.")
        patient = invitation.patient
        first, _, last = patient.name.partition(" ")
        user = User(username=username, first_name=first[:150], last_name=last[:150], email=patient.email)
        user.set_password(password)
        user.full_clean()
        user.save()
        patient.user = user
        patient.save(update_fields=["user"])
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
        _audit(patient=patient, actor=user, kind=AuditEvent.Kind.INVITATION_ACCEPTED,
               summary=f"Invitation accepted; login {username!r} created.")
    return user


# --- screening ---------------------------------------------------------------------------


def screening_record(*, patient: Patient, clinician: Clinician, answers: ScreeningAnswers,
                     start_date: dt.date, notes: str = "") -> Screening:
    """Record a safety screening, judged against the planned start date."""
    findings = judge_screening(answers, start_date)
    with transaction.atomic():
        screening = Screening(patient=patient, screened_by=clinician, notes=notes, **answers.as_fields())
        screening.full_clean()
        screening.save()
        counts = {level: sum(1 for f in findings if f.level == level) for level in (Level.BLOCK, Level.WARN,
                                                                                    Level.NOTE)}
        summary = ", ".join(f"{n} {level}{'s' if n > 1 else ''}" for level, n in counts.items() if n)
        _audit(patient=patient, actor=clinician.user, kind=AuditEvent.Kind.SCREENING,
               summary=f"Safety screening for a start on {start_date.isoformat()}: "
                       f"{summary or 'no findings'}.",
               details={"screening": screening.pk, "start_date": start_date.isoformat(),
                        "findings": _finding_dicts(findings)})
    return screening


def screening_to_use(patient: Patient) -> Screening | None:
    """The screening that goes with the patient's next plan: the latest one."""
    return patient.screenings.first()


def start_findings(patient: Patient, start: dt.date, *, what: str = "the start date") -> list[Finding]:
    """What stands in the way of LDN starting, resuming or rising on `start`: the latest
    screening (none at all blocks) and the opioids on the medication list, judged by
    `journal.safety.judge_start` — the same rules whichever change it is."""
    answers = screening_answers_for([patient.pk]).get(patient.pk)
    return judge_start(answers, medication_periods_for([patient])[patient.pk], start, what=what)


# --- plans -----------------------------------------------------------------------------------


def _overlap(patient: Patient, start: dt.date, exclude: TitrationPlan | None = None) -> Finding | None:
    """A new plan from `start` (until further notice) would overlap a prescribed plan that
    has no end date, or ends after `start`."""
    others = patient.plans.exclude(status=TitrationPlan.Status.DRAFT).exclude(starts_on=None)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    for other in others:
        if other.ended_on is None:
            return Finding(Level.REFUSE, "plans_overlap",
                           "The current plan has no end date: end it first (Taper and end), then write the "
                           "new plan from that day.", PLANS_OVERLAP_REASON)
        if other.ended_on > start:
            return Finding(Level.REFUSE, "plans_overlap",
                           f"The current plan runs until {(other.ended_on - DAY).isoformat()}: start the new "
                           f"plan on {other.ended_on.isoformat()} or later.", PLANS_OVERLAP_REASON)
    return None


PLANS_OVERLAP_REASON = ("Two plans running at once would tell the patient two doses for one day; a new "
                        "plan starts when the previous one has ended.")


def plan_findings(patient: Patient, steps: Sequence[tuple[dt.date, Decimal]], *, form: str,
                  strength_mg: Decimal | None, today: dt.date) -> list[Finding]:
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
    findings += start_findings(patient, start)
    overlap = _overlap(patient, start)
    return ordered([overlap, *findings] if overlap else findings)


def plan_create(*, patient: Patient, clinician: Clinician, steps: Sequence[tuple[dt.date, Decimal]],
                timing: str, form: str, strength_mg: Decimal | None, notes: str = "",
                template: str = "custom", warnings_confirmed: bool = False, today: dt.date,
                request_key: str | None = None) -> TitrationPlan:
    """Write and activate a plan from its first step. Refused while it would overlap another
    plan; every plan (not only the first) is judged against the screening and the opioids
    on the medication list at its start. A plan that has ended, or ends before this one
    starts, is closed to changes."""
    if not steps:
        raise ValidationError("A plan needs at least one step.")
    with transaction.atomic():
        _lock(patient)
        if (done := _already_applied(request_key)) is not None:
            return TitrationPlan.objects.get(pk=done.details["plan"])
        findings = plan_findings(patient, steps, form=form, strength_mg=strength_mg, today=today)
        _require_confirmation(findings, warnings_confirmed, patient=patient, actor=clinician.user,
                              about="a new plan")
        patient.plans.filter(status=TitrationPlan.Status.ACTIVE).update(status=TitrationPlan.Status.ENDED)
        plan = TitrationPlan(patient=patient, prescriber=clinician, status=TitrationPlan.Status.ACTIVE,
                             form=form, strength_mg=strength_mg, notes=notes, starts_on=steps[0][0])
        plan.full_clean()
        plan.save()
        for day, dose in steps:
            step = DoseStep(plan=plan, start_date=day, dose_mg=dose, timing=timing)
            step.full_clean()
            step.save()
        screening = screening_to_use(patient)
        if screening is not None and screening.plan_id is None:
            screening.plan = plan
            screening.save(update_fields=["plan"])
        steps_text = "; ".join(_step_text(day, dose, timing) for day, dose in steps)
        _audit(patient=patient, actor=clinician.user, kind=AuditEvent.Kind.PLAN_CREATED,
               summary=f"{template.title()} plan: {steps_text}.", request_key=request_key,
               details={"plan": plan.pk, "template": template, "form": form,
                        "strength_mg": None if strength_mg is None else str(strength_mg),
                        "steps": [[d.isoformat(), str(m)] for d, m in steps], "timing": timing,
                        "findings": _finding_dicts(findings)})
        _mark_plan_changed(patient)
    return plan


def _plan_changed(plan: TitrationPlan, clinician: Clinician, summary: str, details: dict,
                  request_key: str | None = None) -> None:
    _audit(patient=plan.patient, actor=clinician.user, kind=AuditEvent.Kind.PLAN_CHANGED, summary=summary,
           details={"plan": plan.pk, **details}, request_key=request_key)
    _mark_plan_changed(plan.patient)


def _future_steps(plan: TitrationPlan, after: dt.date) -> list[DoseStep]:
    return list(plan.steps.filter(start_date__gt=after).order_by("start_date"))


def _step_on_or_before(plan: TitrationPlan, day: dt.date) -> DoseStep | None:
    return plan.steps.filter(start_date__lte=day).order_by("-start_date").first()


def _require_changeable(plan: TitrationPlan, effective: dt.date, today: dt.date) -> None:
    if plan.status != TitrationPlan.Status.ACTIVE:
        raise ValidationError("Only the current plan can be changed.")
    if plan.ended_on is not None and plan.ended_on <= today:
        raise ValidationError(f"This plan ended on {plan.ended_on.isoformat()}: write a new plan instead.")
    if effective < today:
        raise ValidationError("A change cannot start in the past: past steps stay as they were.")
    if plan.ended_on is not None and effective >= plan.ended_on:
        raise ValidationError(f"The plan ends on {plan.ended_on.isoformat()}: a change must start before "
                              "that.")


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
    """A changed step: the dose itself, the step up from the step before, whether it can be
    measured, and — when it raises the dose — the screening and opioids at its start."""
    before = _step_on_or_before(step.plan, step.start_date - DAY)
    findings = check_steps([dose_mg], before.dose_mg if before else None)
    findings += measuring_findings([dose_mg], step.plan.form, step.plan.strength_mg)
    if before is None or dose_mg > before.dose_mg:
        findings += start_findings(step.plan.patient, step.start_date, what="the raised dose")
    return ordered(findings)


def plan_edit_step(*, step: DoseStep, clinician: Clinician, dose_mg: Decimal, timing: str, note: str = "",
                   today: dt.date, warnings_confirmed: bool = False,
                   request_key: str | None = None) -> DoseStep:
    """Change a step that has not started yet. Started steps are history."""
    plan = step.plan
    with transaction.atomic():
        _lock(plan.patient)
        if _already_applied(request_key):
            step.refresh_from_db()
            return step
        _require_changeable(plan, step.start_date, today)
        if step.start_date <= today:
            raise ValidationError("This step has already started: record a new change instead.")
        _require_confirmation(step_edit_findings(step, dose_mg), warnings_confirmed, patient=plan.patient,
                              actor=clinician.user, about=f"the step of {step.start_date.isoformat()}")
        old = _step_text(step.start_date, step.dose_mg, step.timing)
        step.dose_mg, step.timing, step.note = dose_mg, timing, note
        step.full_clean()
        step.save(update_fields=["dose_mg", "timing", "note"])
        new = _step_text(step.start_date, dose_mg, timing)
        _plan_changed(plan, clinician, f"Step changed: {old} → {new}.",
                      {"action": "edit_step", "step": step.pk, "dose_mg": str(dose_mg), "timing": timing},
                      request_key)
    return step


def plan_hold(*, plan: TitrationPlan, clinician: Clinician, days: int, today: dt.date,
              request_key: str | None = None) -> None:
    """Stay on today's dose `days` days longer: every step after today moves later."""
    if days < 1:
        raise ValidationError("Hold for at least one day.")
    with transaction.atomic():
        _lock(plan.patient)
        if _already_applied(request_key):
            return
        plan.refresh_from_db()
        _require_changeable(plan, today, today)
        later = _future_steps(plan, today)
        if not later:
            raise ValidationError("There is no later step to hold back: the current dose already continues.")
        if plan.ended_on is not None and later[-1].start_date + dt.timedelta(days=days) >= plan.ended_on:
            raise ValidationError(f"Held {days} days, a step would start on or after the plan's end "
                                  f"({plan.ended_on.isoformat()}).")
        _shift(later, days)
        _sync_start(plan)
        _plan_changed(plan, clinician, f"Hold: the {len(later)} later step(s) move {days} days later, "
                      f"next step now {later[0].start_date.isoformat()}.", {"action": "hold", "days": days},
                      request_key)


def plan_step_back(*, plan: TitrationPlan, clinician: Clinician, start_date: dt.date, shift_days: int,
                   today: dt.date, request_key: str | None = None) -> DoseStep:
    """Go back to the previous (lower) dose from `start_date`, as a new step; later steps
    move `shift_days` days later so the step up is tried again after that."""
    with transaction.atomic():
        _lock(plan.patient)
        if (done := _already_applied(request_key)) is not None:
            return DoseStep.objects.get(pk=done.details["step"])
        plan.refresh_from_db()
        _require_changeable(plan, start_date, today)
        current = _step_on_or_before(plan, start_date)
        lower = (plan.steps.filter(start_date__lt=current.start_date, dose_mg__lt=current.dose_mg)
                 .order_by("-start_date").first() if current else None)
        if current is None or lower is None:
            raise ValidationError("There is no previous lower dose to step back to.")
        if current.start_date == start_date:
            raise ValidationError("A step already starts on that date: choose a later date.")
        if shift_days < 0:
            raise ValidationError("Later steps can only move later.")
        _shift(_future_steps(plan, start_date - DAY), shift_days)
        step = DoseStep(plan=plan, start_date=start_date, dose_mg=lower.dose_mg, timing=current.timing,
                        note=f"Stepped back from {format_mg(current.dose_mg)} mg")
        step.full_clean()
        step.save()
        new = _step_text(start_date, lower.dose_mg, step.timing)
        _plan_changed(plan, clinician, f"Step back: {format_mg(current.dose_mg)} → {new}"
                      + (f"; later steps {shift_days} days later." if shift_days else "."),
                      {"action": "step_back", "step": step.pk, "shift_days": shift_days}, request_key)
    return step


def plan_switch_to_morning(*, plan: TitrationPlan, clinician: Clinician, start_date: dt.date,
                           today: dt.date, request_key: str | None = None) -> DoseStep:
    """Take the dose in the morning from `start_date` (when sleep is disturbed [003, 004]):
    a new step at the same dose, and every later step in the morning too."""
    with transaction.atomic():
        _lock(plan.patient)
        if (done := _already_applied(request_key)) is not None:
            return DoseStep.objects.get(pk=done.details["step"])
        plan.refresh_from_db()
        _require_changeable(plan, start_date, today)
        current = _step_on_or_before(plan, start_date)
        if current is None:
            raise ValidationError("The plan has no dose on that date yet.")
        if current.timing == Timing.MORNING:
            raise ValidationError("The dose is already taken in the morning on that date.")
        if current.start_date == start_date:
            raise ValidationError("A step already starts on that date: choose a later date.")
        later = _future_steps(plan, start_date)
        for step in later:
            step.timing = Timing.MORNING
            step.save(update_fields=["timing"])
        step = DoseStep(plan=plan, start_date=start_date, dose_mg=current.dose_mg, timing=Timing.MORNING,
                        note="Moved to the morning")
        step.full_clean()
        step.save()
        _plan_changed(plan, clinician, f"Timing: {_step_text(start_date, current.dose_mg, Timing.MORNING)}"
                      + (f"; {len(later)} later step(s) in the morning too." if later else "."),
                      {"action": "morning", "step": step.pk}, request_key)
    return step


def plan_taper_and_end(*, plan: TitrationPlan, clinician: Clinician, ended_on: dt.date, today: dt.date,
                       taper_mg: Decimal | None = None, taper_from: dt.date | None = None,
                       warnings_confirmed: bool = False, request_key: str | None = None) -> None:
    """Set the plan's end: nothing is prescribed from `ended_on`, and until then the plan
    runs on (it is still the current plan, and the one a new plan must wait for).
    Optionally taper to `taper_mg` from `taper_from` first (to test whether the gain holds
    [000]). Steps from the taper or the end on go."""
    if (taper_mg is None) != (taper_from is None):
        raise ValidationError("A taper needs both a dose and a start date.")
    with transaction.atomic():
        _lock(plan.patient)
        if _already_applied(request_key):
            return
        plan.refresh_from_db()
        ended = plan.ended_on is not None and plan.ended_on <= today
        if plan.status != TitrationPlan.Status.ACTIVE or ended:
            raise ValidationError("Only the current plan can be ended.")
        if min(ended_on, taper_from or ended_on) < today:
            raise ValidationError("A change cannot start in the past: past steps stay as they were.")
        if ended_on <= today:
            raise ValidationError("The end date must be after today; today's dose stays as prescribed.")
        if taper_from is not None and not today < taper_from < ended_on:
            raise ValidationError("The taper must start after today and before the end date.")
        cut = taper_from or ended_on
        current = _step_on_or_before(plan, cut - DAY)
        dropped = _future_steps(plan, cut - DAY)
        summary = f"Plan ends on {ended_on.isoformat()} (nothing prescribed from that day)"
        if taper_mg is not None:
            if current is not None and taper_mg >= current.dose_mg:
                raise ValidationError("A taper dose must be lower than the dose before it.")
            _require_confirmation(check_dose(taper_mg) + measuring_findings([taper_mg], plan.form,
                                                                            plan.strength_mg),
                                  warnings_confirmed, patient=plan.patient, actor=clinician.user,
                                  about="a taper")
        for step in dropped:
            step.delete()
        if taper_mg is not None:
            step = DoseStep(plan=plan, start_date=taper_from, dose_mg=taper_mg,
                            timing=current.timing if current else Timing.BEDTIME, note="Taper")
            step.full_clean()
            step.save()
            summary += f"; taper to {_step_text(taper_from, taper_mg, step.timing)}"
        plan.ended_on = ended_on
        plan.full_clean()
        plan.save(update_fields=["ended_on"])
        _sync_start(plan)
        summary += f"; {len(dropped)} later step(s) removed." if dropped else "."
        _plan_changed(plan, clinician, summary,
                      {"action": "end", "ended_on": ended_on.isoformat(),
                       "taper_mg": None if taper_mg is None else str(taper_mg)}, request_key)


def ldn_pause_record(*, patient: Patient, clinician: Clinician, start_date: dt.date, end_date: dt.date,
                     reason: str, request_key: str | None = None) -> tuple[LdnPause, list[Finding]]:
    """Pause LDN on these dates, e.g. around surgery that needs opioid pain relief [003, 004].
    Stopping LDN is never refused; the day it resumes is judged like any start (screening
    and opioids on the list), and those findings are returned and kept with the audit row —
    the safety state goes on showing them until the opioids are out of the way."""
    with transaction.atomic():
        _lock(patient)
        if (done := _already_applied(request_key)) is not None:
            return LdnPause.objects.get(pk=done.details["pause"]), []
        pause = LdnPause(patient=patient, start_date=start_date, end_date=end_date, reason=reason,
                         created_by=clinician)
        pause.full_clean()
        pause.save()
        resumes = end_date + DAY
        findings = [f for f in start_findings(patient, resumes, what="the day LDN resumes")
                    if f.level is not Level.NOTE]
        _audit(patient=patient, actor=clinician.user, kind=AuditEvent.Kind.LDN_PAUSED,
               summary=f"LDN paused {start_date.isoformat()} to {end_date.isoformat()}: {reason}"
                       + (f". At the resumption on {resumes.isoformat()}: "
                          + " ".join(f.message for f in findings) if findings else ""),
               details={"pause": pause.pk, "resumes_on": resumes.isoformat(),
                        "findings": _finding_dicts(findings)}, request_key=request_key)
        _mark_plan_changed(patient)
    return pause, findings


def plan_acknowledge(*, patient: Patient) -> None:
    """The patient has seen the latest change to their plan."""
    if not patient.has_unacknowledged_plan_change:
        return
    with transaction.atomic():
        patient.plan_acknowledged_at = timezone.now()
        patient.save(update_fields=["plan_acknowledged_at"])
        _audit(patient=patient, actor=patient.user, kind=AuditEvent.Kind.PLAN_ACKNOWLEDGED,
               summary="The patient saw the change to their plan.")


# --- medications -------------------------------------------------------------------------------


def _by_whom(actor: User) -> str:
    return "by the patient" if actor.role == "patient" else f"by {actor.get_full_name() or actor.username}"


def _safety_words(patient: Patient) -> tuple[str, list[dict[str, str]]]:
    """The patient's safety concerns now, for the audit row of a medication change."""
    concerns = safety_of(patient).concerns
    if not concerns:
        return "", []
    words = " Safety: " + " ".join(f"{f.level.label} — {f.message}" for f in concerns)
    return words, _finding_dicts(concerns)


def medication_add(*, patient: Patient, actor: User, name: str, dose_text: str = "",
                   started_on: dt.date | None = None) -> Medication:
    """Add a medicine to the patient's list, by the patient or a clinician. The audit row
    says who added it and the safety state that follows (an opioid added mid-treatment
    raises its alert everywhere at once, since every page reads the list)."""
    with transaction.atomic():
        _lock(patient)
        medication = Medication(patient=patient, name=name, dose_text=dose_text, started_on=started_on)
        medication.full_clean()
        medication.save()
        safety, concerns = _safety_words(patient)
        _audit(patient=patient, actor=actor, kind=AuditEvent.Kind.MEDICATION_ADDED,
               summary=f"{medication.name} added to the medication list {_by_whom(actor)}.{safety}",
               details={"medication": medication.pk, "name": medication.name, "concerns": concerns})
    return medication


def medication_stop(*, medication: Medication, actor: User, stopped_on: dt.date) -> Medication:
    """Record the last day a medicine was taken."""
    patient = medication.patient
    with transaction.atomic():
        _lock(patient)
        medication.stopped_on = stopped_on
        medication.full_clean()
        medication.save(update_fields=["stopped_on"])
        safety, concerns = _safety_words(patient)
        _audit(patient=patient, actor=actor, kind=AuditEvent.Kind.MEDICATION_STOPPED,
               summary=f"{medication.name}: last taken on {stopped_on.isoformat()}, "
                       f"{_by_whom(actor)}.{safety}",
               details={"medication": medication.pk, "stopped_on": stopped_on.isoformat(),
                        "concerns": concerns})
    return medication


# --- review --------------------------------------------------------------------------------


def advice_dismiss(*, patient: Patient, clinician: Clinician, card: AdviceCard, note: str) -> AdviceDismissal:
    """Set one advice card aside with the clinician's note; the card, its evidence and the
    note go in the audit log. The same card (same key) is not shown again."""
    with transaction.atomic():
        dismissal = AdviceDismissal(patient=patient, rule=card.rule, evidence_key=card.key, note=note,
                                    dismissed_by=clinician)
        dismissal.full_clean()
        dismissal.save()
        _audit(patient=patient, actor=clinician.user, kind=AuditEvent.Kind.ADVICE_DISMISSED,
               summary=f"Advice dismissed: {card.title}. Note: {note}",
               details={"rule": card.rule, "key": card.key, "title": card.title,
                        "suggestion": card.suggestion, "evidence": list(card.evidence),
                        "reason": card.reason, "note": note})
    return dismissal


def patient_mark_reviewed(*, patient: Patient, clinician: Clinician,
                          open_advice_keys: Sequence[str]) -> AuditEvent:
    """Record that the clinician has reviewed the patient now. The advice open at this moment
    is kept with the event, so the roster can tell which cards are new since."""
    with transaction.atomic():
        patient.last_reviewed_at = timezone.now()
        patient.save(update_fields=["last_reviewed_at"])
        count = len(open_advice_keys)
        cards = f"{count} open advice card{'' if count == 1 else 's'}"
        return _audit(patient=patient, actor=clinician.user, kind=AuditEvent.Kind.REVIEWED,
                      summary=f"Reviewed by {clinician}; {cards}.",
                      details={"open_advice": list(open_advice_keys)})


# --- patient: daily entry and dose calendar -----------------------------------------------


@transaction.atomic
def entry_save(
    *,
    patient: Patient,
    entry_date: dt.date,
    dose_taken: bool,
    dose_mg: Decimal | None,
    timing_taken: str,
    time_taken: dt.time | None,
    sleep_quality: int | None,
    notes: str,
    dose_deviation_confirmed: bool,
    scores: Mapping[int, int],
    side_effects: Mapping[str, tuple[str, str]],
) -> DailyEntry:
    """Create or update the patient's one entry for `entry_date` with its scores (symptom
    id → 0–10) and side effects (kind → (severity, text)).

    Two saves of the same day at once (two tabs, a double tap, a retry) must leave one row
    with the last values: locking the patient row makes a patient's saves queue up, so the
    second sees the first's entry and updates it (on SQLite, IMMEDIATE transactions queue
    all writers anyway). An update that changes something counts as an edit, so the
    clinician sees that the entry was edited; simple_history keeps the previous values. A
    resubmission with nothing changed writes nothing."""
    _lock(patient)
    values = {
        "dose_taken": dose_taken,
        "dose_mg": dose_mg,
        "timing_taken": timing_taken,
        "time_taken": time_taken,
        "sleep_quality": sleep_quality,
        "notes": notes,
        "dose_deviation_confirmed": dose_deviation_confirmed,
    }
    entry = DailyEntry.objects.filter(patient=patient, entry_date=entry_date).first()
    old_scores = {} if entry is None else {score.symptom_id: score for score in entry.scores.all()}
    old_effects = {} if entry is None else {report.kind: report for report in entry.side_effects.all()}
    unchanged = (
        entry is not None
        and all(getattr(entry, name) == value for name, value in values.items())
        and {pk: score.score for pk, score in old_scores.items()} == dict(scores)
        and {kind: (r.severity, r.other_text) for kind, r in old_effects.items()} == dict(side_effects)
    )
    if unchanged:
        return entry
    if entry is None:
        entry = DailyEntry(patient=patient, entry_date=entry_date)
    else:
        entry.edit_count += 1
    for name, value in values.items():
        setattr(entry, name, value)
    entry.full_clean()
    entry.save()

    for symptom_id, old in old_scores.items():
        if symptom_id not in scores:
            old.delete()
    for symptom_id, value in scores.items():
        score = old_scores.get(symptom_id) or SymptomScore(entry=entry, symptom_id=symptom_id)
        if score.pk is None or score.score != value:
            score.score = value
            score.full_clean()
            score.save()

    for kind, old in old_effects.items():
        if kind not in side_effects:
            old.delete()
    for kind, (severity, text) in side_effects.items():
        report = old_effects.get(kind) or SideEffectReport(entry=entry, kind=kind)
        if report.pk is None or (report.severity, report.other_text) != (severity, text):
            report.severity, report.other_text = severity, text
            report.full_clean()
            report.save()
    return entry


@transaction.atomic
def calendar_token_reset(*, patient: Patient, actor: User) -> str:
    """Give the patient a new private calendar address; the old one stops working at once."""
    patient.calendar_token = new_calendar_token()
    patient.save(update_fields=["calendar_token"])
    _audit(patient=patient, actor=actor, kind=AuditEvent.Kind.CALENDAR_RESET,
           summary="Calendar link reset; the old link no longer works.")
    return patient.calendar_token


# --- clinic administration -------------------------------------------------------------


def _require_admin_of(admin: Clinician, clinic_id: int) -> None:
    if not admin.is_clinic_admin or admin.clinic_id != clinic_id:
        raise ValidationError("Only an admin of this clinic can do this.")


def _clinic_audit(admin: Clinician, kind: str, summary: str, details: dict) -> None:
    _audit(patient=None, clinic=admin.clinic, actor=admin.user, kind=kind, summary=summary, details=details)


def _password_link_args(user: User) -> tuple[str, str]:
    """(uidb64, token) for Django's password-set link. The token is tied to the password
    hash, so it stops working once a password is set, and after PASSWORD_RESET_TIMEOUT."""
    return urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)


def clinician_add(*, admin: Clinician, first_name: str, last_name: str, username: str, email: str,
                  is_clinic_admin: bool) -> tuple[Clinician, tuple[str, str]]:
    """A new clinician of the admin's clinic, and the (uidb64, token) of the one-time link with
    which they set their password: the login has none yet."""
    _require_admin_of(admin, admin.clinic_id)
    with transaction.atomic():
        user = User(username=username, first_name=first_name, last_name=last_name, email=email)
        user.set_unusable_password()
        user.full_clean()
        user.save()
        clinician = Clinician(user=user, clinic_id=admin.clinic_id, is_clinic_admin=is_clinic_admin)
        clinician.full_clean()
        clinician.save()
        role = "clinic admin" if is_clinic_admin else "clinician"
        summary = f"{clinician} added as {role}, login {username!r}."
        _clinic_audit(admin, AuditEvent.Kind.CLINICIAN_ADDED, summary,
                      {"clinician": clinician.pk, "username": username, "is_clinic_admin": is_clinic_admin})
    return clinician, _password_link_args(user)


def clinician_password_link(*, admin: Clinician, clinician: Clinician) -> tuple[str, str]:
    """A new one-time link, as (uidb64, token), for a clinician who has not set a password yet."""
    _require_admin_of(admin, clinician.clinic_id)
    if clinician.user.has_usable_password():
        raise ValidationError(f"{clinician} has already set a password.")
    with transaction.atomic():
        _clinic_audit(admin, AuditEvent.Kind.CLINICIAN_CHANGED, f"New set-password link for {clinician}.",
                      {"clinician": clinician.pk, "action": "password_link"})
    return _password_link_args(clinician.user)


def clinician_change(*, admin: Clinician, clinician: Clinician, is_clinic_admin: bool,
                     is_active: bool) -> None:
    """Give or take the admin role; deactivate or reactivate the login. Clinicians are never
    deleted: plans name them as prescribers. An admin cannot demote or deactivate themself,
    so the clinic always keeps an active admin."""
    _require_admin_of(admin, clinician.clinic_id)
    if clinician.pk == admin.pk and not (is_clinic_admin and is_active):
        raise ValidationError("You cannot remove your own admin role or deactivate your own login: "
                              "another admin of the clinic must do it, so the clinic always keeps an admin.")
    user = clinician.user
    before = {"is_clinic_admin": clinician.is_clinic_admin, "is_active": user.is_active}
    after = {"is_clinic_admin": is_clinic_admin, "is_active": is_active}
    if before == after:
        return
    with transaction.atomic():
        clinician.is_clinic_admin = is_clinic_admin
        clinician.save(update_fields=["is_clinic_admin"])
        user.is_active = is_active
        user.save(update_fields=["is_active"])
        changes = []
        if before["is_clinic_admin"] != is_clinic_admin:
            changes.append("now a clinic admin" if is_clinic_admin else "no longer a clinic admin")
        if before["is_active"] != is_active:
            changes.append("login reactivated" if is_active else "login deactivated")
        _clinic_audit(admin, AuditEvent.Kind.CLINICIAN_CHANGED, f"{clinician}: {', '.join(changes)}.",
                      {"clinician": clinician.pk, "before": before, "after": after})


def care_team_set(*, admin: Clinician, patient: Patient, clinicians: Iterable[Clinician]) -> None:
    """Assign exactly `clinicians` to the patient; they see the patient under "My patients".
    Only clinicians of the patient's own clinic may be assigned."""
    _require_admin_of(admin, patient.clinic_id)
    chosen = set(clinicians)
    if any(c.clinic_id != patient.clinic_id for c in chosen):
        raise ValidationError("Only clinicians of the patient's own clinic can be on their care team.")
    with transaction.atomic():
        current = set(patient.clinicians.select_related("user"))
        added, removed = chosen - current, current - chosen
        if not added and not removed:
            return
        patient.clinicians.set(chosen)
        def names(group: set[Clinician]) -> str:
            return ", ".join(sorted(str(c) for c in group)) or "nobody"

        summary = f"Care team of {patient}: {names(chosen)}"
        changes = (("added", added), ("removed", removed))
        summary += "".join(f"; {label} {names(group)}" for label, group in changes if group)
        _clinic_audit(admin, AuditEvent.Kind.CARE_TEAM_CHANGED, f"{summary}.",
                      {"patient": patient.pk, "clinicians": sorted(c.pk for c in chosen),
                       "added": sorted(c.pk for c in added), "removed": sorted(c.pk for c in removed)})
