"""The clinician's roster: rows, phases, adherence, safety flags, sorting and filtering."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from journal.models import LdnPause, Medication, Patient, Screening
from journal.selectors.roster import roster_rows
from tests.factories import make_entry, make_patient, make_plan

NOW = dt.datetime(2026, 3, 16, 12, tzinfo=dt.UTC)
TODAY = NOW.date()
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def build_patients(clinic, clinician, count: int) -> None:
    """Patients in every phase, each with a plan, entries, a screening and medications."""
    for n in range(count):
        patient = make_patient(clinic, None, name=f"Patient {n:02d}", clinicians=(clinician,))
        start = TODAY - (n % 5) * 20 * DAY + 10 * DAY
        make_plan(patient, clinician, [(start, "0.5"), (start + 14 * DAY, "1.5")])
        for back in range(3):
            make_entry(patient, TODAY - back * DAY, dose_taken=back != 1)
        Screening.objects.create(patient=patient, screened_by=clinician, thyroid_medication=n % 2 == 0)
        Medication.objects.create(patient=patient, name="Levothyroxine")
        if n % 7 == 3:
            LdnPause.objects.create(
                patient=patient,
                start_date=TODAY,
                end_date=TODAY + DAY,
                reason="Surgery",
                created_by=clinician,
            )


@pytest.mark.parametrize("count", [5, 50])
def test_roster_rows_runs_a_fixed_number_of_queries(django_assert_num_queries, clinic, carol, count):
    build_patients(clinic, carol, count)
    # 1 for the rows, 9 for each patient's journal and safety (patient_records), 1 for the
    # advice open at the last review
    with django_assert_num_queries(11):
        rows = roster_rows(Patient.objects.filter(clinic=clinic))
    assert len(rows) == count
    assert {row.phase for row in rows} >= {"baseline", "titrating", "maintenance", "paused"}
    assert all(row.adherence for row in rows if row.phase != "baseline")
    assert any(row.flags for row in rows)


def test_row_values(alice, carol):
    make_plan(
        alice, carol, [(TODAY - 20 * DAY, "0.5"), (TODAY - 6 * DAY, "1.5", "morning"), (TODAY + 8 * DAY, "3")]
    )
    for back in range(14):
        make_entry(alice, TODAY - back * DAY, dose_taken=back % 4 != 0)
    Medication.objects.create(patient=alice, name="Oxycodone 5 mg")
    (row,) = roster_rows(Patient.objects.filter(pk=alice.pk))
    assert (row.current.dose_mg, row.current.timing) == (1.5, "morning")
    assert row.day_on_ldn == 21 and row.phase == "titrating" and row.last_entry == TODAY
    # 14 prescribed days, every 4th missed: days 0, 4, 8, 12 back.
    assert (row.adherence.taken, row.adherence.prescribed) == (10, 14)
    assert [(f.level, f.code) for f in row.flags] == [("block", "opioid_with_ldn"), ("warn", "no_screening")]


def test_adherence_counts_only_prescribed_days(alice, carol):
    make_plan(alice, carol, [(TODAY - 2 * DAY, "0.5")])
    make_entry(alice, TODAY - 5 * DAY, dose_taken=False)  # baseline day: not counted
    make_entry(alice, TODAY - 2 * DAY)
    (row,) = roster_rows(Patient.objects.filter(pk=alice.pk))
    # Two days ago taken, yesterday not logged, today not over yet.
    assert (row.adherence.taken, row.adherence.prescribed, row.adherence.not_logged) == (1, 2, (TODAY - DAY,))


def test_screening_flags(alice, carol):
    Screening.objects.create(
        patient=alice,
        screened_by=carol,
        thyroid_medication=True,
        opioid_use_last_14_days=True,
        opioid_names="tramadol",
        opioid_stopped_on=TODAY - 3 * DAY,
    )
    (row,) = roster_rows(Patient.objects.filter(pk=alice.pk))
    assert [(f.level, f.code) for f in row.flags] == [("block", "opioid_recent"), ("note", "thyroid_watch")]
    assert row.flags[1].message.startswith("Thyroid medication: the dose may need adjusting")


def test_roster_page_sorts_and_filters(client, clinic, carol, alice, bob):
    make_plan(alice, carol, [(TODAY - 30 * DAY, "4.5")])
    zed = make_patient(clinic, None, name="Zed", clinicians=(carol,))
    make_plan(zed, carol, [(TODAY - 3 * DAY, "1.5"), (TODAY + 11 * DAY, "3")])
    make_patient(clinic, None, name="Amy", clinicians=(carol,))
    client.force_login(carol.user)
    url = reverse("roster")

    content = client.get(url).content.decode()
    assert content.index(">Alice<") < content.index(">Amy<") < content.index(">Zed<")
    content = client.get(url + "?sort=day&dir=desc").content.decode()
    assert content.index(">Alice<") < content.index(">Zed<") < content.index(">Amy<")
    # The sorted column's link flips the direction and keeps the filters.
    assert 'aria-sort="descending"><a id="sort-day" href="?sort=day&amp;dir=asc"' in content
    assert 'role="status">3 patients, sorted by Day on LDN, descending.</p>' in content
    content = client.get(url + "?phase=titrating").content.decode()
    assert ">Zed<" in content and ">Alice<" not in content and ">Amy<" not in content
    assert "1 patient in titrating, sorted by Patient, ascending." in content
    content = client.get(url + "?phase=baseline&flagged=1").content.decode()
    assert "No patients match these filters." in content  # Amy is in baseline but has no flag
    assert "0 patients in baseline with safety flags, sorted by Patient, ascending." in content
    assert ">Amy<" in client.get(url + "?phase=baseline").content.decode()


def test_a_patient_without_a_plan_has_a_link_to_the_next_step(client, clinic, carol, alice, bob):
    make_plan(alice, carol, [(TODAY - 30 * DAY, "4.5")])
    bob.clinicians.add(carol)
    client.force_login(carol.user)
    content = client.get(reverse("roster")).content.decode()
    screening_url = reverse("screening", args=[bob.pk])
    link = 'Screen, then write a plan<span class="visually-hidden"> for Bob</span>'
    assert f'<a href="{screening_url}">{link}' in content
    Screening.objects.create(patient=bob, screened_by=carol)
    content = client.get(reverse("roster")).content.decode()
    assert f'<a href="{reverse("plan_new", args=[bob.pk])}">Write a plan<span' in content
    assert reverse("plan_new", args=[alice.pk]) not in content  # Alice has a plan


def test_roster_htmx_returns_the_results_only(client, carol, alice):
    client.force_login(carol.user)
    response = client.get(reverse("roster") + "?sort=name", headers={"HX-Request": "true"})
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="roster-results"') and "<html" not in content
    # The live region above the results is not replaced, only its text (out of band).
    assert content.rstrip().endswith(
        '<p id="roster-order" hx-swap-oob="innerHTML">1 patient, sorted by Patient, ascending.</p>'
    )


def test_clinic_admin_sees_the_whole_clinic(client, ada, alice, bob, dave):
    client.force_login(ada.user)
    content = client.get(reverse("roster")).content.decode()
    assert ">Alice<" in content and ">Bob<" in content and ">Dave<" not in content
    content = client.get(reverse("roster") + "?scope=mine").content.decode()
    assert ">Alice<" not in content
