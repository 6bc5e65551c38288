"""Measurable doses (journal.measuring): the patient is only ever told an amount that is
exactly their dose; otherwise the mg and "ask your pharmacist", and the prescriber a finding
(issue 9, "Measuring")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from journal.findings import Level
from journal.measuring import (
    MAX_CAPSULES_PER_DOSE,
    MAX_LIQUID_ML_PER_DOSE,
    MEASURING_REASON,
    measure,
    measuring_findings,
    patient_amount,
    supply_unit,
)

ASK = "ask your pharmacist how to measure this dose"


def mg(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


@pytest.mark.parametrize(
    ("dose", "form", "strength", "exact", "instruction"),
    [
        # liquids: mg per mL, measured on the 0.01 mL marks of an oral syringe
        ("1.5", "liquid", "1", True, "1.5 mL = 1.5 mg"),
        ("4.5", "liquid", "1.5", True, "3 mL = 4.5 mg"),
        ("0.5", "liquid", "0.5", True, "1 mL = 0.5 mg"),
        ("0.5", "liquid", "1", True, "0.5 mL = 0.5 mg"),
        ("0.01", "liquid", "1", True, "0.01 mL = 0.01 mg"),  # one syringe mark
        ("0.001", "liquid", "1", False, None),  # was "0 mL = 0.001 mg"
        ("0.125", "liquid", "1", False, None),  # was "0.12 mL = 0.125 mg"
        ("1", "liquid", "3", False, None),  # was "0.33 mL = 1 mg"
        # capsules: mg per capsule, whole capsules only, at most 5 a dose
        ("3", "capsule", "1.5", True, "2 capsules = 3 mg"),
        ("1.5", "capsule", "1.5", True, "1 capsule = 1.5 mg"),
        ("4.5", "capsule", "1.5", True, "3 capsules = 4.5 mg"),
        ("4.5", "capsule", "2", False, None),  # 2.25 capsules
        ("3", "capsule", "2", False, None),  # never half a capsule
        ("16", "capsule", "0.001", False, None),  # was "16000 capsules = 16 mg"
    ],
)
def test_measure(dose, form, strength, exact, instruction):
    measured = measure(mg(dose), form, mg(strength))
    assert measured.exact is exact
    assert measured.instruction == instruction
    assert bool(measured.problem) is not exact


@pytest.mark.parametrize(
    ("count", "exact"), [(MAX_CAPSULES_PER_DOSE, True), (MAX_CAPSULES_PER_DOSE + 1, False)]
)
def test_the_most_capsules_a_dose_may_take(count, exact):
    assert measure(Decimal("0.5") * count, "capsule", Decimal("0.5")).exact is exact


@pytest.mark.parametrize(
    ("ml", "exact"), [(MAX_LIQUID_ML_PER_DOSE, True), (MAX_LIQUID_ML_PER_DOSE + 1, False)]
)
def test_the_most_millilitres_a_dose_may_take(ml, exact):
    assert measure(ml, "liquid", Decimal("1")).exact is exact


@pytest.mark.parametrize(
    ("form", "strength"),
    [
        ("capsule", None),
        ("liquid", None),
        ("cream", None),
        ("sublingual", "1"),
        ("other", "1"),
        ("liquid", "0"),
    ],
)
def test_nothing_to_measure_without_a_strength_or_in_another_form(form, strength):
    assert measure(Decimal("3"), form, mg(strength)) is None
    assert patient_amount(Decimal("3"), form, mg(strength)) is None


@pytest.mark.parametrize(
    ("dose", "form", "strength", "problem"),
    [
        ("0.001", "liquid", "1", "0.001 mg is 0.001 mL of 1 mg/mL: between the 0.01 mL marks"),
        ("1", "liquid", "3", "1 mg is 0.333… mL of 3 mg/mL: between the 0.01 mL marks"),
        ("4.5", "capsule", "2", "4.5 mg is 2.25 capsules of 2 mg: not a whole number of capsules."),
        ("1", "cream", "0.75", "1 mg is 1.333… clicks of 0.75 mg: not a whole number of clicks."),
        ("1", "cream_ml", "3", "1 mg is 0.333… mL of 3 mg/mL: between the 0.01 mL marks"),
        (
            "16",
            "capsule",
            "0.001",
            f"16 mg is 16000 capsules of 0.001 mg: more than {MAX_CAPSULES_PER_DOSE} a dose.",
        ),
    ],
)
def test_the_problem_tells_the_prescriber_why(dose, form, strength, problem):
    assert measure(mg(dose), form, mg(strength)).problem.startswith(problem)


@pytest.mark.parametrize(
    ("dose", "form", "strength", "amount"),
    [
        ("1.5", "liquid", "1", "1.5 mL = 1.5 mg"),
        ("3", "capsule", "1.5", "2 capsules = 3 mg"),
        ("0.001", "liquid", "1", f"0.001 mg — {ASK}"),
        ("0.125", "liquid", "1", f"0.125 mg — {ASK}"),
        ("1", "liquid", "3", f"1 mg — {ASK}"),
        ("4.5", "capsule", "2", f"4.5 mg — {ASK}"),
        ("16", "capsule", "0.001", f"16 mg — {ASK}"),
    ],
)
def test_patient_amount_is_exact_or_asks_the_pharmacist(dose, form, strength, amount):
    assert patient_amount(mg(dose), form, mg(strength)) == amount


def test_measuring_findings_warn_once_per_dose_that_cannot_be_measured():
    doses = [Decimal(d) for d in ("0.5", "1", "1", "1.5", "0.125")]
    findings = measuring_findings(doses, "liquid", Decimal("3"))
    assert [(f.level, f.code) for f in findings] == [(Level.WARN, "not_measurable")] * 3
    assert findings[0].message.startswith("0.5 mg is 0.167… mL of 3 mg/mL")
    assert findings[0].message.endswith("The patient will be told to ask their pharmacist.")
    assert findings[0].reason == MEASURING_REASON


@pytest.mark.parametrize(
    ("doses", "form", "strength"),
    [
        (["1.5", "3", "4.5"], "capsule", "1.5"),
        (["0.5", "1.5", "4.5"], "liquid", "1"),
        (["4.5"], "capsule", None),
        (["0.125"], "sublingual", "1"),
        (["1", "2", "3"], "cream", "1"),
    ],
)
def test_no_measuring_finding_when_every_dose_can_be_measured(doses, form, strength):
    assert measuring_findings([Decimal(d) for d in doses], form, mg(strength)) == []


@pytest.mark.parametrize(
    ("dose", "form", "strength", "amount"),
    [
        ("3", "cream", "1", "3 clicks = 3 mg"),
        ("0.5", "cream", "0.5", "1 click = 0.5 mg"),
        ("1.5", "cream_ml", "3", "0.5 mL = 1.5 mg"),
    ],
)
def test_a_cream_is_measured_in_clicks_of_its_pump_or_in_ml(dose, form, strength, amount):
    assert patient_amount(mg(dose), form, mg(strength)) == amount


@pytest.mark.parametrize(
    ("form", "unit"),
    [
        ("capsule", "capsules"),
        ("cream", "clicks"),
        ("liquid", "mL"),
        ("cream_ml", "mL"),
        ("sublingual", "doses"),
    ],
)
def test_a_supply_is_counted_in_the_forms_unit(form, unit):
    assert supply_unit(form) == unit
