"""journal.selectors.clinic: the clinic admin's reads — the clinic's clinicians with the number
of patients assigned to each, and the patients with their care teams — in a fixed number of
queries however many rows."""

from __future__ import annotations

from journal.selectors.clinic import clinic_care_teams, clinic_clinicians
from tests.factories import make_clinician


def test_clinic_page_queries_do_not_grow_with_rows(django_assert_num_queries, clinic, ada, carol, alice, bob):
    for n in range(3):
        make_clinician(clinic, f"extra{n}")
    # 1: the clinicians joined to their logins, with the patient count annotated;
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
