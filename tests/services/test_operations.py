"""journal.services.operations: the worker's heartbeat."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from journal.models import WorkerHeartbeat
from journal.services.operations import worker_heartbeat

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
