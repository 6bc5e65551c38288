"""The clinic admin's API tokens page: a token made shows its secret once, in the answer to the
form; revoking it closes the API to it at once; only the clinic's own admin does either."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from journal.models import ApiToken, AuditEvent
from journal.services.api_tokens import api_token_create
from tests.factories import make_clinician


def secret_in(response) -> str:
    found = re.search(r'data-testid="token-secret">(ldn_[A-Za-z0-9_-]+)<', response.content.decode())
    assert found, "no secret shown"
    return found.group(1)


def test_the_admin_makes_a_token_and_sees_its_secret_once(client, ada, alice):
    client.force_login(ada.user)
    page = client.get(reverse("api_tokens"))
    assert page.status_code == 200
    assert "No token yet" in page.content.decode()
    assert 'data-testid="token-secret"' not in page.content.decode()
    key = re.search(r'name="request_key" value="([0-9a-f]+)"', page.content.decode()).group(1)

    response = client.post(
        reverse("api_tokens"), {"name": "EHR nightly import", "days": "90", "request_key": key}
    )
    assert response.status_code == 200
    secret = secret_in(response)
    token = ApiToken.objects.get()
    assert token.name == "EHR nightly import"
    assert "http://testserver/fhir" in response.content.decode()
    assert AuditEvent.objects.get().kind == AuditEvent.Kind.API_TOKEN_CREATED

    again = client.get(reverse("api_tokens")).content.decode()
    assert secret not in again
    assert "EHR nightly import" in again
    assert "in force" in again

    api = client.get(reverse("fhir_patient", args=[alice.pk]), headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200


def test_a_resubmitted_form_shows_no_secret_and_makes_no_second_token(client, ada):
    client.force_login(ada.user)
    payload = {"name": "EHR", "days": "30", "request_key": "a" * 32}
    client.post(reverse("api_tokens"), payload)
    response = client.post(reverse("api_tokens"), payload)
    assert response.status_code == 400
    assert "This form was sent already" in response.content.decode()
    assert 'data-testid="token-secret"' not in response.content.decode()
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"name": "", "days": "30"}, "This field is required."),
        ({"name": "x" * 81, "days": "30"}, "at most 80 characters"),
        ({"name": "EHR", "days": "0"}, "greater than or equal to 1"),
        ({"name": "EHR", "days": "366"}, "less than or equal to 365"),
        ({"name": "EHR", "days": "1e9"}, "Enter a whole number."),
    ],
)
def test_a_token_out_of_bounds_is_refused_with_a_message(client, ada, payload, message):
    client.force_login(ada.user)
    response = client.post(reverse("api_tokens"), payload)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_admin_revokes_a_token_and_the_api_refuses_it(client, ada, alice):
    made = api_token_create(admin=ada, name="Registry", days=30)
    client.force_login(ada.user)
    response = client.post(reverse("api_token_revoke", args=[made.token.pk]), follow=True)
    assert "Revoked “Registry”" in response.content.decode()
    assert "revoked" in response.content.decode()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.API_TOKEN_REVOKED).count() == 1
    client.logout()
    api = client.get(
        reverse("fhir_patient", args=[alice.pk]), headers={"Authorization": f"Bearer {made.secret}"}
    )
    assert api.status_code == 401
    assert api.json()["issue"][0]["diagnostics"] == "This token was revoked."


@pytest.mark.parametrize("role", ["anonymous", "alice", "carol", "charlie", "other admin"])
def test_only_the_clinics_admin_revokes_its_token(client, request, ada, charlie, role):
    made = api_token_create(admin=ada, name="Registry", days=30)
    if role == "other admin":
        client.force_login(make_clinician(charlie.clinic, "otto", admin=True).user)
    elif role != "anonymous":
        client.force_login(request.getfixturevalue(role).user)
    response = client.post(reverse("api_token_revoke", args=[made.token.pk]))
    if role == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code in (403, 404)
    made.token.refresh_from_db()
    assert made.token.revoked_at is None


def test_the_clinic_page_leads_to_the_tokens(client, ada):
    client.force_login(ada.user)
    assert reverse("api_tokens") in client.get(reverse("clinic_manage")).content.decode()
