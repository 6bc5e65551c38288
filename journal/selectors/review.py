"""The clinician's patient page, read once: the patient's file with its overview (chart,
responses, advice), and what the page shows besides it."""

from __future__ import annotations

from dataclasses import dataclass

from journal.models import AuditEvent, Condition, Invitation, Patient
from journal.selectors.entries import RecentEntry, recent_entries
from journal.selectors.records import PatientOverview, patient_overview


@dataclass(frozen=True)
class PatientPage:
    overview: PatientOverview
    conditions: list[Condition]
    audit_events: list[AuditEvent]
    invitation: Invitation | None  # the latest, with its mail, while the patient has no login
    recent_entries: list[RecentEntry]


def open_at_latest_review(events: list[AuditEvent]) -> frozenset[str]:
    """The advice keys open at the latest review among `events` (in time order)."""
    reviews = [event for event in events if event.kind == AuditEvent.Kind.REVIEWED]
    return frozenset(reviews[-1].details.get("open_advice", [])) if reviews else frozenset()


def patient_page(patient: Patient) -> PatientPage:
    """Everything the clinician's patient page shows in 11 queries (one more for a patient
    still to accept their invitation, two more when a recent entry was edited): the patient's
    file (9), its audit timeline, which also says what advice was open at the last review,
    and the conditions."""
    events = list(patient.audit_events.select_related("actor").order_by("at", "pk"))
    overview = patient_overview(patient, open_at_review=open_at_latest_review(events))
    return PatientPage(
        overview=overview,
        conditions=list(patient.conditions.all()),
        audit_events=events,
        invitation=(
            patient.invitations.select_related("mail").order_by("-created_at").first()
            if patient.user_id is None
            else None
        ),
        recent_entries=recent_entries(overview.file),
    )
