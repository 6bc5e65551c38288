"""Did the step help? For each step up, each tracked symptom on the old dose against the new one.

Side effects come with step-ups and fade within a couple of weeks [003], so the new dose is
judged from its 15th day: the 14 days before the step (on the old dose) against days 15–42 on
the new dose, the step's first day being day 1. Only days on which the dose before or after
the step was prescribed count (a pause, a step down or the next step ends a window early). The
window lengths and the entries each needs are LDN Journal's own rules.

Daily scores are not independent (a bad week is several bad days), so the uncertainty of each
mean counts its days as fewer: the effective number of days n·(1 − r)/(1 + r), r being the
correlation of each day's score with the next day's (Bartlett's adjustment for an AR(1) series,
r clamped to 0–0.9). The 95 % interval of the change is Welch's, with Student's t on the
Welch–Satterthwaite degrees of freedom of those effective numbers. "Better" and "worse" are said
only when the whole interval lies on one side of no change; else the change is unclear.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from journal.assessment import Measure, PatientRecord
from journal.schedule import Dose, Schedule
from journal.vocabulary import local_mg
from journal.wording import as_phrase, gettext, gettext_noop, phrase

DAY = dt.timedelta(days=1)
BEFORE_DAYS = 14  # the days before the step, on the old dose
AFTER_FIRST_DAY, AFTER_LAST_DAY = 15, 42  # on the new dose; the step's first day is day 1
MIN_SCORES = 7  # in each window, to say anything
CONFIDENCE = 0.95
MAX_CORRELATION = 0.9

# (code, rule, reason): the rulebook shows them.
STEP_EFFECT_RULES: tuple[tuple[str, str, str], ...] = (
    (
        "step_windows",
        phrase(
            gettext_noop(
                "Each step up is judged from day {first} to day {last} on the new dose against the "
                "{before} days before it."
            ),
            first=AFTER_FIRST_DAY,
            last=AFTER_LAST_DAY,
            before=BEFORE_DAYS,
        ),
        as_phrase(
            gettext_noop(
                "Side effects after a step up usually resolve within a couple of weeks [003]; "
                "the window lengths are LDN Journal's own rule."
            )
        ),
    ),
    (
        "step_enough_days",
        phrase(
            gettext_noop(
                "A comparison needs at least {least} scored days in each window; fewer is “too little "
                "data”, and fewer than {least} days on the new dose in its window (the next step, a "
                "pause or a stop came first) is “too few days on this dose”."
            ),
            least=MIN_SCORES,
        ),
        as_phrase(gettext_noop("LDN Journal's own rule.")),
    ),
    (
        "step_interval",
        phrase(
            gettext_noop(
                "Better or worse only when the whole {confidence} interval of the change is on one "
                "side of no change; the interval counts consecutive days as partly the same information."
            ),
            confidence=f"{CONFIDENCE:.0%}".replace("%", " %"),
        ),
        as_phrase(
            gettext_noop(
                "Welch's interval with Bartlett's adjustment for day-to-day correlation; LDN "
                "Journal's own rule."
            )
        ),
    ),
)


class StepVerdict(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    UNCLEAR = "unclear"
    TOO_LITTLE_DATA = "too_little_data"
    TOO_FEW_DAYS_ON_DOSE = "too_few_days_on_dose"  # the next step, a pause or a stop came first
    TOO_EARLY = "too_early"

    @property
    def label(self) -> str:
        return gettext(VERDICT_LABELS[self])


VERDICT_BADGES = {StepVerdict.BETTER: "ok", StepVerdict.WORSE: "bad", StepVerdict.TOO_LITTLE_DATA: "warn"}
VERDICT_LABELS = {
    StepVerdict.BETTER: gettext_noop("better"),
    StepVerdict.WORSE: gettext_noop("worse"),
    StepVerdict.UNCLEAR: gettext_noop("no clear change"),
    StepVerdict.TOO_LITTLE_DATA: gettext_noop("too little data"),
    StepVerdict.TOO_FEW_DAYS_ON_DOSE: gettext_noop("too few days on this dose"),
    StepVerdict.TOO_EARLY: gettext_noop("too early"),
}


@dataclass(frozen=True)
class StepUp:
    """A day on which the prescribed dose rose from the day before's."""

    start_date: dt.date
    from_dose: Dose
    to_dose: Dose

    @property
    def after_window(self) -> tuple[dt.date, dt.date]:
        return self.start_date + (AFTER_FIRST_DAY - 1) * DAY, self.start_date + (AFTER_LAST_DAY - 1) * DAY

    @property
    def before_window(self) -> tuple[dt.date, dt.date]:
        return self.start_date - BEFORE_DAYS * DAY, self.start_date - DAY


