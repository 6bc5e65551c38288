"""The baselines: the same facts read with plain SQL, as fast as the database and `csv.writer` allow,
with none of the app's objects or rules in between.

- `roster_facts`: what the roster shows of each patient of a clinic — the dose and timing
  prescribed today, the first dose (day on LDN, phase), the last entry, doses taken and side
  effects in the last 14 days, what is new since the last review, the medicines listed, the
  screening's opioid answer, and each scored symptom's mean before the first dose and over the
  last 28 days (its response class) — in 2 queries.
- `clinic_csv`: the clinic export's rows from one streamed query of the journal and one of the
  dose steps. It knows only what the benchmark's clinics hold (one plan per patient, no pauses,
  no medicines, screenings that find nothing: blank safety and medication cells), so it is a
  lower bound for those clinics, and the benchmark checks that its bytes are the app's.
"""

from __future__ import annotations

import csv
import datetime as dt
from bisect import bisect_right
from collections.abc import Iterator
from decimal import Decimal
from itertools import groupby
from typing import IO, Any

from django.db import connection, transaction

from journal.exports import neutralise
from journal.schedule import DAY
from journal.vocabulary import SIDE_EFFECTS, format_mg

FETCH_ROWS = 2000
# Blank on a day without an entry: dose taken, mg, timing, time, the other side effect, sleep,
# other medications, safety, notes, edited, logged_by (besides one per side effect and per symptom).
ENTRY_COLUMNS = 11
MESSAGE_COLUMNS = 2  # plan_change_reasons, questions
LAB_COLUMNS = 1  # lab_results: the benchmark's clinics have none
QUESTIONNAIRE_COLUMNS = 1  # questionnaires: no benchmark patient has answered one

ROSTER_SQL = """
SELECT p.id, p.name, p.code,
  (SELECT MIN(s.start_date) FROM journal_dosestep s JOIN journal_titrationplan t ON t.id = s.plan_id
    WHERE t.patient_id = p.id AND t.status <> 'draft') AS first_dose,
  (SELECT s.dose_mg FROM journal_dosestep s JOIN journal_titrationplan t ON t.id = s.plan_id
    WHERE t.patient_id = p.id AND t.status = 'active' AND s.start_date <= %(today)s
    ORDER BY s.start_date DESC LIMIT 1) AS dose_today,
  (SELECT s.timing FROM journal_dosestep s JOIN journal_titrationplan t ON t.id = s.plan_id
    WHERE t.patient_id = p.id AND t.status = 'active' AND s.start_date <= %(today)s
    ORDER BY s.start_date DESC LIMIT 1) AS timing_today,
  (SELECT MAX(e.entry_date) FROM journal_dailyentry e WHERE e.patient_id = p.id) AS last_entry,
  (SELECT COUNT(*) FROM journal_dailyentry e
    WHERE e.patient_id = p.id AND e.entry_date >= %(fortnight)s AND e.dose_taken) AS taken_14_days,
  (SELECT COUNT(*) FROM journal_sideeffectreport r JOIN journal_dailyentry e ON e.id = r.entry_id
    WHERE e.patient_id = p.id AND e.entry_date >= %(fortnight)s) AS side_effects_14_days,
  (SELECT COUNT(*) FROM journal_dailyentry e WHERE e.patient_id = p.id
    AND (p.last_reviewed_at IS NULL OR e.updated_at > p.last_reviewed_at)) AS new_since_review,
  (SELECT COUNT(*) FROM journal_medication m
    WHERE m.patient_id = p.id AND (m.stopped_on IS NULL OR m.stopped_on >= %(today)s)) AS medicines,
  (SELECT sc.opioid_use_last_14_days FROM journal_screening sc WHERE sc.patient_id = p.id
    ORDER BY sc.screened_at DESC, sc.id DESC LIMIT 1) AS opioids_at_screening
FROM journal_patient p WHERE p.clinic_id = %(clinic)s ORDER BY p.name, p.id
"""

