"""Titration plans and safety screening: the clinician's editor, screening and plan
changes, and the patient's read-only plan with its "your plan changed" notice."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from journal import services
from journal.access import clinician_of, clinician_required, own_patient, patient_for, patient_required
from journal.models import DoseStep, Patient, Timing, TitrationPlan
from journal.plan_forms import (
    EndForm,
    HoldForm,
    MorningForm,
    PauseForm,
    PlanEditorForm,
    ScreeningForm,
    StepBackForm,
    StepEditForm,
)
from journal.safety import THYROID_WATCH_NOTE, ScreeningAnswers, judge_screening, prefill_screening
from journal.selectors import pauses_for, schedules_for
from journal.titration import PLAN_TEMPLATES, format_mg, measured_amount, next_step_after, prescribed_on

DAY = services.DAY


def _add_errors(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


def _plan_with_steps(patient: Patient) -> TitrationPlan | None:
    """The active plan, else the most recent non-draft one."""
    plans = patient.plans.exclude(status=TitrationPlan.Status.DRAFT).prefetch_related("steps")
    return plans.filter(status=TitrationPlan.Status.ACTIVE).first() or plans.first()


def _step_rows(plan: TitrationPlan | None, today):
    """The plan's steps with what the patient measures out and where each stands today."""
    if plan is None:
        return []
    steps = list(plan.steps.all())
    current = max((s for s in steps if s.start_date <= today), key=lambda s: s.start_date, default=None)
    return [
        {
            "step": step,
            "amount": measured_amount(step.dose_mg, plan.form, plan.strength_mg),
            "state": "current" if step is current else ("past" if step.start_date <= today else "upcoming"),
        }
        for step in steps
    ]


# --- the clinician's patient page sections ----------------------------------------------


def patient_page_sections(patient: Patient, day) -> dict:
    """Context for the plan, screening, invitation and audit sections of the clinician's
    patient page."""
    plan = _plan_with_steps(patient)
    screening = patient.screenings.select_related("screened_by__user").first()
    start = next((s.start_date for s in plan.steps.all()), day) if plan else day
    findings = judge_screening(ScreeningAnswers.from_record(screening), start) if screening else []
    thyroid = (screening is not None and screening.thyroid_medication) or prefill_screening(
        patient.medications.all(), day
    ).thyroid_medication
    return {
        "plan": plan,
        "plan_steps": _step_rows(plan, day),
        "screening": screening,
        "screening_findings": findings,
        "thyroid_note": THYROID_WATCH_NOTE if thyroid else "",
        "invitation": patient.invitations.order_by("-created_at").first()
        if patient.user_id is None
        else None,
        "audit_events": list(patient.audit_events.select_related("actor").order_by("at", "pk")),
    }


# --- screening ---------------------------------------------------------------------------


@clinician_required
@require_http_methods(["GET", "POST"])
def screening(request: HttpRequest, pk: int) -> HttpResponse:
    patient = patient_for(request, pk)
    today = patient.local_today()
    medications = list(patient.medications.all())
    if request.method == "POST":
        form = ScreeningForm(request.POST)
        if form.is_valid():
            services.screening_record(
                patient=patient,
                clinician=clinician_of(request),
                answers=form.answers(),
                start_date=form.cleaned_data["start_date"],
                notes=form.cleaned_data["notes"],
            )
            findings = judge_screening(form.answers(), form.cleaned_data["start_date"])
            messages.success(
                request,
                "Safety screening recorded."
                + (
                    " It blocks a plan starting on that date: see the reasons on the plan editor."
                    if any(f.level == "block" for f in findings)
                    else ""
                ),
            )
            if patient.plans.filter(status=TitrationPlan.Status.ACTIVE).exists():
                return redirect("patient_detail", pk=patient.pk)
            return redirect(
                f"{reverse('plan_new', args=[patient.pk])}?start_date={form.cleaned_data['start_date']}"
            )
    findings = []
    if request.method == "GET":
        prefilled = prefill_screening(medications, today)
        form = ScreeningForm(initial={**vars(prefilled), "start_date": today})
        findings = judge_screening(prefilled, today)
    return render(
        request,
        "journal/plans/screening.html",
        {
            "patient": patient,
            "form": form,
            "medications": medications,
            "findings": findings,
        },
    )


# --- the plan editor ---------------------------------------------------------------------


