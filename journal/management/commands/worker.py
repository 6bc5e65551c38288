"""`manage.py worker`: the background worker. It runs the tasks queued in the database
(django-tasks' database worker, `journal/tasks.py`: mail, clinic exports, clinic outcomes) and records when it
last looked for work, which the health endpoint reads; it deletes expired export files, and a
task left running by a worker that died (kill -9) is put back in the queue by the next
worker's heartbeat, which also refreshes the roster's rows of patients whose local day has
changed, recomputes each clinic's outcomes once a night and sends the reminders patients
chose (journal/services/reminders.py). Run one or more beside the app servers;
Ctrl-C or SIGTERM stops it after the task it is running."""

from __future__ import annotations

import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker, valid_interval
from django_tasks_db.models import DBTaskResult

from journal.services.exports import export_files_expire
from journal.services.operations import housekeeping, orphaned_tasks_requeue, worker_heartbeat
from journal.services.outcomes import outcome_reports_expire, outcome_reports_recompute_nightly
from journal.services.reminders import reminders_send_due
from journal.services.snapshots import snapshots_refresh_due

HEARTBEAT_EVERY = 10  # seconds: often enough for the health endpoint, rarely enough to be no load
HOUSEKEEPING_EVERY = 3600  # seconds


class HeartbeatWorker(Worker):
    """django-tasks-db's worker in batch mode (every due task, then return), called in a loop
    of ours that records the heartbeat after each pass and before each task."""

    def __init__(self, *, interval: float, once: bool) -> None:
        super().__init__(
            queue_names=["*"],
            interval=interval,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        self.once = once
        self.started_at = timezone.now()
        self.last_beat: float | None = None
        self.last_housekeeping: float | None = None

    def beat(self) -> None:
        """Record the heartbeat, put back in the queue the tasks of workers that died, compute
        again the roster rows of patients past their local midnight, record the reminders due
        and queue their sending, delete expired export files and empty expired outcome reports,
        queue again each clinic's outcome reports once a night, and (once an hour) delete
        expired sessions and old finished tasks."""
        if self.last_beat is None or time.monotonic() - self.last_beat >= HEARTBEAT_EVERY:
            worker_heartbeat(worker_id=self.worker_id, started_at=self.started_at)
            orphaned_tasks_requeue(now=timezone.now())
            snapshots_refresh_due(now=timezone.now())
            reminders_send_due(now=timezone.now())
            export_files_expire(now=timezone.now())
            outcome_reports_expire(now=timezone.now())
            outcome_reports_recompute_nightly(now=timezone.now())
            self.last_beat = time.monotonic()
        if self.last_housekeeping is None or time.monotonic() - self.last_housekeeping >= HOUSEKEEPING_EVERY:
            housekeeping(now=timezone.now())
            self.last_housekeeping = time.monotonic()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.beat()
        super().run_task(db_task_result)

    def run(self) -> None:
        while self.running:
            super().run()
            self.beat()  # after the pass, whose first step checked the database connection
            if self.once:
                return
            if self.running:
                time.sleep(self.interval)


class Command(BaseCommand):
    help = "Run the background worker: sends queued mail and reminders, writes clinic exports."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=valid_interval, default=1.0, help="Seconds between looks for work (default 1)."
        )
        parser.add_argument("--batch", action="store_true", help="Run every task that is due, then exit.")
        parser.add_argument(
            "--reload",
            action="store_true",
            default=settings.DEBUG,
            help="Restart when the code changes (default: on with DEBUG).",
        )

    def handle(self, *, interval: float, batch: bool, reload: bool, **options: object) -> None:
        worker = HeartbeatWorker(interval=interval, once=batch)
        if batch:
            worker.run()
        elif reload:
            if DJANGO_AUTORELOAD_ENV in os.environ:  # the reloader's child, which runs the worker
                self.stdout.write(f"Worker {worker.worker_id}: looking for tasks every {interval:g} s.")
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            self.stdout.write(f"Worker {worker.worker_id}: looking for tasks every {interval:g} s.")
            worker.configure_signals()
            worker.run()
