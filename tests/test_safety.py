"""Safety (journal.safety): the screening questions as one table, the opioid washout, the
medication list over time, thyroid status and the one safety state every surface shows.
Name matching is in tests/test_medicines.py."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import models

from journal.findings import Level, stops_save
from journal.models import Screening
from journal.safety import (
    OPIOID_FIELDS,
    SCREENING_QUESTIONS,
    MedicationPeriod,
    SafetyState,
    ScreeningAnswers,
    ThyroidKind,
    judge_screening,
    judge_start,
    prefill_screening,
    safety_by_day,
    safety_state,
    thyroid_status,
)
from journal.schedule import DAY, PausePeriod, PlannedStep, PlanRecord, Schedule

START = dt.date(2025, 3, 20)


def codes(findings) -> list[tuple[str, str]]:
    return [(f.level, f.code) for f in findings]


def state_codes(state: SafetyState) -> tuple[str, ...]:
    return tuple(finding.code for finding in state.findings)


def yes(*fields: str, **opioids) -> ScreeningAnswers:
    return ScreeningAnswers(yes=frozenset(fields), **opioids)


# --- the screening questions as one table -------------------------------------------------------


def test_the_screening_model_has_one_boolean_field_per_question_and_the_opioid_fields():
    booleans = {f.name for f in Screening._meta.get_fields() if isinstance(f, models.BooleanField)}
    assert booleans == {q.field for q in SCREENING_QUESTIONS} | {"opioid_use_last_14_days"}
    assert {f.name for f in Screening._meta.get_fields()} >= set(OPIOID_FIELDS)


def test_each_question_is_declared_once():
    fields = [q.field for q in SCREENING_QUESTIONS]
    assert len(fields) == len(set(fields))


@pytest.mark.parametrize(
    "answers",
    [
        ScreeningAnswers(),
        yes("acute_opioid_withdrawal", "thyroid_medication"),
        yes(
            *(q.field for q in SCREENING_QUESTIONS),
            opioid_use_last_14_days=True,
            opioid_names="codeine",
            opioid_stopped_on=START,
        ),
    ],
)
def test_answers_round_trip_through_the_screening_model(answers):
    assert ScreeningAnswers.from_record(Screening(**answers.as_fields())) == answers


def test_answers_from_a_record_with_the_same_attribute_names():
    class Row:  # stands in for a journal.models.Screening row
        opioid_use_last_14_days = True
        opioid_names = "codeine"
        opioid_stopped_on = START
        notes = "ignored"

    for question in SCREENING_QUESTIONS:
        setattr(Row, question.field, question.field == "thyroid_medication")
    answers = ScreeningAnswers.from_record(Row())
    assert answers == yes(
        "thyroid_medication", opioid_use_last_14_days=True, opioid_names="codeine", opioid_stopped_on=START
    )


def test_an_answer_that_is_not_a_question_is_refused():
    with pytest.raises(ValueError, match="Not screening questions"):
        yes("thyroid")


def test_clean_screening_has_no_findings():
    assert judge_screening(ScreeningAnswers(), START) == []


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("acute_opioid_withdrawal", [("block", "acute_opioid_withdrawal")]),  # new question
        ("naltrexone_hypersensitivity", [("block", "naltrexone_hypersensitivity")]),  # was a warning
        ("acute_hepatitis", [("warn", "acute_hepatitis")]),
        ("severe_liver_disease", [("warn", "severe_liver_disease")]),
        ("severe_kidney_disease", [("warn", "severe_kidney_disease")]),
        ("pregnancy_or_breastfeeding", [("warn", "pregnancy_or_breastfeeding")]),
        ("immunosuppressants_or_transplant", [("warn", "immunosuppressants_or_transplant")]),
        ("chemotherapy", [("warn", "chemotherapy")]),  # new question
        ("long_term_opioid_use", []),  # changes the washout, nothing of its own
        ("thyroid_medication", [("note", "thyroid_watch")]),  # was a warning and a note
    ],
)
def test_each_question_answered_yes(field, expected):
    assert codes(judge_screening(yes(field), START)) == expected


@pytest.mark.parametrize(
    ("field", "stops"),
    [("acute_opioid_withdrawal", True), ("naltrexone_hypersensitivity", True), ("chemotherapy", False)],
)
def test_blocking_answers_stop_the_save(field, stops):
    assert stops_save(judge_screening(yes(field), START)) is stops


@pytest.mark.parametrize("question", SCREENING_QUESTIONS, ids=lambda q: q.field)
def test_every_reason_cites_a_source_and_none_speaks_of_full_dose(question):
    assert "[0" in question.reason
    assert "full dose" not in question.reason


@pytest.mark.parametrize(
    "field",
    ["acute_hepatitis", "severe_liver_disease", "severe_kidney_disease", "pregnancy_or_breastfeeding"],
)
def test_contraindications_are_listed_for_ldn(field):
    (question,) = [q for q in SCREENING_QUESTIONS if q.field == field]
    assert "contraindication to LDN" in question.reason


def test_findings_are_ordered_block_warn_note():
    answers = yes("thyroid_medication", "acute_hepatitis", "chemotherapy", opioid_use_last_14_days=True)
    assert [f.level for f in judge_screening(answers, START)] == ["block", "warn", "warn", "note"]


def test_the_screenings_thyroid_answer_is_the_unspecified_thyroid_note():
    (note,) = judge_screening(yes("thyroid_medication"), START)
    assert note == thyroid_status(yes("thyroid_medication"), [], START).finding()


# --- the opioid washout ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_before_start", "long_term", "level", "code"),
    [
        (-2, False, "block", "opioid_recent"),  # stops after the start date
        (0, False, "block", "opioid_recent"),
        (6, False, "block", "opioid_recent"),
        (7, False, "warn", "opioid_washout_short"),
        (14, False, "warn", "opioid_washout_short"),
        (15, False, "note", "opioid_past"),
        # after long-term use the washout is at least 10 days
        (7, True, "block", "opioid_recent"),
        (9, True, "block", "opioid_recent"),
        (10, True, "warn", "opioid_washout_short"),
        (14, True, "warn", "opioid_washout_short"),
        (15, True, "note", "opioid_past"),
    ],
)
def test_opioid_washout_boundaries(days_before_start, long_term, level, code):
    answers = yes(
        *(["long_term_opioid_use"] if long_term else []),
        opioid_use_last_14_days=True,
        opioid_names="tramadol",
        opioid_stopped_on=START - days_before_start * DAY,
    )
    findings = judge_screening(answers, START)
    assert codes(findings) == [(level, code)]
    assert stops_save(findings) is (level == "block")


def test_washout_message_and_reason():
    answers = yes(opioid_use_last_14_days=True, opioid_names="tramadol", opioid_stopped_on=START - 3 * DAY)
    (finding,) = judge_screening(answers, START)
    assert finding.message == (
        "Tramadol: last dose on 2025-03-17, 3 days before the start date (at least 7 needed)."
    )
    assert "[003, 004]" in finding.reason


def test_long_term_washout_message_says_why():
    answers = yes("long_term_opioid_use", opioid_stopped_on=START - 8 * DAY)
    (finding,) = judge_screening(answers, START)
    assert finding.message.endswith("(at least 10 needed after long-term use).")


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        # ticked, no last dose: still taking
        (yes(opioid_use_last_14_days=True), [("block", "opioid_current")]),
        # a last dose given without the tick is judged all the same
        (yes(opioid_stopped_on=START - 3 * DAY), [("block", "opioid_recent")]),
        # an opioid named without the tick (issue 9)
        (yes(opioid_names="tramadol 50 mg daily"), [("block", "opioid_current")]),
        (yes(opioid_names="Ｔｒａｍａｄｏｌ"), [("block", "opioid_current")]),
        (yes(opioid_names="tramadol", opioid_stopped_on=START - 20 * DAY), [("note", "opioid_past")]),
        # a name that is no opioid, box unticked: nothing to judge
        (yes(opioid_names="ibuprofen"), []),
        (yes(opioid_names="naltrexone"), []),
    ],
)
def test_what_puts_an_opioid_on_record(answers, expected):
    assert codes(judge_screening(answers, START)) == expected


def test_an_opioid_named_without_the_tick_is_named_in_the_finding():
    (finding,) = judge_screening(yes(opioid_names="tramadol 50 mg daily"), START)
    assert finding.message.startswith("Opioid use (Tramadol 50 mg daily) with no last dose given")


# --- the medication list over time ---------------------------------------------------------------

LISTED = dt.date(2025, 3, 10)


@pytest.mark.parametrize(
    ("medication", "day", "taken"),
    [
        # the stop date is the last day taken
        (MedicationPeriod("Codeine", started_on=LISTED, stopped_on=START), START, True),
        (MedicationPeriod("Codeine", started_on=LISTED, stopped_on=START), START + DAY, False),
        (MedicationPeriod("Codeine", started_on=LISTED), LISTED - DAY, False),
        (MedicationPeriod("Codeine", started_on=LISTED), LISTED, True),
        # no start date: from the day it was listed, not from forever
        (MedicationPeriod("Codeine", listed_on=LISTED), LISTED - DAY, False),
        (MedicationPeriod("Codeine", listed_on=LISTED), LISTED, True),
        # a start date given wins over the day it was listed
        (
            MedicationPeriod("Codeine", started_on=LISTED - 30 * DAY, listed_on=LISTED),
            LISTED - 30 * DAY,
            True,
        ),
        # neither known: taken all along
        (MedicationPeriod("Codeine"), dt.date(2000, 1, 1), True),
    ],
)
def test_a_medication_is_taken_from_its_first_day_to_its_stop_date(medication, day, taken):
    assert medication.taken_on(day) is taken


@pytest.mark.parametrize(
    ("name", "dose_text", "label"),
    [("Tramadol", "50 mg", "Tramadol 50 mg"), ("Tramadol", "", "Tramadol")],
)
def test_medication_label(name, dose_text, label):
    assert MedicationPeriod(name, dose_text).label == label


TODAY = dt.date(2025, 3, 1)


def days_ago(days: int) -> dt.date:
    return TODAY - days * DAY


def med(name: str, started_on=None, stopped_on=None) -> MedicationPeriod:
    return MedicationPeriod(name, started_on=started_on, stopped_on=stopped_on)


@pytest.mark.parametrize(
    ("medications", "expected"),
    [
        ([], ScreeningAnswers()),
        ([med("Sertraline")], ScreeningAnswers()),
        ([med("Tramadol 50mg")], yes(opioid_use_last_14_days=True, opioid_names="Tramadol 50mg")),
        (
            [med("Codeine", stopped_on=days_ago(14)), med("Percocet", stopped_on=days_ago(3))],
            yes(
                opioid_use_last_14_days=True, opioid_names="Codeine, Percocet", opioid_stopped_on=days_ago(3)
            ),
        ),
        (
            # one still taken: no last dose, so the screening blocks until one is entered
            [med("Codeine", stopped_on=days_ago(3)), med("Fentanyl patch")],
            yes(opioid_use_last_14_days=True, opioid_names="Codeine, Fentanyl patch"),
        ),
        ([med("Codeine", stopped_on=days_ago(15))], ScreeningAnswers()),
        ([med("Morphine", started_on=days_ago(-5))], ScreeningAnswers()),  # not started yet
        ([med("Levothyroxine")], yes("thyroid_medication")),
        ([med("Carbimazole")], yes("thyroid_medication")),
        # the stop date is the last day taken: stopped today is still taken today (was: not taken)
        ([med("Levothyroxine", stopped_on=TODAY)], yes("thyroid_medication")),
        ([med("Levothyroxine", stopped_on=days_ago(1))], ScreeningAnswers()),
        ([med("Tacrolimus")], yes("immunosuppressants_or_transplant")),
        ([med("Tacrolimus", stopped_on=days_ago(2))], ScreeningAnswers()),
        ([med("Lomotil")], ScreeningAnswers()),  # a gut-acting opioid is no opioid use to wash out
    ],
)
def test_prefill_screening(medications, expected):
    assert prefill_screening(medications, TODAY) == expected


# --- judging a start of LDN (a first plan, a later plan, a resumption) ----------------------------


@pytest.mark.parametrize(
    ("answers", "medications", "expected"),
    [
        (None, [], [("block", "no_screening")]),
        (ScreeningAnswers(), [], []),
        # a second plan while oxycodone is on the list (issue 9)
        (
            ScreeningAnswers(),
            [MedicationPeriod("Oxycodone", listed_on=START - 90 * DAY)],
            [("block", "opioid_current")],
        ),
        # an opioid whose last day is the start day is still taken on it
        (ScreeningAnswers(), [med("Oxycodone", stopped_on=START)], [("block", "opioid_current")]),
        # stopped 3 days before a resumption
        (ScreeningAnswers(), [med("Oxycodone", stopped_on=START - 3 * DAY)], [("block", "opioid_recent")]),
        (
            ScreeningAnswers(),
            [med("Oxycodone", stopped_on=START - 10 * DAY)],
            [("warn", "opioid_washout_short")],
        ),
        (
            yes("long_term_opioid_use"),
            [med("Oxycodone", stopped_on=START - 8 * DAY)],
            [("block", "opioid_recent")],
        ),
        (ScreeningAnswers(), [med("Oxycodone", stopped_on=START - 15 * DAY)], []),
        # an opioid listed to start after the start day is not in the way of it
        (ScreeningAnswers(), [med("Oxycodone", started_on=START + DAY)], []),
        (ScreeningAnswers(), [med("Sertraline")], []),
    ],
)
def test_judge_start(answers, medications, expected):
    assert codes(judge_start(answers, medications, START)) == expected


def test_judge_start_says_which_start():
    (finding,) = judge_start(
        ScreeningAnswers(), [med("Oxycodone", stopped_on=START - 3 * DAY)], START, what="the resumption"
    )
    assert finding.message == (
        "Oxycodone: last dose on 2025-03-17, 3 days before the resumption (at least 7 needed)."
    )


# --- thyroid status --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "medications", "kind", "names"),
    [
        (None, [], ThyroidKind.NONE, ()),
        (ScreeningAnswers(), [med("Sertraline")], ThyroidKind.NONE, ()),
        # the screening only: the medicine and its direction are not known
        (yes("thyroid_medication"), [], ThyroidKind.UNSPECIFIED, ()),
        (None, [med("Levothyroxine 50 mcg")], ThyroidKind.REPLACEMENT, ("Levothyroxine 50 mcg",)),
        (yes("thyroid_medication"), [med("Levo")], ThyroidKind.REPLACEMENT, ("Levo",)),
        (None, [med("Armour Thyroid")], ThyroidKind.REPLACEMENT, ("Armour Thyroid",)),
        (None, [med("Carbimazole")], ThyroidKind.ANTITHYROID, ("Carbimazole",)),
        (None, [med("PTU")], ThyroidKind.ANTITHYROID, ("PTU",)),
        # both kinds listed: the antithyroid direction is the one to watch
        (
            None,
            [med("Levothyroxine"), med("Methimazole")],
            ThyroidKind.ANTITHYROID,
            ("Levothyroxine", "Methimazole"),
        ),
        # a thyroid medicine stopped before the day does not count
        (None, [med("Levothyroxine", stopped_on=TODAY - DAY)], ThyroidKind.NONE, ()),
    ],
)
def test_thyroid_status(answers, medications, kind, names):
    status = thyroid_status(answers, medications, TODAY)
    assert status.kind is kind
    assert status.medicines == names
    assert status.on_thyroid_medication is (kind is not ThyroidKind.NONE)


@pytest.mark.parametrize(
    ("medication", "title"),
    [
        (None, "Thyroid medication:"),
        ("Levothyroxine", "Thyroid hormone replacement (Levothyroxine):"),
        ("Carbimazole", "Antithyroid medicine (Carbimazole):"),
    ],
)
def test_the_thyroid_note(medication, title):
    medications = [med(medication)] if medication else []
    note = thyroid_status(yes("thyroid_medication"), medications, TODAY).finding()
    assert (note.level, note.code) == (Level.NOTE, "thyroid_watch")
    assert note.message.startswith(title)
    assert "[000, 003]" in note.reason


@pytest.mark.parametrize("answers", [ScreeningAnswers(), yes("thyroid_medication")])
@pytest.mark.parametrize("name", ["Levothyroxine", "Carbimazole"])
def test_a_start_is_judged_with_the_thyroid_medicine_listed_as_the_safety_state_is(answers, name):
    """The plan editor's note names the medicine and its direction, as the patient page does:
    it gave the unspecified note, or none when the screening's box was not ticked."""
    listed = [med(name, started_on=TODAY - 100 * DAY)]
    expected = thyroid_status(answers, listed, TODAY).finding()
    assert expected is not None and name in expected.message
    assert expected in judge_start(answers, listed, TODAY)
    patient_page = safety_state(answers=answers, medications=listed, schedule=Schedule(), day=TODAY)
    assert expected in patient_page.findings


