"""journal.services.invitations: inviting a new patient, the one-time token (only its hash is
kept), finding an invitation by its token, and accepting it once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from journal.models import (
    AuditEvent,
    Caregiver,
    Condition,
    Invitation,
    LoginSession,
    Medication,
    OutgoingMail,
    Patient,
    Symptom,
    User,
)
from journal.services.invitations import (
    acceptance_url,
    caregiver_invite,
    caregiver_revoke,
    invitation_accept,
    invitation_create,
    invitation_for_token,
    invitation_opens,
    invitee_name,
    patient_invite,
    token_hash,
)
from tests.factories import make_patient

NOW = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
PASSWORD = "a-long-unusual-passphrase-42"

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


@pytest.fixture
def newcomer(clinic, carol):
    """A patient of clinic A without a login yet."""
    return make_patient(clinic, None, name="Nora Quill", clinicians=(carol,), email="nora@example.org")


def test_token_hash_is_the_sha256_hex_digest():
    assert token_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_invitation_create_keeps_only_the_hash_for_seven_days(newcomer, carol):
    token = invitation_create(patient=newcomer, clinician=carol)
    invitation = Invitation.objects.get()
    assert invitation.token_hash == token_hash(token)
    assert token not in invitation.token_hash
    assert invitation.created_by == carol
    assert invitation.created_at == NOW
    assert invitation.expires_at == NOW + dt.timedelta(days=7)
    assert invitation.used_at is None
    event = AuditEvent.objects.get()
    assert (event.kind, event.patient, event.actor) == (AuditEvent.Kind.PATIENT_INVITED, newcomer, carol.user)
    assert event.summary == "Invitation link created, valid until 2026-03-08 09:00 UTC."


def test_every_invitation_has_its_own_token(newcomer, carol):
    assert invitation_create(patient=newcomer, clinician=carol) != invitation_create(
        patient=newcomer, clinician=carol
    )
    assert Invitation.objects.count() == 2


def test_a_patient_with_a_login_is_not_invited(alice, carol):
    with pytest.raises(ValidationError) as refusal:
        invitation_create(patient=alice, clinician=carol)
    assert refusal.value.messages == ["This patient already has a login."]
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_patient_invite_creates_the_patient_in_the_clinicians_care(carol):
    pain = Symptom.objects.get(clinic=None, name="Pain")
    fibromyalgia = Condition.objects.get(clinic=None, name="Fibromyalgia")
    patient, token = patient_invite(
        clinician=carol,
        name="Nora Quill",
        time_zone="Europe/Paris",
        email="nora@example.org",
        code="NQ-1",
        conditions=[fibromyalgia],
        new_conditions=["Chronic urticaria"],
        symptoms=[pain],
        new_symptoms=["Jaw ache"],
        medications=["Levothyroxine 50 mcg"],
    )
    patient.refresh_from_db()
    assert (patient.clinic, patient.time_zone, patient.email, patient.code) == (
        carol.clinic,
        "Europe/Paris",
        "nora@example.org",
        "NQ-1",
    )
    assert patient.user is None
    assert list(patient.clinicians.all()) == [carol]
    assert sorted(c.name for c in patient.conditions.all()) == ["Chronic urticaria", "Fibromyalgia"]
    assert Condition.objects.get(name="Chronic urticaria").clinic == carol.clinic
    assert sorted(s.name for s in patient.tracked_symptoms.all()) == ["Jaw ache", "Pain"]
    jaw = Symptom.objects.get(name="Jaw ache")
    assert jaw.clinic == carol.clinic
    assert jaw.higher_is_better is False
    assert [m.name for m in patient.medications.all()] == ["Levothyroxine 50 mcg"]
    assert invitation_for_token(token).patient == patient
    assert list(AuditEvent.objects.values_list("kind", flat=True)) == [AuditEvent.Kind.PATIENT_INVITED]


def test_a_clinics_own_symptom_is_reused_not_duplicated(carol):
    patient_invite(clinician=carol, name="One", time_zone="UTC", new_symptoms=["Jaw ache"])
    patient_invite(clinician=carol, name="Two", time_zone="UTC", new_symptoms=["Jaw ache"])
    assert Symptom.objects.filter(name="Jaw ache").count() == 1


def test_an_invalid_patient_is_not_created(carol):
    with pytest.raises(ValidationError):
        patient_invite(clinician=carol, name="Nora", time_zone="Mars/Olympus", medications=["Tramadol"])
    assert not Patient.objects.filter(name="Nora").exists()
    assert not Medication.objects.exists()
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    "lists",
    [
        {"new_conditions": ["c" * 121]},
        {"new_symptoms": ["s" * 121]},
        {"medications": ["m" * 201]},
        {"new_conditions": [f"c{n}" for n in range(21)]},
        {"new_symptoms": [f"s{n}" for n in range(13)]},
        {"medications": [f"m{n}" for n in range(31)]},
    ],
    ids=["long condition", "long symptom", "long medicine", "21 conditions", "13 symptoms", "31 medicines"],
)
def test_every_list_of_an_invitation_and_each_of_its_names_has_a_bound(carol, lists):
    with pytest.raises(ValidationError):
        patient_invite(clinician=carol, name="Nora", time_zone="UTC", **lists)
    assert not Patient.objects.exists()
    assert not Symptom.objects.filter(clinic=carol.clinic).exists()
    assert not Medication.objects.exists()


def test_invitation_for_token(newcomer, carol, django_assert_num_queries):
    token = invitation_create(patient=newcomer, clinician=carol)
    with django_assert_num_queries(1):  # the invitation with its patient, by the token's hash
        found = invitation_for_token(token)
        assert found.patient.name == "Nora Quill"
    assert invitation_for_token("nonsense") is None


def test_invitation_accept_creates_the_login_once(newcomer, carol):
    token = invitation_create(patient=newcomer, clinician=carol)
    user = invitation_accept(token=token, username="nora", password=PASSWORD)
    newcomer.refresh_from_db()
    assert newcomer.user == user
    assert (user.username, user.first_name, user.last_name, user.email) == (
        "nora",
        "Nora",
        "Quill",
        "nora@example.org",
    )
    assert user.check_password(PASSWORD)
    assert Invitation.objects.get().used_at == NOW
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.INVITATION_ACCEPTED).get()
    assert (event.patient, event.actor) == (newcomer, user)
    assert event.summary == "Invitation accepted; login 'nora' created."

    with pytest.raises(ValidationError) as refusal:
        invitation_accept(token=token, username="nora2", password=PASSWORD)
    assert refusal.value.messages == ["This invitation link has expired or has already been used."]
    assert not User.objects.filter(username="nora2").exists()


@pytest.mark.parametrize("when", ["expired", "unknown", "has a login"])
def test_an_unusable_invitation_creates_no_login(newcomer, carol, time_machine, when):
    token = invitation_create(patient=newcomer, clinician=carol)
    if when == "expired":
        time_machine.move_to(NOW + dt.timedelta(days=7), tick=False)
    elif when == "unknown":
        token = "nonsense"
    else:
        newcomer.user = User.objects.create_user("nora-elsewhere")
        newcomer.save()
    with pytest.raises(ValidationError) as refusal:
        invitation_accept(token=token, username="nora", password=PASSWORD)
    assert refusal.value.messages == ["This invitation link has expired or has already been used."]
    assert not User.objects.filter(username="nora").exists()
    assert Invitation.objects.get().used_at is None
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.INVITATION_ACCEPTED).exists()


def test_a_taken_username_leaves_the_invitation_usable(newcomer, carol, alice):
    token = invitation_create(patient=newcomer, clinician=carol)
    with pytest.raises(ValidationError):
        invitation_accept(token=token, username="alice", password=PASSWORD)
    newcomer.refresh_from_db()
    assert newcomer.user is None
    assert Invitation.objects.get().used_at is None


def _site(path: str) -> str:
    return f"https://ldn.example.org{path}"


@pytest.fixture
def invitation_mail_on(settings):
    settings.SEND_INVITATION_EMAILS = True


def test_acceptance_url_is_the_absolute_link_of_the_token():
    assert acceptance_url(token="T0k", absolute_url=_site) == "https://ldn.example.org/invitation/T0k/"


def test_the_invitation_mail_is_queued_in_the_same_transaction(newcomer, carol, invitation_mail_on):
    token = invitation_create(patient=newcomer, clinician=carol, absolute_url=_site)
    queued = OutgoingMail.objects.get()
    assert (queued.invitation, queued.to, queued.status) == (
        Invitation.objects.get(),
        "nora@example.org",
        "queued",
    )
    assert queued.subject == "Your LDN Journal invitation from Clinic A"
    assert f"https://ldn.example.org/invitation/{token}/" in queued.body
    assert mail.outbox == []  # the worker sends it


@pytest.mark.parametrize("reason", ["mail off", "no address", "no link"])
def test_no_invitation_mail_without_mail_on_an_address_and_a_link(newcomer, carol, settings, reason):
    settings.SEND_INVITATION_EMAILS = reason != "mail off"
    if reason == "no address":
        newcomer.email = ""
        newcomer.save()
    invitation_create(patient=newcomer, clinician=carol, absolute_url=None if reason == "no link" else _site)
    assert Invitation.objects.count() == 1
    assert not OutgoingMail.objects.exists()


def test_an_invite_rolled_back_after_its_mail_was_queued_leaves_no_mail(carol, invitation_mail_on):
    with pytest.raises(RuntimeError), transaction.atomic():
        patient_invite(
            clinician=carol, name="Nora", time_zone="UTC", email="nora@example.org", absolute_url=_site
        )
        assert OutgoingMail.objects.count() == 1
        raise RuntimeError("a later step of the same change failed")
    assert not Patient.objects.filter(name="Nora").exists()
    assert not OutgoingMail.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_new_link_cancels_the_unsent_mail_of_the_old_one(newcomer, carol, invitation_mail_on):
    invitation_create(patient=newcomer, clinician=carol, absolute_url=_site)
    invitation_create(patient=newcomer, clinician=carol, absolute_url=_site)
    old, new = OutgoingMail.objects.order_by("pk")
    assert (old.status, old.body) == ("cancelled", "")
    assert new.status == "queued"


def test_accepting_cancels_the_unsent_invitation_mail(newcomer, carol, invitation_mail_on):
    token = invitation_create(patient=newcomer, clinician=carol, absolute_url=_site)
    invitation_accept(token=token, username="nora", password=PASSWORD)
    assert OutgoingMail.objects.get().body == ""


def test_a_new_link_invalidates_the_earlier_unused_ones(newcomer, carol):
    first = invitation_create(patient=newcomer, clinician=carol)
    second = invitation_create(patient=newcomer, clinician=carol)
    assert invitation_for_token(first).is_usable() is False
    with pytest.raises(ValidationError) as refusal:
        invitation_accept(token=first, username="nora", password=PASSWORD)
    assert refusal.value.messages == ["This invitation link has expired or has already been used."]
    assert invitation_accept(token=second, username="nora", password=PASSWORD).username == "nora"


def test_a_new_link_leaves_other_patients_links_alone(newcomer, carol, clinic):
    other = make_patient(clinic, None, name="Olga Other", clinicians=(carol,))
    others_link = invitation_create(patient=other, clinician=carol)
    invitation_create(patient=newcomer, clinician=carol)
    assert invitation_for_token(others_link).is_usable() is True


def test_the_audit_row_says_the_earlier_link_stopped_working(newcomer, carol):
    invitation_create(patient=newcomer, clinician=carol)
    invitation_create(patient=newcomer, clinician=carol)
    assert AuditEvent.objects.order_by("pk").last().summary == (
        "Invitation link created, valid until 2026-03-08 09:00 UTC. The earlier link no longer works."
    )


# --- a patient's caregiver ------------------------------------------------------------------------


def test_a_clinician_invites_a_caregiver_who_makes_their_own_login(alice, carol):
    caregiver, token = caregiver_invite(patient=alice, clinician=carol, name="  Maria Parent ")
    invitation = invitation_for_token(token)
    assert invitation is not None and invitation.caregiver == caregiver
    assert invitee_name(invitation) == "Maria Parent"
    assert invitation_opens(invitation)  # Alice has a login: the caregiver's link still opens
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.CAREGIVER_INVITED)
    assert (event.patient, event.actor) == (alice, carol.user)
    assert "Maria Parent" in event.summary

    user = invitation_accept(token=token, username="maria", password=PASSWORD)
    caregiver.refresh_from_db()
    alice.refresh_from_db()
    assert caregiver.user == user
    assert alice.user.username == "alice"  # the patient's own login is untouched
    assert (user.first_name, user.last_name, user.role) == ("Maria", "Parent", "caregiver")
    assert not invitation_opens(Invitation.objects.get(pk=invitation.pk))  # once
    with pytest.raises(ValidationError):
        invitation_accept(token=token, username="maria2", password=PASSWORD)


def test_a_patients_own_link_does_not_withdraw_the_caregivers(newcomer, carol):
    _caregiver, token = caregiver_invite(patient=newcomer, clinician=carol, name="Sam Carer")
    patient_token = invitation_create(patient=newcomer, clinician=carol)
    assert invitation_opens(invitation_for_token(token))
    assert invitee_name(invitation_for_token(patient_token)) == "Nora Quill"


def test_one_caregiver_at_a_time_and_only_by_the_patients_clinic(alice, carol, charlie):
    caregiver_invite(patient=alice, clinician=carol, name="Maria Parent")
    with pytest.raises(ValidationError, match="already has a caregiver"):
        caregiver_invite(patient=alice, clinician=carol, name="Another Parent")
    with pytest.raises(ValidationError):
        caregiver_invite(patient=alice, clinician=charlie, name="Stranger")
    with pytest.raises(ValidationError):
        caregiver_invite(patient=alice, clinician=carol, name="   ")
    assert Caregiver.objects.count() == 1


def test_revoking_a_caregiver_ends_their_login_and_sessions(alice, carol, gina, client):
    client.force_login(gina.user)
    assert LoginSession.objects.filter(user=gina.user).exists()
    caregiver_revoke(caregiver=gina, clinician=carol)
    gina.refresh_from_db()
    gina.user.refresh_from_db()
    assert gina.revoked_at is not None
    assert not gina.user.is_active
    assert not LoginSession.objects.filter(user=gina.user).exists()
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.CAREGIVER_REVOKED)
    assert (event.patient, event.actor) == (alice, carol.user)
    with pytest.raises(ValidationError, match="already"):
        caregiver_revoke(caregiver=gina, clinician=carol)
    # … and another may be invited now
    caregiver_invite(patient=alice, clinician=carol, name="Maria Parent")


def test_a_revoked_caregivers_unused_link_no_longer_opens(alice, carol, charlie):
    caregiver, token = caregiver_invite(patient=alice, clinician=carol, name="Maria Parent")
    with pytest.raises(ValidationError):
        caregiver_revoke(caregiver=caregiver, clinician=charlie)  # another clinic's clinician
    caregiver_revoke(caregiver=caregiver, clinician=carol)
    assert not invitation_opens(invitation_for_token(token))
    with pytest.raises(ValidationError):
        invitation_accept(token=token, username="maria", password=PASSWORD)
    assert not User.objects.filter(username="maria").exists()
