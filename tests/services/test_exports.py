"""journal.services.exports: a clinic export job is asked for with its audit row and task, written
by the worker, complete or not offered at all (a writer failing midway, a worker killed with
kill -9), started over cleanly when run again, and its file deleted when it expires."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from journal.models import AuditEvent, ExportJob, ExportState
from journal.services import exports as export_services
from journal.services.exports import export_files_expire, export_job_request, export_job_run, export_path
from tests.factories import make_entry

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def ask(clinician, patients, first=TODAY - dt.timedelta(days=6), last=TODAY) -> ExportJob:
    return export_job_request(
        clinician=clinician,
        patient_ids=[p.pk for p in patients],
        first=first,
        last=last,
        byte_order_mark=False,
    )


def offered(client, job: ExportJob) -> bool:
    """Whether the job's page offers a file, and its download hands one out."""
    page = client.get(reverse("clinic_export_job", args=[job.pk])).content.decode()
    download = client.get(reverse("clinic_export_download", args=[job.pk]))
    return "Download CSV" in page or download.status_code == 200


def test_asking_records_the_job_its_audit_row_and_its_task(ada, alice, bob):
    job = ask(ada, [alice, bob])
    assert (job.state, job.scope, job.patient_ids, job.requested_by) == (
        ExportState.QUEUED,
        "clinic",
        sorted([alice.pk, bob.pk]),
        ada.user,
    )
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert event.details["job"] == job.pk
    assert event.summary == "CSV of 2 patients (clinic), 2026-11-15 to 2026-11-21"
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.args_kwargs["args"]) == ("journal.tasks.run_export_job", [job.pk])


def test_a_job_writes_its_file_and_records_rows_size_and_checksum(carol, alice):
    make_entry(alice, TODAY, notes="fine")
    job = ask(carol, [alice])
    assert job.scope == "my patients"
    assert export_job_run(job_id=job.pk) == ExportState.DONE
    job.refresh_from_db()
    data = export_path(job).read_bytes()
    assert (job.state, job.rows, job.size) == (ExportState.DONE, 7, len(data))
    assert job.sha256 == hashlib.sha256(data).hexdigest()
    assert data.count(b"\r\n") == 8 and b",fine," in data
    assert (job.finished_at, job.expires_at) == (NOW, NOW + dt.timedelta(hours=24))
    assert list(export_path(job).parent.iterdir()) == [export_path(job)]  # no temporary file left
    assert export_job_run(job_id=job.pk) is None  # a second run of a finished job does nothing


def test_a_writer_failing_midway_leaves_no_file_and_the_job_failed(client, carol, alice, monkeypatch):
    make_entry(alice, TODAY)
    job = ask(carol, [alice])

    def breaks_midway(*args, **kwargs):
        out = args[3]
        out.write(b"patient_code,date\r\n")
        raise OSError("No space left on device")

    monkeypatch.setattr(export_services, "export_write", breaks_midway)
    assert export_job_run(job_id=job.pk) == ExportState.FAILED
    job.refresh_from_db()
    assert (job.state, job.rows, job.sha256) == (ExportState.FAILED, None, "")
    assert job.error == "OSError: No space left on device"
    assert not any(export_path(job).parent.iterdir())
    client.force_login(carol.user)
    assert not offered(client, job)
    assert "could not be made" in client.get(reverse("clinic_export_job", args=[job.pk])).content.decode()


class Killed(BaseException):
    """What kill -9 does to a run, as far as the database and the folder can tell: it stops
    wherever it is, and nothing after that runs."""


@pytest.mark.parametrize("where", ["while writing", "after the figures, before the rename"])
def test_a_run_killed_anywhere_is_not_offered_and_its_rerun_starts_over(
    client, carol, alice, monkeypatch, where
):
    make_entry(alice, TODAY, notes="fine")
    job = ask(carol, [alice])

    def killed_while_writing(patients, first, last, out, **kwargs):
        out.write(b"RLC-1,2026-11-15,cut off her")
        raise Killed

    def killed_before_rename(partial, final):
        raise Killed

    if where == "while writing":
        monkeypatch.setattr(export_services, "export_write", killed_while_writing)
    else:
        monkeypatch.setattr(export_services.os, "replace", killed_before_rename)
    with pytest.raises(Killed):
        export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == ExportState.RUNNING
    assert not export_path(job).exists()
    client.force_login(carol.user)
    assert not offered(client, job)
    assert "Being prepared" in client.get(reverse("clinic_export_job", args=[job.pk])).content.decode()

    monkeypatch.undo()
    assert export_job_run(job_id=job.pk) == ExportState.DONE  # the requeued task runs again
    job.refresh_from_db()
    data = export_path(job).read_bytes()
    assert (job.rows, job.sha256) == (7, hashlib.sha256(data).hexdigest())
    assert b"cut off" not in data
    assert list(export_path(job).parent.iterdir()) == [export_path(job)]
    assert offered(client, job)