def test_no_thyroid_note_without_thyroid_medication():
    assert thyroid_status(ScreeningAnswers(), [], TODAY).finding() is None


def test_replacement_wording_watches_for_too_much_hormone():
    watch = thyroid_status(None, [med("Levothyroxine")], TODAY).watch_for
    assert "dose may become too high" in watch
    assert "palpitations" in watch


@pytest.mark.parametrize("name", ["Carbimazole", "Methimazole", "PTU", "propylthiouracil"])
def test_antithyroid_wording_is_in_its_own_direction(name):
    note = thyroid_status(None, [med(name)], TODAY).finding()
    assert "too much thyroid medication" not in note.message
    assert "dose may become too high" not in note.message
    assert "antithyroid dose may need review" in note.message


# --- the safety state -------------------------------------------------------------------------------

FIRST = dt.date(2026, 1, 1)


def on(day: int) -> dt.date:
    """Day 1 is the first dose."""
    return FIRST + (day - 1) * DAY


def schedule(*pauses: tuple[int, int], ended_on: int | None = None) -> Schedule:
    plan = PlanRecord(
        1,
        (PlannedStep(on(1), Decimal("1.5")), PlannedStep(on(29), Decimal("3"))),
        ended_on=None if ended_on is None else on(ended_on),
    )
    return Schedule([plan], [PausePeriod(on(first), on(last), "surgery") for first, last in pauses])


