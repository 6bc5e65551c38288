"""Response assessment for one tracked symptom, aware of which direction is "better".

LDN's effects typically show after 8–10 weeks and full benefit after 3–6 months [003];
"give it three months" before judging [000]. Baseline is the yardstick: what the patient
logged before the first dose, or in its first week (DOMAIN.md, "What this means").
The improvement thresholds are IMMPACT's (Dworkin et al., J Pain 2008; 9:105–121): a fall
of ≥ 30 % on a 0–10 scale is moderately important, ≥ 50 % substantial; 10 % is the floor of
a minimally important change (10–20 %). IMMPACT defines nothing else used here: what counts
as worse or as no change, a baseline of 0, the entries a mean needs and the baseline
fallback are LDN Journal's own rules, and say so (RESPONSE_RULES lists every rule with its
source).

Days are counted from the first dose: day 0 is the first dose date. Every window is
inclusive at both ends and never reaches past `today` (entries dated after today are
ignored). Arithmetic is exact (fractions) so a 30.0 % change is never 29.999 %.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import cached_property

from journal.vocabulary import SCORE_MAX, SCORE_MIN
from journal.wording import Number, as_phrase, date_words, gettext, gettext_noop, ngettext_lazy, phrase

Score = int | float | Decimal
Series = Sequence[tuple[dt.date, Score]]

BASELINE_DAYS = 7  # days -7..-1 before the first dose; fallback days 0..6 on LDN
INITIAL_EFFECT_WINDOW = (56, 70)  # 8–10 weeks after the first dose [003]
FULL_RESPONSE_WINDOW = (91, 182)  # 3–6 months: 13 and 26 weeks after the first dose [003]
LATEST_DAYS = 14  # the "latest" window: the 14 days ending today
INITIAL_NAME, FULL_NAME, LATEST_NAME = "8–10 weeks", "3–6 months", "latest 14 days"
WINDOW_PHRASES = {
    INITIAL_NAME: as_phrase(gettext_noop("the 8–10-week window")),
    FULL_NAME: as_phrase(gettext_noop("the 3–6-month window")),
}
MIN_ENTRIES_TO_JUDGE = 4
SCORE_RANGE = SCORE_MAX - SCORE_MIN

IMMPACT_SOURCE = "IMMPACT, Dworkin et al., J Pain 2008"
OWN_RULE = as_phrase(gettext_noop("LDN Journal's own rule"))


class ResponseClass(StrEnum):
    TOO_EARLY = "too_early"
    BASELINE_TOO_THIN = "baseline_too_thin"
    INSUFFICIENT_DATA = "insufficient_data"
    WORSE = "worse"
    NO_CHANGE = "no_change"
    MINIMAL = "minimal"
    MODERATE = "moderate"
    SUBSTANTIAL = "substantial"

    @property
    def label(self) -> str:
        return gettext(CLASS_LABELS[self])

    @property
    def rank(self) -> int:
        """Sort key for "needs attention first"; see ATTENTION_ORDER."""
        return ATTENTION_ORDER.index(self)

    @property
    def is_judged(self) -> bool:
        """True for a class computed from a baseline and a window (worse to substantial).
        False when the app cannot tell whether LDN helps (too early, baseline too thin, not
        enough entries): such a state must never read, or count, as "no response"."""
        return self in JUDGED_CLASSES


CLASS_LABELS: dict[ResponseClass, str] = {
    ResponseClass.TOO_EARLY: gettext_noop("too early to judge"),
    ResponseClass.BASELINE_TOO_THIN: gettext_noop("baseline too thin"),
    ResponseClass.INSUFFICIENT_DATA: gettext_noop("not enough entries"),
    ResponseClass.WORSE: gettext_noop("worse"),
    ResponseClass.NO_CHANGE: gettext_noop("no change"),
    ResponseClass.MINIMAL: gettext_noop("minimal improvement"),
    ResponseClass.MODERATE: gettext_noop("moderate improvement"),
    ResponseClass.SUBSTANTIAL: gettext_noop("substantial improvement"),
}

# "Needs attention first": getting worse, then judged and not helping, then unjudgeable
# for lack of logging (the patient needs a nudge), then unjudgeable for good for lack of a
# baseline (the clinician judges without a class), then small gains, then not yet due,
# then clear responders.
ATTENTION_ORDER: tuple[ResponseClass, ...] = (
    ResponseClass.WORSE,
    ResponseClass.NO_CHANGE,
    ResponseClass.INSUFFICIENT_DATA,
    ResponseClass.BASELINE_TOO_THIN,
    ResponseClass.MINIMAL,
    ResponseClass.TOO_EARLY,
    ResponseClass.MODERATE,
    ResponseClass.SUBSTANTIAL,
)
JUDGED_CLASSES = frozenset(
    {
        ResponseClass.WORSE,
        ResponseClass.NO_CHANGE,
        ResponseClass.MINIMAL,
        ResponseClass.MODERATE,
        ResponseClass.SUBSTANTIAL,
    }
)

# Improvement in % of baseline → class, checked top-down [IMMPACT]; below the last floor is
# NO_CHANGE unless it is a worsening of at least WORSENING_PERCENT (LDN Journal's own rule).
IMPROVEMENT_THRESHOLDS: tuple[tuple[int, ResponseClass], ...] = (
    (50, ResponseClass.SUBSTANTIAL),
    (30, ResponseClass.MODERATE),
    (10, ResponseClass.MINIMAL),
)
WORSENING_PERCENT = 10


@dataclass(frozen=True)
class ResponseRule:
    """One rule the assessment applies and where it comes from: a published source, or
    OWN_RULE for what the app decides itself. The reasons shown quote these rules, and
    RESPONSE_RULES lists them all, so neither can credit a source that does not say it."""

    text: str
    source: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", as_phrase(self.text))

    @property
    def cited(self) -> str:
        return phrase("{text} ({source})", text=self.text, source=self.source)


CLASS_RULES: dict[ResponseClass, ResponseRule] = {
    ResponseClass.SUBSTANTIAL: ResponseRule(
        gettext_noop("an improvement of 50 % or more is substantial"), IMMPACT_SOURCE
    ),
    ResponseClass.MODERATE: ResponseRule(
        gettext_noop("an improvement of 30 % to under 50 % is moderate"), IMMPACT_SOURCE
    ),
    ResponseClass.MINIMAL: ResponseRule(
        gettext_noop(
            "an improvement of 10 % to under 30 % is minimal, 10 % being the floor of the 10–20 % "
            "that is minimally important"
        ),
        IMMPACT_SOURCE,
    ),
    ResponseClass.NO_CHANGE: ResponseRule(
        gettext_noop("a change of less than 10 %, either way, counts as no change"),
        OWN_RULE,
    ),
    ResponseClass.WORSE: ResponseRule(gettext_noop("a worsening of 10 % or more counts as worse"), OWN_RULE),
}
TOO_EARLY_RULE = ResponseRule(
    gettext_noop(
        "initial effects typically show after 8–10 weeks and full benefit after 3–6 months, so no "
        "class is given before 8 weeks on LDN; give it three months"
    ),
    "[003]; [000]",
)
BASELINE_FALLBACK_RULE = ResponseRule(
    phrase(
        gettext_noop(
            "the baseline is the mean of the {days} days before the first dose; with too few "
            "entries there, the mean of the first {days} days on LDN, flagged since LDN may "
            "already be acting"
        ),
        days=BASELINE_DAYS,
    ),
    OWN_RULE,
)
OWN_BASELINE_RULE = ResponseRule(
    phrase(
        gettext_noop(
            "a symptom first tracked after the first dose has its own baseline: the mean of its "
            "first {days} logged days from the day it was added; the windows are judged on the days "
            "after them"
        ),
        days=BASELINE_DAYS,
    ),
    OWN_RULE,
)
MIN_ENTRIES_RULE = ResponseRule(
    phrase(
        gettext_noop("a baseline and a response window each need at least {count} entries"),
        count=MIN_ENTRIES_TO_JUDGE,
    ),
    OWN_RULE,
)
WINDOW_RULE = ResponseRule(
    gettext_noop(
        "the class comes from the latest window that has started (3–6 months from day 91, else "
        "8–10 weeks) or, when that has too few entries, from the most recent earlier one with "
        "enough; the latest 14 days are shown but never judged"
    ),
    OWN_RULE,
)
ZERO_BASELINE_RULE = ResponseRule(
    phrase(
        gettext_noop(
            "with a baseline of 0 a percent of baseline is undefined, so the change is taken as a "
            "percent of the 0–{scale} scale and the same thresholds applied"
        ),
        scale=SCORE_RANGE,
    ),
    OWN_RULE,
)

# Every rule above, in the order a reader meets them: when, against what, on which window,
# then the classes from best to worst.
RESPONSE_RULES: tuple[ResponseRule, ...] = (
    TOO_EARLY_RULE,
    BASELINE_FALLBACK_RULE,
    OWN_BASELINE_RULE,
    MIN_ENTRIES_RULE,
    WINDOW_RULE,
    *CLASS_RULES.values(),
    ZERO_BASELINE_RULE,
)


@dataclass(frozen=True)
class WindowSummary:
    """One time window's mean and its change from baseline. `change_points` and
    `change_percent` are signed so that positive always means improvement; `change_words`
    is how the change is shown, its percent cut so that it agrees with the class."""

    name: str
    first_day: dt.date | None  # None when there is no first dose to count from
    last_day: dt.date | None
    entries: int
    mean: float | None
    change_points: float | None
    change_percent: float | None
    change_words: str = ""  # describe_change: "2.1 points better (29 %)"


@dataclass(frozen=True)
class SymptomResponse:
    """How one symptom has responded to LDN: the class, the window it was judged on
    (`judged_window`, None when no class could be judged), why no later window was
    (`later_window_note`, "" when none has started and lacks entries), and what was
    measured with the rule that classified it (`reason`)."""

    higher_is_better: bool
    days_on_ldn: int | None
    baseline: float | None
    baseline_entries: int
    baseline_fallback: bool
    baseline_source: str
    initial: WindowSummary
    full: WindowSummary
    latest: WindowSummary
    response_class: ResponseClass
    judged_window: str | None
    later_window_note: str
    reason: str
    own_baseline_from: dt.date | None = None  # a symptom added after the first dose: its own baseline

    @property
    def own_baseline_words(self) -> str:
        """ "Baseline: its first week, from 3 March" for a symptom added after the first dose."""
        if self.own_baseline_from is None:
            return ""
        return phrase(
            gettext_noop("baseline: its first week, from {day}"),
            day=date_words(self.own_baseline_from, "j F"),
        )

    @property
    def judged_on(self) -> str:
        """ "Judged on the 8–10-week window: the 3–6-month window has 2 entries so far
        (4 needed)." A class can rest on an earlier window for good when a later one stays
        thin, and the reader must see that. Empty when no class was judged."""
        if self.judged_window is None:
            return ""
        window = WINDOW_PHRASES[self.judged_window]
        if self.later_window_note:
            return phrase(
                gettext_noop("Judged on {window}: {note}."), window=window, note=self.later_window_note
            )
        return phrase(gettext_noop("Judged on {window}."), window=window)


@dataclass(frozen=True)
class _Window:
    name: str
    first_day: dt.date
    last_day: dt.date
    scores: tuple[Fraction, ...]

    @cached_property  # read several times per judgement; the roster and the outcomes judge many
    def mean(self) -> Fraction | None:
        return sum(self.scores, Fraction(0)) / len(self.scores) if self.scores else None

    @property
    def enough(self) -> bool:
        """Enough entries for a mean to judge by (MIN_ENTRIES_RULE)."""
        return len(self.scores) >= MIN_ENTRIES_TO_JUDGE


def _window(name: str, series: Series, first: dt.date, last: dt.date) -> _Window:
    scores = tuple(Fraction(score) for day, score in series if first <= day <= last)
    return _Window(name, first, last, scores)


def _days_window(name: str, series: Series, first_dose: dt.date, days: tuple[int, int]) -> _Window:
    first, last = (first_dose + dt.timedelta(days=offset) for offset in days)
    return _window(name, series, first, last)


def _entries(scores: Sequence[object], *, first: bool = False) -> str:
    """ "3 entries", "no entries" ("No entries" `first` in a sentence)."""
    if not scores:
        return phrase(gettext_noop("No entries")) if first else phrase(gettext_noop("no entries"))
    return ngettext_lazy("{count} entry", "{count} entries", len(scores))


def _own_baseline(series: Series, tracked_from: dt.date, today: dt.date) -> tuple[_Window, str]:
    """A symptom first tracked after the first dose never had a week before it: its yardstick
    is its own first BASELINE_DAYS logged days from the day it was added (OWN_BASELINE_RULE),
    so it is judged against LDN already at work, and the windows judged start after them."""
    logged = sorted({day for day, _score in series if day >= tracked_from})[:BASELINE_DAYS]
    last = logged[-1] if len(logged) == BASELINE_DAYS else today
    baseline = _window("baseline", series, tracked_from, last)
    words = phrase(
        gettext_noop(
            "Baseline: its first week, from {day}: the mean of {entries} on its first {days} logged "
            "days, since it was added after the first dose ({rule})."
        ),
        day=date_words(tracked_from, "j F Y"),
        entries=_entries(baseline.scores),
        days=BASELINE_DAYS,
        rule=OWN_RULE,
    )
    return baseline, words


def _baseline(series: Series, first_dose: dt.date | None) -> tuple[_Window | None, bool, str]:
    """The 7 days before the first dose when they hold enough entries; else the first 7 days
    on LDN when those do (flagged as a fallback, since LDN may already be acting); else
    whichever has entries, returned so it can be shown, but too thin to judge against.
    A thin week before the first dose does not block the fallback: one stray entry there
    must not leave a patient who logged their whole first week without a class."""
    if first_dose is None:
        return None, False, phrase(gettext_noop("No first dose recorded, so there is no baseline yet."))
    before = _days_window("baseline", series, first_dose, (-BASELINE_DAYS, -1))
    if before.enough:
        return (
            before,
            False,
            phrase(
                gettext_noop("Mean of {entries} in the {days} days before the first dose."),
                entries=_entries(before.scores),
                days=BASELINE_DAYS,
            ),
        )
    in_before = phrase(
        gettext_noop("{entries} in the {days} days before the first dose"),
        entries=_entries(before.scores, first=True),
        days=BASELINE_DAYS,
    )
    first_week = _days_window("baseline", series, first_dose, (0, BASELINE_DAYS - 1))
    if first_week.enough:
        return (
            first_week,
            True,
            phrase(
                gettext_noop(
                    "{before}, so the baseline is the mean of {entries} in the first {days} days "
                    "on LDN ({rule})."
                ),
                before=in_before,
                entries=_entries(first_week.scores),
                days=BASELINE_DAYS,
                rule=OWN_RULE,
            ),
        )
    thin = before if before.scores else first_week if first_week.scores else None
    return (
        thin,
        thin is first_week,
        phrase(
            gettext_noop(
                "{before} and {entries} in the first {days} days on LDN: "
                "too few for a baseline ({needed} needed)."
            ),
            before=in_before,
            entries=_entries(first_week.scores),
            days=BASELINE_DAYS,
            needed=MIN_ENTRIES_TO_JUDGE,
        ),
    )


def _improvement(baseline: Fraction, mean: Fraction, higher_is_better: bool) -> Fraction:
    """Signed so that positive is better: a fall in pain, a rise in sleep quality."""
    return mean - baseline if higher_is_better else baseline - mean


def _percent(points: Fraction, baseline: Fraction) -> Fraction | None:
    return None if baseline == 0 else points * 100 / baseline


def _as_float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _summary(
    window: _Window | None, name: str, baseline: Fraction | None, higher_is_better: bool
) -> WindowSummary:
    if window is None:
        return WindowSummary(name, None, None, 0, None, None, None)
    mean = window.mean
    if mean is None or baseline is None:
        return WindowSummary(
            name, window.first_day, window.last_day, len(window.scores), _as_float(mean), None, None
        )
    points = _improvement(baseline, mean, higher_is_better)
    return WindowSummary(
        name,
        window.first_day,
        window.last_day,
        len(window.scores),
        _as_float(mean),
        _as_float(points),
        _as_float(_percent(points, baseline)),
        describe_change(points, baseline),
    )


def classify_improvement(percent: Fraction | float) -> ResponseClass:
    """Class for an improvement in % (negative = worse), looked up in the threshold table."""
    if percent <= -WORSENING_PERCENT:
        return ResponseClass.WORSE
    for floor, response_class in IMPROVEMENT_THRESHOLDS:
        if percent >= floor:
            return response_class
    return ResponseClass.NO_CHANGE


def _fmt(value: Fraction) -> str:
    return Number(f"{float(value):.1f}")


def class_percent(points: Fraction, baseline: Fraction) -> Fraction:
    """The percent a class is computed from: of the baseline, or, with a baseline of 0, of
    the 0–10 scale. With a baseline of 0 a percent of baseline is undefined (pain at 0
    cannot fall; sleep at 0 would give an infinite %), so the same thresholds are applied
    to the whole scale instead: 1 point = 10 %, 3 points = 30 %, 5 points = 50 %."""
    return points * 100 / (baseline or SCORE_RANGE)


def cut_toward_zero(value: Fraction, places: int = 0) -> Fraction:
    """`value` cut (never rounded) to `places` decimals, toward zero: how the figure a class
    is computed from is shown. Every threshold is a whole percent (IMPROVEMENT_THRESHOLDS,
    WORSENING_PERCENT), so a percent cut to whole percent reaches exactly the thresholds the
    exact one reaches: 29.6 % shows as 29 %, not as the 30 % that would contradict "minimal
    improvement"."""
    step = 10**places
    return Fraction(math.trunc(value * step), step)


