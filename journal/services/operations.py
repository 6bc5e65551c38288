"""What the app's operations write: the background worker's heartbeat."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from journal.models import WorkerHeartbeat

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