@dataclass(frozen=True)
class Window:
    scores: tuple[float, ...]  # in date order, one per scored day
    days_on_dose: int  # of the window's days up to today
    correlation: float  # of consecutive days' scores, clamped to 0–MAX_CORRELATION

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.scores) if self.scores else None

    @property
    def effective_days(self) -> float:
        return len(self.scores) * (1 - self.correlation) / (1 + self.correlation)


@dataclass(frozen=True)
class StepEffect:
    step: StepUp
    before: Window
    after: Window
    change: float | None  # after − before, in score points
    interval: tuple[float, float] | None
    verdict: StepVerdict

    @property
    def badge(self) -> str:
        return VERDICT_BADGES.get(self.verdict, "")


@dataclass(frozen=True)
class StepReport:
    """One step up with each measure's effect, in the record's order of measures."""

    step: StepUp
    effects: tuple[tuple[Measure, StepEffect], ...]

    @property
    def too_few_days_on_dose(self) -> bool:
        """The dose changed (or paused, or stopped) before its window held enough days: no
        measure can be judged, whatever was logged."""
        return bool(self.effects) and all(
            effect.verdict is StepVerdict.TOO_FEW_DAYS_ON_DOSE for _, effect in self.effects
        )

    @property
    def doses(self) -> str:
        """ "1 → 2 mg"."""
        return f"{local_mg(self.step.from_dose.dose_mg)} → {local_mg(self.step.to_dose.dose_mg)} mg"


def step_reports(record: PatientRecord) -> list[StepReport]:
    """Every step up of the patient's schedule, newest first, with each measure's effect."""
    return [
        StepReport(
            up,
            tuple(
                (
                    measure,
                    step_effect(
                        up, record.schedule, dict(measure.series), measure.higher_is_better, record.today
                    ),
                )
                for measure in record.measures
            ),
        )
        for up in reversed(step_ups(record.schedule))
    ]


def step_ups(schedule: Schedule) -> list[StepUp]:
    """The step ups of a schedule, oldest first: each dose higher than the last dose prescribed
    before it (`Schedule.last_dose_before`, as the step-up advice reads it), including a step
    that starts after a pause or after a gap between plans. The first dose is left out: there
    is no earlier dose to compare its effects with."""
    ups = []
    for dose in schedule.effective:
        before = schedule.last_dose_before(dose.start_date)
        if before is not None and dose.dose_mg > before.dose_mg:
            ups.append(StepUp(dose.start_date, before, dose))
    return ups


def step_effect(
    step: StepUp,
    schedule: Schedule,
    scores: Mapping[dt.date, int | float | Decimal],
    higher_is_better: bool,
    today: dt.date,
) -> StepEffect:
    """One symptom's scores (by date) before and after `step`, and the verdict."""
    after_first, after_last = step.after_window
    before = _window(scores, schedule, step.before_window, step.from_dose.dose_mg, today)
    after = _window(scores, schedule, (after_first, after_last), step.to_dose.dose_mg, today)
    if len(after.scores) < MIN_SCORES and today < after_last and _still_on(schedule, step, today):
        return StepEffect(step, before, after, None, None, StepVerdict.TOO_EARLY)
    if after.days_on_dose < MIN_SCORES:
        return StepEffect(step, before, after, None, None, StepVerdict.TOO_FEW_DAYS_ON_DOSE)
    if len(before.scores) < MIN_SCORES or len(after.scores) < MIN_SCORES:
        return StepEffect(step, before, after, None, None, StepVerdict.TOO_LITTLE_DATA)
    assert before.mean is not None and after.mean is not None
    change = after.mean - before.mean
    low, high = _interval(before, after, change)
    better_side = high < 0 if not higher_is_better else low > 0
    worse_side = low > 0 if not higher_is_better else high < 0
    verdict = StepVerdict.BETTER if better_side else StepVerdict.WORSE if worse_side else StepVerdict.UNCLEAR
    return StepEffect(step, before, after, change, (low, high), verdict)


