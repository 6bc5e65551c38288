"""Clinic outcomes: what a clinic's own patients show, counted from the facts every page reads.

Each figure is computed here from the patients' records (`journal.assessment.PatientRecord`),
never from anything the pages re-derive:

- Responder rates at 8–10 weeks and at 3–6 months [003]: each tracked symptom is classified by
  `journal.response.assess_symptom` as of the window's last day (or today while the window is
  still open). A patient counts in a window once at least one tracked symptom is judged on that
  window; they respond when any judged symptom improved moderately or substantially
  (`journal.advice.RESPONDER_CLASSES`, IMMPACT's ≥ 30 %), the rule the "review the plan" advice
  uses. Grouped by condition (a patient with two conditions counts in both) and by the highest
  dose prescribed up to the window's last day.
- Time to first response: the first week from week 8 on LDN at which a tracked symptom's class,
  as the roster would have shown it that day, was a response; the median over the patients who
  responded, with how many were followed from week 8 without responding yet.
- Still on LDN: a Kaplan–Meier curve from the first dose. The event is the end of treatment as
  the app records it (`Schedule.phase` is "ended": every plan has ended and nothing is
  scheduled), on the first day nothing was prescribed; a patient still on LDN (or paused) is
  censored at their last entry.
- Side effects after step-ups: of the step-ups (`journal.step_effects.step_ups`) whose 14 days
  have passed, the share followed within those 14 days by a side effect the patient had not
  reported in the 14 days before, by step size.
- Why patients stop: the patients who stopped, by the reason their clinician gave them when
  ending their plan (the newest "plan ends" change's reason); a reason given for fewer than
  `MIN_GROUP` patients is not shown in its words (a rare reason can name its patient): those
  are counted together.
- Logging adherence: the share of the days prescribed since the first dose with an entry
  (`journal.advice.count_adherence`, today left out until it is logged).

Honest numbers: every figure carries its n, and a group of fewer than `MIN_GROUP` patients shows
no figure at all (`suppressed`), so that no one patient can be picked out of a small group."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from journal.advice import RESPONDER_CLASSES, count_adherence
from journal.assessment import PatientRecord
from journal.exports import Column, csv_lines, each
from journal.response import (
    FULL_NAME,
    FULL_RESPONSE_WINDOW,
    INITIAL_EFFECT_WINDOW,
    INITIAL_NAME,
    ResponseClass,
)
from journal.response import assess_symptom as classify_symptom
from journal.schedule import DAY
from journal.step_effects import step_ups
from journal.wording import Phrase, as_phrase, gettext_noop, phrase

MIN_GROUP = 5  # fewer patients than this in a group: no figure (small groups identify people)
SIDE_EFFECT_DAYS = 14  # after a step-up, and before it for what is "new"
DAYS_PER_MONTH = 30  # the survival table's months
SURVIVAL_MONTHS = 12
FIRST_RESPONSE_WEEKS = (8, 26)  # weekly looks from 8 weeks to 6 months on LDN
ADHERENCE_FLOORS = (Fraction(4, 5), Fraction(1, 2))  # the bands: at least 80 %, 50–79 %, under 50 %

ALL_PATIENTS = as_phrase(gettext_noop("All patients"))
SUPPRESSED = as_phrase(gettext_noop("fewer than 5 patients"))


@dataclass(frozen=True)
class CohortPatient:
    """One patient as the outcomes read them: their record and conditions."""

    patient_id: int
    record: PatientRecord
    conditions: tuple[str, ...] = ()
    stop_reason: str = ""  # told with the newest end of their plan; "" when none was

    @property
    def first_dose(self) -> dt.date | None:
        return self.record.first_dose

    @property
    def last_entry(self) -> dt.date | None:
        return max((entry.day for entry in self.record.entries), default=None)


@dataclass(frozen=True)
class Window:
    name: str
    days: tuple[int, int]  # days after the first dose, as journal.response counts them
    label: str


WINDOWS = (
    Window(INITIAL_NAME, INITIAL_EFFECT_WINDOW, as_phrase(gettext_noop("8–10 weeks"))),
    Window(FULL_NAME, FULL_RESPONSE_WINDOW, as_phrase(gettext_noop("3–6 months"))),
)


@dataclass(frozen=True)
class RateRow:
    """One group's share: `count` of `n` patients (or step-ups), from `patients` patients."""

    group: str
    patients: int
    n: int
    count: int

    @property
    def suppressed(self) -> bool:
        return self.patients < MIN_GROUP

    @property
    def percent(self) -> int | None:
        """The share as a whole percent, half up; None when suppressed or nothing counted."""
        if self.suppressed or not self.n:
            return None
        return (200 * self.count + self.n) // (2 * self.n)


