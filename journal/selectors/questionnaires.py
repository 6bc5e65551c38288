"""Questionnaires read from the database: a clinic's current versions, what is due for a patient
(`journal.questionnaires.first_due`, the one rule) and a patient's scored answers."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.db import DEFAULT_DB_ALIAS

from journal import questionnaires as q
from journal.models import Patient, Questionnaire, QuestionnaireAnswer, QuestionnaireVersion
from journal.schedule import Schedule
from journal.selectors.compiled import CompiledRead, column_names


def current_versions(clinic_id: int) -> dict[int, QuestionnaireVersion]:
    """Each of the clinic's questionnaires' newest version, with its questionnaire, by
    questionnaire id (1 query: Today reads it)."""
    newest: dict[int, QuestionnaireVersion] = {}
    split = len(_VERSION_COLUMNS)
    for row in _VERSIONS_OF_CLINIC.rows(clinic=clinic_id):
        version = QuestionnaireVersion.from_db(DEFAULT_DB_ALIAS, _VERSION_COLUMNS, row[:split])
        if version.questionnaire_id not in newest:
            version.questionnaire = Questionnaire.from_db(
                DEFAULT_DB_ALIAS, _QUESTIONNAIRE_COLUMNS, row[split:]
            )
            newest[version.questionnaire_id] = version
    return newest


_VERSION_COLUMNS = column_names(QuestionnaireVersion)
_QUESTIONNAIRE_COLUMNS = column_names(Questionnaire)
_VERSIONS_OF_CLINIC = CompiledRead(  # each version with its questionnaire's columns after its own
    lambda clinic: (
        QuestionnaireVersion.objects.filter(questionnaire__clinic_id=clinic)
        .order_by("questionnaire_id", "-number")
        .values_list(*_VERSION_COLUMNS, *(f"questionnaire__{name}" for name in _QUESTIONNAIRE_COLUMNS))
    ),
    clinic=int,
)


def shown_definition(version: QuestionnaireVersion) -> q.Definition:
    """The version as the reader reads it: a built-in one in their language."""
    definition = version.definition
    return q.translated(definition) if version.questionnaire.built_in else definition


@dataclass(frozen=True)
class ClinicQuestionnaire:
    version: QuestionnaireVersion  # the newest
    definition: q.Definition  # as the reader reads it
    answers: int  # answers to any version

    @property
    def built_in(self) -> bool:
        return self.version.questionnaire.built_in

    @property
    def licence(self) -> str:
        return q.BUILT_IN[self.version.questionnaire.key][1] if self.built_in else ""


def clinic_questionnaires(clinic_id: int) -> list[ClinicQuestionnaire]:
    """The clinic's questionnaires with their newest version and how often they were answered
    (2 queries)."""
    counts: dict[int, int] = defaultdict(int)
    for questionnaire_id in QuestionnaireAnswer.objects.filter(
        questionnaire__clinic_id=clinic_id
    ).values_list("questionnaire_id", flat=True):
        counts[questionnaire_id] += 1
    return [
        ClinicQuestionnaire(version, shown_definition(version), counts[pk])
        for pk, version in current_versions(clinic_id).items()
    ]


def questionnaire_of_clinic(clinic_id: int, pk: int) -> Questionnaire | None:
    return Questionnaire.objects.filter(clinic_id=clinic_id, pk=pk).first()


@dataclass(frozen=True)
class DueQuestionnaire:
    version: QuestionnaireVersion
    definition: q.Definition  # as the patient reads it
    occasion: q.Occasion


def review_days(patient: Patient) -> list[dt.date]:
    """The local date of the patient's latest clinician review (no query: it is on the patient's
    row). An earlier review's occasion is covered by any answer after the latest one, so the
    latest is all the due rule needs."""
    reviewed = patient.last_reviewed_at
    return [patient.local_today(reviewed)] if reviewed else []


def due_questionnaire(patient: Patient, schedule: Schedule, today: dt.date) -> DueQuestionnaire | None:
    """The questionnaire the patient is asked to answer today, with its occasion, or None: no
    query before a first dose, else 1 (the clinic's questionnaires), and 1 more for the recent
    answers when an occasion is open today."""
    if schedule.first_dose is None:
        return None
    versions = current_versions(patient.clinic_id)
    timings = {pk: version.definition.timing for pk, version in versions.items()}
    reviews = review_days(patient)
    rule = partial(q.first_due, timings, today=today, first_dose=schedule.first_dose, reviews=reviews)
    if rule(answered_on={}) is None:
        return None
    answered: dict[int, list[dt.date]] = defaultdict(list)
    recent = QuestionnaireAnswer.objects.filter(patient=patient, answered_on__gte=q.earliest_open(today))
    for questionnaire_id, day in recent.values_list("questionnaire_id", "answered_on"):
        answered[questionnaire_id].append(day)
    due = rule(answered_on=answered)
    if due is None:
        return None
    version = versions[due[0]]
    return DueQuestionnaire(version, shown_definition(version), due[1])


def scored_answers(patient_ids: Iterable[int], *, translated: bool = True) -> dict[int, list[q.ScoredAnswer]]:
    """Each patient's answers, oldest first, each scored and worded by the version it answered,
    in the reader's language (or as stored, for the CSV: `translated=False`) (1 query)."""
    found: dict[int, list[q.ScoredAnswer]] = defaultdict(list)
    answers = (
        QuestionnaireAnswer.objects.filter(patient_id__in=list(patient_ids))
        .select_related("version__questionnaire")
        .order_by("answered_on", "pk")
    )
    for answer in answers:
        definition = shown_definition(answer.version) if translated else answer.version.definition
        found[answer.patient_id].append(
            q.ScoredAnswer(
                day=answer.answered_on,
                title=definition.title,
                score=answer.score,
                words=definition.words(answer.values),
                higher_is_better=definition.higher_is_better,
                occasion=answer.occasion,
                version=answer.version.number,
                max_score=definition.max_score,
                answered_by=answer.answered_by_id,
            )
        )
    return found
