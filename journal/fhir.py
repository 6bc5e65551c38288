"""HL7 FHIR R4: a patient's record as FHIR resources, and the values read back from them.

Plain Python: the selector (`journal.selectors.fhir`) hands in a `PatientExport` of plain
values, and these functions return plain JSON dicts (no FHIR library at run time; the tests
validate every resource against the `fhir.resources` R4B models).

What is prescribed, on which days, with which words, comes from the `Schedule` (one truth);
whether a lab value is outside its range from `LabValue`; nothing here re-derives them.

Codes: LOINC where a code exists (pain severity 0–10, the built-in lab tests), UCUM for units,
SNOMED CT for severities and routes, RxNorm for naltrexone; the rest is the app's own
CodeSystem (`CODE_SYSTEM_PATH` under the server's base address), published in every export
(`code_system`) and listed in the README. A clinic's own symptoms are in a CodeSystem of the
clinic (`clinic_code_system`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from journal.caregiving import Logger
from journal.labs import LabValue
from journal.safety import SCREENING_QUESTIONS, MedicationPeriod, ScreeningAnswers
from journal.schedule import DAY, EVERY_OTHER_DAY, Dose, Schedule, StepState
from journal.vocabulary import SIDE_EFFECTS, TIMING_WORDS, format_mg

Resource = dict[str, Any]

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"

CODE_SYSTEM_ID = "ldn-journal"
CODE_SYSTEM_PATH = "/fhir/CodeSystem/ldn-journal"  # the canonical URL is the base address + this
CODE_SYSTEM_VERSION = "1"
PATIENT_CODE_PATH = "/fhir/sid/patient-code"  # the identifier system of the record code
PLAN_PATH = "/fhir/sid/plan"  # groups the MedicationRequests of one plan
MEDICATION_LIST_PATH = "/fhir/sid/medication"  # identifies a medicine of the patient's list

NALTREXONE = {"system": RXNORM, "code": "7243", "display": "naltrexone"}
PAIN_SEVERITY = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
# The catalogue's "Pain" is the 0–10 pain severity LOINC names; other symptoms have no LOINC code.
LOINC_SYMPTOMS = {"Pain": PAIN_SEVERITY}

# FHIR's event timing codes (`Timing.repeat.when`) for the plan's timings.
TIMING_CODES = {"bedtime": "HS", "morning": "MORN", "evening": "EVE"}
TIMING_OF_CODE = {code: timing for timing, code in TIMING_CODES.items()}

SEVERITY_CODES = {  # SNOMED CT qualifier values
    "mild": ("255604002", "Mild"),
    "moderate": ("6736007", "Moderate"),
    "severe": ("24484000", "Severe"),
}
ROUTES = {  # SNOMED CT route of administration, by the plan's form
    "capsule": ("26643006", "Oral route"),
    "liquid": ("26643006", "Oral route"),
    "cream": ("6064005", "Topical route"),
    "cream_ml": ("6064005", "Topical route"),
    "sublingual": ("37839007", "Sublingual route"),
}
FORM_WORDS = {
    "capsule": "capsule",
    "liquid": "liquid",
    "cream": "topical cream (clicks of a metered pump)",
    "cream_ml": "topical cream in mL",
    "sublingual": "sublingual",
    "other": "other",
}

# The built-in lab tests (`journal.catalogue.LAB_TESTS`) by key → LOINC.
LAB_LOINC = {
    "tsh": ("3016-3", "Thyrotropin [Units/volume] in Serum or Plasma"),
    "free_t4": ("14920-3", "Thyroxine (T4) free [Moles/volume] in Serum or Plasma"),
    "esr": ("30341-2", "Erythrocyte sedimentation rate"),
    "crp": ("1988-5", "C reactive protein [Mass/volume] in Serum or Plasma"),
    "tpo_antibodies": ("8099-4", "Thyroperoxidase Ab [Units/volume] in Serum or Plasma"),
}
# A laboratory's unit as typed → its UCUM code, where the two are known to be the same unit.
UCUM_UNITS = {
    "mg": "mg",
    "mIU/L": "m[IU]/L",
    "mU/L": "m[IU]/L",
    "µIU/mL": "u[IU]/mL",
    "uIU/mL": "u[IU]/mL",
    "pmol/L": "pmol/L",
    "nmol/L": "nmol/L",
    "ng/dL": "ng/dL",
    "ng/mL": "ng/mL",
    "pg/mL": "pg/mL",
    "mm/h": "mm/h",
    "mm/hr": "mm/h",
    "mg/L": "mg/L",
    "mg/dL": "mg/dL",
    "g/L": "g/L",
    "g/dL": "g/dL",
    "mmol/L": "mmol/L",
    "µmol/L": "umol/L",
    "umol/L": "umol/L",
    "IU/mL": "[IU]/mL",
    "IU/L": "[IU]/L",
    "U/L": "U/L",
    "kU/L": "k[IU]/L",
    "%": "%",
}

SLEEP_QUALITY_CODE = "sleep-quality"
SCREENING_PANEL_CODE = "screening"
OPIOID_USE_CODE = "screening-opioid-use-last-14-days"


def _code(text: str) -> str:
    """A code of the app's CodeSystem from a key or name: "vivid_dreams" → "vivid-dreams"."""
    return "-".join(text.lower().replace("_", " ").replace("/", " ").split())


