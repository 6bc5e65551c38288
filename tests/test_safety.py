from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from journal.safety import (
    IMMUNOSUPPRESSANTS,
    OPIOIDS,
    THYROID_MEDICINES,
    THYROID_WATCH_NOTE,
    MedicationCategory,
    ScreeningAnswers,
    blocks_activation,
    classify_medication,
    find_immunosuppressants,
    find_medications,
    find_opioids,
    find_thyroid_medicines,
    judge_screening,
    prefill_screening,
)

START = dt.date(2025, 3, 20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("codeine", ["codeine"]),
        ("Percocet", ["percocet"]),
        ("OXYCODONE HCL 5mg", ["oxycodone"]),
        ("oxycodone5mg tablets", ["oxycodone"]),
        ("oxycodone/acetaminophen", ["oxycodone"]),
        ("Tylenol with codeine", ["codeine"]),
        ("Tylenol #3", ["tylenol #3"]),
        ("MS  Contin 30 mg", ["ms contin"]),
        ("Suboxone (buprenorphine/naloxone)", ["suboxone", "buprenorphine"]),
        ("dihydrocodeine 30mg", ["dihydrocodeine"]),
        ("Hydromorphone", ["hydromorphone"]),
        ("co-codamol 30/500", ["co-codamol"]),
        ("tramadol, then morphine, then tramadol again", ["tramadol", "morphine"]),
        ("Pethidine", ["pethidine"]),
        # look-alikes and antagonists are not opioid agonists to warn about
        ("naltrexone 4.5 mg", []),
        ("naloxone nasal spray", []),
        ("nalmefene", []),
        ("loperamide 2mg", []),
        ("Imodium", []),
        # "-free" means the product does not contain it
        ("codeine-free cough syrup", []),
        ("Codeine free linctus", []),
        ("codeine - free", []),
        ("codeine-free syrup, then codeine linctus", ["codeine"]),
        # whole words only
        ("morphinelike", []),
        ("Tylenol 30", []),
        ("", []),
    ],
)
def test_find_opioids(text, expected):
    assert find_opioids(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Levothyroxine 50 mcg", ["levothyroxine"]),
        ("Armour Thyroid 60mg", ["armour thyroid"]),
        ("NP thyroid", ["np thyroid"]),
        ("Carbimazole", ["carbimazole"]),
        ("methimazole", ["methimazole"]),
        ("thyroid-stimulating hormone test", []),
    ],
)
def test_find_thyroid_medicines(text, expected):
    assert find_thyroid_medicines(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tacrolimus 1mg", ["tacrolimus"]),
        ("ciclosporin", ["ciclosporin"]),
        ("Mycophenolate mofetil", ["mycophenolate"]),
        ("methotrexate weekly", ["methotrexate"]),
        ("prednisolone 5mg", []),  # steroids: dose decides, the clinician ticks the box
    ],
)
def test_find_immunosuppressants(text, expected):
    assert find_immunosuppressants(text) == expected


@pytest.mark.parametrize(
    ("name", "categories"),
    [
        ("Oxycodone", {MedicationCategory.OPIOID}),
        ("Synthroid", {MedicationCategory.THYROID}),
        ("Prograf", {MedicationCategory.IMMUNOSUPPRESSANT}),
        ("levothyroxine + tramadol", {MedicationCategory.THYROID, MedicationCategory.OPIOID}),
        ("sertraline", set()),
    ],
)
def test_classify_medication(name, categories):
    assert classify_medication(name) == categories


def test_find_medications_keeps_typed_text_and_order():
    matches = find_medications("Tramadol and LEVOTHYROXINE")
    assert [(m.category, m.term, m.matched_text) for m in matches] == [
        (MedicationCategory.OPIOID, "tramadol", "Tramadol"),
        (MedicationCategory.THYROID, "levothyroxine", "LEVOTHYROXINE"),
    ]


@pytest.mark.parametrize("names", [OPIOIDS, THYROID_MEDICINES, IMMUNOSUPPRESSANTS])
def test_name_lists_are_lowercase_and_match_themselves(names):
    for name in names:
        assert name == name.lower()
        assert name in {m.term for m in find_medications(name)}


def _codes(findings):
    return [(f.level, f.code) for f in findings]


@pytest.mark.parametrize(
    ("days_before_start", "level", "code"),
    [
        (-2, "block", "opioid_recent"),  # stops after the start date
        (0, "block", "opioid_recent"),
        (6, "block", "opioid_recent"),
        (7, "warn", "opioid_washout_short"),
        (14, "warn", "opioid_washout_short"),
        (15, "note", "opioid_past"),
    ],
)
def test_opioid_washout_boundaries(days_before_start, level, code):
    answers = ScreeningAnswers(
        opioid_use_last_14_days=True,
        opioid_names="tramadol",
        opioid_stopped_on=START - dt.timedelta(days=days_before_start),
    )
    findings = judge_screening(answers, START)
    assert _codes(findings) == [(level, code)]
    assert blocks_activation(findings) is (level == "block")
    assert findings[0].message.startswith("Tramadol stopped on")
    assert "[003, 004]" in findings[0].reason