CLEAN = ScreeningAnswers()


def state(medications=(), *, answers=CLEAN, plan=None, day: int):
    return safety_state(
        answers=answers,
        medications=list(medications),
        schedule=schedule() if plan is None else plan,
        day=on(day),
    )


TRAMADOL_DAY_151 = MedicationPeriod("Tramadol", "50 mg", listed_on=on(151))


def test_an_opioid_added_mid_treatment_blocks():
    found = state([TRAMADOL_DAY_151], day=151)
    assert state_codes(found) == ("opioid_with_ldn",)
    assert found.worst is Level.BLOCK
    assert found.findings[0].message == (
        f"Opioid on the medication list since {on(151).isoformat()}, while LDN is prescribed: Tramadol 50 mg."
    )


def test_an_opioid_added_mid_treatment_tells_the_patient():
    found = state([TRAMADOL_DAY_151], day=151)
    assert "Do not take LDN together with Tramadol" in found.notice_for_patient
    assert "Contact your clinic" in found.notice_for_patient


def test_an_opioid_added_mid_treatment_is_an_alert():
    found = state([TRAMADOL_DAY_151], day=151)
    assert [f.code for f in found.alerts] == ["opioid_with_ldn"]
    assert [f.code for f in found.concerns] == ["opioid_with_ldn"]


