"""Invitations: a one-time link for a new patient, or a patient's caregiver, to set their
password; and the end of a caregiver's login."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from journal.bounds import invitation_problems
from journal.models import (
    AuditEvent,
    Caregiver,
    Clinician,
    Condition,
    Invitation,
    Medication,
    Patient,
    Symptom,
    User,
)
from journal.services.audit import (
    lock_patient,
    record_audit,
)
from journal.services.mail import invitation_mails_cancel, mail_queue
from journal.services.snapshots import snapshot_refresh


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def acceptance_url(*, token: str, absolute_url: Callable[[str], str]) -> str:
    """The link the patient opens to accept the invitation `token`."""
    return absolute_url(reverse("accept_invitation", args=[token]))


def invitation_create(
    *, patient: Patient, clinician: Clinician, absolute_url: Callable[[str], str] | None = None
) -> str:
    """A new one-time invitation for `patient`; returns the token (only its hash is kept).
    With `absolute_url` (a request's `build_absolute_uri`), invitation mail on and an address
    for the patient, the link is queued for email in the same transaction. The patient's
    earlier unused links stop working (only the newest opens the account) and their unsent
    mail is cancelled."""
    if patient.user_id is not None:
        raise ValidationError(_("This patient already has a login."))
    now = timezone.now()
    with transaction.atomic():
        lock_patient(patient)
        withdrawn = patient.invitations.filter(caregiver=None, used_at=None, expires_at__gt=now).update(
            expires_at=now
        )
        invitation, token = _new_invitation(patient, clinician, now)
        record_audit(
            patient=patient,
            actor=clinician.user,
            kind=AuditEvent.Kind.PATIENT_INVITED,
            summary=f"Invitation link created, valid until {invitation.expires_at:%Y-%m-%d %H:%M} UTC."
            + (" The earlier link no longer works." if withdrawn else ""),
        )
        invitation_mails_cancel(patient=patient)
        if absolute_url and settings.SEND_INVITATION_EMAILS and patient.email:
            _mail_invitation(invitation, acceptance_url(token=token, absolute_url=absolute_url))
    return token


def _new_invitation(
    patient: Patient, clinician: Clinician, now: dt.datetime, *, caregiver: Caregiver | None = None
) -> tuple[Invitation, str]:
    """A saved one-time invitation for the patient (or their caregiver) and its token."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        patient=patient,
        caregiver=caregiver,
        token_hash=token_hash(token),
        created_by=clinician,
        created_at=now,
        expires_at=now + Invitation.VALID_FOR,
    )
    invitation.full_clean()
    invitation.save()
    return invitation, token


def _mail_invitation(invitation: Invitation, link: str) -> None:
    patient, clinic = invitation.patient, invitation.patient.clinic.name
    mail_queue(
        to=patient.email,
        # In the language of the page the clinician sent it from.
        subject=(_("Your LDN Journal invitation from %(clinic)s") % {"clinic": clinic})[:200],
        body=_(
            "Hello %(name)s,\n\n%(clinic)s invites you to keep your LDN journal online.\n"
            "Open this link within 7 days to set your password (it works once):\n\n%(link)s\n"
        )
        % {"name": patient.name, "clinic": clinic, "link": link},
        invitation=invitation,
    )


def patient_invite(
    *,
    clinician: Clinician,
    name: str,
    time_zone: str,
    email: str = "",
    code: str = "",
    conditions: Iterable[Condition] = (),
    new_conditions: Iterable[str] = (),
    symptoms: Iterable[Symptom] = (),
    new_symptoms: Iterable[str] = (),
    medications: Iterable[str] = (),
    absolute_url: Callable[[str], str] | None = None,
) -> tuple[Patient, str]:
    """Create a patient of the clinician's clinic, assigned to them, with an invitation
    (emailed as `invitation_create` says). New condition and symptom names become the
    clinic's own (lower is better for symptoms). Each list, chosen and typed together, has its
    bound (`journal.bounds`)."""
    clinic = clinician.clinic
    conditions, new_conditions = list(conditions), list(new_conditions)
    symptoms, new_symptoms, medications = list(symptoms), list(new_symptoms), list(medications)
    problems = invitation_problems(
        conditions=[c.name for c in conditions] + new_conditions,
        symptoms=[s.name for s in symptoms] + new_symptoms,
        medications=medications,
    )
    if problems:
        raise ValidationError(list(problems.values()))
    with transaction.atomic():
        patient = Patient(clinic=clinic, name=name, time_zone=time_zone, email=email, code=code)
        patient.full_clean()
        patient.save()
        patient.clinicians.add(clinician)
        own_conditions = [Condition.objects.get_or_create(clinic=clinic, name=n)[0] for n in new_conditions]
        patient.conditions.add(*conditions, *own_conditions)
        own_symptoms = [Symptom.objects.get_or_create(clinic=clinic, name=n)[0] for n in new_symptoms]
        patient.tracked_symptoms.add(*symptoms, *own_symptoms)
        for medication in medications:
            Medication.objects.create(patient=patient, name=medication)
        snapshot_refresh(patient, timezone.now())
        token = invitation_create(patient=patient, clinician=clinician, absolute_url=absolute_url)
    return patient, token


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("patient", "caregiver").filter(token_hash=token_hash(token)).first()
    )


