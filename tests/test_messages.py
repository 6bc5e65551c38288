"""Messages tied to care, through the pages: a plan change's reason on Today and My plan until
the patient acknowledges it, and the clinician seeing when they did; the patient's questions
from Today, My plan and a day of the history, on the roster as needing attention, answered from
the patient page; the clinic's emergency line above every question form; who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from journal.bounds import OPEN_QUESTIONS_MAX, QUESTION_MAX_CHARS
from journal.models import AuditEvent, PlanChangeNote, Question
from journal.schedule import DAY
from journal.services.messages import question_ask
from journal.services.plans import plan_hold
from journal.services.snapshots import snapshot_refresh
from tests.factories import make_plan

NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
TODAY = NOW.date()

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


@pytest.fixture
def held(alice, carol):
    """Carol held Alice's plan a week, with a reason for her."""
    plan = make_plan(alice, carol, [(TODAY - 14 * DAY, "1.5"), (TODAY + 7 * DAY, "3")])
    plan_hold(
        plan=plan, clinician=carol, days=7, today=TODAY, patient_reason="Let the <b>headaches</b> settle."
    )
    return plan


def ask(patient, text="Is a headache normal?", topic="general", entry_date=None) -> Question:
    return question_ask(patient=patient, topic=topic, entry_date=entry_date, text=text, today=TODAY)


# --- the reason with a plan change ------------------------------------------------------------------


@pytest.mark.parametrize("page", ["today", "my_plan"])
def test_the_patient_reads_the_reason_with_the_change_until_they_acknowledge_it(client, alice, held, page):
    client.force_login(alice.user)
    content = client.get(reverse(page)).content.decode()
    assert "Your plan changed" in content
    assert "Let the &lt;b&gt;headaches&lt;/b&gt; settle." in content  # text, never HTML
    response = client.post(reverse("plan_acknowledge"), {"next": reverse(page)})
    assert response.url == reverse(page)
    assert "Your plan changed" not in client.get(reverse(page)).content.decode()
    assert PlanChangeNote.objects.get().acknowledged_at == NOW


def test_the_clinician_sees_the_reason_and_when_the_patient_saw_it(client, alice, carol, held):
    client.force_login(carol.user)
    notes = _section(client.get(reverse("patient_detail", args=[alice.pk])).content.decode(), "plan-notes")
    assert "Let the &lt;b&gt;headaches&lt;/b&gt; settle." in notes
    assert "not yet seen" in notes
    client.force_login(alice.user)
    client.post(reverse("plan_acknowledge"))
    client.force_login(carol.user)
    content = client.get(reverse("patient_detail", args=[alice.pk])).content.decode()
    assert "acknowledged by the patient on" in _section(content, "plan-notes")
    timeline = _section(content, "audit-timeline")
    assert "Reason for the patient: Let the &lt;b&gt;headaches&lt;/b&gt; settle." in timeline
    assert "Reasons told: Let the &lt;b&gt;headaches&lt;/b&gt; settle." in timeline


def test_a_change_without_a_reason_is_refused_on_the_plan_page(client, alice, carol):
    make_plan(alice, carol, [(TODAY - 14 * DAY, "1.5"), (TODAY + 7 * DAY, "3")])
    client.force_login(carol.user)
    response = client.post(reverse("plan_hold", args=[alice.pk]), {"days": "7", "patient_reason": ""})
    assert response.status_code == 400
    assert "Tell the patient why: this change alters what they are prescribed." in response.content.decode()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.PLAN_CHANGED).exists()


# --- questions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "topic", "entry_date", "back"),
    [
        ("today", "general", "", "/questions/"),
        ("my_plan", "plan", "", "/plan/#questions"),
        ("day_detail", "entry", "2026-03-01", "/history/2026-03-01/#questions"),
    ],
)
def test_a_question_is_asked_from_its_page_and_shows_there(client, alice, page, topic, entry_date, back):
    client.force_login(alice.user)
    url = reverse(page, kwargs={"day": entry_date} if entry_date else {})
    form_page = client.get(url).content.decode()
    assert "For an emergency, call your local emergency number." in form_page
    assert f'name="topic" value="{topic}"' in form_page
    data = {"topic": topic, "entry_date": entry_date, "text": "Is <i>this</i> normal?"}
    response = client.post(reverse("question_ask"), data)
    assert response.url == back
    question = Question.objects.get()
    assert (question.topic, question.entry_date and question.entry_date.isoformat() or "") == (
        topic,
        entry_date,
    )
    shown = client.get(back.split("#")[0]).content.decode()
    assert "Is &lt;i&gt;this&lt;/i&gt; normal?" in shown
    assert "Your care team has not answered yet." in shown