def test_expired_files_are_deleted_and_their_jobs_say_so(client, carol, alice):
    job = ask(carol, [alice])
    export_job_run(job_id=job.pk)
    assert export_files_expire(now=NOW + dt.timedelta(hours=23)) == 0
    assert export_path(job).exists()
    assert export_files_expire(now=NOW + dt.timedelta(hours=24)) == 1
    job.refresh_from_db()
    assert job.state == ExportState.EXPIRED
    assert not export_path(job).exists()
    client.force_login(carol.user)
    assert not offered(client, job)
    page = client.get(reverse("clinic_export_job", args=[job.pk])).content.decode()
    assert "This file was deleted after the time exports are kept" in page


# --- kill -9 on a real worker --------------------------------------------------------------------

BUILD = """
import datetime as dt
from journal.models import Clinician, Patient
from journal.services.exports import export_job_request
from benchmarks.data import add_patients
from tests.factories import make_clinic, make_clinician
clinic = make_clinic("Kill drill")
admin = make_clinician(clinic, "kill-admin", admin=True)
last = dt.date(2026, 11, 20)
add_patients(clinic, admin, patients=100, days=365, last_day=last)
ids = list(Patient.objects.values_list("pk", flat=True))
export_job_request(clinician=admin, patient_ids=ids, first=last - dt.timedelta(days=364), last=last,
                   byte_order_mark=False)
"""
# Ten minutes go by (the task and the dead worker's heartbeat grow that old), then the next
# worker's heartbeat puts the task back in the queue.
REQUEUE = """
import datetime as dt
from django.db.models import F
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from journal.models import WorkerHeartbeat
from journal.services.operations import ORPHANED_AFTER, orphaned_tasks_requeue
later = ORPHANED_AFTER + dt.timedelta(seconds=1)
DBTaskResult.objects.update(started_at=F("started_at") - later)
WorkerHeartbeat.objects.update(seen_at=F("seen_at") - later)
print(orphaned_tasks_requeue(now=timezone.now()))
"""


def test_a_worker_killed_mid_export_leaves_nothing_offered_and_the_next_worker_redoes_it(tmp_path):
    """A real worker process, killed with SIGKILL while it writes a year of 100 patients, on a
    database of its own (a SQLite file): the job is not done and no file has its final name;
    the next worker puts the task back in the queue and writes the whole file."""
    database = tmp_path / "kill.sqlite3"
    exports = tmp_path / "exports"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "EXPORT_ROOT": str(exports),
    }

    def manage(*arguments: str) -> str:
        command = [sys.executable, "manage.py", *arguments]
        return subprocess.run(
            command, cwd=ROOT, env=environment, check=True, capture_output=True, text=True
        ).stdout

    def job_row() -> tuple:
        with sqlite3.connect(database) as connection:
            return connection.execute("SELECT id, state, rows, sha256 FROM journal_exportjob").fetchone()

    manage("migrate", "--no-input")
    manage("shell", "-c", BUILD)
    job_id = job_row()[0]
    partial, final = exports / f"export-{job_id}.csv.part", exports / f"export-{job_id}.csv"
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", "0.1"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not (partial.exists() and partial.stat().st_size > 0) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert job_row()[1] == "running", "the export finished before it could be killed: make it larger"
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.kill()
        worker.wait()

    job_id, state, rows, sha256 = job_row()
    assert (state, rows, sha256) == ("running", None, "")
    assert partial.stat().st_size > 0 and not final.exists()

    assert manage("shell", "--no-imports", "-c", REQUEUE).strip() == "1"
    manage("worker", "--batch")
    job_id, state, rows, sha256 = job_row()
    data = final.read_bytes()
    assert (state, rows) == ("done", 100 * 365)
    assert sha256 == hashlib.sha256(data).hexdigest()
    assert data.count(b"\r\n") == 100 * 365 + 1
    assert not partial.exists()
