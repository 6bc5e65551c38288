"""journal.fhir_import: what a FHIR Bundle's bytes hold for the import, what is refused, and the
plan matched against the record — each rule a row of a table."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from journal import fhir_import as fi
from journal.bounds import sample_window, taken_window
from journal.fhir import LOINC

D = dt.date
TODAY = D(2026, 3, 1)
TESTS = (fi.KnownTest(1, "TSH", "tsh", "mIU/L"), fi.KnownTest(2, "Vitamin D", "", "nmol/L"))


def bundle(*resources: dict) -> bytes:
    return json.dumps(
        {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}
    ).encode()


def statement(name: str = "Tramadol", **fields) -> dict:
    return {
        "resourceType": "MedicationStatement",
        "id": "m1",
        "status": "active",
        "medicationCodeableConcept": {"text": name},
        **fields,
    }


def lab(value=2.1, code=("3016-3", LOINC), text="Thyrotropin", day="2026-02-01", **fields) -> dict:
    return {
        "resourceType": "Observation",
        "id": "o1",
        "status": "final",
        "category": [{"coding": [{"code": "laboratory"}]}],
        "code": {"coding": [{"system": code[1], "code": code[0]}], "text": text},
        "effectiveDateTime": day,
        "valueQuantity": {"value": value, "unit": "mIU/L"},
        **fields,
    }


def context(**values) -> fi.ImportContext:
    return fi.ImportContext(
        tests=TESTS,
        sample_window=sample_window(D(2025, 6, 1), TODAY),
        taken_window=taken_window(TODAY),
        **values,
    )


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"{not json", "The file is not JSON"),
        (b"\xff\xfe\x00", "The file is not JSON"),
        (b'{"a": NaN}', "The file is not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "The file is not JSON"),
        (b'{"resourceType": "Patient"}', "not a FHIR Bundle"),
        (b"[]", "not a FHIR Bundle"),
        (b'{"resourceType": "Bundle", "entry": {}}', "entries are not a list"),
        (
            b'{"resourceType": "Bundle", "entry": [{"resource": 3}]}',
            "Entry 1 of the Bundle is not a FHIR resource",
        ),
        (bundle({"resourceType": "Patient", "id": "1"}), "no medication (MedicationStatement) or lab result"),
        (b" " * (fi.BUNDLE_MAX_BYTES + 1), "larger than 4 MB"),
        (
            json.dumps(
                {
                    "resourceType": "Bundle",
                    "entry": [{"resource": {"resourceType": "Basic"}}] * (fi.BUNDLE_MAX_ENTRIES + 1),
                }
            ).encode(),
            "more than 10000 entries",
        ),
    ],
)
def test_a_file_that_is_no_readable_bundle_is_refused_with_its_reason(data, problem):
    with pytest.raises(fi.BundleProblem) as refused:
        fi.read_bundle(data)
    assert problem in refused.value.reason


@pytest.mark.parametrize(
    ("resource", "read"),
    [
        (statement(), fi.MedicationRead("MedicationStatement/m1", "Tramadol")),
        (statement(" Tra\x00ma\u200bdol\n"), fi.MedicationRead("MedicationStatement/m1", "Tra ma dol")),
        (
            statement(
                effectivePeriod={"start": "2025-01-02", "end": "2025-03-04T10:00:00Z"},
                dosage=[{"text": "50 mg at night"}],
            ),
            fi.MedicationRead(
                "MedicationStatement/m1", "Tramadol", "50 mg at night", D(2025, 1, 2), D(2025, 3, 4)
            ),
        ),
        (
            statement(
                effectiveDateTime="2025-01",
                dosage=[{"doseAndRate": [{"doseQuantity": {"value": 50, "unit": "mg"}}]}],
            ),
            fi.MedicationRead("MedicationStatement/m1", "Tramadol", "50 mg"),
        ),
        (
            {
                "resourceType": "MedicationStatement",
                "id": "m1",
                "contained": [
                    {
                        "resourceType": "Medication",
                        "id": "x",
                        "code": {"coding": [{"display": "Levothyroxine"}]},
                    }
                ],
                "medicationReference": {"reference": "#x"},
                "effectiveDateTime": "2024-05-06",
            },
            fi.MedicationRead("MedicationStatement/m1", "Levothyroxine", "", D(2024, 5, 6)),
        ),
    ],
)
def test_a_medication_statement_reads_as_a_medicine_of_the_list(resource, read):
    assert fi.read_bundle(bundle(resource)).medications == (read,)


@pytest.mark.parametrize(
    ("resource", "reason"),
    [
        (statement("Low-dose naltrexone"), "Naltrexone: LDN's plan is written"),
        (
            statement("x", medicationCodeableConcept={"coding": [{"system": fi.RXNORM, "code": "7243"}]}),
            "Naltrexone",
        ),
        (statement(status="not-taken"), "Tramadol: marked as not taken"),
        (statement(status="entered-in-error"), "Tramadol: marked as not taken or entered in error"),
        (statement(medicationCodeableConcept={}), "A medication without a name"),
        (lab(value="2.1"), "Thyrotropin: no numeric value"),
        (lab(value=True), "Thyrotropin: no numeric value"),
        (lab(day="2026-02"), "Thyrotropin: no full sample date"),
        (lab(day="2026-02-30"), "Thyrotropin: no full sample date"),
        (
            {"resourceType": "Observation", "id": "s", "valueInteger": 4, "effectiveDateTime": "2026-01-01"},
            "Diary scores",
        ),
        ({"resourceType": "Condition", "id": "c"}, "Condition: not imported"),
    ],
)
def test_what_the_reader_leaves_out_says_why(resource, reason):
    read = fi.read_bundle(bundle(resource, lab(text="keeps the Bundle importable", day="2026-01-01")))
    assert any(reason in item.reason for item in read.skipped), [item.reason for item in read.skipped]


def test_an_observation_without_a_category_is_a_lab_result_when_it_measures_a_quantity():
    uncategorised = {key: value for key, value in lab().items() if key != "category"}
    vital = {**lab(), "category": [{"coding": [{"code": "vital-signs"}]}]}
    read = fi.read_bundle(bundle(uncategorised, {**vital, "id": "o2"}))
    assert [lab.source for lab in read.labs] == ["Observation/o1"]
    assert [item.source for item in read.skipped] == ["Observation/o2"]


def test_a_lab_observation_reads_its_value_unit_range_and_laboratory():
    resource = lab(
        value=2.1,
        referenceRange=[{"low": {"value": 0.4}, "high": {"value": 4}}],
        performer=[{"display": "City Lab"}],
    )
    (read,) = fi.read_bundle(bundle(resource)).labs
    assert (read.value, read.unit, read.low, read.high, read.day, read.laboratory) == (
        Decimal("2.1"),
        "mIU/L",
        Decimal("0.4"),
        Decimal(4),
        D(2026, 2, 1),
        "City Lab",
    )


@pytest.mark.parametrize(
    ("resource", "test"),
    [
        (lab(), "TSH"),  # LOINC 3016-3
        (lab(code=("lab-tsh", "https://other.example" + fi.CODE_SYSTEM_PATH), text=""), "TSH"),
        (lab(code=("0000-0", LOINC), text="vitamin d"), "Vitamin D"),  # by name, any case
    ],
)
def test_a_result_is_matched_to_the_clinics_test_by_loinc_own_code_or_name(resource, test):
    plan = fi.plan_import(fi.read_bundle(bundle(resource)), context())
    assert [item.test_name for item in plan.labs] == [test]


@pytest.mark.parametrize(
    ("resource", "existing", "reason"),
    [
        (lab(code=("0000-0", LOINC), text="Ferritin"), {}, "Ferritin: no test of that name or code"),
        (
            lab(value=100000),
            {},
            "TSH of 2026-02-01: a value or range outside the app's bounds (from 0 to 99999, at most 4",
        ),
        (lab(value=-1), {}, "from 0 to 99999"),
        (lab(value=2.12345), {}, "at most 4 decimals"),
        (
            lab(referenceRange=[{"low": {"value": 5}, "high": {"value": 1}}]),
            {},
            "low end is above its high end",
        ),
        (lab(day="2024-01-01"), {}, "TSH of 2024-01-01: the sample date is outside 2024-06-01 to 2026-03-01"),
        (lab(day="2026-03-02"), {}, "the sample date is outside"),
        (
            lab(value=2.10),
            {"labs": frozenset({(1, D(2026, 2, 1), Decimal("2.1"))})},
            "TSH of 2026-02-01: already recorded",
        ),
        (
            statement(effectivePeriod={"start": "2026-04-01"}),
            {},
            "Tramadol: started or stopped on 2026-04-01, outside 1900-01-01 to 2026-03-01",
        ),
        (
            statement(effectivePeriod={"start": "2026-02-01", "end": "2026-01-01"}),
            {},
            "Tramadol: stopped before it was started",
        ),
        (statement("x" * 201), {}, "x" * 79 + "…: its name or dose is longer than 200 characters"),
        (
            statement(" tramadol "),
            {"medications": frozenset({("tramadol", None)})},
            "tramadol: already on the medication list",
        ),
    ],
)
def test_the_plan_skips_what_is_unknown_out_of_bounds_or_already_there(resource, existing, reason):
    plan = fi.plan_import(fi.read_bundle(bundle(resource)), context(**existing))
    assert plan.empty
    assert [str(item.reason) for item in plan.skipped] == [reason] or any(
        reason in item.reason for item in plan.skipped
    )


def test_nothing_is_added_twice_from_one_bundle():
    resources = [statement(), {**statement("TRAMADOL"), "id": "m2"}, lab(), {**lab(value=2.1), "id": "o2"}]
    plan = fi.plan_import(fi.read_bundle(bundle(*resources)), context())
    assert [m.source for m in plan.medications] == ["MedicationStatement/m1"]
    assert [lab.source for lab in plan.labs] == ["Observation/o1"]
    assert [(str(reason), count) for reason, count in plan.skipped_by_reason()] == [
        ("TRAMADOL: already on the medication list", 1),
        ("TSH of 2026-02-01: already recorded", 1),
    ]


def test_one_import_adds_at_most_its_bound():
    resources = [{**statement(f"Medicine {n}"), "id": f"m{n}"} for n in range(fi.IMPORT_ITEMS_MAX + 2)]
    plan = fi.plan_import(fi.read_bundle(bundle(*resources)), context())
    assert len(plan.medications) == fi.IMPORT_ITEMS_MAX
    assert [count for _reason, count in plan.skipped_by_reason()] == [2]


def test_an_opioid_is_marked_in_the_preview():
    read = fi.read_bundle(bundle(statement("Tramadol"), {**statement("Levothyroxine"), "id": "m2"}))
    assert [m.is_opioid for m in read.medications] == [True, False]


def test_the_kept_plan_is_the_plan_and_is_checked_again_against_the_record():
    resources = [
        statement(effectivePeriod={"start": "2025-01-02"}),
        lab(referenceRange=[{"low": {"value": 0.4}}]),
    ]
    plan = fi.plan_import(fi.read_bundle(bundle(*resources)), context())
    plan = fi.ImportPlan(
        plan.medications, plan.labs, (fi.Skipped("Patient/1", fi.NOT_IMPORTED, (("kind", "Patient"),)),) * 3
    )
    kept = fi.plan_from_state(json.loads(json.dumps(fi.plan_state(plan))))
    assert (kept.medications, kept.labs) == (plan.medications, plan.labs)
    assert (
        kept.skipped_by_reason() == plan.skipped_by_reason() == [(fi.NOT_IMPORTED.format(kind="Patient"), 3)]
    )
    assert fi.recheck(kept, context()) == fi.Recheck(kept, changed=False)
    meanwhile = context(labs=frozenset({(1, D(2026, 2, 1), Decimal("2.1"))}))
    again = fi.recheck(kept, meanwhile)
    assert again.changed and again.plan.labs == () and again.plan.medications == plan.medications
    assert "TSH of 2026-02-01: already recorded" in [item.reason for item in again.plan.skipped]


# --- a whole patient, from LDN Journal's own export ---------------------------------------------

BASE = "https://ldn.example.org"
SYSTEM = BASE + "/fhir/CodeSystem/ldn-journal"


def patient(label: str = "ANNA-01") -> dict:
    return {
        "resourceType": "Patient",
        "id": "7",
        "identifier": [{"system": BASE + "/fhir/sid/patient-code", "value": label}],
    }


def request(
    plan="1", start="2026-01-01", end=None, mg=1.5, when="HS", period=1, form="form-capsule", **fields
):
    validity = {"start": start, **({"end": end} if end else {})}
    return {
        "resourceType": "MedicationRequest",
        "id": f"step-{plan}-{start}",
        "status": "active",
        "contained": [
            {
                "resourceType": "Medication",
                "id": "ldn",
                "code": {"text": "low-dose naltrexone, slow-release"},
                "form": {"coding": [{"system": SYSTEM, "code": form}]},
            }
        ],
        "groupIdentifier": {"value": plan},
        "dosageInstruction": [
            {
                "timing": {"repeat": {"frequency": 1, "period": period, "periodUnit": "d", "when": [when]}},
                "doseAndRate": [{"doseQuantity": {"value": mg, "unit": "mg"}}],
            }
        ],
        "dispenseRequest": {"validityPeriod": validity},
        **fields,
    }


def taken(day="2026-01-02", mg=1.5, status="completed") -> dict:
    dosage = {"timing": {"repeat": {"when": ["HS"]}}, "doseAndRate": [{"doseQuantity": {"value": mg}}]}
    return {
        "resourceType": "MedicationStatement",
        "id": f"dose-{day}",
        "status": status,
        "medicationCodeableConcept": {"coding": [{"system": fi.RXNORM, "code": "7243"}]},
        "effectiveDateTime": day,
        **({"dosage": [dosage]} if status == "completed" else {}),
    }


def survey(day="2026-01-02", code="symptom-pain", text="Pain", **value) -> dict:
    return {
        "resourceType": "Observation",
        "id": f"s-{day}-{code}",
        "category": [{"coding": [{"code": "survey"}]}],
        "code": {"coding": [{"system": SYSTEM, "code": code}], "text": text},
        "effectiveDateTime": day,
        **value,
    }


def side_effect(day="2026-01-02", kind="headache", severity="mild", note="") -> dict:
    resource = survey(day, f"side-effect-{kind}", kind, valueCodeableConcept={"text": severity})
    return {**resource, **({"note": [{"text": note}]} if note else {})}


def condition(name="Fibromyalgia", status="active", **dates) -> dict:
    return {
        "resourceType": "Condition",
        "id": f"c-{name}",
        "clinicalStatus": {"coding": [{"code": status}]},
        "code": {"text": name},
        **dates,
    }


def patient_context(**values) -> fi.PatientContext:
    return fi.PatientContext(**{"codes": frozenset(), "tests": TESTS, "today": TODAY, **values})


@pytest.mark.parametrize(
    ("resources", "problem"),
    [
        ((request(),), "holds 0 patients"),
        ((patient(), patient("B")), "holds 2 patients"),
        (({"resourceType": "Patient", "id": "1"},), "not one LDN Journal exported (no record code)"),
        (
            (patient(), {"resourceType": "MedicationRequest", "id": "x"}),
            "not one LDN Journal exported (KeyError)",
        ),
        ((patient(), request(mg="three")), "not one LDN Journal exported"),
    ],
)
def test_a_bundle_that_is_not_one_patient_exported_by_ldn_journal_is_refused(resources, problem):
    with pytest.raises(fi.BundleProblem) as refused:
        fi.read_patient(bundle(*resources))
    assert problem in str(refused.value.reason)


def test_the_plans_are_grouped_with_their_steps_and_end_and_a_step_that_never_took_effect_is_left_out():
    read = fi.read_patient(
        bundle(
            patient(),
            request("1", "2026-01-01", "2026-01-14", 1.5),
            request("1", "2026-01-15", "2026-01-31", 3, when="MORN", period=2),
            request("1", "2026-02-10", None, 4.5, status="cancelled"),
            request("2", "2026-02-01", None, 1, when="EVE", form="form-cream", note=[{"text": "thin layer"}]),
        )
    )
    first, cream = read.plans
    assert [(s.start_date, s.dose_mg, s.timing, s.frequency) for s in first.steps] == [
        (D(2026, 1, 1), Decimal("1.5"), "bedtime", "daily"),
        (D(2026, 1, 15), Decimal(3), "morning", "every_other_day"),
    ]
    assert (first.form, first.release, first.ended_on) == ("capsule", "slow", D(2026, 2, 1))
    assert (cream.form, cream.ended_on, cream.steps[0].timing, cream.steps[0].note) == (
        "cream",
        None,
        "evening",
        "thin layer",
    )
    assert read.opened_on == D(2026, 1, 1)


def test_the_diary_is_read_back_day_by_day_with_its_dose_sleep_scores_and_side_effects():
    read = fi.read_patient(
        bundle(
            patient(),
            taken("2026-01-02", 1.5),
            survey("2026-01-02", valueInteger=6),
            survey("2026-01-02", "sleep-quality", "Sleep quality", valueInteger=7),
            survey("2026-01-02", "symptom-9", "Hand tremor", valueInteger=2),
            side_effect("2026-01-02", "other", "moderate", "tingling lips"),
            taken("2026-01-03", status="not-taken"),
            side_effect("2026-01-04", "vivid-dreams", "mild"),
            survey("2026-01-04", "screening-acute-hepatitis", "Hepatitis", valueBoolean=False),
        )
    )
    assert read.days == (
        fi.DayToAdd(
            D(2026, 1, 2),
            True,
            Decimal("1.5"),
            "bedtime",
            7,
            (("Hand tremor", 2), ("Pain", 6)),
            (("other", "moderate", "tingling lips"),),
        ),
        fi.DayToAdd(D(2026, 1, 3), False),
        fi.DayToAdd(D(2026, 1, 4), False, side_effects=(("vivid_dreams", "mild", ""),)),
    )
    assert read.symptoms == ("Hand tremor", "Pain")


@pytest.mark.parametrize(
    ("resource", "read"),
    [
        (condition(onsetDateTime="2025-05-01"), fi.ConditionRead("Fibromyalgia", D(2025, 5, 1))),
        (
            condition("CRPS", "inactive", onsetDateTime="2025-05-01", abatementDateTime="2025-09-30"),
            fi.ConditionRead("CRPS", D(2025, 5, 1), D(2025, 9, 30), active=False),
        ),
        (condition("MS"), fi.ConditionRead("MS")),
        ({"resourceType": "Condition", "code": {}}, None),
    ],
)
def test_a_condition_is_read_with_the_days_it_was_on_the_record(resource, read):
    assert fi.read_condition(resource) == read


def exported_patient(*extra: dict, label: str = "ANNA-01") -> fi.PatientRead:
    return fi.read_patient(
        bundle(
            patient(label),
            condition(onsetDateTime="2025-12-01"),
            request("1", "2026-01-01", None, 1.5),
            taken("2026-01-02", 1.5),
            survey("2026-01-02", valueInteger=6),
            statement("Levothyroxine", identifier=[{"system": BASE + "/fhir/sid/medication", "value": "3"}]),
            lab(),
            *extra,
        )
    )


def test_a_whole_patient_is_planned_with_the_record_opened_on_its_earliest_day():
    plan = fi.plan_patient_import(exported_patient(), patient_context())
    assert (plan.label, plan.already_there, plan.opened_on) == ("ANNA-01", False, D(2025, 12, 1))
    assert (len(plan.plans), plan.steps, len(plan.days), plan.symptoms) == (1, 1, 1, ("Pain",))
    assert [m.name for m in plan.record.medications] == ["Levothyroxine"]
    assert [lab.test_name for lab in plan.record.labs] == ["TSH"]
    assert fi.patient_plan_from_state(json.loads(json.dumps(fi.patient_plan_state(plan)))) == plan


def test_a_record_code_the_clinic_has_already_adds_nothing():
    plan = fi.plan_patient_import(exported_patient(), patient_context(codes=frozenset({"ANNA-01"})))
    assert plan.already_there and not plan.plans and not plan.days and plan.record.empty


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ((request("2", "2026-02-01", None, 17),), "The dose step of 2026-02-01"),
        ((request("2", "2026-02-01", None, 1.0005),), "The dose step of 2026-02-01"),
        ((request("2", "2029-01-01", None, 1),), "The dose step of 2029-01-01"),
        (tuple(condition(f"Condition {n}") for n in range(21)), "More than 20 conditions"),
        (
            tuple(
                survey((D(2025, 1, 1) + dt.timedelta(days=n)).isoformat(), valueInteger=1) for n in range(733)
            ),
            "More than 732 diary days",
        ),
        (
            tuple(survey(code=f"symptom-{n}", text=f"S{n}", valueInteger=1) for n in range(12)),
            "tracked symptoms",
        ),
    ],
)
def test_a_plan_or_list_outside_the_forms_bounds_refuses_the_file(extra, problem):
    with pytest.raises(fi.BundleProblem) as refused:
        fi.plan_patient_import(exported_patient(*extra), patient_context())
    assert problem in str(refused.value.reason)


@pytest.mark.parametrize(
    "extra",
    [
        survey("2026-01-05", valueInteger=11),
        survey("2026-03-02", valueInteger=1),  # after today
        taken("2026-01-05", 20),
        side_effect("2026-01-05", "headache", "unbearable"),
    ],
)
def test_a_diary_day_outside_the_bounds_is_skipped_with_its_reason(extra):
    plan = fi.plan_patient_import(exported_patient(extra), patient_context())
    assert [day.day for day in plan.days] == [D(2026, 1, 2)]
    [(reason, count)] = plan.record.skipped_by_reason()
    assert "outside the app's bounds" in str(reason) and count == 1


def test_a_code_too_long_for_the_record_is_refused():
    with pytest.raises(fi.BundleProblem):
        fi.plan_patient_import(exported_patient(label="X" * 41), patient_context())
