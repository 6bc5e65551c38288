"""journal.services.messages: a patient's short question to their care team and its one answer,
each audited, bounded, and counted on the roster's stored row in the same transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from journal.bounds import ANSWER_MAX_CHARS, OPEN_QUESTIONS_MAX, QUESTION_MAX_CHARS
from journal.models import AuditEvent, OutgoingMail, Question, RosterSnapshot
from journal.schedule import DAY
from journal.services.messages import TOO_MANY_OPEN, question_answer, question_ask

NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
TODAY = NOW.date()

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def ask(patient, text="Is a headache normal in the first week?", **fields):
    return question_ask(
        patient=patient, topic=fields.pop("topic", "general"), text=text, today=TODAY, **fields
    )


def open_on_roster(patient) -> int:
    return RosterSnapshot.objects.get(patient=patient).open_questions


def refusal(call) -> dict:
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict


def test_a_question_is_stored_audited_and_counted_on_the_roster(alice):
    question = ask(alice, "  Can I take it in the morning?  ", topic="plan")
    assert (question.topic, question.entry_date, question.text, question.is_open) == (
        "plan",
        None,
        "Can I take it in the morning?",
        True,
    )
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.QUESTION_ASKED)
    assert event.details["text"] == "Can I take it in the morning?"
    assert (event.patient, event.actor, event.summary) == (
        alice,
        alice.user,
        "Question (About my plan): Can I take it in the morning?",
    )
    assert open_on_roster(alice) == 1


def test_a_question_about_an_entry_names_its_day(alice):
    question = ask(alice, topic="entry", entry_date=TODAY - DAY)
    assert question.entry_date == TODAY - DAY
    assert question.thread_words == "About the entry of 1 March 2026"
    assert ask(alice, topic="general", entry_date=TODAY).entry_date is None  # only an entry has a day


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"topic": "entry"}, "entry_date"),
        ({"topic": "entry", "entry_date": TODAY + DAY}, "entry_date"),
        ({"topic": "entry", "entry_date": dt.date(1, 1, 1)}, "entry_date"),
        ({"topic": "billing"}, "topic"),
        ({"text": "   "}, "text"),
        ({"text": "x" * (QUESTION_MAX_CHARS + 1)}, "text"),
    ],
)
def test_a_question_out_of_bounds_is_refused_and_nothing_is_stored(alice, fields, field):
    assert field in refusal(lambda: ask(alice, **fields))
    assert not Question.objects.exists()
    assert not AuditEvent.objects.exists()


def test_at_most_a_few_questions_wait_at_once(alice, carol):
    waiting = [ask(alice, f"Question {n}") for n in range(OPEN_QUESTIONS_MAX)]
    assert refusal(lambda: ask(alice, "One more")) == {
        "text": [str(TOO_MANY_OPEN) % {"count": OPEN_QUESTIONS_MAX}]
    }
    question_answer(question=waiting[0], clinician=carol, answer="Yes.")
    ask(alice, "One more")  # an answer makes room
    assert alice.questions.filter(answered_at=None).count() == OPEN_QUESTIONS_MAX


def test_a_resubmitted_question_is_asked_once(alice):
    first = ask(alice, request_key="k1")
    again = ask(alice, request_key="k1")
    assert first == again
    assert Question.objects.count() == 1


def test_an_answer_is_stored_audited_and_clears_the_roster_count(alice, carol):
    question = ask(alice)
    answered = question_answer(question=question, clinician=carol, answer=" Yes: it usually passes. ")
    assert (answered.answer, answered.answered_by, answered.answered_at) == (
        "Yes: it usually passes.",
        carol,
        NOW,
    )
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.QUESTION_ANSWERED)
    assert event.details == {"question": question.pk, "answer": "Yes: it usually passes."}
    assert (event.actor, event.summary) == (
        carol.user,
        "Answer to “Is a headache normal in the first week?”: Yes: it usually passes.",
    )
    assert open_on_roster(alice) == 0


def test_a_question_is_answered_once(alice, carol, ada):
    question = ask(alice)
    question_answer(question=question, clinician=carol, answer="Yes.")
    assert refusal(lambda: question_answer(question=question, clinician=ada, answer="No.")) == {
        "answer": ["This question has been answered already."]
    }
    question.refresh_from_db()
    assert (question.answer, question.answered_by) == ("Yes.", carol)


@pytest.mark.parametrize("answer", ["", "x" * (ANSWER_MAX_CHARS + 1)])
def test_an_answer_out_of_bounds_is_refused(alice, carol, answer):
    question = ask(alice)
    assert "answer" in refusal(lambda: question_answer(question=question, clinician=carol, answer=answer))
    question.refresh_from_db()
    assert question.is_open


def test_only_the_patients_clinic_answers(alice, charlie):
    question = ask(alice)
    with pytest.raises(ValidationError):
        question_answer(question=question, clinician=charlie, answer="Yes.")
    question.refresh_from_db()
    assert question.is_open


def test_the_care_team_is_told_by_email_without_the_patients_name_or_question(alice, carol, ada, settings):
    settings.SEND_QUESTION_EMAILS = True
    carol.user.email = "carol@example.org"
    carol.user.save()
    alice.clinicians.add(ada)  # no address: no mail
    ask(alice, "Private words")
    (mail,) = OutgoingMail.objects.all()
    assert (mail.to, mail.status) == ("carol@example.org", "queued")
    assert "Private words" not in mail.body + mail.subject
    assert alice.name not in mail.body + mail.subject


def test_the_care_team_mail_links_to_the_patients_page_when_the_sites_address_is_set(alice, carol, settings):
    settings.SEND_QUESTION_EMAILS, settings.SITE_URL = True, "https://ldn.clinic.example"
    carol.user.email = "carol@example.org"
    carol.user.save()
    ask(alice, "Private words")
    (mail,) = OutgoingMail.objects.all()
    assert "https://ldn.clinic.example/clinic/patients/" in mail.body


def test_no_email_unless_the_clinic_turned_it_on(alice, carol, settings):
    settings.SEND_QUESTION_EMAILS = False
    carol.user.email = "carol@example.org"
    carol.user.save()
    ask(alice)
    assert not OutgoingMail.objects.exists()


def test_a_refused_question_queues_no_email(alice, carol, settings):
    settings.SEND_QUESTION_EMAILS = True
    carol.user.email = "carol@example.org"
    carol.user.save()
    for n in range(OPEN_QUESTIONS_MAX):
        ask(alice, f"Question {n}")
    OutgoingMail.objects.all().delete()
    with pytest.raises(ValidationError):
        ask(alice, "One more")
    assert not OutgoingMail.objects.exists()


def test_each_clinician_is_told_in_their_own_language(alice, carol, ada, settings):
    from django.utils import translation

    settings.SEND_QUESTION_EMAILS = True
    carol.user.email, carol.user.language = "carol@example.org", "de"
    carol.user.save()
    ada.user.email = "ada@example.org"
    ada.user.save()
    alice.clinicians.add(ada)
    with translation.override("es"):  # the patient asks from a page in Spanish
        ask(alice)
    subjects = dict(OutgoingMail.objects.values_list("to", "subject"))
    assert subjects["carol@example.org"].startswith("Eine Frage einer Patientin oder eines Patienten wartet")
    assert subjects["ada@example.org"].startswith("A patient's question is waiting")
    assert AuditEvent.objects.filter(
        summary__startswith="Question (General)"
    ).exists()  # the log stays English
