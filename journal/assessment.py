"""One patient's journal as plain data, and what the domain core makes of it.

`journal.selectors.patient_records` fills `PatientRecord` from the database in a fixed
number of queries; everything here is plain Python shared by the clinician's patient page,
the patient's own chart and the roster. The rules themselves live in `journal.response`
(responder classes) and `journal.advice` (titration advice); this module only feeds them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from journal.advice import (
    AdherenceCount,
    AdviceCard,
    AdviceInput,
    LoggedDose,
    PatientNote,
    ReportedSideEffect,
    advise,
    open_cards,
    recent_adherence,
)
from journal.bounds import RecordProblem
from journal.labs import LabValue
from journal.questionnaires import ScoredAnswer
from journal.response import SymptomResponse, WindowSummary, assess_symptom
from journal.safety import MedicationPeriod, SafetyState
from journal.schedule import Dose, Schedule
from journal.vocabulary import direction_label
from journal.wording import gettext_noop

SLEEP_QUALITY = gettext_noop("Sleep quality")


@dataclass(frozen=True)
class Measure:
    """A 0–10 series: a tracked symptom, or the sleep quality every daily entry asks for
    (`tracked=False`: it is not one of the symptoms the clinician chose to follow)."""

    name: str
    higher_is_better: bool
    series: tuple[tuple[dt.date, int], ...]
    tracked: bool = True  # False for sleep quality and for a symptom no longer tracked
    tracked_from: dt.date | None = None  # first tracked on, when after the record was opened
    stopped_on: dt.date | None = None  # no longer asked since (its past scores stay)

    @property
    def direction_label(self) -> str:
        return direction_label(self.higher_is_better)


@dataclass(frozen=True)
class LoggedEntry:
    day: dt.date
    dose_taken: bool
    dose_mg: Decimal | None
    timing_taken: str  # journal.models.TimingTaken value, "" when not taken
    logged_at: dt.datetime
    changed_at: dt.datetime


@dataclass(frozen=True)
class PatientRecord:
    today: dt.date
    schedule: Schedule = field(default_factory=Schedule)
    safety: SafetyState | None = None
    screened: bool = False  # a safety screening is on record
    medications: tuple[MedicationPeriod, ...] = ()
    measures: tuple[Measure, ...] = ()
    entries: tuple[LoggedEntry, ...] = ()
    side_effects: tuple[ReportedSideEffect, ...] = ()
    notes: tuple[PatientNote, ...] = ()
    dismissed_keys: frozenset[str] = field(default_factory=frozenset)
    problems: tuple[RecordProblem, ...] = ()  # stored rows that need the clinician's attention
    labs: tuple[LabValue, ...] = ()  # lab results, oldest sample first
    answers: tuple[ScoredAnswer, ...] = ()  # questionnaire answers, oldest first

    @property
    def first_dose(self) -> dt.date | None:
        return self.schedule.first_dose

    @property
    def day_on_ldn(self) -> int | None:
        return self.schedule.day_on_ldn(self.today)

    @property
    def treatment_ended_on(self) -> dt.date | None:
        return self.schedule.treatment_ended(self.today)

    def prescribed(self, day: dt.date) -> Dose | None:
        return self.schedule.prescribed(day)


@dataclass(frozen=True)
class MeasureResponse:
    measure: Measure
    response: SymptomResponse

    @property
    def windows(self) -> tuple[WindowSummary, WindowSummary, WindowSummary]:
        return self.response.initial, self.response.full, self.response.latest


@dataclass(frozen=True)
class Assessment:
    responses: tuple[MeasureResponse, ...]
    cards: tuple[AdviceCard, ...]
    open_cards: tuple[AdviceCard, ...]
    adherence: AdherenceCount

    @property
    def dismissed_count(self) -> int:
        return len(self.cards) - len(self.open_cards)

    @property
    def main(self) -> MeasureResponse | None:
        """The roster's "main symptom": the tracked symptom that most needs attention
        (lowest `ResponseClass.rank`, then name). Tracked symptoms have no order of their
        own, and a patient whose pain improves while fatigue worsens needs a look; sleep
        quality is shown on the patient's page but not chosen here, since it is not one of
        the symptoms the clinician chose to follow."""
        tracked = [item for item in self.responses if item.measure.tracked]
        return min(
            tracked, key=lambda item: (item.response.response_class.rank, item.measure.name), default=None
        )


def advice_input(record: PatientRecord, responses: Sequence[MeasureResponse]) -> AdviceInput:
    return AdviceInput(
        today=record.today,
        schedule=record.schedule,
        side_effects=record.side_effects,
        entries=[LoggedDose(entry.day, entry.dose_taken) for entry in record.entries],
        responses={
            item.measure.name: item.response.response_class for item in responses if item.measure.tracked
        },
        safety=record.safety,
        notes=record.notes,
        labs=record.labs,
    )


def assess(record: PatientRecord) -> Assessment:
    """Every measure's response, the advice cards and the 14-day adherence, as of
    `record.today`."""
    responses = tuple(
        MeasureResponse(
            measure,
            assess_symptom(
                record.first_dose,
                record.today,
                measure.series,
                measure.higher_is_better,
                tracked_from=measure.tracked_from,
            ),
        )
        for measure in record.measures
    )
    inp = advice_input(record, responses)
    cards = tuple(advise(inp))
    return Assessment(
        responses=responses,
        cards=cards,
        open_cards=tuple(open_cards(cards, record.dismissed_keys)),
        adherence=recent_adherence(inp),
    )


@dataclass(frozen=True)
class SinceReview:
    """What is new since the clinician last marked the patient reviewed (everything, when
    never reviewed): entries logged, side-effect reports on entries logged or edited, and
    open advice cards that were not open at the review."""

    reviewed_at: dt.datetime | None
    entries: int
    side_effects: int
    advice: int

    @property
    def anything(self) -> bool:
        return bool(self.entries or self.side_effects or self.advice)


def since_review(
    record: PatientRecord,
    assessment: Assessment,
    reviewed_at: dt.datetime | None,
    advice_open_at_review: Collection[str] = (),
) -> SinceReview:
    def after_review(moment: dt.datetime) -> bool:
        return reviewed_at is None or moment > reviewed_at

    changed_days = {entry.day for entry in record.entries if after_review(entry.changed_at)}
    return SinceReview(
        reviewed_at=reviewed_at,
        entries=sum(1 for entry in record.entries if after_review(entry.logged_at)),
        side_effects=sum(1 for report in record.side_effects if report.day in changed_days),
        advice=sum(1 for card in assessment.open_cards if card.key not in advice_open_at_review),
    )