@pytest.mark.parametrize("day", [1, 100, 150])
def test_an_opioid_does_not_count_before_it_was_listed(day):
    found = state([TRAMADOL_DAY_151], day=day)
    assert state_codes(found) == ()
    assert found.notice_for_patient == ""


@pytest.mark.parametrize(
    ("medications", "plan", "day", "expected"),
    [
        # an opioid during a pause warns about the resumption
        (
            [med("Oxycodone", started_on=on(100), stopped_on=on(105))],
            schedule((100, 110)),
            102,
            [("warn", "opioid_during_pause")],
        ),
        # stopped 3 days before the resumption: blocks, during the pause and on the day LDN resumes
        (
            [med("Oxycodone", started_on=on(100), stopped_on=on(107))],
            schedule((100, 110)),
            109,
            [("block", "opioid_recent")],
        ),
        (
            [med("Oxycodone", started_on=on(100), stopped_on=on(107))],
            schedule((100, 110)),
            111,
            [("block", "opioid_recent")],
        ),
        # stopped 10 days before the resumption: within the window
        (
            [med("Oxycodone", started_on=on(100), stopped_on=on(100))],
            schedule((100, 110)),
            111,
            [("warn", "opioid_washout_short")],
        ),
        # taken on LDN days, then stopped: the next dose is too soon
        (
            [med("Codeine", started_on=on(50), stopped_on=on(52))],
            schedule(),
            52,
            [("block", "opioid_with_ldn")],
        ),
        (
            [med("Codeine", started_on=on(50), stopped_on=on(52))],
            schedule(),
            53,
            [("block", "opioid_recent")],
        ),
        ([med("Codeine", started_on=on(50), stopped_on=on(52))], schedule(), 68, []),
        # a plan that ends during the pause: nothing resumes, nothing to warn about
        ([med("Oxycodone", started_on=on(100))], schedule((100, 110), ended_on=105), 102, []),
        # after the plan has ended nothing is taken with LDN
        ([med("Codeine", started_on=on(80))], schedule(ended_on=60), 80, []),
        # before the first dose: the opioid stands in the way of the start
        ([med("Codeine", started_on=on(-10))], schedule(), -5, [("block", "opioid_with_ldn")]),
        # a gut-acting opioid warns, with its reason
        ([med("Lomotil")], schedule(), 40, [("warn", "gut_opioid")]),
        # an immunosuppressant on the list that the screening did not record
        ([med("Tacrolimus")], schedule(), 40, [("warn", "immunosuppressants_or_transplant")]),
    ],
)
def test_safety_state_over_the_course(medications, plan, day, expected):
    assert codes(state(medications, plan=plan, day=day).findings) == expected


