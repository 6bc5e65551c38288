"""The read-only FHIR API as a clinic's system calls it: every answer FHIR JSON parsed by
fhir.resources' R4B models; a Patient, its $everything and date searches in pages with a next
link; bad input a 400 OperationOutcome; each read in the access log with its token.
(Who may call it: the access matrix, tests/test_access.py.)"""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from fhir.resources.R4B import get_fhir_model_class

from journal.models import AccessEvent, ApiToken
from journal.services.api_tokens import api_token_create
from tests.factories import log_days, make_plan

NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
DAY = dt.timedelta(days=1)
pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def validated(body: dict) -> object:
    return get_fhir_model_class(body["resourceType"]).model_validate(body)


@pytest.fixture
def secret(ada) -> str:
    return api_token_create(admin=ada, name="EHR", days=30).secret


@pytest.fixture
def record(alice, carol):
    """Alice on 1.5 mg from 1 January, 3 mg from 1 February; her diary from 20 December."""
    make_plan(alice, carol, [(dt.date(2026, 1, 1), "1.5"), (dt.date(2026, 2, 1), "3")])
    log_days(alice, dt.date(2025, 12, 20), TODAY - DAY)
    return alice


def fhir_get(client, secret, url, params=None):
    response = client.get(url, params or {}, headers={"Authorization": f"Bearer {secret}"})
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    body = response.json()
    validated(body)
    return response, body


def test_metadata_needs_no_token_and_lists_what_is_supported(client):
    response = client.get(reverse("fhir_metadata"))
    assert response.status_code == 200
    statement = response.json()
    validated(statement)
    assert statement["fhirVersion"] == "4.0.1"
    assert statement["implementation"]["url"] == "http://testserver/fhir"
    kinds = [resource["type"] for resource in statement["rest"][0]["resource"]]
    assert kinds == ["Patient", "Observation", "MedicationRequest"]


def test_a_patient_read_is_her_patient_resource_and_is_audited(client, secret, record, ada):
    response, body = fhir_get(client, secret, reverse("fhir_patient", args=[record.pk]))
    assert response.status_code == 200
    assert (body["resourceType"], body["id"]) == ("Patient", str(record.pk))
    (read,) = AccessEvent.objects.all()
    token = ApiToken.objects.get()
    assert (read.patient, read.api_token, read.actor, read.what) == (record, token, ada.user, "fhir_api")
    token.refresh_from_db()
    assert token.last_used_at == NOW


def test_everything_is_a_searchset_of_her_resources_in_pages(client, secret, record):
    url = reverse("fhir_everything", args=[record.pk])
    response, body = fhir_get(client, secret, url, {"_count": "200"})
    assert response.status_code == 200
    assert body["type"] == "searchset"
    kinds = {entry["resource"]["resourceType"] for entry in body["entry"]}
    assert {"Patient", "MedicationRequest", "Observation", "MedicationStatement"} <= kinds
    total = body["total"]
    assert total > 200 and len(body["entry"]) == 200
    assert all(
        entry["fullUrl"]
        == f"http://testserver/fhir/{entry['resource']['resourceType']}/{entry['resource']['id']}"
        for entry in body["entry"]
    )
    seen = [entry["fullUrl"] for entry in body["entry"]]
    while next_url := next((link["url"] for link in body["link"] if link["relation"] == "next"), None):
        response, body = fhir_get(client, secret, next_url)
        seen += [entry["fullUrl"] for entry in body["entry"]]
    assert len(seen) == len(set(seen)) == total
    assert AccessEvent.objects.filter(patient=record).count() >= 2  # each page is a read


def test_observations_by_date(client, secret, record):
    url = reverse("fhir_observations")
    params = {"patient": str(record.pk), "date": ["ge2026-01-01", "le2026-01-31"], "_count": "200"}
    response, body = fhir_get(client, secret, url, params)
    assert response.status_code == 200
    days = {entry["resource"]["effectiveDateTime"][:10] for entry in body["entry"]}
    assert min(days) == "2026-01-01" and max(days) == "2026-01-31"
    assert {entry["resource"]["resourceType"] for entry in body["entry"]} == {"Observation"}
    assert body["total"] == len(body["entry"])


