"""journal.selectors.exports: the symptoms an export has columns for, the export's rows (one per
patient per date, read in batches so memory stays flat), the previous export's date, and the
appointment summary (its query count is pinned with the summary page, in
tests/test_exports_summary.py::test_summary_reads)."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import io
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from journal.management.commands.seed_demo import DEMO_CLINIC
from journal.models import (
    AuditEvent,
    Clinic,
    LdnPause,
    Medication,
    Patient,
    PlanChangeNote,
    Question,
    Screening,
    SideEffectReport,
    Symptom,
    SymptomScore,
)
from journal.schedule import DAY
from journal.selectors import exports as export_selectors
from journal.selectors.exports import (
    appointment_summary,
    export_days,
    export_symptoms,
    export_write,
    previous_export_on,
)
from tests.factories import make_entry, make_patient, make_plan

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def export(event_at: dt.datetime, patient, actor) -> AuditEvent:
    return AuditEvent.objects.create(
        clinic=patient.clinic,
        patient=patient,
        actor=actor,
        kind=AuditEvent.Kind.EXPORT,
        summary="CSV",
        details={"by": "clinician"},
        at=event_at,
    )


# --- export_symptoms --------------------------------------------------------------------------------


def test_export_symptoms_are_tracked_or_scored_by_name(alice, bob, dave, clinic, django_assert_num_queries):
    anxiety = Symptom.objects.create(clinic=clinic, name="Anxiety level")
    bob.tracked_symptoms.set([anxiety])
    make_entry(alice, TODAY, scores={"Energy": 5})  # scored once, no longer tracked: its scores stay
    with django_assert_num_queries(1):  # tracked or scored, in one query with a subquery
        symptoms = export_symptoms([alice.pk, bob.pk])
    assert [symptom.name for symptom in symptoms] == ["Anxiety level", "Energy", "Fatigue", "Pain"]


def test_no_patients_no_symptoms(db):
    assert export_symptoms([]) == []


# --- export_days ------------------------------------------------------------------------------------


@pytest.fixture
def course(alice, carol):
    """Alice: 1.5 mg from 10 Nov, a pause on 15–16 Nov, an entry on 11 and 12 Nov with a
    score and a side effect, tramadol stopped on 1 Nov."""
    make_plan(alice, carol, [(TODAY - 11 * DAY, "1.5")])
    LdnPause.objects.create(
        patient=alice, start_date=TODAY - 6 * DAY, end_date=TODAY - 5 * DAY, reason="x", created_by=carol
    )
    Screening.objects.create(patient=alice, screened_by=carol, screened_at=NOW - 30 * DAY)
    first = make_entry(alice, TODAY - 10 * DAY, scores={"Pain": 6}, notes="ok", sleep_quality=5)
    first.side_effects.create(kind="other", severity="mild", other_text="Dry mouth")
    make_entry(alice, TODAY - 9 * DAY, dose_taken=False)
    Medication.objects.create(
        patient=alice, name="Tramadol", started_on=TODAY - 40 * DAY, stopped_on=TODAY - 20 * DAY
    )
    return alice


def test_export_days_is_one_row_per_patient_per_date(course, bob):
    bob.code = "B-1"
    bob.save()
    rows = list(export_days(Patient.objects.all(), TODAY - 12 * DAY, TODAY - 4 * DAY))
    assert len(rows) == 2 * 9
    assert [row.patient_label for row in rows[::9]] == [f"patient-{course.pk}", "B-1"]  # by code, then pk
    alice = {row.day: row for row in rows if row.patient_label == f"patient-{course.pk}"}
    assert alice[TODAY - 12 * DAY].prescribed is None  # before the first dose
    assert alice[TODAY - 12 * DAY].day_on_ldn is None
    assert alice[TODAY - 10 * DAY].prescribed.dose_mg == Decimal("1.500")
    assert alice[TODAY - 10 * DAY].day_on_ldn == 2
    assert alice[TODAY - 6 * DAY].prescribed is None  # paused


def test_an_export_row_holds_the_entry_as_a_plain_record(course):
    rows = {row.day: row for row in export_days(Patient.objects.all(), TODAY - 10 * DAY, TODAY - 8 * DAY)}
    logged = rows[TODAY - 10 * DAY].entry
    pain = Symptom.objects.get(clinic=None, name="Pain").pk
    assert (logged.dose_taken, logged.dose_mg, logged.sleep_quality, logged.notes) == (
        True,
        Decimal("1.500"),
        5,
        "ok",
    )
    assert logged.scores == {pain: 6}
    assert logged.side_effects == {"other": "mild"}
    assert logged.other_side_effect == "Dry mouth"
    assert rows[TODAY - 9 * DAY].entry.dose_taken is False
    assert rows[TODAY - 8 * DAY].entry is None  # not logged


def test_an_export_row_lists_the_medicines_taken_in_the_range_and_the_days_safety(course):
    within = list(export_days(Patient.objects.all(), TODAY - 25 * DAY, TODAY - 24 * DAY))
    after = list(export_days(Patient.objects.all(), TODAY - 10 * DAY, TODAY - 10 * DAY))
    assert [medication.name for medication in within[0].medications] == ["Tramadol"]
    assert after[0].medications == []
    assert after[0].safety is not None


def test_export_days_reads_in_batches_of_a_fixed_number_of_queries(
    clinic, carol, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(export_selectors, "EXPORT_BATCH_PATIENTS", 2)
    for n in range(5):
        patient = make_patient(clinic, None, name=f"P{n}", code=f"P{n}")
        make_plan(patient, carol, [(TODAY - 5 * DAY, "1.5")])
        make_entry(patient, TODAY - DAY, scores={"Pain": 3})
    # 1 for the patient ids in code order, then for each batch of at most 2 patients: the
    # patients, their steps and pauses (2), screenings, medications, and the entries with their
    # scores and side effects (3), the plan reasons and questions (2), the lab results and the
    # questionnaire answers (1 each) — 12 — so 1 + 3 × 12 for 5 patients in 3 batches
    with django_assert_num_queries(1 + 3 * 12):
        rows = list(export_days(Patient.objects.filter(clinic=clinic), TODAY - 6 * DAY, TODAY))
    assert [row.patient_label for row in rows[::7]] == ["P0", "P1", "P2", "P3", "P4"]


def test_a_long_range_makes_smaller_batches(clinic, carol, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(export_selectors, "EXPORT_BATCH_ROWS", 20)
    for n in range(3):
        make_patient(clinic, None, name=f"P{n}", code=f"P{n}")
    # 10 dates, at most 20 rows a batch: 2 patients a batch, so 2 batches of 12 queries after the ids
    with django_assert_num_queries(1 + 2 * 12):
        rows = list(export_days(Patient.objects.filter(clinic=clinic), TODAY - 9 * DAY, TODAY))
    assert len(rows) == 30


def test_a_range_longer_than_a_batch_still_reads_one_patient_at_a_time(
    clinic, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(export_selectors, "EXPORT_BATCH_ROWS", 5)
    make_patient(clinic, None, name="P0")
    with django_assert_num_queries(1 + 12):
        rows = list(export_days(Patient.objects.filter(clinic=clinic), TODAY - 9 * DAY, TODAY))
    assert len(rows) == 10


def test_no_patients_no_rows_after_one_query(db, django_assert_num_queries):
    with django_assert_num_queries(1):  # the patient ids, and no batch
        assert list(export_days(Patient.objects.filter(name="nobody"), TODAY, TODAY)) == []


# --- previous_export_on -----------------------------------------------------------------------------


def test_previous_export_on_is_the_local_date_of_the_latest_export_before_today(
    alice, carol, django_assert_num_queries
):
    export(NOW - 10 * DAY, alice, carol.user)
    export(dt.datetime(2026, 11, 17, 23, 30, tzinfo=dt.UTC), alice, carol.user)  # 18 Nov in Auckland
    export(NOW - dt.timedelta(hours=1), alice, carol.user)  # earlier today: this visit, not the last
    with django_assert_num_queries(1):  # the latest export before the start of today
        assert previous_export_on(alice.audit_events.all(), alice.zone, TODAY) == dt.date(2026, 11, 17)
    auckland = zoneinfo.ZoneInfo("Pacific/Auckland")
    assert previous_export_on(alice.audit_events.all(), auckland, TODAY) == dt.date(2026, 11, 18)


def test_no_previous_export(alice, carol):
    AuditEvent.objects.create(
        clinic=alice.clinic, patient=alice, actor=carol.user, kind=AuditEvent.Kind.REVIEWED, summary="x"
    )
    assert previous_export_on(alice.audit_events.all(), alice.zone, TODAY) is None


# --- appointment_summary ----------------------------------------------------------------------------


def test_the_summary_runs_since_the_previous_visit(alice, carol):
    """Alice: 1.5 mg from 40 days ago, 3 mg from 10 days ago; a pause 5–4 days ago; reviewed 20 days ago and
    exported 6 days ago (the later one counts); vivid dreams 12 and 3 days ago; a medicine
    stopped before the visit and one taken since."""
    first = make_plan(alice, carol, [(TODAY - 40 * DAY, "1.5")], ended_on=TODAY - 10 * DAY, status="ended")
    current = make_plan(alice, carol, [(TODAY - 10 * DAY, "3")])
    LdnPause.objects.create(
        patient=alice, start_date=TODAY - 5 * DAY, end_date=TODAY - 4 * DAY, reason="x", created_by=carol
    )
    Medication.objects.create(
        patient=alice, name="Old", started_on=TODAY - 90 * DAY, stopped_on=TODAY - 30 * DAY
    )
    Medication.objects.create(patient=alice, name="Vitamin D", started_on=TODAY - 90 * DAY)
    for back in (12, 3):
        entry = make_entry(alice, TODAY - back * DAY)
        entry.side_effects.create(kind="vivid_dreams", severity="moderate" if back == 3 else "mild")
    alice.last_reviewed_at = NOW - 20 * DAY
    alice.save()
    export(NOW - 6 * DAY, alice, carol.user)

    summary = appointment_summary(alice)
    assert summary.today == TODAY
    assert (summary.since, summary.since_what) == (TODAY - 6 * DAY, "previous export")
    assert [row.plan for row in summary.plans] == [current, first]  # newest first
    assert summary.current.dose_mg == Decimal("3.000")
    assert summary.today_prescription.words == "3 mg at bedtime"
    assert [(pause.start_date, pause.end_date) for pause in summary.pauses] == [
        (TODAY - 5 * DAY, TODAY - 4 * DAY)
    ]
    assert [medication.name for medication in summary.medications] == ["Vitamin D"]
    assert [(tally.kind, tally.days, tally.worst) for tally in summary.side_effects] == [
        ("vivid_dreams", 1, "moderate")
    ]
    # 6 days since the export before today (not over yet), 2 of them paused: 4 prescribed, 1 taken
    assert (summary.adherence_since.taken, summary.adherence_since.prescribed) == (1, 4)
    assert summary.screening is None
    assert summary.safety is summary.overview.record.safety


# --- the clinic export's bytes ------------------------------------------------------------------------

GOLDEN = Path(__file__).parent / "golden" / "varied_clinic_export.csv"


@pytest.fixture
def varied_clinic(clinic, carol):
    """The demo clinic (plans, pauses, screenings, medicines, years of entries) and what it
    lacks: text a spreadsheet would run, quotes and line breaks, an "other" side effect, a
    clock time, a clinic's own symptom named like a shared one."""
    call_command("seed_demo", today=TODAY, stdout=io.StringIO())
    demo = Clinic.objects.get(name=DEMO_CLINIC)
    own_pain = Symptom.objects.create(clinic=demo, name="Pain", higher_is_better=False)
    anna = Patient.objects.get(code="RLC-100")
    anna.tracked_symptoms.add(own_pain)
    entry = anna.entries.order_by("-entry_date")[2]
    entry.notes, entry.time_taken, entry.edit_count = '=cmd "quoted", café;\nline two', dt.time(21, 5), 1
    entry.save()
    SymptomScore.objects.create(entry=entry, symptom=own_pain, score=7)
    SideEffectReport.objects.update_or_create(
        entry=entry, kind="other", defaults={"severity": "moderate", "other_text": "+dry mouth"}
    )
    Medication.objects.create(
        patient=anna, name="-Levothyroxine", dose_text="50 mcg", started_on=TODAY - 20 * DAY
    )
    prescriber = anna.clinicians.first()
    LdnPause.objects.create(
        patient=anna,
        start_date=TODAY - 9 * DAY,
        end_date=TODAY - 6 * DAY,
        reason="surgery",
        created_by=prescriber,
    )
    return demo


