"""journal.services.clinic: the clinic admin adds clinicians (with a one-time set-password
link), gives and takes the admin role, deactivates logins and sets care teams — each only in
their own clinic, each audited on the clinic."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from journal.bounds import EMERGENCY_LINE_MAX_CHARS
from journal.models import AuditEvent, Clinician, LoginFailure, User
from journal.selectors.account import has_two_factor
from journal.services.clinic import (
    access_report_exported,
    care_team_set,
    clinic_emergency_line_set,
    clinic_fhir_names_set,
    clinic_two_factor_set,
    clinician_add,
    clinician_change,
    clinician_password_link,
    clinician_two_factor_reset,
    login_unlock,
)
from tests.factories import make_clinician
from tests.two_factor import with_two_factor

NEW = {"first_name": "Nadia", "last_name": "Osei", "username": "dr.osei", "email": "osei@example.org"}
ONLY_AN_ADMIN = "Only an admin of this clinic can do this."


def clinic_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.all())


def refused(call, message: str) -> None:
    with pytest.raises(ValidationError) as refusal:
        call()
    assert refusal.value.messages == [message]


def opens_the_link(user: User, link: tuple[str, str]) -> bool:
    uidb64, token = link
    return force_str(urlsafe_base64_decode(uidb64)) == str(user.pk) and default_token_generator.check_token(
        user, token
    )


# --- clinician_add ------------------------------------------------------------------------------


@pytest.mark.parametrize("is_admin", [False, True])
def test_clinician_add_creates_a_login_without_a_password_and_a_link_to_set_one(ada, is_admin):
    clinician, link = clinician_add(admin=ada, is_clinic_admin=is_admin, **NEW)
    clinician.refresh_from_db()
    user = clinician.user
    assert (user.username, user.first_name, user.last_name, user.email) == (
        "dr.osei",
        "Nadia",
        "Osei",
        "osei@example.org",
    )
    assert not user.has_usable_password()
    assert clinician.clinic == ada.clinic
    assert clinician.is_clinic_admin is is_admin
    assert opens_the_link(user, link)
    (event,) = clinic_events()
    assert (event.kind, event.patient, event.clinic, event.actor) == (
        AuditEvent.Kind.CLINICIAN_ADDED,
        None,
        ada.clinic,
        ada.user,
    )
    role = "clinic admin" if is_admin else "clinician"
    assert event.summary == f"Nadia Osei added as {role}, login 'dr.osei'."
    assert event.details == {"clinician": clinician.pk, "username": "dr.osei", "is_clinic_admin": is_admin}


def test_only_an_admin_adds_clinicians(carol):
    refused(lambda: clinician_add(admin=carol, is_clinic_admin=False, **NEW), ONLY_AN_ADMIN)
    assert not User.objects.filter(username="dr.osei").exists()
    assert clinic_events() == []


def test_a_taken_username_adds_nobody(ada, carol):
    with pytest.raises(ValidationError):
        clinician_add(admin=ada, is_clinic_admin=False, **{**NEW, "username": "carol"})
    assert Clinician.objects.count() == 2
    assert clinic_events() == []


# --- clinician_password_link --------------------------------------------------------------------


def test_a_new_link_for_a_clinician_who_has_not_set_a_password(ada):
    clinician, _ = clinician_add(admin=ada, is_clinic_admin=False, **NEW)
    link = clinician_password_link(admin=ada, clinician=clinician)
    assert opens_the_link(clinician.user, link)
    event = clinic_events()[-1]
    assert event.kind == AuditEvent.Kind.CLINICIAN_CHANGED
    assert event.summary == "New set-password link for Nadia Osei."
    assert event.details == {"clinician": clinician.pk, "action": "password_link"}


def test_no_link_once_a_password_is_set(ada, carol):
    refused(
        lambda: clinician_password_link(admin=ada, clinician=carol),
        "Carol Clinician has already set a password.",
    )
    assert clinic_events() == []


def test_no_link_for_another_clinics_clinician(ada, charlie):
    charlie.user.set_unusable_password()
    charlie.user.save()
    refused(lambda: clinician_password_link(admin=ada, clinician=charlie), ONLY_AN_ADMIN)


# --- clinician_change ---------------------------------------------------------------------------


def test_clinician_change_gives_the_admin_role_and_deactivates_the_login(ada, carol):
    clinician_change(admin=ada, clinician=carol, is_clinic_admin=True, is_active=False)
    carol.refresh_from_db()
    carol.user.refresh_from_db()
    assert carol.is_clinic_admin is True
    assert carol.user.is_active is False
    (event,) = clinic_events()
    assert event.kind == AuditEvent.Kind.CLINICIAN_CHANGED
    assert event.summary == "Carol Clinician: now a clinic admin, login deactivated."
    assert event.details == {
        "clinician": carol.pk,
        "before": {"is_clinic_admin": False, "is_active": True},
        "after": {"is_clinic_admin": True, "is_active": False},
    }


def test_clinician_change_takes_the_role_and_reactivates(ada, carol):
    carol.is_clinic_admin = True
    carol.save()
    carol.user.is_active = False
    carol.user.save()
    clinician_change(admin=ada, clinician=carol, is_clinic_admin=False, is_active=True)
    assert clinic_events()[0].summary == "Carol Clinician: no longer a clinic admin, login reactivated."


def test_no_change_writes_nothing(ada, carol, django_assert_num_queries):
    with django_assert_num_queries(0):  # the clinician and their login are already loaded
        clinician_change(admin=ada, clinician=carol, is_clinic_admin=False, is_active=True)
    assert clinic_events() == []


@pytest.mark.parametrize(("is_admin", "is_active"), [(False, True), (True, False), (False, False)])
def test_an_admin_cannot_demote_or_deactivate_themself(ada, is_admin, is_active):
    refused(
        lambda: clinician_change(admin=ada, clinician=ada, is_clinic_admin=is_admin, is_active=is_active),
        "You cannot remove your own admin role or deactivate your own login: another admin of the "
        "clinic must do it, so the clinic always keeps an admin.",
    )
    ada.refresh_from_db()
    ada.user.refresh_from_db()
    assert ada.is_clinic_admin is True
    assert ada.user.is_active is True
    assert clinic_events() == []


def test_another_admin_may_demote_an_admin(ada, clinic):
    other = make_clinician(clinic, "otto", admin=True)
    clinician_change(admin=other, clinician=ada, is_clinic_admin=False, is_active=True)
    ada.refresh_from_db()
    assert ada.is_clinic_admin is False


@pytest.mark.parametrize("who", ["carol", "bea"])
def test_only_an_admin_of_the_clinic_changes_a_clinician(carol, other_clinic, who):
    acting = carol if who == "carol" else make_clinician(other_clinic, "bea", admin=True)
    target = make_clinician(carol.clinic, "tom")
    refused(
        lambda: clinician_change(admin=acting, clinician=target, is_clinic_admin=True, is_active=True),
        ONLY_AN_ADMIN,
    )
    target.refresh_from_db()
    assert target.is_clinic_admin is False
    assert clinic_events() == []


# --- care_team_set ------------------------------------------------------------------------------


def test_care_team_set_assigns_exactly_the_chosen_clinicians(ada, carol, alice):
    care_team_set(admin=ada, patient=alice, clinicians=[ada])
    assert list(alice.clinicians.all()) == [ada]
    (event,) = clinic_events()
    assert (event.kind, event.patient, event.clinic) == (
        AuditEvent.Kind.CARE_TEAM_CHANGED,
        None,
        alice.clinic,
    )
    assert event.summary == "Care team of Alice: Ada Clinician; added Ada Clinician; removed Carol Clinician."
    assert event.details == {
        "patient": alice.pk,
        "clinicians": [ada.pk],
        "added": [ada.pk],
        "removed": [carol.pk],
    }


def test_an_empty_care_team(ada, carol, alice):
    care_team_set(admin=ada, patient=alice, clinicians=[])
    assert not alice.clinicians.exists()
    assert clinic_events()[0].summary == "Care team of Alice: nobody; removed Carol Clinician."


def test_the_same_care_team_again_writes_nothing(ada, carol, alice):
    care_team_set(admin=ada, patient=alice, clinicians=[carol])
    assert list(alice.clinicians.all()) == [carol]
    assert clinic_events() == []


def test_the_service_also_refuses_another_clinics_clinician(ada, alice, charlie):
    with pytest.raises(ValidationError, match="own clinic"):
        care_team_set(admin=ada, patient=alice, clinicians=[charlie])


def test_another_clinics_clinician_changes_nothing(ada, carol, alice, charlie):
    refused(
        lambda: care_team_set(admin=ada, patient=alice, clinicians=[carol, charlie]),
        "Only clinicians of the patient's own clinic can be on their care team.",
    )
    assert list(alice.clinicians.all()) == [carol]
    assert clinic_events() == []


def test_only_an_admin_of_the_patients_clinic_sets_the_care_team(carol, alice, dave, ada):
    refused(lambda: care_team_set(admin=carol, patient=alice, clinicians=[]), ONLY_AN_ADMIN)
    refused(lambda: care_team_set(admin=ada, patient=dave, clinicians=[]), ONLY_AN_ADMIN)
    assert list(alice.clinicians.all()) == [carol]
    assert clinic_events() == []


# --- signing in -----------------------------------------------------------------------------------


def test_clinic_two_factor_set_requires_it_once_and_records_each_change(ada):
    clinic_two_factor_set(admin=ada, required=True)
    clinic_two_factor_set(admin=ada, required=True)
    ada.clinic.refresh_from_db()
    assert ada.clinic.require_two_factor
    clinic_two_factor_set(admin=ada, required=False)
    assert [(e.kind, e.summary, e.details) for e in clinic_events()] == [
        (
            AuditEvent.Kind.CLINIC_SETTINGS_CHANGED,
            "Two-factor sign-in is now required of clinicians and admins.",
            {"require_two_factor": True},
        ),
        (
            AuditEvent.Kind.CLINIC_SETTINGS_CHANGED,
            "Two-factor sign-in is no longer required (each clinician may keep theirs).",
            {"require_two_factor": False},
        ),
    ]


def test_only_an_admin_requires_two_factor(carol):
    refused(lambda: clinic_two_factor_set(admin=carol, required=True), ONLY_AN_ADMIN)


def test_clinic_fhir_names_set_names_patients_once_and_records_each_change(ada):
    assert not ada.clinic.fhir_names_patients, "pseudonymous unless the clinic chooses otherwise"
    clinic_fhir_names_set(admin=ada, named=True)
    clinic_fhir_names_set(admin=ada, named=True)
    ada.clinic.refresh_from_db()
    assert ada.clinic.fhir_names_patients
    clinic_fhir_names_set(admin=ada, named=False)
    assert [(e.kind, e.actor, e.summary, e.details) for e in clinic_events()] == [
        (
            AuditEvent.Kind.CLINIC_SETTINGS_CHANGED,
            ada.user,
            "FHIR records now give each patient's name and date of birth.",
            {"fhir_names_patients": True},
        ),
        (
            AuditEvent.Kind.CLINIC_SETTINGS_CHANGED,
            ada.user,
            "FHIR records are pseudonymous again: each patient's record code, no name.",
            {"fhir_names_patients": False},
        ),
    ]


def test_only_an_admin_names_patients_in_fhir(carol):
    refused(lambda: clinic_fhir_names_set(admin=carol, named=True), ONLY_AN_ADMIN)
    carol.clinic.refresh_from_db()
    assert not carol.clinic.fhir_names_patients


def test_clinician_two_factor_reset_turns_it_off_on_the_admins_record(ada, carol):
    with_two_factor(carol.user)
    clinician_two_factor_reset(admin=ada, clinician=carol)
    assert not has_two_factor(carol.user)
    event = clinic_events()[-1]
    assert (event.actor, event.summary) == (
        ada.user,
        "Carol Clinician: Two-factor sign-in turned off by Ada Clinician.",
    )


def test_another_clinics_admin_cannot_reset_two_factor(carol, other_clinic):
    with_two_factor(carol.user)
    bea = make_clinician(other_clinic, "bea", admin=True)
    refused(lambda: clinician_two_factor_reset(admin=bea, clinician=carol), ONLY_AN_ADMIN)
    assert has_two_factor(carol.user)


def test_login_unlock_forgives_every_failure_of_the_login_and_records_from_where(ada, alice):
    for address in ("203.0.113.1", "203.0.113.1", "203.0.113.2"):
        LoginFailure.objects.create(username="alice", address=address)
    LoginFailure.objects.create(username="mallory", address="203.0.113.1")
    assert login_unlock(admin=ada, user=alice.user) == 3
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["mallory"]
    (event,) = clinic_events()
    assert (event.kind, event.patient, event.actor) == (AuditEvent.Kind.LOGIN_UNLOCKED, alice, ada.user)
    assert event.summary == "Sign-in of Alice (alice) unlocked: 3 failed attempts forgiven."
    assert event.details == {
        "user": alice.user.pk,
        "username": "alice",
        "failures": 3,
        "addresses": ["203.0.113.1", "203.0.113.2"],
    }


def test_login_unlock_is_for_the_admins_own_clinic(ada, carol, charlie, dave):
    refused(lambda: login_unlock(admin=carol, user=ada.user), ONLY_AN_ADMIN)
    refused(lambda: login_unlock(admin=ada, user=charlie.user), ONLY_AN_ADMIN)
    refused(lambda: login_unlock(admin=ada, user=dave.user), ONLY_AN_ADMIN)
    staff = User.objects.create_user("staff", is_staff=True)
    refused(lambda: login_unlock(admin=ada, user=staff), "Only a login of this clinic can be unlocked here.")
    assert clinic_events() == []


def test_two_admins_demoting_each_other_leave_the_clinic_one_admin(ada, clinic):
    """Each admin's page was loaded while both were admins; the second save must see the first."""
    otto = make_clinician(clinic, "otto", admin=True)
    as_seen_by_otto = Clinician.objects.get(pk=ada.pk)
    as_seen_by_ada = Clinician.objects.get(pk=otto.pk)
    clinician_change(admin=ada, clinician=as_seen_by_ada, is_clinic_admin=False, is_active=True)
    demote_ada = {"clinician": as_seen_by_otto, "is_clinic_admin": False, "is_active": True}
    refused(lambda: clinician_change(admin=otto, **demote_ada), ONLY_AN_ADMIN)
    assert list(Clinician.objects.filter(is_clinic_admin=True)) == [ada]