def test_opioid_still_taken_blocks():
    findings = judge_screening(ScreeningAnswers(opioid_use_last_14_days=True), START)
    assert _codes(findings) == [("block", "opioid_current")]


def test_stop_date_without_tick_is_still_judged():
    answers = ScreeningAnswers(opioid_stopped_on=START - dt.timedelta(days=3))
    assert _codes(judge_screening(answers, START)) == [("block", "opioid_recent")]


def test_answers_from_a_record_with_the_same_attribute_names():
    class Row:  # stands in for a journal.models.Screening row
        opioid_use_last_14_days = True
        opioid_names = "codeine"
        opioid_stopped_on = START
        acute_hepatitis = severe_liver_disease = severe_kidney_disease = False
        pregnancy_or_breastfeeding = naltrexone_hypersensitivity = False
        immunosuppressants_or_transplant = False
        thyroid_medication = True
        notes = "ignored"

    answers = ScreeningAnswers.from_record(Row())
    assert answers == ScreeningAnswers(
        opioid_use_last_14_days=True, opioid_names="codeine", opioid_stopped_on=START,
        thyroid_medication=True,
    )


def test_clean_screening_has_no_findings():
    assert judge_screening(ScreeningAnswers(), START) == []


@pytest.mark.parametrize(
    "field",
    [
        "acute_hepatitis",
        "severe_liver_disease",
        "severe_kidney_disease",
        "pregnancy_or_breastfeeding",
        "naltrexone_hypersensitivity",
        "immunosuppressants_or_transplant",
    ],
)
def test_contraindications_and_cautions_warn(field):
    findings = judge_screening(ScreeningAnswers(**{field: True}), START)
    assert _codes(findings) == [("warn", field)]
    assert not blocks_activation(findings)
    assert "[" in findings[0].reason


def test_thyroid_medication_warns_and_leaves_standing_note():
    findings = judge_screening(ScreeningAnswers(thyroid_medication=True), START)
    assert _codes(findings) == [("warn", "thyroid_medication"), ("note", "thyroid_watch")]
    assert findings[1].message == THYROID_WATCH_NOTE
    assert "palpitations" in THYROID_WATCH_NOTE
    assert "[000, 003]" in findings[1].reason


def test_findings_are_ordered_block_warn_note():
    answers = ScreeningAnswers(thyroid_medication=True, acute_hepatitis=True, opioid_use_last_14_days=True)
    levels = [f.level for f in judge_screening(answers, START)]
    assert levels == ["block", "warn", "warn", "note"]


@dataclass
class Med:
    name: str
    started_on: dt.date | None = None
    stopped_on: dt.date | None = None


TODAY = dt.date(2025, 3, 1)


def _days_ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


@pytest.mark.parametrize(
    ("medications", "expected"),
    [
        ([], ScreeningAnswers()),
        ([Med("Sertraline")], ScreeningAnswers()),
        (
            [Med("Tramadol 50mg")],
            ScreeningAnswers(opioid_use_last_14_days=True, opioid_names="Tramadol 50mg"),
        ),
        (
            [Med("Codeine", stopped_on=_days_ago(14)), Med("Percocet", stopped_on=_days_ago(3))],
            ScreeningAnswers(
                opioid_use_last_14_days=True,
                opioid_names="Codeine, Percocet",
                opioid_stopped_on=_days_ago(3),
            ),
        ),
        (
            # one still taken: no stop date, so the screening blocks until one is entered
            [Med("Codeine", stopped_on=_days_ago(3)), Med("Fentanyl patch")],
            ScreeningAnswers(opioid_use_last_14_days=True, opioid_names="Codeine, Fentanyl patch"),
        ),
        ([Med("Codeine", stopped_on=_days_ago(15))], ScreeningAnswers()),
        ([Med("Morphine", started_on=_days_ago(-5))], ScreeningAnswers()),  # not started yet
        ([Med("Levothyroxine")], ScreeningAnswers(thyroid_medication=True)),
        ([Med("Levothyroxine", stopped_on=TODAY)], ScreeningAnswers()),
        ([Med("Tacrolimus")], ScreeningAnswers(immunosuppressants_or_transplant=True)),
        ([Med("Tacrolimus", stopped_on=_days_ago(2))], ScreeningAnswers()),
    ],
)
def test_prefill_screening(medications, expected):
    assert prefill_screening(medications, TODAY) == expected
