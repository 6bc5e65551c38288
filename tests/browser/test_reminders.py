"""A patient turns on push and e-mail reminders in chromium and receives them at the chosen local time.

Headless chromium has no push service to subscribe with offline, so the page's
`PushManager.subscribe` answers with a made-up subscription (the rest of the page's script runs
as on a phone: permission, service worker registration, the POST to the server). The worker's
pass then runs at chosen moments with pywebpush stood in for, and each payload it would have
sent is delivered to the page's real service worker through the DevTools protocol
(`ServiceWorker.deliverPushMessage`): the notification it shows is read back with
`registration.getNotifications()`."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect
from pywebpush import WebPushException

from journal.models import PushStatus, PushSubscription, ReminderPush, ReminderSettings
from journal.services import reminders as reminder_service
from tests.browser.conftest import log_in, screenshot
from tests.factories import make_clinic, make_clinician, make_patient, make_plan

ZONE = "America/New_York"
FAKE_ENDPOINT = "https://push.example.org/send/browser-test-device"
# A made-up subscription with a real P-256 public key and secret, as a browser's would look.
FAKE_SUBSCRIPTION = """
(() => {
  const subscription = {
    endpoint: "FAKE_ENDPOINT",
    toJSON() {
      return {endpoint: this.endpoint, keys: {
        p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
        auth: "tBHItJI5svbpez7KI4CCXg"}};
    },
    unsubscribe() { sessionStorage.removeItem("subscribed"); return Promise.resolve(true); },
  };
  PushManager.prototype.subscribe = function () {
    sessionStorage.setItem("subscribed", "yes");
    return Promise.resolve(subscription);
  };
  PushManager.prototype.getSubscription = function () {
    return Promise.resolve(sessionStorage.getItem("subscribed") ? subscription : null);
  };
})();
""".replace("FAKE_ENDPOINT", FAKE_ENDPOINT)


def local(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=zoneinfo.ZoneInfo(ZONE)).astimezone(dt.UTC)


class PushService:
    """Stands in for pywebpush: keeps each payload, or refuses with the next answer queued."""

    def __init__(self):
        self.payloads: list[str] = []
        self.refusals: list[int] = []

    def __call__(self, subscription_info, *, data, **options):
        if self.refusals:
            status = self.refusals.pop(0)
            raise WebPushException("refused", response=SimpleNamespace(status_code=status, text=""))
        self.payloads.append(data)


def worker_at(moment: dt.datetime) -> None:
    """The worker's beat at `moment`, then the tasks it queued."""
    reminder_service.reminders_send_due(now=moment)
    for task in DBTaskResult.objects.filter(task_path__endswith="deliver_reminders", status="READY"):
        mail_ids, push_ids = task.args_kwargs["args"]
        reminder_service.reminders_deliver(mail_ids=mail_ids, push_ids=push_ids)
        DBTaskResult.objects.filter(pk=task.pk).update(status="SUCCESSFUL")


def shown_notifications(page) -> list[dict]:
    return page.evaluate(
        """navigator.serviceWorker.ready
             .then((registration) => registration.getNotifications())
             .then((shown) => shown.map((n) => ({title: n.title, body: n.body, tag: n.tag})))"""
    )


def deliver(page, cdp, registration_id: str, origin: str, payload: str) -> None:
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": origin, "registrationId": registration_id, "data": payload},
    )


@pytest.mark.django_db(transaction=True)
def test_patient_turns_on_push_reminders_and_receives_them(phone, live_server, monkeypatch, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    push = PushService()
    monkeypatch.setattr(reminder_service, "webpush", push)
    clinic = make_clinic("Browser Clinic")
    doctor = make_clinician(clinic, "drb")
    patient = make_patient(clinic, "paula", clinicians=(doctor,), time_zone=ZONE, email="paula@example.org")
    today = patient.local_today()
    make_plan(patient, doctor, [(today - dt.timedelta(days=20), "1.5")])
    phone.context.grant_permissions(["notifications"], origin=live_server.url)
    phone.context.add_init_script(FAKE_SUBSCRIPTION)

    log_in(phone, "paula")
    phone.goto("/plan/")
    phone.get_by_role("link", name="Reminders").click()
    phone.get_by_label("Remind me to take my dose").check()
    phone.get_by_label("Time of a bedtime dose").fill("21:30")
    phone.get_by_label("Remind me in the evening if I have not logged today").check()
    phone.get_by_label("Time of the “not logged yet” reminder").fill("20:00")
    phone.get_by_label("Quiet from (optional)").fill("22:00")
    phone.get_by_label("Quiet until").fill("07:00")
    phone.get_by_label("On my devices (push notifications)").check()
    phone.get_by_label("By e-mail").check()
    phone.get_by_role("button", name="Save reminders").click()
    expect(phone.get_by_text("Your reminders are saved.")).to_be_visible()

    phone.get_by_role("button", name="Turn on push reminders on this device").click()
    expect(phone.get_by_test_id("push-device")).to_have_count(1)
    expect(phone.get_by_text("This device gets push reminders.")).to_be_visible()
    assert PushSubscription.objects.get().endpoint == FAKE_ENDPOINT

    cdp = phone.context.new_cdp_session(phone)
    registrations: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(r["registrationId"] for r in event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    phone.wait_for_timeout(200)
    assert registrations, "the page registered no service worker"

    # Not yet: a minute before the dose time. Then the dose reminder at 21:30 New York time.
    worker_at(local(today, 21, 29))
    assert push.payloads == []
    worker_at(local(today, 21, 30))
    (payload,) = push.payloads
    assert json.loads(payload)["body"] == "Time for your bedtime LDN dose."
    deliver(phone, cdp, registrations[-1], live_server.url, payload)
    phone.wait_for_function(
        "() => navigator.serviceWorker.ready.then(r => r.getNotifications()).then(n => n.length > 0)"
    )
    assert shown_notifications(phone) == [
        {"title": "LDN Journal", "body": "Time for your bedtime LDN dose.", "tag": "ldn-dose"}
    ]
    assert [m.subject for m in mail.outbox] == ["Time for your bedtime LDN dose."]

    # The next day: the nudge at 20:00 (nothing logged), with its push refused once by the push
    # service: retried, then sent.
    tomorrow = today + dt.timedelta(days=1)
    push.payloads.clear()
    push.refusals = [503]
    worker_at(local(tomorrow, 20))
    retrying = ReminderPush.objects.get(status=PushStatus.RETRYING)
    phone.goto("/reminders/")
    expect(phone.get_by_text("device: failed, will retry")).to_be_visible()
    with time_machine.travel(local(tomorrow, 20, 1), tick=False):  # the retry's minute, after its wait
        assert reminder_service.reminder_push_retry(push_id=retrying.pk) == PushStatus.SENT
    (payload,) = push.payloads
    deliver(phone, cdp, registrations[-1], live_server.url, payload)
    phone.wait_for_function(
        "() => navigator.serviceWorker.ready.then(r => r.getNotifications())"
        ".then(shown => shown.some(n => n.tag === 'ldn-nudge'))"
    )
    assert "You have not logged today yet: it takes 30 seconds." in [
        n["body"] for n in shown_notifications(phone)
    ]

    # Inside the quiet hours nothing is sent (a time chosen inside them is refused by the form:
    # tests/test_reminder_views.py), even with the dose time moved into them behind the form's back.
    ReminderSettings.objects.filter(patient=patient).update(bedtime_at=dt.time(23))
    push.payloads.clear()
    worker_at(local(tomorrow, 23))
    assert push.payloads == []
    phone.reload()
    screenshot(phone, "reminders-patient")
