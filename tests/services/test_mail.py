"""journal.services.mail: mail is queued with the change it reports, sent by the worker,
retried with growing delays a bounded number of times, and its body (an invitation's
one-time link) is kept only while it waits."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from journal.models import MAIL_MAX_ATTEMPTS, MAIL_RETRY_DELAYS, Invitation, MailStatus, OutgoingMail
from journal.services.mail import invitation_mails_cancel, mail_attempt, mail_queue, page_address
from tests.factories import make_patient

NOW = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def _queue(**fields) -> OutgoingMail:
    return mail_queue(
        to="nora@example.org", subject="Your invitation", body="Open https://x/invitation/T/", **fields
    )


def _tasks() -> list[tuple[list, dt.datetime]]:
    return [
        (task.args_kwargs["args"], task.run_after) for task in DBTaskResult.objects.order_by("enqueued_at")
    ]


@pytest.fixture
def invitation(clinic, carol) -> Invitation:
    newcomer = make_patient(clinic, None, name="Nora Quill", clinicians=(carol,), email="nora@example.org")
    return Invitation.objects.create(
        patient=newcomer, token_hash="h" * 64, created_by=carol, expires_at=NOW + Invitation.VALID_FOR
    )


def test_mail_queue_writes_the_mail_and_its_task_and_sends_nothing(db):
    queued = _queue()
    assert (queued.status, queued.attempts, queued.created_at) == (MailStatus.QUEUED, 0, NOW)
    assert mail.outbox == []
    ((args, _),) = _tasks()
    assert args == [queued.pk]  # the task holds the mail's id, never its body


def test_a_rolled_back_change_queues_no_mail(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue()
        raise RuntimeError("the change failed")
    assert not OutgoingMail.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_mail_attempt_sends_and_blanks_the_body(db):
    queued = _queue()
    assert mail_attempt(mail_id=queued.pk) == MailStatus.SENT
    (message,) = mail.outbox
    assert (message.to, message.subject, message.body) == (
        ["nora@example.org"],
        "Your invitation",
        "Open https://x/invitation/T/",
    )
    queued.refresh_from_db()
    assert (queued.status, queued.attempts, queued.sent_at, queued.body) == (MailStatus.SENT, 1, NOW, "")


def test_a_failed_attempt_is_retried_after_a_minute(db, mail_server_down):
    queued = _queue()
    assert mail_attempt(mail_id=queued.pk) == MailStatus.RETRYING
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (MailStatus.RETRYING, 1)
    assert queued.next_attempt_at == NOW + dt.timedelta(minutes=1)
    assert queued.last_error.startswith("ConnectionRefusedError")
    assert queued.body  # kept for the retry
    assert _tasks()[-1] == ([queued.pk], NOW + dt.timedelta(minutes=1))


def test_retries_wait_longer_each_time_then_give_up_and_blank_the_body(db, mail_server_down):
    queued = _queue()
    waits = []
    for _ in range(MAIL_MAX_ATTEMPTS - 1):
        mail_attempt(mail_id=queued.pk)
        queued.refresh_from_db()
        waits.append(queued.next_attempt_at - NOW)
    assert waits == list(MAIL_RETRY_DELAYS)
    assert mail_attempt(mail_id=queued.pk) == MailStatus.GAVE_UP
    queued.refresh_from_db()
    assert (queued.status, queued.attempts, queued.body, queued.next_attempt_at) == (
        MailStatus.GAVE_UP,
        MAIL_MAX_ATTEMPTS,
        "",
        None,
    )
    assert len(_tasks()) == MAIL_MAX_ATTEMPTS  # the first, and one per retry: no task after giving up


def test_a_mail_no_longer_waiting_is_not_sent(db):
    queued = _queue()
    mail_attempt(mail_id=queued.pk)
    assert mail_attempt(mail_id=queued.pk) is None
    assert len(mail.outbox) == 1


def test_invitation_mails_cancel_blanks_the_unsent_mail_of_the_patient(invitation):
    queued = _queue(invitation=invitation)
    assert invitation_mails_cancel(patient=invitation.patient) == 1
    queued.refresh_from_db()
    assert (queued.status, queued.body) == (MailStatus.CANCELLED, "")
    assert mail_attempt(mail_id=queued.pk) is None
    assert mail.outbox == []


def test_invitation_mails_cancel_leaves_sent_mail_alone(invitation):
    queued = _queue(invitation=invitation)
    mail_attempt(mail_id=queued.pk)
    assert invitation_mails_cancel(patient=invitation.patient) == 0
    queued.refresh_from_db()
    assert queued.status == MailStatus.SENT


def test_a_retry_is_not_run_before_it_is_due(transactional_db, mail_server_down, settings):
    from django.core.management import call_command

    queued = _queue()
    call_command("worker", "--batch")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("worker", "--batch")
    assert mail.outbox == []
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        call_command("worker", "--batch")
    queued.refresh_from_db()
    assert queued.status == MailStatus.SENT
    assert len(mail.outbox) == 1


def test_many_mails_are_stored_in_one_insert_and_sent_over_one_connection(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from journal.services.mail import mails_attempt, mails_store

    stored = [OutgoingMail(to=f"p{n}@example.org", subject="Time for it.", body="Open it.") for n in range(5)]
    with CaptureQueriesContext(connection) as queries:
        mails_store(stored)
    assert len(queries) == 1
    assert all(m.pk for m in stored)
    with CaptureQueriesContext(connection) as queries:
        statuses = mails_attempt(mail_ids=[m.pk for m in stored])
    assert len(queries) == 2  # the mails, then one UPDATE of the sent ones
    assert set(statuses.values()) == {MailStatus.SENT}
    assert [m.to for m in mail.outbox] == [[m.to] for m in stored]
    assert set(OutgoingMail.objects.values_list("status", "body")) == {(MailStatus.SENT, "")}
    assert mails_attempt(mail_ids=[m.pk for m in stored]) == {}  # sent once


def test_many_mails_with_the_server_down_each_wait_for_a_retry(db, mail_server_down):
    from journal.services.mail import mails_attempt, mails_store

    stored = [OutgoingMail(to=to, subject="s", body="b") for to in ("a@example.org", "b@example.org")]
    mails_store(stored)
    assert set(mails_attempt(mail_ids=[m.pk for m in stored]).values()) == {MailStatus.RETRYING}
    assert len(_tasks()) == 2
    assert set(OutgoingMail.objects.values_list("attempts", flat=True)) == {1}


def test_page_address_is_the_sites_address_and_the_pages_path(settings):
    settings.SITE_URL = "https://ldn.clinic.example"
    assert page_address("entry") == "https://ldn.clinic.example/entry/"
    settings.SITE_URL = ""
    assert page_address("entry") is None
