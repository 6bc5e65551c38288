"""The login form."""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm

from journal.models import User

USERNAME_MAX_CHARS = User._meta.get_field("username").max_length


class LoginForm(AuthenticationForm):
    """Django's login form, with the username checked before any lookup: one longer than any
    login can be, or with a NUL, is a failed login like any other — never a database error
    (the lockout records each attempt's username in a column of 255 characters)."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and len(username) > (USERNAME_MAX_CHARS or 0):
            raise self.get_invalid_login_error()
        return super().clean()
