"""The patient's own pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from journal.access import own_patient, patient_required
from journal.selectors import pauses_for, schedules_for
from journal.titration import first_dose_date, next_step_after, prescribed_on


@patient_required
def today(request: HttpRequest) -> HttpResponse:
    patient = own_patient(request)
    day = patient.local_today()
    schedule = schedules_for([patient.pk]).get(patient.pk, [])
    pauses = pauses_for([patient.pk]).get(patient.pk, [])
    first_dose = first_dose_date(schedule)
    context = {
        "patient": patient,
        "day": day,
        "current": prescribed_on(schedule, day, pauses),
        "next_step": next_step_after(schedule, day),
        "in_baseline": first_dose is None or day < first_dose,
        "first_dose": first_dose,
        "entry": patient.entries.filter(entry_date=day).first(),
    }
    return render(request, "journal/today.html", context)