def symptom_code(name: str) -> str:
    """The app's code for a catalogue symptom ("Brain fog" → "symptom-brain-fog")."""
    return f"symptom-{_code(name)}"


def side_effect_code(kind: str) -> str:
    return f"side-effect-{_code(kind)}"


def screening_code(field_name: str) -> str:
    return f"screening-{_code(field_name)}"


def form_code(form: str) -> str:
    return f"form-{_code(form)}"


def lab_code(key: str) -> str:
    return f"lab-{_code(key)}"


# --- plain records ------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A clinician as a Practitioner: the clinician's id and name."""

    pk: int
    name: str


@dataclass(frozen=True)
class SymptomItem:
    """A symptom as the export codes it: the catalogue's in the app's CodeSystem, a clinic's own
    (`clinic_id` set) in the clinic's."""

    pk: int
    name: str
    clinic_id: int | None = None


@dataclass(frozen=True)
class ConditionItem:
    pk: int
    name: str
    periods: tuple[tuple[dt.date, dt.date | None], ...] = ()  # (from, until), oldest first
    current: bool = True


@dataclass(frozen=True)
class DayLog:
    """One daily entry: the dose taken, the scores (by symptom id), sleep and side effects."""

    entry_id: int
    day: dt.date
    dose_taken: bool
    dose_mg: Decimal | None = None
    timing_taken: str = ""
    sleep_quality: int | None = None
    scores: Mapping[int, int] = field(default_factory=dict)
    side_effects: tuple[tuple[str, str, str], ...] = ()  # (kind, severity, other text)
    logged_at: dt.datetime | None = None
    logged_by: Logger = Logger.PATIENT


@dataclass(frozen=True)
class ListedMedication:
    """A medicine of the patient's list besides LDN: its name, dose as written, the days it
    was started and last taken (either may be unknown) and the day it was listed."""

    pk: int
    name: str
    dose_text: str = ""
    started_on: dt.date | None = None
    stopped_on: dt.date | None = None
    listed_on: dt.date | None = None

    @property
    def period(self) -> MedicationPeriod:
        return MedicationPeriod(self.name, self.dose_text, self.started_on, self.stopped_on, self.listed_on)


@dataclass(frozen=True)
class AnswerRecord:
    """One questionnaire answer: each question's text, the point chosen and its words."""

    pk: int
    day: dt.date
    questionnaire_id: int
    version: int
    title: str
    items: tuple[tuple[str, int, str], ...]  # (question, point, words)
    score: int
    answered_by: Logger = Logger.PATIENT


@dataclass(frozen=True)
class ScreeningRecord:
    pk: int
    at: dt.datetime
    answers: ScreeningAnswers
    screened_by: Person | None = None


@dataclass(frozen=True)
class AuditRecord:
    """One audit event: when, what kind (with its words), and who (a clinician, the patient or
    neither)."""

    pk: int
    at: dt.datetime
    kind: str
    kind_words: str
    clinician: Person | None = None
    by_patient: bool = False


@dataclass(frozen=True)
class PatientExport:
    """One patient's record as the FHIR export reads it."""

    pk: int
    label: str  # the record code (`Patient.export_label`)
    today: dt.date
    schedule: Schedule = field(default_factory=Schedule)
    prescribers: Mapping[int, Person] = field(default_factory=dict)  # plan id → prescriber
    name: str = ""  # only when the clinic identifies patients in its exports
    birth_date: dt.date | None = None  # likewise
    conditions: tuple[ConditionItem, ...] = ()
    medications: tuple[ListedMedication, ...] = ()
    symptoms: Mapping[int, SymptomItem] = field(default_factory=dict)
    days: tuple[DayLog, ...] = ()
    labs: tuple[LabValue, ...] = ()
    answers: tuple[AnswerRecord, ...] = ()
    screening: ScreeningRecord | None = None
    audit: tuple[AuditRecord, ...] = ()


# --- small pieces -------------------------------------------------------------------------


def _ref(kind: str, pk: object) -> dict[str, str]:
    return {"reference": f"{kind}/{pk}"}


def _reporter(record: PatientExport, logger: Logger) -> dict[str, str]:
    """Who reported a diary day or answered a questionnaire: the patient, or their caregiver
    (a proxy's report; the export names no caregiver, as it names no patient)."""
    if logger is Logger.PATIENT:
        return _ref("Patient", record.pk)
    return {"type": "RelatedPerson", "display": "caregiver"}


def practitioner_id(pk: int) -> str:
    return f"clinician-{pk}"


def _number(value: Decimal) -> int | float:
    """A Decimal as a JSON number, without an exponent or trailing zeros."""
    text = format_mg(value)
    return int(text) if "." not in text else float(text)


