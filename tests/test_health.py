"""The health endpoint (/health/): open without a login for a load balancer, JSON and an HTTP
status, and nothing in it about a patient."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from journal.models import MailStatus, OutgoingMail, WorkerHeartbeat
from journal.services.mail import mail_queue


def _beat(ago: dt.timedelta = dt.timedelta(seconds=5)) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="w1", started_at=now - dt.timedelta(hours=1), seen_at=now - ago)


def test_healthy_is_200_with_every_check_ok(client, db):
    _beat()
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "migrations": "ok", "worker": "ok", "mail": "ok"}
    assert body["worker"]["workers_seen"] == 1
    assert body["mail"] == {"oldest_unsent_seconds": None, "retrying": 0, "given_up_last_day": 0}


def test_a_stopped_worker_is_503_and_says_which_check_fails(client, db):
    _beat(dt.timedelta(minutes=5))
    response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["worker"] == "failing"
    assert body["worker"]["last_seen_seconds_ago"] >= 300


def test_stuck_mail_is_503(client, db):
    _beat()
    mail_queue(to="nora@example.org", subject="Your invitation", body="https://x/invitation/T/")
    OutgoingMail.objects.update(created_at=timezone.now() - dt.timedelta(minutes=20))
    body = client.get(reverse("health")).json()
    assert body["checks"]["mail"] == "failing"
    assert body["mail"]["oldest_unsent_seconds"] >= 1200


@pytest.mark.parametrize("role", ["anonymous", "alice", "carol", "ada"])
def test_health_shows_nothing_about_a_patient_or_a_mail(client, request, alice, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role).user)
    mail_queue(to="alice@example.org", subject=f"Invitation for {alice.name}", body="https://x/invitation/T/")
    OutgoingMail.objects.update(
        status=MailStatus.RETRYING, next_attempt_at=timezone.now(), last_error="Refused"
    )
    response = client.get(reverse("health"))
    assert response.status_code == 503  # no worker yet, and it is the same answer for everyone
    content = response.content.decode()
    for secret in (alice.name, "alice@example.org", "invitation", "Refused", "/T/"):
        assert secret not in content
    assert "no-store" in response["Cache-Control"]


def test_health_answers_get_only(client, db):
    assert client.post(reverse("health")).status_code == 405


def test_health_is_answered_over_plain_http_when_https_is_enforced(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("rulebook")).status_code == 301
    assert client.get(reverse("health")).status_code == 503  # answered, not redirected
