"""The patient's own chart: doses, symptoms and side effects on one time axis."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from journal.access import own_patient, patient_required
from journal.selectors import patient_overview


@patient_required
def my_chart(request: HttpRequest) -> HttpResponse:
    patient = own_patient(request)
    context = {"patient": patient, "overview": patient_overview(patient)}
    return render(request, "journal/charts/my_chart.html", context)