def _magnitude(value: Fraction, places: int, *, cut: bool) -> str:
    """|value| to `places` decimals, cut toward zero or rounded; "under 0.1" (or "under 1")
    when that leaves nothing of a change that is there."""
    shown = abs(cut_toward_zero(value, places) if cut else round(value, places))
    if shown == 0 and value != 0:
        return phrase(gettext_noop("under {figure}"), figure=Number(f"{10**-places:.{places}f}"))
    return Number(f"{float(shown):.{places}f}")


def describe_change(points: Fraction, baseline: Fraction) -> str:
    """A change from baseline in words, positive meaning better whatever the direction:
    "2.1 points better (29 %)". The percent is the one the class is computed from
    (`class_percent`), cut toward zero to whole percent. The points are rounded to 0.1, like
    the means they are the difference of, except with a baseline of 0: then they are what
    the class is computed from (1 point = 10 % of the scale) and are cut the same way, so
    "0.96 points" never reads "1.0 points (9 %)"."""
    if points == 0:
        return phrase(gettext_noop("unchanged"))
    if baseline:
        words = (
            gettext_noop("{points} points better ({percent} %)")
            if points > 0
            else gettext_noop("{points} points worse ({percent} %)")
        )
    else:
        words = (
            gettext_noop("{points} points better ({percent} % of the 0–{scale} scale)")
            if points > 0
            else gettext_noop("{points} points worse ({percent} % of the 0–{scale} scale)")
        )
    values = {"points": _magnitude(points, 1, cut=not baseline)}
    values["percent"] = _magnitude(class_percent(points, baseline), 0, cut=True)
    return phrase(words, **values) if baseline else phrase(words, scale=SCORE_RANGE, **values)


