"""The roster's stored rows (`RosterSnapshot`): one per patient, computed by the roster's own
read (`selectors.roster.roster_rows`, the record and assessment behind the patient page).

Every service that changes what the roster shows calls `snapshot_refresh` inside its
transaction. Day-based facts (today's dose, phase, day on LDN, adherence) change at the
patient's local midnight: a row is fresh until then (`fresh_until`), after which the worker's
heartbeat (`snapshots_refresh_due`) and, for the rows a roster page is about to show, the
page itself (`snapshots_refresh_stale`) compute it again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import translation

from journal.findings import Level
from journal.models import Patient, RosterSnapshot
from journal.response import ATTENTION_ORDER
from journal.schedule import DAY, PHASES
from journal.selectors.roster import RosterRow, roster_rows
from journal.vocabulary import dose_phrase

# Patients a worker's heartbeat refreshes at most, so a beat stays short (at midnight in a
# clinic's zone every patient is due; 200 at a time takes a few seconds).
REFRESH_PER_BEAT = 200

SNAPSHOT_FIELDS = [field.name for field in RosterSnapshot._meta.concrete_fields if not field.primary_key]


def next_midnight(zone: dt.tzinfo, day: dt.date) -> dt.datetime:
    """The first moment of the day after `day` in `zone`, in UTC. Where a zone's clocks jump
    over midnight, the first hour that exists."""
    moment = dt.datetime.combine(day + DAY, dt.time(), tzinfo=zone).astimezone(dt.UTC)
    while moment.astimezone(zone).date() <= day:
        moment += dt.timedelta(hours=1)
    return moment


def snapshot_of(row: RosterRow, now: dt.datetime) -> RosterSnapshot:
    """The stored form of a roster row computed at `now` (not saved)."""
    patient, current, adherence, main = row.patient, row.current, row.adherence, row.main
    new = row.since_review
    worst = min((flag.level.order for flag in row.flags), default=len(Level))
    return RosterSnapshot(
        patient=patient,
        computed_at=now,
        computed_for=row.today,
        fresh_until=next_midnight(patient.zone, row.today),
        name_key=patient.name.lower(),
        dose_mg=current.dose_mg if current else None,
        dose_phrase=dose_phrase(current.dose_mg, current.timing, current.frequency, kept=True)
        if current
        else "",
        dose_timing=current.timing if current else "",
        dose_frequency=current.frequency if current else "",
        runs_out_on=row.runs_out_on,
        first_plan=row.first_plan[0] if row.first_plan else "",
        first_plan_words=row.first_plan[1] if row.first_plan else "",
        day_on_ldn=row.day_on_ldn,
        first_dose=row.first_dose,
        phase=row.phase,
        phase_rank=PHASES.index(row.phase),
        last_entry=row.last_entry,
        adherence_taken=adherence.taken if adherence else 0,
        adherence_prescribed=adherence.prescribed if adherence else 0,
        adherence_percent=adherence.percent if adherence else None,
        adherence_rate=adherence.rate if adherence else None,
        main_class=main.response.response_class if main else "",
        main_measure=main.measure.name if main else "",
        response_rank=main.response.response_class.rank if main else len(ATTENTION_ORDER),
        open_advice=row.open_advice,
        new_entries=new.entries if new else 0,
        new_side_effects=new.side_effects if new else 0,
        new_advice=new.advice if new else 0,
        safety_level=(row.record.safety and row.record.safety.worst) or "",
        flags=[flag.as_data() for flag in row.flags],
        flag_rank=-worst,
        flag_count=len(row.flags),
        has_alerts=bool(row.alerts),
        problems=[problem.message for problem in row.record.problems],
        has_problems=bool(row.record.problems),
        open_questions=row.open_questions,
    )


def snapshots_refresh(patient_ids: Iterable[int], now: dt.datetime) -> int:
    """Compute these patients' roster rows and store them (a fixed number of queries). The
    patients are locked first, so a write in progress for one of them finishes before its
    row is read, and a refresh never stores an older state over a newer one. The stored words
    (dose phrase, flags) are in the site's language, whoever's request refreshed the row."""
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        locked = Patient.objects.select_for_update().filter(pk__in=list(patient_ids)).order_by("pk")
        ids = list(locked.values_list("pk", flat=True))
        if not ids:
            return 0
        rows = roster_rows(Patient.objects.filter(pk__in=ids), now)
        RosterSnapshot.objects.bulk_create(
            [snapshot_of(row, now) for row in rows],
            update_conflicts=True,
            unique_fields=["patient"],
            update_fields=SNAPSHOT_FIELDS,
        )
    return len(ids)


def snapshot_refresh(patient: Patient, now: dt.datetime) -> None:
    """Store the patient's roster row as it is now: called by every service that changes
    what the roster shows, inside its transaction."""
    snapshots_refresh([patient.pk], now)


def _due(patients: QuerySet[Patient], now: dt.datetime) -> QuerySet[Patient]:
    """Patients without a row, or whose row was computed before their local midnight."""
    return patients.filter(Q(snapshot__isnull=True) | Q(snapshot__fresh_until__lte=now))


def snapshots_refresh_due(*, now: dt.datetime, limit: int = REFRESH_PER_BEAT) -> int:
    """The worker's part: refresh up to `limit` patients whose row is missing or past their
    local midnight. Returns how many."""
    ids = _due(Patient.objects.all(), now).order_by("pk").values_list("pk", flat=True)[:limit]
    return snapshots_refresh(list(ids), now)


def snapshots_refresh_stale(patients: QuerySet[Patient], now: dt.datetime, *, limit: int) -> int:
    """A page's part: refresh up to `limit` of these patients whose row is missing or past
    their local midnight (1 query when none is)."""
    ids = list(_due(patients, now).order_by("pk").values_list("pk", flat=True)[:limit])
    return snapshots_refresh(ids, now) if ids else 0


def page_snapshots(patients: list[Patient], now: dt.datetime) -> list[RosterSnapshot]:
    """The stored rows of a roster page's patients (read with `select_related("snapshot")`);
    any still missing or past the patient's midnight (when more were due than a page
    refreshes ahead) is computed now and shown in its place."""
    due = [patient.pk for patient in patients if not _is_fresh(patient, now)]
    if not due:
        return [patient.snapshot for patient in patients]
    snapshots_refresh(due, now)
    fresh = RosterSnapshot.objects.select_related("patient").in_bulk(due)
    # A patient deleted meanwhile has no row: left out.
    return [fresh[p.pk] if p.pk in due else p.snapshot for p in patients if p.pk not in due or p.pk in fresh]


def _is_fresh(patient: Patient, now: dt.datetime) -> bool:
    try:
        return patient.snapshot.fresh_until > now
    except RosterSnapshot.DoesNotExist:
        return False
