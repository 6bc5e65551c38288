"""The patient's dose calendar as iCalendar (RFC 5545), for any phone calendar to remind them.

- One repeating event per run of days with one dose prescribed (`Schedule.runs`): daily (or
  every other day, from the run's first dose day) at the patient's own time for the step's
  timing (`ReminderChoices.dose_at`, the time their reminders use) in their time zone, from
  the run's first day to its last — a pause or the plan's end cuts a run — with an alarm at
  the time of the dose.
- One all-day event on each step's start date saying what changes.
- No name or other identifying detail: the address is private, but a calendar can be
  shared or synced to places the clinic does not control.
- Bounded work whatever is stored (the feed needs no login): only runs and steps from three
  years back to two years ahead, at most `FEED_MAX_EVENTS` of each kind, the nearest first.
  Calendar apps read the feed again every few hours, so later ones arrive in time.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from icalendar import Alarm, Calendar, Event

from journal.bounds import HORIZON_DAYS, SERIES_MAX_DAYS, DateWindow
from journal.reminders import ReminderChoices
from journal.schedule import DAY, Dose, Run, Schedule
from journal.wording import gettext as _

DOSE_EVENT_MINUTES = 15
FEED_MAX_EVENTS = 200  # of each kind: daily reminders, step changes


def feed_window(today: dt.date) -> DateWindow:
    return DateWindow(today - (SERIES_MAX_DAYS - 1) * DAY, today + HORIZON_DAYS * DAY)


def _dose_event(run: Run, at: dt.time, zone: zoneinfo.ZoneInfo, stamp: dt.datetime) -> Event:
    dose = run.dose
    start = dt.datetime.combine(run.first, at, tzinfo=zone)
    event = Event()
    event.add("uid", f"ldn-dose-{dose.plan_id}-{dose.start_date:%Y%m%d}-{run.first:%Y%m%d}@ldnjournal")
    event.add("dtstamp", stamp)
    event.add("summary", _("Take LDN: %(dose)s") % {"dose": dose.measured_phrase})
    event.add("description", _("Then log today's entry in LDN Journal."))
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=DOSE_EVENT_MINUTES))
    rule: dict[str, object] = {"freq": "daily"}
    if run.dose.interval_days > 1:
        rule["interval"] = run.dose.interval_days
    if run.dose_count is not None:
        rule["count"] = run.dose_count
    event.add("rrule", rule)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _("Time for your LDN: %(dose)s") % {"dose": dose.measured_phrase})
    alarm.add("trigger", dt.timedelta(0))
    event.add_component(alarm)
    return event


def _change_event(dose: Dose, taken_from: dt.date, first: bool, stamp: dt.datetime) -> Event:
    """An all-day note on the first day the step is taken (after a pause that covers its
    start, not on a day without LDN)."""
    event = Event()
    event.add("uid", f"ldn-step-{dose.plan_id}-{dose.start_date:%Y%m%d}@ldnjournal")
    event.add("dtstamp", stamp)
    summary = _("Start LDN: %(dose)s") if first else _("New LDN dose: %(dose)s")
    event.add("summary", summary % {"dose": dose.measured_phrase})
    event.add("dtstart", taken_from)
    event.add("dtend", taken_from + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    return event


def dose_calendar(schedule: Schedule, choices: ReminderChoices, now: dt.datetime) -> bytes:
    """The feed for one patient's schedule, at their times (`choices`: their time zone and
    the times they take their doses)."""
    time_zone = choices.time_zone
    zone = zoneinfo.ZoneInfo(time_zone)
    calendar = Calendar()
    calendar.add("prodid", "-//LDN Journal//Dose calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("LDN doses"))
    calendar.add("x-wr-timezone", time_zone)
    shown = feed_window(now.astimezone(zone).date())
    runs = [
        run
        for run in schedule.runs
        if run.first <= shown.last and (run.last is None or run.last >= shown.first)
    ]
    for run in runs[:FEED_MAX_EVENTS]:
        calendar.add_component(_dose_event(run, choices.dose_at(run.dose.timing), zone, now))
    changes = [
        (index, dose, taken_from)
        for index, dose in enumerate(schedule.effective)
        if (taken_from := schedule.first_day_taken(dose)) is not None and taken_from in shown
    ]
    for index, dose, taken_from in changes[:FEED_MAX_EVENTS]:
        calendar.add_component(_change_event(dose, taken_from, index == 0, now))
    calendar.add_missing_timezones()
    feed: bytes = calendar.to_ical()
    return feed
