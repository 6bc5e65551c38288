"""journal.selectors.messages: the plan changes told to the patient, newest first, and the
patient's questions threaded by topic, each read in one query."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from journal import plan_changes
from journal.models import PlanChangeNote, PushSubscription
from journal.schedule import DAY
from journal.selectors.messages import (
    NOTES_SHOWN,
    TodayNews,
    latest_plan_change,
    plan_notes,
    question_threads,
    recent_answers,
    today_news,
)
from journal.services.messages import question_answer, question_ask

NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
TODAY = NOW.date()

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def ask(patient, text, topic="general", entry_date=None, hours=0):
    with time_machine.travel(NOW + dt.timedelta(hours=hours), tick=False):
        return question_ask(patient=patient, topic=topic, entry_date=entry_date, text=text, today=TODAY)


def test_plan_notes_newest_first_and_the_unseen_ones(alice, carol, django_assert_num_queries):
    for n in range(NOTES_SHOWN + 2):
        PlanChangeNote.objects.create(
            patient=alice, written_by=carol, change=f"Change {n}", at=NOW + n * DAY, reason=f"Reason {n}"
        )
    PlanChangeNote.objects.filter(change="Change 11").update(acknowledged_at=NOW + 12 * DAY)
    with django_assert_num_queries(1):
        notes = plan_notes(alice)
        assert [note.written_by.user.username for note in notes] == ["carol"] * NOTES_SHOWN
    assert [note.change for note in notes[:2]] == ["Change 11", "Change 10"]
    assert [note.change for note in plan_notes(alice, unseen_only=True)][:1] == ["Change 10"]


def test_the_latest_change_told_reads_in_the_readers_language(alice, carol, django_assert_num_queries):
    assert latest_plan_change(alice) == ""
    PlanChangeNote.objects.create(patient=alice, written_by=carol, change="Plan ends.", at=NOW - DAY)
    ended = plan_changes.ended(TODAY + 14 * DAY, 0)
    PlanChangeNote.objects.create(
        patient=alice, written_by=carol, change=ended.words(), wording=ended.as_data(), at=NOW
    )
    with translation.override("es"), django_assert_num_queries(1):
        assert latest_plan_change(alice) == (
            "El plan termina el 16 de marzo de 2026 (desde ese día no se prescribe nada)."
        )


def test_questions_are_threaded_by_topic_open_threads_first(alice, carol, django_assert_num_queries):
    general = ask(alice, "General one", hours=0)
    ask(alice, "About my plan", topic="plan", hours=1)
    ask(alice, "That day", topic="entry", entry_date=TODAY - DAY, hours=2)
    question_answer(question=general, clinician=carol, answer="Answered.")
    ask(alice, "Another day", topic="entry", entry_date=TODAY - 2 * DAY, hours=3)
    with django_assert_num_queries(1):
        threads = question_threads(alice)
        words = [(thread.words, [q.text for q in thread.questions], thread.open_count) for thread in threads]
    assert words == [
        ("About the entry of 28 February 2026", ["Another day"], 1),
        ("About the entry of 1 March 2026", ["That day"], 1),
        ("About my plan", ["About my plan"], 1),
        ("General", ["General one"], 0),  # nothing waiting: last
    ]
    plan_only = question_threads(alice, topic="plan")
    assert [thread.words for thread in plan_only] == ["About my plan"]
    day_only = question_threads(alice, topic="entry", entry_date=TODAY - DAY)
    assert [q.text for thread in day_only for q in thread.questions] == ["That day"]


def test_a_thread_keeps_its_questions_in_order(alice, carol):
    first = ask(alice, "First", topic="plan", hours=0)
    question_answer(question=first, clinician=carol, answer="Yes.")
    ask(alice, "Second", topic="plan", hours=1)
    (thread,) = question_threads(alice)
    assert [q.text for q in thread.questions] == ["First", "Second"]
    assert thread.open_count == 1


def test_recent_answers(alice, carol):
    old, new = ask(alice, "Old", hours=-21 * 24), ask(alice, "New")
    with time_machine.travel(NOW - 20 * DAY, tick=False):
        question_answer(question=old, clinician=carol, answer="Long ago.")
    question_answer(question=new, clinician=carol, answer="Today.")
    assert [q.answer for q in recent_answers(alice, since=NOW - 14 * DAY)] == ["Today."]


def test_today_news_checks_in_one_query_and_reads_only_what_there_is(
    alice, bob, carol, django_assert_num_queries
):
    PlanChangeNote.objects.create(patient=bob, written_by=carol, change="Bob's", at=NOW)  # another patient's
    PushSubscription.objects.create(patient=bob, endpoint="https://p/1", p256dh="k", auth="a", expired_at=NOW)
    with django_assert_num_queries(1):
        assert today_news(alice, answers_since=NOW - 14 * DAY) == TodayNews([], [], 0)

    note = PlanChangeNote.objects.create(patient=alice, written_by=carol, change="Up to 1 mg", at=NOW)
    question_answer(question=ask(alice, "Coffee?"), clinician=carol, answer="Fine.")
    PushSubscription.objects.create(
        patient=alice, endpoint="https://p/2", p256dh="k", auth="a", expired_at=NOW
    )
    with django_assert_num_queries(4):  # the check, then the notes, the answers, the devices
        news = today_news(alice, answers_since=NOW - 14 * DAY)
    assert (news.unseen_notes, [q.answer for q in news.answers], news.expired_push_devices) == (
        [note],
        ["Fine."],
        1,
    )

    PlanChangeNote.objects.filter(pk=note.pk).update(acknowledged_at=NOW)
    assert today_news(alice, answers_since=NOW + DAY) == TodayNews([], [], 1)
