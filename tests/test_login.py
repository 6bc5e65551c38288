from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from journal.models import LoginFailure


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


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("u" * 300, "Please enter a correct username and password"),
        ("a\x00b", "Null characters are not allowed"),
    ],
)
def test_an_absurd_username_is_a_failed_login_not_an_error(client, alice, username, message):
    # the lockout records each attempt's username: these answered 500 on PostgreSQL
    response = client.post(reverse("login"), {"username": username, "password": "wrong"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert client.get(reverse("today")).status_code == 302


def test_logout_needs_post(client, alice):
    client.force_login(alice.user)
    assert client.get(reverse("logout")).status_code == 405


@pytest.mark.django_db
def test_login_is_locked_after_five_failures(client, alice):
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


# --- lockout behind a proxy ----------------------------------------------------------------------

PROXY = "192.0.2.10"  # the clinic's TLS proxy: every request reaches the app from it


def attempt(client, username, password, address):
    """A login from `address`, reaching the app through the proxy."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def test_wrong_passwords_from_one_client_do_not_lock_out_the_others_behind_the_proxy(
    client, behind_proxy, carol
):
    for _ in range(5):
        attempt(client, "carol", "wrong", "203.0.113.66")
    assert attempt(client, "carol", "correct-horse-battery", "198.51.100.20").status_code == 302


def test_one_address_cannot_try_many_usernames(client, behind_proxy, alice):
    for number in range(20):
        attempt(client, f"user{number}", "wrong", "203.0.113.66")
    assert attempt(client, "alice", "correct-horse-battery", "203.0.113.66").status_code == 429


def test_many_addresses_cannot_each_take_a_few_guesses_at_full_speed(client, carol):
    for number in range(10):
        client.post(
            reverse("login"), {"username": "carol", "password": "wrong"}, REMOTE_ADDR=f"203.0.113.{number}"
        )
    response = client.post(
        reverse("login"),
        {"username": "carol", "password": "correct-horse-battery"},
        REMOTE_ADDR="203.0.113.200",
    )
    assert response.status_code == 429


@pytest.mark.frozen_at(dt.datetime(2026, 3, 20, 19, 0, tzinfo=dt.UTC))
def test_the_attackers_own_address_is_locked_for_that_username(client, behind_proxy, carol, frozen):
    for _ in range(5):
        attempt(client, "carol", "wrong", "203.0.113.66")
    response = attempt(client, "carol", "correct-horse-battery", "203.0.113.66")
    assert response.status_code == 429
    assert (
        "Your clinic&#x27;s admin can unlock it sooner. Try again in 60 minutes." in response.content.decode()
    )
    assert response["Retry-After"] == "3600"


@pytest.mark.frozen_at(dt.datetime(2026, 3, 20, 19, 0, tzinfo=dt.UTC))
def test_a_slowed_down_username_waits_seconds_not_an_hour(client, behind_proxy, carol, frozen):
    for number in range(10):
        attempt(client, "carol", "wrong", f"203.0.113.{number}")
    response = attempt(client, "carol", "correct-horse-battery", "198.51.100.20")
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    with time_machine.travel(frozen + dt.timedelta(seconds=30), tick=False):
        assert attempt(client, "carol", "correct-horse-battery", "198.51.100.20").status_code == 302


def test_a_browser_that_signed_in_before_is_not_slowed_down(client, behind_proxy, carol):
    attempt(client, "carol", "correct-horse-battery", "198.51.100.20")
    client.post(reverse("logout"))
    attacker = Client()
    for number in range(10):
        attempt(attacker, "carol", "wrong", f"203.0.113.{number}")
    assert attempt(attacker, "carol", "correct-horse-battery", "203.0.113.99").status_code == 429
    assert attempt(client, "carol", "correct-horse-battery", "198.51.100.20").status_code == 302


def test_the_known_browser_cookie_does_not_name_its_users(client, behind_proxy, carol):
    attempt(client, "carol", "correct-horse-battery", "198.51.100.20")
    assert "carol" not in client.cookies["known_browser"].value


def test_a_refused_attempt_is_not_counted(client, behind_proxy, carol):
    for _ in range(5):
        attempt(client, "carol", "wrong", "203.0.113.66")
    for _ in range(3):
        attempt(client, "carol", "wrong", "203.0.113.66")
    assert LoginFailure.objects.count() == 5


def test_without_trusted_proxies_a_forwarded_header_changes_nothing(client, carol):
    for number in range(5):
        attempt(client, "carol", "wrong", f"203.0.113.{number}")  # every one from the proxy's address
    assert attempt(client, "carol", "correct-horse-battery", "198.51.100.20").status_code == 429


def test_a_username_with_added_spaces_is_the_same_username(client, behind_proxy, carol):
    for spaces in range(5):
        attempt(client, " " * spaces + "carol", "wrong", "203.0.113.66")
    assert attempt(client, "carol", "correct-horse-battery", "203.0.113.66").status_code == 429


def test_a_sign_in_forgives_the_failures_of_its_own_address(client, behind_proxy, carol):
    for _ in range(4):
        attempt(client, "carol", "wrong", "198.51.100.20")
    attempt(client, "carol", "correct-horse-battery", "198.51.100.20")
    client.post(reverse("logout"))
    attempt(client, "carol", "wrong", "198.51.100.20")
    assert attempt(client, "carol", "correct-horse-battery", "198.51.100.20").status_code == 302


def test_a_username_with_a_nul_character_is_refused_without_an_error(client, carol):
    response = client.post(reverse("login"), {"username": "car\x00ol", "password": "wrong"})
    assert response.status_code == 200
    assert attempt(client, "car\x00ol", "wrong", "203.0.113.66").status_code == 200


def test_an_empty_form_says_what_is_missing(client, db):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    assert "Username: This field is required." in response.content.decode()
    assert "Password: This field is required." in response.content.decode()
