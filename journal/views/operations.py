"""The health endpoint, for a load balancer and monitoring: open without a login, it shows
plain figures only (no patient data, no addresses, no versions, no error texts)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from journal.selectors.operations import health as read_health


def _seconds(age: dt.timedelta | None) -> int | None:
    return int(age.total_seconds()) if age is not None else None


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, every migration is applied, a worker looked for work
    in the last 2 minutes and no mail has waited more than 15 minutes; else 503."""
    report = read_health(timezone.now())
    checks = {
        "database": report.database,
        "migrations": report.migrations,
        "worker": report.worker,
        "mail": report.mail,
    }
    return JsonResponse(
        {
            "status": "ok" if report.healthy else "failing",
            "checks": {name: "ok" if passed else "failing" for name, passed in checks.items()},
            "worker": {
                "last_seen_seconds_ago": _seconds(report.worker_last_seen),
                "workers_seen": report.workers_seen,
            },
            "mail": {
                "oldest_unsent_seconds": _seconds(report.oldest_unsent_mail),
                "retrying": report.mail_retrying,
                "given_up_last_day": report.mail_given_up_last_day,
            },
        },
        status=200 if report.healthy else 503,
    )