def ucum_quantity(value: Decimal, unit: str) -> dict[str, Any]:
    """A Quantity: with UCUM's system and code where the unit is one UCUM knows, else the unit
    as the laboratory printed it."""
    quantity: dict[str, Any] = {"value": _number(value)}
    if unit:
        quantity["unit"] = unit
    if (code := UCUM_UNITS.get(unit.strip())) is not None:
        quantity["system"] = UCUM
        quantity["code"] = code
    return quantity


def mg(value: Decimal) -> dict[str, Any]:
    return ucum_quantity(value, "mg")


def timing_repeat(timing: str, frequency: str) -> dict[str, Any]:
    """`Timing.repeat` for a step: once a day (or once in 2 days for every other day), at bedtime
    (`HS`) or in the morning (`MORN`)."""
    repeat: dict[str, Any] = {
        "frequency": 1,
        "period": 2 if frequency == EVERY_OTHER_DAY else 1,
        "periodUnit": "d",
    }
    if timing in TIMING_CODES:
        repeat["when"] = [TIMING_CODES[timing]]
    return repeat


class Coder:
    """Codings in the app's CodeSystem and the clinic's, under one base address."""

    def __init__(self, base: str, clinic_id: int | None = None):
        self.base = base.rstrip("/")
        self.system = self.base + CODE_SYSTEM_PATH
        self.clinic_id = clinic_id

    def clinic_system(self, clinic_id: int) -> str:
        return f"{self.system}-clinic-{clinic_id}"

    def coding(self, code: str, display: str) -> dict[str, str]:
        return {"system": self.system, "code": code, "display": display}

    def symptom(self, symptom: SymptomItem) -> dict[str, Any]:
        if symptom.clinic_id is not None:
            own = {
                "system": self.clinic_system(symptom.clinic_id),
                "code": f"symptom-{symptom.pk}",
                "display": symptom.name,
            }
            return {"coding": [own], "text": symptom.name}
        codings = [self.coding(symptom_code(symptom.name), symptom.name)]
        if symptom.name in LOINC_SYMPTOMS:
            codings.insert(0, LOINC_SYMPTOMS[symptom.name])
        return {"coding": codings, "text": symptom.name}


def _category(code: str, display: str) -> list[dict[str, Any]]:
    return [{"coding": [{"system": OBSERVATION_CATEGORY, "code": code, "display": display}]}]


# --- the CodeSystems ----------------------------------------------------------------------


@dataclass(frozen=True)
class Catalogue:
    """The shared catalogue's symptom names and built-in lab tests as (key, name), in the
    catalogue's order (`journal.catalogue`, which the selector reads)."""

    symptoms: tuple[str, ...] = ()
    lab_tests: tuple[tuple[str, str], ...] = ()


def code_system_concepts(catalogue: Catalogue) -> list[tuple[str, str]]:
    """Every code of the app's CodeSystem with its display: the catalogue's symptoms, sleep
    quality, the side effects, the plan's forms, the screening's questions and the built-in lab
    tests. Codes are never renamed or reused: a new code is added at the end of its group."""
    concepts = [(symptom_code(name), name) for name in catalogue.symptoms]
    concepts.append((SLEEP_QUALITY_CODE, "Sleep quality (0 very badly … 10 very well)"))
    concepts += [(side_effect_code(kind), effect.label) for kind, effect in SIDE_EFFECTS.items()]
    concepts += [(form_code(form), words) for form, words in FORM_WORDS.items()]
    concepts.append((SCREENING_PANEL_CODE, "LDN safety screening"))
    concepts.append((OPIOID_USE_CODE, "Opioid use in the last 14 days"))
    concepts += [(screening_code(question.field), question.label) for question in SCREENING_QUESTIONS]
    concepts += [(lab_code(key), name) for key, name in catalogue.lab_tests]
    return concepts


def code_system(base: str, catalogue: Catalogue) -> Resource:
    """The app's own CodeSystem, published in every export at its canonical URL."""
    coder = Coder(base)
    return {
        "resourceType": "CodeSystem",
        "id": CODE_SYSTEM_ID,
        "url": coder.system,
        "version": CODE_SYSTEM_VERSION,
        "name": "LdnJournal",
        "title": "LDN Journal codes",
        "status": "active",
        "content": "complete",
        "description": "Symptoms scored 0-10, sleep quality, side effects, plan forms, safety screening "
        "questions and built-in lab tests of LDN Journal.",
        "concept": [{"code": code, "display": display} for code, display in code_system_concepts(catalogue)],
    }


def clinic_code_system(
    base: str, clinic_id: int, clinic_name: str, symptoms: Iterable[SymptomItem]
) -> Resource:
    """The clinic's own symptoms, as a CodeSystem of the clinic (codes `symptom-<id>`)."""
    coder = Coder(base)
    return {
        "resourceType": "CodeSystem",
        "id": f"{CODE_SYSTEM_ID}-clinic-{clinic_id}",
        "url": coder.clinic_system(clinic_id),
        "name": f"LdnJournalClinic{clinic_id}",
        "title": f"{clinic_name}: own symptoms",
        "status": "active",
        "content": "complete",
        "concept": [
            {"code": f"symptom-{symptom.pk}", "display": symptom.name}
            for symptom in sorted(symptoms, key=lambda item: item.pk)
        ],
    }


