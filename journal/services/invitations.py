"""Invitations: a one-time link for a new patient to set their password."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from journal.bounds import invitation_problems
from journal.models import (
    AuditEvent,
    Clinician,
    Condition,
    Invitation,
    Medication,
    Patient,
    Symptom,
    User,
)
from journal.services.audit import (
    record_audit,
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_create(*, patient: Patient, clinician: Clinician) -> str:
    """A new one-time invitation for `patient`; returns the token (only its hash is kept)."""
    if patient.user_id is not None:
        raise ValidationError("This patient already has a login.")
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        invitation = Invitation(
            patient=patient,
            token_hash=token_hash(token),
            created_by=clinician,
            created_at=now,
            expires_at=now + Invitation.VALID_FOR,
        )
        invitation.full_clean()
        invitation.save()
        record_audit(
            patient=patient,
            actor=clinician.user,
            kind=AuditEvent.Kind.PATIENT_INVITED,
            summary=f"Invitation link created, valid until {invitation.expires_at:%Y-%m-%d %H:%M} UTC.",
        )
    return token


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
) -> tuple[Patient, str]:
    """Create a patient of the clinician's clinic, assigned to them, with an invitation.
    New condition and symptom names become the clinic's own (lower is better for symptoms).
    Each list, chosen and typed together, has its bound (`journal.bounds`)."""
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
        token = invitation_create(patient=patient, clinician=clinician)
    return patient, token


def invitation_for_token(token: str) -> Invitation | None:
    return Invitation.objects.select_related("patient").filter(token_hash=token_hash(token)).first()


def invitation_accept(*, token: str, username: str, password: str) -> User:
    """Create the patient's login from a usable invitation, once."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("patient")
            .filter(token_hash=token_hash(token))
            .first()
        )
        if invitation is None or not invitation.is_usable() or invitation.patient.user_id is not None:
            raise ValidationError("This invitation link has expired or has already been used.")
        patient = invitation.patient
        first, _, last = patient.name.partition(" ")
        user = User(username=username, first_name=first[:150], last_name=last[:150], email=patient.email)
        user.set_password(password)
        user.full_clean()
        user.save()
        patient.user = user
        patient.save(update_fields=["user"])
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
        record_audit(
            patient=patient,
            actor=user,
            kind=AuditEvent.Kind.INVITATION_ACCEPTED,
            summary=f"Invitation accepted; login {username!r} created.",
        )
    return user
