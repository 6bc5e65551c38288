"""journal.selectors.operations: the figures of the health endpoint."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.utils import OperationalError

import journal.selectors.operations as operations
from journal.models import MailStatus, OutgoingMail, WorkerHeartbeat
from journal.selectors.operations import health, migrations_applied

NOW = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def _beat(ago: dt.timedelta, worker_id: str = "w1") -> None:
    WorkerHeartbeat.objects.create(
        worker_id=worker_id, started_at=NOW - dt.timedelta(days=1), seen_at=NOW - ago
    )


def _mail(ago: dt.timedelta, status: str = MailStatus.QUEUED, **fields) -> None:
    if status == MailStatus.RETRYING:
        fields.setdefault("next_attempt_at", NOW)
    body = "link" if status in (MailStatus.QUEUED, MailStatus.RETRYING) else ""
    OutgoingMail.objects.create(
        to="a@example.org", subject="s", body=body, status=status, created_at=NOW - ago, **fields
    )


def test_health_with_a_worker_seen_and_no_mail_waiting(db):
    _beat(10 * SECOND)
    report = health(NOW)
    assert report.healthy
    assert (report.database, report.migrations, report.worker, report.mail) == (True, True, True, True)
    assert (report.worker_last_seen, report.workers_seen, report.oldest_unsent_mail) == (10 * SECOND, 1, None)


def test_health_counts_in_two_queries_once_the_migrations_are_known(db, django_assert_num_queries):
    migrations_applied()
    with django_assert_num_queries(2):
        health(NOW)


def test_no_worker_ever_seen_is_unhealthy(db):
    report = health(NOW)
    assert (report.worker, report.worker_last_seen, report.healthy) == (False, None, False)


def test_a_worker_silent_for_more_than_two_minutes_is_unhealthy(db):
    _beat(2 * 60 * SECOND)
    assert health(NOW).worker
    WorkerHeartbeat.objects.update(seen_at=NOW - 121 * SECOND)
    report = health(NOW)
    assert (report.worker, report.workers_seen, report.healthy) == (False, 0, False)


def test_mail_waiting_more_than_fifteen_minutes_is_unhealthy(db):
    _beat(SECOND)
    _mail(15 * 60 * SECOND)
    assert health(NOW).mail
    _mail(15 * 60 * SECOND + SECOND, status=MailStatus.RETRYING, attempts=3)
    report = health(NOW)
    assert (report.mail, report.oldest_unsent_mail, report.mail_retrying) == (False, 901 * SECOND, 1)
    assert not report.healthy


def test_sent_mail_does_not_count_and_given_up_mail_counts_for_a_day(db):
    _beat(SECOND)
    _mail(dt.timedelta(days=3), status=MailStatus.SENT, sent_at=NOW)
    _mail(dt.timedelta(hours=23), status=MailStatus.GAVE_UP, attempts=6)
    _mail(dt.timedelta(hours=25), status=MailStatus.GAVE_UP, attempts=6)
    report = health(NOW)
    assert (report.oldest_unsent_mail, report.mail_given_up_last_day, report.healthy) == (None, 1, True)


def test_an_unapplied_migration_is_unhealthy(db, monkeypatch):
    monkeypatch.setattr(operations, "_migrations_applied", False)
    (latest,) = [name for app, name in MigrationLoader(connection).graph.leaf_nodes() if app == "journal"]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'journal' AND name = %s", [latest])
    assert not migrations_applied()
    assert not health(NOW).healthy


def test_a_database_that_does_not_answer_is_unhealthy(db, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(operations, "migrations_applied", down)
    report = health(NOW)
    assert (report.database, report.healthy) == (False, False)
