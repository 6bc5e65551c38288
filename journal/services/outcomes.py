"""Clinic outcomes as reports the worker computes: asked for in a request, computed by the
task queue, as clinic exports are (`journal.services.exports`).

Reading a large clinic's records takes longer than a request may (2,000 patients: about 36 s),
so a request only records the report and queues its task; the page shows the newest report
computed for its filter. A report is complete or it is not shown:
- its figures are stored and it is `done` in one write, only once they are all computed;
- a run that fails marks it `failed` and keeps no figures;
- a report whose worker died is run again from nothing (`orphaned_tasks_requeue`).
Its figures are emptied once it expires (`settings.EXPORT_KEEP_HOURS`, as exports)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from journal.models import OUTCOME_REPORT_MAX_CHARS, Clinician, ExportState, OutcomeReport, Patient
from journal.outcomes import clinic_outcomes, outcomes_as_data
from journal.schedule import DAY
from journal.selectors.outcomes import CohortFilter, outcome_cohort, reports_of_filter
from journal.services.snapshots import next_midnight

logger = logging.getLogger(__name__)

# Reports of one clinic waiting or being computed at once (each for another filter): the queue
# holds a bounded amount of a clinic's work however often its clinicians ask.
MAX_REPORTS_IN_PROGRESS = 3


def outcome_report_request(*, clinician: Clinician, chosen: CohortFilter) -> OutcomeReport:
    """Queue the outcomes of `clinician`'s clinic for `chosen`; a report of that filter
    already waiting or being computed is returned instead of a second one. Refused while the
    clinic has `MAX_REPORTS_IN_PROGRESS` others in progress."""
    return _report_queue(clinic_id=clinician.clinic_id, requested_by_id=clinician.user_id, chosen=chosen)


def _report_queue(*, clinic_id: int, requested_by_id: int, chosen: CohortFilter) -> OutcomeReport:
    """The one way a report is asked for: by the page's "compute" and by the nightly recompute."""
    in_progress = (ExportState.QUEUED, ExportState.RUNNING)
    with transaction.atomic():
        waiting = reports_of_filter(clinic_id, chosen).filter(state__in=in_progress).first()
        if waiting is not None:
            return waiting
        busy = OutcomeReport.objects.filter(clinic_id=clinic_id, state__in=in_progress).count()
        if busy >= MAX_REPORTS_IN_PROGRESS:
            raise ValidationError(
                _(
                    "The worker is computing %(count)s sets of figures for this clinic: "
                    "ask again once one is ready."
                )
                % {"count": busy}
            )
        report = OutcomeReport(
            clinic_id=clinic_id,
            requested_by_id=requested_by_id,
            condition_id=chosen.condition,
            clinician_id=chosen.clinician,
            started_from=chosen.started_from,
            started_to=chosen.started_to,
        )
        report.full_clean()
        report.save()
        from journal.tasks import run_outcome_report  # journal.tasks calls this module: imported when used

        run_outcome_report.enqueue(report.pk)
    return report


def outcome_report_run(*, report_id: int) -> ExportState | None:
    """Compute report `report_id`'s figures (the worker's task); returns its new state, or
    None when it was no longer waiting. A run after a dead worker's starts over."""
    report = OutcomeReport.objects.filter(
        pk=report_id, state__in=(ExportState.QUEUED, ExportState.RUNNING)
    ).first()
    if report is None:
        return None
    OutcomeReport.objects.filter(pk=report.pk).update(
        state=ExportState.RUNNING, figures={}, error="", computed_at=None
    )
    chosen = CohortFilter(report.condition_id, report.clinician_id, report.started_from, report.started_to)
    try:
        cohort = outcome_cohort(Patient.objects.filter(clinic_id=report.clinic_id), chosen)
        figures = outcomes_as_data(clinic_outcomes(cohort))
        if len(json.dumps(figures)) > OUTCOME_REPORT_MAX_CHARS:
            raise ValueError(f"The figures exceed {OUTCOME_REPORT_MAX_CHARS} characters.")
    except Exception as error:  # whatever went wrong, the report says so and shows no figures
        logger.exception("Outcome report %s failed.", report.pk)
        OutcomeReport.objects.filter(pk=report.pk).update(
            state=ExportState.FAILED, error=f"{type(error).__name__}: {error}"[:200], computed_at=None
        )
        return ExportState.FAILED
    now = timezone.now()
    OutcomeReport.objects.filter(pk=report.pk).update(
        state=ExportState.DONE,
        figures=figures,
        computed_at=now,
        expires_at=now + dt.timedelta(hours=settings.EXPORT_KEEP_HOURS),
    )
    return ExportState.DONE


def outcome_reports_expire(*, now: dt.datetime) -> int:
    """Empty the figures of reports past their `expires_at`; they say they expired. Returns
    how many."""
    return OutcomeReport.objects.filter(state=ExportState.DONE, expires_at__lte=now).update(
        state=ExportState.EXPIRED, figures={}
    )


def outcome_reports_recompute_nightly(*, now: dt.datetime) -> int:
    """The worker's part: once a night, after the clinic's local midnight, queue again each
    filter whose newest report is the one the page shows (`done`) and was computed before that
    midnight — through the page's own path, in the name of whoever asked for it last. Figures
    the clinic looks at every day so stay at most a night old and never expire under it; a
    clinic with `MAX_REPORTS_IN_PROGRESS` in progress gets the rest at a later beat. Returns
    how many were queued."""
    queued = 0
    shown = OutcomeReport.objects.filter(state=ExportState.DONE).select_related("clinic").order_by("pk")
    for report in shown:
        zone = zoneinfo.ZoneInfo(report.clinic.time_zone)
        midnight = next_midnight(zone, now.astimezone(zone).date() - DAY)
        if report.computed_at is None or report.computed_at >= midnight:
            continue
        chosen = CohortFilter(
            report.condition_id, report.clinician_id, report.started_from, report.started_to
        )
        if reports_of_filter(report.clinic_id, chosen).filter(created_at__gt=report.created_at).exists():
            continue  # a newer one is asked for, being computed, or failed: the page shows that
        try:
            _report_queue(clinic_id=report.clinic_id, requested_by_id=report.requested_by_id, chosen=chosen)
        except ValidationError:
            continue  # the clinic's worker share is taken: a later beat
        queued += 1
    return queued
