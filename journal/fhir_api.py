"""The read-only FHIR API's rules, in plain Python: what a search may ask (its parameters and their
bounds), which resources a date search matches, and the shapes of the answers (the
CapabilityStatement, a searchset Bundle, an OperationOutcome).

The resources themselves are the export's (`journal.fhir`); this module only chooses and wraps
them. Its words are for the systems that call the API, so they stay English, as the CSV's do."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from journal.bounds import (
    FHIR_PAGE_DEFAULT,
    FHIR_PAGE_MAX,
    FHIR_PAGES_MAX,
    FHIR_SEARCH_MAX_DAYS,
    TREATMENT_SPAN,
)

FHIR_VERSION = "4.0.1"
FHIR_JSON = "application/fhir+json"
SEARCHABLE = ("Observation", "MedicationRequest")
SEARCH_PARAMETERS = ("patient", "date", "_count", "_page")
PAGE_PARAMETERS = ("_count", "_page")
PARAMETERS_MAX = 8  # values in one query string: a patient, two dates, a count and a page fit
VALUE_MAX_CHARS = 100
ID_PATTERN = "[A-Za-z0-9.-]{1,64}"  # FHIR's id: letters, digits, "-" and ".", at most 64
PREFIXES = ("eq", "ge", "le", "gt", "lt")
_DATE = re.compile(r"(eq|ge|le|gt|lt)?([0-9]{4}-[0-9]{2}-[0-9]{2})")
_ID = re.compile(ID_PATTERN)
_DAY = dt.timedelta(days=1)


class BadRequest(ValueError):
    """A search the API does not answer; the message says why, for an OperationOutcome."""


@dataclass(frozen=True)
class Page:
    count: int = FHIR_PAGE_DEFAULT
    number: int = 1

    @property
    def start(self) -> int:
        return (self.number - 1) * self.count

    def of(self, items: Sequence[Any]) -> tuple[Sequence[Any], bool]:
        """The page's items, and whether a next page has more."""
        return items[self.start : self.start + self.count], len(items) > self.start + self.count


@dataclass(frozen=True)
class Search:
    patient_id: str
    first: dt.date
    last: dt.date
    page: Page

    def query(self, page_number: int) -> list[tuple[str, str]]:
        """This search's parameters, as a link to page `page_number` repeats them."""
        return [
            ("patient", self.patient_id),
            ("date", f"ge{self.first.isoformat()}"),
            ("date", f"le{self.last.isoformat()}"),
            ("_count", str(self.page.count)),
            ("_page", str(page_number)),
        ]


def _checked(params: Mapping[str, Sequence[str]], allowed: Sequence[str]) -> None:
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise BadRequest(f"Unknown parameter {unknown[0][:40]!r}: this API knows {', '.join(allowed)}.")
    values = [value for values in params.values() for value in values]
    if len(values) > PARAMETERS_MAX:
        raise BadRequest(f"At most {PARAMETERS_MAX} parameter values in one request.")
    if any(len(value) > VALUE_MAX_CHARS for value in values):
        raise BadRequest(f"A parameter's value is at most {VALUE_MAX_CHARS} characters.")


