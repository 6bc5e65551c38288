"""journal.selectors.review: the clinician's patient page read once — the patient's file and
overview, the timeline of decisions and reads (which also says what advice was open at the last
review), the conditions, a pending invitation and the recent entries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from journal.models import AccessEvent, AuditEvent, Condition, Symptom
from journal.schedule import DAY
from journal.selectors.review import (
    Decision,
    ReadDay,
    Reads,
    day_words,
    open_at_latest_review,
    patient_page,
    timeline,
)
from journal.services.entries import entry_save
from journal.services.invitations import invitation_create
from journal.services.review import patient_mark_reviewed
from tests.factories import log_days, make_patient, make_plan

NOW = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)
TODAY = NOW.date()
FIRST_DOSE = TODAY - 100 * DAY

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def event(kind: str, keys: list[str] | None = None) -> Decision:
    return Decision(NOW, kind, "x", {} if keys is None else {"open_advice": keys}, "Carol")


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
    # the file (11), the timeline of decisions and reads with their actors (1), the conditions with
    # their history (1), the weights (1); the advice open at the last review is read off the
    # timeline, and nothing was edited; the caregivers (1): 15
    with django_assert_num_queries(15):
        page = patient_page(alice_on_ldn)
    assert [condition.name for condition in page.conditions] == ["Fibromyalgia"]
    assert page.age is None
    assert page.weights == []
    assert [item.kind for item in page.timeline] == [AuditEvent.Kind.REVIEWED]
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
    with django_assert_num_queries(11 + 1 + 1 + 1 + 1 + 1):  # …and the latest invitation
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
    with django_assert_num_queries(15 + 2):  # …and the edited entries' versions and their scores'
        page = patient_page(alice_on_ldn)
    assert [(change.what, change.before, change.after) for change in page.recent_entries[0].changes] == [
        ("Pain", "4", "2")
    ]


# --- the timeline: decisions, and who looked ---------------------------------------------------


def read(patient, clinician, at: dt.datetime, what: str = AccessEvent.What.PATIENT_PAGE) -> None:
    AccessEvent.objects.create(clinic=patient.clinic, patient=patient, actor=clinician.user, at=at, what=what)


def test_reads_between_decisions_make_one_item_of_the_timeline(alice, carol, ada):
    review = {"patient": alice, "clinician": carol, "open_advice_keys": []}
    with time_machine.travel(NOW - 3 * DAY, tick=False):
        patient_mark_reviewed(**review)
    read(alice, ada, NOW - DAY - dt.timedelta(hours=2), AccessEvent.What.CLINIC_CSV)
    for hours in (3, 2):
        read(alice, carol, NOW - dt.timedelta(hours=hours))
    read(alice, carol, NOW - dt.timedelta(hours=1), AccessEvent.What.SUMMARY)
    patient_mark_reviewed(**review)

    first, reads, last = timeline(alice)
    assert (first.kind, first.actor, last.kind) == ("reviewed", "Carol Clinician", "reviewed")
    assert reads.headline == "Viewed 4 times by Ada Clinician and Carol Clinician, yesterday to today"
    assert reads.lines == [
        "Ada Clinician — once yesterday: clinic CSV",
        "Carol Clinician — 3 times today: patient page ×2, printable summary",
    ]
    assert reads.at == NOW - dt.timedelta(hours=1)


def test_one_persons_day_of_reads_is_one_line(alice, carol):
    read(alice, carol, NOW - dt.timedelta(hours=1))
    (reads,) = timeline(alice)
    assert reads.headline == "Viewed by Carol Clinician — once today: patient page"
    assert reads.lines == []


def test_the_timeline_sums_up_the_last_30_days_of_reads(alice, carol):
    read(alice, carol, NOW - 31 * DAY)
    read(alice, carol, NOW - 29 * DAY)
    (reads,) = timeline(alice)
    assert (
        reads.headline
        == f"Viewed by Carol Clinician — once {day_words(TODAY - 29 * DAY, TODAY)}: patient page"
    )


def test_the_timeline_reads_one_query_however_many_reads(alice, carol, django_assert_num_queries):
    AccessEvent.objects.bulk_create(
        [
            AccessEvent(
                clinic=alice.clinic, patient=alice, actor=carol.user, what="patient_page", at=NOW - n * DAY
            )
            for n in range(20)
            for _ in range(10)
        ]
    )
    with django_assert_num_queries(1):
        (reads,) = timeline(alice)
    assert len(reads.days) == 20


def test_days_are_the_clinics(clinic, carol):
    """Alice's clinic is in London: 23:30 UTC on 14 June is 00:30 on the 15th there."""
    patient = make_patient(clinic, None, name="Lee")
    read(patient, carol, dt.datetime(2026, 6, 14, 23, 30, tzinfo=dt.UTC))
    (reads,) = timeline(patient)
    assert reads.days[0].day == dt.date(2026, 6, 15)


@pytest.mark.parametrize(
    ("day", "words"),
    [(TODAY, "today"), (TODAY - DAY, "yesterday"), (TODAY - 2 * DAY, "on 13 Jun 2026")],
)
def test_day_words(day, words):
    assert day_words(day, TODAY) == words


@pytest.mark.parametrize(("times", "words"), [(1, "once"), (2, "twice"), (7, "7 times")])
def test_read_day_words(times, words):
    reads = ReadDay(day=TODAY, actor="Sam Rivera", at=NOW, counts=(("patient_page", times),))
    assert reads.words(TODAY) == f"Sam Rivera — {words} today: patient page" + (
        f" ×{times}" if times > 1 else ""
    )


def test_a_run_of_one_persons_days_names_them_once():
    days = tuple(
        ReadDay(day=TODAY - n * DAY, actor="Sam Rivera", at=NOW - n * DAY, counts=(("plan", 1),))
        for n in (2, 1)
    )
    assert Reads(days=days, today=TODAY).headline == "Viewed twice by Sam Rivera, 13 Jun 2026 to yesterday"
