"""The dose calendar (journal.dose_calendar): one repeating event per run of days, at the
dose's time in the patient's zone with an alarm, one all-day event per step, and nothing
that names the patient. Plain Python: the feed's URL, token and headers are in
tests/test_patient_pages.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from icalendar import Calendar

from journal.dose_calendar import DOSE_EVENT_MINUTES, dose_calendar
from journal.reminders import Kind, ReminderChoices, due_occasions
from journal.schedule import PausePeriod, PlannedStep, PlanRecord, Schedule

D = dt.date
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
# 1.5 mg from 1 March, 3 mg from 15 March, 4.5 mg in the morning from 1 April; a pause on
# 20–21 March; the plan ends on 1 May.
SCHEDULE = Schedule(
    [
        PlanRecord(
            7,
            (
                PlannedStep(D(2026, 3, 1), Decimal("1.5")),
                PlannedStep(D(2026, 3, 15), Decimal("3")),
                PlannedStep(D(2026, 4, 1), Decimal("4.5"), "morning"),
            ),
            ended_on=D(2026, 5, 1),
        )
    ],
    [PausePeriod(D(2026, 3, 20), D(2026, 3, 21), "surgery")],
)


def feed(
    schedule: Schedule = SCHEDULE, zone: str = "Europe/London", choices: ReminderChoices | None = None
) -> Calendar:
    return Calendar.from_ical(dose_calendar(schedule, choices or ReminderChoices(time_zone=zone), NOW))


def dose_events(calendar: Calendar) -> list:
    return [event for event in calendar.walk("VEVENT") if event.get("rrule")]


def change_events(calendar: Calendar) -> list:
    return [event for event in calendar.walk("VEVENT") if not event.get("rrule")]


def test_one_daily_event_per_run_of_days_cut_by_the_pause_and_the_plans_end():
    events = dose_events(feed())
    assert [str(event["summary"]) for event in events] == [
        "Take LDN: 1.5 mg at bedtime",
        "Take LDN: 3 mg at bedtime",
        "Take LDN: 3 mg at bedtime",
        "Take LDN: 4.5 mg in the morning",
    ]
    # 1–14 March, 15–19 March, 22–31 March, 1–30 April: each a count of days
    assert [event["rrule"]["COUNT"] for event in events] == [[14], [5], [10], [30]]
    assert [event["rrule"]["FREQ"] for event in events] == [["DAILY"]] * 4


def test_a_run_until_further_notice_repeats_without_a_count():
    open_ended = Schedule([PlanRecord(1, (PlannedStep(D(2026, 3, 1), Decimal("1.5")),))])
    (event,) = dose_events(feed(open_ended))
    assert "COUNT" not in event["rrule"]


def test_doses_are_at_bedtime_or_in_the_morning_in_the_patients_zone():
    starts = [event.decoded("dtstart") for event in dose_events(feed(zone="Pacific/Auckland"))]
    assert [(start.date(), start.hour, start.minute) for start in starts] == [
        (D(2026, 3, 1), 22, 0),
        (D(2026, 3, 15), 22, 0),
        (D(2026, 3, 22), 22, 0),
        (D(2026, 4, 1), 8, 0),
    ]
    assert {str(start.tzinfo) for start in starts} == {"Pacific/Auckland"}


def test_each_dose_event_is_short_and_has_an_alarm_at_the_dose():
    for event in dose_events(feed()):
        length = event.decoded("dtend") - event.decoded("dtstart")
        assert length == dt.timedelta(minutes=DOSE_EVENT_MINUTES)
        (alarm,) = event.walk("VALARM")
        assert alarm.decoded("trigger") == dt.timedelta(0)
        assert str(alarm["description"]) == f"Time for your LDN: {str(event['summary'])[len('Take LDN: ') :]}"


def test_one_all_day_event_per_step_the_first_a_start():
    events = change_events(feed())
    assert [(event.decoded("dtstart"), str(event["summary"])) for event in events] == [
        (D(2026, 3, 1), "Start LDN: 1.5 mg at bedtime"),
        (D(2026, 3, 15), "New LDN dose: 3 mg at bedtime"),
        (D(2026, 4, 1), "New LDN dose: 4.5 mg in the morning"),
    ]
    assert [event.decoded("dtend") - event.decoded("dtstart") for event in events] == [
        dt.timedelta(days=1)
    ] * 3
    assert {str(event["transp"]) for event in events} == {"TRANSPARENT"}


def test_a_step_whose_start_a_pause_covers_is_noted_on_its_first_dose_day():
    """The 3 mg step starts on 15 March inside a pause of 14–16 March: its note is on 17 March,
    not on a day without LDN; a step a pause covers to its end has none."""
    paused = Schedule(
        SCHEDULE.plans,
        [
            PausePeriod(D(2026, 3, 14), D(2026, 3, 16), "surgery"),
            PausePeriod(D(2026, 4, 1), D(2026, 4, 30), "trip"),
        ],
    )
    events = change_events(feed(paused))
    assert [(event.decoded("dtstart"), str(event["summary"])) for event in events] == [
        (D(2026, 3, 1), "Start LDN: 1.5 mg at bedtime"),
        (D(2026, 3, 17), "New LDN dose: 3 mg at bedtime"),
    ]


def test_the_amount_to_measure_is_in_the_reminder():
    liquid = Schedule(
        [
            PlanRecord(
                1, (PlannedStep(D(2026, 3, 1), Decimal("1.5")),), form="liquid", strength_mg=Decimal("1")
            )
        ]
    )
    (event,) = dose_events(feed(liquid))
    assert str(event["summary"]) == "Take LDN: 1.5 mL = 1.5 mg at bedtime"


def test_uids_stay_put_from_one_fetch_to_the_next():
    first = [str(event["uid"]) for event in feed().walk("VEVENT")]
    again = [str(event["uid"]) for event in feed().walk("VEVENT")]
    assert first == again
    assert len(set(first)) == len(first)
    assert first[0] == "ldn-dose-7-20260301-20260301@ldnjournal"


def test_the_calendar_is_named_for_doses_and_carries_the_patients_zone():
    # The feed is built from the schedule and the zone alone: nothing identifies the patient.
    calendar = feed(zone="Pacific/Auckland")
    assert str(calendar["x-wr-calname"]) == "LDN doses"
    assert str(calendar["x-wr-timezone"]) == "Pacific/Auckland"
    assert [str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")] == ["Pacific/Auckland"]


def test_no_plan_no_events():
    assert feed(Schedule()).walk("VEVENT") == []


def test_the_feed_holds_at_most_200_runs_and_200_steps_from_three_years_back_to_two_ahead():
    steps = tuple(
        PlannedStep(D(2020, 1, 1) + n * dt.timedelta(days=1), Decimal(1 + n % 2)) for n in range(5000)
    )
    calendar = feed(Schedule([PlanRecord(1, steps)]))
    runs, changes = dose_events(calendar), change_events(calendar)
    assert (len(runs), len(changes)) == (200, 200)
    first_shown = D(2023, 3, 11)  # three years before 10 March 2026, that day included
    assert min(event.decoded("dtstart").date() for event in runs) == first_shown
    assert min(event.decoded("dtstart") for event in changes) == first_shown


def test_an_every_other_day_step_repeats_every_second_day_from_its_first_dose_day():
    """1.5 mg every other day from 2 March to 15 March, paused 6–8 March: doses on 2 and 4
    March, then on 10, 12 and 14 March (counted from the step's start, not the pause's end)."""
    schedule = Schedule(
        [
            PlanRecord(
                8,
                (
                    PlannedStep(D(2026, 3, 2), Decimal("1.5"), frequency="every_other_day"),
                    PlannedStep(D(2026, 3, 16), Decimal("3")),
                ),
                ended_on=D(2026, 4, 1),
            )
        ],
        [PausePeriod(D(2026, 3, 6), D(2026, 3, 8), "surgery")],
    )
    events = dose_events(feed(schedule))
    eod = [event for event in events if "every other day" in str(event["summary"])]
    assert [str(event["summary"]) for event in eod] == ["Take LDN: 1.5 mg every other day at bedtime"] * 2
    assert [event["dtstart"].dt.date() for event in eod] == [D(2026, 3, 2), D(2026, 3, 10)]
    assert [event["rrule"]["INTERVAL"] for event in eod] == [[2], [2]]
    assert [event["rrule"]["COUNT"] for event in eod] == [[2], [3]]


def test_a_cream_applied_in_the_evening_is_in_the_feed_at_the_patients_bedtime():
    """22:00 unless the patient chose another bedtime, when their evening reminder rings too."""
    cream = Schedule(
        [
            PlanRecord(
                1,
                (PlannedStep(D(2026, 3, 1), Decimal("1"), "evening"),),
                form="cream",
                strength_mg=Decimal("0.5"),
            )
        ]
    )
    (event,) = dose_events(feed(cream))
    start = event.decoded("dtstart")
    assert (start.date(), start.hour, start.minute) == (D(2026, 3, 1), 22, 0)
    assert str(event["summary"]) == "Take LDN: 2 clicks = 1 mg in the evening"


def test_doses_ring_at_the_patients_own_times_as_their_reminders_do():
    """A patient who goes to bed at 21:00 and wakes at 6:30, applying a cream in the evening:
    the calendar's alarms ring when their dose reminders are due (`ReminderChoices.dose_at`)."""
    evening = Schedule(
        [
            PlanRecord(
                3,
                (
                    PlannedStep(D(2026, 3, 1), Decimal("1.5")),
                    PlannedStep(D(2026, 3, 15), Decimal("3"), "evening"),
                    PlannedStep(D(2026, 4, 1), Decimal("3"), "morning"),
                ),
            )
        ]
    )
    choices = ReminderChoices(
        time_zone="Europe/London", dose_on=True, bedtime_at=dt.time(21, 0), morning_at=dt.time(6, 30)
    )
    starts = [event.decoded("dtstart") for event in dose_events(feed(evening, choices=choices))]
    assert [(start.date(), start.time()) for start in starts] == [
        (D(2026, 3, 1), dt.time(21, 0)),
        (D(2026, 3, 15), dt.time(21, 0)),
        (D(2026, 4, 1), dt.time(6, 30)),
    ]
    for start in starts:
        first_day = dt.datetime.combine(start.date(), dt.time(), tzinfo=start.tzinfo)
        (reminder,) = [
            occasion
            for occasion in due_occasions(
                choices,
                evening,
                logged_days=frozenset(),
                start=first_day,
                end=first_day + dt.timedelta(hours=23),
            )
            if occasion.kind is Kind.DOSE
        ]
        assert reminder.due_at == start
