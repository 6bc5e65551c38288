"""The read-only FHIR API for the clinic's systems: `/fhir/metadata`, a Patient, its $everything,
and searches of Observation and MedicationRequest by patient and date.

A request carries a clinic's API token (`Authorization: Bearer <secret>`) and nothing else:
no session and no cookie open anything here, so a signed-in browser gets 401 like anyone else,
and no page of the API can be made to act for a browser by another site. Every answer is
FHIR JSON; every refusal an OperationOutcome. A token opens the patients of its own clinic
only: any other patient, another clinic's included, is 404. Each patient shown goes in the
access log with the token that read it."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from journal.access import note_api_reads
from journal.fhir_api import (
    FHIR_JSON,
    BadRequest,
    Page,
    capability_statement,
    matching,
    operation_outcome,
    page_of,
    search_of,
    searchset,
)
from journal.models import ApiToken, Patient
from journal.selectors.fhir import patient_resources
from journal.selectors.fhir_api import api_patient
from journal.services.api_tokens import Refusal, api_token_use

SOFTWARE_VERSION = "0.1.0"
REFUSALS = {
    Refusal.MISSING: "Send a clinic's API token: Authorization: Bearer <token>.",
    Refusal.UNKNOWN: "This token is not known.",
    Refusal.EXPIRED: "This token has expired: ask the clinic's admin for a new one.",
    Refusal.REVOKED: "This token was revoked.",
}


class ApiRequest(HttpRequest):
    api_token: ApiToken


def fhir_response(body: Mapping[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status=status,
        content_type=f"{FHIR_JSON}; charset=utf-8",
    )


def _refused(status: int, code: str, text: str) -> HttpResponse:
    return fhir_response(operation_outcome(code, text), status=status)


def _unauthorized(refusal: Refusal) -> HttpResponse:
    response = _refused(401, "login", REFUSALS[refusal])
    error = "" if refusal is Refusal.MISSING else ', error="invalid_token"'
    response["WWW-Authenticate"] = f'Bearer realm="fhir"{error}'
    return response


def _read_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @csrf_exempt  # the API reads no cookie: a browser's request opens nothing here
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = _refused(405, "not-supported", "This API is read-only: GET only.")
            response["Allow"] = "GET, HEAD"
            return response
        return view(request, *args, **kwargs)

    return wrapped


def token_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view runs with the request's token in force (`request.api_token`), else 401."""

    @_read_only
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        found = api_token_use(request.headers.get("authorization", ""))
        if isinstance(found, Refusal):
            return _unauthorized(found)
        request.api_token = found  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapped


def _base(request: HttpRequest) -> str:
    """The API's root address, as the export's full URLs are written under it."""
    return request.build_absolute_uri(reverse("fhir_metadata")).removesuffix("/metadata")


def _params(request: HttpRequest) -> dict[str, list[str]]:
    return {key: request.GET.getlist(key) for key in request.GET}


def _patient_or_404(request: ApiRequest, fhir_id: str) -> Patient | HttpResponse:
    patient = api_patient(request.api_token.clinic, fhir_id)
    if patient is None:
        return _refused(404, "not-found", f"No Patient {fhir_id} for this token.")
    return patient


@_read_only
def metadata(request: HttpRequest) -> HttpResponse:
    """What the API answers; open to anyone, as FHIR servers' are (no patient data)."""
    return fhir_response(
        capability_statement(
            base=_base(request), published=timezone.now().date(), software_version=SOFTWARE_VERSION
        )
    )


@token_required
def patient_read(request: ApiRequest, fhir_id: str) -> HttpResponse:
    if request.GET:
        return _refused(400, "invalid", "A read takes no parameters.")
    patient = _patient_or_404(request, fhir_id)
    if isinstance(patient, HttpResponse):
        return patient
    resource = next(r for r in patient_resources(patient) if r["resourceType"] == "Patient")
    note_api_reads(request, request.api_token, [patient.pk])
    return fhir_response(resource)


def _page_links(request: HttpRequest, query: Callable[[int], list[tuple[str, str]]], page: Page, more: bool):
    path = request.build_absolute_uri(request.path)
    self_url = f"{path}?{urlencode(query(page.number))}"
    return self_url, (f"{path}?{urlencode(query(page.number + 1))}" if more else None)


@token_required
def patient_everything(request: ApiRequest, fhir_id: str) -> HttpResponse:
    """Every resource of the patient's record, in pages of `_count`."""
    try:
        page = page_of(_params(request))
    except BadRequest as error:
        return _refused(400, "invalid", str(error))
    patient = _patient_or_404(request, fhir_id)
    if isinstance(patient, HttpResponse):
        return patient
    resources = patient_resources(patient)
    shown, more = page.of(resources)

    def query(number: int) -> list[tuple[str, str]]:
        return [("_count", str(page.count)), ("_page", str(number))]

    self_url, next_url = _page_links(request, query, page, more)
    note_api_reads(request, request.api_token, [patient.pk])
    return fhir_response(
        searchset(shown, base=_base(request), total=len(resources), self_url=self_url, next_url=next_url)
    )


def _search(kind: str) -> Callable[[HttpRequest], HttpResponse]:
    @token_required
    def search(request: ApiRequest) -> HttpResponse:
        clinic = request.api_token.clinic
        try:
            query = search_of(_params(request), timezone.now().astimezone(ZoneInfo(clinic.time_zone)).date())
        except BadRequest as error:
            return _refused(400, "invalid", str(error))
        patient = _patient_or_404(request, query.patient_id)
        if isinstance(patient, HttpResponse):
            return patient
        found = matching(patient_resources(patient), kind, query.first, query.last)
        shown, more = query.page.of(found)
        self_url, next_url = _page_links(request, query.query, query.page, more)
        note_api_reads(request, request.api_token, [patient.pk])
        return fhir_response(
            searchset(shown, base=_base(request), total=len(found), self_url=self_url, next_url=next_url)
        )

    search.__name__ = search.__qualname__ = f"{kind.lower()}_search"
    return search


observation_search = _search("Observation")
medication_request_search = _search("MedicationRequest")
