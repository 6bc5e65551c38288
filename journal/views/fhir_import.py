"""Importing a patient's medication list and lab results from a FHIR Bundle: upload, preview,
confirm. The previewed plan is kept in the server's session under a token; the confirmation
names the token and adds what the kept plan lists (nothing the browser sends is imported).

A whole patient from LDN Journal's own export comes into the clinic the same way: upload,
preview (the plans, the diary's days, the record), confirm."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from journal.access import AuthenticatedRequest, clinician_of, clinician_required, note_read, patient_for
from journal.fhir_import import (
    BUNDLE_MAX_BYTES,
    BUNDLE_MAX_ENTRIES,
    BundleProblem,
    ImportPlan,
    patient_plan_from_state,
    patient_plan_state,
    plan_from_state,
    plan_import,
    plan_patient_import,
    plan_state,
)
from journal.forms.fhir_import import FhirBundleForm, FhirImportConfirmForm, PatientBundleForm
from journal.models import AccessEvent, Patient, PlanForm
from journal.selectors.fhir_import import import_context, patient_import_context
from journal.services.fhir_import import fhir_import_apply, patient_import

SESSION_KEY = "fhir_import"


def _keep(request: AuthenticatedRequest, patient: Patient, plan: ImportPlan, file_name: str) -> None:
    request.session[SESSION_KEY] = {
        "patient": patient.pk,
        "token": secrets.token_urlsafe(24),
        "file": file_name[:200],
        "plan": plan_state(plan),
    }


def _kept(request: AuthenticatedRequest, patient: Patient) -> dict[str, Any] | None:
    kept = request.session.get(SESSION_KEY)
    return kept if isinstance(kept, dict) and kept.get("patient") == patient.pk else None


def _preview_url(patient: Patient) -> str:
    return reverse("patient_fhir_import_preview", args=[patient.pk])


@clinician_required
@require_http_methods(["GET", "POST"])
def patient_fhir_import(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The upload: a readable Bundle is planned against the record and its preview shown."""
    patient = patient_for(request, pk)
    form = FhirBundleForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        plan = plan_import(form.read, import_context(patient))
        _keep(request, patient, plan, form.cleaned_data["bundle"].name)
        return redirect(_preview_url(patient))
    context = {
        "patient": patient,
        "form": form,
        "max_megabytes": BUNDLE_MAX_BYTES // (1024 * 1024),
        "max_entries": BUNDLE_MAX_ENTRIES,
    }
    return render(request, "journal/review/fhir_import.html", context, status=400 if form.errors else 200)


@clinician_required
@require_GET
def patient_fhir_import_preview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """What the confirmation will add, and what it skips and why."""
    patient = patient_for(request, pk)
    kept = _kept(request, patient)
    if kept is None:
        messages.info(request, _("Choose a Bundle to import first."))
        return redirect("patient_fhir_import", pk=patient.pk)
    note_read(request, AccessEvent.What.PATIENT_PAGE, patient)
    plan = plan_from_state(kept["plan"])
    context = {
        "patient": patient,
        "plan": plan,
        "skipped": plan.skipped_by_reason(),
        "file_name": kept["file"],
        "form": FhirImportConfirmForm(initial={"token": kept["token"]}),
    }
    return render(request, "journal/review/fhir_import_preview.html", context)


