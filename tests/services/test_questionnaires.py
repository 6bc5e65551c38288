"""journal.services.questionnaires: a clinician saves a questionnaire (each edit a new version);
a patient answers the one due, once per occasion."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.urls import reverse

from journal.models import AuditEvent, QuestionnaireAnswer, QuestionnaireVersion
from journal.questionnaires import Definition, Item, Scoring, Timing
from journal.selectors.records import schedule_of
from journal.services.questionnaires import VERSIONS_MAX, questionnaire_answer, questionnaire_save
from tests.selectors import test_questionnaires
from tests.selectors.test_questionnaires import NOW, SLEEP, TODAY, pgic_of
from tests.test_exports_views import parse, patient_csv

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]
in_week_8 = test_questionnaires.in_week_8  # the fixture: Alice on her first day of week 8


def test_saving_a_questionnaire_adds_it_to_the_clinic_and_the_audit_log(clinic, carol):
    version = questionnaire_save(clinician=carol, definition=SLEEP)
    assert (version.questionnaire.clinic, version.number, version.title, version.created_by) == (
        clinic,
        1,
        "Sleep check",
        carol,
    )
    assert version.definition == SLEEP
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.QUESTIONNAIRE_SAVED)
    assert (event.clinic, event.patient, event.summary) == (
        clinic,
        None,
        "Questionnaire saved: Sleep check (version 1).",
    )


def test_an_edit_makes_the_next_version_and_leaves_the_first_as_it_was(carol):
    first = questionnaire_save(clinician=carol, definition=SLEEP)
    longer = Definition(
        "Sleep check", (*SLEEP.items, Item("Tired?", ("no", "yes"))), False, Scoring.SUM, SLEEP.timing
    )
    second = questionnaire_save(clinician=carol, definition=longer, questionnaire=first.questionnaire)
    first.refresh_from_db()
    assert (first.number, len(first.items), second.number, len(second.items)) == (1, 1, 2, 2)


def test_a_built_in_or_another_clinics_questionnaire_is_not_edited(clinic, carol, charlie):
    with pytest.raises(ValidationError, match="validated wording"):
        questionnaire_save(clinician=carol, definition=SLEEP, questionnaire=pgic_of(clinic))
    own = questionnaire_save(clinician=carol, definition=SLEEP)
    with pytest.raises(ValidationError, match="Only a clinician of the clinic"):
        questionnaire_save(clinician=charlie, definition=SLEEP, questionnaire=own.questionnaire)
    assert QuestionnaireVersion.objects.filter(questionnaire=own.questionnaire).count() == 1


def test_an_unbounded_questionnaire_is_refused(carol):
    with pytest.raises(ValidationError, match="1 to 20 questions"):
        questionnaire_save(
            clinician=carol, definition=Definition("x", (), False, Scoring.SUM, Timing(at_review=True))
        )


def test_the_patient_answers_the_due_pgic_once(clinic, in_week_8):
    pgic = pgic_of(clinic)
    answer = questionnaire_answer(
        patient=in_week_8, schedule=schedule_of(in_week_8), questionnaire_id=pgic.pk, values=[2], today=TODAY
    )
    assert (answer.occasion, answer.score, answer.values, answer.answered_on, answer.version.number) == (
        "week-8",
        2,
        [2],
        TODAY,
        1,
    )
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.QUESTIONNAIRE_ANSWERED)
    assert event.summary == "Patient Global Impression of Change (PGIC) answered (week-8): 2 (Much improved)."
    with pytest.raises(ValidationError, match="not due now"):
        questionnaire_answer(
            patient=in_week_8,
            schedule=schedule_of(in_week_8),
            questionnaire_id=pgic.pk,
            values=[1],
            today=TODAY,
        )
    assert QuestionnaireAnswer.objects.count() == 1


def test_a_caregivers_answer_is_the_caregivers_on_the_clinicians_patient_page(
    client, clinic, in_week_8, gina, carol
):
    client.force_login(gina.user)
    pgic = pgic_of(clinic)
    answered = client.post(reverse("questionnaire_answer", args=[pgic.pk]), {"item_0": "2"})
    assert answered.status_code == 302, answered.content.decode()
    answer = QuestionnaireAnswer.objects.get()
    assert answer.answered_by == gina.user
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.QUESTIONNAIRE_ANSWERED).actor == gina.user
    client.force_login(carol.user)
    page = client.get(reverse("patient_detail", args=[in_week_8.pk])).content.decode()
    assert '<span class="muted" data-testid="answered-by">answered by Gina Carer (caregiver)</span>' in page
    assert answer_cells(client, in_week_8) == [
        "Patient Global Impression of Change (PGIC) v1: 2 (Much improved) [caregiver]"
    ]
    summary = client.get(reverse("appointment_summary", args=[in_week_8.pk])).content.decode()
    assert (
        '<span class="muted" data-testid="summary-answered-by">· answered by Gina Carer (caregiver)</span>'
        in summary
    )


def test_the_patients_own_answer_is_shown_as_theirs(client, clinic, in_week_8, carol):
    answer = questionnaire_answer(
        patient=in_week_8,
        schedule=schedule_of(in_week_8),
        questionnaire_id=pgic_of(clinic).pk,
        values=[2],
        today=TODAY,
    )
    assert answer.answered_by == in_week_8.user
    client.force_login(carol.user)
    page = client.get(reverse("patient_detail", args=[in_week_8.pk])).content.decode()
    assert "Much improved" in page and "answered-by" not in page
    assert answer_cells(client, in_week_8) == [
        "Patient Global Impression of Change (PGIC) v1: 2 (Much improved)"
    ]
    summary = client.get(reverse("appointment_summary", args=[in_week_8.pk])).content.decode()
    assert "Much improved" in summary and "answered-by" not in summary


def answer_cells(client, patient) -> list[str]:
    """The questionnaire cells of the patient's CSV of the last week."""
    rows = parse(patient_csv(client, patient, TODAY - dt.timedelta(days=7), TODAY))
    return [row["questionnaires"] for row in rows if row["questionnaires"]]


