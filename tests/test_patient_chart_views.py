"""The clinician's patient page sections (chart, response, advice, review), advice
dismissal, marking reviewed, the patient's own chart, and their query counts."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from journal.models import (
    AdviceDismissal,
    AuditEvent,
    DailyEntry,
    Patient,
)
from journal.schedule import DAY
from journal.selectors.roster import roster_rows
from journal.services.snapshots import snapshot_refresh
from tests.factories import log_days, make_patient, make_plan
from tests.rendered import assert_keeps_data_on_the_page, rendered_chart

NOW = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)
TODAY = dt.date(2026, 6, 15)
FIRST_DOSE = TODAY - 100 * DAY  # day 101 on LDN: past 12 weeks, in the 3–6-month window

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


@pytest.fixture
def alice_on_ldn(alice, carol):
    """Alice, 100 days on 3 mg at bedtime, logging every day with flat scores: no response,
    so the plan-review advice fires."""
    make_plan(alice, carol, [(FIRST_DOSE, "3")])
    log_days(alice, FIRST_DOSE - 7 * DAY, TODAY)
    return alice


def page(client, patient, **headers):
    return client.get(reverse("patient_detail", args=[patient.pk]), **headers)


def dismiss(client, patient, data, **headers):
    return client.post(reverse("advice_dismiss", args=[patient.pk]), data, **headers)


PLAN_REVIEW_KEY = f"plan_review:{FIRST_DOSE.isoformat()}:84"


# --- queries ---------------------------------------------------------------------------------


def test_patient_page_runs_the_same_queries_for_30_and_300_days(client, alice, carol):
    make_plan(alice, carol, [(TODAY - 290 * DAY, "1.5"), (TODAY - 276 * DAY, "3")])
    client.force_login(carol.user)
    log_days(alice, TODAY - 29 * DAY, TODAY)
    with CaptureQueriesContext(connection) as month:
        assert page(client, alice).status_code == 200
    log_days(alice, TODAY - 299 * DAY, TODAY - 30 * DAY)
    with CaptureQueriesContext(connection) as ten_months:
        response = page(client, alice)
    assert response.status_code == 200
    assert DailyEntry.objects.filter(patient=alice).count() == 300
    assert len(ten_months) == len(month), "\n".join(q["sql"] for q in ten_months.captured_queries)


# --- the clinician's patient page ------------------------------------------------------------


def test_page_shows_chart_response_advice_and_review(client, alice_on_ldn, carol):
    client.force_login(carol.user)
    response = page(client, alice_on_ldn)
    content = response.content.decode()
    figure = response.context["overview"].figure
    assert json.dumps(figure["data"][0]["x"][1]) in content  # the figure rides in json_script
    assert 'id="chart-data"' in content
    assert "vendor/plotly-basic.min.js" in content
    assert "js/chart.js" in content
    assert 'role="img"' not in content
    assert "The chart as a table, week by week" in content
    assert_keeps_data_on_the_page(rendered_chart(content)["config"])
    # response table: each measure with its baseline source, class and rule
    assert "Mean of 7 entries in the 7 days before the first dose." in content
    assert content.count('class="badge warn">no change</span>') == 3  # Fatigue, Pain, Sleep quality
    assert "a change of less than 10 %, either way, counts as no change" in content
    # advice with its evidence and reason
    assert "No clear response after 12 weeks on LDN" in content
    assert f"100 days since the first dose on {FIRST_DOSE.isoformat()}" in content
    assert "Give it three months" in content
    assert "Not reviewed yet." in content


def test_page_says_when_the_baseline_is_the_first_week(client, alice, carol):
    make_plan(alice, carol, [(FIRST_DOSE, "3")])
    log_days(alice, FIRST_DOSE, TODAY)
    client.force_login(carol.user)
    content = page(client, alice).content.decode()
    assert "first week on LDN</span>" in content
    assert "No entries in the 7 days before the first dose, so the baseline is the mean" in content


def response_section(content: str) -> str:
    return content.split('id="response"', 1)[1].split('id="advice"', 1)[0]


def test_page_says_when_the_baseline_is_too_thin(client, alice, carol):
    make_plan(alice, carol, [(FIRST_DOSE, "3")])
    log_days(alice, FIRST_DOSE - DAY, FIRST_DOSE - DAY)  # one entry before the first dose
    log_days(alice, FIRST_DOSE + 7 * DAY, TODAY)
    client.force_login(carol.user)
    table = response_section(page(client, alice).content.decode())
    assert table.count('class="badge warn">baseline too thin</span>') == 3  # Fatigue, Pain, Sleep quality
    assert (
        "1 entry in the 7 days before the first dose and no entries in the first 7 days on LDN: "
        "too few for a baseline (4 needed)."
    ) in table
    assert "points better" not in table
    assert "points worse" not in table
    assert "unchanged" not in table


def test_page_says_which_windows_lack_entries(client, alice, carol):
    make_plan(alice, carol, [(FIRST_DOSE, "3")])
    log_days(alice, FIRST_DOSE - 7 * DAY, FIRST_DOSE - DAY)
    log_days(alice, FIRST_DOSE + 56 * DAY, FIRST_DOSE + 57 * DAY)
    client.force_login(carol.user)
    table = response_section(page(client, alice).content.decode())
    assert table.count('class="badge warn">not enough entries</span>') == 3
    assert (
        "Not enough entries in the 3–6-month window (no entries so far) or in the 8–10-week "
        "window (2 entries)"
    ) in table
    assert ">no change<" not in table


def pain_row(table: str) -> str:
    return table.split('<th scope="row">Pain', 1)[1].split("</tr>", 1)[0]


@pytest.fixture
def alice_just_under_30(alice, carol):
    """Alice's pain: 7 at baseline, then 74/15 in the 8–10-week window, 29.5 % better (rounded
    to whole percent that reads 30 %, the moderate threshold); 2 entries in the 3–6-month one."""
    make_plan(alice, carol, [(FIRST_DOSE, "3")])
    log_days(alice, FIRST_DOSE - 7 * DAY, FIRST_DOSE - DAY, scores={"Pain": 7})
    log_days(alice, FIRST_DOSE + 56 * DAY, FIRST_DOSE + 69 * DAY, scores={"Pain": 5})
    log_days(alice, FIRST_DOSE + 70 * DAY, FIRST_DOSE + 70 * DAY, scores={"Pain": 4})
    log_days(alice, FIRST_DOSE + 91 * DAY, FIRST_DOSE + 92 * DAY, scores={"Pain": 5})
    return alice


def test_page_and_summary_show_the_percent_and_window_the_class_came_from(client, alice_just_under_30, carol):
    client.force_login(carol.user)
    patient_page = pain_row(response_section(page(client, alice_just_under_30).content.decode()))
    summary_url = reverse("appointment_summary", args=[alice_just_under_30.pk])
    summary = pain_row(client.get(summary_url).content.decode())
    for row in (patient_page, summary):
        assert ">minimal improvement</span>" in row
        assert "2.1 points better (29 %)" in row
        assert "30 %)" not in row
        assert "Judged on the 8–10-week window: the 3–6-month window has 2 entries so far (4 needed)." in row


# --- dismissing advice -----------------------------------------------------------------------


def test_dismiss_with_a_note_over_htmx(client, alice_on_ldn, carol):
    client.force_login(carol.user)
    note = "Discussed: continue to 6 months."
    response = dismiss(client, alice_on_ldn, {"key": PLAN_REVIEW_KEY, "note": note}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<section class="card" id="advice"')
    assert "No open advice." in content
    assert "1 dismissed card not shown" in content
    dismissal = AdviceDismissal.objects.get(patient=alice_on_ldn)
    assert (dismissal.rule, dismissal.evidence_key, dismissal.dismissed_by) == (
        "plan_review",
        PLAN_REVIEW_KEY,
        carol,
    )
    event = AuditEvent.objects.get(patient=alice_on_ldn, kind=AuditEvent.Kind.ADVICE_DISMISSED)
    assert event.actor == carol.user
    assert event.details["note"] == note
    assert event.details["evidence"][0] == f"100 days since the first dose on {FIRST_DOSE.isoformat()}"
    assert 'id="advice-plan_review-title"' not in page(client, alice_on_ldn).content.decode()


def test_dismiss_without_javascript_redirects_back(client, alice_on_ldn, ada):
    client.force_login(ada.user)  # clinic admin, not assigned to alice
    response = dismiss(client, alice_on_ldn, {"key": PLAN_REVIEW_KEY, "note": "Seen in clinic."})
    assert response.status_code == 302
    assert response.url == reverse("patient_detail", args=[alice_on_ldn.pk]) + "#advice"
    assert AdviceDismissal.objects.filter(patient=alice_on_ldn, evidence_key=PLAN_REVIEW_KEY).exists()
    followed = client.get(response.url).content.decode()
    assert "Advice dismissed: No clear response after 12 weeks on LDN." in followed


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"key": PLAN_REVIEW_KEY, "note": "   "}, "Write a short note: why is this advice set aside?"),
        ({"key": "plan_review:2020-01-01:84", "note": "old"}, "That advice is no longer open"),
    ],
)
def test_dismiss_refuses_without_note_or_open_card(client, alice_on_ldn, carol, data, message):
    client.force_login(carol.user)
    response = dismiss(client, alice_on_ldn, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "No clear response after 12 weeks on LDN" in response.content.decode()  # card still there
    assert not AdviceDismissal.objects.exists()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.ADVICE_DISMISSED).exists()


def test_a_note_error_keeps_the_typed_text_next_to_its_field(client, alice_on_ldn, carol):
    client.force_login(carol.user)
    data = {"key": PLAN_REVIEW_KEY, "note": "x" * 501}
    response = dismiss(client, alice_on_ldn, data, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert 'aria-invalid="true"' in content
    assert "x" * 501 in content
    assert not AdviceDismissal.objects.exists()


def test_dismiss_is_post_only(client, alice_on_ldn, carol):
    client.force_login(carol.user)
    assert client.get(reverse("advice_dismiss", args=[alice_on_ldn.pk])).status_code == 405


@pytest.mark.parametrize(("role", "status"), [("charlie", 404), ("alice", 403), ("bob", 403)])
def test_dismiss_refuses_other_clinics_and_patients(client, request, alice_on_ldn, role, status):
    client.force_login(request.getfixturevalue(role).user)
    response = dismiss(client, alice_on_ldn, {"key": PLAN_REVIEW_KEY, "note": "no"})
    assert response.status_code == status
    assert not AdviceDismissal.objects.exists()


# --- marking reviewed ------------------------------------------------------------------------


def test_mark_reviewed(client, alice_on_ldn, carol):
    client.force_login(carol.user)
    response = client.post(reverse("patient_reviewed", args=[alice_on_ldn.pk]))
    assert response.status_code == 302
    alice_on_ldn.refresh_from_db()
    assert alice_on_ldn.last_reviewed_at == NOW
    event = AuditEvent.objects.get(patient=alice_on_ldn, kind=AuditEvent.Kind.REVIEWED)
    assert event.details == {"open_advice": [PLAN_REVIEW_KEY]}
    content = client.get(response.url).content.decode()
    assert "Last reviewed 15 Jun 2026" in content
    assert "New since then: 0 entries, 0 side-effect reports, 0 advice cards." in content


def test_mark_reviewed_is_post_only(client, alice_on_ldn, carol):
    client.force_login(carol.user)
    assert client.get(reverse("patient_reviewed", args=[alice_on_ldn.pk])).status_code == 405


@pytest.mark.parametrize(("role", "status"), [("charlie", 404), ("alice", 403)])
def test_mark_reviewed_refuses_other_clinics_and_patients(client, request, alice_on_ldn, role, status):
    client.force_login(request.getfixturevalue(role).user)
    assert client.post(reverse("patient_reviewed", args=[alice_on_ldn.pk])).status_code == status
    alice_on_ldn.refresh_from_db()
    assert alice_on_ldn.last_reviewed_at is None


# --- the patient's own chart -----------------------------------------------------------------


def test_patient_sees_own_chart_without_advice(client, alice_on_ldn):
    client.force_login(alice_on_ldn.user)
    response = client.get(reverse("my_chart"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Most people notice a change after 8–10 weeks on LDN" in content
    assert "You are on day 101" in content
    assert 'id="chart-data"' in content
    assert_keeps_data_on_the_page(rendered_chart(content)["config"])
    assert "Advice" not in content
    assert "No clear response" not in content
    assert f'href="{reverse("my_chart")}" aria-current="page"' in content


def test_patient_chart_before_the_first_dose(client, clinic):
    patient = make_patient(clinic, "ravi")
    log_days(patient, TODAY - 3 * DAY, TODAY)
    client.force_login(patient.user)
    content = client.get(reverse("my_chart")).content.decode()
    assert "You are on day" not in content
    assert "Week" not in content.split("chart-data")[0]


def test_the_patient_reads_each_symptom_in_plain_words(client, bob_responding):
    client.force_login(bob_responding.user)
    content = client.get(reverse("my_chart")).content.decode()
    assert "How you are doing" in content
    assert "Pain: lower than before LDN — 8.0 → 3.0 on average" in content
    assert "Fatigue: lower than before LDN — 8.0 → 3.0 on average" in content
    assert "substantial" not in content.split('id="chart-data"')[0].lower()  # no responder jargon


def test_the_patient_reads_no_change_as_about_the_same(client, alice_on_ldn):
    client.force_login(alice_on_ldn.user)
    content = client.get(reverse("my_chart")).content.decode()
    assert "Pain: about the same as before LDN — 6.0 → 6.0 on average" in content


def test_a_patient_with_nothing_logged_is_told_when_the_chart_starts(client, alice, carol):
    make_plan(alice, carol, [(TODAY + 10 * DAY, "1.5")])
    client.force_login(alice.user)
    content = client.get(reverse("my_chart")).content.decode()
    assert "Your chart starts on Thursday 18 June, the first day of your baseline week" in content
    assert 'id="chart-data"' not in content
    assert "How you are doing" not in content


def test_a_patient_without_a_plan_or_entries_is_told_the_chart_starts_with_the_first_entry(client, alice):
    client.force_login(alice.user)
    content = client.get(reverse("my_chart")).content.decode()
    assert "Your chart starts with your first entry" in content
    assert 'id="chart-data"' not in content


# --- the roster: main symptom, open advice, new since review ---------------------------------


@pytest.fixture
def bob_responding(bob, carol):
    """Bob, same course as Alice, but his pain falls from 8 to 3: a substantial response."""
    bob.clinicians.add(carol)
    make_plan(bob, carol, [(FIRST_DOSE, "3")])
    log_days(bob, FIRST_DOSE - 7 * DAY, FIRST_DOSE - DAY, scores={"Pain": 8, "Fatigue": 8})
    log_days(bob, FIRST_DOSE, TODAY, scores={"Pain": 3, "Fatigue": 3})
    return bob


def test_roster_rows_carry_response_advice_and_what_is_new(alice_on_ldn, bob_responding):
    patients = Patient.objects.filter(pk__in=[alice_on_ldn.pk, bob_responding.pk])
    rows = {row.patient.name: row for row in roster_rows(patients)}
    alice, bob = rows["Alice"], rows["Bob"]
    assert (alice.main.measure.name, alice.main.response.response_class.label) == ("Fatigue", "no change")
    assert (bob.main.measure.name, bob.main.response.response_class.label) == (
        "Fatigue",
        "substantial improvement",
    )
    assert (alice.open_advice, bob.open_advice) == (1, 0)
    new = alice.since_review
    assert (new.reviewed_at, new.entries, new.side_effects, new.advice) == (None, 108, 11, 1)


def test_roster_shows_what_is_new_since_the_review(client, alice_on_ldn, carol):
    client.force_login(carol.user)
    client.post(reverse("patient_reviewed", args=[alice_on_ldn.pk]))
    cell = '"new-since-review">nothing new<br><span class="muted small">since the review of 15 Jun<'
    assert cell in client.get(reverse("roster")).content.decode()
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        DailyEntry.objects.filter(patient=alice_on_ldn, entry_date=TODAY).delete()
        log_days(alice_on_ldn, TODAY, TODAY)  # logged again after the review, with a headache
        snapshot_refresh(alice_on_ldn, timezone.now())  # what saving an entry does
        content = client.get(reverse("roster")).content.decode()
    assert 'data-testid="new-since-review">1 entry · 1 side effect · 0 advice<br>' in content


def test_roster_sorts_who_needs_attention_first(client, clinic, alice_on_ldn, bob_responding, carol):
    make_patient(clinic, None, name="Amy", clinicians=(carol,))  # no plan, no symptoms logged
    client.force_login(carol.user)
    content = client.get(reverse("roster") + "?sort=attention").content.decode()
    # Alice: open advice, no change; Bob: a responder; Amy: too early to judge
    assert content.index(">Alice<") < content.index(">Amy<") < content.index(">Bob<")
    content = client.get(reverse("roster") + "?sort=response").content.decode()
    assert content.index(">Alice<") < content.index(">Amy<") < content.index(">Bob<")
    assert 'href="?sort=advice&amp;dir=desc"' in content  # the most open advice on the first click
    assert 'data-testid="open-advice"><a href="' in content


@pytest.mark.parametrize(
    ("reader", "url_name"),
    [("alice", "my_chart"), ("carol", "patient_detail"), ("carol", "appointment_summary")],
)
def test_chart_pages_load_only_the_basic_plotly_bundle(client, alice_on_ldn, carol, reader, url_name):
    """The charts need scatter traces, shapes and annotations: plotly.js's basic bundle (1.2 MB,
    a quarter of the full one) is the only plotly script, and every script is this site's."""
    client.force_login(carol.user if reader == "carol" else alice_on_ldn.user)
    args = [] if url_name == "my_chart" else [alice_on_ldn.pk]
    content = client.get(reverse(url_name, args=args)).content.decode()
    scripts = re.findall(r'<script[^>]* src="([^"]+)"', content)
    assert [src for src in scripts if "plotly" in src] == ["/static/vendor/plotly-basic.min.js"]
    assert all(src.startswith("/static/") for src in scripts)


