"""The input bounds (journal.bounds): the window of every date a person can type, the sizes of
lists, the fixed spans the database holds, and the stored rows a clinician must look at."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from journal.bounds import (
    HISTORY_SPAN,
    INPUT_RULES,
    TREATMENT_SPAN,
    DateWindow,
    dispensing_window,
    export_window,
    invitation_problems,
    list_problem,
    opioid_window,
    record_problems,
    record_window,
    row_id,
    taken_window,
    typed_number,
)
from journal.findings import Level
from journal.schedule import PausePeriod, PlannedStep, PlanRecord

D = dt.date
TODAY = D(2026, 3, 2)


@pytest.mark.parametrize(
    ("opened_on", "today", "first", "last"),
    [
        (D(2026, 3, 2), TODAY, D(2025, 3, 2), D(2028, 3, 1)),  # a year back, two years ahead
        (D(2024, 6, 1), TODAY, D(2023, 6, 2), D(2028, 3, 1)),  # back from the record's opening
        (D(2030, 1, 1), TODAY, D(2025, 3, 2), D(2028, 3, 1)),  # a record "opened" ahead: from today
        (D(1, 1, 1), TODAY, D(2000, 1, 1), D(2028, 3, 1)),  # never before the treatment span
        (D(2026, 3, 2), D(2099, 1, 1), D(2025, 3, 2), D(2099, 12, 31)),  # nor after it
    ],
)
def test_the_record_window(opened_on, today, first, last):
    window = record_window(opened_on, today)
    assert (window.first, window.last) == (first, last)


@pytest.mark.parametrize(
    ("window", "first", "last"),
    [
        (taken_window(TODAY), D(1900, 1, 1), TODAY),
        (opioid_window(TODAY), D(1900, 1, 1), D(2028, 3, 1)),
        (export_window(TODAY), D(2000, 1, 1), TODAY),
        (TREATMENT_SPAN, D(2000, 1, 1), D(2099, 12, 31)),
        (HISTORY_SPAN, D(1900, 1, 1), D(2099, 12, 31)),
    ],
)
def test_each_kind_of_date_has_its_window(window, first, last):
    assert (window.first, window.last) == (first, last)


WINDOW = DateWindow(D(2026, 1, 1), D(2026, 12, 31), "too soon", "too late")


@pytest.mark.parametrize(
    ("day", "problem"),
    [
        (D(2026, 1, 1), None),
        (D(2026, 12, 31), None),
        (D(2025, 12, 31), "The date, 2025-12-31, is before 2026-01-01: too soon."),
        (D(1, 1, 1), "The date, 0001-01-01, is before 2026-01-01: too soon."),
        (D(9999, 12, 31), "The date, 9999-12-31, is after 2026-12-31: too late."),
    ],
)
def test_a_date_outside_its_window_is_refused_with_its_reason(day, problem):
    assert WINDOW.problem(day, "The date") == problem
    assert (day in WINDOW) is (problem is None)


@pytest.mark.parametrize(
    ("day", "read"),
    [(D(1, 1, 1), D(2000, 1, 1)), (D(2026, 3, 2), D(2026, 3, 2)), (D(9999, 12, 31), D(2099, 12, 31))],
)
def test_a_stored_date_is_read_within_the_treatment_span(day, read):
    assert TREATMENT_SPAN.clamp(day) == read


@pytest.mark.parametrize(
    ("items", "problem"),
    [
        (["a"] * 3, None),
        (["a"] * 4, "At most 3 conditions: this list has 4."),
        (["a" * 10], None),
        (["a" * 11], "“aaaaaaaaaaa…” is longer than 10 characters: shorten it."),
    ],
)
def test_a_typed_list_has_a_length_and_each_item_a_size(items, problem):
    too_many = "At most %(most)s conditions: this list has %(count)s."
    assert list_problem(items, most=3, max_chars=10, what=too_many) == problem


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1.5", Decimal("1.5")),
        ("0", Decimal("0")),
        ("0.000000001", Decimal("1E-9")),
        ("999999999", Decimal("999999999")),
        ("1000000000", None),  # ten digits: no dose, strength or step is that large
        ("0.0000000001", None),
        ("1e99999999", None),  # overflowed every sum and every shown figure
        ("NaN", None),
        ("-Infinity", None),
        ("three", None),
        ("1" * 21, None),
    ],
)
def test_a_typed_number_has_a_sane_size(text, number):
    assert typed_number(text) == number


@pytest.mark.parametrize(
    ("text", "pk"),
    [
        ("1", 1),
        (str(2**63 - 1), 2**63 - 1),
        (str(2**63), None),  # answered 500 on SQLite
        ("0", None),
        ("-1", None),
        ("²", None),  # a digit to str.isdigit, not to int()
        ("9" * 5000, None),  # more digits than int() reads
        ("", None),
    ],
)
def test_a_row_id_is_a_whole_number_both_databases_store(text, pk):
    assert row_id(text) == pk


def test_an_invitations_lists_are_judged_each_against_its_bound():
    assert invitation_problems(conditions=["c"] * 20, symptoms=["s"] * 12, medications=["m" * 200] * 30) == {}
    assert invitation_problems(conditions=["c"] * 21, symptoms=["s" * 121], medications=["m"] * 31) == {
        "conditions": "At most 20 conditions: this list has 21.",
        "symptoms": f"“{'s' * 40}…” is longer than 120 characters: shorten it.",
        "medications": "At most 30 medicines: this list has 31.",
    }


def test_every_input_rule_refuses_but_a_stored_row_only_warns():
    assert {rule.code: rule.level for rule in INPUT_RULES.values() if rule.level is not Level.REFUSE} == {
        "record_needs_attention": Level.WARN
    }
    assert all(rule.reason for rule in INPUT_RULES.values())


# --- rows already stored ------------------------------------------------------------------------

IN_WINDOW = record_window(TODAY, TODAY)


def plan(*days: dt.date, ended_on: dt.date | None = None) -> PlanRecord:
    steps = tuple(PlannedStep(day, Decimal("1.5"), step_id=index) for index, day in enumerate(days, 1))
    return PlanRecord(7, steps, ended_on=ended_on)


@pytest.mark.parametrize(
    ("plans", "pauses", "entry_days", "found"),
    [
        ([plan(D(2026, 2, 1), D(2026, 3, 1), ended_on=D(2026, 6, 1))], [], [D(2026, 3, 1)], []),
        (
            [plan(D(1, 1, 1), D(2026, 3, 1))],
            [],
            [],
            [("step", 1, "The step of 1.5 mg dated 0001-01-01 is outside 2025-03-02 to 2028-03-01")],
        ),
        ([plan(D(2026, 3, 1), ended_on=D(9999, 12, 31))], [], [], [("plan_end", 7, "end date, 9999-12-31")]),
        (
            [],
            [PausePeriod(D(2026, 3, 5), D(9999, 12, 31), "x", pause_id=3)],
            [],
            [("pause", 3, "The pause from 2026-03-05 to 9999-12-31 is outside")],
        ),
        (
            [],
            [],
            [D(1, 1, 1), D(2026, 3, 1), D(1999, 5, 1)],
            [
                (
                    "entries",
                    None,
                    "2 diary entries are dated outside 2025-03-02 to 2028-03-01, the dates this patient's "
                    "record may have (from 0001-01-01)",
                )
            ],
        ),
    ],
)
def test_record_problems_name_each_stored_row_outside_the_window(plans, pauses, entry_days, found):
    problems = record_problems(plans=plans, pauses=pauses, entry_days=entry_days, window=IN_WINDOW)
    assert len(problems) == len(found)
    for problem, (row, pk, words) in zip(problems, found, strict=True):
        assert (problem.row, problem.row_id) == (row, pk)
        assert words in problem.message


@pytest.mark.parametrize(
    ("row", "correction"),
    [
        ("step", "Remove this step"),
        ("pause", "Remove this pause"),
        ("plan_end", "Clear this end date"),
        ("entries", None),  # the patient's own diary: an administrator corrects it
    ],
)
def test_what_a_clinician_can_correct(row, correction):
    problem = record_problems(
        plans=[plan(D(1, 1, 1), ended_on=D(9999, 1, 1))],
        pauses=[PausePeriod(D(1, 1, 1), D(1, 1, 2), pause_id=4)],
        entry_days=[D(1, 1, 1)],
        window=IN_WINDOW,
    )
    (found,) = [problem for problem in problem if problem.row == row]
    assert found.correction == correction
    assert found.reason == INPUT_RULES["record_needs_attention"].reason


def test_a_refill_is_dispensed_from_the_plans_first_day_and_the_last_dispensing_to_today():
    today = dt.date(2026, 3, 20)
    window = dispensing_window(dt.date(2026, 2, 1), None, today)
    assert (window.first, window.last) == (dt.date(2026, 2, 1), today)
    assert dispensing_window(dt.date(2026, 2, 1), dt.date(2026, 3, 1), today).first == dt.date(2026, 3, 1)
    assert "record a refill once it has been dispensed" in window.problem(today + dt.timedelta(days=1), "It")
    # a plan written for a later first dose still takes today's refill
    assert dispensing_window(dt.date(2026, 4, 1), None, today).first == today