def test_a_clinic_export_is_byte_identical_to_the_reviewed_file(varied_clinic):
    """The file every change of the writer is compared with, made by the first writer (which
    built rows from model instances, cell by cell): a faster writer must write the same bytes."""
    out = io.BytesIO()
    written = export_write(Patient.objects.filter(clinic=varied_clinic), TODAY - 400 * DAY, TODAY, out)
    expected = GOLDEN.read_bytes()
    assert out.getvalue() == expected
    assert (written.rows, written.size) == (expected.count(b"\r\nRLC-"), len(expected))
    assert written.sha256 == hashlib.sha256(expected).hexdigest()


class DiskFull(io.BytesIO):
    def write(self, data):
        raise OSError(28, "No space left on device")


def test_the_worker_collects_its_old_objects_again_after_an_export_whether_written_or_failed(varied_clinic):
    """An export keeps the objects already in the process out of the cycle collector's walks
    while it writes; a worker that kept them out for good would never free them."""
    patients = Patient.objects.filter(clinic=varied_clinic)
    export_write(patients, TODAY - 30 * DAY, TODAY, io.BytesIO())
    assert gc.get_freeze_count() == 0
    with pytest.raises(OSError, match="No space left"):
        export_write(patients, TODAY - 30 * DAY, TODAY, DiskFull())
    assert gc.get_freeze_count() == 0


