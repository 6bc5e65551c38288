"""Reminders: the patient's choices and devices, and the worker's pass that sends what is due.

The pass (`reminders_send_due`, from the worker's heartbeat, never a request) reads every
patient with a reminder on, keeps those with a chosen time in the stretch of time since a
little before now (`journal.reminders.SEND_LATE_AT_MOST`), reads their schedules and today's
entries, and records each due reminder as a `ReminderOccasion`: a unique row per patient,
kind and date, so a reminder found by two workers or two beats is sent once. For the rows this
pass recorded, it stores the e-mails (`OutgoingMail`) and one `ReminderPush` per device, and
enqueues one task that sends them all (`reminders_deliver`). A fixed number of queries
whatever the clinic's size (`tests/services/test_reminders.py`, `benchmarks`).

A push that fails is tried again after `PUSH_RETRY_DELAYS`, then recorded as failed; a push
service that answers 404 or 410 no longer knows the device: its subscription is marked
expired, and Today tells the patient. E-mails are retried and recorded by `services.mail`."""

from __future__ import annotations

import datetime as dt
import json
import logging
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from pywebpush import WebPushException, webpush

from journal.bounds import PUSH_DEVICES_MAX
from journal.models import (
    PUSH_UNSENT,
    AuditEvent,
    DailyEntry,
    OutgoingMail,
    Patient,
    PushStatus,
    PushSubscription,
    ReminderOccasion,
    ReminderPush,
    ReminderSettings,
    User,
)
from journal.reminders import SEND_LATE_AT_MOST, TITLE, Kind, Occasion, due_occasions, may_be_due
from journal.selectors.records import schedules_for
from journal.services.audit import insert_rows, record_audit, rows_per_insert
from journal.services.mail import mails_attempt, mails_store, page_address

logger = logging.getLogger(__name__)

PUSH_TIMEOUT_SECONDS = 10
PUSH_TTL_SECONDS = 15 * 60  # a push service holds a reminder this long for a phone that is off
EXPIRED_ANSWERS = {404, 410}  # the push service no longer knows the subscription (RFC 8030)

# --- the patient's choices and devices ------------------------------------------------------


def reminder_settings_save(
    *, patient: Patient, actor: User, settings_row: ReminderSettings
) -> ReminderSettings:
    """Store the patient's reminder choices (checked in full) with their audit row."""
    settings_row.patient = patient
    settings_row.updated_at = timezone.now()
    settings_row.full_clean()
    with transaction.atomic():
        settings_row.save()
        record_audit(
            patient=patient,
            actor=actor,
            kind=AuditEvent.Kind.REMINDERS_CHANGED,
            summary="Reminders changed by the patient.",
        )
    return settings_row


def push_subscribe(
    *, patient: Patient, endpoint: str, p256dh: str, auth: str, device: str
) -> PushSubscription:
    """Store this device's subscription (again: a browser that subscribes anew replaces its row,
    expired or not). At most `PUSH_DEVICES_MAX` devices a patient."""
    with transaction.atomic():
        existing = PushSubscription.objects.select_for_update().filter(endpoint=endpoint).first()
        if existing is not None and existing.patient_id != patient.pk:
            # The same browser profile signed in as someone else: the device is theirs now.
            existing.delete()
            existing = None
        subscription = existing or PushSubscription(patient=patient, endpoint=endpoint)
        if existing is None and patient.push_subscriptions.count() >= PUSH_DEVICES_MAX:
            raise ValidationError(
                _("Push reminders go to at most %(count)d devices: remove one you no longer use.")
                % {"count": PUSH_DEVICES_MAX}
            )
        subscription.p256dh, subscription.auth, subscription.device = p256dh, auth, device
        subscription.expired_at = None
        subscription.full_clean()
        subscription.save()
    return subscription


def push_unsubscribe(*, patient: Patient, endpoint: str) -> int:
    """Forget this patient's device with `endpoint`; returns how many rows went (0 or 1)."""
    deleted, _counts = PushSubscription.objects.filter(patient=patient, endpoint=endpoint).delete()
    return int(deleted > 0)


def push_expired_forget(*, patient: Patient) -> int:
    """The patient has read that a device stopped taking reminders: forget those devices."""
    deleted, _counts = PushSubscription.objects.filter(patient=patient, expired_at__isnull=False).delete()
    return deleted


# --- the worker's pass -------------------------------------------------------------------------


def _active_settings() -> Q:
    any_reminder = Q(dose_on=True) | Q(nudge_on=True) | Q(step_on=True) | Q(refill_on=True)
    return any_reminder & (Q(by_email=True) | Q(by_push=True)) & Q(patient__user__is_active=True)


