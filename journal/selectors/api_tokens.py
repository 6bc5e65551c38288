"""Reads of the clinic's API tokens page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from journal.models import ApiToken, Clinic

STATES = {"in_force": _("in force"), "expired": _("expired"), "revoked": _("revoked")}


@dataclass(frozen=True)
class TokenRow:
    token: ApiToken
    state: str  # "in_force", "expired" or "revoked"

    @property
    def state_words(self) -> str:
        return str(STATES[self.state])

    @property
    def revocable(self) -> bool:
        return self.state == "in_force"


def clinic_api_tokens(clinic: Clinic, now: dt.datetime) -> list[TokenRow]:
    """The clinic's tokens, newest first, each with its state now. One query."""
    tokens = ApiToken.objects.filter(clinic=clinic).select_related("created_by", "revoked_by")
    return [TokenRow(token, _state(token, now)) for token in tokens]


def _state(token: ApiToken, now: dt.datetime) -> str:
    if token.revoked_at is not None:
        return "revoked"
    return "in_force" if now < token.expires_at else "expired"