def _classify(baseline: Fraction, mean: Fraction, higher_is_better: bool) -> tuple[ResponseClass, str]:
    points = _improvement(baseline, mean, higher_is_better)
    response_class = classify_improvement(class_percent(points, baseline))
    measured = phrase(
        gettext_noop("Mean {mean} against a baseline of {baseline}, {change}"),
        mean=_fmt(mean),
        baseline=_fmt(baseline),
        change=describe_change(points, baseline),
    )
    rules = [CLASS_RULES[response_class]]
    if not baseline:
        rules.insert(0, ZERO_BASELINE_RULE)
    cited = [rule.cited for rule in rules]
    if len(cited) == 1:
        return response_class, phrase("{measured}; {rule}.", measured=measured, rule=cited[0])
    return response_class, phrase(
        "{measured}; {zero}; {rule}.", measured=measured, zero=cited[0], rule=cited[1]
    )


def _started_windows(initial: _Window, full: _Window, today: dt.date) -> list[_Window]:
    """Windows that have started, latest first."""
    return [window for window in (full, initial) if window.first_day <= today]


def _entries_so_far(window: _Window, today: dt.date) -> str:
    """ "2 entries so far" while the window is still open, "2 entries" once it has closed."""
    if window.last_day >= today:
        return phrase(gettext_noop("{entries} so far"), entries=_entries(window.scores))
    return _entries(window.scores)


