"""The appointment summary page: what it shows, since when, its reads and its audit row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from journal.models import AuditEvent, Condition, LdnPause, Screening, SideEffectReport
from journal.schedule import DAY
from journal.selectors.exports import appointment_summary
from journal.services.messages import question_answer, question_ask
from journal.services.plans import plan_acknowledge, plan_hold
from tests.factories import make_entry, make_plan
from tests.rendered import assert_keeps_data_on_the_page, rendered_chart

TODAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
FIRST_DOSE = TODAY - 119 * DAY  # day 120 on LDN: the 3–6-month window has started

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


@pytest.fixture
def alices_course(alice, carol):
    """Alice: a baseline week, three steps up, pain falling by half, a missed dose, side effects
    old and recent, a screening with a thyroid note."""
    alice.conditions.add(Condition.objects.get(clinic=None, name="Fibromyalgia"))
    steps = [(FIRST_DOSE, "1.5"), (FIRST_DOSE + 28 * DAY, "3"), (FIRST_DOSE + 56 * DAY, "4.5")]
    make_plan(alice, carol, steps)
    LdnPause.objects.create(
        patient=alice,
        start_date=TODAY - 50 * DAY,
        end_date=TODAY - 48 * DAY,
        reason="knee surgery",
        created_by=carol,
    )
    Screening.objects.create(
        patient=alice,
        screened_by=carol,
        screened_at=NOW - 130 * DAY,
        thyroid_medication=True,
        notes="Levothyroxine 50 mcg; watch for palpitations.",
    )
    for offset in range(-7, 120):
        day = FIRST_DOSE + offset * DAY
        if day == TODAY - 3 * DAY:
            continue  # not logged
        pain = 8 if offset < 56 else 4
        taken = offset >= 0 and day != TODAY - 5 * DAY and not (TODAY - 50 * DAY <= day <= TODAY - 48 * DAY)
        entry = make_entry(
            alice,
            day,
            scores={"Pain": pain, "Fatigue": 6},
            dose_taken=taken,
            dose_mg=Decimal("1.5") if taken else None,
        )
        if day in (FIRST_DOSE + DAY, TODAY - 10 * DAY, TODAY - 9 * DAY):
            SideEffectReport.objects.create(
                entry=entry, kind="vivid_dreams", severity="moderate" if day == TODAY - 9 * DAY else "mild"
            )
    alice.last_reviewed_at = NOW - 20 * DAY
    alice.save()
    return alice


def test_the_summary_brings_the_appointment_together(client, alices_course, carol):
    client.force_login(carol.user)
    response = client.get(reverse("appointment_summary", kwargs={"pk": alices_course.pk}))
    page = response.content.decode()

    assert response.status_code == 200
    assert "Appointment summary: Alice" in page
    assert "Day 120 on LDN" in page
    assert "Fibromyalgia" in page
    assert "4.5 mg at bedtime" in page
    assert all(
        f">{day:%-d %b %Y}</td>" in page for day in (FIRST_DOSE, FIRST_DOSE + 28 * DAY, FIRST_DOSE + 56 * DAY)
    )
    assert "knee surgery" in page
    assert "Thyroid medication: the dose may need adjusting" in page
    assert "watch for palpitations" in page
    # Since the last review 20 days ago: vivid dreams on two days (the one at the start is older).
    assert "Side effects since 1 Nov 2026" in page
    assert "Since the last review." in page
    assert "Vivid dreams</td><td>2</td><td>moderate</td>" in page
    # The last 14 days: one dose logged as not taken, one day not logged.
    assert "12 of 14 prescribed days (86 %), 1 not logged" in page
    assert "substantial improvement" in page
    assert "no change" in page
    assert_keeps_data_on_the_page(rendered_chart(page, "summary-chart")["config"])  # the print chart too


def test_summary_reads(alices_course, django_assert_num_queries):
    # the overview (12: the file, with its lab results and questionnaire answers, and the last
    # review), then 4 of its own (2 of them the messages), and the latest weight
    with django_assert_num_queries(17):
        summary = appointment_summary(alices_course)
    assert summary.today == TODAY
    assert summary.overview.record.day_on_ldn == 120
    assert (summary.since, summary.since_what) == (TODAY - 20 * DAY, "last review")
    assert [(str(row.dose.dose_mg), row.state) for plan in summary.plans for row in plan.steps] == [
        ("1.500", "past"),
        ("3.000", "past"),
        ("4.500", "now"),
    ]
    assert str(summary.current.dose_mg) == "4.500"
    # Since the last review, 21 days: one dose logged as not taken, one day not logged.
    assert (summary.adherence_since.taken, summary.adherence_since.prescribed) == (19, 21)
    assert [(tally.kind, tally.days, tally.worst) for tally in summary.side_effects] == [
        ("vivid_dreams", 2, "moderate")
    ]
    assert [finding.code for finding in summary.safety.findings] == ["thyroid_watch"]


@pytest.mark.parametrize(
    ("reviewed_days_ago", "exported_days_ago", "since_days_ago", "words"),
    [
        (None, None, 30, "The last 30 days: no earlier review or export."),
        (20, None, 20, "Since the last review."),
        (20, 6, 6, "Since the previous export."),
        (None, 0, 30, "The last 30 days"),  # an export earlier today is this visit, not the last one
    ],
)
def test_since_the_previous_visit(
    client, alice, carol, reviewed_days_ago, exported_days_ago, since_days_ago, words
):
    alice.last_reviewed_at = NOW - reviewed_days_ago * DAY if reviewed_days_ago is not None else None
    alice.save()
    if exported_days_ago is not None:
        AuditEvent.objects.create(
            clinic=alice.clinic,
            patient=alice,
            actor=carol.user,
            kind="export",
            summary="CSV",
            details={"by": "clinician"},
            at=NOW - exported_days_ago * DAY - dt.timedelta(hours=1),
        )
    client.force_login(carol.user)
    page = client.get(reverse("appointment_summary", kwargs={"pk": alice.pk})).content.decode()
    assert f"Side effects since {(TODAY - since_days_ago * DAY):%-d %b %Y}" in page
    assert words in page


def test_the_summary_shows_the_newest_messages_since_the_previous_visit(client, alice, carol):
    make_plan(alice, carol, [(TODAY - 40 * DAY, "1.5"), (TODAY + 7 * DAY, "3")])
    with time_machine.travel(NOW - 40 * DAY, tick=False):  # before the 30 days: left out
        question_ask(patient=alice, topic="general", text="An old question", today=TODAY - 40 * DAY)
    plan_hold(
        plan=alice.plans.get(), clinician=carol, days=7, today=TODAY, patient_reason="Headaches <b>first</b>."
    )
    alice.refresh_from_db()  # the change's time, as the patient's page reads it
    plan_acknowledge(patient=alice)
    client.force_login(carol.user)
    url = reverse("appointment_summary", kwargs={"pk": alice.pk})
    page = client.get(url).content.decode()
    assert "reason “Headaches &lt;b&gt;first&lt;/b&gt;.”; seen by the patient 21 Nov" in page
    assert 'data-testid="summary-question"' not in page  # the old question is before the visit
    question_ask(
        patient=alice, topic="entry", entry_date=TODAY - DAY, text="Was that a side effect?", today=TODAY
    )
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        answered = question_ask(patient=alice, topic="plan", text="Morning " + "x" * 100, today=TODAY)
    question_answer(question=answered, clinician=carol, answer="Yes, that is fine.")
    page = client.get(url).content.decode()
    start = page.index('data-testid="summary-question"')
    newest = " ".join(page[start : page.index("</dd>", start)].split())
    assert "(about my plan): “Morning xxxx" in newest
    assert "…” — Carol Clinician: “Yes, that is fine.”" in newest  # cut at 60 characters
    assert "Was that a side effect?" not in page  # the newest question only


def test_opening_the_summary_is_recorded(client, alice, carol):
    client.force_login(carol.user)
    client.get(reverse("appointment_summary", kwargs={"pk": alice.pk}))
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert (event.patient, event.actor, event.at) == (alice, carol.user, NOW)
    assert event.details == {
        "by": "clinician",
        "scope": "patient",
        "format": "summary",
        "start": "2026-10-22",
        "end": "2026-11-21",
    }


def test_another_clinic_gets_a_404_and_nothing_is_recorded(client, alice, charlie):
    client.force_login(charlie.user)
    assert client.get(reverse("appointment_summary", kwargs={"pk": alice.pk})).status_code == 404
    assert client.post(reverse("appointment_summary", kwargs={"pk": alice.pk})).status_code == 405
    assert not AuditEvent.objects.exists()


def test_the_patient_page_links_to_the_summary_and_the_csv(client, alice, carol):
    client.force_login(carol.user)
    page = client.get(reverse("patient_detail", kwargs={"pk": alice.pk})).content.decode()
    assert reverse("appointment_summary", kwargs={"pk": alice.pk}) in page
    assert reverse("patient_csv", kwargs={"pk": alice.pk}) in page
