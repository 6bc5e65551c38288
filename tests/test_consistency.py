"""One clinical truth, checked like the access matrix: patient states × every surface that
shows a dose, the safety state or advice must agree with the one domain function for it.

Each state is built in the database; each surface is rendered as its user sees it. A fact on
an HTML page is marked with `data-fact` ("dose" with `data-dose`, "safety" with
`data-level`), so the test reads what the page says, not what the view meant to say. A page
that marks a fact but is not in SURFACES fails `test_every_surface_that_shows_a_fact_is_in_the_matrix`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from journal.findings import Level
from journal.models import ExportJob, LdnPause, Medication, Patient, Question, Screening, SideEffectReport
from journal.schedule import DAY
from journal.selectors.plans import prescribed_plans
from journal.selectors.records import patient_overview, period_of, safety_of, schedule_of
from journal.services.api_tokens import api_token_create
from journal.services.exports import export_job_run
from journal.services.messages import question_answer, question_ask
from journal.services.plans import plan_create, plan_switch_to_morning, plan_taper_and_end
from journal.services.questionnaires import questionnaire_answer
from journal.services.snapshots import snapshot_refresh
from tests.factories import make_entry, make_plan
from tests.selectors.test_questionnaires import pgic_of

NOW = dt.datetime(2026, 6, 15, 11, 0, tzinfo=dt.UTC)  # Monday 15 June 2026, 12:00 in London
TODAY = NOW.date()

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


# --- the patient states -----------------------------------------------------------------------


def _screened(patient, clinician, **answers) -> None:
    Screening.objects.create(patient=patient, screened_by=clinician, screened_at=NOW - 200 * DAY, **answers)


def _logged(patient, first: dt.date, last: dt.date, dose: str = "1.5") -> None:
    day = first
    while day <= last:
        make_entry(patient, day, dose_mg=Decimal(dose), timing_taken="bedtime", scores={"Pain": 5})
        day += DAY


def opioid_added_mid_treatment(alice, carol):
    """On LDN for 150 days; today the patient lists tramadol, started four days ago."""
    _screened(alice, carol)
    make_plan(alice, carol, [(TODAY - 150 * DAY, "1.5"), (TODAY - 136 * DAY, "3")])
    Medication.objects.create(patient=alice, name="Tramadol 50 mg", started_on=TODAY - 4 * DAY)


def opioid_stopped_today(alice, carol):
    """On LDN for 150 days; tramadol taken for a month, its last day today: still taken today."""
    _screened(alice, carol)
    make_plan(alice, carol, [(TODAY - 150 * DAY, "1.5"), (TODAY - 136 * DAY, "3")])
    Medication.objects.create(
        patient=alice, name="Tramadol 50 mg", started_on=TODAY - 30 * DAY, stopped_on=TODAY
    )


def plan_ending_in_ten_days(alice, carol):
    """The clinician set an end date ten days ahead: the plan still prescribes until then."""
    _screened(alice, carol)
    plan = make_plan(alice, carol, [(TODAY - 60 * DAY, "3")])
    plan_taper_and_end(
        plan=plan, clinician=carol, patient_reason="A reason.", ended_on=TODAY + 10 * DAY, today=TODAY
    )


def next_plan_written(alice, carol):
    """1.5 mg ending in a week; the next plan, 3 mg from then, is written already (the first
    plan is closed to changes, yet prescribes until it ends)."""
    _screened(alice, carol)
    plan = make_plan(alice, carol, [(TODAY - 30 * DAY, "1.5")])
    plan_taper_and_end(
        plan=plan, clinician=carol, patient_reason="A reason.", ended_on=TODAY + 7 * DAY, today=TODAY
    )
    plan_create(
        patient=alice,
        clinician=carol,
        steps=[(TODAY + 7 * DAY, Decimal("3"))],
        timing="bedtime",
        form="capsule",
        strength_mg=None,
        warnings_confirmed=True,
        today=TODAY,
        patient_reason="The next step.",
    )


def plan_ended_ten_days_ago(alice, carol):
    """Insomnia at bedtime late in the plan, which ended ten days ago: no dose, no dose advice."""
    _screened(alice, carol)
    make_plan(alice, carol, [(TODAY - 90 * DAY, "3")], ended_on=TODAY - 10 * DAY)
    entry = make_entry(alice, TODAY - 12 * DAY, dose_mg=Decimal("3"), timing_taken="bedtime")
    SideEffectReport.objects.create(entry=entry, kind="insomnia", severity="moderate")


def paused_for_surgery(alice, carol):
    _screened(alice, carol)
    make_plan(alice, carol, [(TODAY - 40 * DAY, "1.5"), (TODAY - 26 * DAY, "3")])
    LdnPause.objects.create(
        patient=alice,
        start_date=TODAY - DAY,
        end_date=TODAY + 2 * DAY,
        reason="knee surgery",
        created_by=carol,
    )


def thyroid_in_the_screening_only(alice, carol):
    """Thyroid medication recorded in the screening, none on the list; insomnia a month into
    a step: the thyroid note and the thyroid advice both come from the one thyroid status."""
    _screened(alice, carol, thyroid_medication=True)
    make_plan(alice, carol, [(TODAY - 60 * DAY, "1.5"), (TODAY - 40 * DAY, "3")])
    entry = make_entry(alice, TODAY - 2 * DAY, dose_mg=Decimal("3"), timing_taken="bedtime")
    SideEffectReport.objects.create(entry=entry, kind="insomnia", severity="mild")


def switched_to_morning(alice, carol):
    _screened(alice, carol)
    plan = make_plan(alice, carol, [(TODAY - 30 * DAY, "1.5")])
    with time_machine.travel(NOW - 10 * DAY, tick=False):
        plan_switch_to_morning(
            plan=plan,
            clinician=carol,
            patient_reason="A reason.",
            start_date=TODAY - 9 * DAY,
            today=TODAY - 10 * DAY,
        )


def first_week(alice, carol):
    _screened(alice, carol)
    make_plan(alice, carol, [(TODAY - 3 * DAY, "0.5"), (TODAY + 4 * DAY, "1")])
    _logged(alice, TODAY - 10 * DAY, TODAY - 1 * DAY, dose="0.5")


def liquid_at_half_a_mg_per_ml(alice, carol):
    _screened(alice, carol)
    make_plan(alice, carol, [(TODAY - 20 * DAY, "1.5")], form="liquid", strength_mg=Decimal("0.5"))


def every_other_day_off_today(alice, carol):
    """1 mg daily, then 1.5 mg every other day from 21 days ago: today is a day without a
    dose, yesterday and tomorrow are dose days."""
    _screened(alice, carol)
    make_plan(
        alice, carol, [(TODAY - 40 * DAY, "1"), (TODAY - 21 * DAY, "1.5", "bedtime", "every_other_day")]
    )
    _logged_on_dose_days(alice, TODAY - 21 * DAY, TODAY - DAY)


def every_other_day_dose_today(alice, carol):
    _screened(alice, carol)
    make_plan(alice, carol, [(TODAY - 20 * DAY, "1.5", "bedtime", "every_other_day")])
    _logged_on_dose_days(alice, TODAY - 20 * DAY, TODAY - DAY)


def _logged_on_dose_days(patient, first: dt.date, last: dt.date) -> None:
    """The dose taken on each dose day, a no-dose entry on each day between."""
    schedule = schedule_of(patient)
    day = first
    while day <= last:
        if schedule.prescribed(day) is not None:
            make_entry(patient, day, dose_mg=Decimal("1.5"), timing_taken="bedtime", scores={"Pain": 5})
        else:
            make_entry(patient, day, dose_taken=False, scores={"Pain": 5})
        day += DAY


STATES: dict[str, Callable] = {
    state.__name__: state
    for state in (
        opioid_added_mid_treatment,
        opioid_stopped_today,
        plan_ending_in_ten_days,
        next_plan_written,
        plan_ended_ten_days_ago,
        paused_for_surgery,
        thyroid_in_the_screening_only,
        switched_to_morning,
        first_week,
        liquid_at_half_a_mg_per_ml,
        every_other_day_off_today,
        every_other_day_dose_today,
    )
}


# --- reading a surface ------------------------------------------------------------------------


class _Facts(HTMLParser):
    """Every element marked with data-fact: its attributes and its text."""

    def __init__(self):
        super().__init__()
        self.facts: list[dict] = []
        self._open: list[tuple[dict, int]] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("br", "img", "input", "meta", "link", "hr"):
            return
        self._depth += 1
        if "data-fact" in attributes:
            fact = {**attributes, "text": ""}
            self.facts.append(fact)
            self._open.append((fact, self._depth))

    def handle_endtag(self, tag):
        if tag in ("br", "img", "input", "meta", "link", "hr"):
            return
        while self._open and self._open[-1][1] >= self._depth:
            self._open.pop()
        self._depth -= 1

    def handle_data(self, data):
        for fact, _ in self._open:
            fact["text"] += data


def facts_on(content: str, name: str, **attributes) -> list[dict]:
    parser = _Facts()
    parser.feed(content)
    return [
        fact
        for fact in parser.facts
        if fact["data-fact"] == name and all(fact.get(key) == value for key, value in attributes.items())
    ]


def only(facts: list[dict]) -> dict:
    assert len(facts) == 1, facts
    return facts[0]


# --- the truth, from the domain -----------------------------------------------------------------


def dose_truth(patient: Patient) -> str:
    dose = schedule_of(patient).prescribed(TODAY)
    return dose.phrase if dose else "none"


def step_truth(patient: Patient) -> str:
    """The step the patient is on: the day's dose, or on a day without a dose of an
    every-other-day step that step."""
    step = schedule_of(patient).step_on(TODAY)
    return step.phrase if step else "none"


def safety_truth(patient: Patient):
    return safety_of(patient)


# --- each surface's check ---------------------------------------------------------------------


def as_clinician(client, carol):
    client.force_login(carol.user)
    return client


def as_patient(client, alice):
    client.force_login(alice.user)
    return client


def check_html_dose(content: str, truth: dict | None = None) -> str:
    """The day's dose marked and said; on a day without a dose of an every-other-day step,
    that step marked (`data-step`) and said with "no dose today"."""
    fact = only(facts_on(content, "dose"))
    text = " ".join(fact["text"].split())
    if fact["data-dose"] != "none":
        assert fact["data-dose"] in text, fact
    elif truth is not None and truth["step"] != truth["dose"]:
        assert fact.get("data-step") == truth["step"], fact
        assert truth["step"] in text and "no dose today" in text.lower(), fact
    else:
        assert " mg " not in f" {fact['text']} "
        assert "data-step" not in fact
    return fact["data-dose"]


def check_html_safety(content: str, truth) -> None:
    fact = only(facts_on(content, "safety"))
    assert fact["data-level"] == (str(truth.worst) if truth.worst else "none")
    text = " ".join(fact["text"].split())
    for finding in truth.findings:
        assert " ".join(finding.message.split()) in text


def roster(client, alice, carol, truth):
    content = as_clinician(client, carol).get(reverse("roster")).content.decode()
    link = f'<th scope="row"><a href="{reverse("patient_detail", args=[alice.pk])}"'
    row = content.split(link, 1)[1].split("</tr>", 1)[0]
    assert check_html_dose(row) == truth["step"]  # the roster names the step the patient is on
    check_html_safety(row, truth["safety"])
    alerts = "roster-alerts" in content
    assert alerts == bool(truth["safety"].alerts)
    check_roster_row_against_the_patient_page(row, alice)


def check_roster_row_against_the_patient_page(row: str, alice) -> None:
    """The roster's stored row (`RosterSnapshot`) says what the patient page computes: the
    main symptom's class, open advice, adherence over 14 days, day on LDN, what is new."""
    overview = patient_overview(alice)
    main, cards = overview.assessment.main, overview.assessment.open_cards
    if main:
        label = main.response.response_class.label
        assert f'>{label}</span> <span class="muted">{main.measure.name}</span>' in row
    else:
        assert 'data-testid="main-symptom">—<' in row
    advice = f'<span class="badge warn">{len(cards)}</span>' if cards else 'data-testid="open-advice">0<'
    assert advice in row
    count = overview.assessment.adherence
    assert (f">{count.taken}/{count.prescribed} " in row) == bool(count.prescribed)
    day, first_dose = overview.record.day_on_ldn, overview.record.first_dose
    assert (f">day {day}<" in row) == bool(day)
    assert ('muted">starts ' in row) == (first_dose is not None and first_dose > TODAY)
    new = overview.since_review
    words = f"{new.entries} entr{'y' if new.entries == 1 else 'ies'} · {new.side_effects} side effect"
    assert (words in row) == new.anything


