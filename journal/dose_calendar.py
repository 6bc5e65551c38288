"""The patient's dose calendar as iCalendar (RFC 5545), for any phone calendar to remind them.

- One repeating event per dose step: daily at the step's timing in the patient's time zone
  (bedtime 22:00, morning 08:00), from the step's start until the day before the next step
  or the plan's end, skipping paused days, with an alarm at the time of the dose.
- One all-day event on each step's start date saying what changes.
- No name or other identifying detail: the address is private, but a calendar can be
  shared or synced to places the clinic does not control.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence

from icalendar import Alarm, Calendar, Event

from journal.diary import days_between
from journal.titration import PausePeriod, ScheduledStep, format_mg, measured_amount

REMINDER_TIMES = {"bedtime": dt.time(22, 0), "morning": dt.time(8, 0)}
TIMING_WORDS = {"bedtime": "at bedtime", "morning": "in the morning"}
DOSE_EVENT_MINUTES = 15


def _dose_text(step: ScheduledStep) -> str:
    """ "3 mg at bedtime", or with the amount to measure "1.5 mL = 1.5 mg at bedtime"."""
    amount = measured_amount(step.dose_mg, step.form, step.strength_mg) or f"{format_mg(step.dose_mg)} mg"
    return f"{amount} {TIMING_WORDS.get(step.timing, step.timing)}"


def _step_end(step: ScheduledStep, schedule: Sequence[ScheduledStep]) -> dt.date | None:
    """The first day the step is no longer taken: the next step's start or the plan's end."""
    ends = [later.start_date for later in schedule if later.start_date > step.start_date]
    if step.plan_ends_on:
        ends.append(step.plan_ends_on)
    return min(ends, default=None)


def _dose_event(step: ScheduledStep, end: dt.date | None, paused: set[dt.date], zone: zoneinfo.ZoneInfo,
                stamp: dt.datetime) -> Event:
    at = REMINDER_TIMES.get(step.timing, REMINDER_TIMES["bedtime"])
    start = dt.datetime.combine(step.start_date, at, tzinfo=zone)
    event = Event()
    event.add("uid", f"ldn-dose-{step.plan_id}-{step.start_date:%Y%m%d}@ldnjournal")
    event.add("dtstamp", stamp)
    event.add("summary", f"Take LDN: {_dose_text(step)}")
    event.add("description", "Then log today's entry in LDN Journal.")
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=DOSE_EVENT_MINUTES))
    rule = {"freq": "daily"}
    if end is not None:
        rule["count"] = (end - step.start_date).days
    event.add("rrule", rule)
    skipped = sorted(day for day in paused if step.start_date <= day and (end is None or day < end))
    if skipped:
        event.add("exdate", [dt.datetime.combine(day, at, tzinfo=zone) for day in skipped])
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Time for your LDN: {_dose_text(step)}")
    alarm.add("trigger", dt.timedelta(0))
    event.add_component(alarm)
    return event


def _change_event(step: ScheduledStep, first: bool, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"ldn-step-{step.plan_id}-{step.start_date:%Y%m%d}@ldnjournal")
    event.add("dtstamp", stamp)
    event.add("summary", f"{'Start LDN' if first else 'New LDN dose'}: {_dose_text(step)}")
    event.add("dtstart", step.start_date)
    event.add("dtend", step.start_date + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    return event


def dose_calendar(schedule: Sequence[ScheduledStep], pauses: Iterable[PausePeriod], time_zone: str,
                  now: dt.datetime) -> bytes:
    """The feed for one patient's prescribed (non-draft) steps, in date order."""
    zone = zoneinfo.ZoneInfo(time_zone)
    paused = {day for pause in pauses for day in days_between(pause.start_date, pause.end_date)}
    calendar = Calendar()
    calendar.add("prodid", "-//LDN Journal//Dose calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "LDN doses")
    calendar.add("x-wr-timezone", time_zone)
    for index, step in enumerate(schedule):
        end = _step_end(step, schedule)
        if end is not None and end <= step.start_date:
            continue
        calendar.add_component(_dose_event(step, end, paused, zone, now))
        calendar.add_component(_change_event(step, index == 0, now))
    calendar.add_missing_timezones()
    return calendar.to_ical()
