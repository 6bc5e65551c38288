"""The clinician's pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from journal.access import clinician_of, clinician_required, visible_patients
from journal.selectors import roster_rows


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