def patient_page(client, alice, carol, truth):
    content = as_clinician(client, carol).get(reverse("patient_detail", args=[alice.pk])).content.decode()
    assert check_html_dose(content, truth) == truth["dose"]
    check_end_told(
        content.split('id="summary-heading"', 1)[1].split("</section>", 1)[0],
        alice,
        "nothing prescribed from",
    )
    check_html_safety(content, truth["safety"])
    assert ('data-testid="safety-alert"' in content) == bool(truth["safety"].alerts)
    steps = content.split('data-testid="plan-section"', 1)[1]
    check_steps_table(steps, truth["step"])


def check_steps_table(content: str, dose: str) -> None:
    """A step marked "now" exactly when the patient is on a step (a dose is prescribed, or
    it is a day without a dose of an every-other-day step), and it is that step."""
    now_rows = [row for row in content.split("<tr")[1:] if 'data-state="now"' in row]
    if dose == "none":
        assert now_rows == []
    else:
        (row,) = now_rows
        assert dose in row


def summary(client, alice, carol, truth):
    url = reverse("appointment_summary", args=[alice.pk])
    content = as_clinician(client, carol).get(url).content.decode()
    assert check_html_dose(content, truth) == truth["dose"]
    check_html_safety(content, truth["safety"])
    check_steps_table(content.split('aria-labelledby="s-plan"', 1)[1], truth["step"])
    check_plan_courses(content, alice)