@clinician_required
@require_POST
def patient_fhir_import_confirm(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Add the kept plan's items, or show the preview again when the record changed meanwhile."""
    patient = patient_for(request, pk)
    kept = _kept(request, patient)
    form = FhirImportConfirmForm(request.POST)
    if (
        kept is None
        or not form.is_valid()
        or not secrets.compare_digest(form.cleaned_data["token"], kept["token"])
    ):
        messages.error(
            request,
            _("That preview is no longer current: check the preview below, or upload the file again."),
        )
        return redirect(
            _preview_url(patient) if kept is not None else reverse("patient_fhir_import", args=[patient.pk])
        )
    plan = plan_from_state(kept["plan"])
    try:
        checked = fhir_import_apply(patient=patient, clinician=clinician_of(request), plan=plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_preview_url(patient))
    if checked.changed:
        _keep(request, patient, checked.plan, kept["file"])
        messages.warning(
            request, _("The record changed since the preview; nothing was added. Check the new preview.")
        )
        return redirect(_preview_url(patient))
    del request.session[SESSION_KEY]
    messages.success(
        request,
        _("Imported. Medications added: %(medications)d; lab results added: %(labs)d.")
        % {"medications": len(plan.medications), "labs": len(plan.labs)},
    )
    return redirect(reverse("patient_detail", args=[patient.pk]) + "#medications")


# --- a whole patient into the clinic -----------------------------------------------------------

PATIENT_SESSION_KEY = "fhir_patient_import"


def _kept_patient(request: AuthenticatedRequest) -> dict[str, Any] | None:
    kept = request.session.get(PATIENT_SESSION_KEY)
    clinic_id = clinician_of(request).clinic_id
    return kept if isinstance(kept, dict) and kept.get("clinic") == clinic_id else None


@clinician_required
@require_http_methods(["GET", "POST"])
def clinic_patient_import(request: AuthenticatedRequest) -> HttpResponse:
    """The upload of one patient's Bundle from LDN Journal: a readable one is planned against
    the clinic and its preview shown."""
    clinician = clinician_of(request)
    form = PatientBundleForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_patient_import(form.read, patient_import_context(clinician.clinic))
        except BundleProblem as problem:
            form.add_error("bundle", str(problem.reason))
        else:
            request.session[PATIENT_SESSION_KEY] = {
                "clinic": clinician.clinic_id,
                "token": secrets.token_urlsafe(24),
                "file": form.cleaned_data["bundle"].name[:200],
                "plan": patient_plan_state(plan),
            }
            return redirect("clinic_patient_import_preview")
    context = {
        "form": form,
        "max_megabytes": BUNDLE_MAX_BYTES // (1024 * 1024),
        "max_entries": BUNDLE_MAX_ENTRIES,
    }
    return render(
        request, "journal/review/fhir_patient_import.html", context, status=400 if form.errors else 200
    )


@clinician_required
@require_http_methods(["GET", "POST"])
def clinic_patient_import_preview(request: AuthenticatedRequest) -> HttpResponse:
    """What the confirmation adds (GET), and the confirmation itself (POST): a new patient,
    cared for by the clinician who confirms."""
    kept = _kept_patient(request)
    if kept is None:
        messages.info(request, _("Choose a Bundle to import first."))
        return redirect("clinic_patient_import")
    plan = patient_plan_from_state(kept["plan"])
    form = FhirImportConfirmForm(request.POST or None, initial={"token": kept["token"]})
    if request.method == "POST":
        if not form.is_valid() or not secrets.compare_digest(form.cleaned_data["token"], kept["token"]):
            messages.error(request, _("That preview is no longer current: check the preview below."))
            return redirect("clinic_patient_import_preview")
        try:
            patient = patient_import(clinician=clinician_of(request), plan=plan)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("clinic_patient_import_preview")
        del request.session[PATIENT_SESSION_KEY]
        if patient is None:
            messages.warning(
                request,
                _("A patient with the record code %(code)s is in the clinic already: nothing was added.")
                % {"code": plan.label},
            )
            return redirect("roster")
        messages.success(request, _("Imported. Invite the patient to sign in from their page."))
        return redirect("patient_detail", pk=patient.pk)
    forms_words = dict(PlanForm.choices)
    context = {
        "plan": plan,
        "plans": [(forms_words.get(row.form, row.form), row) for row in plan.plans],
        "skipped": plan.record.skipped_by_reason(),
        "file_name": kept["file"],
        "form": form,
    }
    return render(request, "journal/review/fhir_patient_import_preview.html", context)
