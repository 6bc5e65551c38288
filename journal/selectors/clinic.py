"""Reads of the clinic admin's pages."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from journal.models import (
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