def check_plan_courses(content: str, alice) -> None:
    """Each plan's line says it ended only when its end date has come: a plan closed to changes
    because the next one is written still prescribes until then."""
    said = []
    for fact in content.split('data-testid="plan-course">')[1:]:
        words, day = " ".join(fact.split("<", 1)[0].split()).split(" on ", 1)
        said.append((dt.datetime.strptime(day, "%d %b %Y").date(), words))
    ends = sorted(plan.ended_on for plan in prescribed_plans(alice) if plan.ended_on is not None)
    assert sorted(said) == [(end, "ended" if end <= TODAY else "ends") for end in ends]


def today(client, alice, carol, truth):
    content = as_patient(client, alice).get(reverse("today")).content.decode()
    assert check_html_dose(content, truth) == truth["dose"]
    check_patient_notice(content, truth["safety"])
    check_dose_held(content, truth)
    check_resumption_told(content, alice)
    check_end_told(content, alice, "no dose from that day")


def check_dose_held(content: str, truth) -> None:
    """Today's dose, shown below a notice that says to contact the clinic before the next dose,
    says so too: not a plain "3 mg at bedtime" under it."""
    held = 'data-testid="dose-held"' in content
    assert held == bool(truth["safety"].notice_for_patient and truth["dose"] != "none")