def test_the_last_active_admin_is_neither_demoted_nor_deactivated(ada, clinic):
    otto = make_clinician(clinic, "otto", admin=True)
    otto.user.is_active = False
    otto.user.save()
    refused(
        lambda: clinician_change(admin=otto, clinician=ada, is_clinic_admin=False, is_active=True),
        ONLY_AN_ADMIN,
    )


# --- access_report_exported ----------------------------------------------------------------------


def test_the_access_reports_download_is_on_the_audit_log_with_its_filters(ada, carol, alice):
    span = {"first": dt.date(2026, 3, 1), "last": dt.date(2026, 3, 30)}
    access_report_exported(admin=ada, **span, clinician=carol, patient=alice, what="summary", count=1)
    (event,) = clinic_events()
    assert (event.kind, event.patient, event.clinic, event.actor) == (
        AuditEvent.Kind.ACCESS_REPORT,
        None,
        ada.clinic,
        ada.user,
    )
    assert event.summary == (
        "Access report CSV, 2026-03-01 to 2026-03-30, clinician Carol Clinician, "
        f"patient {alice.export_label}, what: printable summary: 1 read."
    )
    assert event.details == {
        "start": "2026-03-01",
        "end": "2026-03-30",
        "clinician": carol.pk,
        "patient": alice.pk,
        "what": "summary",
        "reads": 1,
    }