def _rate_row(group: str, outcomes: Sequence[tuple[int, bool]]) -> RateRow:
    """`outcomes` as (patient id, counted as yes) pairs, one per patient or per event."""
    return RateRow(
        group=group,
        patients=len({patient_id for patient_id, _ in outcomes}),
        n=len(outcomes),
        count=sum(1 for _, yes in outcomes if yes),
    )


def _grouped(
    items: Iterable[tuple[Sequence[str], tuple[int, bool]]], order: Callable[[str], Any] = str
) -> list[RateRow]:
    """All patients first, then one row per group in `order`."""
    everyone: list[tuple[int, bool]] = []
    groups: dict[str, list[tuple[int, bool]]] = defaultdict(list)
    for names, outcome in items:
        everyone.append(outcome)
        for name in names:
            groups[name].append(outcome)
    rows = [_rate_row(ALL_PATIENTS, everyone)] if everyone else []
    return rows + [_rate_row(name, groups[name]) for name in sorted(groups, key=order)]


# --- responder rates ----------------------------------------------------------------------


def classes_on(record: PatientRecord, day: dt.date) -> list[tuple[ResponseClass, str | None]]:
    """Each tracked symptom's class and the window it was judged on, as of `day`."""
    return [
        (response.response_class, response.judged_window)
        for measure in record.measures
        if measure.tracked
        for response in [classify_symptom(record.first_dose, day, measure.series, measure.higher_is_better)]
    ]


def window_response(record: PatientRecord, window: Window) -> bool | None:
    """Whether the patient responded in `window` (see the module's docstring); None when no
    tracked symptom could be judged on it (not yet, or too few entries)."""
    first = record.first_dose
    if first is None:
        return None
    as_of = min(record.today, first + window.days[1] * DAY)
    judged = [cls for cls, judged_on in classes_on(record, as_of) if judged_on == window.name]
    if not judged:
        return None
    return any(cls in RESPONDER_CLASSES for cls in judged)


def dose_reached(record: PatientRecord, window: Window) -> Decimal | None:
    """The highest dose prescribed from the first dose to the window's last day: a step a
    pause covered from its first day to its last was never prescribed on any day."""
    first = record.first_dose
    if first is None:
        return None
    last = min(record.today, first + window.days[1] * DAY)
    return max((run.dose.dose_mg for run in record.schedule.runs if run.first <= last), default=None)


def dose_words(dose_mg: Decimal) -> str:
    return phrase(gettext_noop("{dose} mg"), dose=dose_mg)


def responder_rates(cohort: Iterable[CohortPatient], window: Window) -> tuple[list[RateRow], list[RateRow]]:
    """Responders of the patients judged in `window`, by condition and by dose reached."""
    by_condition: list[tuple[Sequence[str], tuple[int, bool]]] = []
    by_dose: list[tuple[Sequence[str], tuple[int, bool]]] = []
    doses: dict[str, Decimal] = {}
    for patient in cohort:
        responded = window_response(patient.record, window)
        if responded is None:
            continue
        outcome = (patient.patient_id, responded)
        by_condition.append((patient.conditions, outcome))
        names: list[str] = []
        if (dose := dose_reached(patient.record, window)) is not None:
            names.append(dose_words(dose))
            doses[names[0]] = dose
        by_dose.append((names, outcome))
    return _grouped(by_condition), _grouped(by_dose, order=lambda name: doses[name])


# --- time to first response ---------------------------------------------------------------


def first_response_day(record: PatientRecord) -> int | None:
    """Days from the first dose to the first weekly look (8 weeks to 6 months) at which a
    tracked symptom's class was a response; None when none was (yet)."""
    first = record.first_dose
    if first is None:
        return None
    for week in range(FIRST_RESPONSE_WEEKS[0], FIRST_RESPONSE_WEEKS[1] + 1):
        day = first + 7 * week * DAY
        if day > record.today:
            return None
        if any(cls in RESPONDER_CLASSES for cls, _ in classes_on(record, day)):
            return 7 * week
    return None