def check_resumption_told(content: str, alice) -> None:
    """During a pause the patient is told the day LDN starts again and its dose (which may be
    a step that began in the pause), as the schedule says."""
    day = schedule_of(alice).on(TODAY)
    told = 'data-testid="resumes"' in content
    assert told == (day.kind == "paused" and day.resumes_with is not None)
    if told:
        assert f"<strong>{day.resumes_with.phrase}</strong>" in content.split('data-testid="resumes"', 1)[1]


def check_end_told(content: str, alice, words: str) -> None:
    """An end of treatment is told exactly when nothing is prescribed from a date ahead
    (`Schedule.ends_on`): not when the next plan starts that day."""
    assert (words in " ".join(content.split())) == (schedule_of(alice).ends_on(TODAY) is not None)


def my_plan(client, alice, carol, truth):
    content = as_patient(client, alice).get(reverse("my_plan")).content.decode()
    assert check_html_dose(content, truth) == truth["dose"]
    check_patient_notice(content, truth["safety"])
    check_dose_held(content, truth)
    check_resumption_told(content, alice)
    check_end_told(content, alice, "no dose from that day")
    check_steps_table(content, truth["step"])


def medications(client, alice, carol, truth):
    """The safety notice, and each medicine listed under "Taking now" exactly when it is taken
    today (`MedicationPeriod.taken_on`, what the safety state reads)."""
    content = as_patient(client, alice).get(reverse("medications")).content.decode()
    check_patient_notice(content, truth["safety"])
    taken = {str(pk): "yes" if taken else "no" for pk, taken in medications_taken_today(alice).items()}
    shown = {fact["data-medication"]: fact["data-taken"] for fact in facts_on(content, "medication")}
    assert shown == taken


