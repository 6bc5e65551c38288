"""Sessions: how long a login lasts, by role, and each session's owner, browser and address.

A patient logs one entry a day on their own phone: asking for the password every evening
would cost more entries than it protects. A clinician's session, on shared clinic
computers with many patients' data, ends after a working day.

Sessions live in the database (`LoginSession`, Django's documented way to extend the
database session engine: SESSION_ENGINE = "journal.sessions"), with the user they belong to,
so that a user can list and end their own sessions and a deactivated login loses all of its.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.middleware import SessionMiddleware
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from journal.access import client_address
from journal.models import LoginSession, User

SESSION_LENGTH = {
    "patient": dt.timedelta(days=30),
    "clinician": dt.timedelta(hours=12),
}
DEFAULT_SESSION_LENGTH = dt.timedelta(hours=12)
# "Last active" is kept to within this: a page does not pay a write for it on every request.
ACTIVITY_PRECISION = dt.timedelta(minutes=5)
USER_AGENT_MAX_CHARS = LoginSession._meta.get_field("user_agent").max_length or 300


@receiver(user_logged_in)
def set_session_length(sender: object, request: HttpRequest, user: User, **kwargs: object) -> None:
    length = SESSION_LENGTH.get(user.role, DEFAULT_SESSION_LENGTH)
    request.session.set_expiry(int(length.total_seconds()))


def printable(text: str, limit: int) -> str:
    """A header's text as it may be stored: no control characters (PostgreSQL refuses NUL), bounded."""
    return "".join(character for character in text if character.isprintable())[:limit]


class SessionStore(DatabaseSessionStore):
    """Django's database sessions, with the owner, the browser and the address on the row."""

    def __init__(self, session_key: str | None = None):
        super().__init__(session_key)
        self.client_address = ""
        self.user_agent = ""

    @classmethod
    def get_model_class(cls) -> type[LoginSession]:
        return LoginSession

    def _get_session_from_db(self) -> LoginSession | None:
        session: LoginSession | None = super()._get_session_from_db()  # type: ignore[misc]
        now = timezone.now()
        if session is not None and now - session.last_activity >= ACTIVITY_PRECISION:
            # An UPDATE of the activity columns only: saving the session would also move its
            # expiry, and a clinician's login must still end a working day after it began.
            LoginSession.objects.filter(pk=session.pk).update(
                last_activity=now, address=self.client_address, user_agent=self.user_agent
            )
        return session

    def create_model_instance(self, data: dict[str, Any]) -> LoginSession:
        user_id = data.get(SESSION_KEY)
        return LoginSession(
            session_key=self.session_key or "",  # save() made the key before this
            session_data=self.encode(data),
            expire_date=self.get_expiry_date(),
            user_id=int(user_id) if user_id is not None else None,
            user_agent=self.user_agent,
            address=self.client_address,
            last_activity=timezone.now(),
        )


class ClientSessionMiddleware(SessionMiddleware):
    """Django's session middleware, telling the session where the request came from."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        session: Any = request.session
        session.client_address = client_address(request)
        session.user_agent = printable(request.headers.get("user-agent", ""), USER_AGENT_MAX_CHARS)