# --- resources ----------------------------------------------------------------------------


def patient_resource(record: PatientExport, coder: Coder) -> Resource:
    """The Patient: pseudonymous (the record code as its identifier) unless a name is given."""
    resource: Resource = {
        "resourceType": "Patient",
        "id": str(record.pk),
        "identifier": [{"system": coder.base + PATIENT_CODE_PATH, "value": record.label}],
    }
    if record.name:
        resource["name"] = [{"text": record.name}]
    if record.birth_date is not None:
        resource["birthDate"] = record.birth_date.isoformat()
    return resource


def practitioner_resource(person: Person) -> Resource:
    return {"resourceType": "Practitioner", "id": practitioner_id(person.pk), "name": [{"text": person.name}]}


def condition_resources(record: PatientExport) -> list[Resource]:
    resources = []
    for condition in record.conditions:
        resource: Resource = {
            "resourceType": "Condition",
            "id": f"condition-{record.pk}-{condition.pk}",
            "clinicalStatus": {
                "coding": [
                    {"system": CONDITION_CLINICAL, "code": "active" if condition.current else "inactive"}
                ]
            },
            "code": {"text": condition.name},
            "subject": _ref("Patient", record.pk),
        }
        if condition.periods:
            resource["onsetDateTime"] = condition.periods[0][0].isoformat()
            stopped = condition.periods[-1][1]
            if not condition.current and stopped is not None:
                resource["abatementDateTime"] = stopped.isoformat()
        resources.append(resource)
    return resources


STEP_STATUS = {
    StepState.PAST: "completed",
    StepState.ENDED: "completed",
    StepState.NOW: "active",
    StepState.UPCOMING: "active",
    StepState.PAUSED: "on-hold",
    StepState.REPLACED: "cancelled",
}


def step_id(dose: Dose) -> str:
    return (
        f"step-{dose.step_id}"
        if dose.step_id is not None
        else f"step-{dose.plan_id}-{dose.start_date:%Y%m%d}"
    )


def _medication(dose: Dose, coder: Coder) -> Resource:
    """The LDN the step prescribes, with its form and compounding (contained in the request)."""
    return {
        "resourceType": "Medication",
        "id": "ldn",
        "code": {"coding": [NALTREXONE], "text": f"low-dose naltrexone, {dose.release}-release"},
        "form": {
            "coding": [coder.coding(form_code(dose.form), FORM_WORDS.get(dose.form, dose.form))],
            "text": FORM_WORDS.get(dose.form, dose.form),
        },
    }


def validity(dose: Dose) -> dict[str, str]:
    """The days the step is in force: from its start to the day before the next step or the
    plan's end (open while in force until further notice, and for a step that never took effect:
    its request is `cancelled`)."""
    period = {"start": dose.start_date.isoformat()}
    if dose.until is not None and dose.takes_effect:
        period["end"] = (dose.until - DAY).isoformat()
    return period


def medication_request(record: PatientExport, dose: Dose, coder: Coder) -> Resource:
    """One dose step as a MedicationRequest: mg in UCUM, `HS`/`MORN`, every other day as once in
    2 days, the form, the days it is in force and who prescribed it."""
    dosage: dict[str, Any] = {
        "text": dose.measured_phrase,
        "timing": {"repeat": {**timing_repeat(dose.timing, dose.frequency), "boundsPeriod": validity(dose)}},
        "doseAndRate": [{"doseQuantity": mg(dose.dose_mg)}],
    }
    if dose.form in ROUTES:
        code, display = ROUTES[dose.form]
        dosage["route"] = {"coding": [{"system": SNOMED, "code": code, "display": display}]}
    resource: Resource = {
        "resourceType": "MedicationRequest",
        "id": step_id(dose),
        "contained": [_medication(dose, coder)],
        "status": STEP_STATUS[record.schedule.step_state(dose, record.today)],
        "intent": "order",
        "groupIdentifier": {"system": coder.base + PLAN_PATH, "value": str(dose.plan_id)},
        "medicationReference": {"reference": "#ldn"},
        "subject": _ref("Patient", record.pk),
        "dosageInstruction": [dosage],
        "dispenseRequest": {"validityPeriod": validity(dose)},
    }
    if (prescriber := record.prescribers.get(dose.plan_id)) is not None:
        resource["requester"] = _ref("Practitioner", practitioner_id(prescriber.pk))
    if dose.note:
        resource["note"] = [{"text": dose.note}]
    return resource


