"""Writes for signing in and the user's own account: failed sign-ins, two-factor sign-in
(an authenticator app, with recovery codes for when the phone is lost), and ending sessions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import django_otp
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from journal.lockout import LONGEST_WINDOW
from journal.models import AuditEvent, LoginFailure, LoginSession, User
from journal.selectors.account import session_reference
from journal.services.audit import record_audit

RECOVERY_CODE_COUNT = 10
LOGIN_FIELD_MAX_CHARS = 150  # a username longer than the longest possible one is kept cut short


def login_failure_record(*, username: str, address: str, now: dt.datetime) -> None:
    """One failed sign-in; failures too old for any lockout rule go as new ones come in."""
    with transaction.atomic():
        LoginFailure.objects.filter(at__lte=now - LONGEST_WINDOW).delete()
        LoginFailure.objects.create(username=username[:LOGIN_FIELD_MAX_CHARS], address=address, at=now)


def login_failures_clear(*, username: str, address: str) -> None:
    """A successful sign-in forgives this username's failures from this address (not those from
    elsewhere: they may be someone else's guesses)."""
    LoginFailure.objects.filter(username=username, address=address).delete()


def two_factor_verify(*, user: User, code: str) -> Device | None:
    """The device that accepts `code`: six digits are the authenticator app's (each code works
    once), anything else a recovery code (used up as it is used). After wrong codes each device
    makes the next try wait (1, 2, 4, … seconds: django-otp's throttling)."""
    if code.isdigit():
        device: Device | None = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return None
    verified: Device | None = django_otp.verify_token(user, device.persistent_id, code)
    return verified


def two_factor_enable(*, user: User, key: str, code: str, keep_session: str | None) -> list[str]:
    """Turn on two-factor sign-in with the authenticator app holding `key` (hex), once a code
    from it shows that it does; returns the new recovery codes (shown once). Every other session
    of the user ends: from now on each sign-in needs a code."""
    with transaction.atomic():
        device = TOTPDevice.objects.create(user=user, key=key, name="Authenticator app", confirmed=False)
        if not device.verify_token(code):
            raise ValidationError({"code": "That code did not work. Type the 6 digits your app shows now."})
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        sessions_end_others(user=user, keep_session=keep_session)
        _audit(user, "Two-factor sign-in turned on.", {"action": "enabled"})
    return codes


def recovery_codes_renew(*, user: User) -> list[str]:
    """New recovery codes in place of the old ones, which stop working."""
    with transaction.atomic():
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise ValidationError("Two-factor sign-in is not on.")
        codes = _new_recovery_codes(user)
        _audit(user, "New recovery codes made; the old ones no longer work.", {"action": "recovery_codes"})
    return codes


def two_factor_disable(*, user: User, actor: User) -> None:
    """Remove the user's authenticator app and recovery codes: sign-in needs the password only."""
    with transaction.atomic():
        was_on = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        if was_on:
            by = "" if actor == user else f" by {actor.get_full_name() or actor.username}"
            _audit(user, f"Two-factor sign-in turned off{by}.", {"action": "disabled"}, actor=actor)


def language_set(*, user: User, language: str) -> None:
    """The language of the user's pages, e-mails and push reminders ("" follows the browser)."""
    user.language = User._meta.get_field("language").clean(language, user)
    user.save(update_fields=["language"])


def sessions_end(*, user: User, references: Iterable[str]) -> int:
    """End the user's sessions named on their sessions page; returns how many ended."""
    wanted = set(references)
    keys = [
        key
        for key in LoginSession.objects.filter(user=user).values_list("session_key", flat=True)
        if session_reference(key) in wanted
    ]
    return LoginSession.objects.filter(user=user, session_key__in=keys).delete()[0]


def sessions_end_others(*, user: User, keep_session: str | None) -> int:
    """End every session of the user but `keep_session` (this browser's); returns how many ended."""
    return LoginSession.objects.filter(user=user).exclude(session_key=keep_session).delete()[0]


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _audit(user: User, summary: str, details: dict[str, str], actor: User | None = None) -> None:
    """Two-factor changes are recorded on the clinic (a clinician's) or the patient's timeline;
    a staff login with neither has no clinic to record them on."""
    clinician = getattr(user, "clinician", None)
    patient = getattr(user, "patient", None)
    clinic = clinician.clinic if clinician is not None else None
    if clinic is None and patient is None:
        return
    record_audit(
        patient=patient,
        clinic=clinic,
        actor=actor or user,
        kind=AuditEvent.Kind.TWO_FACTOR_CHANGED,
        summary=f"{user.get_full_name() or user.username}: {summary}",
        details={**details, "user": str(user.pk)},
    )