@pytest.mark.parametrize(
    ("plan", "resumes"),
    [
        (schedule((100, 110)), on(111)),
        # the plan ends in the pause and a new one starts later: LDN resumes with it
        (
            Schedule(
                [
                    PlanRecord(1, (PlannedStep(on(1), Decimal("1.5")),), ended_on=on(105)),
                    PlanRecord(2, (PlannedStep(on(120), Decimal("0.5")),)),
                ],
                [PausePeriod(on(100), on(110), "surgery")],
            ),
            on(120),
        ),
    ],
)
def test_an_opioid_during_a_pause_names_the_resumption(plan, resumes):
    found = state([med("Oxycodone", started_on=on(100))], plan=plan, day=102)
    assert f"LDN resumes on {resumes.isoformat()}" in found.findings[0].message


# 1.5 mg every other day from day 1: doses on days 1, 3, 5 …; days 2, 4 … have none.
EVERY_OTHER_DAY = Schedule(
    [PlanRecord(1, (PlannedStep(on(1), Decimal("1.5"), frequency="every_other_day"),))]
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # stopped on day 40, a dose day; day 46 has no dose: the next dose (day 47) is 7 days on
        (46, [("warn", "opioid_washout_short")]),
        (47, [("warn", "opioid_washout_short")]),
        # day 45 is a dose day 5 days on
        (45, [("block", "opioid_recent")]),
    ],
)
def test_the_washout_counts_to_the_next_dose_day_on_a_day_without_a_dose(day, expected):
    found = state([med("Oxycodone", started_on=on(35), stopped_on=on(40))], plan=EVERY_OTHER_DAY, day=day)
    assert codes(found.findings) == expected


