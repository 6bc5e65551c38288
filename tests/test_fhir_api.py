"""The FHIR API's rules: a search's parameters and bounds, which resources a date search matches,
and the answers' shapes (each parsed by fhir.resources' R4B models)."""

from __future__ import annotations

import datetime as dt

import pytest
from fhir.resources.R4B import get_fhir_model_class

from journal.bounds import FHIR_PAGE_MAX, FHIR_SEARCH_MAX_DAYS
from journal.fhir_api import (
    BadRequest,
    Page,
    capability_statement,
    date_range,
    matching,
    operation_outcome,
    page_of,
    patient_reference,
    resource_days,
    search_of,
    searchset,
)

TODAY = dt.date(2026, 11, 21)


def construct_fhir_element(kind: str, resource: dict):
    """The resource parsed by its R4B model (raises on anything the base spec refuses)."""
    assert resource["resourceType"] == kind
    return get_fhir_model_class(kind).model_validate(resource)


D = dt.date.fromisoformat


@pytest.mark.parametrize(
    ("values", "first", "last"),
    [
        (["ge2026-01-01", "le2026-03-31"], "2026-01-01", "2026-03-31"),
        (["gt2026-01-01", "lt2026-03-31"], "2026-01-02", "2026-03-30"),
        (["eq2026-02-03"], "2026-02-03", "2026-02-03"),
        (["2026-02-03"], "2026-02-03", "2026-02-03"),
        (["ge2026-01-01", "ge2026-02-01", "le2026-03-31"], "2026-02-01", "2026-03-31"),  # the narrower
        ([], "2025-11-21", "2026-11-21"),  # the year up to today
        (["ge2026-01-01"], "2026-01-01", "2027-01-01"),
        (["le2026-03-31"], "2025-03-31", "2026-03-31"),
    ],
)
def test_date_range(values, first, last):
    assert date_range(values, TODAY) == (D(first), D(last))
    assert (D(last) - D(first)).days < FHIR_SEARCH_MAX_DAYS


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["ge2026-01-01", "le2027-06-01"], "at most 366 days"),
        (["ge2026-03-01", "le2026-02-01"], "no day to search"),
        (["sa2026-01-01"], "optional prefix"),
        (["2026-01"], "optional prefix"),
        (["ge2026-02-30"], "no day of the calendar"),
        (["ge1999-12-31"], "from 2000-01-01 to 2099-12-31"),
        (["le9999-12-31"], "from 2000-01-01"),
        (["ge2026-01-01T00:00:00Z"], "optional prefix"),
        (["ge２０２６-01-01"], "optional prefix"),
    ],
)
def test_date_range_refuses(values, message):
    with pytest.raises(BadRequest, match=message):
        date_range(values, TODAY)


def test_search_of_reads_patient_dates_and_page():
    search = search_of(
        {"patient": ["Patient/12"], "date": ["ge2026-01-01", "le2026-03-31"], "_count": ["10"]}, TODAY
    )
    assert (search.patient_id, search.first, search.last) == ("12", D("2026-01-01"), D("2026-03-31"))
    assert search.page == Page(count=10, number=1)
    assert search.query(2) == [
        ("patient", "12"),
        ("date", "ge2026-01-01"),
        ("date", "le2026-03-31"),
        ("_count", "10"),
        ("_page", "2"),
    ]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Give the patient"),
        ({"patient": ["1", "2"]}, "Give patient once"),
        ({"patient": ["1"], "code": ["x"]}, "Unknown parameter 'code'"),
        ({"patient": ["1"], "_count": ["0"]}, f"_count is a whole number from 1 to {FHIR_PAGE_MAX}"),
        ({"patient": ["1"], "_count": [str(10**30)]}, "_count is a whole number"),
        ({"patient": ["1"], "_count": ["-5"]}, "_count is a whole number"),
        ({"patient": ["1"], "_count": ["١٠"]}, "_count is a whole number"),  # Arabic-Indic digits
        ({"patient": ["1"], "_page": ["1001"]}, "_page is a whole number from 1 to 1000"),
        ({"patient": ["1/../2"]}, "patient is a Patient id"),
        ({"patient": ["x" * 101]}, "at most 100 characters"),
        ({"patient": ["1"], "date": ["ge2026-01-01"] * 9}, "At most 8 parameter values"),
    ],
)
def test_search_of_refuses(params, message):
    with pytest.raises(BadRequest, match=message):
        search_of(params, TODAY)


def test_page_of_takes_only_page_parameters():
    assert page_of({"_count": ["200"], "_page": ["3"]}) == Page(count=200, number=3)
    with pytest.raises(BadRequest, match="Unknown parameter 'patient'"):
        page_of({"patient": ["1"]})


