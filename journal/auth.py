"""Loading the logged-in user with their role, in the query that loads the user.

Every page asks who the reader is (clinician or patient) to check access, and whether their
clinic requires two-factor sign-in, and a patient's pages show their clinic's emergency line;
reading the role and the clinic with the user saves each page a query.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from journal.models import User


class PasswordBackend(ModelBackend):
    """Username and password (the lockout and the second step are journal.views.account's)."""

    def get_user(self, user_id: int) -> User | None:
        user = User.objects.select_related("clinician__clinic", "patient__clinic").filter(pk=user_id).first()
        return user if user is not None and user.is_active else None
