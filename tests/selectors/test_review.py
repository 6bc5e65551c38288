"""journal.selectors.review: the clinician's patient page read once — the patient's file and
overview, the audit timeline (which also says what advice was open at the last review), the
conditions, a pending invitation and the recent entries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from journal.models import AuditEvent, Condition, Symptom
from journal.schedule import DAY
from journal.selectors.review import open_at_latest_review, patient_page
from journal.services.entries import entry_save
from journal.services.invitations import invitation_create
from journal.services.review import patient_mark_reviewed
from tests.factories import log_days, make_patient, make_plan

NOW = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)
TODAY = NOW.date()
FIRST_DOSE = TODAY - 100 * DAY

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def event(kind: str, keys: list[str] | None = None) -> AuditEvent:
    return AuditEvent(kind=kind, summary="x", details={} if keys is None else {"open_advice": keys})


def test_open_at_latest_review_reads_the_last_review_among_the_events():
    events = [
        event(AuditEvent.Kind.REVIEWED, ["a:1"]),
        event(AuditEvent.Kind.REVIEWED, ["a:2", "b:1"]),
        event(AuditEvent.Kind.PLAN_CHANGED),
    ]
    assert open_at_latest_review(events) == frozenset({"a:2", "b:1"})


def test_never_reviewed_nothing_was_open():
    assert open_at_latest_review([event(AuditEvent.Kind.PLAN_CHANGED)]) == frozenset()
    assert open_at_latest_review([event(AuditEvent.Kind.REVIEWED)]) == frozenset()


@pytest.fixture
def alice_on_ldn(alice, carol):
    """Alice, 100 days on 3 mg with flat scores (the plan-review advice is open), with a
    condition, reviewed once."""
    make_plan(alice, carol, [(FIRST_DOSE, "3")])
    log_days(alice, FIRST_DOSE - 7 * DAY, TODAY - DAY)
    alice.conditions.add(Condition.objects.get(clinic=None, name="Fibromyalgia"))
    patient_mark_reviewed(patient=alice, clinician=carol, open_advice_keys=["old:1"])
    return alice


def test_patient_page_reads_the_patient_once(alice_on_ldn, django_assert_num_queries):
    # the file (9), the audit timeline with its actors (1), the conditions (1); the advice open
    # at the last review is read off the timeline, and nothing was edited: 11
    with django_assert_num_queries(11):
        page = patient_page(alice_on_ldn)
    assert [condition.name for condition in page.conditions] == ["Fibromyalgia"]
    assert [event.kind for event in page.audit_events] == [AuditEvent.Kind.REVIEWED]
    assert page.invitation is None  # Alice has a login
    assert [row.entry.day for row in page.recent_entries][:2] == [TODAY - DAY, TODAY - 2 * DAY]
    assert len(page.recent_entries) == 13  # 14 days to today, today not logged
    assert [card.rule for card in page.overview.assessment.open_cards] == ["plan_review"]
    assert page.overview.since_review.advice == 1  # not open at the review


def test_a_patient_yet_to_accept_their_invitation_costs_one_more_query(
    clinic, carol, django_assert_num_queries
):
    newcomer = make_patient(clinic, None, name="Nora", clinicians=(carol,))
    invitation_create(patient=newcomer, clinician=carol)
    with django_assert_num_queries(9 + 1 + 1 + 1):  # …and the latest invitation
        page = patient_page(newcomer)
    assert page.invitation.patient_id == newcomer.pk


def test_an_edited_recent_entry_costs_two_more_queries(alice_on_ldn, django_assert_num_queries):
    pain = Symptom.objects.get(clinic=None, name="Pain").pk
    values = {
        "patient": alice_on_ldn,
        "entry_date": TODAY,
        "dose_taken": True,
        "dose_mg": Decimal("3"),
        "timing_taken": "bedtime",
        "time_taken": None,
        "sleep_quality": 6,
        "notes": "",
        "dose_deviation_confirmed": False,
        "side_effects": {},
    }
    with time_machine.travel(NOW - dt.timedelta(hours=2), tick=False):
        entry_save(**values, scores={pain: 4})
    entry_save(**values, scores={pain: 2})  # edited two hours later
    with django_assert_num_queries(11 + 2):  # …and the edited entries' versions and their scores'
        page = patient_page(alice_on_ldn)
    assert [(change.what, change.before, change.after) for change in page.recent_entries[0].changes] == [
        ("Pain", "4", "2")
    ]
