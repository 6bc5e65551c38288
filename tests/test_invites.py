"""Inviting a patient and accepting the invitation."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from journal.models import AuditEvent, Invitation, Patient, Symptom
from journal.services.invitations import invitation_create, token_hash

PASSWORD = "a-long-unusual-passphrase-42"


def _invite(client, **fields):
    data = {
        "name": "Nora Quill",
        "time_zone": "Europe/Paris",
        "email": "nora@example.org",
        "symptoms": [Symptom.objects.get(clinic=None, name="Pain").pk],
        "other_symptoms": "Hand tremor, Jaw ache",
        "other_conditions": "Chronic urticaria",
        "medications": "Levothyroxine 50 mcg\nTramadol 50 mg",
        **fields,
    }
    return client.post(reverse("invite_patient"), data)


def _link_from(response) -> str:
    match = re.search(r'data-testid="invitation-link">([^<]+)<', response.content.decode())
    return match[1]


def test_invite_creates_the_patient_and_shows_the_link_once(client, carol, settings):
    settings.SEND_INVITATION_EMAILS = False
    client.force_login(carol.user)
    response = _invite(client)
    patient = Patient.objects.get(name="Nora Quill")
    assert response.url == reverse("invitation_link", args=[patient.pk])
    assert patient.clinic == carol.clinic
    assert list(patient.clinicians.all()) == [carol]
    assert patient.time_zone == "Europe/Paris"
    assert patient.user is None
    assert {s.name for s in patient.tracked_symptoms.all()} == {"Pain", "Hand tremor", "Jaw ache"}
    assert Symptom.objects.get(name="Jaw ache").clinic == carol.clinic
    assert [c.name for c in patient.conditions.all()] == ["Chronic urticaria"]
    assert sorted(m.name for m in patient.medications.all()) == ["Levothyroxine 50 mcg", "Tramadol 50 mg"]

    page = client.get(response.url)
    link = _link_from(page)
    token = link.rsplit("/", 2)[-2]
    invitation = patient.invitations.get()
    assert invitation.token_hash == token_hash(token)
    assert token not in invitation.token_hash
    assert invitation.expires_at - invitation.created_at == dt.timedelta(days=7)
    assert mail.outbox == []
    # Shown once: the app keeps no copy of the token.
    assert 'data-testid="invitation-link"' not in client.get(response.url).content.decode()
    assert AuditEvent.objects.filter(patient=patient, kind=AuditEvent.Kind.PATIENT_INVITED).count() == 1


def _run_worker():
    """The worker, as in production: outside any transaction (it closes a connection left in
    one, as Django does between requests), so the tests that run it use transactional_db."""
    call_command("worker", "--batch", stdout=io.StringIO())


def test_invitation_is_emailed_by_the_worker_when_mail_is_set_up(client, transactional_db, carol, settings):
    settings.SEND_INVITATION_EMAILS = True
    client.force_login(carol.user)
    invitation_page = _invite(client).url
    page = client.get(invitation_page)
    assert mail.outbox == []  # the request only queued it
    assert "Email to nora@example.org: queued" in page.content.decode()
    _run_worker()
    (message,) = mail.outbox
    assert message.to == ["nora@example.org"]
    assert _link_from(page) in message.body
    assert "Email to nora@example.org: sent" in client.get(invitation_page).content.decode()


def test_invite_form_errors_save_nothing(client, carol, alice):
    alice.code = "A-1"
    alice.save()
    client.force_login(carol.user)
    response = _invite(client, name="", time_zone="Mars/Olympus", code="A-1")
    assert response.status_code == 200
    content = response.content.decode()
    assert "This field is required" in content
    assert "already has this code" in content
    assert not Patient.objects.filter(name="Nora Quill").exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        # each answered 500 on PostgreSQL and saved an over-long row on SQLite
        ({"other_conditions": "c" * 121}, "is longer than 120 characters: shorten it."),
        ({"other_symptoms": "s" * 121}, "is longer than 120 characters: shorten it."),
        ({"medications": "m" * 201}, "is longer than 200 characters: shorten it."),
        # lists have a length
        (
            {"other_conditions": ", ".join(f"c{n}" for n in range(21))},
            "At most 20 conditions: this list has 21.",
        ),
        (
            {"other_symptoms": ", ".join(f"s{n}" for n in range(12))},  # and Pain ticked
            "At most 12 tracked symptoms: this list has 13.",
        ),
        ({"medications": "\n".join(f"m{n}" for n in range(31))}, "At most 30 medicines: this list has 31."),
        # ids have a range: 2^63 answered 500 on SQLite
        ({"symptoms": [str(2**63)]}, "Select a valid choice."),
        ({"conditions": [str(10**30)]}, "Select a valid choice."),
        ({"email": "n" * 250 + "@example.org"}, "at most 254 characters"),
    ],
)
def test_absurd_invitations_are_refused_with_a_reason(client, carol, fields, message):
    client.force_login(carol.user)
    response = _invite(client, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Patient.objects.exists()
    assert not Symptom.objects.filter(clinic=carol.clinic).exists()


def _token_for(patient, clinician) -> str:
    return invitation_create(patient=patient, clinician=clinician)


@pytest.fixture
def newcomer(clinic, carol):
    from tests.factories import make_patient

    return make_patient(clinic, None, name="Nora Quill", clinicians=(carol,))


def test_accepting_sets_the_password_and_logs_in(client, newcomer, carol):
    token = _token_for(newcomer, carol)
    url = reverse("accept_invitation", args=[token])
    assert "Welcome, Nora Quill" in client.get(url).content.decode()
    response = client.post(url, {"username": "nora", "password1": PASSWORD, "password2": PASSWORD})
    assert response.url == reverse("home")
    newcomer.refresh_from_db()
    assert newcomer.user.username == "nora"
    assert newcomer.user.check_password(PASSWORD)
    assert client.get(reverse("today")).status_code == 200
    assert Invitation.objects.get().used_at is not None
    assert AuditEvent.objects.filter(patient=newcomer, kind=AuditEvent.Kind.INVITATION_ACCEPTED).count() == 1
    # Single use.
    client.logout()
    assert client.get(url).status_code == 410
    again = client.post(url, {"username": "nora2", "password1": PASSWORD, "password2": PASSWORD})
    assert again.status_code == 410


@pytest.mark.parametrize(
    ("password1", "password2", "message"),
    [
        ("short", "short", "too short"),
        ("password123", "password123", "too common"),
        ("48201937465", "48201937465", "entirely numeric"),
        ("noraquill", "noraquill", "too similar"),
        (PASSWORD, PASSWORD + "x", "The two passwords differ"),
    ],
)
def test_password_validators_apply(client, newcomer, carol, password1, password2, message):
    token = _token_for(newcomer, carol)
    response = client.post(
        reverse("accept_invitation", args=[token]),
        {"username": "noraquill", "password1": password1, "password2": password2},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.user is None
    assert Invitation.objects.get().used_at is None


def test_taken_username_is_refused(client, newcomer, carol, alice):
    token = _token_for(newcomer, carol)
    response = client.post(
        reverse("accept_invitation", args=[token]),
        {"username": "Alice", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert "is taken; choose another." in response.content.decode()


def test_invitation_expires_after_7_days(client, newcomer, carol):
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)):
        token = _token_for(newcomer, carol)
    url = reverse("accept_invitation", args=[token])
    with time_machine.travel(dt.datetime(2026, 3, 8, 8, 59, tzinfo=dt.UTC)):
        assert client.get(url).status_code == 200
    with time_machine.travel(dt.datetime(2026, 3, 8, 9, 0, tzinfo=dt.UTC)):
        response = client.get(url)
        assert response.status_code == 410
        assert "expired" in response.content.decode()


def test_unknown_token_is_404(client, db):
    assert client.get(reverse("accept_invitation", args=["nonsense"])).status_code == 404


def test_new_link_for_a_patient_without_login(client, newcomer, carol):
    client.force_login(carol.user)
    response = client.post(reverse("invitation_link", args=[newcomer.pk]))
    assert response.url == reverse("invitation_link", args=[newcomer.pk])
    assert newcomer.invitations.count() == 1
    assert 'data-testid="invitation-link"' in client.get(response.url).content.decode()


def test_no_new_link_for_a_patient_with_login(client, alice, carol):
    client.force_login(carol.user)
    client.post(reverse("invitation_link", args=[alice.pk]))
    assert alice.invitations.count() == 0


def test_another_clinic_cannot_invite_our_patient_again(client, newcomer, charlie):
    client.force_login(charlie.user)
    assert client.post(reverse("invitation_link", args=[newcomer.pk])).status_code == 404
    assert newcomer.invitations.count() == 0


@pytest.mark.parametrize("name", ["invite_patient", "accept_invitation"])
def test_wrong_method_is_405(client, carol, name):
    client.force_login(carol.user)
    url = reverse(name) if name == "invite_patient" else reverse(name, args=["x"])
    assert client.delete(url).status_code == 405


def test_a_mail_outage_neither_fails_nor_duplicates_the_invitation(
    client, transactional_db, carol, mail_server_down, settings
):
    client.raise_request_exception = False
    client.force_login(carol.user)
    response = _invite(client)
    assert response.status_code == 302
    (patient,) = Patient.objects.filter(name="Nora Quill")
    page = client.get(response.url)
    assert _link_from(page)  # the one-time link is shown, not lost
    assert "Email to nora@example.org: queued" in page.content.decode()

    _run_worker()  # the mail server is still down
    patient_page = client.get(reverse("patient_detail", args=[patient.pk])).content.decode()
    assert "Email to nora@example.org: failed (1 of 6 tries) — will retry at" in patient_page

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the mail server is back
    _run_worker()
    assert mail.outbox == []  # not before the retry is due
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1, seconds=1)):
        _run_worker()
        patient_page = client.get(reverse("patient_detail", args=[patient.pk])).content.decode()
    (message,) = mail.outbox
    assert _link_from(page) in message.body
    assert "Email to nora@example.org: sent" in patient_page