def test_only_an_admin_downloads_the_access_report(carol):
    span = {"first": dt.date(2026, 3, 1), "last": dt.date(2026, 3, 30)}
    refused(
        lambda: access_report_exported(admin=carol, **span, clinician=None, patient=None, what="", count=0),
        ONLY_AN_ADMIN,
    )


# --- clinic_emergency_line_set ------------------------------------------------------------------


def test_the_emergency_line_is_set_on_one_line_and_audited(ada):
    assert ada.clinic.emergency_words == "For an emergency, call your local emergency number."
    clinic_emergency_line_set(admin=ada, line="  call 999,\n or the clinic on 020 7946 0000  ")
    ada.clinic.refresh_from_db()
    assert ada.clinic.emergency_words == "For an emergency, call 999, or the clinic on 020 7946 0000."
    (event,) = clinic_events()
    assert (event.kind, event.patient, event.details) == (
        AuditEvent.Kind.CLINIC_SETTINGS_CHANGED,
        None,
        {"emergency_line": "call 999, or the clinic on 020 7946 0000"},
    )
    clinic_emergency_line_set(admin=ada, line="call 999, or the clinic on 020 7946 0000")
    assert len(clinic_events()) == 1  # unchanged: nothing recorded


def test_only_an_admin_sets_the_emergency_line_within_its_bound(ada, carol):
    refused(lambda: clinic_emergency_line_set(admin=carol, line="call 999"), ONLY_AN_ADMIN)
    with pytest.raises(ValidationError):
        clinic_emergency_line_set(admin=ada, line="x" * (EMERGENCY_LINE_MAX_CHARS + 1))
    ada.clinic.refresh_from_db()
    assert ada.clinic.emergency_line == ""
    assert clinic_events() == []
