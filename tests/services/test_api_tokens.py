"""API tokens: made and revoked by a clinic admin (audited), the secret shown once and kept only
as its hash, and checked on every API request."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from journal.bounds import API_TOKENS_MAX
from journal.models import ApiToken, AuditEvent
from journal.services.api_tokens import Refusal, api_token_create, api_token_revoke, api_token_use
from tests.factories import make_clinician

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)


def test_a_token_is_made_with_its_secret_shown_once_and_kept_as_a_hash(ada):
    made = api_token_create(admin=ada, name="  EHR   nightly import ", days=30, now=NOW)
    token = ApiToken.objects.get()
    assert made.token == token
    assert made.secret.startswith("ldn_") and len(made.secret) == 47
    assert token.secret_hash == hashlib.sha256(made.secret.encode()).hexdigest()
    assert made.secret not in str(ApiToken.objects.values().get())
    assert (token.name, token.scope, token.clinic, token.created_by) == (
        "EHR nightly import",
        "read",
        ada.clinic,
        ada.user,
    )
    assert token.expires_at == NOW + dt.timedelta(days=30)
    (event,) = AuditEvent.objects.all()
    assert (event.kind, event.patient, event.actor, event.clinic) == (
        AuditEvent.Kind.API_TOKEN_CREATED,
        None,
        ada.user,
        ada.clinic,
    )
    assert event.summary == "API token “EHR nightly import” (read) created, valid until 2026-12-21 12:00 UTC."
    assert made.secret not in str(event.details)
    assert api_token_create(admin=ada, name="Second", days=1, now=NOW).secret != made.secret


@pytest.mark.parametrize(
    ("name", "days", "field"),
    [("", 30, "name"), ("   ", 30, "name"), ("x" * 81, 30, "name"), ("EHR", 0, "days"), ("EHR", 366, "days")],
)
def test_a_token_is_named_and_bounded_in_days(ada, name, days, field):
    with pytest.raises(ValidationError) as refused:
        api_token_create(admin=ada, name=name, days=days, now=NOW)
    assert field in refused.value.message_dict
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.exists()


def test_only_an_admin_of_the_clinic_makes_or_revokes_a_token(ada, carol, charlie):
    for someone in (carol, charlie):
        with pytest.raises(ValidationError, match="Only an admin of this clinic"):
            api_token_create(admin=someone, name="EHR", days=30, now=NOW)
    token = api_token_create(admin=ada, name="EHR", days=30, now=NOW).token
    other_admin = make_clinician(charlie.clinic, "otto", admin=True)
    for someone in (carol, other_admin):
        with pytest.raises(ValidationError, match="Only an admin of this clinic"):
            api_token_revoke(admin=someone, token=token, now=NOW)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_clinic_has_at_most_so_many_tokens_in_force(ada):
    for number in range(API_TOKENS_MAX):
        api_token_create(admin=ada, name=f"System {number}", days=30, now=NOW)
    with pytest.raises(ValidationError, match=f"The clinic has {API_TOKENS_MAX} tokens in force"):
        api_token_create(admin=ada, name="One more", days=30, now=NOW)
    api_token_revoke(admin=ada, token=ApiToken.objects.first(), now=NOW)
    api_token_create(admin=ada, name="One more", days=30, now=NOW)


def test_a_resubmitted_form_makes_no_second_token(ada):
    api_token_create(admin=ada, name="EHR", days=30, request_key="k" * 32, now=NOW)
    with pytest.raises(ValidationError, match="This form was sent already"):
        api_token_create(admin=ada, name="EHR", days=30, request_key="k" * 32, now=NOW)
    assert ApiToken.objects.count() == 1


def test_revoking_is_audited_once(ada):
    token = api_token_create(admin=ada, name="EHR", days=30, now=NOW).token
    assert api_token_revoke(admin=ada, token=token, now=NOW + dt.timedelta(hours=1)) is True
    assert (token.revoked_at, token.revoked_by) == (NOW + dt.timedelta(hours=1), ada.user)
    assert api_token_revoke(admin=ada, token=token, now=NOW + dt.timedelta(hours=2)) is False
    kinds = list(AuditEvent.objects.values_list("kind", "summary"))
    assert kinds == [
        (
            AuditEvent.Kind.API_TOKEN_CREATED,
            "API token “EHR” (read) created, valid until 2026-12-21 12:00 UTC.",
        ),
        (AuditEvent.Kind.API_TOKEN_REVOKED, "API token “EHR” revoked."),
    ]


def test_a_token_in_force_is_used_and_its_last_use_kept(ada):
    made = api_token_create(admin=ada, name="EHR", days=30, now=NOW)
    later = NOW + dt.timedelta(days=3)
    assert api_token_use(f"Bearer {made.secret}", later) == made.token
    assert api_token_use(f"bearer   {made.secret} ", later) == made.token
    made.token.refresh_from_db()
    assert made.token.last_used_at == later


def test_a_token_is_refused_missing_unknown_expired_or_revoked(ada):
    made = api_token_create(admin=ada, name="EHR", days=30, now=NOW)
    assert api_token_use("", NOW) is Refusal.MISSING
    assert api_token_use("Bearer", NOW) is Refusal.MISSING
    assert api_token_use(f"Basic {made.secret}", NOW) is Refusal.MISSING
    assert api_token_use(f"Bearer {made.secret}x", NOW) is Refusal.UNKNOWN
    assert api_token_use(f"Bearer {made.secret[4:]}", NOW) is Refusal.UNKNOWN
    assert api_token_use("Bearer " + "ldn_" + "a" * 5000, NOW) is Refusal.UNKNOWN
    assert api_token_use("Bearer ldn_\x00", NOW) is Refusal.UNKNOWN
    assert api_token_use(f"Bearer {made.secret}", NOW + dt.timedelta(days=30)) is Refusal.EXPIRED
    api_token_revoke(admin=ada, token=made.token, now=NOW)
    assert api_token_use(f"Bearer {made.secret}", NOW) is Refusal.REVOKED
    made.token.refresh_from_db()
    assert made.token.last_used_at is None


def test_the_database_holds_a_tokens_bounds(ada):
    from django.db import DataError, IntegrityError, transaction

    now = timezone.now()
    rows = [
        {"name": "", "expires_at": now + dt.timedelta(days=1)},
        {"name": "x" * 81, "expires_at": now + dt.timedelta(days=1)},
        {"name": "EHR", "expires_at": now},
        {"name": "EHR", "expires_at": now + dt.timedelta(days=1), "scope": "write"},
        {"name": "EHR", "expires_at": now + dt.timedelta(days=1), "revoked_at": now},
    ]
    for number, row in enumerate(rows):
        # PostgreSQL refuses an over-long name as too long for its column, SQLite by the CHECK
        with pytest.raises((IntegrityError, DataError)), transaction.atomic():
            ApiToken.objects.create(
                clinic=ada.clinic, secret_hash=str(number), created_by=ada.user, created_at=now, **row
            )