def medication_statement(record: PatientExport, log: DayLog) -> Resource:
    """What the patient reported of the day's dose: taken (with the mg and when, if given) or
    not taken, based on the step they were on that day."""
    resource: Resource = {
        "resourceType": "MedicationStatement",
        "id": f"dose-{log.entry_id}",
        "status": "completed" if log.dose_taken else "not-taken",
        "medicationCodeableConcept": {"coding": [NALTREXONE], "text": "low-dose naltrexone"},
        "subject": _ref("Patient", record.pk),
        "effectiveDateTime": log.day.isoformat(),
        "informationSource": _reporter(record, log.logged_by),
    }
    if log.logged_at is not None:
        resource["dateAsserted"] = log.logged_at.isoformat()
    if (step := record.schedule.step_on(log.day)) is not None:
        resource["basedOn"] = [_ref("MedicationRequest", step_id(step))]
    if log.dose_taken:
        dosage: dict[str, Any] = {}
        if log.timing_taken in TIMING_CODES:
            dosage["timing"] = {"repeat": {"when": [TIMING_CODES[log.timing_taken]]}}
        elif log.timing_taken:
            dosage["text"] = TIMING_WORDS.get(log.timing_taken, log.timing_taken)
        if log.dose_mg is not None:
            dosage["doseAndRate"] = [{"doseQuantity": mg(log.dose_mg)}]
        if dosage:
            resource["dosage"] = [dosage]
    return resource


def _medication_status(period: MedicationPeriod, day: dt.date) -> str:
    if period.taken_on(day):
        return "active"
    return "completed" if period.stopped_on is not None else "intended"


def listed_medication_statement(record: PatientExport, item: ListedMedication, coder: Coder) -> Resource:
    """A medicine of the patient's list as a MedicationStatement: active while it is taken on
    the export's day (its last day taken included, as on every other surface), with the days it
    was taken and its dose as the list writes it."""
    resource: Resource = {
        "resourceType": "MedicationStatement",
        "id": f"medication-{item.pk}",
        "identifier": [{"system": coder.base + MEDICATION_LIST_PATH, "value": str(item.pk)}],
        "status": _medication_status(item.period, record.today),
        "medicationCodeableConcept": {"text": item.name},
        "subject": _ref("Patient", record.pk),
    }
    period = {}
    if item.started_on is not None:
        period["start"] = item.started_on.isoformat()
    if item.stopped_on is not None:
        period["end"] = item.stopped_on.isoformat()
    if period:
        resource["effectivePeriod"] = period
    if item.dose_text:
        resource["dosage"] = [{"text": item.dose_text}]
    return resource


def _score_observation(
    record: PatientExport, log: DayLog, resource_id: str, code: dict[str, Any], score: int
) -> Resource:
    return {
        "resourceType": "Observation",
        "id": resource_id,
        "status": "final",
        "category": _category("survey", "Survey"),
        "code": code,
        "subject": _ref("Patient", record.pk),
        "effectiveDateTime": log.day.isoformat(),
        "performer": [_reporter(record, log.logged_by)],
        "valueInteger": score,
    }


def score_observations(record: PatientExport, log: DayLog, coder: Coder) -> list[Resource]:
    """Each 0–10 score of the day (LOINC 72514-3 for pain), then sleep quality."""
    resources = [
        _score_observation(
            record,
            log,
            f"score-{log.entry_id}-{symptom_id}",
            coder.symptom(record.symptoms[symptom_id]),
            score,
        )
        for symptom_id, score in sorted(log.scores.items())
        if symptom_id in record.symptoms
    ]
    if log.sleep_quality is not None:
        sleep = {"coding": [coder.coding(SLEEP_QUALITY_CODE, "Sleep quality")], "text": "Sleep quality"}
        resources.append(_score_observation(record, log, f"sleep-{log.entry_id}", sleep, log.sleep_quality))
    return resources


def side_effect_observations(record: PatientExport, log: DayLog, coder: Coder) -> list[Resource]:
    """Each side effect the patient reported that day, its severity a SNOMED CT qualifier."""
    resources = []
    for kind, severity, text in log.side_effects:
        label = SIDE_EFFECTS[kind].label if kind in SIDE_EFFECTS else kind
        code, display = SEVERITY_CODES[severity]
        resource: Resource = {
            "resourceType": "Observation",
            "id": f"side-effect-{log.entry_id}-{_code(kind)}",
            "status": "final",
            "category": _category("survey", "Survey"),
            "code": {"coding": [coder.coding(side_effect_code(kind), label)], "text": label},
            "subject": _ref("Patient", record.pk),
            "effectiveDateTime": log.day.isoformat(),
            "performer": [_reporter(record, log.logged_by)],
            "valueCodeableConcept": {
                "coding": [{"system": SNOMED, "code": code, "display": display}],
                "text": severity,
            },
        }
        if text:
            resource["note"] = [{"text": text}]
        resources.append(resource)
    return resources


