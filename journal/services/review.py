"""The clinician's review: dismissing advice, marking the patient reviewed, and the clinician's
saved roster views."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from journal.advice import AdviceCard
from journal.bounds import SAVED_FILTERS_MAX
from journal.models import (
    AdviceDismissal,
    AuditEvent,
    Clinician,
    Patient,
    SavedRosterFilter,
)
from journal.selectors.roster import ROSTER_ORDERS
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
            summary="Advice dismissed: " + card.title + ". Note: " + note,  # the title's English original
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


def roster_filter_save(
    *,
    clinician: Clinician,
    name: str,
    scope: str,
    search: str = "",
    phase: str = "",
    flagged: bool = False,
    sort: str = "name",
    descending: bool = False,
) -> SavedRosterFilter:
    """Keep a roster view under `name`: a view saved again under its name replaces the old one;
    a clinician keeps at most `SAVED_FILTERS_MAX`."""
    if sort not in ROSTER_ORDERS:
        raise ValidationError(_("The roster cannot sort by “%(sort)s”.") % {"sort": sort[:40]})
    with transaction.atomic():
        Clinician.objects.select_for_update().only("pk").get(pk=clinician.pk)  # one save at a time
        saved = clinician.saved_filters.filter(name=name).first()
        if saved is None and clinician.saved_filters.count() >= SAVED_FILTERS_MAX:
            raise ValidationError(
                _("You have %(most)s saved views, the most there can be: delete one first.")
                % {"most": SAVED_FILTERS_MAX}
            )
        saved = saved or SavedRosterFilter(clinician=clinician, name=name)
        saved.scope, saved.search, saved.phase = scope, search, phase
        saved.flagged, saved.sort, saved.descending = flagged, sort, descending
        saved.full_clean()
        saved.save()
    return saved


def roster_filter_delete(*, clinician: Clinician, pk: int) -> bool:
    """Delete one of the clinician's saved views; False when they have none with that id."""
    deleted, _ = clinician.saved_filters.filter(pk=pk).delete()
    return bool(deleted)