def invitation_opens(invitation: Invitation, now: dt.datetime | None = None) -> bool:
    """Whether the invitation can still make its login: unused, unexpired, for a patient or a
    caregiver (not revoked) without one."""
    if not invitation.is_usable(now):
        return False
    caregiver = invitation.caregiver
    if caregiver is None:
        return invitation.patient.user_id is None
    return caregiver.user_id is None and caregiver.revoked_at is None


def invitee_name(invitation: Invitation) -> str:
    """The name of whom the invitation is for: the caregiver's, else the patient's."""
    return invitation.caregiver.name if invitation.caregiver is not None else invitation.patient.name


def invitation_accept(*, token: str, username: str, password: str) -> User:
    """Create the patient's login from a usable invitation, once."""
    with transaction.atomic():
        invitation = (
            # Only the invitation's row: PostgreSQL locks no row on the nullable side of a join.
            Invitation.objects.select_for_update(of=("self",))
            .select_related("patient", "caregiver")
            .filter(token_hash=token_hash(token))
            .first()
        )
        if invitation is None or not invitation_opens(invitation):
            raise ValidationError(_("This invitation link has expired or has already been used."))
        if invitation.caregiver is not None:
            return _caregiver_accept(invitation, username=username, password=password)
        patient = invitation.patient
        first, _space, last = patient.name.partition(" ")
        user = User(username=username, first_name=first[:150], last_name=last[:150], email=patient.email)
        user.set_password(password)
        user.full_clean()
        user.save()
        patient.user = user
        patient.save(update_fields=["user"])
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
        invitation_mails_cancel(patient=patient)
        record_audit(
            patient=patient,
            actor=user,
            kind=AuditEvent.Kind.INVITATION_ACCEPTED,
            summary=f"Invitation accepted; login {username!r} created.",
        )
    return user


def _caregiver_accept(invitation: Invitation, *, username: str, password: str) -> User:
    caregiver = invitation.caregiver
    assert caregiver is not None
    first, _space, last = caregiver.name.partition(" ")
    user = User(username=username, first_name=first[:150], last_name=last[:150])
    user.set_password(password)
    user.full_clean()
    user.save()
    caregiver.user = user
    caregiver.save(update_fields=["user"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    record_audit(
        patient=invitation.patient,
        actor=user,
        kind=AuditEvent.Kind.INVITATION_ACCEPTED,
        summary=f"Caregiver invitation accepted; login {username!r} created for {caregiver.name}.",
    )
    return user


def caregiver_invite(*, patient: Patient, clinician: Clinician, name: str) -> tuple[Caregiver, str]:
    """A caregiver for `patient` (one at a time: revoke the present one first) and their
    one-time link; returns the caregiver and the token (only its hash is kept). The clinician
    must be of the patient's clinic (the view finds the patient through `access.patient_for`)."""
    if patient.clinic_id != clinician.clinic_id:
        raise ValidationError(_("Only a clinician of the patient's clinic can invite their caregiver."))
    now = timezone.now()
    with transaction.atomic():
        lock_patient(patient)
        if patient.caregivers.filter(revoked_at=None).exists():
            raise ValidationError(
                _("This patient already has a caregiver. Revoke them first to invite another.")
            )
        caregiver = Caregiver(patient=patient, name=name.strip(), invited_by=clinician, invited_at=now)
        caregiver.full_clean()
        caregiver.save()
        invitation, token = _new_invitation(patient, clinician, now, caregiver=caregiver)
        record_audit(
            patient=patient,
            actor=clinician.user,
            kind=AuditEvent.Kind.CAREGIVER_INVITED,
            summary=f"Caregiver {caregiver.name} invited to log for the patient; "
            f"link valid until {invitation.expires_at:%Y-%m-%d %H:%M} UTC.",
            details={"caregiver": caregiver.pk},
        )
    return caregiver, token


def caregiver_revoke(*, caregiver: Caregiver, clinician: Clinician) -> None:
    """The caregiver no longer logs for the patient: their login is deactivated (every session
    ends at once, `User.save`) and an unused link stops working. The entries they saved stay,
    marked as theirs."""
    if caregiver.patient.clinic_id != clinician.clinic_id:
        raise ValidationError(_("Only a clinician of the patient's clinic can revoke their caregiver."))
    now = timezone.now()
    with transaction.atomic():
        lock_patient(caregiver.patient)
        if Caregiver.objects.filter(pk=caregiver.pk, revoked_at=None).update(revoked_at=now) == 0:
            raise ValidationError(_("This caregiver was already revoked."))
        caregiver.revoked_at = now
        caregiver.invitations.filter(used_at=None, expires_at__gt=now).update(expires_at=now)
        if caregiver.user is not None:
            caregiver.user.is_active = False
            caregiver.user.save(update_fields=["is_active"])
        record_audit(
            patient=caregiver.patient,
            actor=clinician.user,
            kind=AuditEvent.Kind.CAREGIVER_REVOKED,
            summary=f"Caregiver {caregiver.name} revoked: they can no longer sign in or log for the patient.",
            details={"caregiver": caregiver.pk},
        )
