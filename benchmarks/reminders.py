"""P5: the reminders of one minute of the day for the large clinic — every patient's dose reminder
due at the same minute, each by e-mail and by push to one device — recorded by the worker's pass
and sent by the task it queues, in this process. Against one reminder alone at another minute
(the others' choices still read): the queries must be the same; the time is printed as a ratio.

The pushes are signed (VAPID) and encrypted for a real P-256 key by pywebpush as in production,
then handed to a stand-in for the HTTP session that answers 201 instead of a push service; the
e-mails go to Django's memory backend."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import secrets
import time
from types import SimpleNamespace

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django_tasks_db.models import DBTaskResult
from pywebpush import webpush

from benchmarks.data import Clinics
from benchmarks.report import Goal, Line, seconds
from benchmarks.scale import Scale
from journal.models import Patient, PushSubscription, ReminderOccasion, ReminderSettings, User
from journal.services import reminders as reminder_service
from ldnjournal.vapid import new_private_key

CONSTANT = Goal("=", 1, "×")
ALL_AT = dt.time(22, 0)
ONE_AT = dt.time(21, 0)


def minute(clinics: Clinics, scale: Scale) -> list[Line]:
    patients = list(Patient.objects.filter(clinic=clinics.large).order_by("pk").values_list("pk", flat=True))
    _choose(patients)
    day = clinics.last_day
    with (
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            VAPID_PRIVATE_KEY=new_private_key(),
            VAPID_SUBJECT="mailto:bench@example.org",
        ),
        _pushes_encrypted_not_sent(),
    ):
        one_queries, one_seconds = _send_minute(dt.datetime.combine(day, ONE_AT, tzinfo=dt.UTC), expected=1)
        all_queries, all_seconds = _send_minute(
            dt.datetime.combine(day, ALL_AT, tzinfo=dt.UTC), expected=len(patients) - 1
        )
    sent = len(patients) - 1
    return [
        Line(
            "P5",
            "reminder queries, one minute",
            f"{all_queries} for {sent:,} reminders",
            f"{one_queries} for 1",
            all_queries / one_queries,
            CONSTANT,
        ),
        Line(
            "P5",
            "reminders of one minute (e-mail + push)",
            f"{seconds(all_seconds)} for {sent:,} ({seconds(all_seconds / sent)} each)",
            f"1 reminder {seconds(one_seconds)}",
            all_seconds / one_seconds,
        ),
    ]


def _choose(patients: list[int]) -> None:
    """Every patient: the dose reminder at 22:00 UTC by e-mail and push (one device each); the
    first patient at 21:00, the one reminder of the baseline. Reminders go to patients who signed
    up: each gets a login."""
    users = User.objects.bulk_create(User(username=f"bench.reminded.{pk}", password="!") for pk in patients)
    people = list(Patient.objects.filter(pk__in=patients).order_by("pk"))
    for person, user in zip(people, users, strict=True):
        person.user, person.email = user, "bench@example.org"
    Patient.objects.bulk_update(people, ["user", "email"], batch_size=500)
    ReminderSettings.objects.bulk_create(
        ReminderSettings(
            patient_id=pk,
            dose_on=True,
            bedtime_at=ONE_AT if pk == patients[0] else ALL_AT,
            by_email=True,
            by_push=True,
        )
        for pk in patients
    )
    p256dh = _b64(
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    PushSubscription.objects.bulk_create(
        PushSubscription(
            patient_id=pk,
            endpoint=f"https://push.invalid/bench/{pk}",
            p256dh=p256dh,
            auth=_b64(secrets.token_bytes(16)),
        )
        for pk in patients
    )


def _send_minute(now: dt.datetime, *, expected: int) -> tuple[int, float]:
    """The worker's pass at `now` and the task it queued: their queries and time."""
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        reminder_service.reminders_send_due(now=now)
        task = DBTaskResult.objects.filter(task_path__endswith="deliver_reminders", status="READY").get()
        mail_ids, push_ids = task.args_kwargs["args"]
        reminder_service.reminders_deliver(mail_ids=mail_ids, push_ids=push_ids)
    took = time.perf_counter() - started
    task.delete()
    recorded = ReminderOccasion.objects.filter(due_at=now).count()
    pushed = ReminderOccasion.objects.filter(due_at=now, pushes__status="sent").count()
    mailed = ReminderOccasion.objects.filter(due_at=now, mail__status="sent").count()
    if not recorded == pushed == mailed == expected:
        raise RuntimeError(
            f"reminders at {now}: {recorded} recorded, {pushed} pushed, {mailed} mailed, {expected} due"
        )
    return len(queries.captured_queries), took


class _PushServiceAccepts:
    """An HTTP session whose every POST a push service accepts (201), without the network."""

    def post(self, *args: object, **kwargs: object) -> SimpleNamespace:
        return SimpleNamespace(status_code=201, reason="Created", text="", headers={})


class _pushes_encrypted_not_sent:
    """pywebpush does all its work (VAPID signature, RFC 8291 encryption) and posts the request to
    `_PushServiceAccepts` instead of a push service."""

    def __enter__(self) -> None:
        self.real = reminder_service.webpush
        reminder_service.webpush = functools.partial(webpush, requests_session=_PushServiceAccepts())

    def __exit__(self, *exc: object) -> None:
        reminder_service.webpush = self.real


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