def medications_taken_today(patient: Patient) -> dict[int, bool]:
    return {med.pk: period_of(med, patient.zone).taken_on(TODAY) for med in patient.medications.all()}


def fhir_bundle(client, alice, carol, truth):
    """The patient's FHIR record: each listed medicine's statement is active exactly when it is
    taken today."""
    bundle = as_clinician(client, carol).get(reverse("patient_fhir", args=[alice.pk])).json()
    statements = {
        entry["resource"]["id"]: entry["resource"]["status"]
        for entry in bundle["entry"]
        if entry["resource"]["id"].startswith("medication-")
    }
    truth = {
        f"medication-{pk}": "active" if taken else "completed"
        for pk, taken in medications_taken_today(alice).items()
    }
    assert statements == truth


def check_patient_notice(content: str, truth) -> None:
    notices = facts_on(content, "safety")
    if truth.notice_for_patient:
        assert truth.notice_for_patient in " ".join(only(notices)["text"].split())
    else:
        assert notices == []


def csv_row(client, alice, carol, truth):
    response = as_clinician(client, carol).get(
        reverse("patient_csv", args=[alice.pk]), {"start": TODAY.isoformat(), "end": TODAY.isoformat()}
    )
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    dose = schedule_of(alice).prescribed(TODAY)
    assert row["prescribed_dose_mg"] == ("" if dose is None else f"{dose.dose_mg.normalize():f}")
    assert row["prescribed_timing"] == ("" if dose is None else dose.timing)
    concerns = [f"{f.level}:{f.code}" for f in truth["safety"].concerns]
    assert row["safety"] == "; ".join(concerns)


def calendar_feed(client, alice, carol, truth):
    response = client.get(reverse("calendar_feed", args=[alice.calendar_token]))
    events = Calendar.from_ical(response.content).walk("VEVENT")
    dose = schedule_of(alice).prescribed(TODAY)
    reminding_today = [
        event for event in events if str(event["summary"]).startswith("Take LDN") and _runs_on(event, TODAY)
    ]
    if dose is None:
        assert reminding_today == []
    else:
        (event,) = reminding_today
        assert str(event["summary"]) == f"Take LDN: {dose.measured_phrase}"


def _runs_on(event, day: dt.date) -> bool:
    first = event.decoded("dtstart").date()
    interval = event["rrule"].get("INTERVAL", [1])[0]
    count = event["rrule"].get("COUNT")
    last = first + (count[0] - 1) * interval * DAY if count else dt.date.max
    return first <= day <= last and (day - first).days % interval == 0


def advice(client, alice, carol, truth):
    """Cards name only the dose prescribed today; a blocking safety finding raises its card;
    the thyroid card follows the one thyroid status."""
    cards = patient_overview(alice).assessment.cards
    dose = schedule_of(alice).step_on(TODAY)
    for card in cards:
        if " mg at " in card.suggestion or " mg in " in card.suggestion:
            assert dose is not None, card
            assert dose.phrase in card.suggestion, card
    safety_cards = [card for card in cards if card.rule == "safety_alert"]
    assert [card.evidence[0] for card in safety_cards] == [f.message for f in truth["safety"].alerts]
    if any(card.rule == "thyroid_review" for card in cards):
        assert truth["safety"].thyroid.on_thyroid_medication


SURFACES: dict[str, Callable] = {
    "roster": roster,
    "patient_detail": patient_page,
    "appointment_summary": summary,
    "today": today,
    "my_plan": my_plan,
    "medications": medications,
    "patient_csv": csv_row,
    "patient_fhir": fhir_bundle,
    "calendar_feed": calendar_feed,
    "advice": advice,
}


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("state", STATES)
def test_every_surface_tells_the_one_truth(client, alice, carol, state, surface):
    STATES[state](alice, carol)
    truth = {"dose": dose_truth(alice), "step": step_truth(alice), "safety": safety_truth(alice)}
    SURFACES[surface](client, alice, carol, truth)


