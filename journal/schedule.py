"""A patient's schedule: what is prescribed on every day, computed once.

Built from the patient's plans (each a run of dated dose steps, and perhaps an end date)
and their LDN pauses, a `Schedule` answers every question about the prescription: the
dose and timing on a day, the step in force and the next one, each step's state, the first
dose, the day on LDN, the prescribed days in a range and the phase. Every page, export,
calendar feed, advice rule and the demo data ask it; nothing else works this out.

The rules:
- A step is in force from its start date until the next step starts (in any plan: a later
  plan takes over) or its plan ends (`ended_on`, the first day with nothing prescribed).
- Nothing is prescribed on a paused day; the step stays in force underneath the pause.
- Plans do not overlap (the database and the plan services refuse it); should old rows
  overlap anyway, the later start wins, so every day still has one answer.
- Every date is read within `journal.bounds.TREATMENT_SPAN` (2000 to 2099): a row stored
  with an absurd date (year 1, year 9999) counts from the span's nearest edge, so no date
  sum leaves the calendar (`journal.bounds.record_problems` names such rows).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from journal.bounds import END_SPAN, TREATMENT_SPAN
from journal.measuring import Measurement, measure, patient_amount
from journal.vocabulary import DOSE_QUESTIONS, DoseQuestions, dose_phrase, timing_words
from journal.wording import date_words, gettext_noop
from journal.wording import gettext as _

DAY = dt.timedelta(days=1)  # one calendar day, for every date sum in the app

SUPPLY_HORIZON_DAYS = 3 * 366  # a supply is counted at most this far: no supply lasts longer

DAILY = "daily"
EVERY_OTHER_DAY = "every_other_day"
# How many days apart the doses of a step fall, counted from the step's start date.
DOSE_INTERVAL_DAYS = {DAILY: 1, EVERY_OTHER_DAY: 2}


@dataclass(frozen=True)
class PlannedStep:
    """A dose step as the clinician wrote it."""

    start_date: dt.date
    dose_mg: Decimal
    timing: str = "bedtime"
    note: str = ""
    step_id: int | None = None
    frequency: str = DAILY


@dataclass(frozen=True)
class PlanRecord:
    """One prescribed (non-draft) plan as plain data; plans are given oldest first."""

    plan_id: int
    steps: tuple[PlannedStep, ...] = ()
    form: str = "capsule"
    strength_mg: Decimal | None = None
    ended_on: dt.date | None = None  # the first day with nothing prescribed
    release: str = "immediate"  # or "slow" (journal.compounding)
    filler: str = ""  # "" when not recorded
    supply: Supply | None = None  # what the pharmacy dispensed for it, when recorded


@dataclass(frozen=True)
class Supply:
    """What the pharmacy dispensed for a plan: `quantity` in the form's unit (capsules, mL,
    clicks; doses when the form has nothing to count) on `dispensed_on`."""

    dispensed_on: dt.date
    quantity: Decimal
    pharmacy: str = ""


@dataclass(frozen=True)
class PausePeriod:
    start_date: dt.date
    end_date: dt.date  # the last paused day
    reason: str = ""
    pause_id: int | None = None
    recorded_on: dt.date | None = None  # the patient's local date the pause was recorded
    late_reason: str = ""  # why a pause begun before `recorded_on` was recorded afterwards

    def covers(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date


@dataclass(frozen=True)
class Dose:
    """One step placed in the schedule: in force from `start_date` until the day before
    `until` (None: until further notice)."""

    start_date: dt.date
    until: dt.date | None
    dose_mg: Decimal
    timing: str
    plan_id: int
    form: str = "capsule"
    strength_mg: Decimal | None = None
    note: str = ""
    step_id: int | None = None
    plan_ends_on: dt.date | None = None
    frequency: str = DAILY
    release: str = "immediate"
    filler: str = ""

    @property
    def interval_days(self) -> int:
        return DOSE_INTERVAL_DAYS.get(self.frequency, 1)

    def due_on(self, day: dt.date) -> bool:
        """Whether `day` is one of the step's dose days (every day, or every other day
        counted from the step's start date). Says nothing of pauses or the step's end."""
        return (day - self.start_date).days % self.interval_days == 0

    def first_due(self, day: dt.date) -> dt.date:
        """The first dose day of the step on or after `day`."""
        return day + (-(day - self.start_date).days % self.interval_days) * DAY

    def last_due(self, day: dt.date) -> dt.date:
        """The last dose day of the step on or before `day`."""
        return day - ((day - self.start_date).days % self.interval_days) * DAY

    @property
    def takes_effect(self) -> bool:
        """False for a step that a later step or its plan's end replaced before it began."""
        return self.until is None or self.until > self.start_date

    def in_force_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.until is None or day < self.until)

    @property
    def ended_by_plan(self) -> bool:
        """The step runs until its plan ends (it is the plan's last step in force)."""
        return self.until is not None and self.until == self.plan_ends_on

    @property
    def phrase(self) -> str:
        return dose_phrase(self.dose_mg, self.timing, self.frequency)

    @property
    def measured_phrase(self) -> str:
        """ "3 mg at bedtime", or with the amount to measure "1.5 mL = 1.5 mg at bedtime"."""
        measured = self.measurement
        if measured is None or measured.instruction is None:
            return self.phrase
        return _("%(amount)s %(timing)s") % {
            "amount": measured.instruction,
            "timing": timing_words(self.timing, self.frequency),
        }

    @property
    def applied_to_skin(self) -> bool:
        """A topical cream: applied in the evening rather than swallowed [003, 004]."""
        return self.form in ("cream", "cream_ml")

    @property
    def questions(self) -> DoseQuestions:
        """How the diary asks about this dose: taken, or applied to the skin."""
        return DOSE_QUESTIONS[self.applied_to_skin]

    @property
    def measurement(self) -> Measurement | None:
        return measure(self.dose_mg, self.form, self.strength_mg)

    @property
    def instruction(self) -> str | None:
        """ "2 capsules = 3 mg" when the amount is exactly the dose, else None."""
        measured = self.measurement
        return measured.instruction if measured else None

    @property
    def ask_pharmacist(self) -> bool:
        """The form has an amount to measure, but not exactly this dose."""
        measured = self.measurement
        return measured is not None and not measured.exact

    @property
    def amount(self) -> str | None:
        """What the patient measures: "2 capsules = 3 mg", or the mg with "ask your pharmacist"."""
        return patient_amount(self.dose_mg, self.form, self.strength_mg)


