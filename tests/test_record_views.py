"""The patient page's conditions and tracked symptoms: a clinician of the patient adds or
stops one on a date; the entry form, the response table and the history follow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from journal.models import AuditEvent, Condition, Symptom, SymptomTracking
from journal.schedule import DAY
from tests.factories import make_entry, make_plan

NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
TODAY = NOW.date()

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


@pytest.fixture
def alice_on_ldn(alice, carol):
    """Alice, whose record was opened 100 days ago, on LDN for 90 days."""
    alice.created_at = NOW - 100 * DAY
    alice.save(update_fields=["created_at"])
    make_plan(alice, carol, [(TODAY - 90 * DAY, "1.5")])
    return alice


def add_url(patient, kind):
    return reverse("patient_record_add", kwargs={"pk": patient.pk, "kind": kind})


def stop_url(patient, kind, item):
    return reverse("patient_record_stop", kwargs={"pk": patient.pk, "kind": kind, "item_pk": item.pk})


def test_a_symptom_added_is_asked_on_the_patients_next_entry_form(client, alice_on_ldn, carol):
    brain_fog = Symptom.objects.get(clinic=None, name="Brain fog")
    client.force_login(carol.user)
    response = client.post(add_url(alice_on_ldn, "symptoms"), {"item": brain_fog.pk, "on": TODAY.isoformat()})
    assert response.status_code == 302
    assert response.url.endswith("#record")
    client.force_login(alice_on_ldn.user)
    assert "Brain fog" in client.get(reverse("entry")).content.decode()


def test_a_symptom_stopped_is_no_longer_asked_but_its_scores_stay(client, alice_on_ldn, carol):
    pain = Symptom.objects.get(clinic=None, name="Pain")
    make_entry(alice_on_ldn, TODAY - 5 * DAY, scores={"Pain": 4, "Fatigue": 3})
    client.force_login(carol.user)
    response = client.post(stop_url(alice_on_ldn, "symptoms", pain), {"on": (TODAY - DAY).isoformat()})
    assert response.status_code == 302
    page = client.get(reverse("patient_detail", args=[alice_on_ldn.pk])).content.decode()
    assert "no longer tracked from 1 Mar 2026" in page  # its row stays in the response table
    response = client.get(
        reverse("patient_csv", args=[alice_on_ldn.pk]),
        {"start": (TODAY - 7 * DAY).isoformat(), "end": TODAY.isoformat()},
    )
    header, *rows = b"".join(response.streaming_content).decode().splitlines()
    pain_column = header.split(",").index("Pain score")
    logged = [row.split(",") for row in rows if f",{(TODAY - 5 * DAY).isoformat()}," in row]
    assert [cells[pain_column] for cells in logged] == ["4"]
    client.force_login(alice_on_ldn.user)
    form = client.get(reverse("entry")).content.decode()
    assert "Fatigue" in form
    assert f'name="score_{pain.pk}"' not in form


def test_the_history_and_an_own_baseline_show_on_the_patient_page(client, alice_on_ldn, carol):
    brain_fog = Symptom.objects.get(clinic=None, name="Brain fog")
    added = TODAY - 30 * DAY
    client.force_login(carol.user)
    client.post(add_url(alice_on_ldn, "symptoms"), {"item": brain_fog.pk, "on": added.isoformat()})
    for days in range(30, 0, -1):
        make_entry(alice_on_ldn, TODAY - days * DAY, scores={"Brain fog": 6})
    page = client.get(reverse("patient_detail", args=[alice_on_ldn.pk])).content.decode()
    assert "baseline: its first week, from 31 January" in page
    assert "from 31 Jan 2026" in page  # its period in the history
    assert "since the record was opened" in page  # Pain and Fatigue, tracked from the invitation


def test_a_condition_added_then_removed(client, alice_on_ldn, carol):
    lupus = Condition.objects.get(clinic=None, name="Lupus")
    client.force_login(carol.user)
    client.post(add_url(alice_on_ldn, "conditions"), {"item": lupus.pk, "on": (TODAY - 9 * DAY).isoformat()})
    assert list(alice_on_ldn.conditions.all()) == [lupus]
    client.post(stop_url(alice_on_ldn, "conditions", lupus), {"on": TODAY.isoformat()})
    assert not alice_on_ldn.conditions.exists()
    page = client.get(reverse("patient_detail", args=[alice_on_ldn.pk])).content.decode()
    assert "from 21 Feb 2026 to 2 Mar 2026" in page
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.RECORD_CHANGED).count() == 2


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"on": TODAY.isoformat()}, "Choose one from the list."),
        ({"item": "999999", "on": TODAY.isoformat()}, "Choose one from the list."),
        ({"item": "PAIN"}, "Enter the date of the change."),
        ({"item": "PAIN", "on": "9999-12-31"}, "is after"),
        ({"item": "PAIN", "on": "2026-13-01"}, "Enter a date like 2026-03-01."),
    ],
)
def test_a_refused_change_says_why_and_changes_nothing(client, alice_on_ldn, carol, payload, message):
    brain_fog = Symptom.objects.get(clinic=None, name="Brain fog")
    payload = {k: (brain_fog.pk if v == "PAIN" else v) for k, v in payload.items()}
    client.force_login(carol.user)
    response = client.post(add_url(alice_on_ldn, "symptoms"), payload)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SymptomTracking.objects.exists()


def test_a_symptom_already_tracked_is_not_offered(client, alice_on_ldn, carol):
    pain = Symptom.objects.get(clinic=None, name="Pain")
    client.force_login(carol.user)
    response = client.post(add_url(alice_on_ldn, "symptoms"), {"item": pain.pk, "on": TODAY.isoformat()})
    assert response.status_code == 400
    assert "Choose one from the list." in response.content.decode()


def test_an_unknown_kind_is_not_found(client, alice_on_ldn, carol):
    client.force_login(carol.user)
    assert client.post(add_url(alice_on_ldn, "medicines"), {}).status_code == 404


def test_a_get_is_refused(client, alice_on_ldn, carol):
    client.force_login(carol.user)
    assert client.get(add_url(alice_on_ldn, "symptoms")).status_code == 405


# --- date of birth and weight ------------------------------------------------------------


def test_the_clinician_records_a_childs_date_of_birth_and_weight(client, alice_on_ldn, carol):
    client.force_login(carol.user)
    url = reverse("patient_birth_date", args=[alice_on_ldn.pk])
    assert client.post(url, {"date_of_birth": "2016-03-04"}).status_code == 302
    weight_url = reverse("patient_weight_add", args=[alice_on_ldn.pk])
    assert client.post(weight_url, {"weight_kg": "30.1", "measured_on": "2025-12-01"}).status_code == 302
    assert client.post(weight_url, {"weight_kg": "32.5", "measured_on": "2026-03-01"}).status_code == 302
    page = client.get(reverse("patient_detail", args=[alice_on_ldn.pk])).content.decode()
    assert "4 Mar 2016 (age 9 years)" in page  # her 10th birthday is on 4 March
    assert "32.5 kg, measured 1 Mar 2026" in page
    assert "30.1 kg on 1 Dec 2025" in page
    summary = client.get(reverse("appointment_summary", args=[alice_on_ldn.pk])).content.decode()
    assert "Born 4 Mar 2016 (age 9 years)" in summary
    assert "32.5 kg (measured 1 Mar 2026)" in summary


@pytest.mark.parametrize(
    ("url_name", "payload", "message"),
    [
        ("patient_birth_date", {"date_of_birth": "2026-03-03"}, "is after"),
        ("patient_birth_date", {"date_of_birth": ""}, "Enter the date of birth."),
        (
            "patient_weight_add",
            {"weight_kg": "0", "measured_on": "2026-03-01"},
            "greater than or equal to 0.5",
        ),
        (
            "patient_weight_add",
            {"weight_kg": "1e9", "measured_on": "2026-03-01"},
            "less than or equal to 350",
        ),
        ("patient_weight_add", {"weight_kg": "32.55", "measured_on": "2026-03-01"}, "1 decimal place"),
        (
            "patient_weight_add",
            {"weight_kg": "abc", "measured_on": "2026-03-01"},
            "Enter the weight as a number",
        ),
        ("patient_weight_add", {"weight_kg": "30", "measured_on": "2026-03-03"}, "is after"),
    ],
)
def test_a_refused_date_of_birth_or_weight_says_why(client, alice_on_ldn, carol, url_name, payload, message):
    client.force_login(carol.user)
    response = client.post(reverse(url_name, args=[alice_on_ldn.pk]), payload)
    assert response.status_code == 400
    assert message in response.content.decode()
    alice_on_ldn.refresh_from_db()
    assert alice_on_ldn.date_of_birth is None
    assert not alice_on_ldn.weights.exists()
