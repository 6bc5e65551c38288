"""Show times in the reader's own time zone: a clinician's clinic zone, a patient's own."""

from __future__ import annotations

import zoneinfo

from django.utils import timezone


def reader_time_zone(user) -> zoneinfo.ZoneInfo | None:
    if not user.is_authenticated:
        return None
    if hasattr(user, "clinician"):
        return zoneinfo.ZoneInfo(user.clinician.clinic.time_zone)
    if hasattr(user, "patient"):
        return zoneinfo.ZoneInfo(user.patient.time_zone)
    return None


class ReaderTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = reader_time_zone(request.user)
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
