"""The page header's links are rendered once per language, role and page and then kept
(templates/base.html, the "fragments" cache): each reader still gets their own."""

from __future__ import annotations

from django.urls import reverse

from journal.models import User
from tests.factories import make_clinician


def _nav(client, user: User, url: str, **headers: str) -> str:
    client.force_login(user)
    page = client.get(url, **headers).content.decode()
    return page[page.index("<nav") : page.index("</nav>")]


def test_only_a_clinic_admin_has_the_clinic_link_whoever_opened_the_page_first(client, clinic, ada, carol):
    for user, has_link in [(ada.user, True), (carol.user, False), (ada.user, True)]:
        nav = _nav(client, user, reverse("roster"))
        assert (f'href="{reverse("clinic_manage")}"' in nav) is has_link


def test_the_links_are_in_the_readers_language_and_mark_the_page_they_are_on(client, alice):
    english = _nav(client, alice.user, reverse("today"))
    spanish = _nav(client, alice.user, reverse("today"), HTTP_ACCEPT_LANGUAGE="es")
    history = _nav(client, alice.user, reverse("history"))
    assert ">Today<" in english and ">Hoy<" in spanish
    assert f'href="{reverse("today")}" aria-current="page"' in english
    assert f'href="{reverse("history")}" aria-current="page"' in history
    assert f'href="{reverse("today")}" aria-current="page"' not in history


def test_a_patient_and_a_clinician_see_their_own_links(client, alice, clinic):
    patient_nav = _nav(client, alice.user, reverse("account"))
    clinician_nav = _nav(client, make_clinician(clinic, "dora").user, reverse("account"))
    assert reverse("my_plan") in patient_nav and reverse("roster") not in patient_nav
    assert reverse("roster") in clinician_nav and reverse("my_plan") not in clinician_nav