@dataclass(frozen=True)
class FirstResponse:
    """The median days to a first response over `responded` patients, of `followed`
    patients followed from 8 weeks on LDN."""

    followed: int
    responded: int
    median_days: float | None

    @property
    def suppressed(self) -> bool:
        return self.responded < MIN_GROUP

    @property
    def median_weeks(self) -> Decimal | None:
        if self.suppressed or self.median_days is None:
            return None
        return (Decimal(str(self.median_days)) / 7).quantize(Decimal("0.1"))


def time_to_first_response(cohort: Iterable[CohortPatient]) -> FirstResponse:
    followed = [
        p
        for p in cohort
        if p.first_dose is not None and p.record.today >= p.first_dose + 7 * FIRST_RESPONSE_WEEKS[0] * DAY
    ]
    days = [day for p in followed if (day := first_response_day(p.record)) is not None]
    return FirstResponse(
        followed=len(followed),
        responded=len(days),
        median_days=statistics.median(days) if days else None,
    )


# --- still on LDN: Kaplan–Meier -----------------------------------------------------------


@dataclass(frozen=True)
class TimeOnLdn:
    """Days from the first dose to the end of treatment (`stopped`), or to the last entry of
    a patient still on LDN (censored)."""

    days: int
    stopped: bool


def time_on_ldn(patient: CohortPatient) -> TimeOnLdn | None:
    record, first = patient.record, patient.first_dose
    if first is None or first > record.today:
        return None
    schedule = record.schedule
    if schedule.phase(record.today) == "ended":
        ended_on = schedule.on(record.today).ended_on
        if ended_on is not None:
            return TimeOnLdn((ended_on - first).days, stopped=True)
    last = patient.last_entry
    return TimeOnLdn(max((last - first).days, 0) if last else 0, stopped=False)


@dataclass(frozen=True)
class SurvivalStep:
    """The curve just after `day`: `at_risk` patients followed to `day`, of whom `stopped`
    stopped on it and `censored` were last seen on it."""

    day: int
    at_risk: int
    stopped: int
    censored: int
    still_on: Fraction


def kaplan_meier(times: Iterable[TimeOnLdn]) -> list[SurvivalStep]:
    """The product-limit estimate, one step per day with a stop or a censoring. On a day with
    both, the censored still count at risk (they were last seen on it, after the stops)."""
    times = sorted(times, key=lambda time: time.days)
    at_risk, still_on, steps = len(times), Fraction(1), []
    days = sorted({time.days for time in times})
    for day in days:
        stopped = sum(1 for time in times if time.days == day and time.stopped)
        censored = sum(1 for time in times if time.days == day and not time.stopped)
        if stopped:
            still_on *= 1 - Fraction(stopped, at_risk)
        steps.append(SurvivalStep(day, at_risk, stopped, censored, still_on))
        at_risk -= stopped + censored
    return steps


@dataclass(frozen=True)
class MonthRow:
    month: int
    at_risk: int  # still followed at the month's start day
    stopped: int  # stops up to the month's day
    still_on: Fraction | None  # None: fewer than MIN_GROUP patients still followed

    @property
    def suppressed(self) -> bool:
        return self.still_on is None

    @property
    def percent(self) -> int | None:
        return None if self.still_on is None else int(self.still_on * 100 + Fraction(1, 2))


def survival_months(times: Sequence[TimeOnLdn], months: int = SURVIVAL_MONTHS) -> list[MonthRow]:
    """The curve month by month (30 days): the share still on LDN at each month's day, shown
    while at least MIN_GROUP patients are still followed on that day."""
    steps = kaplan_meier(times)
    rows = []
    for month in range(months + 1):
        day = month * DAYS_PER_MONTH
        at_risk = sum(1 for time in times if time.days >= day)
        stopped = sum(1 for time in times if time.stopped and time.days <= day)
        still_on = next((step.still_on for step in reversed(steps) if step.day <= day), Fraction(1))
        rows.append(MonthRow(month, at_risk, stopped, still_on if at_risk >= MIN_GROUP else None))
        if at_risk == 0:
            break
    return rows


# --- why patients stop --------------------------------------------------------------------

NO_REASON = as_phrase(gettext_noop("No reason recorded"))
RARE_REASONS = as_phrase(gettext_noop("Other reasons, each given for fewer than 5 patients"))


def _reason_key(reason: str) -> str:
    return " ".join(reason.split()).casefold()


