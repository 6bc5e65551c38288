"""Reads are audited: a clinician opening a patient's page, plan, printable summary or an export
writes one access row per patient (who, what, when, from where), all of a request's rows in
one INSERT; the patient's own pages write none."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks.data import add_patients
from journal.models import AccessEvent, AuditEvent, ExportJob
from journal.services.exports import export_job_run
from tests.factories import make_plan

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def reads() -> list[tuple]:
    return list(AccessEvent.objects.values_list("actor__username", "patient__name", "what", "client_address"))


def inserts_of_reads(queries: CaptureQueriesContext) -> list[str]:
    sqls = [query["sql"] for query in queries.captured_queries]
    return [sql for sql in sqls if sql.startswith('INSERT INTO "journal_accessevent"')]


def csv_range(day: dt.date = TODAY) -> dict[str, str]:
    return {"start": day.isoformat(), "end": day.isoformat()}


@pytest.mark.parametrize(
    ("name", "params", "what"),
    [
        ("patient_detail", {}, AccessEvent.What.PATIENT_PAGE),
        ("plan_manage", {}, AccessEvent.What.PLAN),
        ("appointment_summary", {}, AccessEvent.What.SUMMARY),
        ("patient_csv", csv_range(), AccessEvent.What.PATIENT_CSV),
    ],
)
def test_a_clinician_opening_a_patients_record_is_recorded_in_one_insert(
    client, alice, carol, name, params, what
):
    client.force_login(carol.user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name, args=[alice.pk]), params, REMOTE_ADDR="203.0.113.9")
        b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    assert reads() == [("carol", "Alice", what, "203.0.113.9")]
    event = AccessEvent.objects.get()
    assert (event.at, event.clinic_id) == (NOW, alice.clinic_id)
    assert len(inserts_of_reads(queries)) == 1


def test_the_export_form_alone_is_not_a_read(client, alice, carol):
    client.force_login(carol.user)
    assert client.get(reverse("patient_csv", args=[alice.pk])).status_code == 200
    assert reads() == []


def clinic_export_ready(client) -> str:
    """Ask for a clinic export and run its task (as the worker does); the download's address."""
    asked = client.post(reverse("clinic_csv"), csv_range())
    export_job_run(job_id=ExportJob.objects.latest("pk").pk)
    return asked["Location"] + "download/"


def test_a_clinic_export_is_read_when_its_file_is_downloaded_each_patient_in_one_insert(client, clinic, ada):
    """Asking for the file and the worker writing it show nobody anything; each download hands
    every patient in it to the person downloading."""
    add_patients(clinic, ada, patients=200, days=2, last_day=TODAY)
    client.force_login(ada.user)
    download = clinic_export_ready(client)
    assert reads() == []
    for times in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            b"".join(client.get(download).streaming_content)
        assert (
            AccessEvent.objects.filter(what=AccessEvent.What.CLINIC_CSV, actor=ada.user).count()
            == 200 * times
        )
        assert len(inserts_of_reads(queries)) == 1
    codes = set(AccessEvent.objects.values_list("patient__code", flat=True))
    assert codes == {f"C{n:03d}" for n in range(200)}


def test_a_clinicians_export_of_their_patients_records_only_those(client, alice, bob, carol):
    client.force_login(carol.user)
    b"".join(client.get(clinic_export_ready(client)).streaming_content)
    assert reads() == [("carol", "Alice", AccessEvent.What.CLINIC_CSV, "127.0.0.1")]


def test_the_patients_own_pages_are_not_recorded_as_someone_looking(client, alice, carol):
    make_plan(alice, carol, [(TODAY, "1.5")])
    client.force_login(alice.user)
    for name in ("today", "history", "my_plan", "my_chart"):
        assert client.get(reverse(name)).status_code == 200
    b"".join(client.get(reverse("own_csv"), {"download": "1"}).streaming_content)
    assert reads() == []
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).count() == 1  # as before


def test_a_refused_page_is_not_a_read(client, alice, charlie):
    client.force_login(charlie.user)
    assert client.get(reverse("patient_detail", args=[alice.pk])).status_code == 404
    assert reads() == []


def test_a_post_to_the_record_is_not_a_read(client, alice, carol):
    client.force_login(carol.user)
    assert client.post(reverse("patient_reviewed", args=[alice.pk])).status_code == 302
    assert reads() == []


# --- who looked, on the patient's timeline --------------------------------------------------


def test_the_patients_timeline_shows_who_looked_today(client, alice, carol):
    client.force_login(carol.user)
    for _ in range(3):
        client.get(reverse("patient_detail", args=[alice.pk]))
    timeline = client.get(reverse("patient_detail", args=[alice.pk])).content.decode()
    assert "Viewed by Carol Clinician — 3 times today: patient page ×3" in timeline


def test_a_clinic_export_is_on_each_patients_timeline(client, alice, bob, carol, ada):
    client.force_login(ada.user)
    b"".join(client.get(clinic_export_ready(client)).streaming_content)
    client.force_login(carol.user)
    for patient in (alice, bob):
        page = client.get(reverse("patient_detail", args=[patient.pk])).content.decode()
        assert "Viewed by Ada Clinician — once today: clinic CSV" in page


def test_a_roster_search_records_the_patients_it_showed_in_one_insert(client, clinic, alice, bob, carol):
    """A search reaches every patient of the clinic, not only the clinician's own: each patient
    on the page it answered is read. The roster without a search reads nobody's record."""
    client.force_login(carol.user)
    assert client.get(reverse("roster"), {"scope": "all"}).status_code == 200
    assert reads() == []
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("roster"), {"q": "o", "scope": "all"}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    assert reads() == [("carol", "Bob", AccessEvent.What.ROSTER_SEARCH, "203.0.113.9")]
    assert len(inserts_of_reads(queries)) == 1
    client.get(reverse("roster"), {"q": "nobody"})
    assert len(reads()) == 1  # a search that found nobody showed nobody
