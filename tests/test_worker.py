"""`manage.py worker`: runs the queued tasks, looks again every interval, and records its
heartbeat while it waits and before each task. A worker that runs tasks closes a database
connection left inside a transaction (as Django does between requests): those tests commit
for real (transactional_db)."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

import journal.management.commands.worker as worker_command
from journal.management.commands.worker import HeartbeatWorker
from journal.models import MailStatus, OutgoingMail, RosterSnapshot, WorkerHeartbeat
from journal.services.mail import mail_queue


def _queue() -> OutgoingMail:
    return mail_queue(to="nora@example.org", subject="Hello", body="Hello Nora")


def test_batch_runs_the_due_tasks_records_the_heartbeat_and_exits(transactional_db):
    queued = _queue()
    call_command("worker", "--batch", stdout=io.StringIO())
    queued.refresh_from_db()
    assert queued.status == MailStatus.SENT
    assert len(mail.outbox) == 1
    assert WorkerHeartbeat.objects.count() == 1


def test_the_worker_looks_for_work_every_interval_until_stopped(transactional_db, monkeypatch):
    worker = HeartbeatWorker(interval=0.5, once=False)
    naps = []

    def sleep(seconds):
        naps.append(seconds)
        if len(naps) == 1:
            _queue()  # work arrives while the worker waits
        else:
            worker.running = False  # what Ctrl-C or SIGTERM does

    monkeypatch.setattr(worker_command.time, "sleep", sleep)
    worker.run()
    assert naps == [0.5, 0.5]
    assert len(mail.outbox) == 1
    assert WorkerHeartbeat.objects.get().worker_id == worker.worker_id


def test_the_heartbeat_is_written_at_most_every_ten_seconds(db, monkeypatch):
    worker = HeartbeatWorker(interval=1, once=False)
    writes = []
    monkeypatch.setattr(worker_command, "worker_heartbeat", lambda **kwargs: writes.append(kwargs))
    worker.beat()
    worker.beat()  # too soon
    assert len(writes) == 1
    worker.last_beat = time.monotonic() - worker_command.HEARTBEAT_EVERY
    worker.beat()
    assert len(writes) == 2


def test_the_heartbeat_queues_a_clinics_outcomes_again_after_its_midnight(carol, monkeypatch):
    from journal.models import ExportState, OutcomeReport
    from journal.selectors.outcomes import CohortFilter
    from journal.services.outcomes import outcome_report_request, outcome_report_run

    report = outcome_report_request(clinician=carol, chosen=CohortFilter())
    outcome_report_run(report_id=report.pk)
    OutcomeReport.objects.filter(pk=report.pk).update(computed_at=timezone.now() - dt.timedelta(days=1))
    HeartbeatWorker(interval=1, once=False).beat()
    renewed = OutcomeReport.objects.filter(clinic=carol.clinic).first()
    assert renewed.pk != report.pk and renewed.state == ExportState.QUEUED


def test_housekeeping_runs_when_the_worker_starts_then_hourly(db, monkeypatch):
    worker = HeartbeatWorker(interval=1, once=False)
    runs = []
    monkeypatch.setattr(worker_command, "housekeeping", lambda **kwargs: runs.append(kwargs))
    worker.beat()
    worker.last_beat = time.monotonic() - worker_command.HEARTBEAT_EVERY
    worker.beat()  # a heartbeat, but not yet an hour
    assert len(runs) == 1
    worker.last_housekeeping = time.monotonic() - worker_command.HOUSEKEEPING_EVERY
    worker.beat()
    assert len(runs) == 2


@pytest.mark.parametrize("option", ["--interval=-1", "--interval=nan"])
def test_a_bad_interval_is_refused(option):
    with pytest.raises(Exception, match="interval"):
        call_command("worker", option)


def test_the_heartbeat_refreshes_the_roster_rows_of_a_new_local_day(transactional_db, alice):
    """After the patient's midnight the stored roster row is computed again by the worker."""
    call_command("worker", "--batch", stdout=io.StringIO())
    row = RosterSnapshot.objects.get(patient=alice)  # a row without one is computed too
    RosterSnapshot.objects.filter(pk=row.pk).update(
        computed_for=row.computed_for - dt.timedelta(days=1), fresh_until=timezone.now()
    )
    call_command("worker", "--batch", stdout=io.StringIO())
    row.refresh_from_db()
    assert row.computed_for == alice.local_today()
    assert row.fresh_until > timezone.now()
