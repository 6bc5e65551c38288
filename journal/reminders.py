"""Reminders the patient sets: which are due in a stretch of time, in the patient's own zone.

Four kinds, each opt-in (`ReminderChoices`):
- the dose reminder, at the patient's time for the timing the schedule prescribes that day
  (bedtime or morning: when the plan's timing changes, the reminder follows it); none on a day
  with nothing prescribed (before the first dose, a pause, after the plan's end);
- the "not logged yet" nudge, at its time, unless that day's entry exists;
- the day-before notice of a step (a change of dose or timing), at the notice time;
- the refill reminder, at the notice time, once per counted supply, when `days_left` is at or
  under the patient's warning.

Nothing is due inside the quiet hours. A reminder's text is what a lock screen may show: no
dose, no condition, no name (push messages pass through the browser maker's push service).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from enum import StrEnum

from journal.bounds import supply_window
from journal.schedule import DAY, Schedule
from journal.wording import gettext as _
from journal.wording import gettext_noop

# A reminder due this long ago and not yet sent (a worker restarted, a slow beat) is still
# sent; an older one is not: a dose reminder hours late would mislead.
SEND_LATE_AT_MOST = dt.timedelta(minutes=15)


class Kind(StrEnum):
    DOSE = "dose"
    NUDGE = "nudge"
    STEP = "step"
    REFILL = "refill"


# In the language active when the occasions are found: the patient's (journal.services.reminders).
DOSE_TEXTS = {
    "bedtime": gettext_noop("Time for your bedtime LDN dose."),
    "morning": gettext_noop("Time for your morning LDN dose."),
    "evening": gettext_noop("Time to apply your evening LDN dose."),
}
TEXTS = {
    Kind.NUDGE: gettext_noop("You have not logged today yet: it takes 30 seconds."),
    Kind.STEP: gettext_noop("Your LDN plan changes tomorrow: open LDN Journal to see the new step."),
    Kind.REFILL: gettext_noop("Your LDN supply is running low: time to order more."),
}
TITLE = "LDN Journal"


@dataclass(frozen=True)
class ReminderChoices:
    """What the patient chose. Times are the patient's local wall-clock times."""

    time_zone: str = "UTC"
    dose_on: bool = False
    bedtime_at: dt.time = dt.time(22, 0)
    morning_at: dt.time = dt.time(8, 0)
    nudge_on: bool = False
    nudge_at: dt.time = dt.time(20, 30)
    step_on: bool = False
    refill_on: bool = False
    notice_at: dt.time = dt.time(18, 0)
    supply_doses: int | None = None
    supply_counted_on: dt.date | None = None
    refill_days: int = 7
    quiet_from: dt.time | None = None
    quiet_until: dt.time | None = None

    def dose_at(self, timing: str) -> dt.time:
        """When the patient takes a dose of `timing`, at their own times: a morning dose at
        their morning time, a bedtime dose or an evening application at their bedtime. The push
        and e-mail reminders and the calendar feed's alarms all ring then."""
        return self.morning_at if timing == "morning" else self.bedtime_at

    @property
    def times(self) -> tuple[dt.time, ...]:
        """Every time of day at which one of the chosen reminders may be due."""
        times = []
        if self.dose_on:
            times += [self.bedtime_at, self.morning_at]
        if self.nudge_on:
            times.append(self.nudge_at)
        if self.step_on or self.refill_on:
            times.append(self.notice_at)
        return tuple(times)

    def quiet_at(self, at: dt.time) -> bool:
        return in_quiet_hours(at, self.quiet_from, self.quiet_until)


@dataclass(frozen=True)
class Occasion:
    """One reminder to send: its kind, the date it is about (the day of the dose or nudge, the
    step's first day, the supply's count date: sent once per kind and date), when it is due
    (aware) and its text."""

    kind: Kind
    day: dt.date
    due_at: dt.datetime
    text: str


def in_quiet_hours(at: dt.time, quiet_from: dt.time | None, quiet_until: dt.time | None) -> bool:
    """Whether `at` lies in the quiet hours from `quiet_from` up to (not including)
    `quiet_until`; they may run past midnight (22:00 to 07:00). None, or equal ends: no quiet hours."""
    if quiet_from is None or quiet_until is None or quiet_from == quiet_until:
        return False
    if quiet_from < quiet_until:
        return quiet_from <= at < quiet_until
    return at >= quiet_from or at < quiet_until


def choice_problems(choices: ReminderChoices, today: dt.date) -> dict[str, str]:
    """What is wrong with the patient's choices on their local date `today`, by field."""
    problems = {}
    quiet = f"{_hm(choices.quiet_from)}–{_hm(choices.quiet_until)}"
    timed = (
        (choices.dose_on, "bedtime_at", choices.bedtime_at),
        (choices.dose_on, "morning_at", choices.morning_at),
        (choices.nudge_on, "nudge_at", choices.nudge_at),
        (choices.step_on or choices.refill_on, "notice_at", choices.notice_at),
    )
    for on, field, at in timed:
        if on and choices.quiet_at(at):
            problems[field] = _(
                "%(time)s is inside your quiet hours (%(quiet)s), when nothing is sent: "
                "choose another time or change the quiet hours."
            ) % {"time": _hm(at), "quiet": quiet}
    if (choices.quiet_from is None) != (choices.quiet_until is None):
        problems["quiet_until"] = _("Give both ends of the quiet hours, or neither.")
    if (choices.supply_doses is None) != (choices.supply_counted_on is None):
        problems["supply_counted_on"] = _(
            "Give both how many doses you have and the day you counted them, or neither."
        )
    elif choices.supply_counted_on is not None and (
        problem := supply_window(today).problem(choices.supply_counted_on, _("The day you counted"))
    ):
        problems["supply_counted_on"] = problem
    if choices.refill_on and choices.supply_doses is None:
        problems["refill_on"] = _(
            "Count the doses you have first: the refill reminder counts down from them."
        )
    return problems