# --- messages by the patient's local date -------------------------------------------------------------


def test_each_days_row_holds_the_reasons_and_questions_of_that_local_day(clinic, carol):
    kiri = make_patient(clinic, None, name="Kiri", time_zone="Pacific/Auckland")  # 13 hours ahead in November
    local_today = kiri.local_today()  # 22 November there
    PlanChangeNote.objects.create(patient=kiri, written_by=carol, change="Hold", reason="Headaches.")
    PlanChangeNote.objects.create(patient=kiri, written_by=carol, change="Note only", reason="")
    asked = Question.objects.create(
        patient=kiri, topic="general", text="Morning?", asked_at=NOW - dt.timedelta(hours=13)
    )
    asked.answer, asked.answered_by, asked.answered_at = "Yes.", carol, NOW
    asked.save()
    Question.objects.create(patient=kiri, topic="general", text="Too early", asked_at=NOW - 40 * DAY)
    rows = {
        row.day: row
        for row in export_days(Patient.objects.filter(pk=kiri.pk), local_today - DAY, local_today)
    }
    assert (list(rows[local_today].plan_reasons), list(rows[local_today].questions)) == (["Headaches."], [])
    assert list(rows[local_today - DAY].questions) == ["Morning? — answer: Yes."]  # noon of the 21st there
    assert list(rows[local_today - DAY].plan_reasons) == []