def preview_summary(steps, findings, form: PlanEditorForm) -> str:
    """The plan preview in one sentence, for its live region: a screen reader hears this
    after each change rather than the whole table ("12 steps, 0.5 mg to 3 mg, 2 warnings.")."""
    if steps:
        count, first, last = len(steps), steps[0][1], steps[-1][1]
        doses = f"{format_mg(first)} mg" + ("" if first == last else f" to {format_mg(last)} mg")
        words = [f"{count} step{'s' if count != 1 else ''}", doses]
        warnings = sum(1 for finding in findings if finding.level == "warn")
        blocks = sum(1 for finding in findings if finding.level in ("block", "refuse"))
        if blocks:
            words.append(f"{blocks} finding{'s' if blocks != 1 else ''} blocking activation")
        words.append(f"{warnings} warning{'s' if warnings != 1 else ''}" if warnings else "no warnings")
        return ", ".join(words) + "."
    if form.is_bound:
        problems = sum(len(errors) for name, errors in form.errors.items() if name != "__all__")
        return f"No steps yet: {problems} parameter{'s' if problems != 1 else ''} to correct."
    return "No steps yet."


def _editor_context(patient: Patient, form: PlanEditorForm, valid: bool) -> dict:
    """`valid`: whether the parameters were valid before saving added its own errors."""
    steps, findings = [], []
    if valid:
        steps = form.steps()
        findings = services.plan_findings(patient, steps)
    data = form.cleaned_data if valid else {}
    return {
        "preview_summary": preview_summary(steps, findings, form),
        "patient": patient,
        "form": form,
        "templates": PLAN_TEMPLATES.values(),
        "preview": [
            {
                "day": day,
                "dose": dose,
                "amount": measured_amount(dose, data.get("form"), data.get("strength_mg")),
            }
            for day, dose in steps
        ],
        "findings": findings,
        "has_warnings": any(f.level == "warn" for f in findings),
        "blocked": any(f.level in ("block", "refuse") for f in findings),
    }