def test_page_says_whether_each_step_up_helped(client, alice, carol):
    """1 mg, then 2 mg from day 50: Pain 6 before and 3 from day 15 on 2 mg, Fatigue 6 throughout."""
    step_up = FIRST_DOSE + 50 * DAY
    make_plan(alice, carol, [(FIRST_DOSE, "1"), (step_up, "2")])
    log_days(alice, FIRST_DOSE, step_up + 13 * DAY, scores={"Pain": 6, "Fatigue": 6})
    log_days(alice, step_up + 14 * DAY, TODAY, scores={"Pain": 3, "Fatigue": 6})
    client.force_login(carol.user)
    section = re.search(
        r'data-testid="step-effects".*?</section>', page(client, alice).content.decode(), re.S
    )
    assert section is not None
    text = " ".join(re.sub(r"<[^>]+>", " ", section.group(0)).split())
    assert f"{step_up:%-d %b %Y} 1 → 2 mg" in text
    assert "Fatigue lower is better 6.0 (14 days) 6.0 (28 days) 0.0 (0.0 to 0.0) no clear change" in text
    assert "Pain lower is better 6.0 (14 days) 3.0 (28 days) −3.0 (−3.0 to −3.0) better" in text


def test_a_step_followed_too_soon_by_the_next_is_one_row(client, alice, carol):
    make_plan(alice, carol, [(FIRST_DOSE, "1"), (FIRST_DOSE + 50 * DAY, "2"), (FIRST_DOSE + 60 * DAY, "3")])
    log_days(alice, FIRST_DOSE, TODAY)
    client.force_login(carol.user)
    section = re.search(
        r'data-testid="step-effects".*?</section>', page(client, alice).content.decode(), re.S
    )
    text = " ".join(re.sub(r"<[^>]+>", " ", section.group(0)).split())
    first_step = f"{FIRST_DOSE + 50 * DAY:%-d %b %Y} 1 → 2 mg too few days on this dose The next step"
    assert first_step in text
    assert text.index(f"{FIRST_DOSE + 60 * DAY:%-d %b %Y} 2 → 3 mg Fatigue") < text.index(
        first_step
    )  # newest first