class StepState(StrEnum):
    PAST = "past"
    NOW = "now"
    PAUSED = "paused"
    UPCOMING = "upcoming"
    ENDED = "ended"  # the plan ended while this step was in force
    REPLACED = "replaced"  # never took effect: a later step or the plan's end came first

    @property
    def label(self) -> str:
        return _(STEP_STATE_LABELS[self])

    @property
    def style(self) -> str:
        return STEP_STATE_STYLES.get(self, "")


STEP_STATE_LABELS: dict[StepState, str] = {
    StepState.PAST: gettext_noop("past"),
    StepState.NOW: gettext_noop("now"),
    StepState.PAUSED: gettext_noop("paused today"),
    StepState.UPCOMING: gettext_noop("upcoming"),
    StepState.ENDED: gettext_noop("plan ended"),
    StepState.REPLACED: gettext_noop("not taken up"),
}


STEP_STATE_STYLES = {StepState.NOW: "ok", StepState.PAUSED: "warn", StepState.ENDED: "warn"}


@dataclass(frozen=True)
class StepRow:
    dose: Dose
    state: StepState

    @property
    def editable(self) -> bool:
        """Only a step still ahead is changed in place; started steps are history."""
        return self.state is StepState.UPCOMING


class DayDoses(NamedTuple):
    """What `Schedule.each_day` answers for one day."""

    prescribed: Dose | None
    step: Dose | None
    pause: PausePeriod | None