@pytest.mark.parametrize(
    ("state", "dose", "worst"),
    [
        ("opioid_added_mid_treatment", "3 mg at bedtime", Level.BLOCK),
        ("opioid_stopped_today", "3 mg at bedtime", Level.BLOCK),
        ("plan_ending_in_ten_days", "3 mg at bedtime", None),
        ("next_plan_written", "1.5 mg at bedtime", None),
        ("plan_ended_ten_days_ago", "none", None),
        ("paused_for_surgery", "none", None),
        ("thyroid_in_the_screening_only", "3 mg at bedtime", Level.NOTE),
        ("switched_to_morning", "1.5 mg in the morning", None),
        ("first_week", "0.5 mg at bedtime", None),
        ("liquid_at_half_a_mg_per_ml", "1.5 mg at bedtime", None),
        ("every_other_day_off_today", "none", None),
        ("every_other_day_dose_today", "1.5 mg every other day at bedtime", None),
    ],
)
def test_the_states_are_what_they_say(alice, carol, state, dose, worst):
    """The matrix compares surfaces with the domain; this pins the domain's answers."""
    STATES[state](alice, carol)
    assert dose_truth(alice) == dose
    assert safety_truth(alice).worst == worst


@pytest.mark.parametrize(("asked", "answered"), [(0, 0), (1, 0), (3, 1)])
def test_the_roster_and_the_patient_page_count_the_same_open_questions(client, alice, carol, asked, answered):
    """The roster's stored count (`RosterSnapshot.open_questions`) and the patient page's live
    threads say how many questions wait, as the questions themselves do."""
    questions = [
        question_ask(patient=alice, topic="general", text=f"Question {n}", today=TODAY) for n in range(asked)
    ]
    for question in questions[:answered]:
        question_answer(question=question, clinician=carol, answer="Yes.")
    snapshot_refresh(alice, NOW)
    truth = str(Question.objects.filter(patient=alice, answered_at=None).count())
    as_clinician(client, carol)
    roster = client.get(reverse("roster")).content.decode()
    page = client.get(reverse("patient_detail", args=[alice.pk])).content.decode()
    assert only(facts_on(roster, "questions"))["data-count"] == truth
    assert only(facts_on(page, "questions"))["data-count"] == truth


def test_every_surface_that_shows_a_fact_is_in_the_matrix(client, alice, carol):
    """Open every page a patient or clinician can GET (the access matrix's list); any page that
    marks a clinical fact must be one of SURFACES."""
    from tests.test_access import ALICES_CLINIC_STAFF, URLS, url_for

    opioid_added_mid_treatment(alice, carol)
    marking = set()
    for name, kwargs, allowed in URLS:
        user = alice.user if "alice" in allowed else carol.user if ALICES_CLINIC_STAFF & allowed else None
        if user is None:
            continue
        client.force_login(user)
        response = client.get(url_for(name, kwargs, alice))
        if not getattr(response, "streaming", False) and b"data-fact=" in response.content:
            marking.add(name)
    assert marking <= set(SURFACES), marking - set(SURFACES)
    assert marking == {"roster", "patient_detail", "appointment_summary", "today", "my_plan", "medications"}


def test_every_other_day_off_days_agree_across_history_adherence_calendar_and_csv(client, alice, carol):
    """The last 14 days of an every-other-day step: the dose days are yesterday, 3 days ago, …
    Every surface that counts days counts those and no others; the days between are not
    missed doses."""
    every_other_day_off_today(alice, carol)
    days = [TODAY - offset * DAY for offset in range(13, -1, -1)]
    dose_days = {TODAY - offset * DAY for offset in range(1, 14, 2)}
    assert {day for day in days if schedule_of(alice).prescribed(day)} == dose_days

    count = patient_overview(alice).assessment.adherence
    assert (count.taken, count.prescribed) == (7, 7)

    content = as_patient(client, alice).get(reverse("history")).content.decode()
    assert "<strong>7 of 7</strong> prescribed doses" in " ".join(content.split())
    statuses = {
        day: content.split(f'data-testid="day-{day.isoformat()}"', 1)[0]
        .rsplit('class="day ', 1)[1]
        .split('"')[0]
        for day in days
        if day.month == TODAY.month
    }
    assert {day for day, status in statuses.items() if status == "taken"} == {
        d for d in dose_days if d in statuses
    }
    assert {status for day, status in statuses.items() if day not in dose_days} <= {"logged", "to_do"}

    feed = client.get(reverse("calendar_feed", args=[alice.calendar_token]))
    reminders = [
        e for e in Calendar.from_ical(feed.content).walk("VEVENT") if str(e["summary"]).startswith("Take LDN")
    ]
    assert {day for day in days if any(_runs_on(event, day) for event in reminders)} == dose_days

    response = as_clinician(client, carol).get(
        reverse("patient_csv", args=[alice.pk]), {"start": days[0].isoformat(), "end": TODAY.isoformat()}
    )
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {dt.date.fromisoformat(row["date"]) for row in rows if row["prescribed_dose_mg"]} == dose_days
    assert {row["prescribed_frequency"] for row in rows} == {"every_other_day"}

    today_page = as_patient(client, alice).get(reverse("today")).content.decode()
    assert 'data-testid="took-it"' not in today_page  # no "Took 1.5 mg" button on a day without a dose
    assert "Your next dose is on" in today_page


