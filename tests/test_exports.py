"""journal.exports: columns, safe cells, CSV text, ranges and names (plain Python, no database)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest

from journal.advice import ReportedSideEffect
from journal.assessment import Measure, PatientRecord
from journal.bounds import SERIES_MAX_DAYS
from journal.caregiving import Logger
from journal.charts import patient_figure
from journal.exports import (
    PRINT_CHART_WIDTH_PX,
    PRINT_MARGIN,
    PRINT_MAX_PLOT_PX,
    ROWS_AT_ONCE,
    EntryRecord,
    ExportDay,
    MedicationPeriod,
    SideEffectTally,
    answer_cell,
    cell,
    columns_for,
    csv_lines,
    default_range,
    dictionary_lines,
    encoded_chunks,
    export_filename,
    neutralise,
    previous_visit,
    print_figure,
    question_cell,
    range_problems,
    tally_side_effects,
)
from journal.findings import Finding
from journal.labs import LabValue, result_words
from journal.models import SideEffectKind
from journal.safety import SafetyState, ScreeningAnswers, ThyroidKind, ThyroidStatus, safety_state
from journal.schedule import DAY, Dose, PausePeriod, PlannedStep, PlanRecord, Schedule

TODAY = dt.date(2026, 11, 21)
PAIN = SimpleNamespace(pk=1, name="Pain", higher_is_better=False, clinic_id=None)
ENERGY = SimpleNamespace(pk=2, name="Energy", higher_is_better=True, clinic_id=None)


def parse(lines) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO("".join(lines))))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("-", "'-"),
        # Plain negative numbers are numbers to a spreadsheet, not formulas: left alone.
        ("-2", "-2"),
        ("-0.5", "-0.5"),
        # Not at the start, or a harmless first character: unchanged.
        ("slept badly, 2=3", "slept badly, 2=3"),
        ("café", "café"),
        ("", ""),
    ],
)
def test_neutralise(text, expected):
    assert neutralise(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (Decimal("1.500"), "1.5"),
        (Decimal("4.5"), "4.5"),
        (Decimal("0.125"), "0.125"),
        (Decimal("10.000"), "10"),  # never 1E+1
        (Decimal("-1.25"), "-1.25"),  # numbers are never prefixed
        (-4, "-4"),
        (0, "0"),
        ("=cmd", "'=cmd"),
        ("yes", "yes"),
    ],
)
def test_cell_writes_numbers_as_numbers_and_neutralises_text(value, expected):
    assert cell(value) == expected


def test_columns_and_dictionary_come_from_one_list():
    columns = columns_for([ENERGY, PAIN])
    names = [column.name for column in columns]
    assert names[:3] == ["patient_code", "date", "day_on_ldn"]
    assert [f"side_effect_{kind}" for kind in SideEffectKind.values] == [
        name for name in names if name.startswith("side_effect_") and name != "side_effect_other_text"
    ]
    assert names.index("Energy score") < names.index("Pain score") < names.index("sleep_quality")
    header = next(csv.reader([next(csv_lines(columns, []))]))
    dictionary = parse(dictionary_lines(columns))
    assert header == [row["column"] for row in dictionary] == names
    assert all(row["description"] for row in dictionary)
    pain = next(row for row in dictionary if row["column"] == "Pain score")
    assert pain["allowed_values"] == "0–10 (whole numbers)"
    assert "lower is better" in pain["description"]


def test_a_clinics_own_symptom_with_a_catalogue_name_gets_its_own_column():
    clinic_pain = SimpleNamespace(pk=9, name="Pain", higher_is_better=False, clinic_id=3)
    names = [column.name for column in columns_for([PAIN, clinic_pain])]
    assert "Pain score" in names
    assert "Pain (clinic's own) score" in names


def test_rows_fill_every_column_and_leave_days_without_entry_blank():
    step = Schedule([PlanRecord(1, (PlannedStep(dt.date(2026, 11, 1), Decimal("1.500")),))]).prescribed(
        dt.date(2026, 11, 2)
    )
    entry = EntryRecord(
        dose_taken=True,
        dose_mg=Decimal("1.500"),
        timing_taken="bedtime",
        time_taken=dt.time(22, 5),
        sleep_quality=6,
        notes='slept "ok", then\nwoke',
        edit_count=2,
        side_effects={"headache": "mild", "other": "moderate"},
        other_side_effect="dry mouth",
        scores={PAIN.pk: 7},
        logged_by=Logger.CAREGIVER,
    )
    medication = MedicationPeriod("Levothyroxine", "50 mcg", started_on=dt.date(2026, 11, 3))
    days = [
        ExportDay(
            "RLC-1",
            dt.date(2026, 11, 2),
            dt.date(2026, 11, 1),
            step,
            entry,
            [medication],
            plan_reasons=("Headaches: stay longer.",),
            questions=(question_cell("=1+1", ""), question_cell("Is it ok?", "Yes.")),
            lab_results=("TSH 2.1 mIU/L (0.4–4.0)", "CRP 3 mg/L"),
            questionnaires=(
                answer_cell("Patient Global Impression of Change (PGIC)", "2 (Much improved)", 1),
            ),
            step=step,
        ),
        ExportDay("RLC-1", dt.date(2026, 11, 3), dt.date(2026, 11, 1), step, None, [medication], step=step),
    ]
    logged, gap = parse(csv_lines(columns_for([PAIN]), days))
    assert logged == {
        "patient_code": "RLC-1",
        "date": "2026-11-02",
        "day_on_ldn": "2",
        "prescribed_dose_mg": "1.5",
        "prescribed_timing": "bedtime",
        "prescribed_frequency": "daily",
        "prescribed_release": "immediate",
        "prescribed_filler": "",
        "paused": "",
        "pause_recorded_on": "",
        "dose_taken": "yes",
        "dose_taken_mg": "1.5",
        "timing_taken": "bedtime",
        "time_taken": "22:05",
        "side_effect_vivid_dreams": "",
        "side_effect_insomnia": "",
        "side_effect_headache": "mild",
        "side_effect_nausea": "",
        "side_effect_anxiety": "",
        "side_effect_daytime_fatigue": "",
        "side_effect_other": "moderate",
        "side_effect_other_text": "dry mouth",
        "Pain score": "7",
        "sleep_quality": "6",
        "other_medications": "",
        "safety": "",
        "notes": 'slept "ok", then\nwoke',
        "edited": "yes",
        "logged_by": "caregiver",
        "plan_change_reasons": "Headaches: stay longer.",
        "questions": "'=1+1 — not answered yet; Is it ok? — answer: Yes.",  # neutralised for a spreadsheet
        "lab_results": "TSH 2.1 mIU/L (0.4–4.0); CRP 3 mg/L",
        "questionnaires": "Patient Global Impression of Change (PGIC) v1: 2 (Much improved)",
    }
    assert gap["date"] == "2026-11-03"
    assert gap["prescribed_dose_mg"] == "1.5"
    assert gap["other_medications"] == "Levothyroxine 50 mcg"
    entry_columns = [
        name
        for name in gap
        if name
        not in {
            "patient_code",
            "date",
            "day_on_ldn",
            "prescribed_dose_mg",
            "prescribed_timing",
            "prescribed_frequency",
            "prescribed_release",
            "prescribed_filler",
            "other_medications",
            "safety",
        }
    ]
    assert all(gap[name] == "" for name in entry_columns)


def test_a_paused_day_says_so_and_when_the_pause_was_recorded():
    pause = PausePeriod(
        dt.date(2026, 11, 2), dt.date(2026, 11, 3), "surgery", recorded_on=dt.date(2026, 11, 5)
    )
    (row,) = parse(csv_lines(columns_for([]), [ExportDay("RLC-1", dt.date(2026, 11, 2), pause=pause)]))
    assert (row["prescribed_dose_mg"], row["paused"], row["pause_recorded_on"]) == ("", "yes", "2026-11-05")


NOV = dt.date(2026, 11, 1)


def other_medications(medication: MedicationPeriod, days: list[dt.date]) -> list[str]:
    rows = parse(csv_lines(columns_for([]), [ExportDay("P", day, medications=[medication]) for day in days]))
    return [row["other_medications"] for row in rows]


@pytest.mark.parametrize(
    ("medication", "listed"),
    [
        # no start date: from the day it was listed, not back to the start of the range
        (MedicationPeriod("Tramadol", listed_on=NOV + 5 * DAY), [False] * 5 + [True] * 5),
        (
            MedicationPeriod("Tramadol", started_on=NOV + 2 * DAY, listed_on=NOV + 5 * DAY),
            [False] * 2 + [True] * 8,
        ),
        # the stop date is the last day taken
        (MedicationPeriod("Tramadol", started_on=NOV, stopped_on=NOV + 3 * DAY), [True] * 4 + [False] * 6),
    ],
)
def test_other_medications_from_their_first_to_their_last_day(medication, listed):
    days = [NOV + offset * DAY for offset in range(10)]
    assert other_medications(medication, days) == ["Tramadol" if taken else "" for taken in listed]


def finding(level: str, code: str) -> Finding:
    return Finding(level, code, "message", "reason")


@pytest.mark.parametrize(
    ("findings", "cell"),
    [
        ((), ""),
        ((finding("note", "thyroid_watch"),), ""),  # standing notes are not concerns
        (
            (
                finding("block", "opioid_with_ldn"),
                finding("warn", "gut_opioid"),
                finding("note", "thyroid_watch"),
            ),
            "block:opioid_with_ldn; warn:gut_opioid",
        ),
    ],
)
def test_the_safety_column_lists_blocks_and_warnings(findings, cell):
    safety = SafetyState(findings=findings, thyroid=ThyroidStatus(ThyroidKind.NONE))
    (row,) = parse(csv_lines(columns_for([]), [ExportDay("P", TODAY, safety=safety)]))
    assert row["safety"] == cell


def test_an_opioid_added_mid_treatment_shows_in_the_safety_column_from_that_day():
    schedule = Schedule([PlanRecord(1, (PlannedStep(NOV, Decimal("1.5")),))])
    tramadol = MedicationPeriod("Tramadol", listed_on=NOV + 5 * DAY)
    answers = ScreeningAnswers()
    days = [
        ExportDay(
            "P",
            day,
            NOV,
            schedule.prescribed(day),
            None,
            [tramadol],
            safety_state(answers=answers, medications=[tramadol], schedule=schedule, day=day),
        )
        for day in (NOV + offset * DAY for offset in range(4, 7))
    ]
    rows = parse(csv_lines(columns_for([]), days))
    assert [row["safety"] for row in rows] == ["", "block:opioid_with_ldn", "block:opioid_with_ldn"]


def test_lab_results_are_plain_text_with_unit_and_range_and_described_in_the_dictionary():
    result = LabValue(TODAY, "=TSH", "", Decimal("2.1000"), "mIU/L", Decimal("0.4"), Decimal("4"), "Lab")
    (row,) = parse(csv_lines(columns_for([]), [ExportDay("P", TODAY, lab_results=(result_words(result),))]))
    assert row["lab_results"] == "'=TSH 2.1 mIU/L (0.4–4.0)"  # a clinic's test name is neutralised
    (entry,) = [column for column in columns_for([]) if column.name == "lab_results"]
    assert "laboratory's own unit and reference range" in entry.description
    assert "TSH 2.1 mIU/L (0.4–4.0)" in entry.description
    dictionary = "".join(dictionary_lines(columns_for([])))
    assert "lab_results," in dictionary


def test_questionnaire_answers_name_their_version_and_are_described_in_the_dictionary():
    sleep = answer_cell("=Sleep", "7", 2)
    (row,) = parse(csv_lines(columns_for([]), [ExportDay("P", TODAY, questionnaires=(sleep, sleep))]))
    assert row["questionnaires"] == "'=Sleep v2: 7; =Sleep v2: 7"  # a clinic's title is neutralised
    (entry,) = [column for column in columns_for([]) if column.name == "questionnaires"]
    assert "1 very much improved to 7 very much worse" in entry.description
    assert "questionnaires," in "".join(dictionary_lines(columns_for([])))


def test_csv_is_rfc_4180():
    day = ExportDay("P", TODAY, entry=EntryRecord(dose_taken=False, notes='a, "b"\r\nc'))
    text = "".join(csv_lines(columns_for([]), [day]))
    assert text.endswith('"a, ""b""\r\nc",no,patient,,,,\r\n')
    assert text.count("\r\n") == 3  # two line ends and the one inside the quoted note


def test_a_long_export_keeps_every_row_in_order_across_the_runs_it_is_built_in():
    doses = [Decimal("1.5"), Decimal("1.50"), Decimal("3")]  # one dose written two ways
    days = [
        ExportDay(
            "=P" if n % 2 else "P",
            TODAY - n * DAY,
            entry=EntryRecord(dose_taken=True, dose_mg=doses[n % 3], notes=f"-{n}") if n % 4 else None,
        )
        for n in range(2 * ROWS_AT_ONCE + 7)
    ]
    rows = parse(csv_lines(columns_for([]), days))
    assert [row["date"] for row in rows] == [day.day.isoformat() for day in days]
    assert [row["patient_code"] for row in rows[:2]] == ["P", "'=P"]
    assert [row["dose_taken_mg"] for row in rows[1:5]] == ["1.5", "3", "1.5", ""]
    assert rows[-1]["notes"] == f"-{len(days) - 1}"  # a plain number is left alone
    assert rows[5]["notes"] == "-5"


def test_day_on_ldn_counts_the_first_dose_as_day_one():
    first = dt.date(2026, 11, 10)
    assert ExportDay("P", first - dt.timedelta(days=1), first).day_on_ldn is None
    assert ExportDay("P", first, first).day_on_ldn == 1
    assert ExportDay("P", TODAY, first).day_on_ldn == 12
    assert ExportDay("P", TODAY).day_on_ldn is None


def test_encoded_chunks_are_utf8_with_an_optional_byte_order_mark():
    lines = [f"é{n}\r\n" for n in range(1000)]
    plain = list(encoded_chunks(lines, chunk_chars=100))
    assert len(plain) > 50
    assert b"".join(plain).decode() == "".join(lines)
    marked = b"".join(encoded_chunks(lines, byte_order_mark=True))
    assert marked.startswith(b"\xef\xbb\xbf")
    assert marked.decode("utf-8-sig") == "".join(lines)


@pytest.mark.parametrize(
    ("previous", "expected_first"),
    [
        (None, TODAY - dt.timedelta(days=89)),  # the last 90 days
        (dt.date(2026, 10, 2), dt.date(2026, 10, 2)),  # since the previous export, that day included
        (dt.date(2020, 1, 1), TODAY - dt.timedelta(days=SERIES_MAX_DAYS - 1)),  # never longer than allowed
    ],
)
def test_default_range(previous, expected_first):
    assert default_range(TODAY, previous) == (expected_first, TODAY)


@pytest.mark.parametrize(
    ("first", "last", "problems"),
    [
        (dt.date(2026, 9, 1), TODAY, {}),
        (TODAY, TODAY, {}),
        (TODAY - dt.timedelta(days=SERIES_MAX_DAYS - 1), TODAY, {}),
        (TODAY - dt.timedelta(days=SERIES_MAX_DAYS), TODAY, {"start": "longer than 1096 days"}),
        (dt.date(2026, 11, 10), dt.date(2026, 11, 1), {"start": "after the end date"}),
        (dt.date(2026, 11, 1), TODAY + dt.timedelta(days=1), {"end": "in the future"}),
        (
            TODAY + dt.timedelta(days=1),
            TODAY + dt.timedelta(days=2),
            {"start": "in the future", "end": "in the future"},
        ),
        (dt.date(1999, 12, 31), dt.date(2000, 1, 5), {"start": "is before 2000-01-01"}),
    ],
)
def test_range_problems(first, last, problems):
    found = range_problems(first, last, TODAY)
    assert found.keys() == problems.keys()
    for name, words in problems.items():
        assert words in found[name]


@pytest.mark.parametrize(
    ("reviewed", "exported", "expected"),
    [
        (None, None, (dt.date(2026, 10, 22), "last 30 days")),
        (dt.date(2026, 10, 1), None, (dt.date(2026, 10, 1), "last review")),
        (None, dt.date(2026, 10, 5), (dt.date(2026, 10, 5), "previous export")),
        (dt.date(2026, 10, 9), dt.date(2026, 10, 5), (dt.date(2026, 10, 9), "last review")),
        (TODAY, None, (dt.date(2026, 10, 22), "last 30 days")),  # reviewed today: not a previous visit
    ],
)
def test_previous_visit(reviewed, exported, expected):
    assert previous_visit(TODAY, reviewed, exported) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("RLC-104", "ldn-journal_RLC-104_2026-09-01_2026-11-21.csv"),
        ("Riverside LDN Clinic", "ldn-journal_Riverside-LDN-Clinic_2026-09-01_2026-11-21.csv"),
        ('../"evil"\r\n', "ldn-journal_evil_2026-09-01_2026-11-21.csv"),
        ("Zoë", "ldn-journal_Zo_2026-09-01_2026-11-21.csv"),
    ],
)
def test_export_filename(label, expected):
    assert export_filename(label, dt.date(2026, 9, 1), TODAY) == expected


def test_a_single_days_file_names_its_day_once():
    assert (
        export_filename("Clinic A", TODAY, TODAY, "fhir.ndjson")
        == "ldn-journal_Clinic-A_2026-11-21.fhir.ndjson"
    )


def test_tally_side_effects_counts_days_and_worst_severity_in_the_period():
    reports = [
        ReportedSideEffect(dt.date(2026, 11, 1), "insomnia", "severe"),  # before the period
        ReportedSideEffect(dt.date(2026, 11, 10), "insomnia", "mild"),
        ReportedSideEffect(dt.date(2026, 11, 12), "insomnia", "moderate"),
        ReportedSideEffect(dt.date(2026, 11, 11), "headache", "mild"),
        ReportedSideEffect(dt.date(2026, 11, 12), "other", "mild", "dry mouth"),
        ReportedSideEffect(dt.date(2026, 11, 13), "other", "moderate", "dry mouth"),
    ]
    assert tally_side_effects(reports, dt.date(2026, 11, 5), TODAY) == [
        SideEffectTally(
            "insomnia",
            "Insomnia / sleep disturbance",
            2,
            "moderate",
            dt.date(2026, 11, 10),
            dt.date(2026, 11, 12),
        ),
        SideEffectTally(
            "other", "Other", 2, "moderate", dt.date(2026, 11, 12), dt.date(2026, 11, 13), ("dry mouth",)
        ),
        SideEffectTally("headache", "Headache", 1, "mild", dt.date(2026, 11, 11), dt.date(2026, 11, 11)),
    ]


def test_print_figure_fits_the_clinicians_chart_on_paper():
    first = TODAY - 100 * dt.timedelta(days=1)
    series = tuple((first + n * dt.timedelta(days=1), n % 10) for n in range(100))
    schedule = Schedule([PlanRecord(1, (PlannedStep(first, Decimal("1.5")),))])
    record = PatientRecord(
        today=TODAY,
        schedule=schedule,
        measures=tuple(Measure(f"Symptom {n}", False, series) for n in range(8)),
    )
    screen = patient_figure(record)
    paper = print_figure(screen)["layout"]

    assert "updatemenus" not in paper
    assert paper["xaxis"]["range"] == screen["layout"]["xaxis"]["range"]
    assert paper["width"] == PRINT_CHART_WIDTH_PX
    assert paper["hovermode"] is False
    assert paper["height"] <= PRINT_MAX_PLOT_PX + PRINT_MARGIN["t"] + PRINT_MARGIN["b"]
    assert paper["height"] < screen["layout"]["height"]
    tops = sorted((paper[key]["domain"][1] for key in paper if key.startswith("yaxis")), reverse=True)
    assert len(tops) == 9
    assert tops[0] == 1
    titles = [note for note in paper["annotations"] if note["xref"] == "paper"]
    assert sorted(note["y"] for note in titles) == sorted(tops)  # each title at its panel's new top
    assert all(note["yanchor"] == "bottom" for note in titles)  # above its panel, over no data
    assert all("bgcolor" not in note for note in titles)


def test_a_day_between_two_doses_of_an_every_other_day_step_says_so():
    eod = Dose(dt.date(2026, 11, 1), None, Decimal("1.5"), "bedtime", 1, frequency="every_other_day")
    dose_day, off_day = parse(
        csv_lines(
            columns_for([]),
            [
                ExportDay("RLC-1", dt.date(2026, 11, 3), dt.date(2026, 11, 1), eod, step=eod),
                ExportDay("RLC-1", dt.date(2026, 11, 4), dt.date(2026, 11, 1), None, step=eod),
            ],
        )
    )
    assert (dose_day["prescribed_dose_mg"], dose_day["prescribed_frequency"]) == ("1.5", "every_other_day")
    assert (off_day["prescribed_dose_mg"], off_day["prescribed_timing"]) == ("", "")
    assert off_day["prescribed_frequency"] == "every_other_day"


def test_a_slow_release_calcium_carbonate_plan_says_so_on_each_day():
    dose = Dose(
        dt.date(2026, 11, 1), None, Decimal("1.5"), "bedtime", 1, release="slow", filler="calcium_carbonate"
    )
    (row,) = parse(
        csv_lines(columns_for([]), [ExportDay("RLC-1", dt.date(2026, 11, 2), None, dose, step=dose)])
    )
    assert (row["prescribed_release"], row["prescribed_filler"]) == ("slow", "calcium_carbonate")
