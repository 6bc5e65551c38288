"""journal.selectors.questionnaires: a clinic's questionnaires, what is due for a patient (read
through the domain's one rule) and a patient's scored answers, each in pinned queries."""

from __future__ import annotations

import datetime as dt

import pytest

from journal.models import Questionnaire, QuestionnaireAnswer
from journal.questionnaires import PGIC_KEY, Definition, Item, Scoring, Timing
from journal.schedule import DAY
from journal.selectors.questionnaires import (
    clinic_questionnaires,
    current_versions,
    due_questionnaire,
    questionnaire_of_clinic,
    review_days,
    scored_answers,
    shown_definition,
)
from journal.selectors.records import schedule_of
from journal.services.questionnaires import questionnaire_answer, questionnaire_save
from journal.services.review import patient_mark_reviewed
from tests.factories import make_clinic, make_plan

NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
TODAY = NOW.date()
WEEK_8 = TODAY - 56 * DAY  # a first dose on this day makes today the first day of week 8
pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]

SLEEP = Definition(
    "Sleep check",
    (Item("Did you wake at night?", ("never", "sometimes", "often")),),
    False,
    Scoring.SUM,
    Timing(every_weeks=4),
)


def pgic_of(clinic) -> Questionnaire:
    return Questionnaire.objects.get(clinic=clinic, key=PGIC_KEY)


@pytest.fixture
def in_week_8(alice, carol):
    """Alice, her first dose 56 days ago: the PGIC's first occasion opens today."""
    make_plan(alice, carol, [(WEEK_8, "1.5")])
    return alice


def test_every_clinic_new_or_old_has_the_pgic_once(clinic, other_clinic):
    for each in (clinic, other_clinic, make_clinic("Clinic C")):
        (version,) = current_versions(each.pk).values()
        assert (version.questionnaire.key, version.number, version.title) == (
            PGIC_KEY,
            1,
            "Patient Global Impression of Change (PGIC)",
        )
        assert version.definition.items[0].anchors[1] == "Much improved"


def test_the_newest_version_of_each_questionnaire_in_one_query(clinic, carol, django_assert_num_queries):
    version = questionnaire_save(clinician=carol, definition=SLEEP)
    second = questionnaire_save(clinician=carol, definition=SLEEP, questionnaire=version.questionnaire)
    with django_assert_num_queries(1):  # with each version's questionnaire
        newest = current_versions(clinic.pk)
        assert [(v.questionnaire.clinic_id, v.questionnaire.built_in) for v in newest.values()] == [
            (clinic.pk, True),
            (clinic.pk, False),
        ]
    assert newest[version.questionnaire_id] == second
    assert newest[pgic_of(clinic).pk].number == 1


def test_a_built_in_questionnaire_reads_in_the_readers_language_a_clinics_own_as_written(
    clinic, carol, settings
):
    from django.utils import translation

    own = questionnaire_save(clinician=carol, definition=SLEEP)
    pgic = current_versions(clinic.pk)[pgic_of(clinic).pk]
    with translation.override("es"):
        assert shown_definition(pgic).items[0].anchors[1] == "Mucho mejor"
        assert shown_definition(own).title == "Sleep check"


def test_the_clinics_list_counts_answers_in_two_queries(clinic, in_week_8, django_assert_num_queries):
    questionnaire_answer(
        patient=in_week_8,
        schedule=schedule_of(in_week_8),
        questionnaire_id=pgic_of(clinic).pk,
        values=[2],
        today=TODAY,
    )
    with django_assert_num_queries(2):
        (item,) = clinic_questionnaires(clinic.pk)
    assert (item.answers, item.built_in, item.version.number) == (1, True, 1)
    assert item.licence.startswith("Public domain")


def test_another_clinics_questionnaire_is_not_found(clinic, other_clinic):
    assert questionnaire_of_clinic(clinic.pk, pgic_of(clinic).pk) == pgic_of(clinic)
    assert questionnaire_of_clinic(clinic.pk, pgic_of(other_clinic).pk) is None


def test_the_latest_review_is_read_from_the_patients_row_in_their_local_date(
    in_week_8, carol, django_assert_num_queries
):
    assert review_days(in_week_8) == []
    in_week_8.time_zone = "Pacific/Auckland"  # 10:00 UTC is 23:00 there
    patient_mark_reviewed(patient=in_week_8, clinician=carol, open_advice_keys=[])
    with django_assert_num_queries(0):
        assert review_days(in_week_8) == [TODAY]


def test_the_pgic_is_due_in_week_8_once(clinic, in_week_8, django_assert_num_queries):
    schedule = schedule_of(in_week_8)
    with django_assert_num_queries(2):  # the clinic's questionnaires; an occasion is open: the answers
        due = due_questionnaire(in_week_8, schedule, TODAY)
    assert due is not None and (due.occasion.key, due.version.questionnaire) == ("week-8", pgic_of(clinic))
    assert due_questionnaire(in_week_8, schedule, TODAY - DAY) is None
    questionnaire_answer(
        patient=in_week_8, schedule=schedule, questionnaire_id=pgic_of(clinic).pk, values=[3], today=TODAY
    )
    assert due_questionnaire(in_week_8, schedule, TODAY) is None
    assert due_questionnaire(in_week_8, schedule, TODAY + 13 * DAY) is None  # the same occasion


def test_a_review_makes_the_pgic_due(alice, carol):
    make_plan(alice, carol, [(TODAY - 20 * DAY, "1.5")])
    assert due_questionnaire(alice, schedule_of(alice), TODAY) is None
    patient_mark_reviewed(patient=alice, clinician=carol, open_advice_keys=[])
    due = due_questionnaire(alice, schedule_of(alice), TODAY)
    assert due is not None and due.occasion.key == f"review-{TODAY.isoformat()}"


def test_nothing_is_due_without_a_plan_and_no_answer_is_read_when_no_occasion_is_open(
    alice, carol, django_assert_num_queries
):
    without_plan = schedule_of(alice)
    with django_assert_num_queries(0):
        assert due_questionnaire(alice, without_plan, TODAY) is None
    make_plan(alice, carol, [(TODAY - 20 * DAY, "1.5")])
    schedule = schedule_of(alice)
    with django_assert_num_queries(1):
        assert due_questionnaire(alice, schedule, TODAY) is None


def test_answers_keep_the_words_of_the_version_they_answered(
    clinic, carol, in_week_8, django_assert_num_queries
):
    version = questionnaire_save(clinician=carol, definition=SLEEP)
    QuestionnaireAnswer.objects.create(
        patient=in_week_8,
        questionnaire=version.questionnaire,
        version=version,
        occasion="week-4",
        answered_on=TODAY - 28 * DAY,
        values=[2],
        score=2,
    )
    renamed = Definition("Night waking", SLEEP.items, False, Scoring.SUM, SLEEP.timing)
    questionnaire_save(clinician=carol, definition=renamed, questionnaire=version.questionnaire)
    with django_assert_num_queries(1):
        (answer,) = scored_answers([in_week_8.pk])[in_week_8.pk]
    assert (answer.title, answer.words, answer.version, answer.occasion_words) == (
        "Sleep check",
        "2",
        1,
        "week 4",
    )
    assert scored_answers([in_week_8.pk], translated=False)[in_week_8.pk] == [answer]