def stop_reasons(cohort: Iterable[CohortPatient]) -> list[RateRow]:
    """The patients who stopped (as the survival curve counts them), by the reason told with
    the end of their plan, most given first (n = the patients who stopped). Reasons are the
    same when they differ only in capitals and spaces; each reason given for fewer than
    `MIN_GROUP` patients goes into one row that does not show their words."""
    reasons: dict[str, list[str]] = defaultdict(list)
    unexplained = 0
    for patient in cohort:
        time = time_on_ldn(patient)
        if time is None or not time.stopped:
            continue
        if reason := " ".join(patient.stop_reason.split()):
            reasons[_reason_key(reason)].append(reason)
        else:
            unexplained += 1
    stopped = unexplained + sum(len(given) for given in reasons.values())
    common = sorted(
        (given for given in reasons.values() if len(given) >= MIN_GROUP),
        key=lambda given: (-len(given), given[0]),
    )
    rows = [RateRow(given[0], len(given), stopped, len(given)) for given in common]
    rare = sum(len(given) for given in reasons.values() if len(given) < MIN_GROUP)
    if rare:
        rows.append(RateRow(RARE_REASONS, rare, stopped, rare))
    if unexplained:
        rows.append(RateRow(NO_REASON, unexplained, stopped, unexplained))
    return rows


# --- side effects after step-ups ----------------------------------------------------------


def step_up_side_effects(record: PatientRecord) -> list[tuple[Decimal, bool]]:
    """(step size in mg, followed by a new side effect within 14 days) for each step-up
    whose 14 days have passed."""
    outcomes = []
    for step in step_ups(record.schedule):
        after_last = step.start_date + (SIDE_EFFECT_DAYS - 1) * DAY
        if after_last >= record.today:
            continue
        before_first = step.start_date - SIDE_EFFECT_DAYS * DAY
        before = {r.kind for r in record.side_effects if before_first <= r.day < step.start_date}
        new = any(
            step.start_date <= r.day <= after_last and r.kind not in before for r in record.side_effects
        )
        outcomes.append((step.to_dose.dose_mg - step.from_dose.dose_mg, new))
    return outcomes


def side_effects_by_step(cohort: Iterable[CohortPatient]) -> list[RateRow]:
    """Step-ups followed by a new side effect, all and by step size (n = step-ups)."""
    items: list[tuple[Sequence[str], tuple[int, bool]]] = []
    sizes: dict[str, Decimal] = {}
    for patient in cohort:
        for size, new in step_up_side_effects(patient.record):
            name = phrase(gettext_noop("+{dose} mg"), dose=size.normalize())
            sizes[name] = size
            items.append(([name], (patient.patient_id, new)))
    return _grouped(items, order=lambda name: sizes[name])


# --- logging adherence --------------------------------------------------------------------


def logged_share(record: PatientRecord) -> Fraction | None:
    """The share of days prescribed since the first dose with an entry; None before any."""
    first = record.first_dose
    if first is None or first > record.today:
        return None
    prescribed = record.schedule.prescribed_days(first, record.today)
    entries = [(entry.day, entry.dose_taken) for entry in record.entries]
    count = count_adherence(entries, prescribed, record.today, days=(record.today - first).days + 1)
    if not count.prescribed:
        return None
    return Fraction(count.prescribed - len(count.not_logged), count.prescribed)


@dataclass(frozen=True)
class AdherenceRow:
    group: str
    patients: int
    median: Fraction | None
    bands: tuple[int, int, int]  # patients logging ≥ 80 %, 50–79 %, under 50 %

    @property
    def suppressed(self) -> bool:
        return self.patients < MIN_GROUP

    @property
    def median_percent(self) -> int | None:
        if self.suppressed or self.median is None:
            return None
        return int(self.median * 100 + Fraction(1, 2))


def _band(share: Fraction) -> int:
    return next((index for index, floor in enumerate(ADHERENCE_FLOORS) if share >= floor), 2)


def _adherence_row(group: str, shares: list[Fraction]) -> AdherenceRow:
    bands = [0, 0, 0]
    for share in shares:
        bands[_band(share)] += 1
    median = Fraction(statistics.median(shares)) if shares else None
    return AdherenceRow(group, len(shares), median, (bands[0], bands[1], bands[2]))


def logging_adherence(cohort: Iterable[CohortPatient]) -> list[AdherenceRow]:
    """All patients first, then by condition."""
    everyone: list[Fraction] = []
    groups: dict[str, list[Fraction]] = defaultdict(list)
    for patient in cohort:
        share = logged_share(patient.record)
        if share is None:
            continue
        everyone.append(share)
        for name in patient.conditions:
            groups[name].append(share)
    rows = [_adherence_row(ALL_PATIENTS, everyone)] if everyone else []
    return rows + [_adherence_row(name, groups[name]) for name in sorted(groups)]


