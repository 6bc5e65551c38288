"""journal.services.account: failed sign-ins, two-factor sign-in (authenticator app and
recovery codes), and ending a user's sessions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from journal.models import AuditEvent, LoginFailure, LoginSession
from journal.selectors.account import session_reference
from journal.services.account import (
    language_set,
    login_failure_record,
    login_failures_clear,
    recovery_codes_renew,
    sessions_end,
    sessions_end_others,
    two_factor_disable,
    two_factor_enable,
    two_factor_verify,
)
from tests.two_factor import code_for, next_code, with_two_factor, wrong_code

NOW = dt.datetime(2026, 3, 20, 19, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_a_failure_is_kept_and_those_too_old_for_any_rule_go():
    login_failure_record(username="carol", address="203.0.113.1", now=NOW - dt.timedelta(hours=2))
    login_failure_record(username="carol", address="203.0.113.1", now=NOW)
    assert list(LoginFailure.objects.values_list("username", "address", "at")) == [
        ("carol", "203.0.113.1", NOW)
    ]


@pytest.mark.django_db
def test_an_overlong_username_is_kept_cut_short():
    login_failure_record(username="x" * 10_000, address="203.0.113.1", now=NOW)
    assert LoginFailure.objects.get().username == "x" * 150


@pytest.mark.django_db
def test_a_sign_in_forgives_only_its_own_addresss_failures():
    login_failure_record(username="carol", address="203.0.113.1", now=NOW)
    login_failure_record(username="carol", address="203.0.113.2", now=NOW)
    login_failure_record(username="mallory", address="203.0.113.1", now=NOW)
    login_failures_clear(username="carol", address="203.0.113.1")
    assert set(LoginFailure.objects.values_list("username", "address")) == {
        ("carol", "203.0.113.2"),
        ("mallory", "203.0.113.1"),
    }


def test_enabling_needs_a_code_from_the_app(carol):
    key = random_hex(20)
    with pytest.raises(ValidationError) as refusal:
        two_factor_enable(user=carol.user, key=key, code=wrong_code(code_for(key)), keep_session=None)
    assert refusal.value.message_dict == {
        "code": ["That code did not work. Type the 6 digits your app shows now."]
    }
    assert not TOTPDevice.objects.exists()
    assert not AuditEvent.objects.exists()


def test_enabling_confirms_the_app_makes_ten_codes_and_ends_other_sessions(carol):
    for key in ("keep" * 8, "other" * 6):
        LoginSession.objects.create(
            session_key=key, session_data="", expire_date=NOW.replace(year=2100), user=carol.user
        )
    key = random_hex(20)
    codes = two_factor_enable(user=carol.user, key=key, code=code_for(key), keep_session="keep" * 8)
    assert len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=carol.user).confirmed
    assert StaticDevice.objects.get(user=carol.user).token_set.count() == 10
    assert list(LoginSession.objects.values_list("session_key", flat=True)) == ["keep" * 8]
    event = AuditEvent.objects.get()
    assert (event.kind, event.clinic, event.patient, event.summary) == (
        AuditEvent.Kind.TWO_FACTOR_CHANGED,
        carol.clinic,
        None,
        "Carol Clinician: Two-factor sign-in turned on.",
    )


def test_a_patients_change_is_on_their_own_timeline(alice):
    with_two_factor(alice.user)
    assert AuditEvent.objects.get().patient == alice


def test_the_app_code_works_once_and_a_recovery_code_once(carol):
    _, codes = with_two_factor(carol.user)
    code = next_code(carol.user)
    assert two_factor_verify(user=carol.user, code=code) == TOTPDevice.objects.get()
    assert two_factor_verify(user=carol.user, code=code) is None  # replayed
    assert two_factor_verify(user=carol.user, code=codes[0]) == StaticDevice.objects.get()
    assert two_factor_verify(user=carol.user, code=codes[0]) is None  # used up
    assert two_factor_verify(user=carol.user, code="not-a-code") is None


def test_without_two_factor_no_code_works(carol):
    assert two_factor_verify(user=carol.user, code="123456") is None


def test_after_a_wrong_code_the_app_makes_the_next_try_wait(carol):
    with_two_factor(carol.user)
    right = next_code(carol.user)
    assert two_factor_verify(user=carol.user, code=wrong_code(right)) is None
    assert two_factor_verify(user=carol.user, code=right) is None  # within the second of wait


def test_new_recovery_codes_replace_the_old(carol):
    _, old = with_two_factor(carol.user)
    new = recovery_codes_renew(user=carol.user)
    assert set(old).isdisjoint(new)
    assert two_factor_verify(user=carol.user, code=new[0]) is not None
    assert two_factor_verify(user=carol.user, code=old[0]) is None
    assert AuditEvent.objects.last().summary == (
        "Carol Clinician: New recovery codes made; the old ones no longer work."
    )


def test_no_recovery_codes_without_two_factor(carol):
    with pytest.raises(ValidationError):
        recovery_codes_renew(user=carol.user)


def test_disabling_removes_the_app_and_the_codes(carol, ada):
    with_two_factor(carol.user)
    two_factor_disable(user=carol.user, actor=ada.user)
    assert not TOTPDevice.objects.exists()
    assert not StaticDevice.objects.exists()
    event = AuditEvent.objects.last()
    assert (event.actor, event.summary) == (
        ada.user,
        "Carol Clinician: Two-factor sign-in turned off by Ada Clinician.",
    )


def test_disabling_what_is_off_records_nothing(carol):
    two_factor_disable(user=carol.user, actor=carol.user)
    assert not AuditEvent.objects.exists()


def make_sessions(user, *keys):
    for key in keys:
        LoginSession.objects.create(
            session_key=key, session_data="", expire_date=NOW.replace(year=2100), user=user
        )


def test_a_user_ends_their_own_sessions_by_reference_only(carol, alice):
    make_sessions(carol.user, "a" * 32, "b" * 32)
    make_sessions(alice.user, "c" * 32)
    assert (
        sessions_end(user=carol.user, references=[session_reference("a" * 32), session_reference("c" * 32)])
        == 1
    )
    assert set(LoginSession.objects.values_list("session_key", flat=True)) == {"b" * 32, "c" * 32}


def test_signing_out_everywhere_else_keeps_this_session(carol, alice):
    make_sessions(carol.user, "a" * 32, "b" * 32, "d" * 32)
    make_sessions(alice.user, "c" * 32)
    assert sessions_end_others(user=carol.user, keep_session="a" * 32) == 2
    assert set(LoginSession.objects.values_list("session_key", flat=True)) == {"a" * 32, "c" * 32}


@pytest.mark.parametrize("language", ["es", "de", "en", ""])
def test_a_user_picks_the_language_of_their_pages(alice, language):
    language_set(user=alice.user, language=language)
    alice.user.refresh_from_db()
    assert alice.user.language == language


def test_a_language_the_app_does_not_speak_is_refused(alice):
    with pytest.raises(ValidationError):
        language_set(user=alice.user, language="fr")
    alice.user.refresh_from_db()
    assert alice.user.language == ""
