"""journal.services.outcomes: a clinic's outcomes are asked for with their task, computed by the
worker, complete or marked failed, and emptied when they expire."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from journal.models import ExportState, OutcomeReport
from journal.selectors.outcomes import CohortFilter
from journal.services import outcomes as outcome_services
from journal.services.outcomes import (
    outcome_report_request,
    outcome_report_run,
    outcome_reports_expire,
    outcome_reports_recompute_nightly,
)
from tests.factories import make_patient, make_plan

ROOT = Path(__file__).resolve().parents[2]


def test_asking_records_the_report_and_its_task_once_while_it_waits(carol, ada):
    chosen = CohortFilter(started_from=dt.date(2025, 1, 1))
    report = outcome_report_request(clinician=carol, chosen=chosen)
    assert (report.state, report.clinic_id, report.requested_by, report.started_from) == (
        ExportState.QUEUED,
        carol.clinic_id,
        carol.user,
        dt.date(2025, 1, 1),
    )
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.args_kwargs["args"]) == ("journal.tasks.run_outcome_report", [report.pk])
    # Asked again, by anyone of the clinic, while it waits: the same report, no second task.
    assert outcome_report_request(clinician=ada, chosen=chosen) == report
    assert DBTaskResult.objects.count() == 1
    # Another filter is another report.
    assert outcome_report_request(clinician=carol, chosen=CohortFilter()) != report


def test_a_clinic_has_a_bounded_number_of_reports_in_progress(carol, ada, charlie):
    for day in range(1, outcome_services.MAX_REPORTS_IN_PROGRESS + 1):
        outcome_report_request(clinician=carol, chosen=CohortFilter(started_from=dt.date(2025, 1, day)))
    with pytest.raises(ValidationError, match="computing 3 sets of figures"):
        outcome_report_request(clinician=ada, chosen=CohortFilter())
    assert outcome_report_request(clinician=charlie, chosen=CohortFilter())  # another clinic's own
    first = OutcomeReport.objects.filter(clinic=carol.clinic).last()
    assert outcome_report_run(report_id=first.pk) == ExportState.DONE
    assert outcome_report_request(clinician=ada, chosen=CohortFilter()).state == ExportState.QUEUED


def test_a_run_stores_the_figures_once_they_are_all_computed(clinic, carol):
    today = timezone.now().date()
    for _ in range(2):
        make_plan(
            make_patient(clinic, None, clinicians=(carol,)), carol, [(today - dt.timedelta(days=9), "1.5")]
        )
    report = outcome_report_request(clinician=carol, chosen=CohortFilter())
    assert outcome_report_run(report_id=report.pk) == ExportState.DONE
    report.refresh_from_db()
    assert report.state == ExportState.DONE and report.error == ""
    assert (report.figures["patients"], report.figures["started"]) == (2, 2)
    assert report.computed_at is not None and report.expires_at > report.computed_at
    assert outcome_report_run(report_id=report.pk) is None  # done: a second run does nothing


def test_the_reports_a_clinic_shows_are_queued_again_once_a_night_after_its_local_midnight(
    clinic, carol, ada
):
    """A London clinic and a Sydney one: each report computed the day before is queued again
    after its own clinic's midnight, once, in the name of who asked for it, as the page would."""
    import time_machine

    from tests.factories import make_clinic, make_clinician

    sydney = make_clinician(make_clinic("Harbour", time_zone="Australia/Sydney"), "drsyd")
    evening = dt.datetime(2026, 3, 10, 20, 0, tzinfo=dt.UTC)  # 20:00 in London, 07:00 on 11 March in Sydney
    with time_machine.travel(evening - dt.timedelta(hours=12), tick=False):
        london_report = outcome_report_request(clinician=carol, chosen=CohortFilter())
        sydney_report = outcome_report_request(clinician=sydney, chosen=CohortFilter())
        for report in (london_report, sydney_report):
            outcome_report_run(report_id=report.pk)
    # 08:00 UTC on 10 March: past Sydney's midnight (11 March), not yet London's.
    assert outcome_reports_recompute_nightly(now=evening) == 1
    queued = OutcomeReport.objects.get(clinic=sydney.clinic, state=ExportState.QUEUED)
    assert (queued.requested_by, queued.condition_id, queued.started_from) == (sydney.user, None, None)
    assert outcome_reports_recompute_nightly(now=evening) == 0  # once: the new one is asked for
    after_london_midnight = dt.datetime(2026, 3, 11, 0, 5, tzinfo=dt.UTC)
    assert outcome_reports_recompute_nightly(now=after_london_midnight) == 1
    assert DBTaskResult.objects.filter(task_path="journal.tasks.run_outcome_report").count() == 4
    # Computed anew after midnight, the report is not due again that night.
    renewed = OutcomeReport.objects.get(clinic=carol.clinic, state=ExportState.QUEUED)
    with time_machine.travel(after_london_midnight, tick=False):
        assert outcome_report_run(report_id=renewed.pk) == ExportState.DONE
    assert outcome_reports_recompute_nightly(now=after_london_midnight + dt.timedelta(hours=1)) == 0


def test_figures_too_large_to_keep_fail_the_run(clinic, carol, monkeypatch):
    monkeypatch.setattr(outcome_services, "OUTCOME_REPORT_MAX_CHARS", 10)
    report = outcome_report_request(clinician=carol, chosen=CohortFilter())
    assert outcome_report_run(report_id=report.pk) == ExportState.FAILED
    report.refresh_from_db()
    assert report.figures == {} and "exceed" in report.error


def test_expired_reports_keep_no_figures(carol):
    report = outcome_report_request(clinician=carol, chosen=CohortFilter())
    outcome_report_run(report_id=report.pk)
    report.refresh_from_db()
    assert outcome_reports_expire(now=report.expires_at) == 1
    report.refresh_from_db()
    assert (report.state, report.figures) == (ExportState.EXPIRED, {})
    assert outcome_reports_expire(now=report.expires_at) == 0


BUILD = """
from journal.models import Clinician
from journal.selectors.outcomes import CohortFilter
from journal.services.outcomes import outcome_report_request
from benchmarks.data import add_patients
from tests.factories import make_clinic, make_clinician
import datetime as dt
clinic = make_clinic("Worker drill")
admin = make_clinician(clinic, "drill-admin", admin=True)
add_patients(clinic, admin, patients=6, days=120, last_day=dt.date.today())
outcome_report_request(clinician=admin, chosen=CohortFilter())
"""


def test_the_worker_computes_the_report(tmp_path):
    """A real worker process (`manage.py worker --batch`) on a database of its own runs the
    queued task and leaves the report done with its figures."""
    database = tmp_path / "worker.sqlite3"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{database}",
    }

    def manage(*arguments: str) -> None:
        command = [sys.executable, "manage.py", *arguments]
        subprocess.run(command, cwd=ROOT, env=environment, check=True, capture_output=True, text=True)

    manage("migrate", "--no-input")
    manage("shell", "-c", BUILD)
    manage("worker", "--batch")
    with sqlite3.connect(database) as connection:
        state, figures = connection.execute("SELECT state, figures FROM journal_outcomereport").fetchone()
    assert state == "done" and json.loads(figures)["patients"] == 6