def test_answers_given_before_it_was_stored_learn_who_answered_from_the_audit(clinic, in_week_8, gina):
    migration = importlib.import_module("journal.migrations.0029_questionnaire_answered_by")
    questionnaire_answer(
        patient=in_week_8,
        schedule=schedule_of(in_week_8),
        questionnaire_id=pgic_of(clinic).pk,
        values=[2],
        today=TODAY,
        actor=gina.user,
    )
    QuestionnaireAnswer.objects.update(answered_by=None)  # as the answers of before 0029 are
    migration.answered_by_from_the_audit(apps, None)
    assert QuestionnaireAnswer.objects.get().answered_by == gina.user


@pytest.mark.parametrize("values", [[], [0], [8], [1, 1]])
def test_an_answer_off_the_scale_is_refused(clinic, in_week_8, values):
    with pytest.raises(ValidationError):
        questionnaire_answer(
            patient=in_week_8,
            schedule=schedule_of(in_week_8),
            questionnaire_id=pgic_of(clinic).pk,
            values=values,
            today=TODAY,
        )
    assert not QuestionnaireAnswer.objects.exists()


def test_a_questionnaire_not_due_is_refused(clinic, alice):
    with pytest.raises(ValidationError, match="not due now"):
        questionnaire_answer(
            patient=alice,
            schedule=schedule_of(alice),
            questionnaire_id=pgic_of(clinic).pk,
            values=[4],
            today=TODAY,
        )


def test_the_database_holds_one_answer_per_occasion_and_a_bounded_score(clinic, in_week_8):
    pgic = pgic_of(clinic)
    version = pgic.versions.get()
    fields = {
        "patient": in_week_8,
        "questionnaire": pgic,
        "version": version,
        "answered_on": TODAY,
        "values": [1],
    }
    QuestionnaireAnswer.objects.create(occasion="week-8", score=1, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionnaireAnswer.objects.create(occasion="week-8", score=1, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionnaireAnswer.objects.create(occasion="week-13", score=0, **fields)
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():  # DataError: PostgreSQL's varchar
        QuestionnaireAnswer.objects.create(occasion="x" * 21, score=1, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionnaireVersion.objects.filter(pk=version.pk).update(every_weeks=27)


def test_a_questionnaire_has_at_most_a_hundred_versions(carol):
    version = questionnaire_save(clinician=carol, definition=SLEEP)
    QuestionnaireVersion.objects.filter(pk=version.pk).update(number=VERSIONS_MAX)
    with pytest.raises(ValidationError, match="at most 100 versions"):
        questionnaire_save(clinician=carol, definition=SLEEP, questionnaire=version.questionnaire)
