"""journal.services.operations: the worker's heartbeat, tasks whose worker died, and the hourly
housekeeping."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from journal.models import LoginSession, WorkerHeartbeat
from journal.services.mail import mail_queue
from journal.services.operations import (
    KEEP_FINISHED_TASKS,
    ORPHANED_AFTER,
    housekeeping,
    journal_statistics_refresh,
    orphaned_tasks_requeue,
    worker_heartbeat,
)
from tests.factories import log_days

NOW = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def test_worker_heartbeat_records_when_the_worker_was_last_seen(db):
    started = NOW - dt.timedelta(hours=1)
    worker_heartbeat(worker_id="w1", started_at=started)
    with time_machine.travel(NOW + dt.timedelta(seconds=10), tick=False):
        worker_heartbeat(worker_id="w1", started_at=started)
    beat = WorkerHeartbeat.objects.get()
    assert (beat.worker_id, beat.started_at, beat.seen_at) == ("w1", started, NOW + dt.timedelta(seconds=10))


def test_a_worker_silent_for_a_day_is_forgotten(db):
    worker_heartbeat(worker_id="gone", started_at=NOW)
    with time_machine.travel(NOW + dt.timedelta(days=1, seconds=1), tick=False):
        worker_heartbeat(worker_id="w2", started_at=NOW)
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["w2"]


def _running_task(*, worker_id: str, started_at: dt.datetime) -> DBTaskResult:
    mail = mail_queue(to="nora@example.org", subject="Hello", body="Hello Nora")
    task = DBTaskResult.objects.get(args_kwargs__args=[mail.pk])
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING, started_at=started_at, worker_ids=[worker_id]
    )
    return task


def test_a_task_whose_worker_died_is_queued_again(db):
    worker_heartbeat(worker_id="dead", started_at=NOW - dt.timedelta(hours=1))
    with time_machine.travel(NOW + ORPHANED_AFTER + dt.timedelta(seconds=1), tick=False):
        orphan = _running_task(worker_id="dead", started_at=NOW)
        assert orphaned_tasks_requeue(now=timezone.now()) == 1
    orphan.refresh_from_db()
    assert (orphan.status, orphan.run_after) == (
        TaskResultStatus.READY,
        NOW + ORPHANED_AFTER + dt.timedelta(seconds=1),
    )


@pytest.mark.parametrize(
    ("seen_ago", "running_for"),
    [
        (dt.timedelta(seconds=10), ORPHANED_AFTER + dt.timedelta(minutes=1)),  # a live worker's long task
        (ORPHANED_AFTER + dt.timedelta(minutes=1), dt.timedelta(minutes=1)),  # only just started
    ],
)
def test_a_task_is_left_to_its_worker_while_either_may_be_alive(db, seen_ago, running_for):
    worker_heartbeat(worker_id="w1", started_at=NOW - dt.timedelta(hours=1))
    with time_machine.travel(NOW + seen_ago, tick=False):
        task = _running_task(worker_id="w1", started_at=NOW + seen_ago - running_for)
        assert orphaned_tasks_requeue(now=timezone.now()) == 0
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


def _finished_task(finished_at: dt.datetime) -> DBTaskResult:
    mail = mail_queue(to="nora@example.org", subject="Hello", body="Hello Nora")
    task = DBTaskResult.objects.get(args_kwargs__args=[mail.pk])
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=finished_at
    )
    return task


def test_housekeeping_deletes_expired_sessions_and_old_finished_tasks_only(db):
    LoginSession.objects.create(
        session_key="expired", session_data="", expire_date=NOW - dt.timedelta(seconds=1)
    )
    LoginSession.objects.create(session_key="valid", session_data="", expire_date=NOW + dt.timedelta(days=1))
    old = _finished_task(NOW - KEEP_FINISHED_TASKS - dt.timedelta(seconds=1))
    recent = _finished_task(NOW - KEEP_FINISHED_TASKS + dt.timedelta(hours=1))
    waiting = mail_queue(to="olga@example.org", subject="Hello", body="Hello Olga")

    assert housekeeping(now=NOW) == {"sessions": 1, "tasks": 1, "reminders": 0}
    assert list(LoginSession.objects.values_list("session_key", flat=True)) == ["valid"]
    remaining = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert old.pk not in remaining
    assert recent.pk in remaining
    assert DBTaskResult.objects.filter(args_kwargs__args=[waiting.pk]).exists()


def test_housekeeping_deletes_sent_reminders_older_than_the_oldest_supply_count(alice):
    from journal.models import ReminderOccasion
    from journal.services.operations import KEEP_REMINDERS

    def sent(at: dt.datetime) -> ReminderOccasion:
        return ReminderOccasion.objects.create(
            patient=alice, kind="refill", day=at.date(), due_at=at, text="t", claimed_by="x", created_at=at
        )

    sent(NOW - KEEP_REMINDERS - dt.timedelta(seconds=1))
    kept = sent(NOW - KEEP_REMINDERS + dt.timedelta(days=1))
    assert housekeeping(now=NOW)["reminders"] == 1
    assert list(ReminderOccasion.objects.all()) == [kept]


def planned_entries(patient) -> float:
    """How many of the patient's entries PostgreSQL's planner expects a query to find."""
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (FORMAT JSON) SELECT id FROM journal_dailyentry WHERE patient_id = %s", [patient.pk]
        )
        (plan,) = cursor.fetchone()
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"]


def test_after_a_bulk_write_the_planner_knows_how_big_a_journal_is(postgres, alice, bob):
    log_days(alice, dt.date(2025, 3, 1), dt.date(2026, 2, 28))
    log_days(bob, dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    journal_statistics_refresh()
    assert 300 <= planned_entries(alice) <= 400  # 365 entries
