"""The patient's diary: which dates may be logged, and what each past day looks like.

Plain Python (no requests, no queries) so forms, views and tests share one source of truth.

- Dates are the patient's local dates. A patient can fill in today and the 14 days before
  it, never a future date: older days are read-only, so the record a clinician reviewed
  does not change under them.
- A bedtime dose belongs to the evening it was meant for. Between midnight and 4 am local
  time the diary opens on the previous date (and says so): someone logging at 00:30 is
  finishing yesterday, not starting today.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from journal.advice import AdherenceCount, count_adherence
from journal.schedule import DAY, Dose, Schedule
from journal.wording import date_words, gettext, gettext_noop

EDIT_WINDOW_DAYS = 14
ROLLOVER_HOUR = 4  # local time before which the diary still opens on the previous date


def entry_is_empty(
    *,
    dose_taken: bool,
    sleep_quality: int | None,
    scores: Mapping[int, int],
    side_effects: Mapping[str, object],
    notes: str,
    dose_prescribed: Callable[[], bool],
) -> bool:
    """An entry with nothing to tell: no dose taken, no score, no sleep, no side effect, no
    note, on a day with no dose prescribed. On a prescribed day "not taken" alone is worth
    saving (the clinician counts missed doses); `dose_prescribed` is asked only then."""
    if dose_taken or sleep_quality is not None or scores or side_effects or notes.strip():
        return False
    return not dose_prescribed()


def default_entry_date(local_now: dt.datetime) -> tuple[dt.date, bool]:
    """The date the diary opens on, and whether it is yesterday because of the small hours."""
    if local_now.hour < ROLLOVER_HOUR:
        return local_now.date() - DAY, True
    return local_now.date(), False


def earliest_editable(today: dt.date) -> dt.date:
    return today - EDIT_WINDOW_DAYS * DAY


def is_editable(day: dt.date, today: dt.date) -> bool:
    return earliest_editable(today) <= day <= today


def date_problem(day: dt.date, today: dt.date) -> str | None:
    """Why `day` cannot be logged on `today`, in the patient's words; None when it can."""
    if day > today:
        return gettext("That date is in the future: you can log today or an earlier day.")
    if day < earliest_editable(today):
        return gettext(
            "You can fill in the last %(days)d days only (back to %(day)s); "
            "older entries stay as your clinician saw them."
        ) % {"days": EDIT_WINDOW_DAYS, "day": date_words(earliest_editable(today), "j F")}
    return None


class DayStatus(StrEnum):
    TAKEN = "taken"
    MISSED = "missed"  # logged, dose not taken although prescribed
    NOT_LOGGED = "not_logged"  # a past prescribed day with no entry
    LOGGED = "logged"  # an entry on a day with no dose prescribed (baseline, pause)
    NO_DOSE = "no_dose"  # nothing prescribed and nothing logged
    TO_DO = "to_do"  # today, not logged yet: the day is not over


STATUS_LABELS = {
    DayStatus.TAKEN: gettext_noop("dose taken"),
    DayStatus.MISSED: gettext_noop("dose missed"),
    DayStatus.NOT_LOGGED: gettext_noop("not logged"),
    DayStatus.LOGGED: gettext_noop("logged, no dose prescribed"),
    DayStatus.NO_DOSE: gettext_noop("no dose prescribed"),
    DayStatus.TO_DO: gettext_noop("not logged yet"),
}


def day_status(*, dose_taken: bool | None, prescribed: bool, is_today: bool) -> DayStatus:
    """`dose_taken` is None when the day has no entry. A dose taken on a day without a
    prescription still counts as taken: the patient's record of what happened wins."""
    if dose_taken is None:
        if is_today:
            return DayStatus.TO_DO
        return DayStatus.NOT_LOGGED if prescribed else DayStatus.NO_DOSE
    if dose_taken:
        return DayStatus.TAKEN
    return DayStatus.MISSED if prescribed else DayStatus.LOGGED


@dataclass(frozen=True)
class Day:
    date: dt.date
    status: DayStatus
    editable: bool

    @property
    def label(self) -> str:
        return gettext(STATUS_LABELS[self.status])

    @property
    def missed(self) -> bool:
        """A dose prescribed and logged as not taken (not taken on a day without one is no miss)."""
        return self.status is DayStatus.MISSED


def days_between(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    day = first
    while day <= last:
        yield day
        day += DAY


class EntryLike(Protocol):
    @property
    def entry_date(self) -> dt.date: ...
    @property
    def dose_taken(self) -> bool: ...


@dataclass(frozen=True)
class Diary:
    """One patient's schedule and entries around `today`, read once and asked many questions."""

    today: dt.date
    schedule: Schedule
    entries: Mapping[dt.date, EntryLike]

    def prescribed(self, day: dt.date) -> Dose | None:
        return self.schedule.prescribed(day)

    @property
    def next_step(self) -> Dose | None:
        return self.schedule.next_step(self.today)

    @property
    def first_dose(self) -> dt.date | None:
        return self.schedule.first_dose

    def in_baseline(self, day: dt.date) -> bool:
        """Before the first dose: symptoms logged now are the yardstick for "better"."""
        return self.schedule.before_first_dose(day)

    def day(self, date: dt.date) -> Day:
        entry = self.entries.get(date)
        status = day_status(
            dose_taken=None if entry is None else entry.dose_taken,
            prescribed=self.prescribed(date) is not None,
            is_today=date == self.today,
        )
        return Day(date, status, is_editable(date, self.today))

    def days(self, first: dt.date, last: dt.date) -> list[Day]:
        return [self.day(date) for date in days_between(first, last)]

    def adherence(self, days: int) -> AdherenceCount:
        """Doses taken out of doses prescribed in the last `days` days, as the schedule says,
        so the counts agree with the Today page across plans and pauses."""
        prescribed = self.schedule.prescribed_days(self.today - (days - 1) * DAY, self.today)
        taken = ((entry.entry_date, entry.dose_taken) for entry in self.entries.values())
        return count_adherence(taken, prescribed, self.today, days)


# --- months, for the history ----------------------------------------------------------------


MONTH_PATTERN = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})")


def month_of(day: dt.date) -> dt.date:
    """The first day of `day`'s month: how a month is named here."""
    return day.replace(day=1)


def months_after(month: dt.date, count: int) -> dt.date:
    """The first day of the month `count` months after `month` (before it when negative)."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def month_last_day(month: dt.date) -> dt.date:
    return months_after(month, 1) - DAY


def parse_month(raw: str) -> dt.date | None:
    """ "2026-03" → 1 March 2026; None for anything else (no day, no other spelling)."""
    match = MONTH_PATTERN.fullmatch(raw)
    if match is None:
        return None
    year, month = int(match["year"]), int(match["month"])
    return dt.date(year, month, 1) if year >= 1 and 1 <= month <= 12 else None


def month_weeks(month: dt.date) -> list[list[dt.date | None]]:
    """The month as calendar rows Monday–Sunday; None in the cells of other months."""
    last = month_last_day(month)
    monday = month - month.weekday() * DAY
    weeks = []
    while monday <= last:
        weeks.append(
            [day if day.month == month.month else None for day in days_between(monday, monday + 6 * DAY)]
        )
        monday += 7 * DAY
    return weeks
