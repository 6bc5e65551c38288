"""Clinic exports as background jobs: asked for in a request, written by the worker.

A clinic's export can be far too large for one request (a year of 2,000 patients is 730,000
rows), so the request only records the job, with its audit row, and queues its task; the
worker writes the file. The file is complete or it is not offered:
- it is written under a temporary name, flushed to disk, counted and hashed as it goes;
- its row count, size and SHA-256 are recorded, and only then does it take its final name
  (an atomic rename), and only then is the job `done`;
- a job whose worker died (kill -9, a machine gone) is put back in the queue by the next
  worker (`journal.services.operations.orphaned_tasks_requeue`); its run starts over from
  nothing, removing what the dead run left.
Files are deleted once they expire (`settings.EXPORT_KEEP_HOURS`), by the worker's housekeeping."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from journal.models import AuditEvent, Clinician, ExportFormat, ExportJob, ExportState, Patient
from journal.selectors.exports import export_write
from journal.selectors.fhir import ndjson_write
from journal.services.audit import record_audit

logger = logging.getLogger(__name__)


def export_path(job: ExportJob) -> Path:
    return Path(settings.EXPORT_ROOT) / job.file_name


def _partial_path(job: ExportJob) -> Path:
    return Path(settings.EXPORT_ROOT) / f"{job.file_name}.part"


def export_job_request(
    *,
    clinician: Clinician,
    patient_ids: list[int],
    first: dt.date,
    last: dt.date,
    byte_order_mark: bool,
    format: str = ExportFormat.CSV,
) -> ExportJob:
    """Queue the CSV of `patient_ids` (the clinician's patients, or the whole clinic for its
    admin) from `first` to `last`, or their whole records as FHIR NDJSON, with its audit row,
    in one transaction."""
    scope = "clinic" if clinician.is_clinic_admin else "my patients"
    count = len(patient_ids)
    what = "FHIR NDJSON" if format == ExportFormat.NDJSON else "CSV"
    with transaction.atomic():
        job = ExportJob(
            clinic=clinician.clinic,
            requested_by=clinician.user,
            scope=scope,
            label=clinician.clinic.name,
            patient_ids=sorted(patient_ids),
            start=first,
            end=last,
            byte_order_mark=byte_order_mark,
            format=format,
        )
        job.full_clean()
        job.save()
        record_audit(
            patient=None,
            clinic=clinician.clinic,
            actor=clinician.user,
            kind=AuditEvent.Kind.EXPORT,
            summary=(
                f"{what} of {count} patient{'' if count == 1 else 's'} ({scope}), "
                f"{first.isoformat()} to {last.isoformat()}"
            ),
            details={
                "by": "clinician",
                "scope": scope,
                "format": job.format,
                "start": first.isoformat(),
                "end": last.isoformat(),
                "patients": count,
                "job": job.pk,
            },
        )
        from journal.tasks import run_export_job  # journal.tasks calls this module: imported when used

        run_export_job.enqueue(job.pk)
    return job


def export_job_run(*, job_id: int) -> ExportState | None:
    """Write job `job_id`'s file (the worker's task); returns the job's new state, or None when
    it was no longer waiting. A run after a dead worker's starts over: nothing of the earlier
    run is kept or offered."""
    job = ExportJob.objects.filter(pk=job_id, state__in=(ExportState.QUEUED, ExportState.RUNNING)).first()
    if job is None:
        return None
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportState.RUNNING, rows=None, size=None, sha256="", error="", finished_at=None
    )
    _remove_files(job)
    Path(settings.EXPORT_ROOT).mkdir(parents=True, exist_ok=True)
    partial = _partial_path(job)
    try:
        with partial.open("wb") as out:
            if job.format == ExportFormat.NDJSON:
                written = ndjson_write(job.clinic, job.patient_ids, out)
            else:
                written = export_write(
                    Patient.objects.filter(pk__in=job.patient_ids),
                    job.start,
                    job.end,
                    out,
                    byte_order_mark=job.byte_order_mark,
                )
            out.flush()
            os.fsync(out.fileno())
        ExportJob.objects.filter(pk=job.pk).update(
            rows=written.rows,
            size=written.size,
            sha256=written.sha256,
            names_patients=job.format == ExportFormat.NDJSON and job.clinic.fhir_names_patients,
        )
        os.replace(partial, export_path(job))  # the final name only once its figures are recorded
    except Exception as error:  # whatever went wrong, the job says so and leaves no file
        logger.exception("Export %s failed.", job.pk)
        _remove_files(job)
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportState.FAILED,
            error=f"{type(error).__name__}: {error}"[:200],
            finished_at=timezone.now(),
        )
        return ExportState.FAILED
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportState.DONE,
        finished_at=now,
        expires_at=now + dt.timedelta(hours=settings.EXPORT_KEEP_HOURS),
    )
    return ExportState.DONE


def _remove_files(job: ExportJob) -> None:
    for path in (_partial_path(job), export_path(job)):
        path.unlink(missing_ok=True)


def export_files_expire(*, now: dt.datetime) -> int:
    """Delete the files of jobs past their `expires_at`; the jobs say they expired. Returns how
    many."""
    expired = list(ExportJob.objects.filter(state=ExportState.DONE, expires_at__lte=now))
    ExportJob.objects.filter(pk__in=[job.pk for job in expired]).update(state=ExportState.EXPIRED)
    for job in expired:  # after the jobs say so: a download never finds a `done` job without its file
        _remove_files(job)
    return len(expired)
