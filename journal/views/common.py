"""Helpers shared by the views of every sub-domain."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.http import content_disposition_header

from journal.exports import encoded_chunks


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


def csv_response(lines: Iterable[str], filename: str, *, byte_order_mark: bool) -> StreamingHttpResponse:
    """A CSV download, streamed in pieces, never kept by a cache."""
    response = StreamingHttpResponse(
        encoded_chunks(lines, byte_order_mark=byte_order_mark), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "no-store"  # health data: no copies in shared caches
    return response