def test_a_search_comes_in_pages_with_a_next_link(client, secret, record):
    url = reverse("fhir_observations")
    params = {"patient": f"Patient/{record.pk}", "date": ["ge2026-01-01", "lt2026-01-08"], "_count": "5"}
    response, body = fhir_get(client, secret, url, params)
    assert len(body["entry"]) == 5
    assert body["total"] > 5
    (next_url,) = [link["url"] for link in body["link"] if link["relation"] == "next"]
    query = parse_qs(urlsplit(next_url).query)
    assert query == {
        "patient": [str(record.pk)],
        "date": ["ge2026-01-01", "le2026-01-07"],
        "_count": ["5"],
        "_page": ["2"],
    }
    ids = {entry["resource"]["id"] for entry in body["entry"]}
    pages = 1
    while next_url:
        response, body = fhir_get(client, secret, next_url)
        ids |= {entry["resource"]["id"] for entry in body["entry"]}
        next_url = next((link["url"] for link in body["link"] if link["relation"] == "next"), None)
        pages += 1
    assert len(ids) == body["total"]
    assert pages == -(-body["total"] // 5)


def doses_of(bundle: dict) -> list[dict]:
    return [
        entry["resource"]["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]
        for entry in bundle["entry"]
    ]


def test_medication_requests_are_the_steps_in_force_on_the_days(client, secret, record):
    url = reverse("fhir_medication_requests")
    january = {"patient": str(record.pk), "date": ["ge2026-01-10", "le2026-01-20"]}
    response, body = fhir_get(client, secret, url, january)
    assert [(dose["value"], dose["code"]) for dose in doses_of(body)] == [(1.5, "mg")]
    response, body = fhir_get(client, secret, url, {"patient": str(record.pk), "date": "2026-03-01"})
    assert [dose["value"] for dose in doses_of(body)] == [3]
    response, body = fhir_get(client, secret, url, {"patient": str(record.pk), "date": "le2025-12-31"})
    assert body["total"] == 0
    assert "entry" not in body  # FHIR's JSON has no empty lists


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Give the patient"),
        ({"patient": "1", "date": "ge2026-01-01T00:00"}, "date is a day"),
        ({"patient": "1", "date": ["ge2024-01-01", "le2026-01-01"]}, "at most 366 days"),
        ({"patient": "1", "_count": "100000"}, "_count is a whole number from 1 to 200"),
        ({"patient": "1", "code": "72514-3"}, "Unknown parameter 'code'"),
        ({"patient": "1", "_count": "5", "_sort": "date"}, "Unknown parameter '_sort'"),
    ],
)
def test_a_bad_search_is_a_400_operation_outcome(client, secret, record, params, message):
    response, body = fhir_get(client, secret, reverse("fhir_observations"), params)
    assert response.status_code == 400
    assert body["resourceType"] == "OperationOutcome"
    assert message in body["issue"][0]["diagnostics"]
    assert not AccessEvent.objects.exists()


def test_an_unknown_patient_is_a_404_operation_outcome(client, secret, record, dave):
    for url in (
        reverse("fhir_patient", args=["999999"]),
        reverse("fhir_patient", args=[dave.pk]),
        reverse("fhir_patient", args=["abc"]),
        f"{reverse('fhir_observations')}?patient={dave.pk}",
    ):
        response, body = fhir_get(client, secret, url)
        assert response.status_code == 404
        assert body["issue"][0]["code"] == "not-found"
    assert not AccessEvent.objects.exists()


def test_the_api_is_read_only_and_takes_no_cookie(client, secret, record, ada):
    headers = {"Authorization": f"Bearer {secret}"}
    for method in (client.post, client.put, client.delete, client.patch):
        response = method(reverse("fhir_patient", args=[record.pk]), headers=headers)
        assert response.status_code == 405
        assert response.json()["resourceType"] == "OperationOutcome"
    client.force_login(ada.user)
    response = client.get(reverse("fhir_patient", args=[record.pk]))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="fhir"'
    assert "Set-Cookie" not in client.get(reverse("fhir_metadata"), headers=headers)


def test_an_expired_token_says_so(client, ada, record):
    made = api_token_create(admin=ada, name="EHR", days=1, now=NOW - 2 * DAY)
    response, body = fhir_get(client, made.secret, reverse("fhir_patient", args=[record.pk]))
    assert response.status_code == 401
    assert body["issue"][0] == {
        "severity": "error",
        "code": "login",
        "diagnostics": "This token has expired: ask the clinic's admin for a new one.",
    }
    assert response["WWW-Authenticate"] == 'Bearer realm="fhir", error="invalid_token"'