def test_a_page_says_whether_more_follow():
    items = list(range(5))
    assert Page(count=2, number=1).of(items) == ([0, 1], True)
    assert Page(count=2, number=3).of(items) == ([4], False)
    assert Page(count=2, number=9).of(items) == ([], False)


def test_patient_reference():
    assert patient_reference("Patient/7") == patient_reference("7") == "7"


def observation(id_: str, **dates):
    return {"resourceType": "Observation", "id": id_, **dates}


def step(id_: str, start: str, end: str | None = None):
    period = {"start": start} | ({"end": end} if end else {})
    return {
        "resourceType": "MedicationRequest",
        "id": id_,
        "dosageInstruction": [{"timing": {"repeat": {"when": ["HS"], "boundsPeriod": period}}}],
    }


def test_resource_days():
    assert resource_days(observation("a", effectiveDateTime="2026-02-03")) == (
        D("2026-02-03"),
        D("2026-02-03"),
    )
    assert resource_days(observation("b", effectiveDateTime="2026-02-03T10:00:00+01:00"))[0] == D(
        "2026-02-03"
    )
    period = {"start": "2026-01-01", "end": "2026-01-05"}
    assert resource_days(observation("c", effectivePeriod=period)) == (D("2026-01-01"), D("2026-01-05"))
    assert resource_days(observation("d")) is None
    assert resource_days(step("s", "2026-01-01", "2026-01-14")) == (D("2026-01-01"), D("2026-01-14"))
    assert resource_days(step("t", "2026-01-15")) == (D("2026-01-15"), D("2099-12-31"))  # in force still
    written = {"resourceType": "MedicationRequest", "id": "w", "authoredOn": "2026-01-02"}
    assert resource_days(written) == (D("2026-01-02"), D("2026-01-02"))


def test_matching_takes_the_kind_and_the_days_that_meet_the_range():
    resources = [
        {"resourceType": "Patient", "id": "1"},
        observation("before", effectiveDateTime="2025-12-31"),
        observation("first", effectiveDateTime="2026-01-01"),
        observation("last", effectiveDateTime="2026-03-31"),
        observation("after", effectiveDateTime="2026-04-01"),
        observation("undated"),
        step("old", "2025-06-01", "2025-12-31"),
        step("overlapping", "2025-12-01", "2026-01-10"),
        step("running", "2026-03-01"),
    ]
    first, last = D("2026-01-01"), D("2026-03-31")
    assert [r["id"] for r in matching(resources, "Observation", first, last)] == ["first", "last"]
    assert [r["id"] for r in matching(resources, "MedicationRequest", first, last)] == [
        "overlapping",
        "running",
    ]


def test_searchset_is_a_valid_bundle_with_its_links():
    resources = [{"resourceType": "Patient", "id": "1"}]
    bundle = searchset(
        resources,
        base="https://x.example/fhir",
        total=3,
        self_url="https://x.example/a",
        next_url="https://x.example/b",
    )
    parsed = construct_fhir_element("Bundle", bundle)
    assert parsed.type == "searchset"
    assert parsed.total == 3
    assert [link.relation for link in parsed.link] == ["self", "next"]
    assert bundle["entry"][0]["fullUrl"] == "https://x.example/fhir/Patient/1"
    last_page = searchset(resources, base="b", total=1, self_url="https://x.example/a", next_url=None)
    assert [link["relation"] for link in last_page["link"]] == ["self"]
    empty = searchset([], base="b", total=0, self_url="https://x.example/a", next_url=None)
    assert "entry" not in empty
    construct_fhir_element("Bundle", empty)


def test_operation_outcome_is_valid():
    parsed = construct_fhir_element("OperationOutcome", operation_outcome("invalid", "Give the patient."))
    assert parsed.issue[0].code == "invalid"
    assert parsed.issue[0].diagnostics == "Give the patient."


def test_capability_statement_lists_what_is_answered():
    statement = capability_statement(base="https://x.example/fhir", published=TODAY, software_version="0.1.0")
    parsed = construct_fhir_element("CapabilityStatement", statement)
    (rest,) = parsed.rest
    kinds = {resource.type: resource for resource in rest.resource}
    assert set(kinds) == {"Patient", "Observation", "MedicationRequest"}
    assert [i.code for i in kinds["Patient"].interaction] == ["read"]
    assert kinds["Patient"].operation[0].name == "everything"
    for kind in ("Observation", "MedicationRequest"):
        assert {p.name for p in kinds[kind].searchParam} == {"patient", "date", "_count", "_page"}
    assert "Bearer" in rest.security.description
