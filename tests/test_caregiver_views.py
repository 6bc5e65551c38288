"""A patient's caregiver, through the pages: a clinician invites them from the patient page, they
set a password from the link and log for that one patient under a "Logging for …" banner; the
clinician sees which entries they logged, and revokes them."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from journal.models import AuditEvent, Caregiver, DailyEntry, LoginSession

PASSWORD = "a-long-unusual-passphrase-42"


def _entry(patient, **fields):
    today = patient.local_today()
    pain = patient.tracked_symptoms.get(name="Pain")
    return {"entry_date": today.isoformat(), "dose_taken": "no", f"score_{pain.pk}": "4", **fields}


def test_a_caregiver_is_invited_accepts_and_logs_for_the_child(client, alice, carol):
    client.force_login(carol.user)
    response = client.post(reverse("caregiver_invitation", args=[alice.pk]), {"name": "Maria Parent"})
    assert response.url == reverse("caregiver_invitation", args=[alice.pk])
    page = client.get(response.url).content.decode()
    link = re.search(r'data-testid="caregiver-link">([^<]+)<', page).group(1)
    assert "Maria Parent" in page
    assert "The link was shown once" in client.get(response.url).content.decode()  # once
    client.logout()

    accept = client.get(link).content.decode()
    assert "Welcome, Maria Parent" in accept
    assert "as their caregiver" in accept
    response = client.post(link, {"username": "maria", "password1": PASSWORD, "password2": PASSWORD})
    assert response.url == reverse("home")
    assert client.get(reverse("home")).url == reverse("today")
    today = client.get(reverse("today")).content.decode()
    assert 'data-testid="logging-for"' in today
    assert "Logging for Alice" in today
    assert reverse("reminders") not in today  # Alice's own reminders are hers

    response = client.post(reverse("entry"), _entry(alice))
    assert response.status_code == 302
    caregiver = Caregiver.objects.get(patient=alice)
    entry = DailyEntry.objects.get(patient=alice)
    assert entry.logged_by == caregiver.user

    client.force_login(carol.user)
    patient_page = client.get(reverse("patient_detail", args=[alice.pk])).content.decode()
    assert "logged by Maria Parent (caregiver)" in patient_page
    changes = client.get(reverse("entry_changes", args=[alice.pk, entry.entry_date.isoformat()]))
    assert "logged by Maria Parent (caregiver)" in changes.content.decode()
    day = entry.entry_date.isoformat()
    response = client.get(reverse("patient_csv", args=[alice.pk]), {"start": day, "end": day})
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert row["logged_by"] == "caregiver"


def test_the_patient_still_logs_for_themself(client, alice, gina):
    client.force_login(alice.user)
    client.post(reverse("entry"), _entry(alice))
    assert DailyEntry.objects.get(patient=alice).logged_by == alice.user
    assert b"Logging for" not in client.get(reverse("today")).content


def test_a_caregiver_opens_no_other_patients_pages(client, alice, bob, gina):
    client.force_login(gina.user)
    assert client.get(reverse("patient_detail", args=[bob.pk])).status_code == 403
    assert client.get(reverse("patient_detail", args=[alice.pk])).status_code == 403
    assert client.get(reverse("my_questions")).status_code == 403
    assert client.post(reverse("question_ask"), {"topic": "general", "text": "Hi"}).status_code == 403
    assert client.post(reverse("calendar_reset")).status_code == 403
    assert not AuditEvent.objects.filter(patient=alice).exists()


@pytest.mark.parametrize("role", ["alice", "gina", "charlie", "bob"])
def test_only_a_clinician_of_the_patients_clinic_revokes_the_caregiver(client, request, alice, gina, role):
    client.force_login(request.getfixturevalue(role).user)
    response = client.post(reverse("caregiver_revoke", args=[alice.pk, gina.pk]))
    assert response.status_code in (403, 404)
    gina.refresh_from_db()
    assert gina.revoked_at is None


def test_a_revoked_caregiver_is_signed_out_and_cannot_sign_in(client, alice, carol, gina):
    caregiver_client = type(client)()
    caregiver_client.force_login(gina.user)
    assert caregiver_client.get(reverse("today")).status_code == 200

    client.force_login(carol.user)
    response = client.post(reverse("caregiver_revoke", args=[alice.pk, gina.pk]))
    assert response.url == reverse("patient_detail", args=[alice.pk])
    assert "can no longer sign in" in client.get(response.url).content.decode()
    assert not LoginSession.objects.filter(user=gina.user).exists()
    assert caregiver_client.get(reverse("today")).status_code == 302  # to the sign-in page
    assert AuditEvent.objects.filter(patient=alice, kind=AuditEvent.Kind.CAREGIVER_REVOKED).exists()
    # another clinic's patient: 404 before anything
    assert client.post(reverse("caregiver_revoke", args=[alice.pk, gina.pk + 999])).status_code == 404


def test_a_second_caregiver_is_refused_while_one_is_there(client, alice, carol, gina):
    client.force_login(carol.user)
    response = client.post(reverse("caregiver_invitation", args=[alice.pk]), {"name": "Second Parent"})
    assert response.url == reverse("patient_detail", args=[alice.pk])
    assert "already has a caregiver" in client.get(response.url).content.decode()
    assert Caregiver.objects.filter(patient=alice).count() == 1


@pytest.mark.parametrize("name", ["", " ", "x" * 201])
def test_a_caregivers_name_is_bounded(client, alice, carol, name):
    client.force_login(carol.user)
    response = client.post(reverse("caregiver_invitation", args=[alice.pk]), {"name": name})
    assert response.status_code == 302
    assert not Caregiver.objects.exists()