def reminders_send_due(*, now: dt.datetime) -> int:
    """Record and send every reminder due after `now - SEND_LATE_AT_MOST` and up to `now`
    that no pass has recorded yet; returns how many this pass recorded."""
    start = now - SEND_LATE_AT_MOST
    rows = ReminderSettings.objects.filter(_active_settings()).select_related("patient__user")
    candidates = [
        row for row in rows if _zone_known(row) and may_be_due(row.choices(row.patient.time_zone), start, now)
    ]
    if not candidates:
        return 0
    found = _due(candidates, start, now)
    if not found:
        return 0
    with transaction.atomic():
        claimed = _claim(found, now)
        _deliver_later(claimed, {row.patient_id: row for row in candidates})
    return len(claimed)


def _zone_known(row: ReminderSettings) -> bool:
    """A zone stored past the checks (by hand) leaves that patient without reminders, not everyone."""
    try:
        zoneinfo.ZoneInfo(row.patient.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        logger.warning("Patient %s has an unknown time zone: no reminders.", row.patient_id)
        return False
    return True


def _due(
    candidates: list[ReminderSettings], start: dt.datetime, end: dt.datetime
) -> list[tuple[int, Occasion]]:
    ids = [row.patient_id for row in candidates]
    schedules = schedules_for(ids)
    nudged = [row.patient_id for row in candidates if row.nudge_on]
    logged: dict[int, set[dt.date]] = {}
    if nudged:
        first, last = (start - dt.timedelta(days=1)).date(), (end + dt.timedelta(days=1)).date()
        for patient_id, day in DailyEntry.objects.filter(
            patient_id__in=nudged, entry_date__range=(first, last)
        ).values_list("patient_id", "entry_date"):
            logged.setdefault(patient_id, set()).add(day)
    found = []
    for row in candidates:
        choices = row.choices(row.patient.time_zone)
        days = frozenset(logged.get(row.patient_id, ()))
        with translation.override(row.patient.reading_language):  # the texts, in the patient's words
            occasions = due_occasions(
                choices, schedules[row.patient_id], logged_days=days, start=start, end=end
            )
        found += [(row.patient_id, occasion) for occasion in occasions]
    return found


def _claim(found: list[tuple[int, Occasion]], now: dt.datetime) -> list[ReminderOccasion]:
    """Insert the occasions; a row another pass inserted first is left alone. The rows with this
    pass's mark are the ones it inserted, hence the ones it sends."""
    mark = get_random_string(32)
    occasions = [
        ReminderOccasion(
            patient_id=patient_id,
            kind=occasion.kind,
            day=occasion.day,
            due_at=occasion.due_at,
            text=occasion.text,
            claimed_by=mark,
            created_at=now,
        )
        for patient_id, occasion in found
    ]
    insert_rows(occasions, per_insert=rows_per_insert(ReminderOccasion), ignore_conflicts=True)
    return list(ReminderOccasion.objects.filter(claimed_by=mark).select_related("patient__user"))


def _deliver_later(claimed: list[ReminderOccasion], settings_of: dict[int, ReminderSettings]) -> None:
    """Store the e-mails and pushes of these occasions and enqueue one task that sends them."""
    from journal.tasks import deliver_reminders  # journal.tasks calls this module: imported when used

    by_email = [
        occasion
        for occasion in claimed
        if settings_of[occasion.patient_id].by_email and occasion.patient.email
    ]
    mails = [
        OutgoingMail(
            to=occasion.patient.email, subject=occasion.text, body=_mail_body(occasion), reminder=occasion
        )
        for occasion in by_email
    ]
    mails_store(mails)
    occasions_of: dict[int, list[ReminderOccasion]] = {}  # by patient, of those reminded by push
    for occasion in claimed:
        if settings_of[occasion.patient_id].by_push:
            occasions_of.setdefault(occasion.patient_id, []).append(occasion)
    devices = (
        PushSubscription.objects.filter(patient_id__in=list(occasions_of), expired_at__isnull=True)
        if occasions_of
        else []
    )
    pushes = [
        ReminderPush(occasion=occasion, subscription=device)
        for device in devices
        for occasion in occasions_of[device.patient_id]
    ]
    insert_rows(pushes, per_insert=rows_per_insert(ReminderPush), returning=True)
    if mails or pushes:
        deliver_reminders.enqueue([mail.pk for mail in mails], [push.pk for push in pushes])


def _mail_body(occasion: ReminderOccasion) -> str:
    with translation.override(occasion.patient.reading_language):
        return "\n\n".join(
            (
                occasion.text,
                _("Open LDN Journal on your phone to see today's dose and log your entry."),
                *([link] if (link := page_address("entry")) else []),
                _(
                    "You chose this reminder. To change it or turn it off, open Reminders in LDN Journal "
                    "(under My plan or Account)."
                ),
            )
        )


# --- sending (the worker's task) -----------------------------------------------------------------


def reminders_deliver(*, mail_ids: Iterable[int], push_ids: Iterable[int]) -> None:
    """Send a pass's e-mails and pushes: the task `deliver_reminders`."""
    mails_attempt(mail_ids=mail_ids)
    pushes = list(
        ReminderPush.objects.filter(pk__in=list(push_ids), status__in=PUSH_UNSENT).select_related(
            "occasion", "subscription"
        )
    )
    _pushes_attempt(pushes)


def reminder_push_retry(*, push_id: int) -> PushStatus | None:
    """Try one push again (the task `retry_reminder_push`), unless it is no longer waiting or the
    patient's quiet hours have begun meanwhile. Returns its new status."""
    push = (
        ReminderPush.objects.filter(pk=push_id, status__in=PUSH_UNSENT)
        .select_related("occasion__patient__reminder_settings", "subscription")
        .first()
    )
    if push is None:
        return None
    patient = push.occasion.patient
    row = getattr(patient, "reminder_settings", None)
    if row is not None and row.choices(patient.time_zone).quiet_at(patient.local_now().time()):
        _push_finish([push.pk], PushStatus.FAILED, last_error="Not retried: the quiet hours had begun.")
        return PushStatus.FAILED
    return _pushes_attempt([push]).get(push.pk)


def _pushes_attempt(pushes: list[ReminderPush]) -> dict[int, PushStatus]:
    """One try at each push; the sent and the expired are marked in one UPDATE each, each failed
    one waits for its retry."""
    statuses: dict[int, PushStatus] = {}
    for push in pushes:
        if push.subscription.expired_at is not None:
            statuses[push.pk] = PushStatus.EXPIRED
            continue
        try:
            push_send(push.subscription, _payload(push.occasion))
        except WebPushException as error:
            answer = getattr(error.response, "status_code", None)
            if answer in EXPIRED_ANSWERS:
                statuses[push.pk] = PushStatus.EXPIRED
            elif answer is None:  # refused before any push service answered (no VAPID key)
                statuses[push.pk] = _push_failed(push, f"not sent: {error.message}")
            else:
                statuses[push.pk] = _push_failed(push, f"push service answered {answer}")
        except Exception as error:  # the push service unreachable, a timeout: tried again
            statuses[push.pk] = _push_failed(push, type(error).__name__)
        else:
            statuses[push.pk] = PushStatus.SENT
    now = timezone.now()
    sent = [pk for pk, status in statuses.items() if status == PushStatus.SENT]
    _push_finish(sent, PushStatus.SENT, sent_at=now, attempts=F("attempts") + 1)
    expired = [push for push in pushes if statuses.get(push.pk) == PushStatus.EXPIRED]
    if expired:
        _push_finish(
            [push.pk for push in expired], PushStatus.EXPIRED, last_error="The device no longer subscribes."
        )
        PushSubscription.objects.filter(
            pk__in={push.subscription_id for push in expired}, expired_at__isnull=True
        ).update(expired_at=now)
    return statuses


def _push_failed(push: ReminderPush, error: str) -> PushStatus:
    push.attempts += 1
    delay = push.retry_delay()
    logger.warning("Reminder push %s: try %s failed (%s).", push.pk, push.attempts, error)
    if delay is None:
        _push_finish([push.pk], PushStatus.FAILED, attempts=push.attempts, last_error=error[:200])
        return PushStatus.FAILED
    from journal.tasks import retry_reminder_push  # journal.tasks calls this module: imported when used

    next_attempt_at = timezone.now() + delay
    with transaction.atomic():
        if _push_finish(
            [push.pk],
            PushStatus.RETRYING,
            attempts=push.attempts,
            next_attempt_at=next_attempt_at,
            last_error=error[:200],
        ):
            retry_reminder_push.using(run_after=next_attempt_at).enqueue(push.pk)
    return PushStatus.RETRYING


def _push_finish(push_ids: list[int], status: PushStatus, **fields: object) -> int:
    if not push_ids:
        return 0
    fields.setdefault("next_attempt_at", None)
    return ReminderPush.objects.filter(pk__in=push_ids, status__in=PUSH_UNSENT).update(
        status=status, **fields
    )


PAGES = {Kind.DOSE: "today", Kind.NUDGE: "entry", Kind.STEP: "my_plan", Kind.REFILL: "reminders"}


def _payload(occasion: ReminderOccasion) -> str:
    """What the push carries: what a lock screen may show (`journal.reminders`), the page to open
    and a tag, so a later reminder of the same kind replaces an unread one."""
    kind = Kind(occasion.kind)
    return json.dumps(
        {"title": TITLE, "body": occasion.text, "tag": f"ldn-{kind}", "url": reverse(PAGES[kind])}
    )


def push_send(subscription: PushSubscription, payload: str) -> None:
    """Encrypt `payload` for the device and hand it to its push service (pywebpush); raises
    WebPushException when the service refuses it."""
    webpush(
        subscription.info,
        data=payload,
        vapid_private_key=settings.VAPID_PRIVATE_KEY,
        vapid_claims={"sub": settings.VAPID_SUBJECT},
        timeout=PUSH_TIMEOUT_SECONDS,
        ttl=PUSH_TTL_SECONDS,
    )
