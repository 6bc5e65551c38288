"""Questionnaire pages: a clinician adds and edits the clinic's questionnaires (each edit a new
version); a patient sees "A short question from your clinic" on Today when one is due and
answers it once; the answers show on the patient page, the summary and the CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from journal.models import QuestionnaireAnswer, QuestionnaireVersion
from journal.schedule import DAY
from journal.services.questionnaires import QUESTIONNAIRES_MAX, questionnaire_save
from tests.selectors import test_questionnaires
from tests.selectors.test_questionnaires import NOW, SLEEP, TODAY, pgic_of

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]
in_week_8 = test_questionnaires.in_week_8  # the fixture: Alice on her first day of week 8

SLEEP_FORM = {
    "title": "Sleep check",
    "questions": "Did you wake at night?\r\nWere you tired on waking?",
    "anchors": "never\r\nsometimes\r\noften",
    "direction": "worse",
    "scoring": "sum",
    "every_weeks": "4",
    "at_weeks": "13, 8",
}


# --- the clinician -------------------------------------------------------------------------------


def test_a_clinician_adds_a_questionnaire(client, clinic, carol):
    client.force_login(carol.user)
    response = client.post(reverse("clinic_questionnaires"), SLEEP_FORM, follow=True)
    assert "Added the questionnaire “Sleep check”." in response.content.decode()
    version = QuestionnaireVersion.objects.get(title="Sleep check")
    definition = version.definition
    assert (version.questionnaire.clinic, version.number, len(definition.items)) == (clinic, 1, 2)
    assert definition.items[1].anchors == ("never", "sometimes", "often")
    assert (definition.timing.every_weeks, definition.timing.at_weeks, definition.timing.at_review) == (
        4,
        (8, 13),
        False,
    )
    page = client.get(reverse("clinic_questionnaires")).content.decode()
    assert "Sleep check" in page and "Patient Global Impression of Change (PGIC)" in page
    assert "Public domain" in page  # the built-in one's licence


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"questions": ""}, "This field is required."),
        ({"questions": "q\n" * 21}, "Write 1 to 20 questions, one per line."),
        ({"anchors": "only one"}, "Write 2 to 11 answer words, one per line."),
        ({"anchors": "a\n" + "b" * 41}, "Each answer word has at most 40 characters."),
        ({"at_weeks": "eight"}, "Write whole weeks separated by commas, e.g. 8, 13, 26."),
        ({"at_weeks": "200"}, "At most 10 fixed weeks, each from 1 to 104."),
        ({"every_weeks": "27"}, "Ensure this value is less than or equal to 26."),
        ({"every_weeks": "", "at_weeks": ""}, "Say when the questionnaire is asked."),
        ({"scoring": "single"}, "Only a questionnaire of one question is scored by its single item."),
        ({"title": "x" * 121}, "Ensure this value has at most 120 characters (it has 121)."),
    ],
)
def test_a_questionnaire_out_of_bounds_is_refused_with_its_reason(client, carol, change, message):
    client.force_login(carol.user)
    response = client.post(reverse("clinic_questionnaires"), SLEEP_FORM | change)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not QuestionnaireVersion.objects.filter(created_by=carol).exists()


def test_a_clinic_has_at_most_twenty_questionnaires(client, carol):
    for _ in range(QUESTIONNAIRES_MAX - 1):  # the PGIC is the first
        questionnaire_save(clinician=carol, definition=SLEEP)
    client.force_login(carol.user)
    response = client.post(reverse("clinic_questionnaires"), SLEEP_FORM)
    assert response.status_code == 400
    assert "A clinic has at most 20 questionnaires." in response.content.decode()


def test_editing_saves_a_new_version_and_old_answers_keep_theirs(client, clinic, carol, in_week_8):
    first = questionnaire_save(clinician=carol, definition=SLEEP)
    QuestionnaireAnswer.objects.create(
        patient=in_week_8,
        questionnaire=first.questionnaire,
        version=first,
        occasion="week-4",
        answered_on=TODAY - 28 * DAY,
        values=[3],
        score=3,
    )
    client.force_login(carol.user)
    url = reverse("questionnaire_edit", args=[first.questionnaire_id])
    assert "Did you wake at night?" in client.get(url).content.decode()  # the form holds version 1
    response = client.post(url, SLEEP_FORM | {"title": "Night waking"}, follow=True)
    assert "Saved “Night waking” as version 2" in response.content.decode()
    assert QuestionnaireAnswer.objects.get().version == first
    page = client.get(reverse("patient_detail", args=[in_week_8.pk])).content.decode()
    assert "Sleep check" in page and "v1" in page and "week 4" in page


def test_a_built_in_questionnaire_is_shown_but_not_edited(client, clinic, carol):
    client.force_login(carol.user)
    url = reverse("questionnaire_edit", args=[pgic_of(clinic).pk])
    page = client.get(url).content.decode()
    assert "Very much improved" in page and "keeps its validated wording" in page
    assert "Save as a new version" not in page
    response = client.post(url, SLEEP_FORM)
    assert response.status_code == 400
    assert pgic_of(clinic).versions.count() == 1


def test_another_clinics_questionnaire_is_404(client, clinic, carol, charlie):
    own = questionnaire_save(clinician=carol, definition=SLEEP)
    client.force_login(charlie.user)
    for pk in (own.questionnaire_id, pgic_of(clinic).pk):
        url = reverse("questionnaire_edit", args=[pk])
        assert client.get(url).status_code == 404
        assert client.post(url, SLEEP_FORM).status_code == 404
    assert own.questionnaire.versions.count() == 1


# --- the patient ---------------------------------------------------------------------------------


def test_the_patient_answers_the_pgic_from_today_once(client, clinic, in_week_8):
    client.force_login(in_week_8.user)
    today = client.get(reverse("today")).content.decode()
    assert "A short question from your clinic" in today
    url = reverse("questionnaire_answer", args=[pgic_of(clinic).pk])
    assert url in today
    page = client.get(url).content.decode()
    assert page.count('type="radio"') == 7 and "Much improved" in page
    response = client.post(url, {"item_0": "2"})
    assert response.status_code == 302 and response.url == reverse("today")
    answer = QuestionnaireAnswer.objects.get()
    assert (answer.patient, answer.score, answer.occasion, answer.answered_on) == (
        in_week_8,
        2,
        "week-8",
        TODAY,
    )
    assert "A short question from your clinic" not in client.get(reverse("today")).content.decode()
    again = client.post(url, {"item_0": "5"})
    assert "Nothing to answer now" in again.content.decode()
    assert QuestionnaireAnswer.objects.count() == 1


@pytest.mark.parametrize("payload", [{}, {"item_0": "0"}, {"item_0": "8"}, {"item_0": "x" * 1000}])
def test_an_answer_off_the_scale_is_refused(client, clinic, in_week_8, payload):
    client.force_login(in_week_8.user)
    response = client.post(reverse("questionnaire_answer", args=[pgic_of(clinic).pk]), payload)
    assert response.status_code == 400
    assert not QuestionnaireAnswer.objects.exists()


def test_nothing_is_asked_when_nothing_is_due(client, clinic, alice):
    client.force_login(alice.user)
    assert "A short question from your clinic" not in client.get(reverse("today")).content.decode()
    url = reverse("questionnaire_answer", args=[pgic_of(clinic).pk])
    assert "Nothing to answer now" in client.get(url).content.decode()
    client.post(url, {"item_0": "1"})
    assert not QuestionnaireAnswer.objects.exists()


def test_a_patient_of_another_clinic_gets_404(client, clinic, in_week_8, dave):
    client.force_login(dave.user)
    url = reverse("questionnaire_answer", args=[pgic_of(clinic).pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"item_0": "1"}).status_code == 404
    assert not QuestionnaireAnswer.objects.exists()


def test_a_patient_answers_in_their_own_language(client, clinic, in_week_8):
    in_week_8.user.language = "de"
    in_week_8.user.save(update_fields=["language"])
    client.force_login(in_week_8.user)
    page = client.get(reverse("questionnaire_answer", args=[pgic_of(clinic).pk])).content.decode()
    assert "Viel besser" in page and "Much improved" not in page


# --- where the clinician reads the answers -----------------------------------------------------------


@pytest.fixture
def answered(client, clinic, in_week_8):
    client.force_login(in_week_8.user)
    client.post(reverse("questionnaire_answer", args=[pgic_of(clinic).pk]), {"item_0": "2"})
    return in_week_8


def test_the_answer_on_the_patient_page_chart_summary_and_csv(client, carol, answered):
    client.force_login(carol.user)
    page = client.get(reverse("patient_detail", args=[answered.pk])).content.decode()
    assert "2 (Much improved)" in page and "week 8" in page
    assert "Patient Global Impression of Change (PGIC)" in page  # the chart's panel, in its JSON too
    summary = client.get(reverse("appointment_summary", args=[answered.pk])).content.decode()
    assert "2 (Much improved)" in summary
    response = client.get(
        reverse("patient_csv", args=[answered.pk]), {"start": TODAY.isoformat(), "end": TODAY.isoformat()}
    )
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert row["questionnaires"] == "Patient Global Impression of Change (PGIC) v1: 2 (Much improved)"
    dictionary = client.get(reverse("data_dictionary")).content.decode()
    assert "questionnaires" in dictionary and "very much worse" in dictionary


def test_the_patient_reads_their_own_answers_under_their_chart(client, answered):
    client.force_login(answered.user)
    page = client.get(reverse("my_chart")).content.decode()
    assert "Your answers to your clinic's questions" in page and "2 (Much improved)" in page