@dataclass(frozen=True)
class Run:
    """Days on which one dose is prescribed without a break: `first` to `last` inclusive
    (`last` None: until further notice), every day or every other day as the step says;
    `first` and `last` are dose days."""

    dose: Dose
    first: dt.date
    last: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return self.first <= day and (self.last is None or day <= self.last) and self.dose.due_on(day)

    def days(self, first: dt.date, last: dt.date) -> list[dt.date]:
        """The run's dose days from `first` to `last`."""
        start = self.dose.first_due(max(self.first, first))
        end = last if self.last is None else min(self.last, last)
        return [start + offset * DAY for offset in range(0, (end - start).days + 1, self.dose.interval_days)]

    @property
    def dose_count(self) -> int | None:
        """How many doses the run holds (None: until further notice)."""
        if self.last is None:
            return None
        return (self.last - self.first).days // self.dose.interval_days + 1


PHASES = ("baseline", "titrating", "maintenance", "paused", "ended")
PHASE_STYLES = {"maintenance": "ok", "paused": "warn"}  # the badge a phase is shown with
PHASE_WORDS = {
    "baseline": gettext_noop("baseline"),
    "titrating": gettext_noop("titrating"),
    "maintenance": gettext_noop("maintenance"),
    "paused": gettext_noop("paused"),
    "ended": gettext_noop("ended"),
}


@dataclass(frozen=True)
class DayPrescription:
    """What is prescribed on one day, and why nothing is when nothing is:
    - dose: a dose is prescribed;
    - baseline: no dose yet (`first_dose` ahead, or no plan at all);
    - paused: a pause covers the day (`resumes_on`: the first dose day after it, if any);
    - off_day: a step taken every other day is in force, and this is a day without
      (`step` is that step, `next_due` its next dose day);
    - between: nothing now, a later plan starts on `next_dose.start_date`;
    - ended: the last plan has ended (`ended_on`)."""

    day: dt.date
    kind: str
    dose: Dose | None = None
    pause: PausePeriod | None = None
    first_dose: dt.date | None = None
    next_dose: Dose | None = None
    ended_on: dt.date | None = None
    step: Dose | None = None
    next_due: dt.date | None = None
    resumes_on: dt.date | None = None
    resumes_with: Dose | None = None  # the dose prescribed on `resumes_on`

    @property
    def words(self) -> str:
        """The clinician's words for the day: "3 mg at bedtime", "paused until 4 Mar 2027 (surgery)"."""
        if self.dose is not None:
            return self.dose.phrase
        if self.step is not None:
            if self.next_due is None:
                return _("%(dose)s — no dose today") % {"dose": self.step.phrase}
            return _("%(dose)s — no dose today, the next on %(day)s") % {
                "dose": self.step.phrase,
                "day": _day(self.next_due),
            }
        if self.pause is not None:
            return _("paused until %(day)s (%(reason)s)") % {
                "day": _day(self.pause.end_date),
                "reason": self.pause.reason,
            }
        if self.kind == "baseline":
            if self.first_dose:
                return _("baseline — first dose %(day)s") % {"day": _day(self.first_dose)}
            return _("no plan yet")
        if self.next_dose is not None:
            return _("none prescribed until %(day)s") % {"day": _day(self.next_dose.start_date)}
        if self.ended_on is not None:
            return _("none prescribed: the plan ended on %(day)s") % {"day": _day(self.ended_on)}
        return _("none prescribed")


def _day(day: dt.date) -> str:
    return date_words(day, "j M Y")