def _still_on(schedule: Schedule, step: StepUp, today: dt.date) -> bool:
    """The new dose is still prescribed today: its after window may yet fill."""
    dose = schedule.step_on(today)
    return dose is not None and dose.dose_mg == step.to_dose.dose_mg


def _window(
    scores: Mapping[dt.date, int | float | Decimal],
    schedule: Schedule,
    span: tuple[dt.date, dt.date],
    dose_mg: Decimal,
    today: dt.date,
) -> Window:
    """The scores of the days in `span` up to `today` on which `dose_mg` was prescribed."""
    first, last = span
    days = [first + offset * DAY for offset in range((min(last, today) - first).days + 1)]
    on_dose = [day for day in days if (dose := schedule.step_on(day)) is not None and dose.dose_mg == dose_mg]
    scored = [(day, float(scores[day])) for day in on_dose if day in scores]
    return Window(tuple(score for _, score in scored), len(on_dose), _lag_one_correlation(scored))


def _lag_one_correlation(scored: list[tuple[dt.date, float]]) -> float:
    """The correlation of each day's score with the next day's, over pairs of consecutive
    days, clamped to 0–MAX_CORRELATION (0 when it cannot be estimated)."""
    pairs = [
        (a, b) for (day_a, a), (day_b, b) in zip(scored, scored[1:], strict=False) if day_b - day_a == DAY
    ]
    if len(pairs) < 3:
        return 0.0
    try:
        r = statistics.correlation([a for a, _ in pairs], [b for _, b in pairs])
    except statistics.StatisticsError:  # a constant series
        return 0.0
    return min(max(r, 0.0), MAX_CORRELATION)


def _interval(before: Window, after: Window, change: float) -> tuple[float, float]:
    """Welch's 95 % interval of `change`, on the windows' effective numbers of days."""
    n_b, n_a = max(before.effective_days, 2.0), max(after.effective_days, 2.0)
    part_b, part_a = statistics.variance(before.scores) / n_b, statistics.variance(after.scores) / n_a
    error = math.sqrt(part_b + part_a)
    if error == 0:
        return change, change
    freedom = (part_b + part_a) ** 2 / (part_b**2 / (n_b - 1) + part_a**2 / (n_a - 1))
    margin = t_quantile((1 + CONFIDENCE) / 2, freedom) * error
    return change - margin, change + margin


def t_quantile(p: float, freedom: float) -> float:
    """Student's t quantile for probability `p` (0.5 < p < 1) with `freedom` degrees of freedom
    (any positive real), by bisection on the distribution function."""
    low, high = 0.0, 1.0
    while t_cdf(high, freedom) < p:
        high *= 2
    for _ in range(100):
        middle = (low + high) / 2
        low, high = (middle, high) if t_cdf(middle, freedom) < p else (low, middle)
    return (low + high) / 2


def t_cdf(t: float, freedom: float) -> float:
    """Student's t distribution function, through the regularized incomplete beta function."""
    x = freedom / (freedom + t * t)
    tail = 0.5 * _incomplete_beta(freedom / 2, 0.5, x)
    return 1 - tail if t >= 0 else tail


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), by its continued fraction (Lentz's method)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    if x > (a + 1) / (a + b + 2):  # the fraction converges fast only below this point
        return 1 - _incomplete_beta(b, a, 1 - x)
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    tiny = 1e-300
    c, d = 1.0, 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 300):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1 + numerator * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1) < 1e-12:
            break
    return front * result / a
