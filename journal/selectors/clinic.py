"""Reads of the clinic admin's pages."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db.models import Count, Prefetch, QuerySet

from journal.models import (
    AccessEvent,
    Clinic,
    Clinician,
    Patient,
)


def clinic_clinicians(clinic: Clinic) -> QuerySet[Clinician]:
    """The clinic's clinicians with their logins and `patient_count`, the patients assigned to each."""
    return clinic.clinicians.select_related("user").annotate(patient_count=Count("patients"))


def clinic_care_teams(clinic: Clinic) -> QuerySet[Patient]:
    """The clinic's patients, each with the clinicians assigned to them."""
    return clinic.patients.prefetch_related(
        Prefetch("clinicians", queryset=Clinician.objects.select_related("user"))
    )


def clinic_reads(
    clinic: Clinic,
    *,
    first: dt.date,
    last: dt.date,
    clinician: Clinician | None = None,
    patient: Patient | None = None,
    what: str = "",
) -> QuerySet[AccessEvent]:
    """The clinic's reads on its days `first` to `last`, newest first, with who read and whose
    record: all of them, or one clinician's, one patient's, one kind."""
    zone = zoneinfo.ZoneInfo(clinic.time_zone)
    reads = AccessEvent.objects.filter(
        clinic=clinic,
        at__gte=dt.datetime.combine(first, dt.time(), zone),
        at__lt=dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone),
    )
    if clinician is not None:
        reads = reads.filter(actor_id=clinician.user_id)
    if patient is not None:
        reads = reads.filter(patient=patient)
    if what:
        reads = reads.filter(what=what)
    return reads.select_related("actor", "patient").order_by("-at", "-pk")
