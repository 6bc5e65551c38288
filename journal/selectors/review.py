"""The clinician's patient page, read once: the patient's file with its overview (chart,
responses, advice), the timeline of decisions and reads, and what the page shows besides."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import CharField, Count, DateField, IntegerField, JSONField, Max, Value
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from journal.growth import age_in_years
from journal.models import (
    AccessEvent,
    AuditEvent,
    Caregiver,
    Condition,
    Invitation,
    Patient,
    WeightMeasurement,
)
from journal.questionnaires import ScoredAnswer
from journal.selectors.entries import RecentEntry, entry_loggers, recent_entries
from journal.selectors.records import PatientOverview, RecordTrack, condition_tracks, patient_overview

# The timeline sums up the reads of the last 30 days; the access report has every one.
READ_DAYS = 30


@dataclass(frozen=True)
class Decision:
    """One row of the audit log, as the timeline shows it."""

    at: dt.datetime
    kind: str
    summary: str
    details: dict[str, Any]
    actor: str  # the name, or "" for the system

    is_reads = False

    @property
    def label(self) -> str:
        return str(AuditEvent.Kind(self.kind).label)


def _times(count: int) -> str:
    if count == 2:
        return _("twice")
    return ngettext("once", "%(count)s times", count) % {"count": count}


def _date(day: dt.date) -> str:
    return date_format(day, _("j M Y"))


def day_words(day: dt.date, today: dt.date) -> str:
    """ "today", "yesterday", or "on 3 Nov 2026"."""
    if day == today:
        return _("today")
    if day == today - dt.timedelta(days=1):
        return _("yesterday")
    return _("on %(day)s") % {"day": _date(day)}


def _day_alone(day: dt.date, today: dt.date) -> str:
    """ "today", "yesterday", or "3 Nov 2026": one end of a span of days."""
    return day_words(day, today) if day >= today - dt.timedelta(days=1) else _date(day)


@dataclass(frozen=True)
class ReadDay:
    """One person's reads of the record on one day (the clinic's), counted by what they opened."""

    day: dt.date
    actor: str
    at: dt.datetime  # the last of them
    counts: tuple[tuple[str, int], ...]  # (AccessEvent.What, times), in the order of What

    @property
    def times(self) -> int:
        return sum(count for _, count in self.counts)

    def words(self, today: dt.date) -> str:
        """ "Sam Rivera — 3 times today: patient page ×2, printable summary"."""
        parts = ", ".join(
            f"{AccessEvent.What(what).label}{f' ×{count}' if count > 1 else ''}"
            for what, count in self.counts
        )
        return _("%(person)s — %(times)s %(day)s: %(pages)s") % {
            "person": self.actor,
            "times": _times(self.times),
            "day": day_words(self.day, today),
            "pages": parts,
        }


@dataclass(frozen=True)
class Reads:
    """The reads between two decisions of the timeline, summed up on one line; each person's
    day on a line of its own beneath it when there are several."""

    days: tuple[ReadDay, ...]  # by day, then by the last read
    today: dt.date

    is_reads = True

    @property
    def at(self) -> dt.datetime:
        return max(day.at for day in self.days)

    @property
    def headline(self) -> str:
        if len(self.days) == 1:
            return _("Viewed by %(reads)s") % {"reads": self.days[0].words(self.today)}
        names = sorted({day.actor for day in self.days})
        if len(names) > 1:
            who = _("%(people)s and %(last)s") % {"people": ", ".join(names[:-1]), "last": names[-1]}
        else:
            who = names[0]
        first, last = (_day_alone(day, self.today) for day in (self.days[0].day, self.days[-1].day))
        times = sum(day.times for day in self.days)
        return _("Viewed %(times)s by %(people)s, %(first)s to %(last)s") % {
            "times": _times(times),
            "people": who,
            "first": first,
            "last": last,
        }

    @property
    def lines(self) -> list[str]:
        """Each person's day, when the headline sums up several."""
        return [day.words(self.today) for day in self.days] if len(self.days) > 1 else []


class _Row(NamedTuple):
    """A row of the timeline's query: one decision, or one person's reads of one kind on one day
    (then `summary` is what they opened, and `pk` and `at` are the last read's)."""

    pk: int
    at: dt.datetime
    kind: str
    summary: str
    details: dict[str, Any] | None
    actor_id: int | None
    first_name: str | None
    last_name: str | None
    username: str | None
    times: int
    day: dt.date | None

    @property
    def actor(self) -> str:
        return f"{self.first_name or ''} {self.last_name or ''}".strip() or self.username or ""


READS = "reads"


