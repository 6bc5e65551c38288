"""What the app's operations write: the background worker's heartbeat, the queue's repair
when a worker died in the middle of a task, and the housekeeping the worker does every hour."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from journal.bounds import SUPPLY_COUNT_MAX_DAYS
from journal.models import LoginSession, ReminderOccasion, WorkerHeartbeat

FORGET_WORKERS_AFTER = dt.timedelta(days=1)


def worker_heartbeat(*, worker_id: str, started_at: dt.datetime) -> None:
    """Worker `worker_id` is looking for work now. Workers silent for a day are forgotten."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"seen_at": now},
        create_defaults={"seen_at": now, "started_at": started_at},
    )
    WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_WORKERS_AFTER).delete()


def journal_statistics_refresh() -> None:
    """After a journal is written in bulk in one transaction (the demo clinic, a benchmark's
    clinics), tell PostgreSQL's planner how big the journal's tables now are. Autovacuum never
    sees rows before their transaction commits, and a test's never does: the planner would take
    the tables for empty ones and join them by scanning each in full per row, seconds per
    patient where analysed tables take milliseconds. SQLite plans without these statistics."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE journal_dailyentry, journal_symptomscore, journal_sideeffectreport")


# A task still RUNNING this long after it started, whose worker has not been seen for as long,
# lost its worker (kill -9, a machine gone). Far longer than any task runs, and than the
# worker's 10-second heartbeat, so a live worker's task is never taken from it.
ORPHANED_AFTER = dt.timedelta(minutes=10)


def orphaned_tasks_requeue(*, now: dt.datetime) -> int:
    """Put back in the queue every task whose worker died while running it, so it runs again
    (a task may then run twice: each of ours checks its own state first, as `mail_attempt`
    does). Returns how many were put back."""
    silent_since = now - ORPHANED_AFTER
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gte=silent_since).values_list("worker_id", flat=True))
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=silent_since)
    orphans = [task.pk for task in running.only("pk", "worker_ids") if not set(task.worker_ids[-1:]) & alive]
    return DBTaskResult.objects.filter(pk__in=orphans, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, run_after=now
    )


# Finished task rows are kept this long, to look into a failure; then they go.
KEEP_FINISHED_TASKS = dt.timedelta(days=14)


# A sent reminder's row (which keeps it from going twice) is kept longer than the oldest supply
# count a patient may enter, so a refill reminder never goes twice for one count.
KEEP_REMINDERS = dt.timedelta(days=SUPPLY_COUNT_MAX_DAYS + 35)


def housekeeping(*, now: dt.datetime) -> dict[str, int]:
    """Delete expired sessions, finished task rows older than `KEEP_FINISHED_TASKS` and sent
    reminders' rows older than `KEEP_REMINDERS`: what `clearsessions` and
    `prune_db_task_results` would do from cron, done by the worker instead. Returns how many
    rows of each went (the reminders' pushes go with them)."""
    sessions, _ = LoginSession.objects.filter(expire_date__lt=now).delete()
    tasks, _ = DBTaskResult.objects.finished().filter(finished_at__lt=now - KEEP_FINISHED_TASKS).delete()
    _, by_model = ReminderOccasion.objects.filter(created_at__lt=now - KEEP_REMINDERS).delete()
    reminders = by_model.get(ReminderOccasion._meta.label, 0)
    return {"sessions": sessions, "tasks": tasks, "reminders": reminders}
