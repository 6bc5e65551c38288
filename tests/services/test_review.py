"""journal.services.review: setting an advice card aside with a note, marking a patient
reviewed with the advice open at that moment, and a clinician's saved roster views."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from journal.advice import AdviceCard
from journal.bounds import SAVED_FILTERS_MAX
from journal.models import AdviceDismissal, AuditEvent, SavedRosterFilter
from journal.services.review import (
    advice_dismiss,
    patient_mark_reviewed,
    roster_filter_delete,
    roster_filter_save,
)

NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
CARD = AdviceCard(
    rule="low_adherence",
    key="low_adherence:2026-03-02",
    title="Low adherence",
    suggestion="Ask what gets in the way.",
    evidence=("8 of 14 prescribed doses taken.",),
    reason="Doses not taken are no test of the dose.",
)

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def test_advice_dismiss_keeps_the_card_and_the_note(alice, carol):
    dismissal = advice_dismiss(patient=alice, clinician=carol, card=CARD, note="Away on holiday.")
    dismissal.refresh_from_db()
    assert (dismissal.rule, dismissal.evidence_key, dismissal.note) == (
        "low_adherence",
        "low_adherence:2026-03-02",
        "Away on holiday.",
    )
    assert dismissal.dismissed_by == carol
    assert dismissal.dismissed_at == NOW
    event = AuditEvent.objects.get()
    assert event.kind == AuditEvent.Kind.ADVICE_DISMISSED
    assert event.actor == carol.user
    assert event.summary == "Advice dismissed: Low adherence. Note: Away on holiday."
    assert event.details == {
        "rule": "low_adherence",
        "key": "low_adherence:2026-03-02",
        "title": "Low adherence",
        "suggestion": "Ask what gets in the way.",
        "evidence": ["8 of 14 prescribed doses taken."],
        "reason": "Doses not taken are no test of the dose.",
        "note": "Away on holiday.",
    }


def test_the_same_card_is_dismissed_once(alice, carol):
    advice_dismiss(patient=alice, clinician=carol, card=CARD, note="First.")
    with pytest.raises(ValidationError):
        advice_dismiss(patient=alice, clinician=carol, card=CARD, note="Again.")
    assert AdviceDismissal.objects.count() == 1
    assert AuditEvent.objects.count() == 1


def test_a_dismissal_needs_a_note(alice, carol):
    with pytest.raises(ValidationError):
        advice_dismiss(patient=alice, clinician=carol, card=CARD, note="")
    assert not AdviceDismissal.objects.exists()
    assert not AuditEvent.objects.exists()


def test_patient_mark_reviewed_keeps_the_open_advice(alice, carol):
    event = patient_mark_reviewed(patient=alice, clinician=carol, open_advice_keys=["a:1", "b:2"])
    alice.refresh_from_db()
    assert alice.last_reviewed_at == NOW
    event.refresh_from_db()
    assert event.kind == AuditEvent.Kind.REVIEWED
    assert event.actor == carol.user
    assert event.summary == "Reviewed by Carol Clinician; 2 open advice cards."
    assert event.details == {"open_advice": ["a:1", "b:2"]}


@pytest.mark.parametrize(("keys", "words"), [([], "0 open advice cards"), (["a:1"], "1 open advice card")])
def test_the_review_counts_the_open_cards(alice, carol, keys, words):
    event = patient_mark_reviewed(patient=alice, clinician=carol, open_advice_keys=keys)
    assert event.summary == f"Reviewed by Carol Clinician; {words}."


def test_a_view_saved_again_under_its_name_replaces_the_old_one(carol):
    first = roster_filter_save(clinician=carol, name="Flagged", scope="mine", flagged=True)
    again = roster_filter_save(clinician=carol, name="Flagged", scope="all", search="ann", sort="attention")
    assert again.pk == first.pk
    again.refresh_from_db()
    assert (again.scope, again.search, again.flagged, again.sort) == ("all", "ann", False, "attention")


def test_a_clinician_keeps_a_bounded_number_of_views(carol, ada):
    for n in range(SAVED_FILTERS_MAX):
        roster_filter_save(clinician=carol, name=f"View {n}", scope="mine")
    with pytest.raises(ValidationError, match="delete one first"):
        roster_filter_save(clinician=carol, name="One more", scope="mine")
    roster_filter_save(clinician=carol, name="View 3", scope="all")  # replacing one still works
    roster_filter_save(clinician=ada, name="Ada's own", scope="all")  # the bound is each clinician's
    assert carol.saved_filters.count() == SAVED_FILTERS_MAX


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "", "scope": "mine"}, "name"),
        ({"name": "x" * 61, "scope": "mine"}, "name"),
        ({"name": "x", "scope": "everyone"}, "scope"),
        ({"name": "x", "scope": "mine", "phase": "nonsense"}, "phase"),
        ({"name": "x", "scope": "mine", "search": "x" * 101}, "search"),
        ({"name": "x", "scope": "mine", "sort": "nonsense"}, "cannot sort"),
    ],
)
def test_a_view_out_of_bounds_is_refused(carol, fields, message):
    with pytest.raises(ValidationError, match=message):
        roster_filter_save(clinician=carol, **fields)
    assert not SavedRosterFilter.objects.exists()


def test_a_clinician_deletes_only_their_own_views(carol, ada):
    carols = roster_filter_save(clinician=carol, name="Mine", scope="mine")
    assert roster_filter_delete(clinician=ada, pk=carols.pk) is False
    assert roster_filter_delete(clinician=carol, pk=carols.pk) is True
    assert not SavedRosterFilter.objects.exists()


def test_a_dismissal_is_audited_in_english_whatever_the_clinicians_language(alice, carol):
    import dataclasses

    from django.utils import translation

    from journal.wording import gettext_noop, phrase

    card = dataclasses.replace(CARD, title=phrase(gettext_noop("Doses missed or not logged")))
    with translation.override("de"):
        assert str(card.title) == "Dosen ausgelassen oder nicht eingetragen"
        advice_dismiss(patient=alice, clinician=carol, card=card, note="Im Urlaub.")
    assert (
        AuditEvent.objects.get().summary == "Advice dismissed: Doses missed or not logged. Note: Im Urlaub."
    )
