"""The clinician's roster page: sorting, filtering, the next step for a patient without a plan,
htmx updates and whose patients are shown. The rows themselves are in tests/selectors/test_roster.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from journal.models import Screening
from journal.schedule import DAY
from journal.selectors.roster import PAGE_SIZE
from journal.services.snapshots import snapshot_refresh
from tests.factories import make_patient, make_plan

NOW = dt.datetime(2026, 3, 16, 12, tzinfo=dt.UTC)
TODAY = NOW.date()

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def test_roster_page_sorts_and_filters(client, clinic, carol, alice, bob):
    make_plan(alice, carol, [(TODAY - 30 * DAY, "4.5")])
    zed = make_patient(clinic, None, name="Zed", clinicians=(carol,))
    make_plan(zed, carol, [(TODAY - 3 * DAY, "1.5"), (TODAY + 11 * DAY, "3")])
    make_patient(clinic, None, name="Amy", clinicians=(carol,))
    client.force_login(carol.user)
    url = reverse("roster")

    content = client.get(url).content.decode()
    assert content.index(">Alice<") < content.index(">Amy<") < content.index(">Zed<")
    content = client.get(url + "?sort=day&dir=desc").content.decode()
    assert content.index(">Alice<") < content.index(">Zed<") < content.index(">Amy<")
    # The sorted column's link flips the direction and keeps the filters.
    assert 'aria-sort="descending"><a id="sort-day" href="?sort=day&amp;dir=asc"' in content
    assert 'role="status">3 patients, sorted by Day on LDN, descending.</p>' in content
    content = client.get(url + "?phase=titrating").content.decode()
    assert ">Zed<" in content
    assert ">Alice<" not in content
    assert ">Amy<" not in content
    assert "1 patient in titrating, sorted by Patient, ascending." in content
    content = client.get(url + "?phase=baseline&flagged=1").content.decode()
    assert "No patients match these filters." in content  # Amy is in baseline but has no flag
    assert "0 patients in baseline with safety flags, sorted by Patient, ascending." in content
    assert ">Amy<" in client.get(url + "?phase=baseline").content.decode()


def test_a_patient_without_a_plan_has_a_link_to_the_next_step(client, clinic, carol, alice, bob):
    make_plan(alice, carol, [(TODAY - 30 * DAY, "4.5")])
    bob.clinicians.add(carol)
    client.force_login(carol.user)
    content = client.get(reverse("roster")).content.decode()
    screening_url = reverse("screening", args=[bob.pk])
    link = 'Screen, then write a plan<span class="visually-hidden"> for Bob</span>'
    assert f'<a href="{screening_url}">{link}' in content
    Screening.objects.create(patient=bob, screened_by=carol)
    snapshot_refresh(bob, timezone.now())  # what the screening service does
    content = client.get(reverse("roster")).content.decode()
    assert f'<a href="{reverse("plan_new", args=[bob.pk])}">Write a plan<span' in content
    assert reverse("plan_new", args=[alice.pk]) not in content  # Alice has a plan


def test_roster_htmx_returns_the_results_only(client, carol, alice):
    client.force_login(carol.user)
    response = client.get(reverse("roster") + "?sort=name", headers={"HX-Request": "true"})
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="roster-results"')
    assert "<html" not in content
    # The live region above the results is not replaced, only its text (out of band).
    assert content.rstrip().endswith(
        '<p id="roster-order" hx-swap-oob="innerHTML">1 patient, sorted by Patient, ascending.</p>'
    )


def test_clinic_admin_sees_the_whole_clinic(client, ada, alice, bob, dave):
    client.force_login(ada.user)
    content = client.get(reverse("roster")).content.decode()
    assert ">Alice<" in content
    assert ">Bob<" in content
    assert ">Dave<" not in content
    content = client.get(reverse("roster") + "?scope=mine").content.decode()
    assert ">Alice<" not in content


def test_the_roster_is_paged_and_the_sort_starts_again_at_page_one(client, clinic, carol):
    for n in range(PAGE_SIZE + 5):
        make_patient(clinic, None, name=f"Patient {n:03d}", clinicians=(carol,))
    client.force_login(carol.user)
    first = client.get(reverse("roster")).content.decode()
    assert "Patient 049<" in first and "Patient 050<" not in first
    assert 'id="page-next" href="?page=2"' in first
    assert "55 patients, sorted by Patient, ascending. Page 1 of 2." in first
    second = client.get(reverse("roster") + "?sort=name&dir=desc&page=2").content.decode()
    assert "Patient 004<" in second and "Patient 005<" not in second  # Z to A: the last five
    assert 'id="sort-name" href="?sort=name&amp;dir=asc"' in second  # a new order starts at page 1
    assert client.get(reverse("roster") + "?page=nonsense").status_code == 200


def test_every_clinician_switches_between_my_patients_and_all_patients(client, carol, alice, bob, dave):
    client.force_login(carol.user)
    mine = client.get(reverse("roster")).content.decode()
    assert "<h1>My patients</h1>" in mine
    assert '<a class="button small" href="?scope=mine&amp;sort=name&amp;dir=asc" aria-current="page">' in mine
    assert ">Alice<" in mine and ">Bob<" not in mine
    everyone = client.get(reverse("roster") + "?scope=all").content.decode()
    assert "<h1>All patients of Clinic A</h1>" in everyone
    assert ">Alice<" in everyone and ">Bob<" in everyone
    assert ">Dave<" not in everyone  # another clinic's patient, never
    assert "2 patients of the clinic, sorted by Patient, ascending." in everyone


def test_a_search_finds_part_of_a_name_or_code_across_the_clinic(client, clinic, carol, alice, bob, dave):
    make_patient(clinic, None, name="Robin Hale", code="RLC-042")
    client.force_login(carol.user)
    url = reverse("roster")
    found = client.get(url, {"q": "rlc-04", "scope": "all"}).content.decode()
    assert ">Robin Hale<" in found and ">Bob<" not in found
    assert "1 patient of the clinic matching “rlc-04”, sorted by Patient, ascending." in found
    assert 'value="rlc-04"' in found  # the search stays in its field
    assert ">Dave<" not in client.get(url, {"q": "dave", "scope": "all"}).content.decode()
    # Among my patients nobody matches: one click searches the whole clinic instead.
    mine = client.get(url, {"q": "bob"}).content.decode()
    assert ">Bob<" not in mine
    assert (
        '<a href="?scope=all&amp;q=bob&amp;sort=name&amp;dir=asc">Search all patients of the clinic</a>'
        in mine
    )


def test_a_search_too_long_to_run_says_so_and_lists_everyone(client, carol, alice):
    client.force_login(carol.user)
    content = client.get(reverse("roster"), {"q": "x" * 101}).content.decode()
    assert "Search for at most 100 characters: part of a name or code." in content
    assert 'aria-invalid="true"' in content
    assert ">Alice<" in content


def test_a_clinician_saves_a_view_opens_it_and_deletes_it(client, carol, alice, bob):
    client.force_login(carol.user)
    view = {"scope": "all", "q": "bo", "flagged": "", "sort": "day", "dir": "desc"}
    answer = client.post(reverse("roster_filter_save"), {**view, "name": "Bob and co"}, follow=True)
    opened = "?scope=all&q=bo&sort=day&dir=desc"
    assert answer.redirect_chain[-1][0] == reverse("roster") + opened
    content = answer.content.decode()
    assert "Saved the view “Bob and co”." in content
    assert f'<a href="{opened.replace("&", "&amp;")}">Bob and co</a>' in content
    assert ">Bob<" in content and ">Alice<" not in content  # the saved view, shown
    saved = carol.saved_filters.get()
    content = client.post(reverse("roster_filter_delete", args=[saved.pk]), follow=True).content.decode()
    assert "Saved view deleted." in content
    assert not carol.saved_filters.exists()


def test_a_view_without_a_name_is_not_saved(client, carol):
    client.force_login(carol.user)
    content = client.post(reverse("roster_filter_save"), {"scope": "all", "name": ""}, follow=True).content
    assert "Give the view a name" in content.decode()
    assert not carol.saved_filters.exists()


@pytest.mark.parametrize("role", ["ada", "charlie", "alice"])
def test_nobody_else_deletes_a_clinicians_saved_view(client, request, carol, ada, charlie, alice, role):
    from journal.services.review import roster_filter_save

    saved = roster_filter_save(clinician=carol, name="Mine", scope="mine")
    client.force_login(request.getfixturevalue(role).user)
    assert client.post(reverse("roster_filter_delete", args=[saved.pk])).status_code in (403, 404)
    assert client.post(reverse("roster_filter_save"), {"name": "x", "scope": "all"}).status_code in (302, 403)
    assert carol.saved_filters.get() == saved
    assert "Mine" not in client.get(reverse("roster")).content.decode()


@pytest.mark.parametrize("name", ["roster_filter_save", "roster_filter_delete"])
def test_saved_views_change_only_by_post(client, carol, name):
    client.force_login(carol.user)
    url = reverse(name, args=[1] if name == "roster_filter_delete" else [])
    assert client.get(url).status_code == 405
    client.logout()
    assert client.post(url).url.startswith(reverse("login"))


def test_each_reader_reads_the_roster_in_their_language_whoever_stored_the_row(client, carol, alice):
    """The row was stored while a Spanish request ran (the patient's own save): a German
    clinician reads its dose and safety alert in German, as on the patient page."""
    from django.utils import translation

    from journal.models import Medication, User
    from journal.selectors.records import patient_overview

    make_plan(alice, carol, [(TODAY - 30 * DAY, "4.5")])
    Medication.objects.create(patient=alice, name="Tramadol 50 mg", started_on=TODAY - 4 * DAY)
    with translation.override("es"):
        snapshot_refresh(alice, timezone.now())
    User.objects.filter(pk=carol.user.pk).update(language="de")
    client.force_login(carol.user)
    page = " ".join(client.get(reverse("roster")).content.decode().split())
    with translation.override("de"):
        (alert,) = [str(finding.message) for finding in patient_overview(alice).record.safety.alerts]
    assert "Opioid" in alert and "LDN" in alert and "while LDN is prescribed" not in alert
    assert alert in page
    assert 'data-dose="4.5 mg at bedtime">4,5 mg zur Nacht<' in page  # English as data, German shown
    assert "al acostarse" not in page