TOO_EARLY_REASON = phrase(gettext_noop("Too early: {rule}."), rule=TOO_EARLY_RULE.cited)


@dataclass(frozen=True)
class _Judgement:
    response_class: ResponseClass
    reason: str
    window: str | None = None
    later_window_note: str = ""


def _lacks_entries(window: _Window, today: dt.date) -> str:
    """Why a later window is not the one judged: "the 3–6-month window has 2 entries so far
    (4 needed)"."""
    return phrase(
        gettext_noop("{window} has {entries} ({needed} needed)"),
        window=WINDOW_PHRASES[window.name],
        entries=_entries_so_far(window, today),
        needed=MIN_ENTRIES_TO_JUDGE,
    )


def _judge(
    baseline: _Window | None, initial: _Window, full: _Window, today: dt.date, higher_is_better: bool
) -> _Judgement:
    """Which window is judged: the latest window that has started (3–6 months from day 91,
    else 8–10 weeks); if it holds fewer than 4 entries, the most recent earlier window that
    does. Under 56 days → TOO_EARLY; a baseline of fewer than 4 entries → BASELINE_TOO_THIN
    (a mean of one or two days is no yardstick, and unlike a window it cannot fill up
    later); no started window with 4 entries → INSUFFICIENT_DATA, which names each window
    and its count, since it is a gap in logging, not a lack of response. The latest-14-day
    mean is shown, never judged: it is too short and too noisy for a responder call."""
    started = _started_windows(initial, full, today)
    if not started:
        return _Judgement(ResponseClass.TOO_EARLY, TOO_EARLY_REASON)
    if baseline is None or not baseline.enough:
        return _Judgement(
            ResponseClass.BASELINE_TOO_THIN,
            phrase(
                gettext_noop(
                    "The baseline has {entries}; {rule}, so no class is given. "
                    "Judge the change with the patient."
                ),
                entries=_entries(baseline.scores if baseline else ()),
                rule=MIN_ENTRIES_RULE.cited,
            ),
        )
    for index, window in enumerate(started):
        if window.enough and baseline.mean is not None and window.mean is not None:
            response_class, reason = _classify(baseline.mean, window.mean, higher_is_better)
            later_windows = started[:index]  # started later, and too thin to judge
            # At most one window starts later than another (two in all).
            note = _lacks_entries(later_windows[0], today) if later_windows else ""
            return _Judgement(response_class, reason, window.name, note)
    counts = {"rule": MIN_ENTRIES_RULE.cited}
    for number, window in enumerate(started, start=1):
        counts[f"window{number}"] = WINDOW_PHRASES[window.name]
        counts[f"entries{number}"] = _entries_so_far(window, today)
    if len(started) == 1:
        reason = phrase(gettext_noop("Not enough entries in {window1} ({entries1}): {rule}."), **counts)
    else:
        reason = phrase(
            gettext_noop(
                "Not enough entries in {window1} ({entries1}) or in {window2} ({entries2}): {rule}."
            ),
            **counts,
        )
    return _Judgement(ResponseClass.INSUFFICIENT_DATA, reason)


