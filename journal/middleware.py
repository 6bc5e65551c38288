"""Show times in the reader's own time zone: a clinician's clinic zone, a patient's own.

The zone is worked out once, at login, and kept in the session, so a page pays nothing for
it: the session is read for the login anyway.

Write the reads a view noted to the access log, in one INSERT per request."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from journal.access import noted_reads
from journal.services.audit import record_reads

SESSION_KEY = "reader_time_zone"


def reader_time_zone(user: object) -> zoneinfo.ZoneInfo | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if hasattr(user, "clinician"):
        return zoneinfo.ZoneInfo(user.clinician.clinic.time_zone)
    if hasattr(user, "patient"):
        return zoneinfo.ZoneInfo(user.patient.time_zone)
    return None


def remember_time_zone(request: HttpRequest, user: object) -> str | None:
    """Keep the reader's zone in their session (at login, or on a session from before)."""
    zone = reader_time_zone(user)
    request.session[SESSION_KEY] = str(zone) if zone else ""
    return request.session[SESSION_KEY] or None


class ReaderTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = request.session.get(SESSION_KEY)
        if name is None and request.user.is_authenticated:
            name = remember_time_zone(request, request.user)
        if name:
            timezone.activate(zoneinfo.ZoneInfo(name))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


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