def test_after_the_plan_ended_no_page_counts_days_on_ldn_or_calls_it_the_baseline(client, alice, carol):
    """The plan ended ten days ago: the patient page, the roster, the summary, My chart and the
    CSV count the course's days up to its end and none after (they said "day 91", and would
    have said "Baseline: first dose …")."""
    plan_ended_ten_days_ago(alice, carol)
    ended = TODAY - 10 * DAY
    as_clinician(client, carol)
    roster_page = client.get(reverse("roster")).content.decode()
    link = f'<th scope="row"><a href="{reverse("patient_detail", args=[alice.pk])}"'
    words = {
        "patient page": client.get(reverse("patient_detail", args=[alice.pk])).content.decode(),
        "roster row": roster_page.split(link, 1)[1].split("</tr>", 1)[0],
        "summary": client.get(reverse("appointment_summary", args=[alice.pk])).content.decode(),
    }
    for name, content in words.items():
        page = " ".join(content.split())
        assert "Day on LDN" not in page and ">day " not in page, name
        assert "Baseline: first dose" not in page and 'muted">starts ' not in page, name
    summary = " ".join(words["summary"].split())
    assert f"LDN ended on {ended:%-d %b %Y} (first dose {TODAY - 90 * DAY:%-d %b %Y})" in summary
    chart = " ".join(as_patient(client, alice).get(reverse("my_chart")).content.decode().split())
    assert f"Your plan ended on {ended:%A %-d %B %Y}." in chart and "You are on day" not in chart

    days = {"start": (ended - DAY).isoformat(), "end": ended.isoformat()}
    response = as_clinician(client, carol).get(reverse("patient_csv", args=[alice.pk]), days)
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["day_on_ldn"] for row in rows] == ["80", ""]


def test_a_dose_not_taken_is_a_missed_dose_only_on_a_dose_day_on_every_page(client, alice, carol):
    """Logged as not taken on each day without a dose (2 days ago is one) and on a dose day
    (3 days ago): the clinician's recent entries, the patient's history and the weekly table
    call only the dose day's a missed dose, as the history's calendar and the adherence counts do."""
    every_other_day_off_today(alice, carol)
    off_day, dose_day = TODAY - 2 * DAY, TODAY - 3 * DAY
    alice.entries.filter(entry_date=dose_day).update(dose_taken=False, dose_mg=None)

    page = as_clinician(client, carol).get(reverse("patient_detail", args=[alice.pk])).content.decode()

    def entry_row(day: dt.date) -> str:
        return page.split(f'<time datetime="{day.isoformat()}">', 1)[1].split("</tr>", 1)[0]

    assert "badge bad" in entry_row(dose_day)
    assert "badge bad" not in entry_row(off_day) and "none prescribed" in entry_row(off_day)

    history = as_patient(client, alice).get(reverse("history")).content.decode()

    def summary(day: dt.date) -> str:
        return history.split(f'data-testid="entry-{day.isoformat()}"', 1)[1].split("</article>", 1)[0]

    assert "none prescribed" in summary(off_day)
    assert "not taken" in summary(dose_day) and "none prescribed" not in summary(dose_day)

    week = patient_overview(alice).weeks[-1]
    dose_days_this_week = len(schedule_of(alice).prescribed_days(week.first_day, week.last_day))
    assert (week.taken, week.prescribed_days) == (dose_days_this_week - 1, dose_days_this_week)


