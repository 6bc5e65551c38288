"""Loading the logged-in user with their role, in the query that loads the user.

Every page asks who the reader is (clinician or patient) to check access; reading the role
with the user saves each page a query.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend

from journal.models import User


class WithRole:
    def get_user(self, user_id: int) -> User | None:
        user = User.objects.select_related("clinician", "patient").filter(pk=user_id).first()
        return user if user is not None and user.is_active else None


class LockoutBackend(WithRole, AxesStandaloneBackend):
    """django-axes' lockout check (it must come first); users of sessions made by
    `Client.force_login` in tests are loaded through it."""


class PasswordBackend(WithRole, ModelBackend):
    """Username and password."""
