"""A user's own sessions: listed with browser, address and last activity, ended one by one or
all but this one; a password change or a deactivated login ends them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from journal.models import LoginSession
from journal.selectors.account import session_reference

NOW = dt.datetime(2026, 3, 20, 19, 0, tzinfo=dt.UTC)
PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
LAPTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
PROXY = "192.0.2.10"


def browser(user_agent: str, address: str) -> Client:
    """A browser behind the clinic's proxy."""
    return Client(
        headers={"user-agent": user_agent, "x-forwarded-for": address},
        REMOTE_ADDR=PROXY,
    )


def sign_in(client: Client, username: str, password: str = "correct-horse-battery") -> None:
    assert client.post(reverse("login"), {"username": username, "password": password}).status_code == 302


@pytest.fixture
def two_browsers(settings, alice):
    settings.TRUSTED_PROXY_COUNT = 1
    phone, laptop = browser(PHONE, "198.51.100.7"), browser(LAPTOP, "203.0.113.9")
    sign_in(phone, "alice")
    sign_in(laptop, "alice")
    return phone, laptop


def test_the_sessions_page_lists_each_browser_where_it_is_and_marks_this_one(two_browsers):
    phone, _ = two_browsers
    page = phone.get(reverse("sessions")).content.decode()
    assert page.count('data-testid="session"') == 2
    assert 'Mobile Safari on iOS <span class="badge ok">this browser</span>' in page
    assert "Firefox on Windows</h2>" in page
    assert "198.51.100.7" in page
    assert "203.0.113.9" in page
    assert PROXY not in page
    assert phone.session.session_key not in page


def test_signing_out_one_session_signs_out_that_browser_only(two_browsers, alice):
    phone, laptop = two_browsers
    response = phone.post(reverse("session_end", args=[session_reference(laptop.session.session_key)]))
    assert response.url == reverse("sessions")
    assert laptop.get(reverse("today")).status_code == 302
    assert phone.get(reverse("today")).status_code == 200


def test_another_users_session_cannot_be_ended(two_browsers, bob):
    _, laptop = two_browsers
    bobs = Client()
    bobs.force_login(bob.user)
    bobs.post(reverse("session_end", args=[session_reference(laptop.session.session_key)]))
    assert laptop.get(reverse("today")).status_code == 200


def test_signing_out_everywhere_else(two_browsers):
    phone, laptop = two_browsers
    third = browser(LAPTOP, "203.0.113.10")
    sign_in(third, "alice")
    phone.post(reverse("sessions_end_others"))
    assert "Signed out everywhere else (2 sessions)." in phone.get(reverse("sessions")).content.decode()
    assert laptop.get(reverse("today")).status_code == 302
    assert third.get(reverse("today")).status_code == 302
    assert phone.get(reverse("today")).status_code == 200


def test_the_account_pages_change_nothing_on_a_get(two_browsers):
    phone, laptop = two_browsers
    assert phone.get(reverse("sessions_end_others")).status_code == 405
    assert phone.get(reverse("session_end", args=["x"])).status_code == 405
    assert laptop.get(reverse("today")).status_code == 200


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(two_browsers):
    phone, laptop = two_browsers
    response = phone.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "a-new-long-phrase",
            "new_password2": "a-new-long-phrase",
        },
    )
    assert response.url == reverse("account")
    assert phone.get(reverse("today")).status_code == 200
    assert laptop.get(reverse("today")).status_code == 302
    assert LoginSession.objects.filter(user__username="alice").count() == 1


def test_a_wrong_old_password_changes_nothing_and_counts_as_a_failure(two_browsers):
    from journal.models import LoginFailure

    phone, laptop = two_browsers
    response = phone.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "a-new-long-phrase", "new_password2": "a-new-long-phrase"},
    )
    assert response.status_code == 200
    assert laptop.get(reverse("today")).status_code == 200
    assert LoginFailure.objects.get().address == "198.51.100.7"


def test_a_deactivated_patient_loses_every_session(two_browsers, alice):
    phone, laptop = two_browsers
    alice.user.is_active = False
    alice.user.save()
    assert not LoginSession.objects.filter(user=alice.user).exists()
    alice.user.is_active = True
    alice.user.save()
    assert phone.get(reverse("today")).status_code == 302
    assert laptop.get(reverse("today")).status_code == 302


def test_last_activity_is_kept_to_within_five_minutes_without_moving_the_expiry(settings, alice):
    settings.TRUSTED_PROXY_COUNT = 1
    with time_machine.travel(NOW, tick=False):
        phone = browser(PHONE, "198.51.100.7")
        sign_in(phone, "alice")
        session = LoginSession.objects.get()
        expires = session.expire_date
    with time_machine.travel(NOW + dt.timedelta(minutes=4), tick=False):
        phone.get(reverse("today"))
    assert LoginSession.objects.get().last_activity == NOW
    moved = browser(PHONE, "198.51.100.99")
    moved.cookies = phone.cookies
    with time_machine.travel(NOW + dt.timedelta(minutes=6), tick=False):
        moved.get(reverse("today"))
    session = LoginSession.objects.get()
    assert (session.last_activity, session.address) == (NOW + dt.timedelta(minutes=6), "198.51.100.99")
    assert session.expire_date == expires


def test_a_header_with_control_characters_is_stored_without_them(alice):
    client = Client(headers={"user-agent": "Evil\x00Agent\x1b[31m"})
    sign_in(client, "alice")
    assert LoginSession.objects.get().user_agent == "EvilAgent[31m"
