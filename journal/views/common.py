"""Helpers shared by the views of every sub-domain."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal shown on the form: on the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in error.messages:
            form.add_error(None, message)


def stash_link(request: HttpRequest, key: str, owner: int, link: str) -> None:
    """Keep a one-time link in the session for the next page, which shows it once."""
    request.session[key] = {**request.session.get(key, {}), str(owner): link}


def take_link(request: HttpRequest, key: str, owner: int) -> str | None:
    """The link kept for `owner`, removed as it is taken: shown once, never again."""
    links = request.session.get(key, {})
    if str(owner) not in links:
        return None
    link = links.pop(str(owner))
    request.session[key] = links
    return link
