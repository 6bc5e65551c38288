"""Questionnaires written by a clinician of the clinic (each edit a new version) and answered
by a patient when one is due: the one write path of each, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from journal import questionnaires as q
from journal.models import (
    AuditEvent,
    Clinic,
    Clinician,
    Patient,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireVersion,
    User,
)
from journal.schedule import Schedule
from journal.selectors.questionnaires import due_questionnaire
from journal.services.audit import record_audit

QUESTIONNAIRES_MAX = 20  # of one clinic, the built-in ones included
VERSIONS_MAX = 100  # of one questionnaire


def questionnaire_save(
    *, clinician: Clinician, definition: q.Definition, questionnaire: Questionnaire | None = None
) -> QuestionnaireVersion:
    """A new questionnaire of the clinician's clinic, or the next version of one of its own
    (answers keep pointing at the version they answered). A built-in one keeps its validated
    wording."""
    if questionnaire is not None:
        if questionnaire.clinic_id != clinician.clinic_id:
            raise ValidationError(_("Only a clinician of the clinic can change its questionnaires."))
        if questionnaire.built_in:
            raise ValidationError(
                _("A built-in questionnaire keeps its validated wording; add your own instead.")
            )
    if problems := q.definition_problems(definition):
        raise ValidationError(problems)
    with transaction.atomic():
        if questionnaire is None:
            Clinic.objects.select_for_update().filter(pk=clinician.clinic_id).get()
            if Questionnaire.objects.filter(clinic_id=clinician.clinic_id).count() >= QUESTIONNAIRES_MAX:
                raise ValidationError(_("A clinic has at most 20 questionnaires."))
            questionnaire = Questionnaire.objects.create(clinic_id=clinician.clinic_id)
            number = 1
        else:
            Questionnaire.objects.select_for_update().filter(pk=questionnaire.pk).get()
            numbers = questionnaire.versions.order_by("-number").values_list("number", flat=True)
            number = (numbers.first() or 0) + 1
            if number > VERSIONS_MAX:
                raise ValidationError(_("A questionnaire has at most 100 versions: add a new one instead."))
        timing = definition.timing
        version = QuestionnaireVersion(
            questionnaire=questionnaire,
            number=number,
            title=definition.title.strip(),
            items=[
                {"text": item.text.strip(), "anchors": [word.strip() for word in item.anchors]}
                for item in definition.items
            ],
            higher_is_better=definition.higher_is_better,
            scoring=definition.scoring.value,
            at_baseline=timing.at_baseline,
            every_weeks=timing.every_weeks,
            at_weeks=sorted(set(timing.at_weeks)),
            at_review=timing.at_review,
            created_by=clinician,
        )
        version.full_clean()
        version.save()
        record_audit(
            patient=None,
            clinic=clinician.clinic,
            actor=clinician.user,
            kind=AuditEvent.Kind.QUESTIONNAIRE_SAVED,
            summary=f"Questionnaire saved: {version.title} (version {number}).",
            details={"questionnaire": questionnaire.pk, "version": number},
        )
    return version


def questionnaire_answer(
    *,
    patient: Patient,
    schedule: Schedule,
    questionnaire_id: int,
    values: Sequence[int],
    today: dt.date,
    actor: User | None = None,
) -> QuestionnaireAnswer:
    """The patient's answer to the questionnaire due today (`due_questionnaire`), once per
    occasion, given by the patient or their caregiver (`actor`): an answer to one not due, or a
    second answer, is refused."""
    due = due_questionnaire(patient, schedule, today)
    if due is None or due.version.questionnaire_id != questionnaire_id:
        raise ValidationError(_("This questionnaire is not due now; thank you, nothing more to answer."))
    definition = due.version.definition
    if problem := definition.answer_problem(values):
        raise ValidationError(problem)
    answer = QuestionnaireAnswer(
        patient=patient,
        questionnaire_id=questionnaire_id,
        version=due.version,
        occasion=due.occasion.key,
        answered_on=today,
        values=list(values),
        score=definition.score(values),
        answered_by=actor or patient.user,
    )
    answer.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            answer.save()
            record_audit(
                patient=patient,
                actor=answer.answered_by,
                kind=AuditEvent.Kind.QUESTIONNAIRE_ANSWERED,
                summary=f"{due.version.title} answered ({due.occasion.key}): {definition.words(values)}.",
                details={"version": due.version.pk, "occasion": due.occasion.key, "score": answer.score},
            )
    except IntegrityError as error:
        raise ValidationError(_("This questionnaire was already answered; thank you.")) from error
    return answer
