"""Reads of the messages tied to a patient's care: the reasons told with plan changes and
whether the patient has seen them, and the patient's questions threaded by topic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, QuerySet

from journal.models import Patient, PlanChangeNote, Question
from journal.selectors.compiled import CompiledRead
from journal.selectors.reminders import expired_push_subscriptions

# The newest messages a page shows: older ones stay in the audit log and the exports.
NOTES_SHOWN = 10
QUESTIONS_SHOWN = 50


def plan_notes(patient: Patient, *, unseen_only: bool = False) -> list[PlanChangeNote]:
    """The newest plan changes told to the patient, newest first (1 query); `unseen_only`:
    those the patient has not acknowledged yet."""
    notes = _unseen_notes(patient) if unseen_only else patient.plan_notes.all()
    return list(notes.select_related("written_by__user")[:NOTES_SHOWN])


def latest_plan_change(patient: Patient) -> str:
    """The change to the patient's plan last told to them, in the reader's language (1 query):
    the clinician's confirmation after making it."""
    note = patient.plan_notes.first()
    return str(note.words) if note else ""


def _unseen_notes(patient: Patient) -> QuerySet[PlanChangeNote]:
    return patient.plan_notes.filter(acknowledged_at=None)


@dataclass(frozen=True)
class Thread:
    """The questions of one topic (an entry's day is a topic of its own), oldest first."""

    topic: str
    entry_date: dt.date | None
    words: str
    questions: tuple[Question, ...]

    @property
    def open_count(self) -> int:
        return sum(1 for question in self.questions if question.is_open)

    @property
    def latest(self) -> dt.datetime:
        return self.questions[-1].asked_at


def question_threads(
    patient: Patient, *, topic: str | None = None, entry_date: dt.date | None = None
) -> list[Thread]:
    """The patient's newest questions (of one topic, or all), threaded by topic; threads with
    an open question first, then the most recent (1 query)."""
    questions = patient.questions.select_related("answered_by__user")
    if topic is not None:
        questions = questions.filter(topic=topic, entry_date=entry_date)
    newest = list(questions.order_by("-asked_at", "-pk")[:QUESTIONS_SHOWN])
    grouped: dict[tuple[str, dt.date | None], list[Question]] = {}
    for question in reversed(newest):
        grouped.setdefault(question.thread_key, []).append(question)
    threads = [
        Thread(topic, day, questions[0].thread_words, tuple(questions))
        for (topic, day), questions in grouped.items()
    ]
    return sorted(threads, key=lambda thread: (thread.open_count == 0, -thread.latest.timestamp()))


def recent_answers(patient: Patient, since: dt.datetime) -> list[Question]:
    """Answers given since `since`, newest first (1 query): Today shows them."""
    answered = _answered_since(patient, since).select_related("answered_by__user")
    return list(answered.order_by("-answered_at")[:NOTES_SHOWN])


def _answered_since(patient: Patient, since: dt.datetime) -> QuerySet[Question]:
    return patient.questions.filter(answered_at__gte=since)


def _news(patient: Patient, answers_since: dt.datetime) -> QuerySet[Patient, tuple[bool, bool, bool]]:
    """Whether there are unseen plan changes, answers since `answers_since` and devices that
    stopped taking push reminders."""
    return Patient.objects.filter(pk=patient.pk).values_list(
        Exists(_unseen_notes(patient)),
        Exists(_answered_since(patient, answers_since)),
        Exists(expired_push_subscriptions(patient)),
    )


_NEWS = CompiledRead(
    lambda patient, answers_since: _news(Patient(pk=patient), answers_since),
    patient=int,
    answers_since=dt.datetime,
)


@dataclass(frozen=True)
class TodayNews:
    """What Today tells the patient besides the dose and the week."""

    unseen_notes: list[PlanChangeNote]
    answers: list[Question]
    expired_push_devices: int


def today_news(patient: Patient, answers_since: dt.datetime) -> TodayNews:
    """The plan changes the patient has not acknowledged, the answers given since `answers_since`
    and how many devices stopped taking push reminders: 1 query, which on most days finds none of
    them, then 1 more for each kind there is."""
    [(unseen, answered, expired)] = _NEWS.rows(patient=patient.pk, answers_since=answers_since)
    return TodayNews(
        unseen_notes=plan_notes(patient, unseen_only=True) if unseen else [],
        answers=recent_answers(patient, since=answers_since) if answered else [],
        expired_push_devices=expired_push_subscriptions(patient).count() if expired else 0,
    )
