"""Reading a FHIR R4 Bundle from another system: the medication list (MedicationStatement) and
lab results (laboratory Observations) a clinic may import, and what is skipped and why.

Plain Python. `read_bundle` reads the upload's bytes into plain values (or refuses the file
with a `BundleProblem`); `plan_import` matches those values against the patient's record and
the clinic's lab catalogue (`ImportContext`, read by the shell) and says what will be added and
what is skipped: nothing already on the record, no test the clinic does not know, no value
outside the app's bounds. The services add what the plan lists, through their usual rules.

Unlike `journal.fhir.read_bundle`, which reads LDN Journal's own export back (plan steps,
doses, scores), this reader takes a file from anywhere: every value is checked for its type,
and a resource it cannot use is skipped with its reason instead of failing the file.

A whole patient exported by LDN Journal (`read_patient`, then `plan_patient_import`) is read
through `journal.fhir.read_bundle` into a new patient's plans, diary days and record, matched
against the clinic's record codes so that a patient comes in once.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from journal.bounds import (
    CONDITIONS_MAX,
    DOSE_DECIMALS,
    DOSE_MAX_MG,
    LAB_DECIMALS,
    LAB_UNIT_MAX_CHARS,
    LAB_VALUE_MAX,
    LABORATORY_MAX_CHARS,
    MEDICINE_MAX_CHARS,
    NAME_MAX_CHARS,
    PLAN_STEPS_MAX,
    SYMPTOMS_MAX,
    TREATMENT_SPAN,
    DateWindow,
    record_window,
    sample_window,
    taken_window,
)
from journal.fhir import (
    CODE_SYSTEM_PATH,
    LAB_LOINC,
    LOINC,
    MEDICATION_LIST_PATH,
    NALTREXONE,
    PATIENT_CODE_PATH,
    RXNORM,
    SLEEP_QUALITY_CODE,
    BundleValues,
    ReadStep,
)
from journal.fhir import read_bundle as fhir_read_bundle
from journal.medicines import MedicationCategory, classify_medication
from journal.vocabulary import (
    FREQUENCIES,
    PRESCRIBED_TIMINGS,
    SCORE_MAX,
    SCORE_MIN,
    SEVERITIES,
    SIDE_EFFECTS,
    TAKEN_TIMINGS,
    dose_phrase,
)
from journal.wording import Phrase, gettext_noop, phrase

BUNDLE_MAX_BYTES = 4 * 1024 * 1024  # a year of one patient's diary exported is about 2 MB
BUNDLE_MAX_ENTRIES = 10_000
IMPORT_ITEMS_MAX = 300  # medications and lab results added by one import

KEY_OF_LOINC = {code: key for key, (code, _display) in LAB_LOINC.items()}
LAB_CODE_PREFIX = "lab-"
_FULL_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(T.*)?$")


class BundleProblem(ValueError):
    """Why an uploaded file is not a Bundle the import can read (a Phrase, shown to the
    clinician as the form's error)."""

    def __init__(self, reason: Phrase):
        super().__init__(reason)
        self.reason = reason


# --- what the Bundle says ------------------------------------------------------------------


@dataclass(frozen=True)
class MedicationRead:
    """A medicine of the list: its name, dose as written, and the days it was started and stopped."""

    source: str  # "MedicationStatement/<id>"
    name: str
    dose_text: str = ""
    started_on: dt.date | None = None
    stopped_on: dt.date | None = None

    @property
    def key(self) -> tuple[str, dt.date | None]:
        """The same medicine twice: the same name (any case and spacing) started the same day."""
        return (" ".join(self.name.split()).casefold(), self.started_on)

    @property
    def is_opioid(self) -> bool:
        """Named on the opioid list: once added, the safety state flags it as a typed one."""
        return MedicationCategory.OPIOID in classify_medication(self.name)


@dataclass(frozen=True)
class LabRead:
    """A laboratory Observation: the test's codes and name, the value, unit, range and sample date."""

    source: str
    name: str
    codes: tuple[tuple[str, str], ...] = ()  # (system, code)
    value: Decimal | None = None
    unit: str = ""
    low: Decimal | None = None
    high: Decimal | None = None
    day: dt.date | None = None
    laboratory: str = ""


@dataclass(frozen=True)
class Skipped:
    """A resource left out, and why (a message of the catalogue with plain values, so the
    preview can be kept in the session and shown again in the reader's language)."""

    source: str
    message: str
    values: tuple[tuple[str, str], ...] = ()

    @property
    def reason(self) -> Phrase:
        return phrase(self.message, **dict(self.values))


@dataclass(frozen=True)
class BundleRead:
    medications: tuple[MedicationRead, ...] = ()
    labs: tuple[LabRead, ...] = ()
    skipped: tuple[Skipped, ...] = ()


SHOWN_VALUE_MAX_CHARS = 80  # a name from the file, as a skip reason quotes it


def _skip(source: str, message: str, **values: str) -> Skipped:
    shown = {
        name: value if len(value) <= SHOWN_VALUE_MAX_CHARS else value[: SHOWN_VALUE_MAX_CHARS - 1] + "…"
        for name, value in values.items()
    }
    return Skipped(source[:SHOWN_VALUE_MAX_CHARS], message, tuple(shown.items()))


NOT_IMPORTED = gettext_noop("{kind}: not imported (only the medication list and lab results are)")
LDN_ITSELF = gettext_noop(
    "Naltrexone: LDN's plan is written and its doses are logged in LDN Journal, not imported"
)
DIARY_SCORE = gettext_noop("Diary scores and side effects: not imported")
NOT_TAKEN = gettext_noop("{name}: marked as not taken or entered in error")
NO_NAME = gettext_noop("A medication without a name")
NO_VALUE = gettext_noop("{name}: no numeric value")
NO_DATE = gettext_noop("{name}: no full sample date")
ALREADY_LISTED = gettext_noop("{name}: already on the medication list")
ALREADY_RECORDED = gettext_noop("{name} of {day}: already recorded")


# --- reading -------------------------------------------------------------------------------


def _refuse_constant(name: str) -> Decimal:
    raise ValueError(name)


def _load(data: bytes) -> Any:
    if len(data) > BUNDLE_MAX_BYTES:
        raise BundleProblem(
            phrase(
                gettext_noop("The file is larger than {size} MB: export only this patient."),
                size=str(BUNDLE_MAX_BYTES // (1024 * 1024)),
            )
        )
    try:
        text = data.decode("utf-8-sig")
        return json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BundleProblem(
            phrase(gettext_noop("The file is not JSON: choose a FHIR Bundle (.json)."))
        ) from None


def _resources(document: Any) -> list[dict[str, Any]]:
    """The Bundle's resources, each a JSON object with a resourceType."""
    if not isinstance(document, dict) or document.get("resourceType") != "Bundle":
        raise BundleProblem(phrase(gettext_noop("The file is JSON but not a FHIR Bundle.")))
    entries = document.get("entry", [])
    if not isinstance(entries, list):
        raise BundleProblem(phrase(gettext_noop("The Bundle's entries are not a list.")))
    if len(entries) > BUNDLE_MAX_ENTRIES:
        raise BundleProblem(
            phrase(
                gettext_noop("The Bundle has more than {count} entries: export only this patient."),
                count=str(BUNDLE_MAX_ENTRIES),
            )
        )
    resources = []
    for number, entry in enumerate(entries, start=1):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            raise BundleProblem(
                phrase(
                    gettext_noop("Entry {number} of the Bundle is not a FHIR resource."), number=str(number)
                )
            )
        resources.append(resource)
    return resources


def _text(value: Any) -> str:
    """A string's words with single spaces, without control characters (a NUL byte would be
    refused by PostgreSQL when saved)."""
    if not isinstance(value, str):
        return ""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def fhir_date(value: Any) -> dt.date | None:
    """A FHIR date or dateTime's calendar day; None for a partial date ("2024", "2024-05") or
    anything that is no date."""
    match = _FULL_DATE.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    number = Decimal(value)
    return number if number.is_finite() else None


def _codings(concept: Any) -> list[dict[str, Any]]:
    return [coding for coding in _list(_dict(concept).get("coding")) if isinstance(coding, dict)]


def concept_name(concept: Any) -> str:
    """A CodeableConcept's words: its text, else the first coding's display."""
    concept = _dict(concept)
    if name := _text(concept.get("text")):
        return name
    return next((_text(c.get("display")) for c in _codings(concept) if _text(c.get("display"))), "")


def _source(resource: Mapping[str, Any]) -> str:
    return f"{resource['resourceType']}/{_text(resource.get('id')) or '?'}"


def _medication_concept(statement: Mapping[str, Any], medications: Mapping[str, Any]) -> Any:
    """The statement's medicine: its own concept, a contained Medication or one in the Bundle."""
    if "medicationCodeableConcept" in statement:
        return statement["medicationCodeableConcept"]
    reference = _text(_dict(statement.get("medicationReference")).get("reference"))
    if reference.startswith("#"):
        contained = _list(statement.get("contained"))
        found = next((c for c in contained if isinstance(c, dict) and c.get("id") == reference[1:]), {})
        return found.get("code")
    return _dict(medications.get(reference)).get("code")


def _is_naltrexone(concept: Any) -> bool:
    if any(c.get("system") == RXNORM and c.get("code") == NALTREXONE["code"] for c in _codings(concept)):
        return True
    return "naltrexone" in concept_name(concept).casefold()


def _dose_text(statement: Mapping[str, Any]) -> str:
    dosage = _dict(next(iter(_list(statement.get("dosage"))), {}))
    if text := _text(dosage.get("text")):
        return text
    for dose_and_rate in _list(dosage.get("doseAndRate")):
        quantity = _dict(_dict(dose_and_rate).get("doseQuantity"))
        if (value := _number(quantity.get("value"))) is not None:
            return f"{value.normalize():f} {_text(quantity.get('unit'))}".strip()
    return ""


def read_medication(statement: Mapping[str, Any], medications: Mapping[str, Any]) -> MedicationRead | Skipped:
    source = _source(statement)
    concept = _medication_concept(statement, medications)
    if _is_naltrexone(concept):
        return _skip(source, LDN_ITSELF)
    name = concept_name(concept)
    if not name:
        return _skip(source, NO_NAME)
    if statement.get("status") in {"not-taken", "entered-in-error"}:
        return _skip(source, NOT_TAKEN, name=name)
    period = _dict(statement.get("effectivePeriod"))
    return MedicationRead(
        source=source,
        name=name,
        dose_text=_dose_text(statement),
        started_on=fhir_date(period.get("start") or statement.get("effectiveDateTime")),
        stopped_on=fhir_date(period.get("end")),
    )


def _quantity(value: Any) -> tuple[Decimal | None, str]:
    quantity = _dict(value)
    return _number(quantity.get("value")), _text(quantity.get("unit")) or _text(quantity.get("code"))


def _is_laboratory(observation: Mapping[str, Any]) -> bool:
    """Categorised as laboratory, or a measured quantity with no category at all (some systems
    leave it out)."""
    categories = _list(observation.get("category"))
    if not categories:
        return "valueQuantity" in observation
    return any(coding.get("code") == "laboratory" for category in categories for coding in _codings(category))


def read_lab(observation: Mapping[str, Any]) -> LabRead | Skipped:
    source = _source(observation)
    concept = observation.get("code")
    name = concept_name(concept) or "?"
    value, unit = _quantity(observation.get("valueQuantity"))
    if value is None:
        return _skip(source, NO_VALUE, name=name)
    day = fhir_date(
        observation.get("effectiveDateTime") or _dict(observation.get("effectivePeriod")).get("start")
    )
    if day is None:
        return _skip(source, NO_DATE, name=name)
    reference = _dict(next(iter(_list(observation.get("referenceRange"))), {}))
    performer = _dict(next(iter(_list(observation.get("performer"))), {}))
    return LabRead(
        source=source,
        name=name,
        codes=tuple((_text(c.get("system")), _text(c.get("code"))) for c in _codings(concept)),
        value=value,
        unit=unit,
        low=_quantity(reference.get("low"))[0],
        high=_quantity(reference.get("high"))[0],
        day=day,
        laboratory=_text(performer.get("display")),
    )


def read_bundle(data: bytes) -> BundleRead:
    """What a Bundle's bytes hold for the import, or a BundleProblem saying why the file cannot
    be read (too large, not JSON, not a Bundle, an entry that is no resource)."""
    resources = _resources(_load(data))
    named = {_source(r): r for r in resources if r["resourceType"] == "Medication"}
    medications: list[MedicationRead] = []
    labs: list[LabRead] = []
    skipped: list[Skipped] = []
    for resource in resources:
        kind = resource["resourceType"]
        item: Any
        if kind == "MedicationStatement":
            item = read_medication(resource, named)
            (medications if isinstance(item, MedicationRead) else skipped).append(item)
        elif kind == "Observation" and _is_laboratory(resource):
            item = read_lab(resource)
            (labs if isinstance(item, LabRead) else skipped).append(item)
        elif kind == "Observation" and ("valueInteger" in resource or "valueCodeableConcept" in resource):
            skipped.append(_skip(_source(resource), DIARY_SCORE))
        elif kind == "Medication":
            continue  # read with the statement that names it
        else:
            skipped.append(_skip(_source(resource), NOT_IMPORTED, kind=kind))
    if not medications and not labs:
        raise BundleProblem(
            phrase(
                gettext_noop("The Bundle has no medication (MedicationStatement) or lab result to import.")
            )
        )
    return BundleRead(tuple(medications), tuple(labs), tuple(skipped))


# --- matching against the record -------------------------------------------------------------


@dataclass(frozen=True)
class KnownTest:
    """A test of the clinic's list: the catalogue's (with its key) or the clinic's own."""

    pk: int
    name: str
    key: str = ""
    unit: str = ""


@dataclass(frozen=True)
class ImportContext:
    """What the plan is matched against: the clinic's tests, what the record holds already and
    the dates the services accept."""

    tests: tuple[KnownTest, ...]
    sample_window: DateWindow
    taken_window: DateWindow
    medications: frozenset[tuple[str, dt.date | None]] = frozenset()  # `MedicationRead.key`
    labs: frozenset[tuple[int, dt.date, Decimal]] = frozenset()  # (test, sample date, value)


@dataclass(frozen=True)
class LabToAdd:
    source: str
    test_pk: int
    test_name: str
    value: Decimal
    unit: str
    low: Decimal | None
    high: Decimal | None
    day: dt.date
    laboratory: str

    @property
    def key(self) -> tuple[int, dt.date, Decimal]:
        return (self.test_pk, self.day, self.value.normalize())


@dataclass(frozen=True)
class ImportPlan:
    medications: tuple[MedicationRead, ...] = ()
    labs: tuple[LabToAdd, ...] = ()
    skipped: tuple[Skipped, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.medications and not self.labs

    def skip_counts(self) -> dict[Skipped, int]:
        """Each reason once (without the resource), with how many resources it left out, in the
        Bundle's order."""
        counts: dict[Skipped, int] = {}
        for item in self.skipped:
            reason = Skipped("", item.message, item.values)
            counts[reason] = counts.get(reason, 0) + 1
        return counts

    def skipped_by_reason(self) -> list[tuple[Phrase, int]]:
        return [(reason.reason, count) for reason, count in self.skip_counts().items()]


def match_test(lab: LabRead, tests: Sequence[KnownTest]) -> KnownTest | None:
    """The clinic's test a result is of: by LOINC code, by LDN Journal's own code, else by name."""
    by_key = {test.key: test for test in tests if test.key}
    for system, code in lab.codes:
        if system == LOINC and (key := KEY_OF_LOINC.get(code)) in by_key:
            return by_key[key]
        if system.endswith(CODE_SYSTEM_PATH) and code.startswith(LAB_CODE_PREFIX):
            key = code.removeprefix(LAB_CODE_PREFIX).replace("-", "_")
            if key in by_key:
                return by_key[key]
    name = lab.name.casefold()
    return next((test for test in tests if test.name.casefold() == name), None)


def _lab_number_problem(value: Decimal | None) -> bool:
    if value is None:
        return False
    return not (0 <= value <= LAB_VALUE_MAX) or -int(value.normalize().as_tuple().exponent) > LAB_DECIMALS


def _plan_lab(lab: LabRead, context: ImportContext) -> LabToAdd | Skipped:
    test = match_test(lab, context.tests)
    if test is None:
        return _skip(
            lab.source,
            gettext_noop(
                "{name}: no test of that name or code on the clinic's list (a clinic admin can add it)"
            ),
            name=lab.name,
        )
    assert lab.value is not None and lab.day is not None
    day = lab.day.isoformat()
    if any(_lab_number_problem(number) for number in (lab.value, lab.low, lab.high)):
        return _skip(
            lab.source,
            gettext_noop(
                "{name} of {day}: a value or range outside the app's bounds "
                "(from 0 to {most}, at most {decimals} decimals)"
            ),
            name=test.name,
            day=day,
            most=f"{LAB_VALUE_MAX}",
            decimals=str(LAB_DECIMALS),
        )
    if lab.low is not None and lab.high is not None and lab.low > lab.high:
        return _skip(
            lab.source,
            gettext_noop("{name} of {day}: the range's low end is above its high end"),
            name=test.name,
            day=day,
        )
    if lab.day not in context.sample_window:
        return _skip(
            lab.source,
            gettext_noop("{name} of {day}: the sample date is outside {window}"),
            name=test.name,
            day=day,
            window=context.sample_window.words,
        )
    if len(lab.unit) > LAB_UNIT_MAX_CHARS or len(lab.laboratory) > LABORATORY_MAX_CHARS:
        return _skip(
            lab.source,
            gettext_noop("{name} of {day}: the unit or laboratory's name is too long"),
            name=test.name,
            day=day,
        )
    item = LabToAdd(
        lab.source, test.pk, test.name, lab.value, lab.unit, lab.low, lab.high, lab.day, lab.laboratory
    )
    if item.key in context.labs:
        return _skip(lab.source, ALREADY_RECORDED, name=test.name, day=day)
    return item


def _plan_medication(medication: MedicationRead, context: ImportContext) -> MedicationRead | Skipped:
    name = medication.name
    if len(name) > MEDICINE_MAX_CHARS or len(medication.dose_text) > MEDICINE_MAX_CHARS:
        return _skip(
            medication.source,
            gettext_noop("{name}: its name or dose is longer than {count} characters"),
            name=name,
            count=str(MEDICINE_MAX_CHARS),
        )
    for day in (medication.started_on, medication.stopped_on):
        if day is not None and day not in context.taken_window:
            return _skip(
                medication.source,
                gettext_noop("{name}: started or stopped on {day}, outside {window}"),
                name=name,
                day=day.isoformat(),
                window=context.taken_window.words,
            )
    started, stopped = medication.started_on, medication.stopped_on
    if started is not None and stopped is not None and stopped < started:
        return _skip(medication.source, gettext_noop("{name}: stopped before it was started"), name=name)
    if medication.key in context.medications:
        return _skip(medication.source, ALREADY_LISTED, name=name)
    return medication


def plan_import(read: BundleRead, context: ImportContext) -> ImportPlan:
    """What an import of `read` adds to the record and what it skips, each with its reason.
    Nothing is added twice: not what the record holds, nor a repeat within the Bundle."""
    medications: list[MedicationRead] = []
    labs: list[LabToAdd] = []
    skipped = list(read.skipped)
    seen_medications = set(context.medications)
    seen_labs = set(context.labs)
    for medication in read.medications:
        planned = _plan_medication(medication, _with(context, medications=seen_medications))
        if isinstance(planned, Skipped):
            skipped.append(planned)
        elif len(medications) + len(labs) >= IMPORT_ITEMS_MAX:
            skipped.append(_too_many(planned.source))
        else:
            medications.append(planned)
            seen_medications.add(planned.key)
    for lab in read.labs:
        planned_lab = _plan_lab(lab, _with(context, labs=seen_labs))
        if isinstance(planned_lab, Skipped):
            skipped.append(planned_lab)
        elif len(medications) + len(labs) >= IMPORT_ITEMS_MAX:
            skipped.append(_too_many(planned_lab.source))
        else:
            labs.append(planned_lab)
            seen_labs.add(planned_lab.key)
    return ImportPlan(tuple(medications), tuple(labs), tuple(skipped))


def _with(context: ImportContext, **changes: Iterable[Any]) -> ImportContext:
    values = {**context.__dict__, **{name: frozenset(items) for name, items in changes.items()}}
    return ImportContext(**values)


def _too_many(source: str) -> Skipped:
    return _skip(
        source,
        gettext_noop("More than {count} items in one import: import the rest from a second file"),
        count=str(IMPORT_ITEMS_MAX),
    )


# --- the plan kept between the preview and the confirmation -----------------------------------


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _number_text(value: Decimal | None) -> str | None:
    return f"{value:f}" if value is not None else None


def plan_state(plan: ImportPlan) -> dict[str, Any]:
    """The plan as JSON-safe values, to keep on the server (the session) between the preview
    and the confirmation."""
    return {
        "medications": [
            [m.source, m.name, m.dose_text, _day(m.started_on), _day(m.stopped_on)] for m in plan.medications
        ],
        "labs": [
            [
                lab.source,
                lab.test_pk,
                lab.test_name,
                _number_text(lab.value),
                lab.unit,
                _number_text(lab.low),
                _number_text(lab.high),
                _day(lab.day),
                lab.laboratory,
            ]
            for lab in plan.labs
        ],
        # a year's diary skipped is thousands of resources: kept as each reason and its count
        "skipped": [
            [reason.message, [list(pair) for pair in reason.values], count]
            for reason, count in plan.skip_counts().items()
        ],
    }


def _date_or_none(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _decimal_or_none(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def plan_from_state(state: Mapping[str, Any]) -> ImportPlan:
    """The plan `plan_state` kept (each skipped resource by its reason alone)."""
    return ImportPlan(
        medications=tuple(
            MedicationRead(source, name, dose, _date_or_none(started), _date_or_none(stopped))
            for source, name, dose, started, stopped in state["medications"]
        ),
        labs=tuple(
            LabToAdd(
                source,
                test_pk,
                test_name,
                Decimal(value),
                unit,
                _decimal_or_none(low),
                _decimal_or_none(high),
                dt.date.fromisoformat(day),
                laboratory,
            )
            for source, test_pk, test_name, value, unit, low, high, day, laboratory in state["labs"]
        ),
        skipped=tuple(
            Skipped("", message, tuple((name, value) for name, value in values))
            for message, values, count in state["skipped"]
            for _ in range(count)
        ),
    )


@dataclass(frozen=True)
class Recheck:
    """The kept plan checked again against the record at confirmation: what it still adds, and
    whether that is less than the preview showed (someone added an item meanwhile)."""

    plan: ImportPlan
    changed: bool = False


def recheck(plan: ImportPlan, context: ImportContext) -> Recheck:
    """The kept plan against the record as it is now: an item added since the preview is
    skipped as already there."""
    medications, labs, skipped = [], [], list(plan.skipped)
    for medication in plan.medications:
        if medication.key in context.medications:
            skipped.append(_skip(medication.source, ALREADY_LISTED, name=medication.name))
        else:
            medications.append(medication)
    for lab in plan.labs:
        if lab.key in context.labs:
            skipped.append(_skip(lab.source, ALREADY_RECORDED, name=lab.test_name, day=lab.day.isoformat()))
        else:
            labs.append(lab)
    fresh = ImportPlan(tuple(medications), tuple(labs), tuple(skipped))
    return Recheck(fresh, changed=fresh != plan)


# --- a whole patient, from a Bundle LDN Journal exported ---------------------------------------
#
# The plan, the diary and the record of one patient, read back from this app's own export
# (`journal.fhir.read_bundle` reads the steps, doses, scores and side effects) into a new patient
# of a clinic. What the export does not carry is not imported: the diary's free-text notes, the
# audit trail, reviews, pauses, questionnaire answers, the screening, messages.

PATIENT_DAYS_MAX = (
    2 * 366
)  # diary days of one imported patient: each is saved by the diary's service, in one request
PATIENT_PLANS_MAX = 30  # plans of one imported patient
SIDE_EFFECT_TEXT_MAX_CHARS = 200  # `SideEffectReport.other_text`
PATIENT_CODE_MAX_CHARS = 40  # `Patient.code`


@dataclass(frozen=True)
class ConditionRead:
    name: str
    onset: dt.date | None = None  # the first day it was on the record, when the export says
    abated: dt.date | None = None  # the day it came off the record
    active: bool = True


@dataclass(frozen=True)
class StepToAdd:
    start_date: dt.date
    dose_mg: Decimal
    timing: str
    frequency: str
    note: str = ""

    @property
    def words(self) -> str:
        """ "3 mg at bedtime", as every surface names a prescribed dose."""
        return dose_phrase(self.dose_mg, self.timing, self.frequency)


@dataclass(frozen=True)
class PlanToAdd:
    """One plan of the export (its MedicationRequests share a `groupIdentifier`): the form and
    release of its first step, its steps, and the first day with nothing prescribed when its
    last step has an end."""

    key: str
    form: str
    release: str
    steps: tuple[StepToAdd, ...]
    ended_on: dt.date | None = None


@dataclass(frozen=True)
class DayToAdd:
    """One diary day: the dose reported, sleep, each score by symptom name, each side effect."""

    day: dt.date
    dose_taken: bool
    dose_mg: Decimal | None = None
    timing_taken: str = ""
    sleep_quality: int | None = None
    scores: tuple[tuple[str, int], ...] = ()  # (symptom name, 0–10)
    side_effects: tuple[tuple[str, str, str], ...] = ()  # (kind, severity, other text)


@dataclass(frozen=True)
class PatientRead:
    """One patient's Bundle as this app exported it."""

    label: str  # the record code (`Patient.export_label`)
    conditions: tuple[ConditionRead, ...] = ()
    plans: tuple[PlanToAdd, ...] = ()
    days: tuple[DayToAdd, ...] = ()
    medications: tuple[MedicationRead, ...] = ()
    labs: tuple[LabRead, ...] = ()

    @property
    def symptoms(self) -> tuple[str, ...]:
        """The symptoms the diary scores, in the order first scored: the ones the patient tracks."""
        names = {name: None for day in self.days for name, _score in day.scores}
        return tuple(names)

    @property
    def opened_on(self) -> dt.date | None:
        """The earliest day the Bundle carries: the new record counts as opened on it, so the
        plan's and the diary's dates lie in its window as they did in the clinic it came from."""
        days = [
            *(plan.steps[0].start_date for plan in self.plans if plan.steps),
            *(day.day for day in self.days),
            *(c.onset for c in self.conditions if c.onset is not None),
        ]
        return min(days, default=None)


NOT_OUR_EXPORT = gettext_noop(
    "The Bundle is not one LDN Journal exported ({reason}): import its medicines and lab results "
    "into a patient instead."
)


def _patient_label(resources: Sequence[Mapping[str, Any]]) -> str:
    patients = [r for r in resources if r["resourceType"] == "Patient"]
    if len(patients) != 1:
        raise BundleProblem(
            phrase(
                gettext_noop("The Bundle holds {count} patients: export one patient's record."),
                count=str(len(patients)),
            )
        )
    identifiers = [_dict(i) for i in _list(patients[0].get("identifier"))]
    label = next(
        (_text(i.get("value")) for i in identifiers if _text(i.get("system")).endswith(PATIENT_CODE_PATH)), ""
    )
    if not label:
        raise BundleProblem(phrase(NOT_OUR_EXPORT, reason="no record code"))
    return label


def read_condition(resource: Mapping[str, Any]) -> ConditionRead | None:
    name = concept_name(resource.get("code"))
    if not name:
        return None
    status = {c.get("code") for c in _codings(resource.get("clinicalStatus"))}
    return ConditionRead(
        name=name,
        onset=fhir_date(resource.get("onsetDateTime")),
        abated=fhir_date(resource.get("abatementDateTime")),
        active="active" in status,
    )


def plans_of(steps: Iterable[ReadStep]) -> tuple[PlanToAdd, ...]:
    """The export's steps grouped into their plans, oldest first. A plan ends the day after
    the last day of its last step that took effect; a step that never did (`cancelled`: its
    plan ended first) is left out, and so is a plan none of whose steps took effect."""
    grouped: dict[str, list[ReadStep]] = {}
    for step in sorted(steps, key=lambda step: step.start_date):
        if step.status != "cancelled":
            grouped.setdefault(step.plan, []).append(step)
    plans = []
    for key, rows in grouped.items():
        last = rows[-1].last_day
        plans.append(
            PlanToAdd(
                key=key,
                form=rows[0].form,
                release=rows[0].release,
                steps=tuple(StepToAdd(r.start_date, r.dose_mg, r.timing, r.frequency, r.note) for r in rows),
                ended_on=last + dt.timedelta(days=1) if last is not None else None,
            )
        )
    return tuple(plans)


def days_of(values: BundleValues) -> tuple[DayToAdd, ...]:
    """The reported doses, scores, sleep and side effects of each diary day, in date order."""
    doses = {dose.day: dose for dose in values.doses}
    scores: dict[dt.date, list[tuple[str, int]]] = {}
    sleep: dict[dt.date, int] = {}
    for score in values.scores:
        if score.code == SLEEP_QUALITY_CODE:
            sleep[score.day] = score.score
        else:
            scores.setdefault(score.day, []).append((score.name, score.score))
    effects: dict[dt.date, list[tuple[str, str, str]]] = {}
    for effect in values.side_effects:
        effects.setdefault(effect.day, []).append((effect.kind, effect.severity, effect.text))
    days = []
    for day in sorted({*doses, *scores, *sleep, *effects}):
        dose = doses.get(day)
        days.append(
            DayToAdd(
                day=day,
                dose_taken=dose is not None and dose.taken,
                dose_mg=dose.dose_mg if dose is not None and dose.taken else None,
                timing_taken=dose.timing if dose is not None and dose.taken else "",
                sleep_quality=sleep.get(day),
                scores=tuple(scores.get(day, ())),
                side_effects=tuple(effects.get(day, ())),
            )
        )
    return tuple(days)


def _is_listed_medication(resource: Mapping[str, Any]) -> bool:
    return any(
        _text(_dict(i).get("system")).endswith(MEDICATION_LIST_PATH)
        for i in _list(resource.get("identifier"))
    )


def read_patient(data: bytes) -> PatientRead:
    """One patient's Bundle as this app exported it, or a BundleProblem saying why not (too
    large, not JSON, not a Bundle, not one patient, not this app's export)."""
    document = _load(data)
    resources = _resources(document)
    label = _patient_label(resources)
    try:
        values = fhir_read_bundle(document)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, ArithmeticError) as error:
        raise BundleProblem(phrase(NOT_OUR_EXPORT, reason=_text(type(error).__name__))) from None
    conditions = [read_condition(r) for r in resources if r["resourceType"] == "Condition"]
    medications = [
        read_medication(r, {})
        for r in resources
        if r["resourceType"] == "MedicationStatement" and _is_listed_medication(r)
    ]
    labs = [read_lab(r) for r in resources if r["resourceType"] == "Observation" and _is_laboratory(r)]
    return PatientRead(
        label=label,
        conditions=tuple(c for c in conditions if c is not None),
        plans=plans_of(values.steps),
        days=days_of(values),
        medications=tuple(m for m in medications if isinstance(m, MedicationRead)),
        labs=tuple(lab for lab in labs if isinstance(lab, LabRead)),
    )


# --- matching a whole patient against the clinic ----------------------------------------------


@dataclass(frozen=True)
class PatientContext:
    """What a whole-patient import is matched against: the record codes of the clinic's
    patients, its lab tests and today."""

    codes: frozenset[str]
    tests: tuple[KnownTest, ...]
    today: dt.date


@dataclass(frozen=True)
class PatientImportPlan:
    """What importing the patient adds; `already_there` when the clinic has a patient of the
    record code (an import done before): then nothing is added."""

    label: str
    already_there: bool = False
    opened_on: dt.date | None = None
    conditions: tuple[ConditionRead, ...] = ()
    symptoms: tuple[str, ...] = ()
    plans: tuple[PlanToAdd, ...] = ()
    days: tuple[DayToAdd, ...] = ()
    record: ImportPlan = ImportPlan()

    @property
    def steps(self) -> int:
        return sum(len(plan.steps) for plan in self.plans)


def _refuse(message: str, **values: str) -> BundleProblem:
    return BundleProblem(phrase(message, **values))


def _dose_problem(dose: Decimal | None) -> bool:
    if dose is None:
        return False
    return not (0 < dose <= DOSE_MAX_MG) or -int(dose.normalize().as_tuple().exponent) > DOSE_DECIMALS


def _check_plans(plans: Sequence[PlanToAdd], window: DateWindow) -> None:
    """A plan is prescribed as a whole: one step the forms would refuse refuses the file."""
    if len(plans) > PATIENT_PLANS_MAX:
        raise _refuse(gettext_noop("More than {count} plans in one Bundle."), count=str(PATIENT_PLANS_MAX))
    for plan in plans:
        if len(plan.steps) > PLAN_STEPS_MAX:
            raise _refuse(gettext_noop("A plan of more than {count} steps."), count=str(PLAN_STEPS_MAX))
        for step in plan.steps:
            bad = (
                _dose_problem(step.dose_mg)
                or step.start_date not in window
                or step.timing not in PRESCRIBED_TIMINGS
                or step.frequency not in FREQUENCIES
                or len(step.note) > SIDE_EFFECT_TEXT_MAX_CHARS
            )
            if bad:
                raise _refuse(
                    gettext_noop(
                        "The dose step of {day}: a dose, date or timing outside the app's bounds "
                        "(more than 0 and at most {most} mg, within {window})."
                    ),
                    day=step.start_date.isoformat(),
                    most=f"{DOSE_MAX_MG}",
                    window=window.words,
                )


def _day_problem(day: DayToAdd, today: dt.date) -> bool:
    return (
        day.day not in TREATMENT_SPAN
        or day.day > today
        or _dose_problem(day.dose_mg)
        or (day.timing_taken not in ("", *TAKEN_TIMINGS))
        or any(not SCORE_MIN <= value <= SCORE_MAX for value in (day.sleep_quality,) if value is not None)
        or any(not SCORE_MIN <= score <= SCORE_MAX for _name, score in day.scores)
        or any(
            kind not in SIDE_EFFECTS or severity not in SEVERITIES or len(text) > SIDE_EFFECT_TEXT_MAX_CHARS
            for kind, severity, text in day.side_effects
        )
    )


def plan_patient_import(read: PatientRead, context: PatientContext) -> PatientImportPlan:
    """What importing `read` as a new patient adds: nothing when the clinic has the record code
    already; otherwise the conditions, tracked symptoms, plans, diary days, medicines and lab
    results, each within the bounds the forms apply (a day outside them is skipped with its
    reason; a plan or list outside them refuses the file)."""
    if read.label in context.codes:
        return PatientImportPlan(label=read.label, already_there=True)
    if len(read.label) > PATIENT_CODE_MAX_CHARS:
        raise _refuse(NOT_OUR_EXPORT, reason="record code too long")
    if len(read.conditions) > CONDITIONS_MAX or len(read.symptoms) > SYMPTOMS_MAX:
        raise _refuse(
            gettext_noop("More than {conditions} conditions or {symptoms} tracked symptoms."),
            conditions=str(CONDITIONS_MAX),
            symptoms=str(SYMPTOMS_MAX),
        )
    if any(len(name) > NAME_MAX_CHARS for name in (*(c.name for c in read.conditions), *read.symptoms)):
        raise _refuse(
            gettext_noop("A condition's or symptom's name is longer than {count} characters."),
            count=str(NAME_MAX_CHARS),
        )
    if len(read.days) > PATIENT_DAYS_MAX:
        raise _refuse(
            gettext_noop("More than {count} diary days in one Bundle."), count=str(PATIENT_DAYS_MAX)
        )
    opened_on = TREATMENT_SPAN.clamp(min(read.opened_on or context.today, context.today))
    _check_plans(read.plans, record_window(opened_on, context.today))
    days, skipped = [], []
    for day in read.days:
        if _day_problem(day, context.today):
            skipped.append(
                _skip(
                    f"day/{day.day.isoformat()}",
                    gettext_noop("The diary day {day}: a date, dose or score outside the app's bounds"),
                    day=day.day.isoformat(),
                )
            )
        else:
            days.append(day)
    listed = BundleRead(read.medications, read.labs, tuple(skipped))
    record = plan_import(
        listed,
        ImportContext(
            tests=context.tests,
            sample_window=sample_window(opened_on, context.today),
            taken_window=taken_window(context.today),
        ),
    )
    return PatientImportPlan(
        label=read.label,
        opened_on=opened_on,
        conditions=read.conditions,
        symptoms=read.symptoms,
        plans=read.plans,
        days=tuple(days),
        record=record,
    )


def patient_plan_state(plan: PatientImportPlan) -> dict[str, Any]:
    """The whole-patient plan as JSON-safe values, kept on the server between the preview and
    the confirmation (a year's diary is about 100 kB)."""
    return {
        "label": plan.label,
        "already_there": plan.already_there,
        "opened_on": _day(plan.opened_on),
        "conditions": [[c.name, _day(c.onset), _day(c.abated), c.active] for c in plan.conditions],
        "symptoms": list(plan.symptoms),
        "plans": [
            [
                p.key,
                p.form,
                p.release,
                _day(p.ended_on),
                [
                    [_day(s.start_date), _number_text(s.dose_mg), s.timing, s.frequency, s.note]
                    for s in p.steps
                ],
            ]
            for p in plan.plans
        ],
        "days": [
            [
                _day(d.day),
                d.dose_taken,
                _number_text(d.dose_mg),
                d.timing_taken,
                d.sleep_quality,
                [list(score) for score in d.scores],
                [list(effect) for effect in d.side_effects],
            ]
            for d in plan.days
        ],
        "record": plan_state(plan.record),
    }


def patient_plan_from_state(state: Mapping[str, Any]) -> PatientImportPlan:
    """The plan `patient_plan_state` kept."""
    return PatientImportPlan(
        label=state["label"],
        already_there=state["already_there"],
        opened_on=_date_or_none(state["opened_on"]),
        conditions=tuple(
            ConditionRead(name, _date_or_none(onset), _date_or_none(abated), active)
            for name, onset, abated, active in state["conditions"]
        ),
        symptoms=tuple(state["symptoms"]),
        plans=tuple(
            PlanToAdd(
                key,
                form,
                release,
                tuple(
                    StepToAdd(dt.date.fromisoformat(day), Decimal(dose), timing, frequency, note)
                    for day, dose, timing, frequency, note in steps
                ),
                _date_or_none(ended_on),
            )
            for key, form, release, ended_on, steps in state["plans"]
        ),
        days=tuple(
            DayToAdd(
                dt.date.fromisoformat(day),
                taken,
                _decimal_or_none(dose),
                timing,
                sleep,
                tuple((name, score) for name, score in scores),
                tuple((kind, severity, text) for kind, severity, text in effects),
            )
            for day, taken, dose, timing, sleep, scores, effects in state["days"]
        ),
        record=plan_from_state(state["record"]),
    )
