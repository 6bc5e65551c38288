"""Outgoing mail: queued in the database with the change it reports, sent by the worker.

A request never talks to the mail server: it writes an `OutgoingMail` row and its task
(django-tasks' database backend writes the task row on the same connection), so both commit
or roll back with the change. The worker sends it; a failure is retried after a growing
delay, a bounded number of times. The body is blanked once the mail is sent, given up or
cancelled, so an invitation's link stays in the database only while it waits."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from journal.models import MAIL_MAX_ATTEMPTS, MAIL_UNSENT, Invitation, MailStatus, OutgoingMail, Patient
from journal.services.audit import insert_rows, rows_per_insert

logger = logging.getLogger(__name__)


def _enqueue_attempt(mail: OutgoingMail, run_after: dt.datetime | None = None) -> None:
    from journal.tasks import send_queued_mail  # journal.tasks calls this module: imported when used

    (send_queued_mail.using(run_after=run_after) if run_after else send_queued_mail).enqueue(mail.pk)


def page_address(name: str) -> str | None:
    """The full address of the page `name` for a mail sent without a request (`SITE_URL` + its
    path); None when the site's address is not configured."""
    return f"{settings.SITE_URL}{reverse(name)}" if settings.SITE_URL else None


def mail_queue(*, to: str, subject: str, body: str, invitation: Invitation | None = None) -> OutgoingMail:
    """Queue one email. Call it inside the transaction of the change it reports."""
    with transaction.atomic():
        mail = OutgoingMail(to=to, subject=subject, body=body, invitation=invitation)
        mail.full_clean()
        mail.save()
        _enqueue_attempt(mail)
    return mail


def mails_store(mails: Sequence[OutgoingMail]) -> None:
    """Store many emails in one INSERT (each gets its id), without their tasks: the caller
    enqueues one task for them all (see `reminders_send_due`). Call it inside the transaction of
    the change they report."""
    for mail in mails:
        # Not the links (checking that a row exists is a query each) nor the constraints (the
        # same): they hold by construction.
        mail.clean_fields(exclude=["invitation", "reminder"])
    insert_rows(mails, per_insert=rows_per_insert(OutgoingMail), returning=True)


def mails_attempt(*, mail_ids: Iterable[int]) -> dict[int, MailStatus]:
    """One try at each of these emails, over one connection to the mail server; the sent ones
    are marked in one UPDATE, and each failed one waits for its retry as `mail_attempt`'s do.
    Returns the new status of each email that was waiting."""
    mails = list(OutgoingMail.objects.filter(pk__in=list(mail_ids), status__in=MAIL_UNSENT))
    if not mails:
        return {}
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:  # no mail server: every mail waits for its retry
        return {mail.pk: _failed(mail, error) for mail in mails}
    statuses: dict[int, MailStatus] = {}
    try:
        for mail in mails:
            try:
                EmailMessage(subject=mail.subject, body=mail.body, to=[mail.to], connection=connection).send()
            except Exception as error:
                statuses[mail.pk] = _failed(mail, error)
            else:
                statuses[mail.pk] = MailStatus.SENT
    finally:
        connection.close()
    sent = [pk for pk, status in statuses.items() if status == MailStatus.SENT]
    OutgoingMail.objects.filter(pk__in=sent, status__in=MAIL_UNSENT).update(
        status=MailStatus.SENT,
        attempts=F("attempts") + 1,
        sent_at=timezone.now(),
        body="",
        next_attempt_at=None,
    )
    return statuses


def mail_attempt(*, mail_id: int) -> MailStatus | None:
    """One try at sending mail `mail_id` (the worker's task); returns the mail's new status, or
    None when it was no longer waiting. The mail server is spoken to outside any transaction,
    so a slow one never holds a database lock."""
    mail = OutgoingMail.objects.filter(pk=mail_id, status__in=MAIL_UNSENT).first()
    if mail is None:
        return None
    try:
        EmailMessage(subject=mail.subject, body=mail.body, to=[mail.to]).send()
    except Exception as error:  # whatever went wrong, the mail is tried again, a bounded number of times
        return _failed(mail, error)
    _finish(mail, status=MailStatus.SENT, attempts=mail.attempts + 1, sent_at=timezone.now())
    return MailStatus.SENT


def _failed(mail: OutgoingMail, error: Exception) -> MailStatus:
    mail.attempts += 1
    delay = mail.retry_delay()
    logger.warning(
        "Mail %s: try %s of %s failed (%s).", mail.pk, mail.attempts, MAIL_MAX_ATTEMPTS, type(error).__name__
    )
    last_error = f"{type(error).__name__}: {error}"[:200]
    if delay is None:
        _finish(mail, status=MailStatus.GAVE_UP, attempts=mail.attempts, last_error=last_error)
        return MailStatus.GAVE_UP
    next_attempt_at = timezone.now() + delay
    with transaction.atomic():
        updated = OutgoingMail.objects.filter(pk=mail.pk, status__in=MAIL_UNSENT).update(
            status=MailStatus.RETRYING,
            attempts=mail.attempts,
            next_attempt_at=next_attempt_at,
            last_error=last_error,
        )
        if updated:
            _enqueue_attempt(mail, run_after=next_attempt_at)
    return MailStatus.RETRYING


def _finish(mail: OutgoingMail, **fields: object) -> None:
    """The mail is done with (unless it was cancelled meanwhile): its body goes."""
    OutgoingMail.objects.filter(pk=mail.pk, status__in=MAIL_UNSENT).update(
        body="", next_attempt_at=None, **fields
    )


def invitation_mails_cancel(*, patient: Patient) -> int:
    """The unsent invitation mails of `patient` are not sent (a newer link replaced them, or the
    patient has signed up); returns how many."""
    return OutgoingMail.objects.filter(invitation__patient=patient, status__in=MAIL_UNSENT).update(
        status=MailStatus.CANCELLED, body="", next_attempt_at=None
    )
