from __future__ import annotations

import pytest
from django.urls import reverse


def test_login_page_logs_a_patient_in_and_out(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("today")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("today")).status_code == 302


def test_wrong_password_says_so_and_logs_nobody_in(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert client.get(reverse("today")).status_code == 302


@pytest.mark.parametrize("username", ["u" * 300, "a\x00b"])
def test_an_absurd_username_is_a_failed_login_not_an_error(client, settings, alice, username):
    settings.AXES_ENABLED = True  # the lockout records each attempt: it answered 500 on PostgreSQL
    response = client.post(reverse("login"), {"username": username, "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert client.get(reverse("today")).status_code == 302


def test_logout_needs_post(client, alice):
    client.force_login(alice.user)
    assert client.get(reverse("logout")).status_code == 405


@pytest.mark.django_db
def test_login_is_locked_after_five_failures(client, settings, alice):
    settings.AXES_ENABLED = True
    for _ in range(5):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "alice", "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_unknown_page_is_a_friendly_404(client, alice):
    client.force_login(alice.user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_an_htmx_request_after_the_session_ended_reloads_the_login_page(client):
    response = client.post(reverse("entry"), {}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('login')}?next={reverse('entry')}"


@pytest.mark.parametrize(("who", "days"), [("alice", 30), ("carol", 0.5)])
def test_a_login_lasts_by_role(client, request, alice, carol, who, days):
    client.post(reverse("login"), {"username": who, "password": "correct-horse-battery"})
    assert client.session.get_expiry_age() == int(days * 24 * 3600)