class Schedule:
    """Everything prescribed to one patient. Immutable; build it once per request."""

    def __init__(self, plans: Iterable[PlanRecord] = (), pauses: Iterable[PausePeriod] = ()):
        self.plans = tuple(_readable_plan(plan) for plan in plans)
        self.pauses = tuple(sorted(map(_readable_pause, pauses), key=lambda pause: pause.start_date))
        self.doses = _place(self.plans)
        self.runs = _runs(self.doses, self.pauses)
        self._run_starts = [run.first for run in self.runs]

    def __repr__(self) -> str:
        return f"Schedule({len(self.plans)} plans, {len(self.doses)} steps, {len(self.pauses)} pauses)"

    @property
    def effective(self) -> tuple[Dose, ...]:
        return tuple(dose for dose in self.doses if dose.takes_effect)

    # --- one day -------------------------------------------------------------------------

    def prescribed(self, day: dt.date) -> Dose | None:
        """The dose prescribed on `day`: None before the first dose, during a pause, between
        plans and after the last plan has ended."""
        index = bisect.bisect_right(self._run_starts, day) - 1
        if index >= 0 and self.runs[index].covers(day):
            return self.runs[index].dose
        return None

    def on(self, day: dt.date) -> DayPrescription:
        """Everything the pages say about `day`'s prescription, in one answer."""
        dose, first, next_dose = self.prescribed(day), self.first_dose, self.next_step(day)

        def answer(
            kind: str, pause: PausePeriod | None = None, ended_on: dt.date | None = None
        ) -> DayPrescription:
            return DayPrescription(
                day=day,
                kind=kind,
                dose=dose,
                pause=pause,
                first_dose=first,
                next_dose=next_dose,
                ended_on=ended_on,
            )

        if dose is not None:
            return answer("dose")
        if (off := self.off_day_step(day)) is not None:
            due = off.first_due(day)
            return replace(
                answer("off_day"), step=off, next_due=due if off.until is None or due < off.until else None
            )
        if first is None or day < first:
            return answer("baseline")
        if (pause := self.pause_on(day)) is not None and self.in_force(day) is not None:
            resumes = self.next_dose_day(day)
            return replace(
                answer("paused", pause=pause),
                resumes_on=resumes,
                resumes_with=self.prescribed(resumes) if resumes is not None else None,
            )
        if next_dose is not None:
            return answer("between")
        last = self.last_dose_before(day + DAY)
        return answer("ended", ended_on=last.until if last else None)

    def off_day_step(self, day: dt.date) -> Dose | None:
        """The step whose day without a dose `day` is: a step taken every other day, in
        force and not paused on `day`. None on every other kind of day."""
        dose = self.in_force(day)
        if dose is None or dose.due_on(day) or self.pause_on(day) is not None:
            return None
        return dose

    def each_day(self, days: Iterable[dt.date]) -> Iterator[DayDoses]:
        """`prescribed`, `step_on` and `pause_on` for each of `days` (in date order), as an
        export of a year asks them: the run in force is followed along the days instead of
        looked up again for each question."""
        runs, index = self.runs, -1
        for day in days:
            while index + 1 < len(runs) and runs[index + 1].first <= day:
                index += 1
            prescribed = runs[index].dose if index >= 0 and runs[index].covers(day) else None
            step = prescribed or self.off_day_step(day)
            yield DayDoses(prescribed, step, self.pause_on(day) if self.pauses else None)

    def step_on(self, day: dt.date) -> Dose | None:
        """The step the patient is on: the dose prescribed on `day`, or on a day without a
        dose of an every-other-day step that step. None before the first dose, during a
        pause, between plans and after the last plan has ended."""
        return self.prescribed(day) or self.off_day_step(day)

    def alternate_days_ahead(self, day: dt.date, count: int = 4) -> list[dt.date]:
        """The next `count` dose days from `day` on (at most two weeks ahead) while the step
        the patient is on is taken every other day, so the patient sees which days are
        which; empty on a daily step or with no step."""
        step = self.step_on(day)
        if step is None or step.interval_days == 1:
            return []
        return sorted(self.prescribed_days(day, day + 13 * DAY))[:count]

    def supplied_plan(self, day: dt.date) -> int | None:
        """The plan whose supply counts on `day` (its id): the one in force, paused or not, else
        the one that starts next — while a plan ends with a taper, the plan written after it has
        not begun. None when no plan prescribes on or after `day`."""
        dose = self.in_force(day) or self.next_step(day)
        return dose.plan_id if dose is not None else None

    def supply_for(self, day: dt.date) -> tuple[Supply, dt.date | None] | None:
        """The supply of the plan `supplied_plan` names on `day`, and the day it runs out: the
        first dose day it cannot cover in full, counting each dose day's amount (capsules, mL or
        clicks to measure, else one dose) from the day it was dispensed — an every-other-day step
        uses it half as fast, a pause not at all. None as the day when it lasts past the plan's
        end (or beyond `SUPPLY_HORIZON_DAYS`); None when no supply is recorded."""
        plan_id = self.supplied_plan(day)
        plan = next((plan for plan in self.plans if plan.plan_id == plan_id), None)
        if plan is None or plan.supply is None:
            return None
        supply = plan.supply
        left = supply.quantity
        days = sorted(
            self.prescribed_days(supply.dispensed_on, supply.dispensed_on + SUPPLY_HORIZON_DAYS * DAY)
        )
        for dose_day in days:
            prescribed = self.prescribed(dose_day)
            if prescribed is None or prescribed.plan_id != plan.plan_id:
                continue
            measured = prescribed.measurement
            left -= measured.amount if measured is not None and measured.exact else Decimal(1)
            if left < 0:
                return supply, dose_day
        return supply, None

    def in_force(self, day: dt.date) -> Dose | None:
        """The step in force on `day`, whether or not a pause covers it."""
        started = [dose for dose in self.effective if dose.in_force_on(day)]
        return started[-1] if started else None

    def days_without_step(self, first: dt.date, last: dt.date) -> list[dt.date]:
        """The days from `first` to `last` with no step in force (a pause aside): before the
        first plan, between two plans, after the last."""
        days = ((last - first).days + 1) if last >= first else 0
        return [day for day in (first + n * DAY for n in range(days)) if self.in_force(day) is None]

    def pause_on(self, day: dt.date) -> PausePeriod | None:
        return next((pause for pause in self.pauses if pause.covers(day)), None)

    def next_step(self, day: dt.date) -> Dose | None:
        """The first step after `day` that will take effect: the next change of dose or timing."""
        return next((dose for dose in self.effective if dose.start_date > day), None)

    def ends_on(self, day: dt.date) -> dt.date | None:
        """The end date ahead of `day` of the plan in force (or starting next), if one is set
        and nothing is prescribed from it: when the next plan starts that day, the treatment
        goes on and there is no end to tell."""
        dose = self.in_force(day) or self.next_step(day)
        if dose is None or dose.plan_ends_on is None or dose.plan_ends_on <= day:
            return None
        if self.in_force(dose.plan_ends_on) is not None:
            return None
        return dose.plan_ends_on

    def last_dose_before(self, day: dt.date) -> Dose | None:
        """The latest step that took effect before `day`, e.g. the previous plan's last dose
        when a new plan starts on `day`."""
        earlier = [dose for dose in self.effective if dose.start_date < day]
        return earlier[-1] if earlier else None

    def step_state(self, dose: Dose, day: dt.date) -> StepState:
        if not dose.takes_effect:
            return StepState.REPLACED
        if day < dose.start_date:
            return StepState.UPCOMING
        if dose.in_force_on(day):
            return StepState.PAUSED if self.pause_on(day) else StepState.NOW
        return StepState.ENDED if dose.ended_by_plan else StepState.PAST

    def step_rows(self, day: dt.date, plan_id: int | None = None) -> list[StepRow]:
        """The steps (of one plan, or all) with where each stands on `day`."""
        return [
            StepRow(dose, self.step_state(dose, day))
            for dose in self.doses
            if plan_id is None or dose.plan_id == plan_id
        ]

    # --- the course of treatment --------------------------------------------------------

    @property
    def first_dose(self) -> dt.date | None:
        """The start date of the first step that took effect (pauses do not move it)."""
        effective = self.effective
        return effective[0].start_date if effective else None

    @property
    def treatment_ends_on(self) -> dt.date | None:
        """The end date of the last plan (nothing is prescribed from it, and no plan follows);
        None while the last plan goes on until further notice, or before any plan."""
        effective = self.effective
        return effective[-1].until if effective else None

    def treatment_ended(self, day: dt.date) -> dt.date | None:
        """The day the treatment ended, when it has by `day`."""
        ends = self.treatment_ends_on
        return ends if ends is not None and ends <= day else None

    def day_on_ldn(self, day: dt.date) -> int | None:
        """See `course_day`."""
        return course_day(day, self.first_dose, self.treatment_ends_on)

    def first_day_taken(self, dose: Dose) -> dt.date | None:
        """The first day the step is taken: its start date, or the first dose day after a pause
        that covers it; None for a step that a pause covers to its end."""
        return next((run.first for run in self.runs if run.dose is dose), None)

    def next_dose_day(self, day: dt.date) -> dt.date | None:
        """The first day on or after `day` with a dose prescribed: past paused days, the days
        without a dose of an every-other-day step and the days between plans. None when no
        dose is prescribed on or after `day`."""
        for run in self.runs:
            if run.last is not None and run.last < day:
                continue
            due = run.dose.first_due(max(run.first, day))
            if run.last is None or due <= run.last:
                return due
        return None

    def prescribed_days(self, first: dt.date, last: dt.date) -> set[dt.date]:
        """Every date from `first` to `last` with a dose prescribed."""
        days: set[dt.date] = set()
        for run in self.runs:
            days.update(run.days(first, last))
        return days

    @property
    def prescription(
        self,
    ) -> tuple[tuple[dt.date, dt.date | None, Decimal, str, str, Decimal | None, int], ...]:
        """Every day with a dose, as (first, last, dose, timing, form, strength, interval)
        runs, a run that goes on with the same dose and measure joined to the one before:
        two schedules with the same prescription tell the patient the same thing on every day."""
        joined: list[tuple[dt.date, dt.date | None, Decimal, str, str, Decimal | None, int]] = []
        for run in self.runs:
            dose = run.dose
            what = (dose.dose_mg, dose.timing, dose.form, dose.strength_mg, dose.interval_days)
            follows = joined[-1][1] == run.first - dose.interval_days * DAY if joined else False
            if follows and joined[-1][2:] == what:
                joined[-1] = (joined[-1][0], run.last, *what)
            else:
                joined.append((run.first, run.last, *what))
        return tuple(joined)

    def prescribes_otherwise(self, other: Schedule) -> bool:
        """Whether any day's dose, timing or measure differs between the two schedules."""
        return self.prescription != other.prescription

    def before_first_dose(self, day: dt.date) -> bool:
        """The baseline: no first dose yet, or `day` comes before it. Nothing is taken then,
        so the diary asks no dose question; the scores logged are the yardstick for "better"."""
        first = self.first_dose
        return first is None or day < first

    def asks_dose(self, day: dt.date) -> bool:
        """Whether the diary asks "did you take your dose?" for `day`: not in the baseline
        (nothing to take yet) and not on an every-other-day step's day without a dose (none
        is due; the entry still takes symptoms and side effects). Asked on every other day,
        a paused one too: a dose taken anyway is the patient's record to keep."""
        return not self.before_first_dose(day) and self.off_day_step(day) is None

    def phase(self, day: dt.date) -> str:
        """Where a patient is on `day`:
        - baseline: no dose yet (no step, or the first dose is still ahead);
        - paused: a recorded pause covers a day a step is in force, or nothing is prescribed
          today but a later step is (between two plans);
        - titrating: a dose is prescribed and a later step changes the dose (up or down);
        - maintenance: a dose is prescribed and no dose change is scheduled (a timing
          switch does not count);
        - ended: nothing is prescribed after a first dose, and nothing is scheduled."""
        if self.before_first_dose(day):
            return "baseline"
        if self.pause_on(day) and self.in_force(day) is not None:
            return "paused"
        current = self.step_on(day)
        later = [dose for dose in self.effective if dose.start_date > day]
        if current is None:
            return "paused" if later else "ended"
        if any(dose.dose_mg != current.dose_mg for dose in later):
            return "titrating"
        return "maintenance"


