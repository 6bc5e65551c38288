"""Clinic administration: clinicians, the admin role, care teams, and the access report's
download on the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from journal.models import (
    AccessEvent,
    AuditEvent,
    Clinic,
    Clinician,
    LoginFailure,
    Patient,
    User,
)
from journal.services.account import two_factor_disable
from journal.services.audit import (
    record_audit,
)


def _require_admin_of(admin: Clinician, clinic_id: int) -> None:
    if not admin.is_clinic_admin or admin.clinic_id != clinic_id:
        raise ValidationError(_("Only an admin of this clinic can do this."))


def _clinic_audit(admin: Clinician, kind: str, summary: str, details: dict[str, Any]) -> None:
    record_audit(
        patient=None, clinic=admin.clinic, actor=admin.user, kind=kind, summary=summary, details=details
    )


def _password_link_args(user: User) -> tuple[str, str]:
    """(uidb64, token) for Django's password-set link. The token is tied to the password
    hash, so it stops working once a password is set, and after PASSWORD_RESET_TIMEOUT."""
    return urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)


def clinician_add(
    *, admin: Clinician, first_name: str, last_name: str, username: str, email: str, is_clinic_admin: bool
) -> tuple[Clinician, tuple[str, str]]:
    """A new clinician of the admin's clinic, and the (uidb64, token) of the one-time link with
    which they set their password: the login has none yet."""
    _require_admin_of(admin, admin.clinic_id)
    with transaction.atomic():
        user = User(username=username, first_name=first_name, last_name=last_name, email=email)
        user.set_unusable_password()
        user.full_clean()
        user.save()
        clinician = Clinician(user=user, clinic_id=admin.clinic_id, is_clinic_admin=is_clinic_admin)
        clinician.full_clean()
        clinician.save()
        role = "clinic admin" if is_clinic_admin else "clinician"
        summary = f"{clinician} added as {role}, login {username!r}."
        _clinic_audit(
            admin,
            AuditEvent.Kind.CLINICIAN_ADDED,
            summary,
            {"clinician": clinician.pk, "username": username, "is_clinic_admin": is_clinic_admin},
        )
    return clinician, _password_link_args(user)


def clinician_password_link(*, admin: Clinician, clinician: Clinician) -> tuple[str, str]:
    """A new one-time link, as (uidb64, token), for a clinician who has not set a password yet."""
    _require_admin_of(admin, clinician.clinic_id)
    if clinician.user.has_usable_password():
        raise ValidationError(_("%(clinician)s has already set a password.") % {"clinician": clinician})
    with transaction.atomic():
        _clinic_audit(
            admin,
            AuditEvent.Kind.CLINICIAN_CHANGED,
            f"New set-password link for {clinician}.",
            {"clinician": clinician.pk, "action": "password_link"},
        )
    return _password_link_args(clinician.user)


def _lock_admins(clinic_id: int) -> set[int]:
    """Queue the clinic's admin changes on the clinic row; the clinic's active admins as they are
    now, once the changes before this one are committed."""
    Clinic.objects.select_for_update().only("pk").get(pk=clinic_id)
    active_admins = Clinician.objects.filter(clinic_id=clinic_id, is_clinic_admin=True, user__is_active=True)
    return set(active_admins.values_list("pk", flat=True))


def clinician_change(
    *, admin: Clinician, clinician: Clinician, is_clinic_admin: bool, is_active: bool
) -> None:
    """Give or take the admin role; deactivate or reactivate the login. Clinicians are never
    deleted: plans name them as prescribers. An admin cannot demote or deactivate themself,
    and two admins demoting each other at once are applied one after the other (the second is
    no longer an admin), so the clinic always keeps an active admin."""
    _require_admin_of(admin, clinician.clinic_id)
    if clinician.pk == admin.pk and not (is_clinic_admin and is_active):
        raise ValidationError(
            _(
                "You cannot remove your own admin role or deactivate your own login: "
                "another admin of the clinic must do it, so the clinic always keeps an admin."
            )
        )
    user = clinician.user
    before = {"is_clinic_admin": clinician.is_clinic_admin, "is_active": user.is_active}
    after = {"is_clinic_admin": is_clinic_admin, "is_active": is_active}
    if before == after:
        return
    with transaction.atomic():
        if admin.pk not in _lock_admins(clinician.clinic_id):
            raise ValidationError(_("Only an admin of this clinic can do this."))
        clinician.is_clinic_admin = is_clinic_admin
        clinician.save(update_fields=["is_clinic_admin"])
        user.is_active = is_active
        user.save(update_fields=["is_active"])
        changes = []
        if before["is_clinic_admin"] != is_clinic_admin:
            changes.append("now a clinic admin" if is_clinic_admin else "no longer a clinic admin")
        if before["is_active"] != is_active:
            changes.append("login reactivated" if is_active else "login deactivated")
        _clinic_audit(
            admin,
            AuditEvent.Kind.CLINICIAN_CHANGED,
            f"{clinician}: {', '.join(changes)}.",
            {"clinician": clinician.pk, "before": before, "after": after},
        )


def care_team_set(*, admin: Clinician, patient: Patient, clinicians: Iterable[Clinician]) -> None:
    """Assign exactly `clinicians` to the patient; they see the patient under "My patients".
    Only clinicians of the patient's own clinic may be assigned."""
    _require_admin_of(admin, patient.clinic_id)
    chosen = set(clinicians)
    if any(c.clinic_id != patient.clinic_id for c in chosen):
        raise ValidationError(_("Only clinicians of the patient's own clinic can be on their care team."))
    with transaction.atomic():
        current = set(patient.clinicians.select_related("user"))
        added, removed = chosen - current, current - chosen
        if not added and not removed:
            return
        patient.clinicians.set(chosen)

        def names(group: set[Clinician]) -> str:
            return ", ".join(sorted(str(c) for c in group)) or "nobody"

        summary = f"Care team of {patient}: {names(chosen)}"
        changes = (("added", added), ("removed", removed))
        summary += "".join(f"; {label} {names(group)}" for label, group in changes if group)
        _clinic_audit(
            admin,
            AuditEvent.Kind.CARE_TEAM_CHANGED,
            f"{summary}.",
            {
                "patient": patient.pk,
                "clinicians": sorted(c.pk for c in chosen),
                "added": sorted(c.pk for c in added),
                "removed": sorted(c.pk for c in removed),
            },
        )


