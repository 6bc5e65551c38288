"""The clinic's API tokens for the read-only FHIR API: made and revoked by a clinic admin (each
in the audit log), and checked on every API request.

A token's secret is `ldn_` and 43 random URL-safe characters (256 bits from `secrets`), shown
once when it is made; only its SHA-256 is stored. A request's secret is hashed, its row found by
the hash, and the hashes compared again in constant time."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import Enum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from journal.bounds import API_TOKEN_DAYS_MAX, API_TOKEN_DAYS_MIN, API_TOKEN_NAME_MAX_CHARS, API_TOKENS_MAX
from journal.models import ApiToken, AuditEvent, Clinic, Clinician
from journal.services.audit import already_applied, record_audit

SECRET_PREFIX = "ldn_"
SECRET_MAX_CHARS = 100  # a longer Authorization header is no token of ours: refused before hashing


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _require_admin_of(admin: Clinician, clinic: Clinic) -> None:
    if not admin.is_clinic_admin or admin.clinic_id != clinic.pk or not admin.user.is_active:
        raise ValidationError(_("Only an admin of this clinic can do this."))


@dataclass(frozen=True)
class MadeToken:
    token: ApiToken
    secret: str  # shown once, never stored


def api_token_create(
    *, admin: Clinician, name: str, days: int, request_key: str | None = None, now: dt.datetime | None = None
) -> MadeToken:
    """A new read token of the admin's clinic, valid for `days` days (1–365). At most
    API_TOKENS_MAX of a clinic are in force at once. A resubmitted form (`request_key`) makes
    no second token: its secret was shown once, with the first answer."""
    clinic = admin.clinic
    _require_admin_of(admin, clinic)
    name = " ".join(name.split())
    if not name or len(name) > API_TOKEN_NAME_MAX_CHARS:
        raise ValidationError(
            {"name": _("Name the token in 1 to %(most)s characters.") % {"most": API_TOKEN_NAME_MAX_CHARS}}
        )
    if not API_TOKEN_DAYS_MIN <= days <= API_TOKEN_DAYS_MAX:
        raise ValidationError(
            {
                "days": _("A token is valid for %(least)s to %(most)s days.")
                % {"least": API_TOKEN_DAYS_MIN, "most": API_TOKEN_DAYS_MAX}
            }
        )
    now = now or timezone.now()
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        Clinic.objects.select_for_update().only("pk").get(pk=clinic.pk)  # count and add in turn
        if already_applied(request_key):
            raise ValidationError(
                _(
                    "This form was sent already: the token was made then and its secret shown once. "
                    "If it was not copied, revoke that token and make another."
                )
            )
        if _tokens_in_force(clinic, now).count() >= API_TOKENS_MAX:
            raise ValidationError(
                _("The clinic has %(most)s tokens in force: revoke one it no longer uses first.")
                % {"most": API_TOKENS_MAX}
            )
        token = ApiToken(
            clinic=clinic,
            name=name,
            secret_hash=_secret_hash(secret),
            created_by=admin.user,
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        token.full_clean()
        token.save()
        record_audit(
            patient=None,
            clinic=clinic,
            actor=admin.user,
            kind=AuditEvent.Kind.API_TOKEN_CREATED,
            summary=f"API token “{name}” (read) created, valid until {token.expires_at:%Y-%m-%d %H:%M} UTC.",
            details={"token": token.pk, "scope": token.scope, "expires_at": token.expires_at.isoformat()},
            request_key=request_key,
        )
    return MadeToken(token=token, secret=secret)


def _tokens_in_force(clinic: Clinic, now: dt.datetime) -> QuerySet[ApiToken]:
    return clinic.api_tokens.filter(revoked_at=None, expires_at__gt=now)


def api_token_revoke(*, admin: Clinician, token: ApiToken, now: dt.datetime | None = None) -> bool:
    """Revoke the token at once: its next request is refused. False when it was revoked already."""
    _require_admin_of(admin, token.clinic)
    now = now or timezone.now()
    with transaction.atomic():
        revoked = ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(
            revoked_at=max(now, token.created_at), revoked_by=admin.user
        )
        if not revoked:
            return False
        record_audit(
            patient=None,
            clinic=token.clinic,
            actor=admin.user,
            kind=AuditEvent.Kind.API_TOKEN_REVOKED,
            summary=f"API token “{token.name}” revoked.",
            details={"token": token.pk},
        )
    token.refresh_from_db(fields=["revoked_at", "revoked_by"])
    return True


class Refusal(Enum):
    """Why a request's token opens nothing."""

    MISSING = "missing"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"


def api_token_use(authorization: str, now: dt.datetime | None = None) -> ApiToken | Refusal:
    """The token named by an `Authorization: Bearer <secret>` header, its last use set to now;
    or why it is refused."""
    scheme, _space, secret = authorization.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        return Refusal.MISSING
    if len(secret) > SECRET_MAX_CHARS or not secret.startswith(SECRET_PREFIX):
        return Refusal.UNKNOWN
    hashed = _secret_hash(secret)
    token = ApiToken.objects.select_related("clinic", "created_by").filter(secret_hash=hashed).first()
    if token is None or not hmac.compare_digest(token.secret_hash, hashed):
        return Refusal.UNKNOWN
    if token.revoked_at is not None:
        return Refusal.REVOKED
    now = now or timezone.now()
    if now >= token.expires_at:
        return Refusal.EXPIRED
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    return token