def lab_observation(record: PatientExport, result: LabValue, coder: Coder) -> Resource:
    """A lab result: the value in the laboratory's unit (UCUM where known), its own reference
    range, the sample's date, and H/L when outside the range."""
    codings = []
    if result.key in LAB_LOINC:
        code, display = LAB_LOINC[result.key]
        codings.append({"system": LOINC, "code": code, "display": display})
    if result.key:
        codings.append(coder.coding(lab_code(result.key), result.test))
    resource: Resource = {
        "resourceType": "Observation",
        "id": f"lab-{result.result_id}",
        "status": "final",
        "category": _category("laboratory", "Laboratory"),
        "code": {"coding": codings, "text": result.test} if codings else {"text": result.test},
        "subject": _ref("Patient", record.pk),
        "effectiveDateTime": result.day.isoformat(),
        "valueQuantity": ucum_quantity(result.value, result.unit),
    }
    reference: dict[str, Any] = {}
    if result.low is not None:
        reference["low"] = ucum_quantity(result.low, result.unit)
    if result.high is not None:
        reference["high"] = ucum_quantity(result.high, result.unit)
    if reference:
        resource["referenceRange"] = [reference]
    if result.below_range or result.above_range:
        flag = ("L", "Low") if result.below_range else ("H", "High")
        resource["interpretation"] = [
            {"coding": [{"system": INTERPRETATION, "code": flag[0], "display": flag[1]}]}
        ]
    if result.laboratory:
        resource["performer"] = [{"display": result.laboratory}]
    return resource


def questionnaire_url(coder: Coder, answer: AnswerRecord) -> str:
    return f"{coder.base}/fhir/Questionnaire/{answer.questionnaire_id}|{answer.version}"


def questionnaire_response(record: PatientExport, answer: AnswerRecord, coder: Coder) -> Resource:
    """A questionnaire answer: each question with the point chosen and its words."""
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"answer-{answer.pk}",
        "questionnaire": questionnaire_url(coder, answer),
        "status": "completed",
        "subject": _ref("Patient", record.pk),
        "authored": answer.day.isoformat(),
        "source": _reporter(record, answer.answered_by),
        "item": [
            {
                "linkId": str(number),
                "text": question,
                "answer": [{"valueCoding": {"code": str(point), "display": words}}],
            }
            for number, (question, point, words) in enumerate(answer.items, start=1)
        ],
    }


def screening_observations(record: PatientExport, coder: Coder) -> list[Resource]:
    """The latest safety screening: a panel Observation with one member per question (yes/no);
    opioid use in the last 14 days also names the opioids and the day they were stopped."""
    screening = record.screening
    if screening is None:
        return []
    answers = screening.answers
    common: Resource = {
        "resourceType": "Observation",
        "status": "final",
        "category": _category("survey", "Survey"),
        "subject": _ref("Patient", record.pk),
        "effectiveDateTime": screening.at.isoformat(),
    }
    if screening.screened_by is not None:
        common["performer"] = [_ref("Practitioner", practitioner_id(screening.screened_by.pk))]
    opioid_use: Resource = {
        **common,
        "id": f"screening-{screening.pk}-opioid-use",
        "code": {"coding": [coder.coding(OPIOID_USE_CODE, "Opioid use in the last 14 days")]},
        "valueBoolean": answers.opioid_use_last_14_days,
    }
    notes = []
    if answers.opioid_names:
        notes.append({"text": f"Opioids: {answers.opioid_names}"})
    if answers.opioid_stopped_on is not None:
        notes.append({"text": f"Stopped on {answers.opioid_stopped_on.isoformat()}"})
    if notes:
        opioid_use["note"] = notes
    members = [opioid_use] + [
        {
            **common,
            "id": f"screening-{screening.pk}-{_code(question.field)}",
            "code": {"coding": [coder.coding(screening_code(question.field), question.label)]},
            "valueBoolean": question.field in answers.yes,
        }
        for question in SCREENING_QUESTIONS
    ]
    panel: Resource = {
        **common,
        "id": f"screening-{screening.pk}",
        "code": {"coding": [coder.coding(SCREENING_PANEL_CODE, "LDN safety screening")]},
        "hasMember": [_ref("Observation", member["id"]) for member in members],
    }
    return [panel, *members]


def provenance(record: PatientExport, event: AuditRecord) -> Resource:
    """An audit event as a Provenance of the patient's record: when, what, and who."""
    if event.clinician is not None:
        who: dict[str, str] = _ref("Practitioner", practitioner_id(event.clinician.pk))
    elif event.by_patient:
        who = _ref("Patient", record.pk)
    else:
        who = {"display": "LDN Journal"}
    return {
        "resourceType": "Provenance",
        "id": f"audit-{event.pk}",
        "target": [_ref("Patient", record.pk)],
        "recorded": event.at.isoformat(),
        "activity": {"text": event.kind_words},
        "agent": [{"who": who}],
    }


def practitioners(record: PatientExport) -> list[Person]:
    """The clinicians the record's resources refer to, each once, by id."""
    people = {person.pk: person for person in record.prescribers.values()}
    if record.screening is not None and record.screening.screened_by is not None:
        people[record.screening.screened_by.pk] = record.screening.screened_by
    for event in record.audit:
        if event.clinician is not None:
            people[event.clinician.pk] = event.clinician
    return [people[pk] for pk in sorted(people)]


