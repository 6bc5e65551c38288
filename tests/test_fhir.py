"""journal.fhir: FHIR R4 resources from plain values — timing codes, every other day, UCUM
units, lab ranges, the CodeSystem — each resource checked against the R4B models."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from fhir.resources.R4B import get_fhir_model_class

from journal import fhir
from journal.caregiving import Logger
from journal.labs import LabValue
from journal.safety import ScreeningAnswers
from journal.schedule import PlannedStep, PlanRecord, Schedule

BASE = "https://clinic.example.org"
D = dt.date
CATALOGUE = fhir.Catalogue(symptoms=("Pain", "Fatigue", "Brain fog"), lab_tests=(("tsh", "TSH"),))


def valid(resource: dict) -> dict:
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return resource


def record(*steps: PlannedStep, form: str = "capsule", **values) -> fhir.PatientExport:
    plan = PlanRecord(plan_id=7, steps=steps, form=form, strength_mg=Decimal("1.5"))
    return fhir.PatientExport(
        pk=3,
        label="RLC-3",
        today=D(2026, 3, 1),
        schedule=Schedule([plan]),
        prescribers={7: fhir.Person(11, "Sam Rivera")},
        **values,
    )


def requests(export: fhir.PatientExport) -> list[dict]:
    return [fhir.medication_request(export, dose, fhir.Coder(BASE)) for dose in export.schedule.doses]


@pytest.mark.parametrize(
    ("timing", "frequency", "repeat"),
    [
        ("bedtime", "daily", {"frequency": 1, "period": 1, "periodUnit": "d", "when": ["HS"]}),
        ("morning", "daily", {"frequency": 1, "period": 1, "periodUnit": "d", "when": ["MORN"]}),
        ("bedtime", "every_other_day", {"frequency": 1, "period": 2, "periodUnit": "d", "when": ["HS"]}),
        ("morning", "every_other_day", {"frequency": 1, "period": 2, "periodUnit": "d", "when": ["MORN"]}),
        ("evening", "daily", {"frequency": 1, "period": 1, "periodUnit": "d", "when": ["EVE"]}),  # a cream
    ],
)
def test_timing_codes_and_every_other_day(timing, frequency, repeat):
    assert fhir.timing_repeat(timing, frequency) == repeat


@pytest.mark.parametrize(
    ("unit", "quantity"),
    [
        ("mg", {"value": 3, "unit": "mg", "system": fhir.UCUM, "code": "mg"}),
        ("mIU/L", {"value": 3, "unit": "mIU/L", "system": fhir.UCUM, "code": "m[IU]/L"}),
        ("IU/mL", {"value": 3, "unit": "IU/mL", "system": fhir.UCUM, "code": "[IU]/mL"}),
        ("mm/h", {"value": 3, "unit": "mm/h", "system": fhir.UCUM, "code": "mm/h"}),
        ("µmol/L", {"value": 3, "unit": "µmol/L", "system": fhir.UCUM, "code": "umol/L"}),
        ("titre", {"value": 3, "unit": "titre"}),  # not a unit UCUM knows: as printed, no code
        ("", {"value": 3}),
    ],
)
def test_units_are_ucum_where_known(unit, quantity):
    assert fhir.ucum_quantity(Decimal("3.000"), unit) == quantity


@pytest.mark.parametrize(
    ("dose", "number"), [(Decimal("4.500"), 4.5), (Decimal("0.125"), 0.125), (Decimal("3.000"), 3)]
)
def test_a_dose_is_written_as_a_plain_number_of_mg(dose, number):
    assert fhir.mg(dose)["value"] == number


def test_each_step_is_a_request_in_force_from_its_start_to_the_day_before_the_next():
    export = record(
        PlannedStep(D(2026, 1, 1), Decimal("1.5"), step_id=1),
        PlannedStep(D(2026, 2, 1), Decimal("3"), "morning", step_id=2, frequency="every_other_day"),
    )
    first, second = (valid(request) for request in requests(export))
    assert first["id"] == "step-1" and first["status"] == "completed"
    assert first["dispenseRequest"]["validityPeriod"] == {"start": "2026-01-01", "end": "2026-01-31"}
    assert second["status"] == "active" and second["dispenseRequest"]["validityPeriod"] == {
        "start": "2026-02-01"
    }
    repeat = second["dosageInstruction"][0]["timing"]["repeat"]
    assert (repeat["when"], repeat["period"]) == (["MORN"], 2)
    assert second["requester"] == {"reference": "Practitioner/clinician-11"}
    assert second["groupIdentifier"]["value"] == "7"
    assert first["dosageInstruction"][0]["text"] == "1 capsule = 1.5 mg at bedtime"
    assert first["contained"][0]["form"]["coding"][0]["code"] == "form-capsule"
    assert first["dosageInstruction"][0]["route"]["coding"][0]["code"] == "26643006"


def test_a_step_replaced_before_it_began_is_a_cancelled_request_with_no_end_before_its_start():
    export = record(
        PlannedStep(D(2026, 1, 1), Decimal("1.5"), step_id=1),
        PlannedStep(D(2026, 2, 1), Decimal("3"), step_id=2),
        PlannedStep(D(2026, 2, 1), Decimal("2"), step_id=3),  # the same day: one of the two never begins
    )
    cancelled = [request for request in map(valid, requests(export)) if request["status"] == "cancelled"]
    assert len(cancelled) == 1 and cancelled[0]["dispenseRequest"]["validityPeriod"] == {
        "start": "2026-02-01"
    }


@pytest.mark.parametrize(
    ("form", "route"),
    [("cream", "6064005"), ("sublingual", "37839007"), ("liquid", "26643006"), ("other", None)],
)
def test_the_route_follows_the_form(form, route):
    (request,) = requests(record(PlannedStep(D(2026, 1, 1), Decimal("1.5"), step_id=1), form=form))
    valid(request)
    assert request["dosageInstruction"][0].get("route", {}).get("coding", [{}])[0].get("code") == route


def test_reported_doses_are_statements_based_on_the_step_of_the_day():
    export = record(PlannedStep(D(2026, 1, 1), Decimal("1.5"), step_id=1))
    taken = fhir.DayLog(5, D(2026, 1, 2), True, Decimal("1.5"), "bedtime")
    skipped = fhir.DayLog(6, D(2026, 1, 3), False)
    before = fhir.DayLog(4, D(2025, 12, 30), False)
    statement = valid(fhir.medication_statement(export, taken))
    assert statement["status"] == "completed"
    assert statement["dosage"][0]["timing"]["repeat"]["when"] == ["HS"]
    assert statement["dosage"][0]["doseAndRate"][0]["doseQuantity"]["code"] == "mg"
    assert statement["basedOn"] == [{"reference": "MedicationRequest/step-1"}]
    assert valid(fhir.medication_statement(export, skipped))["status"] == "not-taken"
    assert "basedOn" not in fhir.medication_statement(export, before), "no step before the first dose"


def test_the_medication_list_is_statements_active_through_the_last_day_taken():
    export = record(  # exported on 1 March 2026
        PlannedStep(D(2026, 1, 1), Decimal("1.5"), step_id=1),
        medications=(
            fhir.ListedMedication(8, "Tramadol", "50 mg twice a day", D(2025, 6, 1)),
            fhir.ListedMedication(9, "Levothyroxine", "", None, D(2026, 2, 1)),
            fhir.ListedMedication(10, "Codeine", "", None, D(2026, 3, 1)),
        ),
    )
    listed = [r for r in fhir.record_resources(export, BASE) if r["id"].startswith("medication-")]
    tramadol, levothyroxine, codeine = (valid(resource) for resource in listed)
    assert codeine["status"] == "active", "last taken today: still taken today, as the safety check says"
    assert codeine["effectivePeriod"] == {"end": "2026-03-01"}
    assert tramadol["status"] == "active"
    assert tramadol["effectivePeriod"] == {"start": "2025-06-01"}
    assert tramadol["dosage"] == [{"text": "50 mg twice a day"}]
    assert levothyroxine["status"] == "completed"
    assert levothyroxine["effectivePeriod"] == {"end": "2026-02-01"}
    assert "dosage" not in levothyroxine
    values = fhir.read_bundle(fhir.bundle(listed, BASE, dt.datetime(2026, 3, 1, tzinfo=dt.UTC)))
    assert values.doses == (), "a medicine of the list is no reported dose of LDN"


def test_scores_use_loinc_for_pain_and_the_apps_codes_for_the_rest():
    symptoms = {
        1: fhir.SymptomItem(1, "Pain"),
        2: fhir.SymptomItem(2, "Brain fog"),
        3: fhir.SymptomItem(3, "Itchy ears", 9),
    }
    export = record(symptoms=symptoms)
    log = fhir.DayLog(5, D(2026, 1, 2), False, scores={1: 6, 2: 4, 3: 2}, sleep_quality=7)
    pain, fog, own, sleep = (valid(item) for item in fhir.score_observations(export, log, fhir.Coder(BASE)))
    assert pain["code"]["coding"][0]["code"] == "72514-3" and pain["valueInteger"] == 6
    assert fog["code"]["coding"] == [
        {"system": BASE + "/fhir/CodeSystem/ldn-journal", "code": "symptom-brain-fog", "display": "Brain fog"}
    ]
    assert own["code"]["coding"][0]["system"] == BASE + "/fhir/CodeSystem/ldn-journal-clinic-9"
    assert (sleep["code"]["coding"][0]["code"], sleep["valueInteger"]) == ("sleep-quality", 7)


def test_side_effects_carry_their_severity():
    log = fhir.DayLog(
        5,
        D(2026, 1, 2),
        True,
        side_effects=(("vivid_dreams", "moderate", ""), ("other", "severe", "dry mouth")),
    )
    dreams, other = (valid(item) for item in fhir.side_effect_observations(record(), log, fhir.Coder(BASE)))
    assert dreams["code"]["coding"][0]["code"] == "side-effect-vivid-dreams"
    assert dreams["valueCodeableConcept"]["coding"][0]["code"] == "6736007"
    assert other["note"] == [{"text": "dry mouth"}]


@pytest.mark.parametrize(
    ("value", "flag"), [(Decimal("5.2"), "H"), (Decimal("0.2"), "L"), (Decimal("2.1"), None)]
)
def test_lab_results_keep_their_unit_range_and_day(value, flag):
    result = LabValue(
        D(2026, 2, 3), "TSH", "tsh", value, "mIU/L", Decimal("0.4"), Decimal("4.0"), "City lab", 12
    )
    observation = valid(fhir.lab_observation(record(), result, fhir.Coder(BASE)))
    assert observation["code"]["coding"][0] == {
        "system": fhir.LOINC,
        "code": "3016-3",
        "display": fhir.LAB_LOINC["tsh"][1],
    }
    assert observation["effectiveDateTime"] == "2026-02-03"
    assert observation["valueQuantity"]["code"] == "m[IU]/L"
    assert observation["referenceRange"] == [
        {
            "low": fhir.ucum_quantity(Decimal("0.4"), "mIU/L"),
            "high": fhir.ucum_quantity(Decimal("4.0"), "mIU/L"),
        }
    ]
    assert [
        coding["code"] for item in observation.get("interpretation", []) for coding in item["coding"]
    ] == ([flag] if flag else [])


def test_a_clinics_own_test_has_no_code_and_keeps_an_open_range():
    result = LabValue(D(2026, 2, 3), "Vitamin D", "", Decimal("51"), "nmol/L", Decimal("50"), None, "", 13)
    observation = valid(fhir.lab_observation(record(), result, fhir.Coder(BASE)))
    assert observation["code"] == {"text": "Vitamin D"}
    assert observation["referenceRange"] == [{"low": fhir.ucum_quantity(Decimal("50"), "nmol/L")}]


def test_the_screening_is_a_panel_of_yes_no_observations():
    answers = ScreeningAnswers(
        opioid_use_last_14_days=True, opioid_names="tramadol", yes=frozenset({"acute_hepatitis"})
    )
    screening = fhir.ScreeningRecord(
        8, dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC), answers, fhir.Person(11, "Sam")
    )
    panel, opioids, *questions = (
        valid(item) for item in fhir.screening_observations(record(screening=screening), fhir.Coder(BASE))
    )
    assert len(panel["hasMember"]) == 1 + len(questions)
    assert opioids["valueBoolean"] is True and opioids["note"] == [{"text": "Opioids: tramadol"}]
    yes = [item["code"]["coding"][0]["code"] for item in questions if item["valueBoolean"]]
    assert yes == ["screening-acute-hepatitis"]


def test_answers_and_audit_events():
    answer = fhir.AnswerRecord(4, D(2026, 3, 1), 2, 1, "PGIC", (("How is it?", 2, "Much improved"),), 2)
    event = fhir.AuditRecord(
        9, dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC), "plan_created", "plan created", fhir.Person(11, "Sam")
    )
    export = record(answers=(answer,), audit=(event,))
    response = valid(fhir.questionnaire_response(export, answer, fhir.Coder(BASE)))
    assert response["item"][0]["answer"] == [{"valueCoding": {"code": "2", "display": "Much improved"}}]
    assert response["questionnaire"] == BASE + "/fhir/Questionnaire/2|1"
    assert response["source"] == {"reference": "Patient/3"}
    proxy = dataclasses.replace(answer, answered_by=Logger.CAREGIVER)
    assert valid(fhir.questionnaire_response(export, proxy, fhir.Coder(BASE)))["source"] == {
        "type": "RelatedPerson",
        "display": "caregiver",
    }
    provenance = valid(fhir.provenance(export, event))
    assert provenance["agent"][0]["who"] == {"reference": "Practitioner/clinician-11"}
    system = fhir.AuditRecord(10, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "export", "export")
    assert valid(fhir.provenance(export, system))["agent"][0]["who"] == {"display": "LDN Journal"}


def test_the_patient_is_pseudonymous_unless_named():
    coder = fhir.Coder(BASE)
    anonymous = valid(fhir.patient_resource(record(), coder))
    assert anonymous == {
        "resourceType": "Patient",
        "id": "3",
        "identifier": [{"system": BASE + "/fhir/sid/patient-code", "value": "RLC-3"}],
    }
    named = valid(fhir.patient_resource(record(name="Anna Lee", birth_date=D(1980, 5, 1)), coder))
    assert (named["name"], named["birthDate"]) == ([{"text": "Anna Lee"}], "1980-05-01")


def test_the_code_system_has_a_stable_url_and_every_code_once():
    system = valid(fhir.code_system(BASE + "/", CATALOGUE))
    assert system["url"] == "https://clinic.example.org/fhir/CodeSystem/ldn-journal"
    codes = [concept["code"] for concept in system["concept"]]
    assert len(codes) == len(set(codes))
    assert {"symptom-pain", "symptom-brain-fog", "sleep-quality", "side-effect-insomnia", "lab-tsh"} <= set(
        codes
    )


def test_a_bundle_and_ndjson_lines():
    export = record(PlannedStep(D(2026, 1, 1), Decimal("1.5"), step_id=1))
    resources = fhir.patient_bundle_resources(export, BASE, CATALOGUE, clinic_id=1, clinic_name="Riverside")
    bundle = valid(fhir.bundle(resources, BASE, dt.datetime(2026, 3, 1, tzinfo=dt.UTC)))
    assert [entry["fullUrl"] for entry in bundle["entry"][:3]] == [
        BASE + "/fhir/CodeSystem/ldn-journal",
        BASE + "/fhir/Practitioner/clinician-11",
        BASE + "/fhir/Patient/3",
    ]
    line = fhir.ndjson_line({"resourceType": "Patient", "id": "3", "note": "a\nb"})
    assert line.count("\n") == 1 and line.endswith("\n")


def test_read_bundle_gives_back_the_steps_doses_scores_side_effects_and_labs():
    export = record(
        PlannedStep(D(2026, 1, 1), Decimal("0.5"), step_id=1),
        PlannedStep(D(2026, 1, 15), Decimal("4.5"), "morning", step_id=2, frequency="every_other_day"),
        form="cream_ml",
        symptoms={1: fhir.SymptomItem(1, "Pain")},
        days=(
            fhir.DayLog(5, D(2026, 1, 2), True, Decimal("0.5"), "bedtime", 6, {1: 4}),
            fhir.DayLog(6, D(2026, 1, 3), True, Decimal("0.5"), "other"),
            fhir.DayLog(
                7,
                D(2026, 1, 4),
                False,
                scores={1: 5},
                side_effects=(("vivid_dreams", "mild", ""), ("other", "severe", "tingling lips")),
            ),
        ),
        labs=(LabValue(D(2026, 1, 10), "TSH", "tsh", Decimal("2.15"), "mIU/L", Decimal("0.4"), None, "", 3),),
    )
    resources = fhir.patient_bundle_resources(export, BASE, CATALOGUE, clinic_id=1, clinic_name="Riverside")
    values = fhir.read_bundle(fhir.bundle(resources, BASE, dt.datetime(2026, 3, 1, tzinfo=dt.UTC)))
    assert values.steps == (
        fhir.ReadStep(
            D(2026, 1, 1),
            D(2026, 1, 14),
            Decimal("0.5"),
            "bedtime",
            "daily",
            "cream_ml",
            "7",
            status="completed",
        ),
        fhir.ReadStep(
            D(2026, 1, 15),
            None,
            Decimal("4.5"),
            "morning",
            "every_other_day",
            "cream_ml",
            "7",
            status="active",
        ),
    )
    assert values.doses == (
        fhir.ReadDose(D(2026, 1, 2), True, Decimal("0.5"), "bedtime"),
        fhir.ReadDose(D(2026, 1, 3), True, Decimal("0.5"), "other"),
        fhir.ReadDose(D(2026, 1, 4), False, None, ""),
    )
    assert values.scores == (
        fhir.ReadScore(D(2026, 1, 2), "Pain", 4, "72514-3"),
        fhir.ReadScore(D(2026, 1, 2), "Sleep quality", 6, "sleep-quality"),
        fhir.ReadScore(D(2026, 1, 4), "Pain", 5, "72514-3"),
    )
    assert values.side_effects == (
        fhir.ReadSideEffect(D(2026, 1, 4), "other", "severe", "tingling lips"),
        fhir.ReadSideEffect(D(2026, 1, 4), "vivid_dreams", "mild"),
    )
    assert values.labs == (
        fhir.ReadLab(D(2026, 1, 10), "TSH", Decimal("2.15"), "mIU/L", Decimal("0.4"), None),
    )
