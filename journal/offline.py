"""The pages a patient's phone may keep to open offline (Today, the entry form, My plan).

The service worker (templates/journal/reminders/service-worker.js) keeps a page only when the
server marks it with OFFLINE_HEADER, so the server alone decides what a phone may keep: never a
clinician's page, never an error or a sign-in page. The header's value names the signed-in
patient without saying who it is; the phone keeps each patient's pages (and entries waiting to
be sent) under it, so a second person signing in on the same phone sees none of them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

OFFLINE_HEADER = "X-Offline-Page"


def offline_key(user: Any) -> str:
    return salted_hmac("journal.offline-page", str(user.pk)).hexdigest()[:24]


def kept_offline(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark the view's whole pages as ones the patient's phone may keep for offline use."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        whole_page = request.method == "GET" and not request.headers.get("HX-Request")
        if whole_page and response.status_code == 200 and hasattr(request.user, "patient"):
            response[OFFLINE_HEADER] = offline_key(request.user)
        return response

    return wrapped
