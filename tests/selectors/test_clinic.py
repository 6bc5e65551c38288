"""journal.selectors.clinic: the clinic admin's reads — the clinic's clinicians with the number
of patients assigned to each, the patients with their care teams, and the clinic's reads for
the access report — in a fixed number of queries however many rows."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from journal.lockout import Scope
from journal.models import AccessEvent, LoginFailure
from journal.selectors.clinic import clinic_care_teams, clinic_clinicians, clinic_locked_logins, clinic_reads
from tests.factories import make_clinician
from tests.two_factor import with_two_factor


def test_clinic_page_queries_do_not_grow_with_rows(django_assert_num_queries, clinic, ada, carol, alice, bob):
    for n in range(3):
        make_clinician(clinic, f"extra{n}")
    # 1: the clinicians joined to their logins, with the patient count and two-factor annotated;
    # 2: the patients, then every care team with its logins in one prefetch
    with django_assert_num_queries(3):
        rows = [(c.user.username, c.patient_count) for c in clinic_clinicians(clinic)]
        teams = {p.name: [str(c) for c in p.clinicians.all()] for p in clinic_care_teams(clinic)}
    assert ("carol", 1) in rows
    assert len(rows) == 5
    assert teams == {"Alice": ["Carol Clinician"], "Bob": []}


def test_clinic_clinicians_are_the_clinics_own_by_name_with_their_patient_counts(
    clinic, ada, carol, alice, bob, charlie
):
    bob.clinicians.add(carol, ada)
    rows = [(str(clinician), clinician.patient_count) for clinician in clinic_clinicians(clinic)]
    assert rows == [("Ada Clinician", 1), ("Carol Clinician", 2)]  # ordered by last, then first name


def test_clinic_care_teams_are_the_clinics_patients_only(clinic, alice, bob, dave):
    assert [patient.name for patient in clinic_care_teams(clinic)] == ["Alice", "Bob"]


def test_clinic_clinicians_say_who_signs_in_with_a_code(clinic, ada, carol):
    with_two_factor(carol.user)
    assert {c.user.username: c.has_two_factor for c in clinic_clinicians(clinic)} == {
        "ada": False,
        "carol": True,
    }


def fail(username: str, address: str, times: int, now: dt.datetime) -> None:
    for _ in range(times):
        LoginFailure.objects.create(username=username, address=address, at=now - dt.timedelta(seconds=10))


def test_clinic_locked_logins_are_the_clinics_own_locked_or_slowed(clinic, carol, alice, bob, charlie):
    now = timezone.now()
    fail("carol", "203.0.113.1", 5, now)  # locked from one address
    for number in range(10):  # slowed down everywhere
        fail("alice", f"203.0.113.{number}", 1, now)
    fail("bob", "203.0.113.1", 4, now)  # not yet
    fail("charlie", "203.0.113.1", 5, now)  # another clinic's
    fail("nobody", "203.0.113.1", 5, now)  # no such login
    locked = clinic_locked_logins(clinic, now)
    assert [(row.user.username, row.refusal.rule.scope, row.failures) for row in locked] == [
        ("alice", Scope.USERNAME, 10),
        ("carol", Scope.PAIR, 5),
    ]
    assert locked[1].addresses == ["203.0.113.1"]
    assert [row.name for row in locked] == ["Alice", "Carol Clinician"]


def test_clinic_locked_logins_costs_one_query_when_none_is_locked(clinic, carol, django_assert_num_queries):
    fail("carol", "203.0.113.1", 4, timezone.now())
    with django_assert_num_queries(1):
        assert clinic_locked_logins(clinic, timezone.now()) == []


def test_clinic_reads_are_the_clinics_days_newest_first(clinic, alice, bob, carol, ada, dave, charlie):
    """Clinic A is in London: its 15 June runs from 23:00 UTC on the 14th (summer time)."""

    def read(patient, clinician, at, what="patient_page"):
        return AccessEvent.objects.create(
            clinic=patient.clinic, patient=patient, actor=clinician.user, at=at, what=what
        ).pk

    day_before = read(alice, carol, dt.datetime(2026, 6, 14, 22, 59, tzinfo=dt.UTC))
    first = read(alice, carol, dt.datetime(2026, 6, 14, 23, 0, tzinfo=dt.UTC))
    last = read(bob, ada, dt.datetime(2026, 6, 15, 22, 59, tzinfo=dt.UTC), "summary")
    read(dave, charlie, dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC))  # another clinic
    june_15 = {"first": dt.date(2026, 6, 15), "last": dt.date(2026, 6, 15)}
    assert [r.pk for r in clinic_reads(clinic, **june_15)] == [last, first]
    assert [r.pk for r in clinic_reads(clinic, **june_15, clinician=carol)] == [first]
    assert [r.pk for r in clinic_reads(clinic, **june_15, patient=bob)] == [last]
    assert [r.pk for r in clinic_reads(clinic, **june_15, what="summary")] == [last]
    assert [r.pk for r in clinic_reads(clinic, first=dt.date(2026, 6, 14), last=dt.date(2026, 6, 14))] == [
        day_before
    ]


def test_clinic_reads_with_who_and_whose_in_one_query(clinic, alice, carol, django_assert_num_queries):
    AccessEvent.objects.create(clinic=clinic, patient=alice, actor=carol.user, what="plan")
    today = dt.date.today()
    with django_assert_num_queries(1):
        assert [
            (r.actor.username, r.patient.name) for r in clinic_reads(clinic, first=today, last=today)
        ] == [("carol", "Alice")]