def test_a_question_past_its_bounds_is_refused_with_the_reason(client, alice):
    client.force_login(alice.user)
    for n in range(OPEN_QUESTIONS_MAX):
        ask(alice, f"Question {n}")
    response = client.post(reverse("question_ask"), {"topic": "general", "text": "One more"})
    assert response.status_code == 400
    assert "questions waiting for an answer" in response.content.decode()
    long = client.post(reverse("question_ask"), {"topic": "general", "text": "x" * (QUESTION_MAX_CHARS + 1)})
    assert long.status_code == 400
    assert Question.objects.count() == OPEN_QUESTIONS_MAX


def test_an_open_question_needs_attention_on_the_roster_and_is_answered_from_the_patient_page(
    client, alice, bob, carol
):
    bob.clinicians.add(carol)
    for patient in (alice, bob):
        snapshot_refresh(patient, NOW)
    question = ask(alice, "Can I drink coffee?")
    client.force_login(carol.user)
    roster = client.get(reverse("roster"), {"sort": "attention"}).content.decode()
    assert 'data-testid="open-questions"' in roster
    assert roster.index("Alice") < roster.index("Bob")  # questions waiting first
    page = client.get(reverse("patient_detail", args=[alice.pk])).content.decode()
    assert "Can I drink coffee?" in _section(page, "questions")
    url = reverse("question_answer", args=[alice.pk, question.pk])
    assert client.post(url, {"answer": ""}).status_code == 400
    response = client.post(url, {"answer": "Yes, coffee is fine."})
    assert response.url == reverse("patient_detail", args=[alice.pk]) + "#questions"
    assert 'data-testid="open-questions"' not in client.get(reverse("roster")).content.decode()
    client.force_login(alice.user)
    assert "Yes, coffee is fine." in _section(client.get(reverse("today")).content.decode(), "answers")
    assert "Yes, coffee is fine." in client.get(reverse("my_questions")).content.decode()


def test_only_the_patients_clinic_answers_and_nobody_else_reads_the_question(
    client, alice, bob, charlie, dave
):
    question = ask(alice, "Private question")
    url = reverse("question_answer", args=[alice.pk, question.pk])
    for who in (charlie, bob, dave):
        client.force_login(who.user)
        assert client.post(url, {"answer": "x"}).status_code in (403, 404)
    client.force_login(bob.user)
    assert "Private question" not in client.get(reverse("my_questions")).content.decode()
    client.logout()
    assert client.post(reverse("question_ask"), {"topic": "general", "text": "x"}).status_code == 302
    question.refresh_from_db()
    assert question.is_open


def test_a_question_of_another_patient_is_not_answered_through_this_patients_page(client, alice, bob, carol):
    bobs = ask(bob, "Bob's question")
    client.force_login(carol.user)
    assert (
        client.post(reverse("question_answer", args=[alice.pk, bobs.pk]), {"answer": "x"}).status_code == 404
    )


def test_a_clinician_cannot_ask_as_a_patient(client, carol):
    client.force_login(carol.user)
    assert client.post(reverse("question_ask"), {"topic": "general", "text": "x"}).status_code == 403
    assert not Question.objects.exists()


# --- the emergency line -----------------------------------------------------------------------------


def test_the_clinic_admin_sets_the_emergency_line_every_question_form_shows(client, alice, ada, carol):
    client.force_login(carol.user)
    assert client.post(reverse("clinic_emergency_line"), {"emergency_line": "call 112"}).status_code == 403
    client.force_login(ada.user)
    response = client.post(reverse("clinic_emergency_line"), {"emergency_line": "call 999 or 111"})
    assert response.url == reverse("clinic_manage") + "#messages"
    too_long = client.post(reverse("clinic_emergency_line"), {"emergency_line": "x" * 201}, follow=True)
    assert "Ensure this value has at most 200 characters" in too_long.content.decode()
    client.force_login(alice.user)
    for page in ("today", "my_plan", "my_questions"):
        assert "For an emergency, call 999 or 111." in client.get(reverse(page)).content.decode()


def _section(content: str, testid: str) -> str:
    start = content.index(f'data-testid="{testid}"')
    return (
        content[start : content.index("</section>", start)]
        if "</section>" in content[start:]
        else content[start:]
    )