def _hm(at: dt.time | None) -> str:
    return f"{at:%H:%M}" if at is not None else "?"


def days_left(schedule: Schedule, *, doses_on_hand: int, counted_on: dt.date, today: dt.date) -> int:
    """Days from today until the doses on hand run out (today's dose included): `doses_on_hand`
    counted on `counted_on`, before that day's dose, less one for each day the schedule
    prescribed since, up to yesterday; each prescribed day ahead then uses one, so an
    every-other-day step makes them last twice as many days and a pause ahead longer. Days
    ahead are counted up to two per dose and the paused days (a plan that ends first leaves
    doses over: the count stops there, and a warning comes early rather than late). Never below 0."""
    used = len(schedule.prescribed_days(counted_on, today - DAY)) if counted_on < today else 0
    left = max(doses_on_hand - used, 0)
    paused = sum(
        (p.end_date - max(p.start_date, today)).days + 1 for p in schedule.pauses if p.end_date >= today
    )
    horizon = 2 * left + 1 + paused
    ahead = sorted(schedule.prescribed_days(today, today + horizon * DAY))
    return (ahead[left] - today).days if left < len(ahead) else horizon


def is_supply_low(choices: ReminderChoices, schedule: Schedule, today: dt.date) -> bool:
    if choices.supply_doses is None or choices.supply_counted_on is None:
        return False
    left = days_left(
        schedule, doses_on_hand=choices.supply_doses, counted_on=choices.supply_counted_on, today=today
    )
    return left <= choices.refill_days


def may_be_due(choices: ReminderChoices, start: dt.datetime, end: dt.datetime) -> bool:
    """Whether any chosen reminder time falls after `start` and up to `end` (aware), before
    the schedule is read: the pass reads schedules only for these patients."""
    zone = zoneinfo.ZoneInfo(choices.time_zone)
    return any(
        start < _at(day, at, zone) <= end for day in _local_days(start, end, zone) for at in choices.times
    )


def due_occasions(
    choices: ReminderChoices,
    schedule: Schedule,
    *,
    logged_days: frozenset[dt.date],
    start: dt.datetime,
    end: dt.datetime,
) -> list[Occasion]:
    """The reminders due after `start` and up to `end` (aware; a stretch shorter than a day).
    `logged_days` holds the patient's entry dates among the local dates of the stretch."""
    zone = zoneinfo.ZoneInfo(choices.time_zone)
    found = []
    for day in _local_days(start, end, zone):
        for kind, occasion_day, at, text in _candidates(choices, schedule, day, logged_days):
            due_at = _at(day, at, zone)
            if start < due_at <= end and not choices.quiet_at(at):
                found.append(Occasion(kind, occasion_day, due_at, text))
    return found


def _candidates(
    choices: ReminderChoices, schedule: Schedule, day: dt.date, logged_days: frozenset[dt.date]
) -> list[tuple[Kind, dt.date, dt.time, str]]:
    """The reminders the patient chose that apply on local `day`: (kind, occasion's date, time, text)."""
    found = []
    dose = schedule.prescribed(day) if choices.dose_on else None
    if dose is not None:
        found.append(
            (
                Kind.DOSE,
                day,
                choices.dose_at(dose.timing),
                _(DOSE_TEXTS.get(dose.timing, DOSE_TEXTS["bedtime"])),
            )
        )
    if choices.nudge_on and day not in logged_days:
        found.append((Kind.NUDGE, day, choices.nudge_at, _(TEXTS[Kind.NUDGE])))
    step = schedule.next_step(day) if choices.step_on else None
    if step is not None and step.start_date == day + DAY:
        found.append((Kind.STEP, step.start_date, choices.notice_at, _(TEXTS[Kind.STEP])))
    if choices.refill_on and choices.supply_counted_on and is_supply_low(choices, schedule, day):
        found.append((Kind.REFILL, choices.supply_counted_on, choices.notice_at, _(TEXTS[Kind.REFILL])))
    return found


def _local_days(start: dt.datetime, end: dt.datetime, zone: zoneinfo.ZoneInfo) -> list[dt.date]:
    first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    return [first + offset * DAY for offset in range((last - first).days + 1)]


def _at(day: dt.date, at: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The moment of wall-clock `at` on `day` in `zone`. A time the clocks skip (02:30 when they
    jump to 03:00) comes out an hour later on the wall clock; a time they pass twice is the
    first pass (fold 0), so the reminder is due once either way."""
    return dt.datetime.combine(day, at, tzinfo=zone).astimezone(dt.UTC)