def test_an_opioid_during_a_pause_is_no_notice_for_the_patient():
    found = state([med("Oxycodone", started_on=on(100))], plan=schedule((100, 110)), day=102)
    assert found.notice_for_patient == ""


def test_the_screening_is_judged_against_the_current_plans_start():
    answers = yes(opioid_use_last_14_days=True, opioid_names="codeine", opioid_stopped_on=on(1) - 10 * DAY)
    assert state_codes(state(answers=answers, day=200)) == ("opioid_washout_short",)


@pytest.mark.parametrize(
    ("answers", "plan", "expected"),
    [
        (None, schedule(), [("warn", "no_screening")]),
        (None, Schedule(), []),
        (yes("acute_opioid_withdrawal"), schedule(), [("block", "acute_opioid_withdrawal")]),
        (yes("thyroid_medication"), schedule(), [("note", "thyroid_watch")]),
    ],
)
def test_safety_state_from_the_screening(answers, plan, expected):
    assert codes(state(answers=answers, plan=plan, day=40).findings) == expected


def test_the_thyroid_status_is_part_of_the_state():
    found = state([med("Carbimazole")], answers=yes("thyroid_medication"), day=40)
    assert found.thyroid.kind is ThyroidKind.ANTITHYROID


def test_one_thyroid_note_from_the_screening_and_the_list():
    found = state([med("Carbimazole")], answers=yes("thyroid_medication"), day=40)
    (note,) = found.findings
    assert note.message.startswith("Antithyroid medicine (Carbimazole):")


