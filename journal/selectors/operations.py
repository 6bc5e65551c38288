"""What the health endpoint reports: the database, its migrations, the background worker and
the mail queue. Plain figures only: no patient data, no addresses, no error texts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Max, Min, Q

from journal.models import MAIL_UNSENT, MailStatus, OutgoingMail, WorkerHeartbeat

WORKER_SILENT_AFTER = dt.timedelta(minutes=2)  # the worker beats every 10 s while it waits for work
MAIL_STUCK_AFTER = dt.timedelta(minutes=15)  # past the first three retries


@dataclass(frozen=True)
class Health:
    database: bool
    migrations: bool = False
    worker_last_seen: dt.timedelta | None = None
    workers_seen: int = 0
    oldest_unsent_mail: dt.timedelta | None = None
    mail_retrying: int = 0
    mail_given_up_last_day: int = 0

    @property
    def worker(self) -> bool:
        return self.worker_last_seen is not None and self.worker_last_seen <= WORKER_SILENT_AFTER

    @property
    def mail(self) -> bool:
        return self.oldest_unsent_mail is None or self.oldest_unsent_mail <= MAIL_STUCK_AFTER

    @property
    def healthy(self) -> bool:
        return self.database and self.migrations and self.worker and self.mail


_migrations_applied = False  # once applied, they stay applied while this process runs


def migrations_applied() -> bool:
    """Every migration of this code is applied (the check reads the migration files: done
    until it first succeeds, then remembered)."""
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        _migrations_applied = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrations_applied


def health(now: dt.datetime) -> Health:
    """The app's health at `now`, in 2 queries (and the migrations' until they are applied)."""
    try:
        applied = migrations_applied()
        workers = WorkerHeartbeat.objects.aggregate(
            last_seen=Max("seen_at"), recent=Count("pk", filter=Q(seen_at__gte=now - WORKER_SILENT_AFTER))
        )
        given_up_last_day = Q(status=MailStatus.GAVE_UP, created_at__gte=now - dt.timedelta(days=1))
        mail = OutgoingMail.objects.filter(Q(status__in=MAIL_UNSENT) | given_up_last_day).aggregate(
            oldest_unsent=Min("created_at", filter=Q(status__in=MAIL_UNSENT)),
            retrying=Count("pk", filter=Q(status=MailStatus.RETRYING)),
            given_up=Count("pk", filter=given_up_last_day),
        )
    except DatabaseError:
        return Health(database=False)
    return Health(
        database=True,
        migrations=applied,
        worker_last_seen=now - workers["last_seen"] if workers["last_seen"] else None,
        workers_seen=workers["recent"],
        oldest_unsent_mail=now - mail["oldest_unsent"] if mail["oldest_unsent"] else None,
        mail_retrying=mail["retrying"],
        mail_given_up_last_day=mail["given_up"],
    )
