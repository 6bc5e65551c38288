"""CSV downloads: round trip against the database, neutralising, streaming in bounded
queries, ranges, audit rows, the data dictionary, and who may download what."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.models import Min
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks.data import add_patients
from journal.exports import FORMULA_TRIGGERS
from journal.models import (
    AccessEvent,
    AuditEvent,
    DoseStep,
    ExportJob,
    ExportState,
    Medication,
    Patient,
    SideEffectKind,
    SideEffectReport,
    Symptom,
    SymptomScore,
)
from journal.schedule import DAY
from journal.services.exports import export_job_run
from tests.factories import make_clinician, make_entry, make_plan

TODAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
PER_DAY_COLUMNS = {
    "patient_code",
    "date",
    "day_on_ldn",
    "prescribed_dose_mg",
    "prescribed_timing",
    "prescribed_frequency",
    "prescribed_release",
    "prescribed_filler",
    "other_medications",
}


pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def parse(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content[:500] if not response.streaming else ""
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(body(response))))


def patient_csv(client, patient, start, end=TODAY, **params):
    url = reverse("patient_csv", kwargs={"pk": patient.pk})
    return client.get(url, {"start": start.isoformat(), "end": end.isoformat(), **params})


def clinic_export(client, start, end=TODAY):
    """A clinic export as a clinician gets it: asked for, written by the worker's task, downloaded.
    (The task is run here: the worker itself closes the connection, which a test's transaction
    needs on PostgreSQL; tests/services/test_exports.py runs a real worker.)"""
    asked = client.post(reverse("clinic_csv"), {"start": start.isoformat(), "end": end.isoformat()})
    if asked.status_code != 302:
        return asked
    run_latest_export()
    return client.get(asked["Location"] + "download/")


def run_latest_export() -> None:
    export_job_run(job_id=ExportJob.objects.latest("pk").pk)


def every_day(first: dt.date, last: dt.date) -> list[str]:
    return [(first + n * DAY).isoformat() for n in range((last - first).days + 1)]


# --- round trip ----------------------------------------------------------------------------


def test_a_demo_patients_csv_round_trips_to_the_database(client):
    call_command("seed_demo", today=TODAY, stdout=io.StringIO())
    anna = Patient.objects.get(user__username="anna")
    # What the demo does not have: an edited entry with awkward text, an "other" side effect,
    # another medication.
    edited = anna.entries.order_by("-entry_date")[3]
    edited.notes, edited.edit_count = 'Slept "badly", café;\nthen fine', 2
    edited.save()
    SideEffectReport.objects.update_or_create(
        entry=edited, kind=SideEffectKind.OTHER, defaults={"severity": "mild", "other_text": "dry mouth"}
    )
    Medication.objects.create(
        patient=anna, name="Levothyroxine", dose_text="50 mcg", started_on=TODAY - 20 * DAY
    )
    start = anna.entries.aggregate(first=Min("entry_date"))["first"] - 3 * DAY
    client.force_login(anna.clinicians.first().user)

    rows = parse(patient_csv(client, anna, start))

    assert [row["date"] for row in rows] == every_day(start, TODAY)
    entries = {
        entry.entry_date: entry for entry in anna.entries.prefetch_related("scores__symptom", "side_effects")
    }
    steps = list(
        DoseStep.objects.filter(plan__patient=anna)
        .exclude(plan__status="draft")
        .select_related("plan")
        .order_by("start_date")
    )
    symptom_columns = [f"{symptom.name} score" for symptom in anna.tracked_symptoms.all()]
    assert len(symptom_columns) == 3
    assert set(symptom_columns) <= set(rows[0])
    gaps = 0
    for row in rows:
        day = dt.date.fromisoformat(row["date"])
        assert row["patient_code"] == anna.code == "RLC-100"
        started = [
            step
            for step in steps
            if step.start_date <= day and (step.plan.ended_on is None or day < step.plan.ended_on)
        ]
        step = started[-1] if started else None
        assert row["prescribed_dose_mg"] == (str(step.dose_mg.normalize()) if step else "")
        assert row["prescribed_timing"] == (step.timing if step else "")
        assert row["prescribed_frequency"] == (step.frequency if step else "")
        assert row["prescribed_release"] == ("immediate" if step else "")
        assert row["prescribed_filler"] == (step.plan.filler if step else "")
        assert row["day_on_ldn"] == (
            str((day - steps[0].start_date).days + 1) if day >= steps[0].start_date else ""
        )
        assert row["other_medications"] == ("Levothyroxine 50 mcg" if day >= TODAY - 20 * DAY else "")
        entry = entries.get(day)
        if entry is None:
            gaps += 1
            assert all(value == "" for name, value in row.items() if name not in PER_DAY_COLUMNS)
            continue
        assert row["dose_taken"] == ("yes" if entry.dose_taken else "no")
        assert (Decimal(row["dose_taken_mg"]) if row["dose_taken_mg"] else None) == entry.dose_mg
        assert row["timing_taken"] == entry.timing_taken
        assert row["time_taken"] == (entry.time_taken.strftime("%H:%M") if entry.time_taken else "")
        assert row["sleep_quality"] == ("" if entry.sleep_quality is None else str(entry.sleep_quality))
        assert row["notes"] == entry.notes
        assert row["edited"] == ("yes" if entry.edit_count else "no")
        scores = {f"{score.symptom.name} score": str(score.score) for score in entry.scores.all()}
        assert {name: row[name] for name in symptom_columns} == {
            name: scores.get(name, "") for name in symptom_columns
        }
        reports = {f"side_effect_{report.kind}": report.severity for report in entry.side_effects.all()}
        assert {f"side_effect_{kind}": row[f"side_effect_{kind}"] for kind in SideEffectKind.values} == {
            f"side_effect_{kind}": reports.get(f"side_effect_{kind}", "") for kind in SideEffectKind.values
        }
        assert row["side_effect_other_text"] == " ".join(
            report.other_text for report in entry.side_effects.all() if report.other_text
        )
    assert gaps >= 3  # the days before the first entry, at least
    edited_row = next(row for row in rows if row["date"] == edited.entry_date.isoformat())
    assert edited_row["notes"] == 'Slept "badly", café;\nthen fine'
    assert edited_row["edited"] == "yes"
    assert edited_row["side_effect_other"] == "mild"
    assert edited_row["side_effect_other_text"] == "dry mouth"


def test_file_name_byte_order_mark_and_no_caching(client, alice, carol):
    alice.code = "A-17"
    alice.save()
    client.force_login(carol.user)
    response = patient_csv(client, alice, TODAY - 9 * DAY, byte_order_mark="on")
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbfpatient_code,date,")
    filename = "ldn-journal_A-17_2026-11-12_2026-11-21.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["Cache-Control"] == "no-store"
    assert not b"".join(patient_csv(client, alice, TODAY).streaming_content).startswith(b"\xef\xbb\xbf")


# --- safe to open --------------------------------------------------------------------------


def test_text_a_spreadsheet_would_run_is_neutralised_and_numbers_are_not(client, clinic, alice, carol):
    make_plan(alice, carol, [(TODAY - 30 * DAY, "1.5")])
    for n, trigger in enumerate(FORMULA_TRIGGERS):
        day = TODAY - n * DAY
        symptom = Symptom.objects.create(clinic=clinic, name=f"{trigger}SUM(1+1)")
        alice.tracked_symptoms.add(symptom)
        entry = make_entry(alice, day, notes=f"{trigger}cmd|' /C calc'!A0", sleep_quality=0)
        SymptomScore.objects.create(entry=entry, symptom=symptom, score=3)
        Medication.objects.create(
            patient=alice, name=f'{trigger}HYPERLINK("http://evil")', started_on=day, stopped_on=day
        )
    make_entry(alice, TODAY - 10 * DAY, notes="-2")
    client.force_login(carol.user)

    response = patient_csv(client, alice, TODAY - 10 * DAY)
    header, *rows = list(csv.reader(io.StringIO(body(response))))
    by_date = {row[header.index("date")]: dict(zip(header, row, strict=True)) for row in rows}

    for n, trigger in enumerate(FORMULA_TRIGGERS):
        row = by_date[(TODAY - n * DAY).isoformat()]
        assert f"'{trigger}SUM(1+1) score" in header
        assert row[f"'{trigger}SUM(1+1) score"] == "3"
        assert row["notes"] == f"'{trigger}cmd|' /C calc'!A0"
        assert row["other_medications"] == f'\'{trigger}HYPERLINK("http://evil")'
        # Numbers stay numbers: a zero, a dose with a dot, a day count.
        assert (row["sleep_quality"], row["dose_taken_mg"], row["day_on_ldn"]) == ("0", "1.5", str(31 - n))
    assert by_date[(TODAY - 10 * DAY).isoformat()]["notes"] == "-2"  # a plain negative number


# --- the clinic's CSV is written by the worker in bounded queries ------------------------------


def test_clinic_csv_of_200_patients_by_180_days_is_written_in_bounded_queries(
    client, clinic, ada, django_assert_max_num_queries
):
    first = add_patients(clinic, ada, patients=200, days=180, last_day=TODAY)
    client.force_login(ada.user)
    asked = client.post(reverse("clinic_csv"), {"start": first.isoformat(), "end": TODAY.isoformat()})
    job = ExportJob.objects.get()
    assert asked["Location"] == reverse("clinic_export_job", args=[job.pk])

    # 1 + 12 per batch of 50 patients (2 of them the messages, 1 the lab results, 1 the
    # questionnaire answers), and the job's own: not one per row.
    with django_assert_max_num_queries(55):
        assert export_job_run(job_id=job.pk) == ExportState.DONE
    response = client.get(reverse("clinic_export_download", args=[job.pk]))

    assert response.streaming
    chunks = list(response.streaming_content)
    rows = list(csv.DictReader(io.StringIO(b"".join(chunks).decode())))
    assert len(rows) == 200 * 180
    assert rows[0]["patient_code"] == "C000"
    assert rows[-1]["patient_code"] == "C199"
    assert {row["date"] for row in rows[:180]} == set(every_day(first, TODAY))
    blank = [row for row in rows if row["dose_taken"] == ""]
    assert len(blank) == 200 * sum(1 for n in range(180) if n % 7 == 3)
    assert rows[100]["Pain score"] == "4"
    assert rows[100]["prescribed_dose_mg"] == "3"


def test_clinic_csv_queries_do_not_grow_with_patients(client, clinic, ada):
    """Per batch of patients, not per patient or per row."""
    first = add_patients(clinic, ada, patients=10, days=30, last_day=TODAY)
    client.force_login(ada.user)

    def count() -> int:
        client.post(reverse("clinic_csv"), {"start": first.isoformat(), "end": TODAY.isoformat()})
        with CaptureQueriesContext(connection) as queries:
            export_job_run(job_id=ExportJob.objects.latest("pk").pk)
        return len(queries.captured_queries)

    few = count()
    add_patients(clinic, ada, patients=40, days=30, last_day=TODAY, code="D")
    assert count() == few


# --- ranges --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (TODAY - 3 * DAY, TODAY - 5 * DAY, "The start date is after the end date"),
        (TODAY - 3 * DAY, TODAY + DAY, "The end date is in the future"),
        (TODAY - 1200 * DAY, TODAY, "The range is longer than 1096 days"),
        (None, TODAY, "This field is required."),
        (dt.date(1, 1, 1), dt.date(1, 12, 31), "The start date, 0001-01-01, is before 2000-01-01"),
    ],
)
def test_a_bad_range_is_explained_and_nothing_is_exported(client, alice, carol, start, end, message):
    client.force_login(carol.user)
    url = reverse("patient_csv", kwargs={"pk": alice.pk})
    response = client.get(url, {"start": start.isoformat() if start else "", "end": end.isoformat()})
    assert response.status_code == 200
    assert not response.streaming
    assert message in response.content.decode()
    assert 'class="error-summary"' in response.content.decode()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()


def test_default_range_runs_from_the_previous_export_or_90_days(client, alice, carol, bob):
    client.force_login(carol.user)
    url = reverse("patient_csv", kwargs={"pk": alice.pk})
    page = client.get(url).content.decode()
    assert f'value="{(TODAY - 89 * DAY).isoformat()}"' in page
    assert f'value="{TODAY.isoformat()}"' in page
    assert "No earlier export" in page

    with time_machine.travel(NOW - 12 * DAY, tick=False):
        body(patient_csv(client, alice, TODAY - 40 * DAY, TODAY - 12 * DAY))
    AuditEvent.objects.create(
        clinic=alice.clinic,
        patient=alice,
        actor=alice.user,
        kind="export",
        summary="own download",
        details={"by": "patient"},
        at=NOW - 2 * DAY,
    )
    AuditEvent.objects.create(
        clinic=bob.clinic,
        patient=bob,
        actor=carol.user,
        kind="export",
        summary="someone else",
        details={"by": "clinician"},
        at=NOW - DAY,
    )
    page = client.get(url).content.decode()
    assert f'value="{(TODAY - 12 * DAY).isoformat()}"' in page  # the patient's own download does not count
    assert "previous export (9 Nov 2026)" in page


# --- audit ---------------------------------------------------------------------------------


def test_every_export_is_recorded(client, alice, bob, carol, ada):
    client.force_login(carol.user)
    body(patient_csv(client, alice, TODAY - 5 * DAY))
    client.force_login(ada.user)
    body(clinic_export(client, TODAY))
    client.force_login(alice.user)
    body(client.get(reverse("own_csv"), {"download": "1"}))

    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT)
    patient_event, clinic_event, download_event, own_event = events
    assert (patient_event.patient, patient_event.actor, patient_event.at) == (alice, carol.user, NOW)
    assert patient_event.details == {
        "by": "clinician",
        "scope": "patient",
        "format": "csv",
        "start": "2026-11-16",
        "end": "2026-11-21",
    }
    assert patient_event.summary == f"CSV of {alice.export_label}, 2026-11-16 to 2026-11-21"
    assert (clinic_event.patient, clinic_event.clinic, clinic_event.actor) == (None, alice.clinic, ada.user)
    assert clinic_event.details["patients"] == 2
    assert clinic_event.details["scope"] == "clinic"
    job = ExportJob.objects.get()
    assert (download_event.actor, download_event.details["job"], download_event.details["download"]) == (
        ada.user,
        job.pk,
        True,
    )
    assert f"SHA-256 {job.sha256[:12]}" in download_event.summary
    assert (own_event.patient, own_event.actor, own_event.details["by"]) == (alice, alice.user, "patient")


# --- the patient's own CSV -----------------------------------------------------------------


def test_a_patient_downloads_everything_they_logged(client, alice, bob, carol):
    make_entry(alice, TODAY - 20 * DAY, notes="first", scores={"Pain": 6})
    make_entry(alice, TODAY - 2 * DAY, notes="later", dose_taken=False)
    make_entry(bob, TODAY - 30 * DAY, notes="bob's")
    client.force_login(alice.user)

    page = client.get(reverse("own_csv"))
    assert page.status_code == 200
    assert b"Download my CSV" in page.content
    rows = parse(client.get(reverse("own_csv"), {"download": "1"}))

    assert [row["date"] for row in rows] == every_day(TODAY - 20 * DAY, TODAY)
    assert {row["patient_code"] for row in rows} == {alice.export_label}
    assert (rows[0]["notes"], rows[0]["Pain score"], rows[-3]["dose_taken"]) == ("first", "6", "no")
    assert "bob's" not in {row["notes"] for row in rows}


# --- data dictionary -----------------------------------------------------------------------


def test_the_data_dictionary_covers_every_column(client, clinic, alice, bob, carol):
    own = Symptom.objects.create(clinic=clinic, name="Hot flushes", higher_is_better=False)
    bob.tracked_symptoms.add(own)
    client.force_login(carol.user)
    header = next(csv.reader(io.StringIO(body(patient_csv(client, alice, TODAY)))))
    client.force_login(bob.user)
    header += next(csv.reader(io.StringIO(body(client.get(reverse("own_csv"), {"download": "1"})))))

    client.force_login(carol.user)
    response = client.get(reverse("data_dictionary_csv"))
    described = {row["column"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))}
    assert set(header) <= set(described)
    assert all(row["description"] for row in described.values())
    assert all(row["allowed_values"] for row in described.values())
    assert described["Hot flushes score"]["unit"] == "score"
    page = client.get(reverse("data_dictionary")).content.decode()
    assert all(f"<code>{name}</code>" in page for name in described)


# --- who may download what -----------------------------------------------------------------


def test_nobody_downloads_another_clinics_or_patients_data(client, alice, bob, carol, ada, charlie, dave):
    make_entry(alice, TODAY, notes="alice's note")
    make_entry(bob, TODAY, notes="bob's note")
    make_entry(dave, TODAY, notes="dave's note")

    def clinic_notes() -> list[str]:
        return sorted(row["notes"] for row in parse(clinic_export(client, TODAY)))

    client.force_login(charlie.user)  # another clinic
    assert patient_csv(client, alice, TODAY).status_code == 404
    assert clinic_notes() == ["dave's note"]
    client.force_login(carol.user)  # her own patients only, even in the clinic export
    assert clinic_notes() == ["alice's note"]
    assert patient_csv(client, dave, TODAY).status_code == 404
    client.force_login(ada.user)  # the clinic admin: the whole clinic, not the other one
    assert clinic_notes() == ["alice's note", "bob's note"]
    client.force_login(bob.user)  # a patient: their own CSV only
    assert patient_csv(client, alice, TODAY).status_code == 403
    assert client.post(reverse("clinic_csv"), {"start": TODAY, "end": TODAY}).status_code == 403
    own = parse(client.get(reverse("own_csv"), {"download": "1"}))
    assert own[-1]["notes"] == "bob's note"
    client.logout()
    assert client.get(reverse("own_csv"), {"download": "1"}).status_code == 302
    assert AuditEvent.objects.filter(kind="export", patient=alice).count() == 0


@pytest.mark.parametrize("name", ["patient_csv", "own_csv", "data_dictionary", "data_dictionary_csv"])
def test_exports_answer_get_only(client, alice, carol, name):
    client.force_login((alice if name == "own_csv" else carol).user)
    url = reverse(name, kwargs={"pk": alice.pk} if name == "patient_csv" else {})
    assert client.post(url, {"start": TODAY, "end": TODAY}).status_code == 405


def test_export_links_on_the_roster_and_the_patients_history(client, alice, carol):
    client.force_login(carol.user)
    assert reverse("clinic_csv") in client.get(reverse("roster")).content.decode()
    client.force_login(alice.user)
    assert reverse("own_csv") in client.get(reverse("history")).content.decode()


# --- the clinic export's pages -------------------------------------------------------------------


def test_the_job_page_says_where_the_export_stands_and_asks_again_until_it_is_ready(client, alice, carol):
    make_entry(alice, TODAY, notes="fine")
    client.force_login(carol.user)
    form = client.get(reverse("clinic_csv")).content.decode()
    assert "Prepare CSV" in form and 'method="post"' in form
    asked = client.post(reverse("clinic_csv"), {"start": TODAY - 6 * DAY, "end": TODAY})
    waiting = client.get(asked["Location"]).content.decode()
    assert "Being prepared" in waiting and "http-equiv" not in waiting  # the page is never reloaded
    assert f'hx-get="{asked["Location"]}" hx-trigger="every 3s"' in waiting
    assert reverse("clinic_export_download", args=[ExportJob.objects.get().pk]) not in waiting
    still = client.get(asked["Location"], headers={"HX-Request": "true"}).content.decode()
    assert still.startswith('\n<section class="card" id="export-job-state"') and "Being prepared" in still

    run_latest_export()
    job = ExportJob.objects.get()
    swapped = client.get(asked["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in swapped and "hx-trigger" not in swapped  # ready: it stops asking
    assert reverse("clinic_export_download", args=[job.pk]) in swapped
    ready = client.get(asked["Location"]).content.decode()
    assert job.sha256 in ready and f"<dd>{job.rows} (one per patient per day" in ready
    assert reverse("clinic_export_download", args=[job.pk]) in ready
    listed = client.get(reverse("clinic_csv")).content.decode()
    assert reverse("clinic_export_job", args=[job.pk]) in listed and "ready" in listed
    download = client.get(reverse("clinic_export_download", args=[job.pk]))
    assert (
        download["Content-Disposition"]
        == 'attachment; filename="ldn-journal_Clinic-A_2026-11-15_2026-11-21.csv"'
    )
    assert download["Cache-Control"] == "no-store"
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == job.sha256


def test_a_download_before_the_file_is_ready_goes_back_to_the_job_page(client, alice, carol):
    client.force_login(carol.user)
    asked = client.post(reverse("clinic_csv"), {"start": TODAY, "end": TODAY})
    download = client.get(asked["Location"] + "download/")
    assert (download.status_code, download["Location"]) == (302, asked["Location"])
    assert not AccessEvent.objects.exists()


def test_a_job_is_the_asking_clinicians_and_the_admins_only(client, clinic, alice, carol, ada):
    colleague = make_clinician(clinic, "colleague")
    client.force_login(ada.user)
    asked = client.post(reverse("clinic_csv"), {"start": TODAY, "end": TODAY})
    run_latest_export()
    job = ExportJob.objects.get()
    assert job.patient_ids == sorted(Patient.objects.filter(clinic=clinic).values_list("pk", flat=True))
    for who, status in ((colleague, 404), (carol, 404), (ada, 200)):
        client.force_login(who.user)
        assert client.get(asked["Location"]).status_code == status
        assert client.get(asked["Location"] + "download/").status_code == status
    client.force_login(carol.user)
    assert (
        reverse("clinic_export_job", args=[job.pk]) not in client.get(reverse("clinic_csv")).content.decode()
    )


def test_a_clinician_without_patients_gets_a_file_with_the_header_only(client, clinic):
    newcomer = make_clinician(clinic, "newcomer")
    client.force_login(newcomer.user)
    rows = parse(clinic_export(client, TODAY))
    assert rows == []
    assert ExportJob.objects.get().rows == 0