SYMPTOM_MEANS_SQL = """
SELECT e.patient_id, sc.symptom_id,
  AVG(CASE WHEN e.entry_date < f.first_dose THEN sc.score END) AS before_first_dose,
  AVG(CASE WHEN e.entry_date >= %(recent)s THEN sc.score END) AS last_28_days
FROM journal_symptomscore sc
JOIN journal_dailyentry e ON e.id = sc.entry_id
JOIN journal_patient p ON p.id = e.patient_id
JOIN (SELECT t.patient_id, MIN(s.start_date) AS first_dose FROM journal_dosestep s
      JOIN journal_titrationplan t ON t.id = s.plan_id WHERE t.status <> 'draft' GROUP BY t.patient_id) f
  ON f.patient_id = e.patient_id
WHERE p.clinic_id = %(clinic)s AND (e.entry_date < f.first_dose OR e.entry_date >= %(recent)s)
GROUP BY e.patient_id, sc.symptom_id
"""


def roster_facts(clinic_id: int, today: dt.date) -> int:
    """Reads every fact the roster shows of the clinic's patients; returns how many patients."""
    params: dict[str, Any] = {
        "clinic": clinic_id,
        "today": today,
        "fortnight": today - 13 * DAY,
        "recent": today - 27 * DAY,
    }
    with connection.cursor() as cursor:
        cursor.execute(ROSTER_SQL, params)
        patients = cursor.fetchall()
        cursor.execute(SYMPTOM_MEANS_SQL, params)
        cursor.fetchall()
    return len(patients)


# --- the clinic export ------------------------------------------------------------------------

SYMPTOMS_SQL = """
SELECT s.id FROM journal_symptom s WHERE s.id IN (
  SELECT ts.symptom_id FROM journal_patient_tracked_symptoms ts
  JOIN journal_patient p ON p.id = ts.patient_id WHERE p.clinic_id = %(clinic)s
) OR s.id IN (
  SELECT sc.symptom_id FROM journal_symptomscore sc JOIN journal_dailyentry e ON e.id = sc.entry_id
  JOIN journal_patient p ON p.id = e.patient_id WHERE p.clinic_id = %(clinic)s
) ORDER BY s.name, s.id
"""

STEPS_SQL = """
SELECT t.patient_id, s.start_date, s.dose_mg, s.timing FROM journal_dosestep s
JOIN journal_titrationplan t ON t.id = s.plan_id JOIN journal_patient p ON p.id = t.patient_id
WHERE p.clinic_id = %(clinic)s AND t.status <> 'draft' ORDER BY t.patient_id, s.start_date
"""

ENTRIES_SQL = """
SELECT e.patient_id, e.entry_date, e.dose_taken, e.dose_mg, e.timing_taken, e.time_taken,
  e.sleep_quality, e.notes, e.edit_count, {columns}
FROM journal_patient p
JOIN journal_dailyentry e ON e.patient_id = p.id
LEFT JOIN (SELECT entry_id, {score_columns} FROM journal_symptomscore GROUP BY entry_id) sc
  ON sc.entry_id = e.id
LEFT JOIN (SELECT entry_id, {side_effect_columns} FROM journal_sideeffectreport GROUP BY entry_id) se
  ON se.entry_id = e.id
WHERE p.clinic_id = %(clinic)s AND e.entry_date >= %(first)s AND e.entry_date <= %(last)s
ORDER BY p.code, p.id, e.entry_date
"""

Step = tuple[dt.date, str, str]  # start, dose as written, timing


def clinic_csv(clinic_id: int, first: dt.date, last: dt.date, header: str, out: IO[bytes]) -> int:
    """The clinic's export from `first` to `last` written to `out` as UTF-8 CSV (after `header`,
    the app's header line); returns the number of rows."""
    params: dict[str, Any] = {"clinic": clinic_id, "first": first, "last": last}
    days = [first + offset * DAY for offset in range((last - first).days + 1)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, code FROM journal_patient WHERE clinic_id = %(clinic)s ORDER BY code, id", params
        )
        patients = cursor.fetchall()
        cursor.execute(SYMPTOMS_SQL, params)
        symptoms = [row[0] for row in cursor.fetchall()]
        cursor.execute(STEPS_SQL, params)
        steps = {
            pk: [(start, _mg(mg), timing) for _, start, mg, timing in rows]
            for pk, rows in groupby(cursor.fetchall(), key=lambda row: row[0])
        }
    out.write(header.encode())
    writer = csv.writer(_Utf8(out))
    rows = 0
    with transaction.atomic():
        entries = groupby(_stream(_entries_sql(symptoms), params), key=lambda row: row[0])
        next_patient = next(entries, None)
        for pk, code in patients:
            journal: dict[dt.date, tuple[Any, ...]] = {}
            if next_patient is not None and next_patient[0] == pk:
                journal = {row[1]: row for row in next_patient[1]}
                next_patient = next(entries, None)
            label, plan = neutralise(code or f"patient-{pk}"), steps.get(pk, [])
            first_dose = plan[0][0] if plan else None
            for day, step in zip(days, _prescribed(plan, days), strict=True):
                writer.writerow(_row(label, day, first_dose, step, journal.get(day), len(symptoms)))
                rows += 1
    return rows