# --- safety_by_day is safety_state, day by day ------------------------------------------------------

NAMES = ["Tramadol", "Codeine 30 mg", "Levothyroxine", "Carbimazole", "Tacrolimus", "Lomotil", "Sertraline"]
ORIGIN = dt.date(2026, 1, 1)


def _day(rng: random.Random, low: int, high: int) -> dt.date:
    return ORIGIN + rng.randint(low, high) * DAY


def random_history(seed: int) -> tuple[ScreeningAnswers | None, list[MedicationPeriod], Schedule]:
    """Up to three plans (some ended, some with a gap before the next), up to two pauses, up
    to four medications with or without start, stop and listing dates, and a screening or none."""
    rng = random.Random(seed)
    plans, day = [], rng.randint(0, 60)
    for plan_id in range(1, rng.randint(0, 3) + 1):
        steps, step_day = [], day
        for _ in range(rng.randint(1, 3)):
            dose = Decimal(rng.choice(["0.5", "1.5", "3", "4.5"]))
            steps.append(PlannedStep(ORIGIN + step_day * DAY, dose, rng.choice(["bedtime", "morning"])))
            step_day += rng.randint(1, 30)
        ended_on = ORIGIN + (day + rng.randint(1, 90)) * DAY if rng.random() < 0.6 else None
        day = (ended_on - ORIGIN).days if ended_on else step_day
        day += rng.randint(0, 40)
        plans.append(PlanRecord(plan_id, tuple(steps), ended_on=ended_on))
    pauses, pause_day = [], rng.randint(0, 150)
    for _ in range(rng.randint(0, 2)):
        last = pause_day + rng.randint(0, 20)
        pauses.append(PausePeriod(ORIGIN + pause_day * DAY, ORIGIN + last * DAY, "surgery"))
        pause_day = last + rng.randint(2, 80)
    medications = []
    for _ in range(rng.randint(0, 4)):
        started = _day(rng, -20, 250) if rng.random() < 0.5 else None
        listed = _day(rng, -20, 250) if rng.random() < 0.7 else None
        stopped = (started or listed or ORIGIN) + rng.randint(0, 60) * DAY if rng.random() < 0.5 else None
        dose_text = rng.choice(["", "50 mg"])
        medications.append(MedicationPeriod(rng.choice(NAMES), dose_text, started, stopped, listed))
    answers = None
    if rng.random() < 0.8:
        used = rng.random() < 0.4
        answers = ScreeningAnswers(
            opioid_use_last_14_days=used,
            opioid_names=rng.choice(["", "codeine", "tramadol 50 mg daily"]),
            opioid_stopped_on=_day(rng, -30, 100) if rng.random() < 0.4 else None,
            yes=frozenset(q.field for q in SCREENING_QUESTIONS if rng.random() < 0.15),
        )
    return answers, medications, Schedule(plans, pauses)


@pytest.mark.parametrize("seed", range(40))
def test_safety_by_day_is_safety_state_on_every_day(seed):
    answers, medications, plan = random_history(seed)
    days = [ORIGIN - 30 * DAY + offset * DAY for offset in range(330)]
    by_day = dict(safety_by_day(answers=answers, medications=medications, schedule=plan, days=days))
    for day in days:
        expected = safety_state(answers=answers, medications=medications, schedule=plan, day=day)
        assert by_day[day] == expected, day


def test_safety_by_day_without_a_plan_judges_the_washout_against_each_day():
    answers = yes(opioid_use_last_14_days=True, opioid_names="codeine", opioid_stopped_on=ORIGIN)
    days = [ORIGIN + offset * DAY for offset in range(20)]
    by_day = dict(safety_by_day(answers=answers, medications=[], schedule=Schedule(), days=days))
    assert [state_codes(by_day[ORIGIN + n * DAY]) for n in (6, 7, 14, 15)] == [
        ("opioid_recent",),
        ("opioid_washout_short",),
        ("opioid_washout_short",),
        ("opioid_past",),
    ]