def assess_symptom(
    first_dose_date: dt.date | None,
    today: dt.date,
    series: Series,
    higher_is_better: bool,
    tracked_from: dt.date | None = None,
) -> SymptomResponse:
    """Assess one symptom's (date, score) series against its baseline. Without a first dose
    the result is TOO_EARLY and only the latest-14-day mean is filled in. `tracked_from` is
    the day the symptom was first tracked (None: since the record was opened); after the
    first dose, the symptom has its own baseline (`_own_baseline`)."""
    series = [(day, score) for day, score in series if day <= today]
    own = first_dose_date is not None and tracked_from is not None and tracked_from > first_dose_date
    baseline: _Window | None
    if own and tracked_from is not None:
        own_baseline, source = _own_baseline(series, tracked_from, today)
        baseline, fallback = own_baseline, False
        series = [(day, score) for day, score in series if day > own_baseline.last_day]
    else:
        baseline, fallback, source = _baseline(series, first_dose_date)
    yardstick = baseline.mean if baseline and baseline.enough else None
    latest = _window(LATEST_NAME, series, today - dt.timedelta(days=LATEST_DAYS - 1), today)
    initial = full = None
    days_on_ldn = None
    judgement = _Judgement(
        ResponseClass.TOO_EARLY, phrase(gettext_noop("Too early: no first dose recorded yet."))
    )
    if first_dose_date is not None:
        initial = _days_window(INITIAL_NAME, series, first_dose_date, INITIAL_EFFECT_WINDOW)
        full = _days_window(FULL_NAME, series, first_dose_date, FULL_RESPONSE_WINDOW)
        days_on_ldn = (today - first_dose_date).days
        judgement = _judge(baseline, initial, full, today, higher_is_better)
    return SymptomResponse(
        higher_is_better=higher_is_better,
        days_on_ldn=days_on_ldn,
        baseline=_as_float(baseline.mean if baseline else None),
        baseline_entries=len(baseline.scores) if baseline else 0,
        baseline_fallback=fallback,
        baseline_source=source,
        initial=_summary(initial, INITIAL_NAME, yardstick, higher_is_better),
        full=_summary(full, FULL_NAME, yardstick, higher_is_better),
        latest=_summary(latest, LATEST_NAME, yardstick, higher_is_better),
        response_class=judgement.response_class,
        judged_window=judgement.window,
        later_window_note=judgement.later_window_note,
        reason=judgement.reason,
        own_baseline_from=tracked_from if own else None,
    )