def timeline(patient: Patient, now: dt.datetime | None = None) -> list[Decision | Reads]:
    """The patient's decisions and the reads of the last READ_DAYS days, oldest first, in one
    query: every audit row, and the access rows counted by day, person and what was opened (so
    the rows read do not grow with the number of reads). Reads between two decisions make one
    item of the timeline."""
    now = now or timezone.now()
    zone = zoneinfo.ZoneInfo(patient.clinic.time_zone)
    actor = ("actor_id", "actor__first_name", "actor__last_name", "actor__username")
    decisions = (
        patient.audit_events.order_by()
        .annotate(times=Value(1, IntegerField()), day=Value(None, DateField()))
        .values_list("pk", "at", "kind", "summary", "details", *actor, "times", "day")
    )
    reads = (
        patient.access_events.order_by()
        .filter(at__gte=now - dt.timedelta(days=READ_DAYS))
        .annotate(day=TruncDate("at", tzinfo=zone))
        .values("day", "what", *actor)
        .annotate(
            last_pk=Max("pk"),
            last=Max("at"),
            times=Count("pk"),
            kind=Value(READS, CharField()),
            details=Value(None, JSONField()),
        )
        .values_list("last_pk", "last", "kind", "what", "details", *actor, "times", "day")
    )
    rows = decisions.union(reads, all=True).order_by("at", "pk")
    return _items(map(_Row._make, rows), today=now.astimezone(zone).date())


def _items(rows: Iterable[_Row], today: dt.date) -> list[Decision | Reads]:
    items: list[Decision | Reads] = []
    run: list[_Row] = []
    for row in rows:
        if row.kind == READS:
            run.append(row)
            continue
        if run:
            items.append(_reads(run, today))
            run = []
        items.append(Decision(row.at, row.kind, row.summary, row.details or {}, row.actor))
    if run:
        items.append(_reads(run, today))
    return items


def _reads(run: list[_Row], today: dt.date) -> Reads:
    """A run of reads, by person and day."""
    by_person_day: dict[tuple[Any, Any], list[_Row]] = defaultdict(list)
    for row in run:
        by_person_day[(row.day, row.actor_id)].append(row)
    days = sorted(map(_read_day, by_person_day.values()), key=lambda read: (read.day, read.at))
    return Reads(days=tuple(days), today=today)


def _read_day(rows: list[_Row]) -> ReadDay:
    """One person's reads of one day, one row per kind of read."""
    order = list(AccessEvent.What.values)
    rows = sorted(rows, key=lambda row: order.index(row.summary))
    assert rows[0].day is not None  # a read's row has its day
    return ReadDay(
        day=rows[0].day,
        actor=rows[0].actor,
        at=max(row.at for row in rows),
        counts=tuple((row.summary, row.times) for row in rows),
    )


@dataclass(frozen=True)
class PatientPage:
    overview: PatientOverview
    conditions: list[Condition]  # on the record now, by name
    condition_tracks: list[RecordTrack]  # listed now or before, with their history
    age: int | None  # whole years, when the date of birth is known
    weights: list[WeightMeasurement]  # newest measurement first
    timeline: list[Decision | Reads]
    invitation: Invitation | None  # the latest, with its mail, while the patient has no login
    recent_entries: list[RecentEntry]
    questionnaire_rows: list[tuple[ScoredAnswer, str | None]]  # newest first, with who answered
    caregiver: Caregiver | None  # who logs for the patient now (invited, or signed in), if anyone


def open_at_latest_review(items: Iterable[Decision | Reads]) -> frozenset[str]:
    """The advice keys open at the latest review among the timeline's decisions."""
    reviews = [item for item in items if isinstance(item, Decision) and item.kind == AuditEvent.Kind.REVIEWED]
    return frozenset(reviews[-1].details.get("open_advice", [])) if reviews else frozenset()


def patient_page(patient: Patient) -> PatientPage:
    """Everything the clinician's patient page shows in 14 queries (one more for a patient
    still to accept their invitation, two more when a recent entry was edited): the patient's
    file (11), its timeline, which also says what advice was open at the last review, the
    conditions with their history, the weights, and the caregivers (who logged which entry)."""
    items = timeline(patient)
    overview = patient_overview(patient, open_at_review=open_at_latest_review(items))
    conditions = condition_tracks([patient.pk])[patient.pk]
    caregivers = list(patient.caregivers.all())
    loggers = entry_loggers(patient, caregivers)
    return PatientPage(
        overview=overview,
        conditions=[track.item for track in conditions if track.current],
        condition_tracks=conditions,
        age=age_in_years(patient.date_of_birth, overview.file.record.today)
        if patient.date_of_birth
        else None,
        weights=list(patient.weights.all()),
        timeline=items,
        invitation=(
            patient.invitations.filter(caregiver=None).select_related("mail").order_by("-created_at").first()
            if patient.user_id is None
            else None
        ),
        recent_entries=recent_entries(overview.file, loggers=loggers),
        questionnaire_rows=[
            (answer, loggers.answered_by(answer.answered_by))
            for answer in reversed(overview.file.record.answers)
        ],
        caregiver=next((caregiver for caregiver in caregivers if caregiver.revoked_at is None), None),
    )