# --- everything -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcomes:
    patients: int  # in the cohort, started on LDN or not
    started: int  # with a first dose on or before their today
    rates_by_condition: tuple[tuple[Window, list[RateRow]], ...]
    rates_by_dose: tuple[tuple[Window, list[RateRow]], ...]
    first_response: FirstResponse
    survival: list[MonthRow]
    side_effects: list[RateRow]
    adherence: list[AdherenceRow]
    stop_reasons: list[RateRow]
    # Each patient's time on LDN: kept while computed, not in a stored report (one per patient).
    survival_times: tuple[TimeOnLdn, ...] = ()

    @property
    def survival_suppressed(self) -> bool:
        return self.started < MIN_GROUP

    @property
    def stopped(self) -> int:
        return self.stop_reasons[0].n if self.stop_reasons else 0


def clinic_outcomes(cohort: Sequence[CohortPatient]) -> Outcomes:
    times = [time for patient in cohort if (time := time_on_ldn(patient)) is not None]
    rates = [(window, responder_rates(cohort, window)) for window in WINDOWS]
    return Outcomes(
        patients=len(cohort),
        started=len(times),
        rates_by_condition=tuple((window, by_condition) for window, (by_condition, _) in rates),
        rates_by_dose=tuple((window, by_dose) for window, (_, by_dose) in rates),
        first_response=time_to_first_response(cohort),
        survival=survival_months(times),
        side_effects=side_effects_by_step(cohort),
        adherence=logging_adherence(cohort),
        stop_reasons=stop_reasons(cohort),
        survival_times=tuple(times),
    )


# --- as stored: plain JSON, read back in the reader's language ------------------------------------


def _label_data(label: str) -> Any:
    """A group's name as JSON: a Phrase as its message and values (shown later in the reader's
    language), a name as written (a condition, a reason) as itself."""
    if not isinstance(label, Phrase):
        return str.__str__(label)
    values = {
        name: {"decimal": f"{value:f}"} if isinstance(value, Decimal) else value
        for name, value in label._values.items()
    }
    return {"message": label._message, "values": values}


def _label_from(data: Any) -> str:
    if isinstance(data, str):
        return data
    values = {
        name: Decimal(value["decimal"]) if isinstance(value, dict) else value
        for name, value in data["values"].items()
    }
    return phrase(data["message"], **values)


def _fraction_data(share: Fraction | None) -> list[int] | None:
    return None if share is None else [share.numerator, share.denominator]


def _fraction_from(data: list[int] | None) -> Fraction | None:
    return None if data is None else Fraction(data[0], data[1])


def _rates_data(rows: Sequence[RateRow]) -> list[list[Any]]:
    return [[_label_data(row.group), row.patients, row.n, row.count] for row in rows]


def _rates_from(data: list[list[Any]]) -> list[RateRow]:
    return [RateRow(_label_from(group), patients, n, count) for group, patients, n, count in data]


def _windows_data(rates: Sequence[tuple[Window, list[RateRow]]]) -> dict[str, Any]:
    return {window.name: _rates_data(rows) for window, rows in rates}


def _windows_from(data: dict[str, Any]) -> tuple[tuple[Window, list[RateRow]], ...]:
    return tuple((window, _rates_from(data[window.name])) for window in WINDOWS if window.name in data)


def outcomes_as_data(outcomes: Outcomes) -> dict[str, Any]:
    """The figures as JSON (no patient's own time: its size grows with the groups, not the
    patients); `outcomes_from_data` reads them back."""
    first = outcomes.first_response
    return {
        "patients": outcomes.patients,
        "started": outcomes.started,
        "rates_by_condition": _windows_data(outcomes.rates_by_condition),
        "rates_by_dose": _windows_data(outcomes.rates_by_dose),
        "first_response": [first.followed, first.responded, first.median_days],
        "survival": [
            [month.month, month.at_risk, month.stopped, _fraction_data(month.still_on)]
            for month in outcomes.survival
        ],
        "side_effects": _rates_data(outcomes.side_effects),
        "adherence": [
            [_label_data(row.group), row.patients, _fraction_data(row.median), list(row.bands)]
            for row in outcomes.adherence
        ],
        "stop_reasons": _rates_data(outcomes.stop_reasons),
    }


