"""The clinician's review: dismissing advice, marking the patient reviewed."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from journal.advice import AdviceCard
from journal.models import (
    AdviceDismissal,
    AuditEvent,
    Clinician,
    Patient,
)
from journal.services.audit import (
    record_audit,
)
from journal.services.snapshots import snapshot_refresh


def advice_dismiss(*, patient: Patient, clinician: Clinician, card: AdviceCard, note: str) -> AdviceDismissal:
    """Set one advice card aside with the clinician's note; the card, its evidence and the
    note go in the audit log. The same card (same key) is not shown again."""
    with transaction.atomic():
        dismissal = AdviceDismissal(
            patient=patient, rule=card.rule, evidence_key=card.key, note=note, dismissed_by=clinician
        )
        dismissal.full_clean()
        dismissal.save()
        record_audit(
            patient=patient,
            actor=clinician.user,
            kind=AuditEvent.Kind.ADVICE_DISMISSED,
            summary=f"Advice dismissed: {card.title}. Note: {note}",
            details={
                "rule": card.rule,
                "key": card.key,
                "title": card.title,
                "suggestion": card.suggestion,
                "evidence": list(card.evidence),
                "reason": card.reason,
                "note": note,
            },
        )
        snapshot_refresh(patient, timezone.now())
    return dismissal


def patient_mark_reviewed(
    *, patient: Patient, clinician: Clinician, open_advice_keys: Sequence[str]
) -> AuditEvent:
    """Record that the clinician has reviewed the patient now. The advice open at this moment
    is kept with the event, so the roster can tell which cards are new since."""
    with transaction.atomic():
        patient.last_reviewed_at = timezone.now()
        patient.save(update_fields=["last_reviewed_at"])
        count = len(open_advice_keys)
        cards = f"{count} open advice card{'' if count == 1 else 's'}"
        event = record_audit(
            patient=patient,
            actor=clinician.user,
            kind=AuditEvent.Kind.REVIEWED,
            summary=f"Reviewed by {clinician}; {cards}.",
            details={"open_advice": list(open_advice_keys)},
        )
        snapshot_refresh(patient, patient.last_reviewed_at)
    return event