def _one(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise BadRequest(f"Give {name} once.")
    return values[0] if values else None


def _number(params: Mapping[str, Sequence[str]], name: str, least: int, most: int, default: int) -> int:
    text = _one(params, name)
    if text is None:
        return default
    if not text.isascii() or not text.isdigit() or not least <= int(text) <= most:
        raise BadRequest(f"{name} is a whole number from {least} to {most}.")
    return int(text)


def page_of(params: Mapping[str, Sequence[str]], allowed: Sequence[str] = PAGE_PARAMETERS) -> Page:
    """The page asked for: `_count` resources a page (1–FHIR_PAGE_MAX), page `_page`."""
    _checked(params, allowed)
    return Page(
        count=_number(params, "_count", 1, FHIR_PAGE_MAX, FHIR_PAGE_DEFAULT),
        number=_number(params, "_page", 1, FHIR_PAGES_MAX, 1),
    )


def patient_reference(text: str | None) -> str:
    """The patient id of a `patient` parameter: `abc` or `Patient/abc`."""
    if text is None:
        raise BadRequest("Give the patient: patient=<id>.")
    patient_id = text.removeprefix("Patient/")
    if not _ID.fullmatch(patient_id):
        raise BadRequest("patient is a Patient id: letters, digits, '-' and '.', at most 64.")
    return patient_id


def _bound(value: str) -> tuple[str, dt.date]:
    match = _DATE.fullmatch(value)
    if match is None:
        raise BadRequest(
            f"date is a day with an optional prefix ({', '.join(PREFIXES)}), e.g. date=ge2026-01-01."
        )
    try:
        day = dt.date.fromisoformat(match.group(2))
    except ValueError:
        raise BadRequest(f"{match.group(2)!r} is no day of the calendar.") from None
    if day not in TREATMENT_SPAN:
        raise BadRequest(
            f"date lies from {TREATMENT_SPAN.first.isoformat()} to {TREATMENT_SPAN.last.isoformat()}."
        )
    return match.group(1) or "eq", day


def date_range(values: Sequence[str], today: dt.date) -> tuple[dt.date, dt.date]:
    """The days (first, last, both included) that `date` parameters ask for: each a prefix and a
    day; together they narrow the range. A missing end is FHIR_SEARCH_MAX_DAYS from the other
    (none: the year up to `today`); a longer range is refused."""
    first: dt.date | None = None
    last: dt.date | None = None
    for prefix, day in (_bound(value) for value in values):
        low = {"eq": day, "ge": day, "gt": day + _DAY}.get(prefix)
        high = {"eq": day, "le": day, "lt": day - _DAY}.get(prefix)
        first = max(first, low) if first and low else first or low
        last = min(last, high) if last and high else last or high
    span = dt.timedelta(days=FHIR_SEARCH_MAX_DAYS - 1)
    if first is None and last is None:
        last = today
    if first is None:
        assert last is not None
        first = last - span
    if last is None:
        last = first + span
    if first > last:
        raise BadRequest("The dates leave no day to search.")
    if last - first > span:
        raise BadRequest(f"Search at most {FHIR_SEARCH_MAX_DAYS} days at a time.")
    return first, last


def search_of(params: Mapping[str, Sequence[str]], today: dt.date) -> Search:
    """A search by patient and date, with its page; BadRequest says what is wrong."""
    page = page_of(params, SEARCH_PARAMETERS)
    first, last = date_range(params.get("date", []), today)
    return Search(patient_reference(_one(params, "patient")), first, last, page)


# --- which resources a search matches ---------------------------------------------------------


def _day(text: object) -> dt.date | None:
    if not isinstance(text, str) or len(text) < 10:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _period(period: object) -> tuple[dt.date | None, dt.date | None]:
    if not isinstance(period, dict):
        return None, None
    return _day(period.get("start")), _day(period.get("end"))


def resource_days(resource: Mapping[str, Any]) -> tuple[dt.date, dt.date] | None:
    """The days a resource is about, for a date search: an Observation's effective day or period;
    a MedicationRequest's dosage period (a dose step, from its first day to its last; open while
    it runs), else the day it was written. None: the resource has no date."""
    start: dt.date | None = None
    end: dt.date | None = None
    if "effectiveDateTime" in resource:
        start = end = _day(resource["effectiveDateTime"])
    elif "effectivePeriod" in resource:
        start, end = _period(resource["effectivePeriod"])
    elif resource.get("resourceType") == "MedicationRequest":
        for dosage in resource.get("dosageInstruction", []):
            start, end = _period(dosage.get("timing", {}).get("repeat", {}).get("boundsPeriod"))
            if start:
                break
        if start is None:
            start = end = _day(resource.get("authoredOn"))
        elif end is None:
            end = TREATMENT_SPAN.last
    if start is None:
        return None
    return start, end or start


def matching(resources: Iterable[Mapping[str, Any]], kind: str, first: dt.date, last: dt.date) -> list[Any]:
    """The resources of type `kind` whose days meet the range `first`–`last`."""
    found = []
    for resource in resources:
        if resource.get("resourceType") != kind:
            continue
        days = resource_days(resource)
        if days is not None and days[0] <= last and days[1] >= first:
            found.append(resource)
    return found


# --- the answers -----------------------------------------------------------------------------


def operation_outcome(code: str, text: str) -> dict[str, Any]:
    """An error as FHIR says it: `code` from FHIR's issue types (invalid, login, not-found, …)."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": text}],
    }


def searchset(
    resources: Sequence[Mapping[str, Any]], *, base: str, total: int, self_url: str, next_url: str | None
) -> dict[str, Any]:
    """A page of a search as a searchset Bundle, each entry with its full URL."""
    links = [{"relation": "self", "url": self_url}]
    if next_url:
        links.append({"relation": "next", "url": next_url})
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "searchset", "total": total, "link": links}
    if resources:  # FHIR's JSON has no empty lists
        bundle["entry"] = [
            {
                "fullUrl": f"{base}/{resource['resourceType']}/{resource['id']}",
                "resource": resource,
                "search": {"mode": "match"},
            }
            for resource in resources
        ]
    return bundle


def capability_statement(*, base: str, published: dt.date, software_version: str) -> dict[str, Any]:
    """What this API answers: read and $everything of a Patient, searches of Observation and
    MedicationRequest by patient and date, JSON only, with a clinic's bearer token."""
    page_parameters = [
        {
            "name": "_count",
            "type": "number",
            "documentation": f"1 to {FHIR_PAGE_MAX}; {FHIR_PAGE_DEFAULT} if left out",
        },
        {
            "name": "_page",
            "type": "number",
            "documentation": f"1 to {FHIR_PAGES_MAX}; follow the Bundle's next link",
        },
    ]
    search_parameters = [
        {"name": "patient", "type": "reference", "documentation": "Required: the Patient's id"},
        {
            "name": "date",
            "type": "date",
            "documentation": (
                f"A day (YYYY-MM-DD) with an optional prefix eq, ge, le, gt or lt, repeatable; at most "
                f"{FHIR_SEARCH_MAX_DAYS} days, the year up to today if left out"
            ),
        },
        *page_parameters,
    ]
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": published.isoformat(),
        "publisher": "LDN Journal",
        "kind": "instance",
        "software": {"name": "LDN Journal", "version": software_version},
        "implementation": {"description": "LDN Journal read-only FHIR API", "url": base},
        "fhirVersion": FHIR_VERSION,
        "format": [FHIR_JSON, "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Read-only. Unknown parameters and bad values answer 400 with an OperationOutcome."
                ),
                "security": {
                    "cors": False,
                    "description": (
                        "Authorization: Bearer <token>. A clinic admin makes a token (scope read, valid 1 to "
                        "365 days) and revokes it; it opens the patients of its own clinic. Every read is "
                        "in the clinic's access log."
                    ),
                },
                "resource": [
                    {
                        "type": "Patient",
                        "interaction": [{"code": "read"}],
                        "operation": [
                            {
                                "name": "everything",
                                "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
                                "documentation": (
                                    "The patient's resources as a searchset Bundle, in pages (_count, _page)"
                                ),
                            }
                        ],
                    },
                    *(
                        {
                            "type": kind,
                            "interaction": [{"code": "search-type"}],
                            "searchParam": search_parameters,
                        }
                        for kind in SEARCHABLE
                    ),
                ],
            }
        ],
    }
