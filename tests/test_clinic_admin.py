"""The clinic admin's pages: clinicians, their set-password links, and care teams."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from journal.models import AuditEvent, Clinician, User
from journal.selectors.account import has_two_factor
from tests.factories import make_clinician
from tests.two_factor import with_two_factor

PASSWORD = "a-long-unusual-passphrase-42"
NEW = {"first_name": "Nadia", "last_name": "Osei", "username": "dr.osei", "email": "osei@example.org"}


@pytest.fixture
def bea(other_clinic):
    """Clinic B's admin: must see nothing of clinic A's."""
    return make_clinician(other_clinic, "bea", admin=True)


def _link_from(response) -> str:
    return re.search(r'data-testid="set-password-link">([^<]+)<', response.content.decode())[1]


def _audit_rows(kind):
    return list(AuditEvent.objects.filter(kind=kind))


# --- the clinic page -----------------------------------------------------------------------


def test_clinic_page_lists_own_clinicians_with_their_patient_counts(client, ada, carol, alice, bob, charlie):
    carol.user.email = "carol@example.org"
    carol.user.save()
    client.force_login(ada.user)
    content = client.get(reverse("clinic_manage")).content.decode()
    carol_row = re.search(r'data-testid="clinician-carol">(.*?)</tr>', content, re.S)[1]
    assert "carol@example.org" in carol_row
    assert "<td>1</td>" in carol_row
    assert "admin" not in carol_row
    ada_row = re.search(r'data-testid="clinician-ada">(.*?)</tr>', content, re.S)[1]
    assert 'badge ok">admin' in ada_row
    assert "<td>0</td>" in ada_row
    assert "charlie" not in content
    bob_row = re.search(rf'data-testid="care-team-{bob.pk}">(.*?)</tr>', content, re.S)[1]
    assert "nobody assigned" in bob_row


def test_only_clinic_admins_see_the_clinic_link(client, ada, carol):
    client.force_login(ada.user)
    assert f'href="{reverse("clinic_manage")}"' in client.get(reverse("roster")).content.decode()
    client.force_login(carol.user)
    assert f'href="{reverse("clinic_manage")}"' not in client.get(reverse("roster")).content.decode()


# --- adding a clinician and the set-password link ---------------------------------------------


def test_admin_adds_a_clinician_who_sets_a_password_once_and_logs_in(client, ada):
    client.force_login(ada.user)
    response = client.post(reverse("clinician_add"), {**NEW, "is_clinic_admin": "on"})
    added = Clinician.objects.get(user__username="dr.osei")
    assert response.url == reverse("clinician_change", args=[added.pk])
    assert added.clinic == ada.clinic
    assert added.is_clinic_admin
    assert added.user.get_full_name() == "Nadia Osei"
    assert added.user.email == "osei@example.org"
    assert not added.user.has_usable_password()
    [event] = _audit_rows(AuditEvent.Kind.CLINICIAN_ADDED)
    assert event.patient is None
    assert event.clinic == ada.clinic
    assert event.actor == ada.user
    assert "Nadia Osei added as clinic admin" in event.summary

    link = _link_from(client.get(response.url))
    # Shown once: the app keeps no copy.
    assert 'data-testid="set-password-link"' not in client.get(response.url).content.decode()

    client.logout()
    form_url = client.get(link).url  # Django moves the token into the session first
    page = client.get(form_url)
    assert "Your username is <strong>dr.osei</strong>" in page.content.decode()
    response = client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD}, follow=True)
    assert "Your password is set." in response.content.decode()
    assert response.wsgi_request.user.username == "dr.osei"

    client.logout()
    assert "This link no longer works" in client.get(link, follow=True).content.decode()
    assert client.login(username="dr.osei", password=PASSWORD)


def test_set_password_link_rejects_mismatched_passwords(client, ada):
    client.force_login(ada.user)
    added = Clinician.objects.get(pk=client.post(reverse("clinician_add"), NEW).url.split("/")[-2])
    link = _link_from(client.get(reverse("clinician_change", args=[added.pk])))
    client.logout()
    form_url = client.get(link).url
    response = client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD + "x"})
    assert response.status_code == 200
    assert "didn’t match" in response.content.decode()
    added.user.refresh_from_db()
    assert not added.user.has_usable_password()


def test_set_password_links_work_only_for_clinicians(client, alice):
    uid = urlsafe_base64_encode(force_bytes(alice.user.pk))
    token = default_token_generator.make_token(alice.user)
    url = reverse("clinician_set_password", args=[uid, token])
    assert "This link no longer works" in client.get(url, follow=True).content.decode()


@pytest.mark.parametrize("username", ["carol", "CAROL", " Carol "])
def test_a_taken_username_is_refused_with_a_clear_message(client, ada, carol, username):
    client.force_login(ada.user)
    response = client.post(reverse("clinician_add"), {**NEW, "username": username})
    assert response.status_code == 200
    assert "is taken; choose another." in response.content.decode()
    assert User.objects.filter(username__iexact="carol").count() == 1
    assert not _audit_rows(AuditEvent.Kind.CLINICIAN_ADDED)


def test_a_new_link_only_for_a_clinician_without_a_password(client, ada, carol):
    client.force_login(ada.user)
    added = Clinician.objects.get(pk=client.post(reverse("clinician_add"), NEW).url.split("/")[-2])
    client.get(reverse("clinician_change", args=[added.pk]))  # the first link, shown once

    response = client.post(reverse("clinician_password_link", args=[added.pk]))
    assert response.url == reverse("clinician_change", args=[added.pk])
    assert "/clinic/set-password/" in _link_from(client.get(response.url))
    [event] = _audit_rows(AuditEvent.Kind.CLINICIAN_CHANGED)
    assert event.summary == "New set-password link for Nadia Osei."
    assert event.patient is None

    response = client.post(reverse("clinician_password_link", args=[carol.pk]), follow=True)
    assert "Carol Clinician has already set a password." in response.content.decode()
    assert 'data-testid="set-password-link"' not in response.content.decode()
    assert len(_audit_rows(AuditEvent.Kind.CLINICIAN_CHANGED)) == 1


# --- changing a clinician --------------------------------------------------------------------


def test_admin_makes_a_clinician_admin_then_deactivates_and_reactivates_them(client, ada, carol):
    client.force_login(ada.user)
    url = reverse("clinician_change", args=[carol.pk])
    response = client.post(url, {"is_clinic_admin": "on", "is_active": "on"})
    assert response.url == reverse("clinic_manage")
    carol.refresh_from_db()
    assert carol.is_clinic_admin

    client.post(url, {"is_clinic_admin": "on"})
    carol.user.refresh_from_db()
    assert not carol.user.is_active
    assert not client.login(username="carol", password="correct-horse-battery")

    client.force_login(ada.user)
    client.post(url, {"is_active": "on"})
    carol.refresh_from_db()
    carol.user.refresh_from_db()
    assert carol.user.is_active
    assert not carol.is_clinic_admin
    assert [e.summary for e in _audit_rows(AuditEvent.Kind.CLINICIAN_CHANGED)] == [
        "Carol Clinician: now a clinic admin.",
        "Carol Clinician: login deactivated.",
        "Carol Clinician: no longer a clinic admin, login reactivated.",
    ]
    assert client.login(username="carol", password="correct-horse-battery")


def test_a_deactivated_clinicians_sessions_end_and_stay_ended_after_reactivation(client, ada, carol):
    from django.test import Client

    carols_browser = Client()
    carols_browser.force_login(carol.user)
    client.force_login(ada.user)
    url = reverse("clinician_change", args=[carol.pk])
    client.post(url, {})
    client.post(url, {"is_active": "on"})
    assert carols_browser.get(reverse("roster")).status_code == 302


def test_saving_without_a_change_writes_no_audit_row(client, ada, carol):
    client.force_login(ada.user)
    client.post(reverse("clinician_change", args=[carol.pk]), {"is_active": "on"})
    assert not _audit_rows(AuditEvent.Kind.CLINICIAN_CHANGED)


@pytest.mark.parametrize(
    "data", [{"is_active": "on"}, {"is_clinic_admin": "on"}, {}], ids=["demote", "deactivate", "both"]
)
def test_an_admin_cannot_demote_or_deactivate_themself(client, ada, data):
    client.force_login(ada.user)
    response = client.post(reverse("clinician_change", args=[ada.pk]), data)
    assert response.status_code == 200
    assert "You cannot remove your own admin role or deactivate your own login" in response.content.decode()
    ada.refresh_from_db()
    ada.user.refresh_from_db()
    assert ada.is_clinic_admin
    assert ada.user.is_active
    assert not _audit_rows(AuditEvent.Kind.CLINICIAN_CHANGED)


# --- care teams ----------------------------------------------------------------------------------


def test_admin_sets_a_care_team_which_the_roster_follows(client, ada, carol, alice, bob):
    client.force_login(ada.user)
    response = client.post(reverse("care_team", args=[bob.pk]), {"clinicians": [carol.pk, ada.pk]})
    assert response.url == reverse("clinic_manage") + "#patients"
    assert set(bob.clinicians.all()) == {carol, ada}
    [event] = _audit_rows(AuditEvent.Kind.CARE_TEAM_CHANGED)
    assert event.patient is None
    assert event.clinic == bob.clinic
    assert event.summary == (
        "Care team of Bob: Ada Clinician, Carol Clinician; added Ada Clinician, Carol Clinician."
    )

    client.force_login(carol.user)
    content = client.get(reverse("roster")).content.decode()
    assert "My patients" in content
    assert ">Bob</a>" in content
    assert ">Alice</a>" in content

    client.force_login(ada.user)
    client.post(reverse("care_team", args=[alice.pk]), {})  # every box unticked
    assert not alice.clinicians.exists()
    assert _audit_rows(AuditEvent.Kind.CARE_TEAM_CHANGED)[1].summary == (
        "Care team of Alice: nobody; removed Carol Clinician."
    )
    client.force_login(carol.user)
    assert ">Alice</a>" not in client.get(reverse("roster")).content.decode()


def test_a_clinician_of_another_clinic_cannot_join_a_care_team(client, ada, carol, alice, charlie):
    client.force_login(ada.user)
    response = client.post(reverse("care_team", args=[alice.pk]), {"clinicians": [carol.pk, charlie.pk]})
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert list(alice.clinicians.all()) == [carol]
    assert not _audit_rows(AuditEvent.Kind.CARE_TEAM_CHANGED)


def test_an_id_out_of_every_range_is_refused_not_an_error(client, ada, carol, alice):
    client.force_login(ada.user)
    response = client.post(reverse("care_team", args=[alice.pk]), {"clinicians": [str(2**63), "-1", "x"]})
    assert response.status_code == 200  # 2^63 answered 500 on SQLite
    assert "Select a valid choice." in response.content.decode()
    assert list(alice.clinicians.all()) == [carol]


# --- who may do what ------------------------------------------------------------------------


def _clinic_a_urls(carol, alice):
    return [
        ("get", reverse("clinician_change", args=[carol.pk])),
        ("post", reverse("clinician_change", args=[carol.pk])),
        ("post", reverse("clinician_password_link", args=[carol.pk])),
        ("get", reverse("care_team", args=[alice.pk])),
        ("post", reverse("care_team", args=[alice.pk])),
        ("post", reverse("login_unlock", args=[alice.user.pk])),
        ("post", reverse("login_unlock", args=[carol.user.pk])),
        ("post", reverse("clinician_two_factor_reset", args=[carol.pk])),
    ]


def test_another_clinics_admin_gets_404_for_our_clinicians_and_patients(client, bea, carol, alice):
    client.force_login(bea.user)
    for method, url in _clinic_a_urls(carol, alice):
        response = getattr(client, method)(url, {"clinicians": [bea.pk]})
        assert response.status_code == 404, url
        assert b"Carol" not in response.content
        assert b"Alice" not in response.content
    carol.user.refresh_from_db()
    assert carol.user.is_active
    assert list(alice.clinicians.all()) == [carol]
    assert not AuditEvent.objects.exists()


def test_another_clinics_admin_sees_only_their_own_clinic(client, bea, carol, charlie):
    client.force_login(bea.user)
    content = client.get(reverse("clinic_manage")).content.decode()
    assert "Clinic B" in content
    assert "charlie" in content
    assert "carol" not in content


@pytest.mark.parametrize("role", ["carol", "charlie", "alice"])
def test_other_roles_are_refused_the_clinician_pages(client, request, carol, alice, role):
    client.force_login(request.getfixturevalue(role).user)
    for method, url in _clinic_a_urls(carol, alice):
        assert getattr(client, method)(url).status_code in (403, 404), url
    carol.user.refresh_from_db()
    assert carol.user.is_active
    assert not AuditEvent.objects.exists()


def test_anonymous_is_sent_to_log_in(client, carol):
    response = client.get(reverse("clinician_change", args=[carol.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("method", "name", "needs"),
    [
        ("post", "clinic_manage", None),
        ("put", "clinician_add", None),
        ("delete", "clinician_change", "clinician"),
        ("get", "clinician_password_link", "clinician"),
        ("put", "care_team", "patient"),
        ("get", "clinic_two_factor", None),
        ("get", "login_unlock", "user"),
        ("get", "clinician_two_factor_reset", "clinician"),
    ],
)
def test_wrong_methods_are_405(client, ada, carol, alice, method, name, needs):
    client.force_login(ada.user)
    args = {"clinician": [carol.pk], "patient": [alice.pk], "user": [alice.user.pk], None: []}[needs]
    assert getattr(client, method)(reverse(name, args=args)).status_code == 405


# --- signing in ----------------------------------------------------------------------------------


def test_the_admin_requires_two_factor_sign_in_and_is_led_to_set_it_up_first(client, ada, carol):
    client.force_login(ada.user)
    page = client.get(reverse("clinic_manage")).content.decode()
    assert "Require two-factor sign-in for clinicians and admins" in page
    response = client.post(reverse("clinic_two_factor"), {"require_two_factor": "on"})
    assert response.url == f"{reverse('clinic_manage')}#sign-in"
    ada.clinic.refresh_from_db()
    assert ada.clinic.require_two_factor
    assert client.get(reverse("clinic_manage")).url == reverse("two_factor_setup")
    assert [e.summary for e in _audit_rows(AuditEvent.Kind.CLINIC_SETTINGS_CHANGED)] == [
        "Two-factor sign-in is now required of clinicians and admins."
    ]


def test_the_clinic_page_shows_who_has_two_factor_on(client, ada, carol):
    with_two_factor(carol.user)
    client.force_login(ada.user)
    page = client.get(reverse("clinic_manage")).content.decode()
    carols_row = page.split('data-testid="clinician-carol"')[1].split("</tr>")[0]
    assert '<span class="badge ok">on</span>' in carols_row


def test_the_admin_sees_a_locked_login_and_unlocks_it(client, settings, ada, carol):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        client.post(
            reverse("login"),
            {"username": "carol", "password": "wrong"},
            REMOTE_ADDR="192.0.2.10",
            HTTP_X_FORWARDED_FOR="203.0.113.66",
        )
    client.force_login(ada.user)
    page = client.get(reverse("clinic_manage")).content.decode()
    locked = page.split('data-testid="locked-carol"')[1].split("</li>")[0]
    assert "5 failed attempts from 203.0.113.66." in locked
    assert "Locked from one address: 60 minutes left." in locked
    response = client.post(reverse("login_unlock", args=[carol.user.pk]))
    assert response.url == f"{reverse('clinic_manage')}#sign-in"
    page = client.get(reverse("clinic_manage")).content.decode()
    assert "carol can sign in again." in page
    assert "No login of the clinic is locked or slowed down now." in page
    (event,) = _audit_rows(AuditEvent.Kind.LOGIN_UNLOCKED)
    assert (event.actor, event.details["addresses"]) == (ada.user, ["203.0.113.66"])
    client.logout()
    response = client.post(
        reverse("login"),
        {"username": "carol", "password": "correct-horse-battery"},
        REMOTE_ADDR="192.0.2.10",
        HTTP_X_FORWARDED_FOR="203.0.113.66",
    )
    assert response.status_code == 302


def test_the_admin_turns_off_a_clinicians_two_factor_after_a_lost_phone(client, ada, carol):
    with_two_factor(carol.user)
    client.force_login(ada.user)
    page = client.get(reverse("clinician_change", args=[carol.pk])).content.decode()
    assert 'data-testid="two-factor">on<' in page
    response = client.post(reverse("clinician_two_factor_reset", args=[carol.pk]))
    assert response.url == reverse("clinician_change", args=[carol.pk])
    assert not has_two_factor(carol.user)
    assert _audit_rows(AuditEvent.Kind.TWO_FACTOR_CHANGED)[-1].actor == ada.user


def test_an_admin_resets_no_one_s_two_factor_from_their_own_page(client, ada):
    with_two_factor(ada.user)
    client.force_login(ada.user)
    page = client.get(reverse("clinician_change", args=[ada.pk])).content.decode()
    assert "Lost phone" not in page
