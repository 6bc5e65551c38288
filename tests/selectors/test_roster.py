"""journal.selectors.roster: one row per patient from their one record and assessment (a fixed
number of queries however many patients), what each row says, and the roster's sort orders
and filters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from journal.models import LdnPause, Medication, Patient, Screening
from journal.schedule import DAY
from journal.selectors.roster import (
    ROSTER_ORDERS,
    RosterView,
    roster_lists,
    roster_patients,
    roster_rows,
    saved_roster_filters,
)
from journal.services.review import roster_filter_save
from journal.services.snapshots import snapshots_refresh
from tests.factories import make_entry, make_patient, make_plan

NOW = dt.datetime(2026, 3, 16, 12, tzinfo=dt.UTC)
TODAY = NOW.date()

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def rows_by_name(patients) -> dict:
    return {row.patient.name: row for row in roster_rows(patients)}


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
    # 1 for the rows, 11 for each patient's journal, safety and questionnaire answers
    # (patient_records), 1 for the advice open at the last review
    with django_assert_num_queries(13):
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
    assert row.day_on_ldn == 21
    assert row.phase == "titrating"
    assert row.phase_style == ""  # a plain badge: only maintenance (ok) and a pause (warn) stand out
    assert row.last_entry == TODAY
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


def test_a_patient_without_a_plan_is_shown_the_next_step(alice, bob, carol):
    make_plan(alice, carol, [(TODAY - 30 * DAY, "4.5")])
    Screening.objects.create(patient=bob, screened_by=carol)
    rows = rows_by_name(Patient.objects.all())
    assert rows["Alice"].first_plan is None
    assert rows["Bob"].first_plan == ("plan_new", "Write a plan")
    Screening.objects.all().delete()
    assert rows_by_name(Patient.objects.all())["Bob"].first_plan == ("screening", "Screen, then write a plan")


def test_a_row_without_a_plan_has_no_dose_no_day_and_no_adherence(bob):
    (row,) = roster_rows(Patient.objects.filter(pk=bob.pk))
    assert row.current is None
    assert row.first_dose is None
    assert row.day_on_ldn is None
    assert row.phase == "baseline"
    assert row.adherence is None
    assert row.last_entry is None
    assert row.open_advice == 0


def test_alerts_are_the_blocking_flags(alice, carol):
    make_plan(alice, carol, [(TODAY - 30 * DAY, "1.5")])
    Medication.objects.create(patient=alice, name="Oxycodone 5 mg")
    (row,) = roster_rows(Patient.objects.filter(pk=alice.pk))
    assert [flag.code for flag in row.flags] == ["opioid_with_ldn", "no_screening"]
    assert [alert.code for alert in row.alerts] == ["opioid_with_ldn"]


# --- roster_patients: sorted and filtered in the database -------------------------------------------


@pytest.fixture
def three(clinic, carol, alice):
    """Alice on 4.5 mg for a month (flagged: never screened), Zed titrating since three days
    ago (screened), Amy with no plan."""
    make_plan(alice, carol, [(TODAY - 30 * DAY, "4.5")])
    zed = make_patient(clinic, None, name="Zed", clinicians=(carol,))
    make_plan(zed, carol, [(TODAY - 3 * DAY, "1.5"), (TODAY + 11 * DAY, "3")])
    Screening.objects.create(patient=zed, screened_by=carol)
    make_patient(clinic, None, name="Amy", clinicians=(carol,))
    Screening.objects.create(patient=Patient.objects.get(name="Amy"), screened_by=carol)
    three = Patient.objects.filter(name__in=["Alice", "Zed", "Amy"])
    snapshots_refresh(three.values_list("pk", flat=True), timezone.now())
    return three


def names(patients) -> list[str]:
    return [patient.name for patient in patients]


@pytest.mark.parametrize(
    ("sort", "descending", "order"),
    [
        ("name", False, ["Alice", "Amy", "Zed"]),
        ("name", True, ["Zed", "Amy", "Alice"]),
        ("day", True, ["Alice", "Zed", "Amy"]),
        ("dose", False, ["Amy", "Zed", "Alice"]),  # no dose first
        ("phase", False, ["Amy", "Zed", "Alice"]),  # baseline, titrating, maintenance
        ("flags", True, ["Alice", "Amy", "Zed"]),  # the flagged first; name breaks the tie
        ("nonsense", False, ["Alice", "Amy", "Zed"]),  # an unknown sort is by name
    ],
)
def test_roster_patients_sorts(three, sort, descending, order):
    assert names(roster_patients(three, sort=sort, descending=descending)) == order


def test_roster_patients_filters_by_phase_and_flags(three):
    assert names(roster_patients(three, phase_is="titrating")) == ["Zed"]
    assert names(roster_patients(three, flagged=True)) == ["Alice"]
    assert names(roster_patients(three, phase_is="baseline", flagged=True)) == []


def test_roster_patients_finds_part_of_a_name_or_code_in_any_case(three):
    Patient.objects.filter(name="Zed").update(code="RLC-042")
    assert names(roster_patients(three, search="al")) == ["Alice"]
    assert names(roster_patients(three, search="A")) == ["Alice", "Amy"]
    assert names(roster_patients(three, search="rlc-04")) == ["Zed"]
    assert names(roster_patients(three, search="%")) == []  # a wildcard is a character
    assert names(roster_patients(three, search="a", phase_is="baseline")) == ["Amy"]


def test_saved_roster_filters_lists_the_clinicians_own_views_by_name(carol, ada):
    roster_filter_save(clinician=carol, name="Titrating", scope="all", phase="titrating", sort="day")
    roster_filter_save(clinician=carol, name="Flagged", scope="mine", flagged=True, descending=True)
    roster_filter_save(clinician=ada, name="Ada's", scope="all")
    saved = saved_roster_filters(carol)
    assert [(row.name, view.query) for row, view in saved] == [
        ("Flagged", "scope=mine&flagged=1&sort=name&dir=desc"),
        ("Titrating", "scope=all&phase=titrating&sort=day&dir=asc"),
    ]
    assert saved[1][1] == RosterView("all", phase="titrating", sort="day")


def test_every_roster_sort_orders_every_row(three):
    for sort in ROSTER_ORDERS:
        for descending in (False, True):
            assert sorted(names(roster_patients(three, sort=sort, descending=descending))) == [
                "Alice",
                "Amy",
                "Zed",
            ], sort


def test_roster_lists_name_the_patients_with_a_safety_alert(three, alice):
    assert roster_lists(three) == ([], [])  # Alice never screened: a warning, not an alert
    Medication.objects.create(patient=alice, name="Oxycodone 5 mg")
    snapshots_refresh([alice.pk], timezone.now())
    alerts, needing_attention = roster_lists(three)
    assert [(row.patient.name, [flag.code for flag in row.alerts]) for row in alerts] == [
        ("Alice", ["opioid_with_ldn"])
    ]
    assert needing_attention == []


@pytest.mark.parametrize(
    ("first_step_back", "paused", "phase", "style"),
    [(200, False, "maintenance", "ok"), (30, True, "paused", "warn")],
)
def test_the_phase_badge_says_maintenance_is_fine_and_a_pause_needs_a_look(
    alice, carol, first_step_back, paused, phase, style
):
    make_plan(alice, carol, [(TODAY - first_step_back * DAY, "4.5")])
    if paused:
        LdnPause.objects.create(
            patient=alice, start_date=TODAY - DAY, end_date=TODAY + DAY, reason="Surgery", created_by=carol
        )
    (row,) = roster_rows(Patient.objects.filter(pk=alice.pk))
    assert (row.phase, row.phase_style) == (phase, style)
