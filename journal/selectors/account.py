"""Reads for signing in and the user's own account: recent failed sign-ins, two-factor
devices, and the user's sessions."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass

import ua_parser
from django.db.models import Q
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from journal.lockout import LONGEST_WINDOW, RecentFailures
from journal.models import LoginFailure, LoginSession, User


def recent_failures(username: str, address: str, now: dt.datetime) -> RecentFailures:
    """The failed sign-ins the lockout rules count, in one query."""
    rows = list(
        LoginFailure.objects.filter(Q(username=username) | Q(address=address), at__gt=now - LONGEST_WINDOW)
        .order_by("-at")
        .values_list("username", "address", "at")
    )
    return RecentFailures(
        pair=[at for name, where, at in rows if name == username and where == address],
        address=[at for _, where, at in rows if where == address],
        username=[at for name, _, at in rows if name == username],
    )


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_two_factor(user: User) -> bool:
    """Whether signing in as `user` needs a code as well as the password."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def session_reference(session_key: str) -> str:
    """A session's name on the sessions page: a digest, so the page never shows a session's key."""
    return hashlib.sha256(session_key.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class SessionRow:
    reference: str
    browser: str
    address: str
    last_activity: dt.datetime
    is_current: bool


def user_sessions(user: User, current_key: str | None, now: dt.datetime) -> list[SessionRow]:
    """The user's unexpired sessions, this one first, then the most recently active."""
    sessions = LoginSession.objects.filter(user=user, expire_date__gt=now).order_by("-last_activity")
    rows = [
        SessionRow(
            reference=session_reference(session.session_key),
            browser=browser_words(session.user_agent),
            address=session.address,
            last_activity=session.last_activity,
            is_current=session.session_key == current_key,
        )
        for session in sessions
    ]
    return sorted(rows, key=lambda row: not row.is_current)


@functools.lru_cache(maxsize=256)
def browser_words(user_agent: str) -> str:
    """ "Firefox on Android" from a User-Agent header, or "Unknown browser"."""
    parsed = ua_parser.parse(user_agent)
    browser = parsed.user_agent.family if parsed.user_agent and parsed.user_agent.family != "Other" else None
    system = parsed.os.family if parsed.os and parsed.os.family != "Other" else None
    if browser and system:
        return f"{browser} on {system}"
    return browser or (f"A browser on {system}" if system else "Unknown browser")
