"""The reminder pages: the patient's choices, their devices' push subscriptions, the Today
notice of an expired device, and the service worker."""

from __future__ import annotations

import pytest
from django.urls import reverse

from journal.bounds import PUSH_ENDPOINT_MAX_CHARS
from journal.models import PushSubscription, ReminderSettings

TIMES = {
    "bedtime_at": "22:00",
    "morning_at": "08:00",
    "nudge_at": "20:30",
    "notice_at": "18:00",
    "refill_days": "7",
}
SUBSCRIPTION = {"endpoint": "https://push.example.org/send/abc", "p256dh": "BKey", "auth": "secret"}


@pytest.fixture
def signed_in(client, alice):
    alice.email = "alice@example.org"
    alice.save()
    client.force_login(alice.user)
    return client


def test_the_page_is_reachable_from_my_plan_and_account(signed_in):
    for page in ("my_plan", "account", "today"):
        assert reverse("reminders").encode() in signed_in.get(reverse(page)).content


def test_choices_are_saved(signed_in, alice):
    response = signed_in.post(
        reverse("reminders"),
        {**TIMES, "dose_on": "on", "bedtime_at": "21:45", "by_email": "on"},
    )
    assert response.status_code == 302
    stored = ReminderSettings.objects.get(patient=alice)
    assert (stored.dose_on, stored.bedtime_at.isoformat(), stored.by_email) == (True, "21:45:00", True)


def test_a_time_inside_quiet_hours_is_refused_with_its_reason(signed_in, alice):
    response = signed_in.post(
        reverse("reminders"),
        {
            **TIMES,
            "dose_on": "on",
            "bedtime_at": "23:00",
            "quiet_from": "22:00",
            "quiet_until": "07:00",
            "by_email": "on",
        },
    )
    assert response.status_code == 400
    assert "23:00 is inside your quiet hours (22:00–07:00)" in response.content.decode()
    assert not ReminderSettings.objects.exists()


def test_a_device_subscribes_and_unsubscribes(signed_in, alice):
    response = signed_in.post(
        reverse("push_subscription_add"),
        SUBSCRIPTION,
        headers={"user-agent": "Mozilla/5.0 (Linux; Android 14) Chrome/130.0 Mobile"},
    )
    assert response.status_code == 201
    device = PushSubscription.objects.get()
    assert (device.patient, device.endpoint, device.device) == (
        alice,
        SUBSCRIPTION["endpoint"],
        "Chrome on Android",
    )
    assert b"Chrome on Android" in signed_in.get(reverse("reminders")).content
    signed_in.post(reverse("push_subscription_remove"), {"endpoint": SUBSCRIPTION["endpoint"]})
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://push.example.org/a",
        "javascript:alert(1)",
        "https://push.example.org/" + "a" * PUSH_ENDPOINT_MAX_CHARS,
        "",
    ],
)
def test_a_bad_subscription_is_refused(signed_in, endpoint):
    response = signed_in.post(reverse("push_subscription_add"), {**SUBSCRIPTION, "endpoint": endpoint})
    assert response.status_code == 400
    assert "endpoint" in response.json()["errors"]
    assert not PushSubscription.objects.exists()


def test_today_tells_the_patient_a_device_expired_until_they_forget_it(signed_in, alice):
    from django.utils import timezone

    PushSubscription.objects.create(
        patient=alice, endpoint="https://p/1", p256dh="k", auth="a", expired_at=timezone.now()
    )
    assert b"Push reminders stopped on a device" in signed_in.get(reverse("today")).content
    signed_in.post(reverse("push_expired_dismiss"))
    assert b"Push reminders stopped" not in signed_in.get(reverse("today")).content


def test_the_service_worker_is_served_from_the_root_to_anyone(client):
    response = client.get(reverse("service_worker"))
    assert reverse("service_worker") == "/service-worker.js"
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    assert 'addEventListener("push"' in body and 'addEventListener("notificationclick"' in body
    # it keeps only the pages the server marks, of the three a patient may open offline
    assert 'const OFFLINE_HEADER = "X-Offline-Page";' in body
    assert 'const KEPT_PAGES = ["/today/", "/entry/", "/plan/"];' in body
