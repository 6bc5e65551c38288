"""Titration plans and safety screening: the clinician's editor, screening and plan
changes, and the patient's read-only plan with its "your plan changed" notice."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from journal.access import (
    AuthenticatedRequest,
    clinician_of,
    clinician_required,
    logged_patient,
    note_read,
    patient_for,
    patient_side_required,
)
from journal.bounds import record_window
from journal.findings import Level, needing_confirmation, stops_save
from journal.forms.messages import QuestionForm
from journal.forms.plans import (
    EndForm,
    HoldForm,
    MorningForm,
    PauseForm,
    PlanEditorForm,
    RecordCorrectionForm,
    RefillForm,
    ScreeningForm,
    StepBackForm,
    StepEditForm,
)
from journal.measuring import patient_amount
from journal.models import AccessEvent, DoseStep, Frequency, Patient, QuestionTopic, Timing, TitrationPlan
from journal.offline import kept_offline
from journal.safety import judge_screening, prefill_screening
from journal.schedule import DAY, StepState
from journal.selectors.messages import latest_plan_change, plan_notes, question_threads
from journal.selectors.plans import plan_section, prescribed_plans
from journal.selectors.records import medication_periods_for, safety_of, schedule_of, schedule_with_problems
from journal.services import plans as plan_service
from journal.titration import PLAN_TEMPLATES
from journal.views.common import add_errors
from journal.vocabulary import dose_phrase, local_mg, timing_words

# --- screening ---------------------------------------------------------------------------


def _screened(request: AuthenticatedRequest, patient: Patient, form: ScreeningForm) -> HttpResponse:
    """After a screening is recorded: on to the editor, or back to the patient."""
    findings = judge_screening(form.answers(), form.cleaned_data["start_date"])
    messages.success(
        request,
        _(
            "Safety screening recorded. It blocks a plan starting on that date: "
            "see the reasons on the plan editor."
        )
        if stops_save(findings)
        else _("Safety screening recorded."),
    )
    if patient.plans.filter(status=TitrationPlan.Status.ACTIVE).exists():
        return redirect("patient_detail", pk=patient.pk)
    return redirect(f"{reverse('plan_new', args=[patient.pk])}?start_date={form.cleaned_data['start_date']}")


@clinician_required
@require_http_methods(["GET", "POST"])
def screening(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    patient = patient_for(request, pk)
    today = patient.local_today()
    window = record_window(patient.opened_on, today)
    periods = medication_periods_for([patient])[patient.pk]
    if request.method == "POST":
        form = ScreeningForm(request.POST, window=window, today=today)
        if form.is_valid():
            try:
                plan_service.screening_record(
                    patient=patient,
                    clinician=clinician_of(request),
                    answers=form.answers(),
                    start_date=form.cleaned_data["start_date"],
                    today=today,
                    notes=form.cleaned_data["notes"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                return _screened(request, patient, form)
    findings = []
    if request.method == "GET":
        prefilled = prefill_screening(periods, today)
        form = ScreeningForm(
            initial={**prefilled.as_fields(), "start_date": today}, window=window, today=today
        )
        findings = judge_screening(prefilled, today, periods)
    return render(
        request,
        "journal/plans/screening.html",
        {
            "patient": patient,
            "form": form,
            "medications": periods,
            "findings": findings,
        },
    )


# --- the plan editor ---------------------------------------------------------------------


def preview_summary(steps, findings, form: PlanEditorForm) -> str:
    """The plan preview in one sentence, for its live region: a screen reader hears this
    after each change rather than the whole table ("12 steps, 0.5 mg to 3 mg, 2 warnings.")."""
    if steps:
        count, first, last = len(steps), steps[0][1], steps[-1][1]
        if first == last:
            doses = _("%(first)s mg") % {"first": local_mg(first)}
        else:
            doses = _("%(first)s mg to %(last)s mg") % {"first": local_mg(first), "last": local_mg(last)}
        words = {
            "steps": ngettext("%(count)s step", "%(count)s steps", count) % {"count": count},
            "doses": doses,
        }
        warnings = len(needing_confirmation(findings))
        blocks = sum(1 for finding in findings if finding.level.stops_save)
        words["warnings"] = (
            ngettext("%(count)s warning", "%(count)s warnings", warnings) % {"count": warnings}
            if warnings
            else _("no warnings")
        )
        if blocks:
            words["blocks"] = ngettext(
                "%(count)s finding stopping the save", "%(count)s findings stopping the save", blocks
            ) % {"count": blocks}
            return _("%(steps)s, %(doses)s, %(blocks)s, %(warnings)s.") % words
        return _("%(steps)s, %(doses)s, %(warnings)s.") % words
    if form.is_bound:
        problems = sum(len(errors) for name, errors in form.errors.items() if name != "__all__")
        return ngettext(
            "No steps yet: %(count)s parameter to correct.",
            "No steps yet: %(count)s parameters to correct.",
            problems,
        ) % {"count": problems}
    return _("No steps yet.")


def _editor_context(patient: Patient, form: PlanEditorForm, valid: bool) -> dict:
    """`valid`: whether the parameters were valid before saving added its own errors."""
    steps, findings = [], []
    data = form.cleaned_data if valid else {}
    if valid:
        steps = form.steps()
        findings = plan_service.plan_findings(
            patient,
            steps,
            form=data["form"],
            strength_mg=data["strength_mg"],
            today=patient.local_today(),
            release=data["release"],
            filler=data["filler"],
        )
    return {
        "preview_summary": preview_summary(steps, findings, form),
        "patient": patient,
        "form": form,
        "templates": PLAN_TEMPLATES.values(),
        "preview": [
            {"day": day, "dose": dose, "amount": patient_amount(dose, data["form"], data["strength_mg"])}
            for day, dose in steps
        ],
        "preview_timing": timing_words(data["timing"], data["frequency"]) if valid else "",
        "findings": findings,
        "has_warnings": any(f.level is Level.WARN for f in findings),
        "blocked": stops_save(findings),
    }


@clinician_required
@require_http_methods(["GET", "POST"])
def plan_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    patient = patient_for(request, pk)
    today = patient.local_today()
    current = patient.plans.filter(status=TitrationPlan.Status.ACTIVE).first()
    if current is not None and current.ended_on is None:
        messages.error(request, _("This patient's plan has no end date: change it below, or end it first."))
        return redirect("plan_manage", pk=patient.pk)
    action = request.POST.get("action", "")
    window = record_window(patient.opened_on, today)
    if request.method == "GET":
        earliest = max(today, current.ended_on) if current and current.ended_on else today
        start = request.GET.get("start_date") or earliest.isoformat()
        base = {
            "start_date": start,
            "timing": Timing.BEDTIME,
            "frequency": Frequency.DAILY,
            "form": "capsule",
        }
        values = PlanEditorForm.with_template(base, request.GET.get("template", "standard"))
        # A template's values are complete, so the preview shows at once; custom starts empty.
        if values["template"] != "custom":
            form = PlanEditorForm(values, window=window, today=today)
        else:
            form = PlanEditorForm(initial=values, window=window, today=today)
    elif action == "apply_template":
        template = request.POST.get("template", "")
        form = PlanEditorForm(
            PlanEditorForm.with_template(request.POST, template), window=window, today=today
        )
    else:
        form = PlanEditorForm(request.POST, window=window, today=today)
    valid = form.is_bound and form.is_valid()
    if action == "save" and valid:
        try:
            plan_service.plan_create(
                patient=patient,
                clinician=clinician_of(request),
                steps=form.steps(),
                timing=form.cleaned_data["timing"],
                frequency=form.cleaned_data["frequency"],
                release=form.cleaned_data["release"],
                filler=form.cleaned_data["filler"],
                filler_note=form.cleaned_data["filler_note"],
                pharmacy=form.cleaned_data["pharmacy"],
                supply_quantity=form.cleaned_data["supply_quantity"],
                dispensed_on=form.cleaned_data["dispensed_on"],
                form=form.cleaned_data["form"],
                strength_mg=form.cleaned_data["strength_mg"],
                notes=form.cleaned_data["notes"],
                template=form.cleaned_data["template"],
                warnings_confirmed=form.cleaned_data["confirm_warnings"],
                today=today,
                patient_reason=form.cleaned_data["patient_reason"],
                request_key=form.cleaned_data["request_key"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Plan saved. The patient sees it on their Today page."))
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
    schedule, problems = schedule_with_problems(patient, today)
    plans = prescribed_plans(patient)
    section = plan_section(plans, schedule, today)
    plan = section["plan"]
    supplied = _supplied_plan(plans, schedule.supplied_plan(today))
    tomorrow = today + DAY
    window = record_window(patient.opened_on, today)
    defaults: dict[str, BaseForm] = {
        "hold_form": HoldForm(window=window, today=today),
        "step_back_form": StepBackForm(initial={"start_date": tomorrow}, window=window, today=today),
        "morning_form": MorningForm(initial={"start_date": tomorrow}, window=window, today=today),
        "end_form": EndForm(initial={"ended_on": today + 14 * DAY}, window=window, today=today),
        "pause_form": PauseForm(
            initial={"start_date": tomorrow, "end_date": tomorrow + 6 * DAY}, window=window, today=today
        ),
        "correction_form": RecordCorrectionForm(window=window, today=today),
    }
    if supplied is not None:
        defaults["refill_form"] = RefillForm(
            initial={"dispensed_on": today}, window=plan_service.refill_window(supplied, today), today=today
        )
    changeable = section["plan_state"] not in ("", "ended")
    return {
        "patient": patient,
        "today": today,
        **section,
        "pauses": schedule.pauses,
        "supply": schedule.supply_for(today),
        "supply_plan": supplied,
        "problems": problems,
        "active": changeable,
        "new_plan_allowed": plan is None or plan.ended_on is not None or not changeable,
        **defaults,
        **forms,
    }


@clinician_required
@require_GET
def plan_manage(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    patient = patient_for(request, pk)
    note_read(request, AccessEvent.What.PLAN, patient)
    return render(request, "journal/plans/manage.html", _manage_context(patient))


def _supplied_plan(plans: list[TitrationPlan], plan_id: int | None) -> TitrationPlan | None:
    """Of `plans`, the one `Schedule.supplied_plan` names: its supply is shown, a refill is its."""
    return next((plan for plan in plans if plan.pk == plan_id), None)


def _active_plan(patient: Patient) -> TitrationPlan:
    plan = patient.plans.filter(status=TitrationPlan.Status.ACTIVE).first()
    if plan is None:
        raise Http404("No active plan.")
    return plan


def _change(request: AuthenticatedRequest, pk: int, form_class, form_name: str, apply) -> HttpResponse:
    """Validate one change form and apply it; on any error, show the plan page again with
    the form and its errors."""
    patient = patient_for(request, pk)
    today = patient.local_today()
    form = form_class(request.POST, window=record_window(patient.opened_on, today), today=today)
    if form.is_valid():
        try:
            summary = apply(patient, clinician_of(request), form.cleaned_data, today)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, summary)
            return redirect("plan_manage", pk=patient.pk)
    context = _manage_context(patient, **{form_name: form})
    return render(request, "journal/plans/manage.html", context, status=400)


@clinician_required
@require_POST
def plan_hold(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def apply(patient, clinician, data, today):
        plan_service.plan_hold(
            plan=_active_plan(patient),
            clinician=clinician,
            days=data["days"],
            today=today,
            patient_reason=data["patient_reason"],
            request_key=data["request_key"],
        )
        return latest_plan_change(patient)

    return _change(request, pk, HoldForm, "hold_form", apply)


@clinician_required
@require_POST
def plan_step_back(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def apply(patient, clinician, data, today):
        plan_service.plan_step_back(
            plan=_active_plan(patient),
            clinician=clinician,
            start_date=data["start_date"],
            shift_days=data["shift_days"],
            today=today,
            patient_reason=data["patient_reason"],
            request_key=data["request_key"],
        )
        return latest_plan_change(patient)

    return _change(request, pk, StepBackForm, "step_back_form", apply)


@clinician_required
@require_POST
def plan_morning(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def apply(patient, clinician, data, today):
        plan_service.plan_switch_to_morning(
            plan=_active_plan(patient),
            clinician=clinician,
            start_date=data["start_date"],
            today=today,
            patient_reason=data["patient_reason"],
            request_key=data["request_key"],
        )
        return latest_plan_change(patient)

    return _change(request, pk, MorningForm, "morning_form", apply)


@clinician_required
@require_POST
def plan_end(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def apply(patient, clinician, data, today):
        plan_service.plan_taper_and_end(
            plan=_active_plan(patient),
            clinician=clinician,
            ended_on=data["ended_on"],
            today=today,
            taper_mg=data["taper_mg"],
            taper_from=data["taper_from"],
            warnings_confirmed=data["confirm_warnings"],
            patient_reason=data["patient_reason"],
            request_key=data["request_key"],
        )
        return latest_plan_change(patient)

    return _change(request, pk, EndForm, "end_form", apply)


@clinician_required
@require_POST
def plan_refill(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record a refill dispensed for the plan whose supply the plan page shows."""
    patient = patient_for(request, pk)
    today = patient.local_today()
    plan = _supplied_plan(prescribed_plans(patient), schedule_of(patient).supplied_plan(today))
    if plan is None:
        raise Http404("No plan in force or starting.")
    form = RefillForm(request.POST, window=plan_service.refill_window(plan, today), today=today)
    if form.is_valid():
        data = form.cleaned_data
        try:
            plan_service.plan_refill_record(
                plan=plan,
                clinician=clinician_of(request),
                dispensed_on=data["dispensed_on"],
                quantity=data["quantity"],
                pharmacy=data["pharmacy"],
                today=today,
                request_key=data["request_key"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Refill recorded: the supply is now counted from it."))
            return redirect("plan_manage", pk=patient.pk)
    return render(
        request, "journal/plans/manage.html", _manage_context(patient, refill_form=form), status=400
    )


@clinician_required
@require_POST
def pause_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def apply(patient, clinician, data, today):
        _pause, findings = plan_service.ldn_pause_record(
            patient=patient,
            clinician=clinician,
            start_date=data["start_date"],
            end_date=data["end_date"],
            reason=data["reason"],
            late_reason=data["late_reason"],
            today=today,
            patient_reason=data["patient_reason"],
            request_key=data["request_key"],
        )
        recorded = _("%(pause)s — nothing is prescribed on those days.") % {
            "pause": latest_plan_change(patient)
        }
        if not findings:
            return recorded
        resumption = " ".join(f"{f.level.label.capitalize()}: {f.message!s}" for f in findings)
        return _("%(recorded)s Before LDN resumes — %(findings)s") % {
            "recorded": recorded,
            "findings": resumption,
        }

    return _change(request, pk, PauseForm, "pause_form", apply)


@clinician_required
@require_POST
def record_correct(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def apply(patient, clinician, data, today):
        row, row_id = data["row"]
        plan_service.record_correct(
            patient=patient,
            clinician=clinician,
            row=row,
            row_id=row_id,
            today=today,
            patient_reason=data["patient_reason"],
            request_key=data["request_key"],
        )
        return latest_plan_change(patient)

    return _change(request, pk, RecordCorrectionForm, "correction_form", apply)


@clinician_required
@require_http_methods(["GET", "POST"])
def plan_step_edit(request: AuthenticatedRequest, pk: int, step_pk: int) -> HttpResponse:
    patient = patient_for(request, pk)
    step = get_object_or_404(DoseStep.objects.select_related("plan"), pk=step_pk, plan__patient=patient)
    today = patient.local_today()
    findings = []
    if request.method == "POST":
        form = StepEditForm(request.POST)
        if form.is_valid():
            findings = plan_service.step_edit_findings(step, form.cleaned_data["dose_mg"])
            try:
                plan_service.plan_edit_step(
                    step=step,
                    clinician=clinician_of(request),
                    today=today,
                    dose_mg=form.cleaned_data["dose_mg"],
                    timing=form.cleaned_data["timing"],
                    frequency=form.cleaned_data["frequency"] or None,
                    note=form.cleaned_data["note"],
                    warnings_confirmed=form.cleaned_data["confirm_warnings"],
                    patient_reason=form.cleaned_data["patient_reason"],
                    request_key=form.cleaned_data["request_key"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, latest_plan_change(patient))
                return redirect("plan_manage", pk=patient.pk)
    else:
        form = StepEditForm(
            initial={
                "dose_mg": step.dose_mg,
                "timing": step.timing,
                "frequency": step.frequency,
                "note": step.note,
            }
        )
    return render(
        request,
        "journal/plans/step_edit.html",
        {
            "patient": patient,
            "step": step,
            "step_phrase": dose_phrase(step.dose_mg, step.timing, step.frequency),
            "form": form,
            "findings": findings,
            "editable": step.start_date > today
            and step.plan.status == TitrationPlan.Status.ACTIVE
            and (step.plan.ended_on is None or step.plan.ended_on > today),
        },
        status=400 if form.errors else 200,
    )


# --- the patient's side --------------------------------------------------------------------


@patient_side_required
@require_GET
@kept_offline
def my_plan(request: AuthenticatedRequest) -> HttpResponse:
    patient = logged_patient(request)
    today = patient.local_today()
    schedule = schedule_of(patient)
    section = plan_section(prescribed_plans(patient), schedule, today)
    return render(
        request,
        "journal/plans/my_plan.html",
        {
            "patient": patient,
            **section,
            "today": schedule.on(today),
            "ends_on": schedule.ends_on(today),
            "dose_days": schedule.alternate_days_ahead(today),
            "supply": schedule.supply_for(today),
            "rows": [row for row in section["plan_steps"] if row.state is not StepState.PAST],
            "pauses": [pause for pause in schedule.pauses if pause.end_date >= today],
            "safety": safety_of(patient, schedule, today),
            "unseen_notes": plan_notes(patient, unseen_only=True),
            "threads": question_threads(patient, topic=QuestionTopic.PLAN),
            "question_form": QuestionForm(initial={"topic": QuestionTopic.PLAN}),
        },
    )


@patient_side_required
@require_POST
def plan_acknowledge(request: AuthenticatedRequest) -> HttpResponse:
    plan_service.plan_acknowledge(patient=logged_patient(request), actor=request.user)
    return redirect("my_plan" if request.POST.get("next") == reverse("my_plan") else "today")
