"""Exports: CSV downloads for a patient, a clinic and the patient themself, the data
dictionary, and the printable appointment summary. Every export writes an audit row, and
a clinician's export a read of each patient in it to the access log."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Min, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

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
from journal.models import (
    AccessEvent,
    AuditEvent,
    Clinic,
    Clinician,
    ExportFormat,
    ExportJob,
    ExportState,
    Patient,
)
from journal.selectors.exports import appointment_summary as summary_of
from journal.selectors.exports import export_days, export_symptoms, previous_export_on
from journal.selectors.fhir import patient_bundle
from journal.services.exports import export_job_request, export_path
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


FHIR_JSON = "application/fhir+json"
FHIR_NDJSON = "application/fhir+ndjson"


@require_GET
@clinician_required
def patient_fhir(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """The patient's whole record as a FHIR R4 Bundle (README, "FHIR"), audited like the CSV."""
    patient = patient_for(request, pk)
    today = patient.local_today()
    bundle = patient_bundle(patient)
    note_read(request, AccessEvent.What.PATIENT_FHIR, patient)
    _record_export(
        request,
        clinic=patient.clinic,
        patient=patient,
        summary=f"FHIR Bundle of {patient.export_label}",
        scope="patient",
        format="fhir+json",
    )
    response = HttpResponse(
        json.dumps(bundle, ensure_ascii=False), content_type=f"{FHIR_JSON}; charset=utf-8"
    )
    filename = export_filename(patient.export_label, today, today, "fhir.json")
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "no-store"  # health data: no copies in shared caches
    return response


RECENT_JOBS = 10
JOB_REFRESH_SECONDS = 3  # how often the page of an export being written asks (htmx) whether it is ready


def _jobs_of(request: AuthenticatedRequest, clinician: Clinician) -> QuerySet[ExportJob]:
    """The export jobs this clinician may see: their own, and every one of the clinic for its admin."""
    jobs = ExportJob.objects.filter(clinic_id=clinician.clinic_id)
    return jobs if clinician.is_clinic_admin else jobs.filter(requested_by=request.user)


@require_http_methods(["GET", "POST"])
@clinician_required
def clinic_csv(request: AuthenticatedRequest) -> HttpResponseBase:
    """A clinician exports their assigned patients, a clinic admin the whole clinic: the range
    form, and once it is sent, a job the worker writes (too large for a request)."""
    clinician = clinician_of(request)
    clinic = clinician.clinic
    zone = zoneinfo.ZoneInfo(clinic.time_zone)
    today = timezone.now().astimezone(zone).date()
    previous = previous_export_on(
        AuditEvent.objects.filter(clinic=clinic, patient=None, actor=request.user), zone, today
    )
    if request.method == "POST":
        form = ExportRangeForm(request.POST, today=today)
        if form.is_valid():
            patients = visible_patients(request.user)
            if not clinician.is_clinic_admin:
                patients = patients.filter(clinicians=clinician)
            job = export_job_request(
                clinician=clinician,
                patient_ids=list(patients.values_list("pk", flat=True)),
                first=form.cleaned_data["start"],
                last=form.cleaned_data["end"],
                byte_order_mark=form.cleaned_data["byte_order_mark"],
            )
            return redirect("clinic_export_job", pk=job.pk)
    else:
        form = ExportRangeForm(
            initial={"start": default_range(today, previous)[0], "end": today}, today=today
        )
    context = {
        "clinic": clinic,
        "whole_clinic": clinician.is_clinic_admin,
        "form": form,
        "previous": previous,
        "max_days": SERIES_MAX_DAYS,
        "jobs": list(_jobs_of(request, clinician).select_related("requested_by")[:RECENT_JOBS]),
    }
    return render(request, "journal/exports/range.html", context)


@require_POST
@clinician_required
def clinic_fhir(request: AuthenticatedRequest) -> HttpResponseBase:
    """The FHIR NDJSON export of the clinician's patients (the whole clinic for its admin): their
    whole records, as a job the worker writes, like the clinic CSV."""
    clinician = clinician_of(request)
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(clinician.clinic.time_zone)).date()
    patients = visible_patients(request.user)
    if not clinician.is_clinic_admin:
        patients = patients.filter(clinicians=clinician)
    job = export_job_request(
        clinician=clinician,
        patient_ids=list(patients.values_list("pk", flat=True)),
        first=today,
        last=today,
        byte_order_mark=False,
        format=ExportFormat.NDJSON,
    )
    return redirect("clinic_export_job", pk=job.pk)


def _job_for(request: AuthenticatedRequest, pk: int) -> ExportJob:
    """Export job `pk` if this clinician asked for it, or admins its clinic; else 404."""
    job = _jobs_of(request, clinician_of(request)).filter(pk=pk).first()
    if job is None:
        raise Http404("No such export.")
    return job


@require_GET
@clinician_required
def clinic_export_job(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """Where a clinic export stands; while it is being written the page asks again (htmx) and
    its state changes in place, where a screen reader announces it."""
    job = _job_for(request, pk)
    context = {"job": job, "filename": _job_filename(job), "refresh_seconds": JOB_REFRESH_SECONDS}
    template = "journal/exports/job.html" + ("#job-state" if request.htmx else "")
    return render(request, template, context)


@require_GET
@clinician_required
def clinic_export_download(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """A finished export's file, to whoever may see its job; each download is audited, with a
    read of each patient in it."""
    job = _job_for(request, pk)
    try:
        file = export_path(job).open("rb") if job.state == ExportState.DONE else None
    except FileNotFoundError:  # expired a moment ago, between the job's row and its file
        file = None
    if file is None:
        return redirect("clinic_export_job", pk=job.pk)
    fhir = job.format == ExportFormat.NDJSON
    what = AccessEvent.What.CLINIC_FHIR if fhir else AccessEvent.What.CLINIC_CSV
    note_reads(request, what, clinic_id=job.clinic_id, patient_ids=job.patient_ids)
    _record_export(
        request,
        clinic=clinician_of(request).clinic,  # the job's clinic (`_job_for`), read with the login
        patient=None,
        summary=(
            f"Downloaded clinic {'FHIR NDJSON' if fhir else 'CSV'} {job.pk} "
            f"({job.rows} {'resources' if fhir else 'rows'}, SHA-256 {job.sha256[:12]}…)"
        ),
        scope=job.scope,
        format=job.format,
        start=job.start.isoformat(),
        end=job.end.isoformat(),
        patients=len(job.patient_ids),
        job=job.pk,
        download=True,
    )
    response = FileResponse(
        file,
        as_attachment=True,
        filename=_job_filename(job),
        content_type=f"{FHIR_NDJSON}; charset=utf-8" if fhir else "text/csv; charset=utf-8",
    )
    response["Cache-Control"] = "no-store"  # health data: no copies in shared caches
    return response


def _job_filename(job: ExportJob) -> str:
    if job.format == ExportFormat.NDJSON:
        return export_filename(job.label, job.start, job.end, "fhir.ndjson")
    return export_filename(job.label, job.start, job.end)


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