def clinic_two_factor_set(*, admin: Clinician, required: bool) -> None:
    """Require (or stop requiring) two-factor sign-in of the clinic's clinicians and admins.
    Those without it set it up at their next page (journal.middleware)."""
    _require_admin_of(admin, admin.clinic_id)
    clinic = admin.clinic
    if clinic.require_two_factor == required:
        return
    with transaction.atomic():
        clinic.require_two_factor = required
        clinic.save(update_fields=["require_two_factor"])
        summary = (
            "Two-factor sign-in is now required of clinicians and admins."
            if required
            else "Two-factor sign-in is no longer required (each clinician may keep theirs)."
        )
        _clinic_audit(
            admin, AuditEvent.Kind.CLINIC_SETTINGS_CHANGED, summary, {"require_two_factor": required}
        )


def clinic_emergency_line_set(*, admin: Clinician, line: str) -> None:
    """The "For an emergency, …" line every patient's question form shows."""
    _require_admin_of(admin, admin.clinic_id)
    clinic = admin.clinic
    line = " ".join(line.split())
    if clinic.emergency_line == line:
        return
    with transaction.atomic():
        clinic.emergency_line = line
        clinic.full_clean()
        clinic.save(update_fields=["emergency_line"])
        _clinic_audit(
            admin,
            AuditEvent.Kind.CLINIC_SETTINGS_CHANGED,
            f"Emergency line for patients: {clinic.emergency_words}",
            {"emergency_line": line},
        )


def clinic_fhir_names_set(*, admin: Clinician, named: bool) -> None:
    """Name the clinic's patients (name and date of birth) in every FHIR output, or stop: each
    Patient is then pseudonymous, its record code alone (`journal.selectors.fhir.fhir_identity`)."""
    _require_admin_of(admin, admin.clinic_id)
    clinic = admin.clinic
    if clinic.fhir_names_patients == named:
        return
    with transaction.atomic():
        clinic.fhir_names_patients = named
        clinic.save(update_fields=["fhir_names_patients"])
        summary = (
            "FHIR records now give each patient's name and date of birth."
            if named
            else "FHIR records are pseudonymous again: each patient's record code, no name."
        )
        _clinic_audit(admin, AuditEvent.Kind.CLINIC_SETTINGS_CHANGED, summary, {"fhir_names_patients": named})


def clinician_two_factor_reset(*, admin: Clinician, clinician: Clinician) -> None:
    """Turn off a clinician's two-factor sign-in (a lost phone, no recovery codes left): they
    sign in with their password and, if the clinic requires it, set it up again at once."""
    _require_admin_of(admin, clinician.clinic_id)
    two_factor_disable(user=clinician.user, actor=admin.user)


def login_unlock(*, admin: Clinician, user: User) -> int:
    """Forgive every failed sign-in of one of the clinic's logins (clinician or patient), from
    every address: the lock and the slow-down end at once. Returns how many were forgiven."""
    patient = Patient.objects.filter(user=user).first()
    clinician = Clinician.objects.filter(user=user).first()
    clinic_id = patient.clinic_id if patient is not None else clinician.clinic_id if clinician else None
    if clinic_id is None:
        raise ValidationError(_("Only a login of this clinic can be unlocked here."))
    _require_admin_of(admin, clinic_id)
    with transaction.atomic():
        failures = LoginFailure.objects.filter(username=user.username)
        addresses = sorted(set(failures.values_list("address", flat=True)))
        forgiven = failures.delete()[0]
        name = str(patient or clinician)
        record_audit(
            patient=patient,
            clinic=admin.clinic,
            actor=admin.user,
            kind=AuditEvent.Kind.LOGIN_UNLOCKED,
            summary=f"Sign-in of {name} ({user.username}) unlocked: {forgiven} failed "
            f"attempt{'s' if forgiven != 1 else ''} forgiven.",
            details={
                "user": user.pk,
                "username": user.username,
                "failures": forgiven,
                "addresses": addresses,
            },
        )
    return forgiven


def access_report_exported(
    *,
    admin: Clinician,
    first: dt.date,
    last: dt.date,
    clinician: Clinician | None,
    patient: Patient | None,
    what: str,
    count: int,
) -> None:
    """The admin downloaded the access report, with these filters: one audit row on the clinic."""
    _require_admin_of(admin, admin.clinic_id)
    filters = [
        f"clinician {clinician}" if clinician else "",
        f"patient {patient.export_label}" if patient else "",
        f"what: {AccessEvent.What(what).label}" if what else "",
    ]
    summary = ", ".join(["Access report CSV", f"{first} to {last}", *filter(None, filters)])
    with transaction.atomic():
        _clinic_audit(
            admin,
            AuditEvent.Kind.ACCESS_REPORT,
            f"{summary}: {count} read{'' if count == 1 else 's'}.",
            {
                "start": first.isoformat(),
                "end": last.isoformat(),
                "clinician": clinician.pk if clinician else None,
                "patient": patient.pk if patient else None,
                "what": what,
                "reads": count,
            },
        )
