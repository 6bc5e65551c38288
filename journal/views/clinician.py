"""The clinician's pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from journal.access import clinician_of, clinician_required, patient_for, visible_patients
from journal.selectors import (
    ROSTER_SORTS,
    patient_overview,
    pauses_for,
    recent_entries,
    roster_rows,
    schedules_for,
    sorted_roster,
)
from journal.titration import PHASES, first_dose_date, next_step_after, prescribed_on
from journal.views.plans import patient_page_sections


@clinician_required
def roster(request: HttpRequest) -> HttpResponse:
    clinician = clinician_of(request)
    patients = visible_patients(request.user)
    whole_clinic = clinician.is_clinic_admin and request.GET.get("scope") != "mine"
    if not whole_clinic:
        patients = patients.filter(clinicians=clinician)
    sort = request.GET.get("sort") if request.GET.get("sort") in ROSTER_SORTS else "name"
    descending = request.GET.get("dir") == "desc"
    phase_is = request.GET.get("phase") if request.GET.get("phase") in PHASES else ""
    flagged = request.GET.get("flagged") == "1"
    rows = sorted_roster(roster_rows(patients), sort=sort, descending=descending, phase_is=phase_is,
                         flagged=flagged)
    context = {
        "clinician": clinician,
        "rows": rows,
        "order_summary": _order_summary(len(rows), sort, descending, phase_is, flagged),
        "whole_clinic": whole_clinic,
        "query": request.GET.urlencode(),
        "sort_links": _sort_links(request, sort, descending),
        "attention_url": _attention_url(request),
        "phases": PHASES,
        "phase_is": phase_is,
        "flagged": flagged,
    }
    template = "journal/roster.html#roster-results" if request.htmx else "journal/roster.html"
    return render(request, template, context)


ROSTER_COLUMNS = (
    ("name", "Patient"), ("response", "Main symptom"), ("advice", "Advice"), ("new", "New since review"),
    ("dose", "Dose today"), ("day", "Day on LDN"), ("phase", "Phase"),
    ("last_entry", "Last entry"), ("adherence", "Taken, 14 days"), ("flags", "Safety flags"),
)


# Counts of what needs a look: the first click puts the most at the top.
DESCENDING_FIRST = {"advice", "new"}


def _sort_links(request: HttpRequest, sort: str, descending: bool) -> list[dict]:
    """One header link per column: the current filters kept, the direction flipped on the
    column already sorted by."""
    links = []
    for key, label in ROSTER_COLUMNS:
        query = request.GET.copy()
        query["sort"] = key
        first = "desc" if key in DESCENDING_FIRST else "asc"
        query["dir"] = ("asc" if descending else "desc") if key == sort else first
        current = "descending" if descending else "ascending"
        links.append({"key": key, "label": label, "url": f"?{query.urlencode()}",
                      "aria_sort": current if key == sort else "none"})
    return links


def _order_summary(count: int, sort: str, descending: bool, phase_is: str, flagged: bool) -> str:
    """What the list shows, in one sentence: said again (a polite live region) whenever
    sorting or filtering changes it without a page load."""
    which = f"{count} patient{'s' if count != 1 else ''}"
    if phase_is:
        which += f" in {phase_is}"
    if flagged:
        which += " with safety flags"
    if sort == "attention":
        return f"{which}, who needs attention first."
    label = dict(ROSTER_COLUMNS)[sort]
    return f"{which}, sorted by {label}, {'descending' if descending else 'ascending'}."


def _attention_url(request: HttpRequest) -> str:
    query = request.GET.copy()
    query["sort"] = "attention"
    query.pop("dir", None)
    return f"?{query.urlencode()}"


@clinician_required
def patient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The clinician's page for one patient. Each section adds its own context."""
    patient = patient_for(request, pk)
    day = patient.local_today()
    schedule = schedules_for([patient.pk]).get(patient.pk, [])
    first_dose = first_dose_date(schedule)
    symptoms = list(patient.tracked_symptoms.all())
    context = {
        "patient": patient,
        "day": day,
        "current": prescribed_on(schedule, day, pauses_for([patient.pk]).get(patient.pk, [])),
        "next_step": next_step_after(schedule, day),
        "first_dose": first_dose,
        "day_on_ldn": (day - first_dose).days + 1 if first_dose and day >= first_dose else None,
        "conditions": list(patient.conditions.all()),
        "symptoms": symptoms,
        "medications": list(patient.medications.all()),
        "overview": patient_overview(patient),
        "recent_entries": recent_entries(patient, day, symptoms),
        **patient_page_sections(patient, day),
    }
    return render(request, "journal/clinician/patient.html", context)
