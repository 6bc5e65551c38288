"""Reads of the clinic admin's pages."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from journal.lockout import LONGEST_WINDOW, Refusal, username_refusal
from journal.models import (
    AccessEvent,
    Clinic,
    Clinician,
    LoginFailure,
    Patient,
    User,
)


def clinic_clinicians(clinic: Clinic) -> QuerySet[Clinician]:
    """The clinic's clinicians with their logins, `patient_count`, the patients assigned to each,
    and `has_two_factor`, whether they sign in with a code too, by name. (A counting query
    does not take the model's ordering, so the order is spelled out.)"""
    return (
        clinic.clinicians.select_related("user")
        .annotate(
            patient_count=Count("patients"),
            has_two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("user"), confirmed=True)),
        )
        .order_by("user__last_name", "user__first_name")
    )


def clinic_care_teams(clinic: Clinic) -> QuerySet[Patient]:
    """The clinic's patients, each with the clinicians assigned to them."""
    return clinic.patients.prefetch_related(
        Prefetch("clinicians", queryset=Clinician.objects.select_related("user"))
    )


@dataclass(frozen=True)
class LockedLogin:
    user: User
    refusal: Refusal
    failures: int
    addresses: list[str]

    @property
    def name(self) -> str:
        """The patient's or the clinician's name."""
        person = getattr(self.user, "patient", None) or getattr(self.user, "clinician", None)
        return str(person or self.user.username)


def clinic_locked_logins(clinic: Clinic, now: dt.datetime) -> list[LockedLogin]:
    """The clinic's logins (clinicians' and patients') that are locked from some address or slowed
    down now, for the admin to unlock. One query, and one more when some login is locked."""
    logins = User.objects.filter(Q(clinician__clinic=clinic) | Q(patient__clinic=clinic))
    failures: defaultdict[str, defaultdict[str, list[dt.datetime]]] = defaultdict(lambda: defaultdict(list))
    rows = LoginFailure.objects.filter(at__gt=now - LONGEST_WINDOW, username__in=logins.values("username"))
    for username, address, at in rows.values_list("username", "address", "at"):
        failures[username][address].append(at)
    refusals = {
        username: found
        for username, by_address in failures.items()
        if (found := username_refusal(by_address, now))
    }
    if not refusals:
        return []
    return [
        LockedLogin(
            user=user,
            refusal=refusals[user.username],
            failures=sum(len(times) for times in failures[user.username].values()),
            addresses=sorted(failures[user.username]),
        )
        for user in logins.filter(username__in=list(refusals))
        .select_related("patient", "clinician__user")
        .order_by("username")
    ]


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
    return reads.select_related("actor", "patient", "api_token").order_by("-at", "-pk")