def _entries_sql(symptoms: list[int]) -> str:
    kinds = list(SIDE_EFFECTS)
    scores = [f"score_{n}" for n in range(len(symptoms))]
    sides = [f"side_{n}" for n in range(len(kinds))]
    return ENTRIES_SQL.format(
        columns=", ".join([*scores, *sides, "other_text"]),
        score_columns=", ".join(
            f"MAX(CASE WHEN symptom_id = {pk:d} THEN score END) AS {name}"
            for pk, name in zip(symptoms, scores, strict=True)
        )
        or "NULL AS no_score",
        side_effect_columns=", ".join(
            [
                *(
                    f"MAX(CASE WHEN kind = '{kind}' THEN severity END) AS {name}"
                    for kind, name in zip(kinds, sides, strict=True)
                ),
                "MAX(CASE WHEN other_text <> '' THEN other_text END) AS other_text",
            ]
        ),
    )


def _stream(sql: str, params: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of `sql`, fetched a few thousand at a time (a server-side cursor on PostgreSQL)."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(FETCH_ROWS):
            yield from batch


def _prescribed(steps: list[Step], days: list[dt.date]) -> Iterator[Step | None]:
    starts = [start for start, _, _ in steps]
    for day in days:
        index = bisect_right(starts, day)
        yield steps[index - 1] if index else None


def _row(
    label: str,
    day: dt.date,
    first_dose: dt.date | None,
    step: Step | None,
    entry: tuple[Any, ...] | None,
    symptoms: int,
) -> list[Any]:
    """One line of the export: blank cells are None, which `csv.writer` writes as nothing."""
    # the benchmark's plans never end, so the course's day counts on to the last day
    day_on_ldn = (day - first_dose).days + 1 if first_dose is not None and day >= first_dose else None
    # paused and pause_recorded_on: the benchmark's clinics have no pauses
    # every step of the benchmark's clinics is daily, every plan immediate-release with no filler recorded
    prescribed = (*step[1:], "daily", "immediate", None) if step else (None,) * 5
    cells = [label, day.isoformat(), day_on_ldn, *prescribed, None, None]
    # plan change reasons and questions: the benchmark's clinics have no messages, and no lab results
    if entry is None:  # the entry's columns, medications, safety, the messages and labs, all blank
        return [
            *cells,
            *(
                [None]
                * (
                    ENTRY_COLUMNS
                    + len(SIDE_EFFECTS)
                    + symptoms
                    + MESSAGE_COLUMNS
                    + LAB_COLUMNS
                    + QUESTIONNAIRE_COLUMNS
                )
            ),
        ]
    _, _, taken, mg, timing, time, sleep, notes, edits, *pivoted = entry
    scores, side_effects, other = pivoted[:symptoms], pivoted[symptoms:-1], pivoted[-1]
    return [
        *cells,
        "yes" if taken else "no",
        _mg(mg) if mg is not None else None,
        timing or None,
        time.strftime("%H:%M") if time is not None else None,
        *side_effects,
        neutralise(other) if other else None,
        *scores,
        sleep,
        None,  # other medications: none in the benchmark's clinics
        None,  # safety: nothing found
        neutralise(notes) if notes else None,
        "yes" if edits else "no",
        "patient",  # logged_by: no benchmark patient has a caregiver
        *([None] * (MESSAGE_COLUMNS + LAB_COLUMNS + QUESTIONNAIRE_COLUMNS)),
    ]


def _mg(value: Decimal | float | str) -> str:
    return format_mg(Decimal(str(value)))


class _Utf8:
    """`csv.writer`'s lines, written to a binary file as UTF-8."""

    def __init__(self, out: IO[bytes]):
        self.out = out

    def write(self, line: str) -> None:
        self.out.write(line.encode())
