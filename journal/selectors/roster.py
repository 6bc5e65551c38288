"""The roster: one row per patient from their record and assessment (stored by
`services.snapshots`), and the stored rows read a page at a time, sorted in the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, Max, OrderBy, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Lower
from django.utils.http import urlencode

from journal.advice import AdherenceCount
from journal.assessment import (
    Assessment,
    MeasureResponse,
    PatientRecord,
    SinceReview,
    assess,
    since_review,
)
from journal.findings import Finding
from journal.models import Clinician, Patient, Question, RosterSnapshot, SavedRosterFilter
from journal.schedule import PHASE_STYLES, Dose
from journal.selectors.records import advice_open_at_review, patient_records


@dataclass(frozen=True)
class RosterRow:
    patient: Patient
    record: PatientRecord
    assessment: Assessment
    last_entry: dt.date | None
    since_review: SinceReview | None = None
    open_questions: int = 0

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
        return self.record.schedule.step_on(self.today)

    @property
    def runs_out_on(self) -> dt.date | None:
        supply = self.record.schedule.supply_for(self.today)
        return supply[1] if supply else None

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


# A subquery, not a second join beside the entries': each patient's open questions counted once.
_OPEN_QUESTIONS = Coalesce(
    Subquery(
        Question.objects.filter(patient=OuterRef("pk"), answered_at=None)
        .order_by()
        .values("patient")
        .annotate(open=Count("pk"))
        .values("open"),
        output_field=IntegerField(),
    ),
    0,
)


def roster_rows(patients: QuerySet[Patient], now: dt.datetime | None = None) -> list[RosterRow]:
    """One row per patient: today's prescription, phase, last entry, adherence over the
    last 14 days, the safety state, the main symptom's response, open advice and what is
    new since the last review, each from the patient's one record and assessment, and the
    questions waiting for an answer (1 query here, plus `patient_records` and
    `advice_open_at_review`)."""
    annotated = list(patients.annotate(last_entry=Max("entries__entry_date"), open_questions=_OPEN_QUESTIONS))
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
                open_questions=patient.open_questions,
                since_review=since_review(
                    record, assessment, patient.last_reviewed_at, open_at_review.get(patient.pk, frozenset())
                ),
            )
        )
    return rows


# How the roster sorts, each column ascending, read from the stored rows (`RosterSnapshot`):
# (field, ascending) pairs, where an empty value is the lowest. Descending flips each pair;
# the name breaks ties, always A to Z. "attention" is no column of its own: the most questions
# waiting for an answer, then the most open advice, then the main symptom's response (worse
# first), then the most advice raised since the last review.
ROSTER_ORDERS: dict[str, tuple[tuple[str, bool], ...]] = {
    "name": (("name_key", True),),
    "dose": (("dose_mg", True),),
    "day": (("day_on_ldn", True),),
    "phase": (("phase_rank", True),),
    "last_entry": (("last_entry", True),),
    "adherence": (("adherence_rate", True),),
    "flags": (("flag_rank", True), ("flag_count", True)),
    "response": (("response_rank", True),),
    "advice": (("open_advice", True),),
    "new": (("new_advice", True), ("new_side_effects", True), ("new_entries", True)),
    "attention": (
        ("open_questions", False),
        ("open_advice", False),
        ("response_rank", True),
        ("new_advice", False),
    ),
}

PAGE_SIZE = 50


def _ordering(field: str, ascending: bool) -> OrderBy:
    column = _NAME if field == "name_key" else F(f"snapshot__{field}")
    return column.asc(nulls_first=True) if ascending else column.desc(nulls_last=True)


# A patient whose row is not computed yet (it will be when shown) still sorts by name.
_NAME = Coalesce(F("snapshot__name_key"), Lower("name"))


def roster_patients(
    patients: QuerySet[Patient],
    *,
    sort: str = "name",
    descending: bool = False,
    phase_is: str = "",
    flagged: bool = False,
    search: str = "",
) -> QuerySet[Patient]:
    """These patients with their stored roster row, filtered by part of their name or code
    (any case), by phase and by having any safety flag, sorted in the database (by name for an
    unknown sort)."""
    kept = patients.select_related("snapshot")
    if search:
        kept = kept.filter(Q(name__icontains=search) | Q(code__icontains=search))
    if phase_is:
        kept = kept.filter(snapshot__phase=phase_is)
    if flagged:
        kept = kept.filter(snapshot__flag_count__gt=0)
    keys = [_ordering(field, ascending != descending) for field, ascending in ROSTER_ORDERS.get(sort, ())]
    return kept.order_by(*keys, _NAME, "name", "pk")


def roster_lists(patients: QuerySet[Patient]) -> tuple[list[RosterSnapshot], list[RosterSnapshot]]:
    """The rows above the list, of every patient shown (2 queries): safety alerts, and
    records that need attention, each by name."""
    rows = RosterSnapshot.objects.filter(patient__in=patients).select_related("patient")
    rows = rows.order_by("name_key", "pk")
    return list(rows.filter(has_alerts=True)), list(rows.filter(has_problems=True))


@dataclass(frozen=True)
class RosterView:
    """What the roster shows: whose patients, the search, the filters and the order. Its
    `query` is the roster address's query string (a saved filter is one of these, named)."""

    scope: str
    search: str = ""
    phase: str = ""
    flagged: bool = False
    sort: str = "name"
    descending: bool = False

    @property
    def query(self) -> str:
        params = {
            "scope": self.scope,
            "q": self.search,
            "phase": self.phase,
            "flagged": "1" if self.flagged else "",
        }
        params |= {"sort": self.sort, "dir": "desc" if self.descending else "asc"}
        return urlencode({key: value for key, value in params.items() if value})

    @classmethod
    def saved(cls, saved: SavedRosterFilter) -> RosterView:
        return cls(saved.scope, saved.search, saved.phase, saved.flagged, saved.sort, saved.descending)


def saved_roster_filters(clinician: Clinician) -> list[tuple[SavedRosterFilter, RosterView]]:
    """The clinician's saved roster views, by name, each with the view it shows (1 query)."""
    return [(saved, RosterView.saved(saved)) for saved in clinician.saved_filters.all()]