def course_day(day: dt.date, first_dose: dt.date | None, ends_on: dt.date | None) -> int | None:
    """The day of the course of LDN that `day` is: day 1 is the first dose date; None before
    it and from the day the treatment ended on (`Schedule.treatment_ends_on`). Pauses and the
    days between two plans go on counting: the course goes on."""
    if first_dose is None or day < first_dose or (ends_on is not None and day >= ends_on):
        return None
    return (day - first_dose).days + 1


def _readable_plan(plan: PlanRecord) -> PlanRecord:
    read = TREATMENT_SPAN.clamp
    steps = tuple(
        step if step.start_date in TREATMENT_SPAN else replace(step, start_date=read(step.start_date))
        for step in plan.steps
    )
    return replace(plan, steps=steps, ended_on=plan.ended_on and END_SPAN.clamp(plan.ended_on))


def _readable_pause(pause: PausePeriod) -> PausePeriod:
    if pause.start_date in TREATMENT_SPAN and pause.end_date in TREATMENT_SPAN:
        return pause
    return replace(
        pause,
        start_date=TREATMENT_SPAN.clamp(pause.start_date),
        end_date=TREATMENT_SPAN.clamp(pause.end_date),
    )


def _place(plans: tuple[PlanRecord, ...]) -> tuple[Dose, ...]:
    """Every step of every plan in date order (a later plan after an earlier one on the same
    date), each in force until the next step or its plan's end."""
    ordered = sorted(
        ((step, plan, index) for index, plan in enumerate(plans) for step in plan.steps),
        key=lambda item: (item[0].start_date, item[2]),
    )
    doses = []
    for position, (step, plan, _order) in enumerate(ordered):
        following = ordered[position + 1][0].start_date if position + 1 < len(ordered) else None
        ends = [day for day in (following, plan.ended_on) if day is not None]
        doses.append(
            Dose(
                start_date=step.start_date,
                until=min(ends, default=None),
                dose_mg=step.dose_mg,
                timing=step.timing,
                plan_id=plan.plan_id,
                form=plan.form,
                strength_mg=plan.strength_mg,
                note=step.note,
                step_id=step.step_id,
                plan_ends_on=plan.ended_on,
                frequency=step.frequency,
                release=plan.release,
                filler=plan.filler,
            )
        )
    return tuple(doses)


def _runs(doses: tuple[Dose, ...], pauses: tuple[PausePeriod, ...]) -> tuple[Run, ...]:
    """Each step's days in force with the paused days cut out (pauses in start order), each
    run from a dose day to a dose day; a run without a dose day is dropped."""
    runs = []

    def add(dose: Dose, first: dt.date, last: dt.date | None) -> None:
        first = dose.first_due(first)
        last = None if last is None else dose.last_due(last)
        if last is None or first <= last:
            runs.append(Run(dose, first, last))

    for dose in doses:
        if not dose.takes_effect:
            continue
        first, last = dose.start_date, None if dose.until is None else dose.until - DAY
        for pause in pauses:
            if pause.end_date < first:
                continue
            if last is not None and pause.start_date > last:
                break
            if pause.start_date > first:
                add(dose, first, pause.start_date - DAY)
            first = pause.end_date + DAY
        if last is None or first <= last:
            add(dose, first, last)
    return tuple(runs)
