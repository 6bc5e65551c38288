"""Exports: CSV downloads for a patient, a clinic and the patient themself, the data
dictionary, and the printable appointment summary. Every export writes an audit row, and
a clinician's export a read of each patient in it to the access log."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Min, QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from journal.access import (
    AuthenticatedRequest,
    clinician_of,
    clinician_required,
    note_read,
    note_reads,
    own_patient,
    patient_for,
    patient_required,
    visible_patients,
)
from journal.bounds import SERIES_MAX_DAYS, record_window
from journal.exports import (
    columns_for,
    csv_lines,
    default_range,
    dictionary_lines,
    export_filename,
    print_figure,
)
from journal.forms.exports import ByteOrderMarkForm, ExportRangeForm
from journal.models import AccessEvent, AuditEvent, Clinic, Patient
from journal.selectors.exports import appointment_summary as summary_of
from journal.selectors.exports import export_days, export_symptoms, previous_export_on
from journal.views.common import csv_response


def _record_export(
    request: AuthenticatedRequest, *, clinic: Clinic, patient: Patient | None, summary: str, **details: object
) -> None:
    AuditEvent.objects.create(
        clinic=clinic,
        patient=patient,
        actor=request.user,
        kind=AuditEvent.Kind.EXPORT,
        summary=summary,
        details={"by": request.user.role, **details},
    )


def _range_csv(
    request: HttpRequest,
    *,
    patients: QuerySet[Patient],
    label: str,
    today: dt.date,
    previous: dt.date | None,
    context: dict,
    audit,
) -> HttpResponseBase:
    """The range form, or (once submitted and valid) the CSV of `patients` for the range."""
    first, last = default_range(today, previous)
    if "start" in request.GET:
        form = ExportRangeForm(request.GET, today=today)
    else:
        form = ExportRangeForm(initial={"start": first, "end": last}, today=today)
    if not form.is_bound or not form.is_valid():
        context = {**context, "form": form, "previous": previous, "max_days": SERIES_MAX_DAYS, "today": today}
        return render(request, "journal/exports/range.html", context)
    data = form.cleaned_data
    first, last = data["start"], data["end"]
    ids = list(patients.values_list("pk", flat=True))
    audit(first, last, ids)
    columns = columns_for(export_symptoms(ids))
    rows = export_days(patients, first, last)
    return csv_response(
        csv_lines(columns, rows), export_filename(label, first, last), byte_order_mark=data["byte_order_mark"]
    )


@require_GET
@clinician_required
def patient_csv(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    patient = patient_for(request, pk)
    today = patient.local_today()
    previous = previous_export_on(patient.audit_events.filter(details__by="clinician"), patient.zone, today)

    def audit(first: dt.date, last: dt.date, ids: list[int]) -> None:
        note_read(request, AccessEvent.What.PATIENT_CSV, patient)
        _record_export(
            request,
            clinic=patient.clinic,
            patient=patient,
            summary=f"CSV of {patient.export_label}, {first.isoformat()} to {last.isoformat()}",
            scope="patient",
            format="csv",
            start=first.isoformat(),
            end=last.isoformat(),
        )

    return _range_csv(
        request,
        patients=Patient.objects.filter(pk=patient.pk),
        label=patient.export_label,
        today=today,
        previous=previous,
        audit=audit,
        context={"patient": patient},
    )


@require_GET
@clinician_required
def clinic_csv(request: AuthenticatedRequest) -> HttpResponseBase:
    """A clinician exports their assigned patients; a clinic admin the whole clinic."""
    clinician = clinician_of(request)
    clinic = clinician.clinic
    patients = visible_patients(request.user)
    if not clinician.is_clinic_admin:
        patients = patients.filter(clinicians=clinician)
    zone = zoneinfo.ZoneInfo(clinic.time_zone)
    today = timezone.now().astimezone(zone).date()
    previous = previous_export_on(
        AuditEvent.objects.filter(clinic=clinic, patient=None, actor=request.user), zone, today
    )
    scope = "clinic" if clinician.is_clinic_admin else "my patients"

    def audit(first: dt.date, last: dt.date, ids: list[int]) -> None:
        note_reads(request, AccessEvent.What.CLINIC_CSV, clinic_id=clinic.pk, patient_ids=ids)
        count = len(ids)
        _record_export(
            request,
            clinic=clinic,
            patient=None,
            summary=(
                f"CSV of {count} patient{'' if count == 1 else 's'} ({scope}), "
                f"{first.isoformat()} to {last.isoformat()}"
            ),
            scope=scope,
            format="csv",
            start=first.isoformat(),
            end=last.isoformat(),
            patients=count,
        )

    return _range_csv(
        request,
        patients=patients,
        label=clinic.name,
        today=today,
        previous=previous,
        audit=audit,
        context={"clinic": clinic, "whole_clinic": clinician.is_clinic_admin},
    )


@require_GET
@patient_required
def own_csv(request: AuthenticatedRequest) -> HttpResponseBase:
    """Everything the patient has logged, from their first entry to today (an entry stored
    before their record's window is left out: see `journal.bounds.record_window`)."""
    patient = own_patient(request)
    today = patient.local_today()
    form = ByteOrderMarkForm(request.GET if "download" in request.GET else None)
    if not form.is_bound or not form.is_valid():
        return render(request, "journal/exports/own.html", {"patient": patient, "form": form})
    first = patient.entries.aggregate(first=Min("entry_date"))["first"] or today
    first, last = record_window(patient.opened_on, today).clamp(min(first, today)), today
    _record_export(
        request,
        clinic=patient.clinic,
        patient=patient,
        summary=f"The patient downloaded their own CSV, {first.isoformat()} to {last.isoformat()}",
        scope="own",
        format="csv",
        start=first.isoformat(),
        end=last.isoformat(),
    )
    columns = columns_for(export_symptoms([patient.pk]))
    rows = export_days(Patient.objects.filter(pk=patient.pk), first, last)
    return csv_response(
        csv_lines(columns, rows),
        export_filename(patient.export_label, first, last),
        byte_order_mark=form.cleaned_data["byte_order_mark"],
    )


def _dictionary_columns(request: AuthenticatedRequest):
    """The columns this user's exports can have: the symptoms of every patient they see."""
    if request.user.role not in ("clinician", "patient"):
        raise PermissionDenied("Clinicians and patients only.")
    ids = list(visible_patients(request.user).values_list("pk", flat=True))
    return columns_for(export_symptoms(ids))


@require_GET
@login_required
def data_dictionary(request: AuthenticatedRequest) -> HttpResponseBase:
    return render(request, "journal/exports/dictionary.html", {"columns": _dictionary_columns(request)})


@require_GET
@login_required
def data_dictionary_csv(request: AuthenticatedRequest) -> HttpResponseBase:
    """Small enough to send whole; it describes columns and holds no patient data."""
    text = "".join(dictionary_lines(_dictionary_columns(request)))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ldn-journal_data-dictionary.csv"'
    return response


@require_GET
@clinician_required
def appointment_summary(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """The printable one-page summary (two at most) for the appointment."""
    patient = patient_for(request, pk)
    note_read(request, AccessEvent.What.SUMMARY, patient)
    summary = summary_of(patient)
    _record_export(
        request,
        clinic=patient.clinic,
        patient=patient,
        summary=f"Appointment summary of {patient.export_label}",
        scope="patient",
        format="summary",
        start=summary.since.isoformat(),
        end=summary.today.isoformat(),
    )
    context = {"patient": patient, "summary": summary, "chart": print_figure(summary.overview.figure)}
    return render(request, "journal/exports/summary.html", context)
