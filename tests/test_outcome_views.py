"""The clinic outcomes page and its CSV: who sees them, the filters, small groups hidden, the
figures computed by the worker (never in a request) and shown once complete, and a number of
queries that does not grow with the clinic."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from journal.charts import PLOTLY_CONFIG
from journal.models import Condition, ExportState, OutcomeReport, PlanChangeNote
from journal.plan_changes import ended
from journal.services.outcomes import outcome_report_run, outcome_reports_expire
from tests.factories import log_days, make_clinician, make_patient, make_plan

DAY = dt.timedelta(days=1)


def started_patients(clinic, prescriber, count: int, *, condition: str = "Fibromyalgia", days_on: int = 100):
    """`count` patients on LDN for `days_on` days (1.5 → 3 mg on day 28), a baseline of pain 8
    and pain 4 since the first dose, logged every day: each responds at 8–10 weeks."""
    today = timezone.now().date()
    first = today - days_on * DAY
    named = Condition.objects.get(clinic=None, name=condition)
    patients = []
    for n in range(count):
        patient = make_patient(
            clinic, None, name=f"{condition} {n}", clinicians=(prescriber,), symptoms=("Pain",)
        )
        patient.conditions.add(named)
        make_plan(patient, prescriber, [(first, "1.5"), (first + 28 * DAY, "3")])
        log_days(patient, first - 7 * DAY, first - DAY, scores={"Pain": 8})
        log_days(patient, first, today, scores={"Pain": 4})
        patients.append(patient)
    return patients


def computed(client, query: dict | None = None):
    """The page after asking for its figures and the worker's run of the task (called here, as
    tests/test_exports_views.py does: the worker closes the connection a test's transaction
    needs on PostgreSQL; tests/test_worker.py runs a real one)."""
    asked = client.post(reverse("clinic_outcomes_compute"), query or {})
    assert asked.status_code == 302
    assert outcome_report_run(report_id=OutcomeReport.objects.latest("pk").pk) == ExportState.DONE
    return client.get(asked["Location"])


def csv_of(response) -> str:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    return response.content.decode()


def test_the_page_shows_each_figure_with_its_n_and_charts_drawn_with_the_one_config(client, clinic, carol):
    started_patients(clinic, carol, 5)
    client.force_login(carol.user)
    response = computed(client)
    assert response.status_code == 200
    content = response.content.decode()
    assert "5 patients, 5 started on LDN." in content
    for name in ("condition", "dose", "survival", "side", "adherence"):
        assert f'data-figure="figure-{name}"' in content, name
        assert f'<script id="figure-{name}" type="application/json">' in content, name
    condition = response.context["figures"]["condition"]
    assert condition["config"] == PLOTLY_CONFIG
    # 5 patients judged at 8–10 weeks, all respond: the bar and the table say 100 % of 5.
    assert condition["data"][0]["x"] == ["All patients", "Fibromyalgia"]
    assert condition["data"][0]["y"] == [100, 100]
    table = response.context["outcomes"].rates_by_condition[0][1]
    assert [(str(row.group), row.n, row.percent) for row in table] == [
        ("All patients", 5, 100),
        ("Fibromyalgia", 5, 100),
    ]


def test_a_group_of_fewer_than_5_patients_shows_no_figure_on_the_page_the_chart_or_the_csv(
    client, clinic, carol
):
    started_patients(clinic, carol, 4)
    client.force_login(carol.user)
    response = computed(client)
    content = response.content.decode()
    assert "fewer than 5 patients" in content
    assert 'data-suppressed="true"' in content
    assert response.context["figures"]["condition"]["data"][0]["x"] == []
    lines = csv_of(client.get(reverse("clinic_outcomes_csv"))).splitlines()
    assert lines[0] == "figure,group,patients,n,count,value,unit,note"
    rates = [line for line in lines if line.startswith('"Responders at 8–10 weeks, by condition"')]
    assert rates == [
        '"Responders at 8–10 weeks, by condition",All patients,,,,,,fewer than 5 patients',
        '"Responders at 8–10 weeks, by condition",Fibromyalgia,,,,,,fewer than 5 patients',
    ]


def test_the_filters_choose_the_patients(client, clinic, carol):
    other = make_clinician(clinic, "olga")
    started_patients(clinic, carol, 5)
    started_patients(clinic, other, 6, condition="Lupus", days_on=40)
    client.force_login(carol.user)
    lupus = Condition.objects.get(clinic=None, name="Lupus")
    assert computed(client).context["outcomes"].patients == 11
    assert computed(client, {"condition": lupus.pk}).context["outcomes"].patients == 6
    assert computed(client, {"clinician": carol.pk}).context["outcomes"].patients == 5
    recent = (timezone.now().date() - 50 * DAY).isoformat()
    assert computed(client, {"started_from": recent}).context["outcomes"].patients == 6
    # Each filter keeps its own report: the unfiltered page still shows its 11.
    assert client.get(reverse("clinic_outcomes")).context["outcomes"].patients == 11


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"started_from": "1999-12-31"}, "started_from", "Pick a date from 2000 on"),
        ({"started_to": "2999-01-01"}, "started_to", "Pick a date up to today"),
        ({"started_from": "2024-02-01", "started_to": "2024-01-01"}, "started_from", "swap them"),
        ({"started_from": "not a date"}, "started_from", "Enter a valid date."),
        ({"condition": "99999999999999999999"}, "condition", "Select a valid choice."),
        ({"clinician": "x"}, "clinician", "Select a valid choice."),
    ],
)
def test_a_wrong_filter_is_named_and_no_figures_are_shown(client, clinic, carol, query, field, message):
    started_patients(clinic, carol, 5)
    client.force_login(carol.user)
    response = client.get(reverse("clinic_outcomes"), query)
    assert response.status_code == 200
    assert response.context["outcomes"] is None
    assert message in " ".join(response.context["form"].errors[field])
    assert "data-figure" not in response.content.decode()
    assert client.get(reverse("clinic_outcomes_csv"), query).status_code == 400
    # Asked for with it, nothing is queued: the page names the wrong filter.
    asked = client.post(reverse("clinic_outcomes_compute"), query)
    assert asked.status_code == 302 and not OutcomeReport.objects.exists()
    assert message in " ".join(client.get(asked["Location"]).context["form"].errors[field])


def test_another_clinics_clinician_sees_only_their_own_clinic(client, clinic, carol, charlie):
    started_patients(clinic, carol, 5)
    client.force_login(carol.user)
    computed(client)
    client.force_login(charlie.user)
    # Carol's clinic's report is not theirs: nothing computed yet, no CSV.
    response = client.get(reverse("clinic_outcomes"))
    assert response.context["outcomes"] is None
    assert client.get(reverse("clinic_outcomes_csv")).status_code == 302
    response = computed(client)
    assert response.context["outcomes"].patients == 0
    fibromyalgia = Condition.objects.get(clinic=None, name="Fibromyalgia")
    # A condition only the other clinic's patients have is not offered: refused.
    refused = client.get(reverse("clinic_outcomes"), {"condition": fibromyalgia.pk})
    assert refused.context["outcomes"] is None
    refused = client.get(reverse("clinic_outcomes"), {"clinician": carol.pk})
    assert refused.context["outcomes"] is None


@pytest.mark.parametrize("role", ["anonymous", "alice", "bob", "dave"])
def test_patients_and_strangers_are_refused_and_ask_for_nothing(client, db, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role).user)
    refused = {302} if role == "anonymous" else {403}
    for name in ("clinic_outcomes", "clinic_outcomes_csv"):
        assert client.get(reverse(name)).status_code in refused
    assert client.post(reverse("clinic_outcomes_compute")).status_code in refused
    assert not OutcomeReport.objects.exists()


@pytest.mark.parametrize("role", ["carol", "ada", "charlie"])
def test_a_clinician_asks_for_their_own_clinics_figures_only(client, request, role):
    clinician = request.getfixturevalue(role)
    client.force_login(clinician.user)
    assert client.post(reverse("clinic_outcomes_compute")).status_code == 302
    report = OutcomeReport.objects.get()
    assert report.clinic_id == clinician.clinic_id and report.requested_by == clinician.user


def test_the_clinician_navigation_links_to_the_page(client, carol):
    client.force_login(carol.user)
    content = client.get(reverse("roster")).content.decode()
    assert f'href="{reverse("clinic_outcomes")}"' in content


# The session and the login (2), the conditions and the clinicians for the filters (2), the
# newest report of the filter (1): the figures are the worker's.
OUTCOMES_QUERIES = 5
# The worker's run: the report (1), marked running (1), the patients with their conditions (2),
# their records (`patient_records`, 11) and their plan ends' reasons (1), the figures stored (1).
RUN_QUERIES = 17


@pytest.mark.parametrize("name", ["clinic_outcomes", "clinic_outcomes_csv"])
def test_the_queries_do_not_grow_with_the_clinic(client, clinic, carol, name):
    client.force_login(carol.user)
    counts = []
    for more in (5, 20):
        started_patients(clinic, carol, more, days_on=80)
        client.post(reverse("clinic_outcomes_compute"))
        report = OutcomeReport.objects.latest("pk")
        with CaptureQueriesContext(connection) as run:
            outcome_report_run(report_id=report.pk)
        assert len(run) == RUN_QUERIES, [q["sql"][:90] for q in run.captured_queries]
        client.get(reverse(name))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts == [OUTCOMES_QUERIES, OUTCOMES_QUERIES]


def test_the_page_and_its_csv_speak_the_readers_language(client, clinic, carol):
    started_patients(clinic, carol, 4)
    client.force_login(carol.user)
    computed(client)  # in English, as the worker runs
    carol.user.language = "es"
    carol.user.save(update_fields=["language"])
    content = client.get(reverse("clinic_outcomes")).content.decode()
    assert "Resultados de la clínica" in content and "menos de 5 pacientes" in content
    assert "fewer than 5 patients" not in content
    assert "menos de 5 pacientes" in csv_of(client.get(reverse("clinic_outcomes_csv")))


def test_the_page_asks_for_its_figures_shows_them_computing_then_ready(client, clinic, carol):
    started_patients(clinic, carol, 5)
    client.force_login(carol.user)
    before = client.get(reverse("clinic_outcomes"))
    content = before.content.decode()
    assert before.context["outcomes"] is None and "Not computed yet" in content
    assert "Compute these figures" in content and "data-figure" not in content
    assert client.get(reverse("clinic_outcomes_csv")).url == reverse("clinic_outcomes")
    # Asked for: queued for the worker, once however often it is asked for while it waits.
    for _ in range(2):
        assert client.post(reverse("clinic_outcomes_compute")).url == reverse("clinic_outcomes")
    report = OutcomeReport.objects.get()
    assert report.state == ExportState.QUEUED
    waiting = client.get(reverse("clinic_outcomes")).content.decode()
    assert "Computing…" in waiting and 'hx-trigger="every 3s"' in waiting
    assert "data-figure" not in waiting and "Recompute" not in waiting
    outcome_report_run(report_id=report.pk)
    ready = client.get(reverse("clinic_outcomes"))
    content = ready.content.decode()
    assert "Computed at" in content and "Recompute" in content and "hx-trigger" not in content
    assert ready.context["report"] == OutcomeReport.objects.get(state=ExportState.DONE)
    # Recomputing shows the figures it has while the new ones are computed.
    client.post(reverse("clinic_outcomes_compute"))
    again = client.get(reverse("clinic_outcomes"))
    assert again.context["outcomes"].patients == 5 and "Computing…" in again.content.decode()


def test_the_computing_page_asks_until_the_figures_are_ready_then_reloads_whole(client, clinic, carol):
    started_patients(clinic, carol, 5)
    client.force_login(carol.user)
    client.post(reverse("clinic_outcomes_compute"))
    asking = client.get(reverse("clinic_outcomes"), headers={"hx-request": "true"})
    content = asking.content.decode()
    assert content.lstrip().startswith('<section class="card" id="outcomes-report"')
    assert "Computing…" in content and "<html" not in content
    outcome_report_run(report_id=OutcomeReport.objects.get().pk)
    ready = client.get(reverse("clinic_outcomes"), headers={"hx-request": "true"})
    assert ready["HX-Refresh"] == "true" and ready.content == b""


def test_the_page_and_the_csv_show_one_stored_report(client, clinic, carol):
    started_patients(clinic, carol, 5)
    client.force_login(carol.user)
    computed(client)
    started_patients(clinic, carol, 3)  # not counted until the figures are computed again
    assert client.get(reverse("clinic_outcomes")).context["outcomes"].patients == 5
    lines = csv_of(client.get(reverse("clinic_outcomes_csv"))).splitlines()
    assert '"Responders at 8–10 weeks, by condition",All patients,5,5,5,100,%,' in lines
    assert computed(client).context["outcomes"].patients == 8


def test_a_failed_run_says_so_and_shows_no_figures(client, clinic, carol, monkeypatch):
    import journal.services.outcomes as outcome_service

    def broken(cohort):
        raise RuntimeError("the database went away")

    started_patients(clinic, carol, 5)
    client.force_login(carol.user)
    monkeypatch.setattr(outcome_service, "clinic_outcomes", broken)
    client.post(reverse("clinic_outcomes_compute"))
    report = OutcomeReport.objects.get()
    assert outcome_report_run(report_id=report.pk) == ExportState.FAILED
    report.refresh_from_db()
    assert report.figures == {} and report.computed_at is None and "RuntimeError" in report.error
    response = client.get(reverse("clinic_outcomes"))
    content = response.content.decode()
    assert response.context["outcomes"] is None and "data-figure" not in content
    assert "could not be computed" in content and f"outcome report {report.pk}" in content
    assert "Recompute" in content and "hx-trigger" not in content
    assert client.get(reverse("clinic_outcomes_csv")).status_code == 302


def test_a_run_whose_worker_died_shows_as_computing_then_runs_again(client, clinic, carol):
    started_patients(clinic, carol, 5)
    client.force_login(carol.user)
    client.post(reverse("clinic_outcomes_compute"))
    report = OutcomeReport.objects.get()
    # Killed in the middle: left running, no figures, nothing shown as computed.
    OutcomeReport.objects.filter(pk=report.pk).update(state=ExportState.RUNNING)
    response = client.get(reverse("clinic_outcomes"))
    assert response.context["outcomes"] is None and "Computing…" in response.content.decode()
    # The task put back in the queue (orphaned_tasks_requeue) starts over and completes.
    assert outcome_report_run(report_id=report.pk) == ExportState.DONE
    assert outcome_report_run(report_id=report.pk) is None  # a second run does nothing
    assert client.get(reverse("clinic_outcomes")).context["outcomes"].patients == 5


def test_figures_expire_like_exports(client, clinic, carol, settings):
    started_patients(clinic, carol, 5)
    client.force_login(carol.user)
    computed(client)
    report = OutcomeReport.objects.get()
    assert report.expires_at == report.computed_at + dt.timedelta(hours=settings.EXPORT_KEEP_HOURS)
    assert outcome_reports_expire(now=report.expires_at - dt.timedelta(seconds=1)) == 0
    assert outcome_reports_expire(now=report.expires_at) == 1
    report.refresh_from_db()
    assert report.state == ExportState.EXPIRED and report.figures == {}
    response = client.get(reverse("clinic_outcomes"))
    assert response.context["outcomes"] is None and "Not computed yet" in response.content.decode()
    assert client.get(reverse("clinic_outcomes_csv")).status_code == 302


def test_why_patients_stopped_by_the_reason_they_were_told(client, clinic, carol):
    today = timezone.now().date()
    patients = started_patients(clinic, carol, 7)
    for n, patient in enumerate(patients):
        plan = patient.plans.get()
        plan.ended_on = today - 10 * DAY
        plan.save(update_fields=["ended_on"])
        reason = "The pain came back" if n < 5 else ""
        PlanChangeNote.objects.create(
            patient=patient,
            written_by=carol,
            change="Plan ends.",
            wording=ended(plan.ended_on, 0, None).as_data(),
            reason=reason,
            at=timezone.now() - 20 * DAY,
        )
    client.force_login(carol.user)
    response = computed(client)
    rows = [(str(row.group), row.count, row.percent) for row in response.context["outcomes"].stop_reasons]
    assert rows == [("The pain came back", 5, 71), ("No reason recorded", 2, None)]
    content = response.content.decode()
    assert "7 patients stopped, by reason" in content and "No reason recorded" in content
    lines = csv_of(client.get(reverse("clinic_outcomes_csv"))).splitlines()
    assert "Why patients stopped,The pain came back,5,7,5,71,%," in lines
    assert "Why patients stopped,No reason recorded,,,,,,fewer than 5 patients" in lines


def test_asking_while_the_clinic_has_too_many_in_progress_says_so(client, clinic, carol):
    client.force_login(carol.user)
    for day in range(1, 5):
        client.post(reverse("clinic_outcomes_compute"), {"started_from": f"2025-01-0{day}"})
    assert OutcomeReport.objects.count() == 3
    response = client.get(client.post(reverse("clinic_outcomes_compute"))["Location"])
    assert "computing 3 sets of figures" in response.content.decode()
    assert OutcomeReport.objects.count() == 3