def rolling_mean(series: Iterable[tuple[dt.date, Score]], days: int = 7) -> list[tuple[dt.date, float]]:
    """A trailing mean for charts: one point per date that has a score, averaging every
    score in the `days` calendar days ending on that date. Calendar days rather than
    entries, so a gap in logging does not stretch the window back in time."""
    ordered = sorted(series, key=lambda pair: pair[0])
    points: list[tuple[dt.date, float]] = []
    total, oldest = Fraction(0), 0
    for newest, (day, score) in enumerate(ordered):
        total += Fraction(score)
        while ordered[oldest][0] <= day - dt.timedelta(days=days):
            total -= Fraction(ordered[oldest][1])
            oldest += 1
        point = (day, float(total / (newest - oldest + 1)))
        if points and points[-1][0] == day:
            points[-1] = point  # several scores on one date: keep the one including all
        else:
            points.append(point)
    return points


class Progress(StrEnum):
    """How a symptom has gone for the patient's own eyes: the clinician's class in plain terms,
    without thresholds or class names. `BETTER` covers minimal to substantial improvement."""

    NOT_STARTED = "not_started"  # no first dose yet
    TOO_EARLY = "too_early"  # before 8 weeks on LDN
    NO_BASELINE = "no_baseline"  # too few scores before LDN to compare with
    TOO_FEW = "too_few"  # too few scores in the weeks that count
    BETTER = "better"
    SAME = "same"
    WORSE = "worse"


