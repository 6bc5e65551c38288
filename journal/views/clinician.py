"""The clinician's pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from journal.access import clinician_of, clinician_required, patient_for, visible_patients
from journal.selectors import patient_overview, pauses_for, roster_rows, schedules_for
from journal.titration import first_dose_date, next_step_after, prescribed_on


@clinician_required
def roster(request: HttpRequest) -> HttpResponse:
    clinician = clinician_of(request)
    patients = visible_patients(request.user)
    whole_clinic = clinician.is_clinic_admin and request.GET.get("scope") != "mine"
    if not whole_clinic:
        patients = patients.filter(clinicians=clinician)
    context = {
        "clinician": clinician,
        "rows": roster_rows(patients),
        "whole_clinic": whole_clinic,
    }
    return render(request, "journal/roster.html", context)


@clinician_required
def patient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The clinician's page for one patient. Each section adds its own context."""
    patient = patient_for(request, pk)
    day = patient.local_today()
    schedule = schedules_for([patient.pk]).get(patient.pk, [])
    first_dose = first_dose_date(schedule)
    context = {
        "patient": patient,
        "day": day,
        "current": prescribed_on(schedule, day, pauses_for([patient.pk]).get(patient.pk, [])),
        "next_step": next_step_after(schedule, day),
        "first_dose": first_dose,
        "day_on_ldn": (day - first_dose).days + 1 if first_dose and day >= first_dose else None,
        "conditions": list(patient.conditions.all()),
        "symptoms": list(patient.tracked_symptoms.all()),
        "medications": list(patient.medications.all()),
        "overview": patient_overview(patient),
    }
    return render(request, "journal/clinician/patient.html", context)
