"""Reads of the messages tied to a patient's care: the reasons told with plan changes and
whether the patient has seen them, and the patient's questions threaded by topic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from journal.models import Patient, PlanChangeNote, Question

# The newest messages a page shows: older ones stay in the audit log and the exports.
NOTES_SHOWN = 10
QUESTIONS_SHOWN = 50


def plan_notes(patient: Patient, *, unseen_only: bool = False) -> list[PlanChangeNote]:
    """The newest plan changes told to the patient, newest first (1 query); `unseen_only`:
    those the patient has not acknowledged yet."""
    notes = patient.plan_notes.select_related("written_by__user")
    if unseen_only:
        notes = notes.filter(acknowledged_at=None)
    return list(notes[:NOTES_SHOWN])


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
    answered = patient.questions.filter(answered_at__gte=since).select_related("answered_by__user")
    return list(answered.order_by("-answered_at")[:NOTES_SHOWN])