@pytest.mark.parametrize("named", [False, True], ids=["pseudonymous", "named"])
def test_every_fhir_surface_identifies_the_patient_alike(client, alice, carol, ada, named):
    """The patient Bundle download, the clinic's NDJSON export and the API's Patient read and
    $everything carry one and the same Patient, as `fhir_identity` decides for the clinic."""
    alice.date_of_birth = dt.date(2014, 9, 3)
    alice.save(update_fields=["date_of_birth"])
    alice.clinic.fhir_names_patients = named
    alice.clinic.save(update_fields=["fhir_names_patients"])
    secret = api_token_create(admin=ada, name="EHR", days=30).secret

    bundle = as_clinician(client, carol).get(reverse("patient_fhir", args=[alice.pk])).json()
    client.force_login(ada.user)
    client.post(reverse("clinic_fhir"))
    job = ExportJob.objects.get()
    export_job_run(job_id=job.pk)
    ndjson = b"".join(client.get(reverse("clinic_export_download", args=[job.pk])).streaming_content)
    client.logout()
    bearer = {"Authorization": f"Bearer {secret}"}
    read = client.get(reverse("fhir_patient", args=[alice.pk]), headers=bearer).json()
    everything = client.get(
        reverse("fhir_everything", args=[alice.pk]), {"_count": 200}, headers=bearer
    ).json()

    def hers(resources) -> dict:
        (patient,) = [r for r in resources if r["resourceType"] == "Patient" and r["id"] == str(alice.pk)]
        return patient

    surfaces = {
        "bundle": hers(entry["resource"] for entry in bundle["entry"]),
        "ndjson": hers(json.loads(line) for line in ndjson.decode().splitlines()),
        "api read": read,
        "api $everything": hers(entry["resource"] for entry in everything["entry"]),
    }
    truth = {"name": [{"text": alice.name}], "birthDate": "2014-09-03"} if named else {}
    for surface, patient in surfaces.items():
        assert {key: patient[key] for key in ("name", "birthDate") if key in patient} == truth, surface
        assert patient == surfaces["bundle"], surface


def test_every_surface_tells_alike_what_the_caregiver_reported(client, alice, carol, gina):
    """Yesterday Alice's caregiver logged her day and today answered the PGIC for her; the day
    before, Alice logged her own. The patient page, the summary, the CSV and the FHIR Bundle
    all say which is whose (`journal.caregiving.logger_of` decides for every one)."""
    make_plan(alice, carol, [(TODAY - 56 * DAY, "1.5")])
    theirs = make_entry(alice, TODAY - DAY, logged_by=gina.user)
    hers = make_entry(alice, TODAY - 2 * DAY)
    answer = questionnaire_answer(
        patient=alice,
        schedule=schedule_of(alice),
        questionnaire_id=pgic_of(alice.clinic).pk,
        values=[2],
        today=TODAY,
        actor=gina.user,
    )
    as_clinician(client, carol)

    page = client.get(reverse("patient_detail", args=[alice.pk])).content.decode()
    assert page.count("logged by Gina Carer (caregiver)") == 1
    assert page.count('data-testid="answered-by">answered by Gina Carer (caregiver)<') == 1
    summary = client.get(reverse("appointment_summary", args=[alice.pk])).content.decode()
    assert summary.count('data-testid="summary-answered-by">· answered by Gina Carer (caregiver)<') == 1

    response = client.get(
        reverse("patient_csv", args=[alice.pk]),
        {"start": (TODAY - 2 * DAY).isoformat(), "end": TODAY.isoformat()},
    )
    rows = {
        row["date"]: row for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    }
    assert [rows[day.isoformat()]["logged_by"] for day in (TODAY - 2 * DAY, TODAY - DAY)] == [
        "patient",
        "caregiver",
    ]
    assert rows[TODAY.isoformat()]["questionnaires"].endswith("[caregiver]")

    bundle = client.get(reverse("patient_fhir", args=[alice.pk])).json()
    resources = {entry["resource"]["id"]: entry["resource"] for entry in bundle["entry"]}
    caregiver, patient = (
        {"type": "RelatedPerson", "display": "caregiver"},
        {"reference": f"Patient/{alice.pk}"},
    )
    assert resources[f"dose-{theirs.pk}"]["informationSource"] == caregiver
    assert resources[f"dose-{hers.pk}"]["informationSource"] == patient
    assert resources[f"answer-{answer.pk}"]["source"] == caregiver
