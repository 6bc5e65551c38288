"""journal.services.reminders: the patient's choices and devices, and the worker's pass that
records each due reminder once and sends it by e-mail and push, retrying then recording a failure."""

from __future__ import annotations

import datetime as dt
import json
import threading
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult
from pywebpush import WebPushException

from journal.models import (
    PUSH_MAX_ATTEMPTS,
    AuditEvent,
    MailStatus,
    PushStatus,
    PushSubscription,
    ReminderOccasion,
    ReminderPush,
    ReminderSettings,
)
from journal.schedule import DAY
from journal.services import reminders as service
from journal.services.reminders import (
    push_expired_forget,
    push_send,
    push_subscribe,
    push_unsubscribe,
    reminder_push_retry,
    reminder_settings_save,
    reminders_deliver,
    reminders_send_due,
)
from tests.factories import make_entry, make_patient, make_plan

NY = "America/New_York"
TODAY = dt.date(2026, 3, 2)
NOW = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)
T = dt.time

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def local(hh: int, mm: int = 0, zone: str = NY, day: dt.date = TODAY) -> dt.datetime:
    import zoneinfo

    return dt.datetime.combine(day, T(hh, mm), tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(dt.UTC)


class FakePushService:
    """Stands in for pywebpush: records each payload per endpoint, or answers with `status`."""

    def __init__(self, answers: dict[str, list[int]] | None = None):
        self.sent: list[tuple[str, dict]] = []
        self.answers = answers or {}

    def __call__(self, subscription_info, *, data, **options):
        endpoint = subscription_info["endpoint"]
        answers = self.answers.get(endpoint)
        status = answers.pop(0) if answers else 201
        if status > 202:
            raise WebPushException("Push failed", response=SimpleNamespace(status_code=status, text=""))
        self.sent.append((endpoint, json.loads(data)))


@pytest.fixture
def pushes(monkeypatch) -> FakePushService:
    fake = FakePushService()
    monkeypatch.setattr(service, "webpush", fake)
    return fake


def patient_with(clinic, carol, name="pat", zone=NY, later_steps=(), **choices):
    patient = make_patient(clinic, name, clinicians=(carol,), time_zone=zone, email=f"{name}@example.org")
    make_plan(patient, carol, [(TODAY - 30 * DAY, "1.5", "bedtime"), *later_steps])
    choices.setdefault("by_email", True)
    ReminderSettings.objects.create(patient=patient, **choices)
    return patient


def device(patient, name="a") -> PushSubscription:
    return PushSubscription.objects.create(
        patient=patient, endpoint=f"https://push.example/{patient.pk}/{name}", p256dh="key", auth="secret"
    )


def run_pass(at: dt.datetime) -> int:
    """The worker's beat at `at`, then the worker running the tasks it queued."""
    with time_machine.travel(at, tick=False):
        recorded = reminders_send_due(now=at)
        for task in DBTaskResult.objects.filter(task_path__endswith="deliver_reminders", status="READY"):
            reminders_deliver(mail_ids=task.args_kwargs["args"][0], push_ids=task.args_kwargs["args"][1])
            task.status = "SUCCESSFUL"
            task.save(update_fields=["status"])
    return recorded


# --- the pass ------------------------------------------------------------------------------------


def test_dose_reminder_arrives_by_email_at_the_chosen_local_time(clinic, carol, pushes):
    patient = patient_with(clinic, carol, dose_on=True, bedtime_at=T(21, 30))
    assert run_pass(local(21, 29)) == 0
    assert run_pass(local(21, 30)) == 1
    assert [(m.to[0], m.subject) for m in mail.outbox] == [
        ("pat@example.org", "Time for your bedtime LDN dose.")
    ]
    occasion = ReminderOccasion.objects.get()
    assert (occasion.patient, occasion.kind, occasion.day) == (patient, "dose", TODAY)
    assert occasion.mail.status == MailStatus.SENT


@pytest.mark.parametrize(
    ("site_url", "link"),
    [("https://ldn.clinic.example", "https://ldn.clinic.example/entry/"), ("", None)],
)
def test_the_reminder_mail_links_to_the_entry_page_when_the_sites_address_is_set(
    clinic, carol, pushes, settings, site_url, link
):
    settings.SITE_URL = site_url
    patient_with(clinic, carol, dose_on=True, bedtime_at=T(21, 30))
    run_pass(local(21, 30))
    (sent,) = mail.outbox
    assert (link in sent.body) if link else ("http" not in sent.body)


def test_each_patient_is_reminded_at_their_own_local_time(clinic, carol, pushes):
    patient_with(clinic, carol, "nyc", dose_on=True, bedtime_at=T(22))
    patient_with(clinic, carol, "tokyo", zone="Asia/Tokyo", dose_on=True, bedtime_at=T(22))
    run_pass(local(22, zone="Asia/Tokyo"))
    assert [m.to[0] for m in mail.outbox] == ["tokyo@example.org"]
    run_pass(local(22))
    assert [m.to[0] for m in mail.outbox] == ["tokyo@example.org", "nyc@example.org"]


def test_the_reminder_follows_a_switch_to_the_morning(clinic, carol, pushes):
    patient_with(
        clinic,
        carol,
        dose_on=True,
        bedtime_at=T(22),
        morning_at=T(7, 30),
        later_steps=[(TODAY, "1.5", "morning")],
    )
    run_pass(local(22))
    assert mail.outbox == []
    run_pass(local(7, 30))
    assert [m.subject for m in mail.outbox] == ["Time for your morning LDN dose."]


def test_dst_the_reminder_keeps_its_wall_clock_time(clinic, carol, pushes):
    """New York moves its clocks on 8 March 2026: 21:30 local is 02:30 UTC before, 01:30 after."""
    patient_with(clinic, carol, dose_on=True, bedtime_at=T(21, 30))
    run_pass(dt.datetime(2026, 3, 8, 2, 30, tzinfo=dt.UTC))  # 21:30 EST on 7 March
    run_pass(dt.datetime(2026, 3, 9, 1, 30, tzinfo=dt.UTC))  # 21:30 EDT on 8 March
    assert list(ReminderOccasion.objects.order_by("day").values_list("day", flat=True)) == [
        dt.date(2026, 3, 7),
        dt.date(2026, 3, 8),
    ]


def test_nothing_is_sent_in_quiet_hours(clinic, carol, pushes):
    patient = patient_with(clinic, carol, nudge_on=True, nudge_at=T(20))
    ReminderSettings.objects.filter(patient=patient).update(quiet_from=T(19), quiet_until=T(7))
    assert run_pass(local(20)) == 0
    assert mail.outbox == []


def test_the_nudge_is_skipped_when_today_is_logged(clinic, carol, pushes):
    logged = patient_with(clinic, carol, "logged", nudge_on=True, nudge_at=T(20))
    patient_with(clinic, carol, "forgot", nudge_on=True, nudge_at=T(20))
    make_entry(logged, TODAY)
    run_pass(local(20))
    assert [m.to[0] for m in mail.outbox] == ["forgot@example.org"]
    assert mail.outbox[0].subject.startswith("You have not logged today yet")


def test_the_day_before_a_step(clinic, carol, pushes):
    patient_with(clinic, carol, step_on=True, notice_at=T(18), later_steps=[(TODAY + DAY, "3", "bedtime")])
    run_pass(local(18))
    assert [m.subject for m in mail.outbox] == [
        "Your LDN plan changes tomorrow: open LDN Journal to see the new step."
    ]
    assert ReminderOccasion.objects.get().day == TODAY + DAY


def test_refill_when_the_supply_runs_low_once_per_count(clinic, carol, pushes):
    patient_with(
        clinic, carol, refill_on=True, notice_at=T(18), supply_doses=10, supply_counted_on=TODAY - 4 * DAY
    )
    run_pass(local(18))
    run_pass(local(18, day=TODAY + DAY))
    assert [m.subject for m in mail.outbox] == ["Your LDN supply is running low: time to order more."]


def test_a_reminder_is_sent_once_however_many_beats_find_it(clinic, carol, pushes):
    patient = patient_with(clinic, carol, dose_on=True, bedtime_at=T(22), by_push=True)
    device(patient)
    assert run_pass(local(22)) == 1
    assert run_pass(local(22, 5)) == 0  # a later beat within the late window
    assert run_pass(local(22)) == 0  # a second worker at the same moment
    assert len(mail.outbox) == 1
    assert len(pushes.sent) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_reminder_once(postgres, clinic, carol, pushes):
    patients = [patient_with(clinic, carol, f"p{n}", dose_on=True, bedtime_at=T(22)) for n in range(5)]
    counts: list[int] = []
    errors: list[Exception] = []

    def worker():
        try:
            counts.append(reminders_send_due(now=local(22)))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(counts) == len(patients)
    assert ReminderOccasion.objects.count() == len(patients)
    assert sum(len(task.args_kwargs["args"][0]) for task in DBTaskResult.objects.all()) == len(patients)


def test_a_late_beat_still_sends_but_not_hours_late(clinic, carol, pushes):
    patient_with(clinic, carol, dose_on=True, bedtime_at=T(22))
    assert run_pass(local(23)) == 0  # an hour late: not sent
    assert run_pass(local(22, 14)) == 1  # a worker 14 minutes behind still sends it
    assert len(mail.outbox) == 1


def test_recording_and_sending_a_minute_takes_a_fixed_number_of_queries(clinic, carol, pushes):
    """By e-mail and push: as many queries for 150 patients as for 2 (the benchmark: 2,000)."""

    def queries_for(count: int) -> int:
        for n in range(count):
            patient = patient_with(clinic, carol, f"q{count}-{n}", dose_on=True, nudge_on=True, by_push=True)
            device(patient)
        with CaptureQueriesContext(connection) as queries:
            assert run_pass(local(22)) == count
        assert len(pushes.sent) == count
        pushes.sent.clear()
        ReminderSettings.objects.all().delete()
        ReminderOccasion.objects.all().delete()
        return len(queries)

    assert queries_for(2) == queries_for(12) == queries_for(150)  # 150: past a 999-value statement


def test_the_pass_with_nothing_due_is_one_query(clinic, carol, pushes):
    patient_with(clinic, carol, dose_on=True, bedtime_at=T(22))
    with CaptureQueriesContext(connection) as queries:
        assert reminders_send_due(now=local(12)) == 0
    assert len(queries) == 1


def test_a_deactivated_login_gets_no_reminders(clinic, carol, pushes):
    patient = patient_with(clinic, carol, dose_on=True, bedtime_at=T(22))
    patient.user.is_active = False
    patient.user.save()
    assert run_pass(local(22)) == 0


# --- push: sent, retried then recorded, expired -----------------------------------------------


def test_push_goes_to_each_device_with_no_clinical_detail(clinic, carol, pushes):
    patient = patient_with(clinic, carol, dose_on=True, bedtime_at=T(22), by_push=True, by_email=False)
    phone, laptop = device(patient, "phone"), device(patient, "laptop")
    run_pass(local(22))
    assert sorted(endpoint for endpoint, _ in pushes.sent) == sorted([phone.endpoint, laptop.endpoint])
    payload = pushes.sent[0][1]
    assert payload == {
        "title": "LDN Journal",
        "body": "Time for your bedtime LDN dose.",
        "tag": "ldn-dose",
        "url": "/today/",
    }
    assert set(ReminderPush.objects.values_list("status", flat=True)) == {PushStatus.SENT}
    assert mail.outbox == []


def test_a_failed_push_is_retried_then_recorded(clinic, carol, pushes):
    patient = patient_with(clinic, carol, dose_on=True, bedtime_at=T(22), by_push=True, by_email=False)
    phone = device(patient)
    pushes.answers[phone.endpoint] = [500] * PUSH_MAX_ATTEMPTS
    run_pass(local(22))
    push = ReminderPush.objects.get()
    assert (push.status, push.attempts) == (PushStatus.RETRYING, 1)
    retry = DBTaskResult.objects.get(task_path__endswith="retry_reminder_push")
    assert retry.run_after == local(22) + dt.timedelta(minutes=1)
    for attempt in range(2, PUSH_MAX_ATTEMPTS + 1):
        with time_machine.travel(local(22, 10), tick=False):
            reminder_push_retry(push_id=push.pk)
        push.refresh_from_db()
        assert push.attempts == attempt
    assert push.status == PushStatus.FAILED
    assert push.last_error == "push service answered 500"
    assert reminder_push_retry(push_id=push.pk) is None  # no longer waiting
    assert pushes.sent == []


def test_a_retry_that_succeeds(clinic, carol, pushes):
    patient = patient_with(clinic, carol, dose_on=True, bedtime_at=T(22), by_push=True, by_email=False)
    pushes.answers[device(patient).endpoint] = [503]
    run_pass(local(22))
    push = ReminderPush.objects.get()
    with time_machine.travel(local(22, 1), tick=False):
        assert reminder_push_retry(push_id=push.pk) == PushStatus.SENT
    assert len(pushes.sent) == 1


def test_no_retry_once_quiet_hours_begin(clinic, carol, pushes):
    patient = patient_with(
        clinic, carol, dose_on=True, bedtime_at=T(22), by_push=True, quiet_from=T(22, 3), quiet_until=T(7)
    )
    pushes.answers[device(patient).endpoint] = [500]
    run_pass(local(22))
    with time_machine.travel(local(22, 5), tick=False):
        assert reminder_push_retry(push_id=ReminderPush.objects.get().pk) == PushStatus.FAILED
    assert pushes.sent == []


@pytest.mark.parametrize("answer", [404, 410])
def test_an_expired_subscription_is_marked_and_not_used_again(clinic, carol, pushes, answer):
    patient = patient_with(clinic, carol, dose_on=True, bedtime_at=T(22), by_push=True)
    phone = device(patient)
    pushes.answers[phone.endpoint] = [answer]
    run_pass(local(22))
    phone.refresh_from_db()
    assert phone.expired_at == local(22)
    assert ReminderPush.objects.get().status == PushStatus.EXPIRED
    run_pass(local(22, day=TODAY + DAY))
    assert ReminderPush.objects.count() == 1  # the expired device gets no more
    assert len(mail.outbox) == 2  # e-mail still arrives


def test_email_failure_is_retried_by_the_durable_mail(clinic, carol, pushes, mail_server_down):
    patient_with(clinic, carol, dose_on=True, bedtime_at=T(22))
    run_pass(local(22))
    occasion = ReminderOccasion.objects.select_related("mail").get()
    assert occasion.mail.status == MailStatus.RETRYING
    assert DBTaskResult.objects.filter(task_path__endswith="send_queued_mail").count() == 1


def test_push_send_signs_with_the_servers_vapid_key(clinic, carol, monkeypatch, settings):
    seen = {}
    monkeypatch.setattr(service, "webpush", lambda info, **options: seen.update(info=info, **options))
    phone = device(make_patient(clinic, "p"))
    push_send(phone, '{"title": "LDN Journal"}')
    assert seen["info"] == phone.info
    assert seen["vapid_private_key"] == settings.VAPID_PRIVATE_KEY
    assert seen["vapid_claims"] == {"sub": settings.VAPID_SUBJECT}


# --- the patient's choices and devices ------------------------------------------------------------


def test_choices_are_saved_with_an_audit_row(clinic, carol):
    patient = make_patient(clinic, "p", email="p@example.org", time_zone=NY)
    row = ReminderSettings(patient=patient, dose_on=True, by_email=True)
    reminder_settings_save(patient=patient, actor=patient.user, settings_row=row)
    assert ReminderSettings.objects.get(patient=patient).dose_on
    assert AuditEvent.objects.get(patient=patient).kind == AuditEvent.Kind.REMINDERS_CHANGED


@pytest.mark.parametrize(
    ("choices", "field"),
    [
        (
            {
                "dose_on": True,
                "by_email": True,
                "bedtime_at": T(23),
                "quiet_from": T(22),
                "quiet_until": T(7),
            },
            "bedtime_at",
        ),
        ({"dose_on": True}, "by_push"),  # no way to reach the patient
        ({"refill_on": True, "by_email": True}, "refill_on"),
        ({"supply_doses": 401, "supply_counted_on": TODAY}, "supply_doses"),
        ({"refill_days": 61}, "refill_days"),
        ({"supply_doses": 10, "supply_counted_on": TODAY + DAY}, "supply_counted_on"),
    ],
)
def test_choices_out_of_bounds_are_refused(clinic, choices, field):
    patient = make_patient(clinic, "p", email="p@example.org", time_zone=NY)
    with pytest.raises(ValidationError) as refused:
        reminder_settings_save(patient=patient, actor=patient.user, settings_row=ReminderSettings(**choices))
    assert field in refused.value.message_dict
    assert not ReminderSettings.objects.exists()


def test_email_needs_an_address(clinic):
    patient = make_patient(clinic, "p")
    with pytest.raises(ValidationError) as refused:
        reminder_settings_save(
            patient=patient, actor=patient.user, settings_row=ReminderSettings(dose_on=True, by_email=True)
        )
    assert "by_email" in refused.value.message_dict


def test_subscribe_again_replaces_the_device_and_clears_its_expiry(clinic):
    patient = make_patient(clinic, "p")
    first = push_subscribe(
        patient=patient, endpoint="https://push.example/1", p256dh="k", auth="a", device="Chrome"
    )
    PushSubscription.objects.filter(pk=first.pk).update(expired_at=NOW)
    again = push_subscribe(
        patient=patient, endpoint="https://push.example/1", p256dh="k2", auth="a2", device="Chrome"
    )
    assert again.pk == first.pk
    assert (again.p256dh, again.expired_at) == ("k2", None)


def test_a_device_moves_to_the_patient_who_subscribes_with_it(clinic):
    alice, bob = make_patient(clinic, "a"), make_patient(clinic, "b")
    push_subscribe(patient=alice, endpoint="https://push.example/1", p256dh="k", auth="a", device="")
    push_subscribe(patient=bob, endpoint="https://push.example/1", p256dh="k", auth="a", device="")
    assert PushSubscription.objects.get().patient == bob


def test_devices_are_bounded(clinic):
    patient = make_patient(clinic, "p")
    for n in range(10):
        push_subscribe(patient=patient, endpoint=f"https://push.example/{n}", p256dh="k", auth="a", device="")
    with pytest.raises(ValidationError):
        push_subscribe(patient=patient, endpoint="https://push.example/x", p256dh="k", auth="a", device="")


def test_unsubscribe_only_the_patients_own(clinic):
    alice, bob = make_patient(clinic, "a"), make_patient(clinic, "b")
    push_subscribe(patient=alice, endpoint="https://push.example/1", p256dh="k", auth="a", device="")
    assert push_unsubscribe(patient=bob, endpoint="https://push.example/1") == 0
    assert push_unsubscribe(patient=alice, endpoint="https://push.example/1") == 1
    assert not PushSubscription.objects.exists()


def test_forget_expired_devices(clinic):
    patient = make_patient(clinic, "p")
    live = device(patient, "live")
    PushSubscription.objects.filter(pk=device(patient, "gone").pk).update(expired_at=NOW)
    assert push_expired_forget(patient=patient) == 1
    assert list(PushSubscription.objects.all()) == [live]


def test_a_stored_unknown_time_zone_does_not_stop_the_others_reminders(clinic, carol, pushes):
    broken = patient_with(clinic, carol, "broken", dose_on=True, bedtime_at=T(22))
    patient_with(clinic, carol, "fine", dose_on=True, bedtime_at=T(22))
    type(broken).objects.filter(pk=broken.pk).update(
        time_zone="Mars/Olympus_Mons"
    )  # by hand, past the checks
    assert run_pass(local(22)) == 1
    assert [m.to[0] for m in mail.outbox] == ["fine@example.org"]


def test_each_patient_is_reminded_in_their_own_language(clinic, carol, pushes):
    from journal.models import User

    spanish = patient_with(clinic, carol, "sol", dose_on=True, bedtime_at=T(22), by_push=True)
    User.objects.filter(pk=spanish.user_id).update(language="es")
    device(spanish)
    patient_with(clinic, carol, "pat", dose_on=True, bedtime_at=T(22))
    run_pass(local(22))
    sent = {message.to[0]: message for message in mail.outbox}
    assert sent["pat@example.org"].subject == "Time for your bedtime LDN dose."
    assert sent["sol@example.org"].subject == "Es la hora de su dosis de LDN de la noche."
    assert "Abra LDN Journal en su teléfono" in sent["sol@example.org"].body
    assert [payload["body"] for _endpoint, payload in pushes.sent] == [
        "Es la hora de su dosis de LDN de la noche."
    ]
