"""Messages tied to care: a patient's short question to their care team, and its answer.
Each write locks the patient, runs in one transaction with its audit row, and stores the
roster's row again (its count of open questions) in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journal.bounds import ANSWER_MAX_CHARS, OPEN_QUESTIONS_MAX, QUESTION_MAX_CHARS, TREATMENT_SPAN
from journal.models import AuditEvent, Clinician, Patient, Question, QuestionTopic
from journal.services.audit import already_applied, lock_patient, record_audit
from journal.services.mail import mail_queue, page_address
from journal.services.snapshots import snapshot_refresh

TOO_MANY_OPEN = gettext_lazy(
    "You have %(count)d questions waiting for an answer: your care team answers them "
    "first. If it cannot wait, call the clinic."
)


def _text(text: str, most: int, field: str, empty: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({field: empty})
    if len(text) > most:
        raise ValidationError(
            {
                field: _("At most %(most)d characters: this has %(length)d.")
                % {"most": most, "length": len(text)}
            }
        )
    return text


def question_ask(
    *,
    patient: Patient,
    topic: str,
    text: str,
    entry_date: dt.date | None = None,
    today: dt.date,
    request_key: str | None = None,
) -> Question:
    """A patient's question about `topic` (a day's entry names the day: today or before, within
    the diary's dates). At most `OPEN_QUESTIONS_MAX` wait for an answer at once."""
    text = _text(text, QUESTION_MAX_CHARS, "text", _("Write your question."))
    if topic not in QuestionTopic.values:
        raise ValidationError({"topic": _("Choose what the question is about.")})
    if topic != QuestionTopic.ENTRY:
        entry_date = None
    elif entry_date is None or entry_date > today or entry_date not in TREATMENT_SPAN:
        raise ValidationError({"entry_date": _("Ask about a day you could log: today or before.")})
    with transaction.atomic():
        lock_patient(patient)
        if (done := already_applied(request_key)) is not None:
            return Question.objects.get(pk=done.details["question"])
        if patient.questions.filter(answered_at=None).count() >= OPEN_QUESTIONS_MAX:
            raise ValidationError({"text": str(TOO_MANY_OPEN) % {"count": OPEN_QUESTIONS_MAX}})
        question = Question(patient=patient, topic=topic, entry_date=entry_date, text=text)
        question.full_clean()
        question.save()
        record_audit(
            patient=patient,
            actor=patient.user,
            kind=AuditEvent.Kind.QUESTION_ASKED,
            summary=f"Question ({_audit_words(question)}): {text}",
            details={  # the whole text: the summary keeps 500 characters
                "question": question.pk,
                "topic": topic,
                "entry_date": entry_date.isoformat() if entry_date else None,
                "text": text,
            },
            request_key=request_key,
        )
        if settings.SEND_QUESTION_EMAILS:
            _tell_care_team(patient)
        snapshot_refresh(patient, timezone.now())
    return question


def _audit_words(question: Question) -> str:
    """The audit log is one record in the site's language, whoever wrote it."""
    with translation.override(settings.LANGUAGE_CODE):
        return question.thread_words


def _tell_care_team(patient: Patient) -> None:
    """An email to each active clinician of the patient's care team who has an address, queued
    with the question, in the clinician's language: it names neither the patient nor the
    question, which stay on the server."""
    team = patient.clinicians.filter(user__is_active=True).exclude(user__email="")
    link = f"{roster}\n" if (roster := page_address("roster")) else ""
    for address, language in sorted(set(team.values_list("user__email", "user__language"))):
        with translation.override(language or settings.LANGUAGE_CODE):
            mail_queue(
                to=address,
                subject=(
                    _("A patient's question is waiting in LDN Journal (%(clinic)s)")
                    % {"clinic": patient.clinic.name}
                )[:200],
                body=_(
                    "One of your patients asked their care team a question in LDN Journal.\n"
                    "Sign in to answer it: the patient is marked “question” on your patients page.\n"
                )
                + link,
            )


def question_answer(
    *, question: Question, clinician: Clinician, answer: str, request_key: str | None = None
) -> Question:
    """A clinician of the patient's clinic answers an open question, once."""
    answer = _text(answer, ANSWER_MAX_CHARS, "answer", _("Write the answer."))
    patient = question.patient
    if clinician.clinic_id != patient.clinic_id:
        raise ValidationError("Only the patient's clinic answers their questions.")
    with transaction.atomic():
        lock_patient(patient)
        if already_applied(request_key) is not None:
            question.refresh_from_db()
            return question
        question.refresh_from_db()
        if not question.is_open:
            raise ValidationError({"answer": "This question has been answered already."})
        question.answer, question.answered_by, question.answered_at = answer, clinician, timezone.now()
        question.full_clean()
        question.save(update_fields=["answer", "answered_by", "answered_at"])
        record_audit(
            patient=patient,
            actor=clinician.user,
            kind=AuditEvent.Kind.QUESTION_ANSWERED,
            summary=f"Answer to “{question.text[:80]}”: {answer}",
            details={"question": question.pk, "answer": answer},  # the summary keeps 500 characters
            request_key=request_key,
        )
        snapshot_refresh(patient, question.answered_at)
    return question
