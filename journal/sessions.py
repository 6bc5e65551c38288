"""How long a login lasts, by role.

A patient logs one entry a day on their own phone: asking for the password every evening
would cost more entries than it protects. A clinician's session, on shared clinic
computers with many patients' data, ends after a working day.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from journal.middleware import remember_time_zone
from journal.models import User

SESSION_LENGTH = {
    "patient": dt.timedelta(days=30),
    "clinician": dt.timedelta(hours=12),
}
DEFAULT_SESSION_LENGTH = dt.timedelta(hours=12)


@receiver(user_logged_in)
def set_session_length(sender: object, request: HttpRequest, user: User, **kwargs: object) -> None:
    length = SESSION_LENGTH.get(user.role, DEFAULT_SESSION_LENGTH)
    request.session.set_expiry(int(length.total_seconds()))
    remember_time_zone(request, user)