def record_resources(record: PatientExport, base: str) -> Iterator[Resource]:
    """Every resource of one patient's record (without the CodeSystems and Practitioners, which
    `patient_bundle_resources` and the clinic export add once)."""
    coder = Coder(base)
    yield patient_resource(record, coder)
    yield from condition_resources(record)
    for dose in record.schedule.doses:
        yield medication_request(record, dose, coder)
    for item in record.medications:
        yield listed_medication_statement(record, item, coder)
    for log in record.days:
        yield medication_statement(record, log)
        yield from score_observations(record, log, coder)
        yield from side_effect_observations(record, log, coder)
    for result in record.labs:
        yield lab_observation(record, result, coder)
    for answer in record.answers:
        yield questionnaire_response(record, answer, coder)
    yield from screening_observations(record, coder)
    for event in record.audit:
        yield provenance(record, event)


def clinic_symptoms(records: Iterable[PatientExport]) -> list[SymptomItem]:
    found = {
        symptom.pk: symptom
        for record in records
        for symptom in record.symptoms.values()
        if symptom.clinic_id is not None
    }
    return [found[pk] for pk in sorted(found)]


def patient_bundle_resources(
    record: PatientExport, base: str, catalogue: Catalogue, *, clinic_id: int, clinic_name: str
) -> list[Resource]:
    """One patient's resources with what they refer to: the CodeSystems and the Practitioners."""
    resources = [code_system(base, catalogue)]
    if own := clinic_symptoms([record]):
        resources.append(clinic_code_system(base, clinic_id, clinic_name, own))
    resources += [practitioner_resource(person) for person in practitioners(record)]
    resources += record_resources(record, base)
    return resources


def bundle(resources: Sequence[Resource], base: str, timestamp: dt.datetime) -> Resource:
    """A Bundle of type "collection", each entry with its full URL under the base address."""
    root = base.rstrip("/") + "/fhir"
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": timestamp.isoformat(),
        "entry": [
            {"fullUrl": f"{root}/{resource['resourceType']}/{resource['id']}", "resource": resource}
            for resource in resources
        ],
    }


def ndjson_line(resource: Resource) -> str:
    """One resource as one line of NDJSON (Bulk Data): compact JSON, no line break inside."""
    return json.dumps(resource, ensure_ascii=False, separators=(",", ":")) + "\n"


# --- reading a Bundle back ----------------------------------------------------------------


@dataclass(frozen=True)
class ReadStep:
    """A dose step as read from a MedicationRequest."""

    start_date: dt.date
    last_day: dt.date | None  # the last day in force; None: until further notice
    dose_mg: Decimal
    timing: str
    frequency: str
    form: str
    plan: str  # the plan's identifier in the export
    release: str = "immediate"  # or "slow"
    note: str = ""
    status: str = ""  # the request's: "cancelled" for a step that never took effect


@dataclass(frozen=True)
class ReadDose:
    """A day's reported dose as read from a MedicationStatement."""

    day: dt.date
    taken: bool
    dose_mg: Decimal | None
    timing: str  # "bedtime", "morning", "evening", "other", or "" when not given


@dataclass(frozen=True)
class ReadScore:
    day: dt.date
    name: str
    score: int
    code: str = ""  # the app's or the clinic's code, LOINC's for pain


@dataclass(frozen=True)
class ReadSideEffect:
    day: dt.date
    kind: str  # a key of `SIDE_EFFECTS`
    severity: str
    text: str = ""  # what the patient typed for "other"


@dataclass(frozen=True)
class ReadLab:
    day: dt.date
    test: str
    value: Decimal
    unit: str
    low: Decimal | None
    high: Decimal | None


@dataclass(frozen=True)
class BundleValues:
    """What a Bundle says of one patient's plan, doses, scores and labs, as plain values."""

    steps: tuple[ReadStep, ...] = ()
    doses: tuple[ReadDose, ...] = ()
    scores: tuple[ReadScore, ...] = ()
    labs: tuple[ReadLab, ...] = ()
    side_effects: tuple[ReadSideEffect, ...] = ()


FORM_OF_CODE = {form_code(form): form for form in FORM_WORDS}
SIDE_EFFECT_OF_CODE = {side_effect_code(kind): kind for kind in SIDE_EFFECTS}
TIMING_OF_WORDS = {words: timing for timing, words in TIMING_WORDS.items()}
RELEASE_OF_TEXT = {"immediate-release": "immediate", "slow-release": "slow"}


def _decimal(value: object) -> Decimal:
    return Decimal(str(value))


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value[:10])