@clinician_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest, pk: int) -> HttpResponse:
    patient = patient_for(request, pk)
    if patient.plans.filter(status=TitrationPlan.Status.ACTIVE).exists():
        messages.error(request, "This patient already has an active plan: change it below, or end it first.")
        return redirect("plan_manage", pk=patient.pk)
    action = request.POST.get("action", "")
    if request.method == "GET":
        start = request.GET.get("start_date") or patient.local_today().isoformat()
        base = {"start_date": start, "timing": Timing.BEDTIME, "form": "capsule"}
        values = PlanEditorForm.with_template(base, request.GET.get("template", "standard"))
        # A template's values are complete, so the preview shows at once; custom starts empty.
        form = PlanEditorForm(values) if values["template"] != "custom" else PlanEditorForm(initial=values)
    elif action == "apply_template":
        form = PlanEditorForm(PlanEditorForm.with_template(request.POST, request.POST.get("template", "")))
    else:
        form = PlanEditorForm(request.POST)
    valid = form.is_bound and form.is_valid()
    if action == "save" and valid:
        try:
            services.plan_create(
                patient=patient,
                clinician=clinician_of(request),
                steps=form.steps(),
                timing=form.cleaned_data["timing"],
                form=form.cleaned_data["form"],
                strength_mg=form.cleaned_data["strength_mg"],
                notes=form.cleaned_data["notes"],
                template=form.cleaned_data["template"],
                warnings_confirmed=form.cleaned_data["confirm_warnings"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Plan saved and active. The patient sees it on their Today page.")
            return redirect("plan_manage", pk=patient.pk)
    context = {**_editor_context(patient, form, valid), "save_refused": action == "save"}
    template = "journal/plans/editor.html"
    if request.htmx and action == "preview":
        template += "#preview-update"
    elif request.htmx and action == "apply_template":
        template += "#template-update"
    return render(request, template, context)


# --- changes to the active plan ------------------------------------------------------------


def _manage_context(patient: Patient, **forms) -> dict:
    today = patient.local_today()
    plan = _plan_with_steps(patient)
    tomorrow = today + DAY
    defaults = {
        "hold_form": HoldForm(),
        "step_back_form": StepBackForm(initial={"start_date": tomorrow}),
        "morning_form": MorningForm(initial={"start_date": tomorrow}),
        "end_form": EndForm(initial={"ended_on": today + 14 * DAY}),
        "pause_form": PauseForm(initial={"start_date": tomorrow, "end_date": tomorrow + 6 * DAY}),
    }
    return {
        "patient": patient,
        "today": today,
        "plan": plan,
        "plan_steps": _step_rows(plan, today),
        "pauses": list(patient.pauses.all()),
        "active": plan is not None and plan.status == TitrationPlan.Status.ACTIVE,
        **defaults,
        **forms,
    }


@clinician_required
@require_GET
def plan_manage(request: HttpRequest, pk: int) -> HttpResponse:
    patient = patient_for(request, pk)
    return render(request, "journal/plans/manage.html", _manage_context(patient))


def _active_plan(patient: Patient) -> TitrationPlan:
    plan = patient.plans.filter(status=TitrationPlan.Status.ACTIVE).first()
    if plan is None:
        raise Http404("No active plan.")
    return plan


def _change(request: HttpRequest, pk: int, form_class, form_name: str, apply) -> HttpResponse:
    """Validate one change form and apply it; on any error, show the plan page again with
    the form and its errors."""
    patient = patient_for(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            summary = apply(patient, clinician_of(request), form.cleaned_data, patient.local_today())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, summary)
            return redirect("plan_manage", pk=patient.pk)
    context = _manage_context(patient, **{form_name: form})
    return render(request, "journal/plans/manage.html", context, status=400)


@clinician_required
@require_POST
def plan_hold(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(patient, clinician, data, today):
        services.plan_hold(plan=_active_plan(patient), clinician=clinician, days=data["days"], today=today)
        return f"Held: later steps moved {data['days']} days later."

    return _change(request, pk, HoldForm, "hold_form", apply)


@clinician_required
@require_POST
def plan_step_back(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(patient, clinician, data, today):
        step = services.plan_step_back(
            plan=_active_plan(patient),
            clinician=clinician,
            start_date=data["start_date"],
            shift_days=data["shift_days"],
            today=today,
        )
        return f"Stepped back to {step}."

    return _change(request, pk, StepBackForm, "step_back_form", apply)


@clinician_required
@require_POST
def plan_morning(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(patient, clinician, data, today):
        step = services.plan_switch_to_morning(
            plan=_active_plan(patient), clinician=clinician, start_date=data["start_date"], today=today
        )
        return f"Switched to the morning: {step}."

    return _change(request, pk, MorningForm, "morning_form", apply)


@clinician_required
@require_POST
def plan_end(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(patient, clinician, data, today):
        services.plan_taper_and_end(
            plan=_active_plan(patient),
            clinician=clinician,
            ended_on=data["ended_on"],
            today=today,
            taper_mg=data["taper_mg"],
            taper_from=data["taper_from"],
            warnings_confirmed=data["confirm_warnings"],
        )
        return f"The plan ends on {data['ended_on']:%-d %B %Y}."

    return _change(request, pk, EndForm, "end_form", apply)


@clinician_required
@require_POST
def pause_new(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(patient, clinician, data, today):
        services.ldn_pause_record(
            patient=patient,
            clinician=clinician,
            start_date=data["start_date"],
            end_date=data["end_date"],
            reason=data["reason"],
        )
        return "LDN pause recorded: nothing is prescribed on those days."

    return _change(request, pk, PauseForm, "pause_form", apply)


@clinician_required
@require_http_methods(["GET", "POST"])
def plan_step_edit(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    patient = patient_for(request, pk)
    step = get_object_or_404(DoseStep.objects.select_related("plan"), pk=step_pk, plan__patient=patient)
    today = patient.local_today()
    findings = []
    if request.method == "POST":
        form = StepEditForm(request.POST)
        if form.is_valid():
            findings = services.step_edit_findings(step, form.cleaned_data["dose_mg"])
            try:
                services.plan_edit_step(
                    step=step,
                    clinician=clinician_of(request),
                    today=today,
                    dose_mg=form.cleaned_data["dose_mg"],
                    timing=form.cleaned_data["timing"],
                    note=form.cleaned_data["note"],
                    warnings_confirmed=form.cleaned_data["confirm_warnings"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"Step changed: {step}.")
                return redirect("plan_manage", pk=patient.pk)
    else:
        form = StepEditForm(initial={"dose_mg": step.dose_mg, "timing": step.timing, "note": step.note})
    return render(
        request,
        "journal/plans/step_edit.html",
        {
            "patient": patient,
            "step": step,
            "form": form,
            "findings": findings,
            "editable": step.start_date > today and step.plan.status == TitrationPlan.Status.ACTIVE,
        },
        status=400 if form.errors else 200,
    )


# --- the patient's side --------------------------------------------------------------------


@patient_required
@require_GET
def my_plan(request: HttpRequest) -> HttpResponse:
    patient = own_patient(request)
    today = patient.local_today()
    plan = _plan_with_steps(patient)
    schedule = schedules_for([patient.pk]).get(patient.pk, [])
    pauses = pauses_for([patient.pk]).get(patient.pk, [])
    current = prescribed_on(schedule, today, pauses)
    rows = [row for row in _step_rows(plan, today) if row["state"] != "past"]
    return render(
        request,
        "journal/plans/my_plan.html",
        {
            "patient": patient,
            "plan": plan,
            "today": today,
            "current": current,
            "current_amount": measured_amount(current.dose_mg, current.form, current.strength_mg)
            if current
            else None,
            "next_step": next_step_after(schedule, today),
            "rows": rows,
            "pauses": [p for p in patient.pauses.all() if p.end_date >= today],
        },
    )


@patient_required
@require_POST
def plan_acknowledge(request: HttpRequest) -> HttpResponse:
    services.plan_acknowledge(patient=own_patient(request))
    return redirect(request.POST.get("next") if request.POST.get("next") == reverse("my_plan") else "today")