PROGRESS_OF_CLASS: dict[ResponseClass, Progress] = {
    ResponseClass.TOO_EARLY: Progress.TOO_EARLY,
    ResponseClass.BASELINE_TOO_THIN: Progress.NO_BASELINE,
    ResponseClass.INSUFFICIENT_DATA: Progress.TOO_FEW,
    ResponseClass.WORSE: Progress.WORSE,
    ResponseClass.NO_CHANGE: Progress.SAME,
    ResponseClass.MINIMAL: Progress.BETTER,
    ResponseClass.MODERATE: Progress.BETTER,
    ResponseClass.SUBSTANTIAL: Progress.BETTER,
}


@dataclass(frozen=True)
class PatientProgress:
    """What the patient's summary of one symptom says. `before` is the baseline mean and
    `after` the mean the class was judged on (while it is too early, the latest 14 days', when
    both have enough entries to mean something); `went_up` tells whether the score rose."""

    progress: Progress
    before: float | None
    after: float | None
    first_week: bool = False  # the baseline is the first week on LDN (too few scores before it)

    @property
    def went_up(self) -> bool | None:
        if self.before is None or self.after is None or self.before == self.after:
            return None
        return self.after > self.before


def patient_progress(response: SymptomResponse) -> PatientProgress:
    """The patient's summary of `response`, read from the class the clinician sees (never
    judged again here): the same baseline, the same window, the same verdict."""
    if response.days_on_ldn is None:
        return PatientProgress(Progress.NOT_STARTED, None, None)
    progress = PROGRESS_OF_CLASS[response.response_class]
    judged = {INITIAL_NAME: response.initial, FULL_NAME: response.full}.get(response.judged_window or "")
    first_week = response.baseline_fallback
    if judged is not None:
        return PatientProgress(progress, response.baseline, judged.mean, first_week)
    # The latest 14 days must all be on LDN and hold enough scores, or "so far" would mix in
    # the baseline itself.
    enough = (
        response.days_on_ldn >= LATEST_DAYS - 1
        and response.baseline_entries >= MIN_ENTRIES_TO_JUDGE
        and response.latest.entries >= MIN_ENTRIES_TO_JUDGE
    )
    if progress is Progress.TOO_EARLY and enough:
        return PatientProgress(progress, response.baseline, response.latest.mean, first_week)
    return PatientProgress(progress, None, None)