def outcomes_from_data(data: dict[str, Any]) -> Outcomes:
    return Outcomes(
        patients=data["patients"],
        started=data["started"],
        rates_by_condition=_windows_from(data["rates_by_condition"]),
        rates_by_dose=_windows_from(data["rates_by_dose"]),
        first_response=FirstResponse(*data["first_response"]),
        survival=[
            MonthRow(month, at_risk, stopped, _fraction_from(still_on))
            for month, at_risk, stopped, still_on in data["survival"]
        ],
        side_effects=_rates_from(data["side_effects"]),
        adherence=[
            AdherenceRow(_label_from(group), patients, _fraction_from(median), (bands[0], bands[1], bands[2]))
            for group, patients, median, bands in data["adherence"]
        ],
        stop_reasons=_rates_from(data["stop_reasons"]),
    )


# --- the CSV ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureLine:
    """One line of the outcomes CSV: a figure for a group, or why it is not shown."""

    figure: str
    group: str
    patients: int | None
    n: int | None
    count: int | None
    value: Decimal | int | None
    unit: str
    note: str = ""


def _rate_line(figure: str, row: RateRow) -> FigureLine:
    if row.suppressed:
        return FigureLine(figure, row.group, None, None, None, None, "", SUPPRESSED)
    return FigureLine(figure, row.group, row.patients, row.n, row.count, row.percent, "%")


def figure_lines(outcomes: Outcomes) -> list[FigureLine]:
    """Every figure of the page as lines, suppressed groups without numbers."""
    lines = []
    figure: str
    for breakdown, rates in (
        (gettext_noop("Responders at {window}, by condition"), outcomes.rates_by_condition),
        (gettext_noop("Responders at {window}, by dose reached"), outcomes.rates_by_dose),
    ):
        for window, rows in rates:
            figure = phrase(breakdown, window=window.label)
            lines += [_rate_line(figure, row) for row in rows]
    first = outcomes.first_response
    figure = as_phrase(gettext_noop("Time to first response (median)"))
    if first.suppressed:
        lines.append(FigureLine(figure, ALL_PATIENTS, None, None, None, None, "", SUPPRESSED))
    else:
        weeks = as_phrase(gettext_noop("weeks"))
        lines.append(FigureLine(figure, ALL_PATIENTS, first.responded, first.followed, first.responded,
                                first.median_weeks, weeks))  # fmt: skip
    figure = as_phrase(gettext_noop("Still on LDN"))
    for month in outcomes.survival:
        group = phrase(gettext_noop("month {month}"), month=month.month)
        if month.suppressed:
            lines.append(FigureLine(figure, group, None, None, None, None, "", SUPPRESSED))
        else:
            lines.append(
                FigureLine(figure, group, month.at_risk, month.at_risk, month.stopped, month.percent, "%")
            )
    figure = as_phrase(gettext_noop("Step-ups followed by a new side effect within 14 days"))
    lines += [_rate_line(figure, row) for row in outcomes.side_effects]
    figure = as_phrase(gettext_noop("Why patients stopped"))
    lines += [_rate_line(figure, row) for row in outcomes.stop_reasons]
    figure = as_phrase(gettext_noop("Days logged of the days prescribed (median)"))
    for row in outcomes.adherence:
        if row.suppressed:
            lines.append(FigureLine(figure, row.group, None, None, None, None, "", SUPPRESSED))
        else:
            lines.append(
                FigureLine(figure, row.group, row.patients, row.patients, None, row.median_percent, "%")
            )
    return lines


def _text(value: str) -> str:
    return str(value)


OUTCOME_COLUMNS: list[Column[FigureLine]] = [
    Column("figure", "", "text", "The figure", each(lambda line: _text(line.figure))),
    Column("group", "", "text", "All patients, a condition, a dose, a step size, a month or a reason",
           each(lambda line: _text(line.group))),
    Column("patients", "patients", "0 or more", "Patients in the group", each(lambda line: line.patients)),
    Column("n", "", "0 or more", "What the figure counts", each(lambda line: line.n)),
    Column("count", "", "0 or more", "How many of n", each(lambda line: line.count)),
    Column("value", "", "number", "The figure", each(lambda line: line.value)),
    Column("unit", "", "text", "The figure's unit", each(lambda line: _text(line.unit))),
    Column("note", "", "text", "Why a figure is not shown", each(lambda line: _text(line.note))),
]  # fmt: skip


def outcome_csv_lines(outcomes: Outcomes) -> Iterator[str]:
    return csv_lines(OUTCOME_COLUMNS, figure_lines(outcomes))
