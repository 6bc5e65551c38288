"""Show times in the reader's own time zone (a clinician's clinic zone, a patient's own, a
caregiver's patient's: the day they log is the patient's) and
pages in the language they picked (else their browser's);
send a clinician who must use two-factor sign-in to set it up first; keep no page in a
cache; and write the reads a view noted to the access log, in one INSERT per request.

The zone is read from the login, which every page loads anyway, with the clinician's clinic
and the patient joined to it (journal.auth): a page pays no query for it, and a clinic or
patient that moves to another zone is read in the new one from the next page on. A caregiver's
comes from their caregiving and its patient, which their pages read anyway (the same queries,
sooner); joined to every login they made every other reader's page slower."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect

from journal.access import noted_reads
from journal.services.audit import record_reads


def reader_time_zone(user: object) -> zoneinfo.ZoneInfo | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if hasattr(user, "clinician"):
        return zoneinfo.ZoneInfo(user.clinician.clinic.time_zone)
    if hasattr(user, "patient"):
        return zoneinfo.ZoneInfo(user.patient.time_zone)
    if hasattr(user, "caregiver"):
        return zoneinfo.ZoneInfo(user.caregiver.patient.time_zone)
    return None


class ReaderTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = reader_time_zone(request.user)
        if zone:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def reader_language(request: HttpRequest) -> str:
    """The language the login picked (read from the user row every page loads anyway), else
    the best of the browser's Accept-Language among settings.LANGUAGES."""
    picked = getattr(request.user, "language", "")
    return picked or translation.get_language_from_request(request)


class ReaderLanguageMiddleware:
    """Pages in the reader's language, as ReaderTimeZoneMiddleware shows their time zone: no
    query, no cookie, no language in the URL."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = reader_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response


class TwoFactorRequiredMiddleware:
    """A clinic that requires two-factor sign-in sends its clinicians, when their session was
    not verified with a code (they have not set it up yet), to set it up before any other page.
    Costs no query: the clinic comes with the user (journal.auth), and django-otp's middleware
    (before this one) reads the verified device only for sessions that name one."""

    ALLOWED_VIEWS = frozenset({"two_factor_setup", "logout"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: object, args: object, kwargs: object
    ) -> HttpResponse | None:
        user: Any = request.user
        if not (user.is_authenticated and user.must_use_two_factor and not user.is_verified()):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in self.ALLOWED_VIEWS:
            return None
        if request.headers.get("HX-Request"):
            return HttpResponseClientRedirect(reverse("two_factor_setup"))
        return redirect("two_factor_setup")


class NoStoreMiddleware:
    """Every page the app renders may show patient data (or a secret link): no browser or
    proxy may keep a copy. Static files never reach this middleware (whitenoise, above it,
    answers them with their long cache)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, no_store=True)
        return response


class ReadAuditMiddleware:
    """The reads a view noted (`access.note_read`), written once it has answered: all of them
    in one INSERT, however many patients a clinic export holds; a refused or failed request
    (4xx, 5xx) showed nothing and writes nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        reads = noted_reads(request)
        if reads and response.status_code < 400:
            record_reads(reads)
        return response
