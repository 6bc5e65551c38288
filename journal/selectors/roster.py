"""The roster: one row per patient from their record and assessment, and its sort orders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, QuerySet

from journal.advice import AdherenceCount
from journal.assessment import (
    Assessment,
    MeasureResponse,
    PatientRecord,
    SinceReview,
    assess,
    since_review,
)
from journal.findings import Finding, Level
from journal.models import (
    Patient,
)
from journal.response import ATTENTION_ORDER
from journal.schedule import PHASE_STYLES, PHASES, Dose
from journal.selectors.records import advice_open_at_review, patient_records


@dataclass(frozen=True)
class RosterRow:
    patient: Patient
    record: PatientRecord
    assessment: Assessment
    last_entry: dt.date | None
    since_review: SinceReview | None = None

    @property
    def first_plan(self) -> tuple[str, str] | None:
        """Straight from the roster to what a patient without any plan needs next, as (view
        name, words): a safety screening first (it leads on to the editor), else the editor."""
        if self.record.schedule.doses:
            return None
        if self.record.screened:
            return ("plan_new", "Write a plan")
        return ("screening", "Screen, then write a plan")

    @property
    def today(self) -> dt.date:
        return self.record.today

    @property
    def current(self) -> Dose | None:
        return self.record.prescribed(self.today)

    @property
    def first_dose(self) -> dt.date | None:
        return self.record.first_dose

    @property
    def day_on_ldn(self) -> int | None:
        return self.record.day_on_ldn

    @property
    def phase(self) -> str:
        return self.record.schedule.phase(self.today)

    @property
    def phase_style(self) -> str:
        return PHASE_STYLES.get(self.phase, "")

    @property
    def adherence(self) -> AdherenceCount | None:
        count = self.assessment.adherence
        return count if count.prescribed else None

    @property
    def flags(self) -> tuple[Finding, ...]:
        return self.record.safety.findings if self.record.safety else ()

    @property
    def alerts(self) -> tuple[Finding, ...]:
        return self.record.safety.alerts if self.record.safety else ()

    @property
    def main(self) -> MeasureResponse | None:
        """The main symptom's response: see Assessment.main."""
        return self.assessment.main

    @property
    def open_advice(self) -> int:
        return len(self.assessment.open_cards)


def roster_rows(patients: QuerySet[Patient], now: dt.datetime | None = None) -> list[RosterRow]:
    """One row per patient: today's prescription, phase, last entry, adherence over the
    last 14 days, the safety state, the main symptom's response, open advice and what is
    new since the last review, each from the patient's one record and assessment
    (1 query here, plus `patient_records` and `advice_open_at_review`)."""
    annotated = list(patients.annotate(last_entry=Max("entries__entry_date")))
    records = patient_records(annotated, now)
    open_at_review = advice_open_at_review([patient.pk for patient in annotated])
    rows = []
    for patient in annotated:
        record = records[patient.pk]
        assessment = assess(record)
        rows.append(
            RosterRow(
                patient=patient,
                record=record,
                assessment=assessment,
                last_entry=patient.last_entry,
                since_review=since_review(
                    record, assessment, patient.last_reviewed_at, open_at_review.get(patient.pk, frozenset())
                ),
            )
        )
    return rows


def _flag_rank(row: RosterRow) -> tuple[int, int]:
    """Ascending: no flags, then notes, warnings and blocks; more flags later."""
    worst = min((flag.level.order for flag in row.flags), default=len(Level))
    return (-worst, len(row.flags))


def _response_rank(row: RosterRow) -> int:
    """Worse first (`ResponseClass.rank`); no tracked symptom last."""
    return row.main.response.response_class.rank if row.main else len(ATTENTION_ORDER)


def _new_since_review(row: RosterRow) -> tuple[int, int, int]:
    new = row.since_review
    return (new.advice, new.side_effects, new.entries) if new else (0, 0, 0)


def _attention(row: RosterRow) -> tuple[int, int, int]:
    """Needs attention first: the most open advice, then the main symptom's response
    (worse first), then the most advice raised since the last review."""
    return (-row.open_advice, _response_rank(row), -_new_since_review(row)[0])


# Sort keys for the roster, each ascending; rows without a value sort first (except where
# a key says otherwise). "attention" is no column of its own: it orders by three columns.
ROSTER_SORTS = {
    "name": lambda row: row.patient.name.lower(),
    "dose": lambda row: row.current.dose_mg if row.current else Decimal(-1),
    "day": lambda row: row.day_on_ldn or 0,
    "phase": lambda row: PHASES.index(row.phase),
    "last_entry": lambda row: row.last_entry or dt.date.min,
    "adherence": lambda row: row.adherence.rate if row.adherence and row.adherence.rate is not None else -1.0,
    "flags": _flag_rank,
    "response": _response_rank,
    "advice": lambda row: row.open_advice,
    "new": _new_since_review,
    "attention": _attention,
}


def sorted_roster(
    rows: Iterable[RosterRow],
    *,
    sort: str = "name",
    descending: bool = False,
    phase_is: str = "",
    flagged: bool = False,
) -> list[RosterRow]:
    """Rows filtered by phase and by having any safety flag, then sorted (name breaks ties)."""
    kept = [row for row in rows if (not phase_is or row.phase == phase_is) and (not flagged or row.flags)]
    kept.sort(key=ROSTER_SORTS["name"])
    return sorted(kept, key=ROSTER_SORTS.get(sort, ROSTER_SORTS["name"]), reverse=descending)
