"""No copy of a page that shows patient data stays in a browser's or a proxy's cache: every
page the app renders says `Cache-Control: no-store`; static files keep their long cache."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from journal.selectors.outcomes import CohortFilter
from journal.services.invitations import invitation_create
from journal.services.outcomes import outcome_report_request, outcome_report_run
from tests.factories import make_patient
from tests.test_access import URLS, url_for


def _no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return "no-store" in directives


@pytest.mark.parametrize(("name", "kwargs", "allowed"), URLS, ids=[name for name, _, _ in URLS])
def test_every_logged_in_page_says_no_store(client, request, alice, carol, ada, name, kwargs, allowed):
    reader = sorted(allowed & {"alice", "carol", "ada"})[0]
    client.force_login(request.getfixturevalue(reader).user)
    if name == "clinic_outcomes_csv":  # the CSV of a computed report (else it sends the page)
        clinician = request.getfixturevalue(reader)
        outcome_report_run(report_id=outcome_report_request(clinician=clinician, chosen=CohortFilter()).pk)
    response = client.get(url_for(name, kwargs, alice))
    assert response.status_code == 200
    assert _no_store(response)


def test_an_htmx_partial_says_no_store(client, alice):
    client.force_login(alice.user)
    response = client.post(reverse("entry"), {}, headers={"HX-Request": "true"})
    assert _no_store(response)


def test_the_calendar_feed_says_no_store(client, alice):
    response = client.get(reverse("calendar_feed", args=[alice.calendar_token]))
    assert response.status_code == 200
    assert _no_store(response)


def test_the_invitation_page_says_no_store(client, clinic, carol):
    newcomer = make_patient(clinic, None, name="Nora Quill", clinicians=(carol,))
    token = invitation_create(patient=newcomer, clinician=carol)
    response = client.get(reverse("accept_invitation", args=[token]))
    assert response.status_code == 200
    assert _no_store(response)


def test_the_login_page_says_no_store(client, db):
    assert _no_store(client.get(reverse("login")))


def test_static_files_keep_their_long_cache(client, db):
    assert finders.find("css/app.css")
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert not _no_store(response)
    assert "max-age" in response["Cache-Control"]
