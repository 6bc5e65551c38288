"""journal.selectors.account: recent failed sign-ins, two-factor devices, a user's sessions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.crypto import get_random_string
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from journal.models import LoginFailure, LoginSession
from journal.selectors.account import (
    browser_words,
    confirmed_totp_device,
    has_two_factor,
    recent_failures,
    recovery_codes_left,
    session_reference,
    user_sessions,
)

NOW = dt.datetime(2026, 3, 20, 19, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
LAPTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


def fail(username: str, address: str, minutes_ago: float) -> None:
    LoginFailure.objects.create(username=username, address=address, at=NOW - minutes_ago * MINUTE)


@pytest.mark.django_db
def test_recent_failures_sorts_the_last_hour_by_username_and_address():
    fail("carol", "203.0.113.1", 1)
    fail("carol", "203.0.113.2", 2)
    fail("mallory", "203.0.113.1", 3)
    fail("carol", "203.0.113.1", 61)  # too old for any rule
    found = recent_failures("carol", "203.0.113.1", NOW)
    assert found.pair == [NOW - MINUTE]
    assert found.address == [NOW - MINUTE, NOW - 3 * MINUTE]
    assert found.username == [NOW - MINUTE, NOW - 2 * MINUTE]


def test_two_factor_is_on_only_with_a_confirmed_app(carol):
    assert not has_two_factor(carol.user)
    TOTPDevice.objects.create(user=carol.user, confirmed=False)
    assert not has_two_factor(carol.user)
    assert confirmed_totp_device(carol.user) is None
    device = TOTPDevice.objects.create(user=carol.user, confirmed=True)
    assert has_two_factor(carol.user)
    assert confirmed_totp_device(carol.user) == device


def test_recovery_codes_left_counts_the_unused_ones(carol):
    assert recovery_codes_left(carol.user) == 0
    device = StaticDevice.objects.create(user=carol.user, confirmed=True)
    device.token_set.create(token="abcdefgh")
    device.token_set.create(token="ijklmnop")
    assert recovery_codes_left(carol.user) == 2


def session(user, key: str, user_agent: str, minutes_ago: float, expires_in=dt.timedelta(hours=1)):
    return LoginSession.objects.create(
        session_key=key,
        session_data="",
        expire_date=NOW + expires_in,
        user=user,
        user_agent=user_agent,
        address="198.51.100.7",
        last_activity=NOW - minutes_ago * MINUTE,
    )


@pytest.mark.frozen_at(NOW)
def test_user_sessions_lists_this_one_first_then_the_latest(frozen, carol, alice):
    session(carol.user, "a" * 32, LAPTOP, 60)
    session(carol.user, "b" * 32, PHONE, 5)
    session(carol.user, "c" * 32, "", 1)
    session(carol.user, "d" * 32, PHONE, 1, expires_in=-MINUTE)  # expired
    session(alice.user, "e" * 32, PHONE, 1)  # someone else's
    rows = user_sessions(carol.user, "a" * 32, NOW)
    assert [(row.browser, row.is_current) for row in rows] == [
        ("Firefox on Windows", True),
        ("Unknown browser", False),
        ("Chrome Mobile on Android", False),
    ]
    assert rows[0].reference == session_reference("a" * 32)
    assert rows[0].address == "198.51.100.7"


def test_a_session_reference_does_not_show_the_key():
    key = get_random_string(32)
    assert key not in session_reference(key)
    assert session_reference(key) == session_reference(key)


@pytest.mark.parametrize(
    ("user_agent", "words"),
    [
        (PHONE, "Chrome Mobile on Android"),
        (LAPTOP, "Firefox on Windows"),
        ("", "Unknown browser"),
        ("curl/8.5.0", "curl"),
    ],
)
def test_browser_words(user_agent, words):
    assert browser_words(user_agent) == words