def _read_step(resource: Resource) -> ReadStep:
    dosage = resource["dosageInstruction"][0]
    repeat = dosage["timing"]["repeat"]
    period = resource["dispenseRequest"]["validityPeriod"]
    forms = [
        coding["code"]
        for contained in resource.get("contained", [])
        for coding in contained.get("form", {}).get("coding", [])
    ]
    medication_text = next((c.get("code", {}).get("text", "") for c in resource.get("contained", [])), "")
    return ReadStep(
        start_date=_day(period["start"]),
        last_day=_day(period["end"]) if "end" in period else None,
        dose_mg=_decimal(dosage["doseAndRate"][0]["doseQuantity"]["value"]),
        timing=TIMING_OF_CODE.get((repeat.get("when") or [""])[0], ""),
        frequency=EVERY_OTHER_DAY if repeat.get("period") == 2 else "daily",
        form=next((FORM_OF_CODE[code] for code in forms if code in FORM_OF_CODE), "other"),
        plan=resource.get("groupIdentifier", {}).get("value", ""),
        release=next(
            (r for text, r in RELEASE_OF_TEXT.items() if medication_text.endswith(text)), "immediate"
        ),
        note=" ".join(note.get("text", "") for note in resource.get("note", [])),
        status=resource.get("status", ""),
    )


def _read_dose(resource: Resource) -> ReadDose:
    dosage = (resource.get("dosage") or [{}])[0]
    when = dosage.get("timing", {}).get("repeat", {}).get("when") or [""]
    quantity = (dosage.get("doseAndRate") or [{}])[0].get("doseQuantity")
    return ReadDose(
        day=_day(resource["effectiveDateTime"]),
        taken=resource["status"] == "completed",
        dose_mg=_decimal(quantity["value"]) if quantity else None,
        timing=TIMING_OF_CODE.get(when[0], "") or TIMING_OF_WORDS.get(dosage.get("text", ""), ""),
    )


def _read_side_effect(resource: Resource) -> ReadSideEffect | None:
    """A side effect of the app's CodeSystem with its severity; None for another survey answer."""
    codes = [coding.get("code", "") for coding in resource["code"].get("coding", [])]
    kind = next((SIDE_EFFECT_OF_CODE[code] for code in codes if code in SIDE_EFFECT_OF_CODE), None)
    if kind is None:
        return None
    return ReadSideEffect(
        day=_day(resource["effectiveDateTime"]),
        kind=kind,
        severity=resource["valueCodeableConcept"].get("text", ""),
        text=" ".join(note.get("text", "") for note in resource.get("note", [])),
    )


def _read_lab(resource: Resource) -> ReadLab:
    quantity = resource["valueQuantity"]
    reference = (resource.get("referenceRange") or [{}])[0]
    return ReadLab(
        day=_day(resource["effectiveDateTime"]),
        test=resource["code"]["text"],
        value=_decimal(quantity["value"]),
        unit=quantity.get("unit", ""),
        low=_decimal(reference["low"]["value"]) if "low" in reference else None,
        high=_decimal(reference["high"]["value"]) if "high" in reference else None,
    )


def _listed_medication(resource: Resource) -> bool:
    """A medicine of the patient's list (`listed_medication_statement`), not a reported dose."""
    return any(
        identifier.get("system", "").endswith(MEDICATION_LIST_PATH)
        for identifier in resource.get("identifier", [])
    )


def _categories(resource: Resource) -> set[str]:
    return {coding.get("code") for item in resource.get("category", []) for coding in item.get("coding", [])}


def read_bundle(bundle: Resource) -> BundleValues:
    """The plan steps (MedicationRequest), reported doses (MedicationStatement), 0–10 scores
    (survey Observations with a whole number), side effects (survey Observations with a
    severity) and lab results (laboratory Observations with a quantity) of a Bundle, each in
    date order. Other resources are left alone."""
    steps, doses, scores, labs, side_effects = [], [], [], [], []
    for entry in bundle.get("entry", []):
        resource = entry.get("resource", {})
        kind = resource.get("resourceType")
        if kind == "MedicationRequest":
            steps.append(_read_step(resource))
        elif kind == "MedicationStatement" and not _listed_medication(resource):
            doses.append(_read_dose(resource))
        elif kind == "Observation" and "survey" in _categories(resource) and "valueInteger" in resource:
            day = _day(resource["effectiveDateTime"])
            code = next((c.get("code", "") for c in resource["code"].get("coding", [])), "")
            scores.append(ReadScore(day, resource["code"]["text"], resource["valueInteger"], code))
        elif (
            kind == "Observation" and "survey" in _categories(resource) and "valueCodeableConcept" in resource
        ):
            if (effect := _read_side_effect(resource)) is not None:
                side_effects.append(effect)
        elif kind == "Observation" and "laboratory" in _categories(resource) and "valueQuantity" in resource:
            labs.append(_read_lab(resource))
    return BundleValues(
        steps=tuple(sorted(steps, key=lambda step: step.start_date)),
        doses=tuple(sorted(doses, key=lambda dose: dose.day)),
        scores=tuple(sorted(scores, key=lambda score: (score.day, score.name))),
        labs=tuple(sorted(labs, key=lambda lab: (lab.day, lab.test))),
        side_effects=tuple(sorted(side_effects, key=lambda effect: (effect.day, effect.kind))),
    )
