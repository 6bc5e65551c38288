"""Every page's number of queries, pinned on the demo clinic (zulip's habit: a changed count
is a design change to explain, not a number to bump). On a mismatch the test prints every
query of the page.

Counts include the session and the login (2 queries on every logged-in page; the login query
also brings a clinician's or a patient's clinic, which pages, the two-factor requirement and the
emergency line above a patient's question form read, so no page reads the clinic again), and,
on a page that shows a clinician a patient's record, the one INSERT of the read
(tests/test_read_audit.py). A page's count does not grow with the patient's history
(tests/test_patient_chart_views.py and the benchmarks check that); these counts are for one
demo patient (Anna) and the whole demo clinic (the roster)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from journal.management.commands.seed_demo import DEMO_PASSWORD  # noqa: F401 - the demo's logins
from journal.models import Clinician, Patient, User
from journal.selectors.outcomes import CohortFilter
from journal.selectors.roster import PAGE_SIZE
from journal.services.exports import export_job_request, export_job_run
from journal.services.outcomes import outcome_report_request, outcome_report_run
from journal.services.snapshots import snapshots_refresh_due
from tests.factories import make_patient, make_plan
from tests.test_access import URLS

# (url name, who opens it, queries). The patient pages are Anna's own; the clinician pages
# are Dr Rivera's view of Anna (or the clinic); the clinic pages are the admin's.
PAGES: dict[str, tuple[str, int]] = {
    # the week's days as (date, dose taken), no scores or side effects; whether there are plan
    # changes not yet acknowledged, answers of the last 14 days or devices whose push subscription
    # expired (1, none in the demo: each kind there is costs 1 more)
    # … and the clinic's questionnaires, to see whether one is due (1; the recent answers cost 1
    # more on a day an occasion is open, none for Anna today)
    "today": ("anna", 9),
    "entry": ("anna", 8),
    "history": ("anna", 7),
    "day_detail": ("anna", 8),  # messages: the day's questions (1)
    "medications": ("anna", 7),
    "calendar": ("anna", 3),  # + the reminder times the feed rings at
    # the session and the login (which brings the patient): the words are the code's own
    "introduction": ("anna", 2),
    "help_index": ("anna", 2),
    "help_topic": ("anna", 2),
    "my_plan": ("anna", 9),  # messages: the plan changes not yet acknowledged, the plan's questions
    "my_questions": ("anna", 3),  # the session, the login, the questions
    # reminders: the session, the login, the stored choices, the devices, the last reminders
    # with their e-mails (1); their pushes (1 more) once a reminder was sent (none in the demo)
    "reminders": ("anna", 5),
    "my_chart": ("anna", 14),  # the lab results and the questionnaire answers, drawn on the chart (1 each)
    # the session, the login, the questionnaire, the schedule's steps and pauses, the clinic's
    # questionnaires (none due for Anna: "nothing to answer now")
    "questionnaire_answer": ("anna", 6),
    "own_csv": ("anna", 2),
    "data_dictionary": ("anna", 4),
    "data_dictionary_csv": ("anna", 4),
    # the roster: rows due a refresh (1; none are), the count, the page with its stored rows,
    # the alerts and the records needing attention (1 each), read from the stored rows, and the
    # clinician's saved views (1)
    "roster": ("dr.rivera", 8),
    "rulebook": ("dr.rivera", 2),
    # messages: the plan changes told, the questions (1 each); the lab results, read with the
    # patient's file since the advice and the chart use them (1), and the clinic's lab tests for
    # the form that records one (1); the symptoms and the conditions a clinician may add to the
    # record, for the two forms that add one (1 each; their history is read with the current
    # set, in one query each), and the weights measured (1)
    # … and the questionnaire answers, read with the patient's file for the chart and their table (1)
    # … and the caregivers: who logs for the patient, and who logged which entry (1)
    "patient_detail": ("dr.rivera", 24),
    # the session, the login, the patient, the entry, its versions, its scores' versions,
    # the tracked symptoms, the read's INSERT; the patient's caregivers, who may have saved it (1)
    "entry_changes": ("dr.rivera", 9),
    # messages: the plan changes told, the questions; the lab results, with the patient's file;
    # the latest weight (1)
    "appointment_summary": ("dr.rivera", 22),  # … and the questionnaire answers (1)
    "patient_csv": ("dr.rivera", 4),
    "patient_fhir_import": ("dr.rivera", 3),  # the session, the login, the patient: no record read
    # the session, the login, the patient with its clinic; the whole record
    # (`journal.selectors.fhir.patient_bundle`: 14); the read and the audit row (1 each)
    "patient_fhir": ("dr.rivera", 19),
    # outcomes: the conditions and the clinicians for the filters (2), the newest report of
    # the filter (1; 2 while a newer one is being computed): the worker computes the figures
    "clinic_outcomes": ("dr.rivera", 5),
    "clinic_outcomes_csv": ("dr.rivera", 5),
    "clinic_csv": ("dr.rivera", 4),  # the previous export, the recent export jobs
    "clinic_export_job": ("dr.rivera", 3),
    "clinic_export_download": ("dr.rivera", 5),  # the job; its audit row, its patients' reads
    "invite_patient": ("dr.rivera", 4),
    "clinic_patient_import": ("dr.rivera", 2),  # the session, the login: nothing read before a file
    "invitation_link": ("dr.rivera", 5),
    "caregiver_invitation": ("dr.rivera", 4),  # the patient, the caregiver and their invitation
    "screening": ("dr.rivera", 4),
    "plan_manage": ("dr.rivera", 7),
    "plan_new": ("dr.rivera", 9),
    # locked sign-ins: +1; the clinic comes with the login: -1; the lab tests, built in and the clinic's: +1
    "clinic_manage": ("admin.okafor", 7),
    # the clinic's questionnaires' newest versions and their answers (1 each)
    "clinic_questionnaires": ("dr.rivera", 4),
    "questionnaire_edit": ("dr.rivera", 4),  # the questionnaire, the clinic's newest versions
    "clinician_add": ("admin.okafor", 2),
    "care_team": ("admin.okafor", 5),
    "access_report": ("admin.okafor", 6),
    "api_tokens": ("admin.okafor", 3),  # the session, the login, the clinic's tokens with who made them
    "access_report_csv": ("admin.okafor", 9),
    # the user's own account: two-factor devices (2: is it on, recovery codes left); sessions (1)
    "account": ("dr.rivera", 4),
    "sessions": ("dr.rivera", 3),
    "password_change": ("dr.rivera", 2),
    "two_factor_setup": ("dr.rivera", 3),
}


def _url(name: str, anna: Patient, new: Patient, job: int) -> str:
    kwargs = next(kwargs for url_name, kwargs, _ in URLS if url_name == name)
    whose = new if name == "plan_new" else anna  # the editor is for a patient without a plan
    ids = {"{alice}": whose.pk, "{job}": job, "{pgic}": anna.clinic.questionnaires.get(key="pgic").pk}
    values = {key: ids.get(value, value) for key, value in kwargs.items()}
    if name in ("day_detail", "entry_changes"):
        values["day"] = (anna.local_today() - dt.timedelta(days=1)).isoformat()
    return reverse(name, kwargs=values)


def test_every_page_is_in_the_budget():
    assert {name for name, _, _ in URLS} == set(PAGES)


def test_every_page_runs_its_pinned_number_of_queries(client, transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    anna = Patient.objects.get(user__username="anna")
    new = make_patient(anna.clinic, None, name="Nora New", clinicians=tuple(anna.clinicians.all()))
    rivera = Clinician.objects.get(user__username="dr.rivera")
    today = anna.local_today()
    job = export_job_request(
        clinician=rivera, patient_ids=[anna.pk], first=today, last=today, byte_order_mark=False
    )
    export_job_run(job_id=job.pk)
    outcome_report_run(report_id=outcome_report_request(clinician=rivera, chosen=CohortFilter()).pk)
    mismatches = []
    for name, (username, expected) in PAGES.items():
        client.force_login(User.objects.get(username=username))
        url = _url(name, anna, new, job.pk)
        client.get(url)  # the first request of a login settles its session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
        assert response.status_code == 200, (name, response.status_code)
        if len(queries) != expected:
            listing = "\n".join(f"    {query['sql'][:200]}" for query in queries.captured_queries)
            mismatches.append(f"{name}: {len(queries)} queries, pinned at {expected}:\n{listing}")
    assert not mismatches, "\n\n".join(mismatches)


@pytest.mark.parametrize("name", ["clinic_outcomes", "clinic_outcomes_csv", "clinic_outcomes_compute"])
def test_no_outcomes_request_computes_the_figures(client, clinic, carol, monkeypatch, name):
    """The outcomes page, its CSV and asking for them never read the records nor compute:
    the worker does (journal/services/outcomes.py)."""
    import journal.selectors.outcomes as outcome_selectors
    import journal.services.outcomes as outcome_service

    def not_here(*args, **kwargs):
        raise AssertionError("a request computed the outcomes")

    outcome_report_run(report_id=outcome_report_request(clinician=carol, chosen=CohortFilter()).pk)
    monkeypatch.setattr(outcome_service, "clinic_outcomes", not_here)
    monkeypatch.setattr(outcome_service, "outcome_cohort", not_here)
    monkeypatch.setattr(outcome_selectors, "patient_records", not_here)
    client.force_login(carol.user)
    if name == "clinic_outcomes_compute":
        assert client.post(reverse(name)).status_code == 302
    else:
        assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("htmx", [False, True])
def test_the_review_posts_never_draw_the_chart(client, alice, carol, monkeypatch, htmx):
    """Dismissing advice and marking a patient reviewed read the advice, not the chart, with
    or without htmx."""
    import journal.selectors.records as records

    def no_chart(record):
        raise AssertionError("the chart was drawn")

    monkeypatch.setattr(records, "patient_figure", no_chart)
    headers = {"hx-request": "true"} if htmx else {}
    client.force_login(carol.user)
    response = client.post(reverse("patient_reviewed", args=[alice.pk]), headers=headers)
    assert response.status_code == 302
    response = client.post(
        reverse("advice_dismiss", args=[alice.pk]), {"key": "none", "note": "x"}, headers=headers
    )
    assert response.status_code == (200 if htmx else 302)  # htmx: the advice section


@pytest.mark.parametrize(
    ("query", "reads"),
    [
        ("?page=2", 0),
        ("?scope=all&page=2", 0),
        # a search's page of patients is read (tests/test_read_audit.py): its one INSERT
        ("?q=a&scope=all&page=2", 1),
    ],
)
def test_the_roster_runs_as_many_queries_for_many_patients_as_for_one(
    client, clinic, carol, alice, query, reads
):
    """Stored rows read a page at a time: 1 patient or 2 pages of them cost the same (once
    every row is computed, as the worker does), for my patients, the whole clinic and a search
    ("a" is in Alice and in every "Patient")."""
    alice.clinicians.add(carol)
    client.force_login(carol.user)
    counts = []
    for _ in range(2):
        snapshots_refresh_due(now=timezone.now())
        client.get(reverse("roster"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("roster") + query).status_code == 200
        counts.append(len(queries))
        for n in range(PAGE_SIZE + 5):
            make_patient(clinic, None, name=f"Patient {n:03d}", clinicians=(carol,))
    assert counts[0] == counts[1] == PAGES["roster"][1] + reads


@pytest.mark.parametrize(
    ("saves", "expected"),
    [
        # a new entry: the day read (3 queries in one round trip) and read again under the
        # patient's lock, its rows, their history and Django's check of each constraint, and the
        # patient's roster row recomputed in the same transaction (journal/services/snapshots.py)
        (1, 70),
        # the same again (a double tap, an offline copy sent twice): the day's entry is read and
        # found the same, nothing is written and nothing locked, and the form shown after it is
        # built from what was saved, not read back
        (2, 8),
    ],
)
def test_saving_an_entry_runs_its_pinned_number_of_queries(client, alice, carol, saves, expected):
    today = alice.local_today()
    make_plan(alice, carol, [(today - dt.timedelta(days=20), "1.5")])
    fields = {
        "entry_date": today.isoformat(),
        "dose_taken": "yes",
        "dose_mg": "1.5",
        "timing_taken": "bedtime",
        "sleep_quality": "6",
        "side_headache": "mild",
        **{f"score_{symptom.pk}": "5" for symptom in alice.tracked_symptoms.all()},
    }
    client.force_login(alice.user)
    client.get(reverse("entry"))  # the first request of a login settles its session
    for _ in range(saves - 1):
        client.post(reverse("entry"), fields, headers={"hx-request": "true"})
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("entry"), fields, headers={"hx-request": "true"})
    assert b'data-testid="saved"' in response.content
    assert len(queries) == expected, "\n".join(query["sql"][:200] for query in queries.captured_queries)
