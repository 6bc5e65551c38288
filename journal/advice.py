"""Titration advice for the clinician: rules that suggest, never act.

Each rule looks at plain data about one patient (`AdviceInput`) and returns zero or more
`AdviceCard`s with the evidence it fired on and the reason from DOMAIN.md. A card's `key`
names the rule and the evidence, so a clinician who dismisses a card is not shown the same
card again, while new evidence (a new step, a new week, a new milestone) raises a new one.

Rules (sources in brackets are the articles listed in DOMAIN.md):
- step_up_side_effects: moderate or severe side effects on at least 3 of the 7 days after a
  step up [000, 003].
- sleep_after_bedtime_step: insomnia or vivid dreams more than 14 days after a bedtime
  step [003, 004].
- plan_review: 12 weeks on LDN and no symptom with a moderate or substantial response
  [000, 003].
- low_adherence: fewer than 70 % of prescribed doses taken in the last 14 days.
- thyroid_review: a patient on thyroid medication with hyperthyroid signs, or on replacement
  hormone with a falling TSH [000, 003].
- safety_alert: a blocking safety finding, such as an opioid taken while LDN is prescribed
  [003, 004].

What is prescribed comes from the patient's one `Schedule`, so advice never speaks of a
dose that has ended, is paused or was never in force; the safety card and the thyroid
wording come from the one `SafetyState`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from journal.labs import TSH, LabValue, latest_pair, result_words
from journal.response import ResponseClass
from journal.safety import SafetyState, ThyroidKind
from journal.schedule import DAY, Dose, Schedule
from journal.vocabulary import side_effect_words
from journal.wording import Listing, as_phrase, gettext, gettext_noop, ngettext, phrase

RULE_STEP_UP_SIDE_EFFECTS = "step_up_side_effects"
RULE_SLEEP_AFTER_BEDTIME_STEP = "sleep_after_bedtime_step"
RULE_PLAN_REVIEW = "plan_review"
RULE_LOW_ADHERENCE = "low_adherence"
RULE_THYROID_REVIEW = "thyroid_review"
RULE_SAFETY_ALERT = "safety_alert"

# Why each rule suggests what it does; the cards and the rulebook page show these.
REASONS: dict[str, str] = {
    RULE_STEP_UP_SIDE_EFFECTS: as_phrase(
        gettext_noop(
            "Side effects appear when starting or increasing the dose and usually settle "
            "within a couple of weeks, or by moving the dose to the morning [003]. A "
            "slower build-up reduces side effects, and the dose can be lowered when they "
            "appear [000]."
        )
    ),
    RULE_SLEEP_AFTER_BEDTIME_STEP: as_phrase(
        gettext_noop(
            "Sleep disturbance and vivid dreams usually resolve within a couple of weeks "
            "or by moving the dose to the morning [003, 004]; Bihari preferred a lower "
            "dose (1.5–2 mg) to a morning dose [004]."
        )
    ),
    RULE_PLAN_REVIEW: as_phrase(
        gettext_noop(
            '"Give it three months" before judging [000]; initial effects typically '
            "show after 8–10 weeks and full benefit after 3–6 months [003]. A response "
            "counts from an improvement of 30 % (IMMPACT, Dworkin et al., J Pain 2008)."
        )
    ),
    RULE_LOW_ADHERENCE: as_phrase(
        gettext_noop(
            "The response can only be judged on doses actually taken, and the daily entry "
            "records what was taken. Below 70 % (of prescribed days; unlogged days count "
            "as not taken) the record cannot support a judgement (the app's own threshold, 70 %)."
        )
    ),
    RULE_THYROID_REVIEW: as_phrase(
        gettext_noop(
            "As thyroid function improves on LDN the thyroid medicine's dose may need "
            "adjusting; heat intolerance, poor sleep and palpitations are the signs to watch "
            "[000, 003]. On replacement hormone a falling TSH is the same change seen in the "
            "laboratory: the dose may be becoming too high before the signs show. A fall below the "
            "laboratory's lower limit, or to half the previous value, is clearer than the "
            "day-to-day and between-sample variation of TSH (the app's own thresholds)."
        )
    ),
}

STEP_UP_WINDOW_DAYS = 7  # days 0–6, the step date being day 0
STEP_UP_MIN_BAD_DAYS = 3
# Four weeks after a step the question "hold or step back from this step-up?" has been
# answered by events; side effects that persist are caught by the sleep rule or the review.
STEP_UP_ADVICE_LAPSES_AFTER_DAYS = 28
TROUBLING_SEVERITIES = frozenset({"moderate", "severe"})
SLEEP_SETTLING_DAYS = 14  # side effects usually resolve within a couple of weeks [003]
SLEEP_SIDE_EFFECTS = frozenset({"insomnia", "vivid_dreams"})
BIHARI_LOWER_TO = (Decimal("1.5"), Decimal("2"))  # Bihari lowered to 1.5–2 mg rather than move it [004]
# (days on LDN, label): "give it three months" [000]; full benefit after 3–6 months [003].
REVIEW_MILESTONES: tuple[tuple[int, str], ...] = (
    (84, gettext_noop("12 weeks")),
    (182, gettext_noop("6 months")),
)
RESPONDER_CLASSES = frozenset({ResponseClass.MODERATE, ResponseClass.SUBSTANTIAL})
ADHERENCE_DAYS = 14
ADHERENCE_THRESHOLD = 0.70
MIN_PRESCRIBED_DAYS_FOR_ADHERENCE = 7
THYROID_LOOKBACK_DAYS = 14
# A TSH result is evidence while it is recent: a thyroid dose is reviewed within months [003].
TSH_RECENT_DAYS = 182
TSH_CLEAR_FALL = Decimal("0.5")  # the latest TSH at most half the previous one
# Hyperthyroid signs in free text (word starts, case-insensitive) [000, 003]; poor sleep is
# covered by insomnia reports.
THYROID_SIGN_PATTERNS: tuple[str, ...] = (
    r"palpitat",
    r"heart\s+(?:is\s+)?(?:racing|pounding)",
    r"(?:racing|pounding)\s+heart",
    r"heat\s+intoleran",
    r"intoleran\w*\s+(?:to|of)\s+heat",
    r"overheat",
)
_THYROID_SIGNS = re.compile("|".join(rf"\b{p}" for p in THYROID_SIGN_PATTERNS), re.IGNORECASE)

# What each rule does, as the rulebook page says it (each rule's docstring says it for the code).
DESCRIPTIONS: dict[str, str] = {
    RULE_SAFETY_ALERT: phrase(
        gettext_noop(
            "One card per blocking safety finding (an opioid taken while LDN is prescribed, an LDN "
            "dose too soon after the last opioid dose). The key names the finding, so a dismissed "
            "card stays dismissed while the same finding holds."
        )
    ),
    RULE_STEP_UP_SIDE_EFFECTS: phrase(
        gettext_noop(
            "Fires for the dose prescribed today when its step raised the dose (the first step "
            "counts as a step up from nothing: side effects appear on starting as well as on "
            "increasing [003]) and moderate or severe side effects were reported on at least "
            "{bad_days} of days 0–{last_day} from the step date. Once a later step is in force the "
            "card goes: the clinician has acted or the plan has moved on, and the new step is judged "
            "on its own. It also lapses {lapse_days} days after the step, when side effects have "
            "usually settled [003] and the card would be noise; nothing prescribed today (a pause, "
            "a plan ended) raises no card."
        ),
        bad_days=STEP_UP_MIN_BAD_DAYS,
        last_day=STEP_UP_WINDOW_DAYS - 1,
        lapse_days=STEP_UP_ADVICE_LAPSES_AFTER_DAYS,
    ),
    RULE_SLEEP_AFTER_BEDTIME_STEP: phrase(
        gettext_noop(
            "Fires when the dose prescribed today is taken at bedtime and insomnia or vivid dreams "
            "(any severity) were reported on a day more than {days} days after its step began. "
            "Lowering to {low}–{high} mg is suggested only to a patient above {high} mg."
        ),
        days=SLEEP_SETTLING_DAYS,
        low=BIHARI_LOWER_TO[0],
        high=BIHARI_LOWER_TO[1],
    ),
    RULE_PLAN_REVIEW: phrase(
        gettext_noop(
            "Fires from {weeks} weeks (day {day}) on LDN when at least one tracked symptom could be "
            "judged and none has a moderate or substantial response. A symptom that cannot be judged "
            "(too few entries, a thin baseline) is not “no response”: with nothing judged the card "
            "stays away, and the response table says why. The key names the milestone reached "
            "({first}, then {second}), so a card dismissed at {first} comes back at {second} if "
            "nothing has changed."
        ),
        weeks=REVIEW_MILESTONES[0][0] // 7,
        day=REVIEW_MILESTONES[0][0],
        first=as_phrase(REVIEW_MILESTONES[0][1]),
        second=as_phrase(REVIEW_MILESTONES[1][1]),
    ),
    RULE_LOW_ADHERENCE: phrase(
        gettext_noop(
            "Fires when fewer than {percent} of prescribed doses in the last {days} days were "
            "logged as taken, judged only once at least {least} days were prescribed (fewer is too "
            "little to call a pattern). The key is the ISO week, so a dismissed card comes back "
            "next week if adherence is still low."
        ),
        percent=f"{ADHERENCE_THRESHOLD:.0%}".replace("%", " %"),
        days=ADHERENCE_DAYS,
        least=MIN_PRESCRIBED_DAYS_FOR_ADHERENCE,
    ),
    RULE_THYROID_REVIEW: phrase(
        gettext_noop(
            "Fires for a patient on thyroid medication (the one thyroid status: screening or "
            "medication list) who, in the last {days} days, reported insomnia — not within {days} "
            "days of a step, when LDN itself causes it — or palpitations or heat intolerance in a "
            "side effect's text or a note; and, as a card of its own, for a patient on thyroid "
            "replacement hormone whose latest TSH, sampled on LDN within the last {weeks} weeks, is "
            "lower than the one before it (in the same unit) and either below the laboratory's "
            "lower limit or at most half the previous value. The wording follows the medicine's "
            "direction: too much replacement hormone, or an antithyroid medicine not yet holding "
            "the thyroid down. The signs typed in a text are matched in English only, and negations "
            "(“no palpitations”) are not understood: a card to dismiss beats a missed sign. The key "
            "is the earliest sign in the window, or the latest TSH's date."
        ),
        days=THYROID_LOOKBACK_DAYS,
        weeks=TSH_RECENT_DAYS // 7,
    ),
}


class ReportedSideEffect(NamedTuple):
    day: dt.date
    kind: str  # journal.models.SideEffectKind value
    severity: str  # "mild" | "moderate" | "severe"
    text: str = ""  # what the patient typed for kind "other"


class LoggedDose(NamedTuple):
    day: dt.date
    dose_taken: bool


class PatientNote(NamedTuple):
    day: dt.date
    text: str


@dataclass(frozen=True)
class AdviceInput:
    """Everything the rules look at. Plain tuples are accepted for the record types."""

    today: dt.date
    schedule: Schedule = field(default_factory=Schedule)
    side_effects: Sequence[ReportedSideEffect] = ()
    entries: Sequence[LoggedDose] = ()
    responses: Mapping[str, ResponseClass] = field(default_factory=dict)
    safety: SafetyState | None = None
    notes: Sequence[PatientNote] = ()
    labs: Sequence[LabValue] = ()

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "side_effects", tuple(ReportedSideEffect(*report) for report in self.side_effects)
        )
        object.__setattr__(self, "entries", tuple(LoggedDose(*entry) for entry in self.entries))
        object.__setattr__(self, "notes", tuple(PatientNote(*note) for note in self.notes))
        object.__setattr__(
            self, "responses", {name: ResponseClass(cls) for name, cls in self.responses.items()}
        )

    @property
    def first_dose_date(self) -> dt.date | None:
        return self.schedule.first_dose

    @property
    def prescribed_today(self) -> Dose | None:
        """The step the patient is on today (on a day without a dose of an every-other-day
        step too: the advice is about the step, not the day)."""
        return self.schedule.step_on(self.today)


@dataclass(frozen=True)
class AdviceCard:
    """One suggestion for the clinician, with the evidence it rests on and why."""

    rule: str
    key: str
    title: str
    suggestion: str
    evidence: tuple[str, ...]
    reason: str


# --- small helpers ------------------------------------------------------------------------


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + offset * DAY for offset in range((last - first).days + 1)]


@dataclass(frozen=True)
class AdherenceCount:
    taken: int
    prescribed: int
    not_logged: tuple[dt.date, ...]
    not_taken: tuple[dt.date, ...]

    @property
    def rate(self) -> float | None:
        return self.taken / self.prescribed if self.prescribed else None

    @property
    def percent(self) -> int | None:
        """The rate as a whole percent, rounded half up (13 of 14 is 93 %)."""
        return None if self.prescribed == 0 else (200 * self.taken + self.prescribed) // (2 * self.prescribed)

    @property
    def in_words(self) -> str:
        """ "12 of 14 prescribed days (86 %), 1 not logged", or "no dose prescribed"."""
        if not self.prescribed:
            return gettext("no dose prescribed")
        words = gettext("%(taken)d of %(prescribed)d prescribed days (%(percent)d %%)") % {
            "taken": self.taken,
            "prescribed": self.prescribed,
            "percent": self.percent,
        }
        if not self.not_logged:
            return words
        count = len(self.not_logged)
        return words + ngettext(", %(count)d not logged", ", %(count)d not logged", count) % {"count": count}


def count_adherence(
    entries: Iterable[tuple[dt.date, bool]],
    prescribed_days: Collection[dt.date],
    today: dt.date,
    days: int = ADHERENCE_DAYS,
) -> AdherenceCount:
    """Taken and prescribed days in the `days` days ending today (`count_adherence_between`)."""
    return count_adherence_between(entries, prescribed_days, today - (days - 1) * DAY, today, today)


def count_adherence_between(
    entries: Iterable[tuple[dt.date, bool]],
    prescribed_days: Collection[dt.date],
    first: dt.date,
    last: dt.date,
    today: dt.date,
) -> AdherenceCount:
    """Taken and prescribed days from `first` to `last`: a dose taken on a day without one
    prescribed is not counted. A prescribed day without an entry counts as not taken, except
    today itself: until today's entry is logged the day is not over, so it is left out rather
    than counted as missed."""
    taken_by_day = dict(entries)
    window = _days(first, last)
    counted = [day for day in window if day in prescribed_days and (day != today or day in taken_by_day)]
    return AdherenceCount(
        taken=sum(1 for day in counted if taken_by_day.get(day) is True),
        prescribed=len(counted),
        not_logged=tuple(day for day in counted if day not in taken_by_day),
        not_taken=tuple(day for day in counted if taken_by_day.get(day) is False),
    )


def adherence(
    entries: Iterable[tuple[dt.date, bool]],
    prescribed_days: Collection[dt.date],
    today: dt.date,
    days: int = ADHERENCE_DAYS,
) -> float | None:
    """Share (0–1) of prescribed days in the last `days` days with the dose logged as taken;
    None when no dose was prescribed. See `count_adherence` for how days are counted."""
    return count_adherence(entries, prescribed_days, today, days).rate


def recent_adherence(inp: AdviceInput) -> AdherenceCount:
    """Doses taken out of doses prescribed in the 14 days to today."""
    prescribed = inp.schedule.prescribed_days(inp.today - (ADHERENCE_DAYS - 1) * DAY, inp.today)
    return count_adherence(inp.entries, prescribed, inp.today)


# --- rules --------------------------------------------------------------------------------


def _dates(days: Iterable[dt.date]) -> str:
    return ", ".join(day.isoformat() for day in days)


def _reports_by_day(reports: Iterable[ReportedSideEffect]) -> dict[dt.date, list[str]]:
    by_day: dict[dt.date, list[str]] = {}
    for report in sorted(reports):
        by_day.setdefault(report.day, []).append(side_effect_words(report.kind, report.severity))
    return by_day


def _on_day(day: dt.date, words: str) -> str:
    """An evidence line: "2026-03-04: Headache (moderate)"."""
    return phrase(gettext_noop("{day}: {words}"), day=day.isoformat(), words=words)


# (stepped up from a dose, taken at bedtime) → what the step-up card suggests.
STEP_UP_SUGGESTIONS = {
    (True, True): gettext_noop(
        "Consider holding at {dose} mg for longer, or stepping back to {previous} mg, or moving the "
        "dose to the morning."
    ),
    (True, False): gettext_noop(
        "Consider holding at {dose} mg for longer, or stepping back to {previous} mg."
    ),
    (False, True): gettext_noop(
        "Consider holding at {dose} mg for longer, or a lower starting dose, or moving the dose to "
        "the morning."
    ),
    (False, False): gettext_noop("Consider holding at {dose} mg for longer, or a lower starting dose."),
}


def step_up_side_effects(inp: AdviceInput) -> list[AdviceCard]:
    """Fires for the dose prescribed today when its step raised the dose (the first step
    counts as a step up from nothing: side effects appear on starting as well as on
    increasing [003]) and moderate or severe side effects were reported on at least 3 of
    days 0–6 from the step date. Once a later step is in force the card goes: the
    clinician has acted or the plan has moved on, and the new step is judged on its own.
    It also lapses 28 days after the step, when side effects have usually settled [003]
    and the card would be noise; nothing prescribed today (a pause, a plan ended) raises
    no card."""
    step = inp.prescribed_today
    if step is None:
        return []
    before = inp.schedule.last_dose_before(step.start_date)
    previous = before.dose_mg if before else Decimal(0)
    lapsed = inp.today >= step.start_date + STEP_UP_ADVICE_LAPSES_AFTER_DAYS * DAY
    if step.dose_mg <= previous or lapsed:
        return []
    last_day = step.start_date + (STEP_UP_WINDOW_DAYS - 1) * DAY
    troubling = [
        r
        for r in inp.side_effects
        if step.start_date <= r.day <= last_day and r.severity in TROUBLING_SEVERITIES
    ]
    by_day = _reports_by_day(troubling)
    if len(by_day) < STEP_UP_MIN_BAD_DAYS:
        return []
    suggestion = STEP_UP_SUGGESTIONS[(bool(previous), step.timing == "bedtime")]
    return [
        AdviceCard(
            rule=RULE_STEP_UP_SIDE_EFFECTS,
            key=f"{RULE_STEP_UP_SIDE_EFFECTS}:{step.start_date.isoformat()}",
            title=phrase(gettext_noop("Side effects after the step to {dose} mg"), dose=step.dose_mg),
            suggestion=phrase(suggestion, dose=step.dose_mg, previous=previous),
            evidence=(
                phrase(
                    gettext_noop("Step from {previous} mg to {dose} mg on {day}"),
                    previous=previous,
                    dose=step.dose_mg,
                    day=step.start_date.isoformat(),
                ),
                *(_on_day(day, Listing(kinds)) for day, kinds in by_day.items()),
            ),
            reason=REASONS[RULE_STEP_UP_SIDE_EFFECTS],
        )
    ]


def _sleep_suggestion(step: Dose) -> str:
    low, high = BIHARI_LOWER_TO
    if step.dose_mg > high:
        return phrase(
            gettext_noop(
                "Consider moving the dose ({dose}) to the morning [003, 004], or lowering it: Bihari "
                "preferred lowering to {low}–{high} mg over moving it to the morning [004]. The sources "
                "differ; the choice is yours."
            ),
            dose=step.phrase,
            low=low,
            high=high,
        )
    return phrase(
        gettext_noop(
            "Consider moving the dose ({dose}) to the morning [003, 004], or lowering it further; the "
            "choice is yours."
        ),
        dose=step.phrase,
    )


def sleep_after_bedtime_step(inp: AdviceInput) -> list[AdviceCard]:
    """Fires when the dose prescribed today is taken at bedtime and insomnia or vivid
    dreams (any severity) were reported on a day more than 14 days after its step began.
    Lowering to 1.5–2 mg is suggested only to a patient above 2 mg."""
    step = inp.prescribed_today
    if step is None or step.timing != "bedtime":
        return []
    settled_by = step.start_date + SLEEP_SETTLING_DAYS * DAY
    late = [r for r in inp.side_effects if r.kind in SLEEP_SIDE_EFFECTS and settled_by < r.day <= inp.today]
    if not late:
        return []
    return [
        AdviceCard(
            rule=RULE_SLEEP_AFTER_BEDTIME_STEP,
            key=f"{RULE_SLEEP_AFTER_BEDTIME_STEP}:{step.start_date.isoformat()}",
            title=as_phrase(gettext_noop("Sleep still disturbed on a bedtime dose")),
            suggestion=_sleep_suggestion(step),
            evidence=(
                phrase(gettext_noop("{dose} since {day}"), dose=step.phrase, day=step.start_date.isoformat()),
                *(_on_day(day, Listing(kinds)) for day, kinds in _reports_by_day(late).items()),
            ),
            reason=REASONS[RULE_SLEEP_AFTER_BEDTIME_STEP],
        )
    ]


def plan_review(inp: AdviceInput) -> list[AdviceCard]:
    """Fires from 12 weeks (day 84) on LDN when at least one tracked symptom could be judged
    and none has a moderate or substantial response. A symptom that cannot be judged (too
    few entries, a thin baseline) is not “no response”: with nothing judged the card stays
    away, and the response table says why. The key names the milestone reached (12 weeks,
    then 6 months), so a card dismissed at 12 weeks comes back at 6 months if nothing has
    changed."""
    if inp.first_dose_date is None:
        return []
    days_on_ldn = (inp.today - inp.first_dose_date).days
    reached = [(days, label) for days, label in REVIEW_MILESTONES if days_on_ldn >= days]
    judged = [cls for cls in inp.responses.values() if cls.is_judged]
    if not reached or not judged or any(cls in RESPONDER_CLASSES for cls in judged):
        return []
    milestone_days, milestone = reached[-1]
    symptoms = [f"{name}: {cls.label}" for name, cls in sorted(inp.responses.items())]
    return [
        AdviceCard(
            rule=RULE_PLAN_REVIEW,
            key=f"{RULE_PLAN_REVIEW}:{inp.first_dose_date.isoformat()}:{milestone_days}",
            title=phrase(
                gettext_noop("No clear response after {milestone} on LDN"), milestone=as_phrase(milestone)
            ),
            suggestion=as_phrase(
                gettext_noop("Consider reviewing the plan: the dose, the timing, or whether to continue.")
            ),
            evidence=(
                phrase(
                    gettext_noop("{days} days since the first dose on {day}"),
                    days=days_on_ldn,
                    day=inp.first_dose_date.isoformat(),
                ),
                *symptoms,
            ),
            reason=REASONS[RULE_PLAN_REVIEW],
        )
    ]


def low_adherence(inp: AdviceInput) -> list[AdviceCard]:
    """Fires when fewer than 70 % of prescribed doses in the last 14 days were logged as
    taken, judged only once at least 7 days were prescribed (fewer is too little to call
    a pattern). The key is the ISO week, so a dismissed card comes back next week if
    adherence is still low."""
    count = recent_adherence(inp)
    if count.prescribed < MIN_PRESCRIBED_DAYS_FOR_ADHERENCE or count.rate is None:
        return []
    if count.rate >= ADHERENCE_THRESHOLD:
        return []
    year, week, _ = inp.today.isocalendar()
    evidence = [
        phrase(
            gettext_noop(
                "Taken on {taken} of {prescribed} prescribed days ({rate}) in the {days} days to {day}"
            ),
            taken=count.taken,
            prescribed=count.prescribed,
            rate=f"{count.rate:.0%}",
            days=ADHERENCE_DAYS,
            day=inp.today.isoformat(),
        )
    ]
    if count.not_taken:
        evidence.append(phrase(gettext_noop("Logged as not taken: {days}"), days=_dates(count.not_taken)))
    if count.not_logged:
        evidence.append(phrase(gettext_noop("Not logged: {days}"), days=_dates(count.not_logged)))
    return [
        AdviceCard(
            rule=RULE_LOW_ADHERENCE,
            key=f"{RULE_LOW_ADHERENCE}:{year}-W{week:02d}",
            title=as_phrase(gettext_noop("Doses missed or not logged")),
            suggestion=as_phrase(
                gettext_noop(
                    "Consider asking the patient about missed doses or logging before "
                    "judging the response or changing the dose."
                )
            ),
            evidence=tuple(evidence),
            reason=REASONS[RULE_LOW_ADHERENCE],
        )
    ]


def _after_a_step(schedule: Schedule, day: dt.date) -> bool:
    """Within 14 days of a step starting: LDN's own sleep side effects are expected then [003]."""
    return any(
        dose.start_date <= day < dose.start_date + SLEEP_SETTLING_DAYS * DAY for dose in schedule.effective
    )


def _thyroid_signs(inp: AdviceInput, since: dt.date) -> list[tuple[dt.date, str]]:
    recent_reports = [r for r in inp.side_effects if since <= r.day <= inp.today]
    # What a patient typed is quoted as typed; the vocabulary's words in the reader's language.
    signs = [
        (r.day, side_effect_words(r.kind, r.severity))
        for r in recent_reports
        if r.kind == "insomnia" and not _after_a_step(inp.schedule, r.day)
    ]
    signs += [
        (
            r.day,
            phrase(
                gettext_noop("“{text}” ({effect})"), text=r.text, effect=side_effect_words(r.kind, r.severity)
            ),
        )
        for r in recent_reports
        if _THYROID_SIGNS.search(r.text)
    ]
    signs += [
        (n.day, phrase(gettext_noop("note: “{text}”"), text=n.text))
        for n in inp.notes
        if since <= n.day <= inp.today and _THYROID_SIGNS.search(n.text)
    ]
    return sorted(signs)


THYROID_CARD_WORDS = {  # kind → (title, suggestion)
    ThyroidKind.REPLACEMENT: (
        as_phrase(gettext_noop("Possible signs of too much thyroid hormone")),
        as_phrase(gettext_noop("Consider reviewing the thyroid hormone dose and thyroid function tests.")),
    ),
    ThyroidKind.ANTITHYROID: (
        as_phrase(gettext_noop("Possible signs of an overactive thyroid on antithyroid medicine")),
        as_phrase(gettext_noop("Consider checking thyroid function and the antithyroid dose.")),
    ),
    ThyroidKind.UNSPECIFIED: (
        as_phrase(gettext_noop("Possible thyroid signs in a patient on thyroid medication")),
        as_phrase(
            gettext_noop("Consider checking which thyroid medicine is taken, and thyroid function tests.")
        ),
    ),
}


def thyroid_review(inp: AdviceInput) -> list[AdviceCard]:
    """Fires for a patient on thyroid medication (the one thyroid status: screening or
    medication list) who, in the last 14 days, reported insomnia — not within 14 days of a
    step, when LDN itself causes it — or palpitations or heat intolerance in a side
    effect's text or a note; and, as a card of its own, for a patient on thyroid replacement
    hormone whose latest TSH, sampled on LDN within the last 26 weeks, is lower than the one
    before it (in the same unit) and either below the laboratory's lower limit or at most
    half the previous value. The wording follows the medicine's direction: too much
    replacement hormone, or an antithyroid medicine not yet holding the thyroid down.
    The signs typed in a text are matched in English only, and negations (“no palpitations”)
    are not understood: a card to dismiss beats a missed sign. The key is the earliest sign
    in the window, or the latest TSH's date."""
    if inp.safety is None or not inp.safety.thyroid.on_thyroid_medication:
        return []
    cards = _falling_tsh(inp)
    signs = _thyroid_signs(inp, inp.today - (THYROID_LOOKBACK_DAYS - 1) * DAY)
    if not signs:
        return cards
    title, suggestion = THYROID_CARD_WORDS[inp.safety.thyroid.kind]
    return [
        AdviceCard(
            rule=RULE_THYROID_REVIEW,
            key=f"{RULE_THYROID_REVIEW}:{signs[0][0].isoformat()}",
            title=title,
            suggestion=suggestion,
            evidence=tuple(_on_day(day, sign) for day, sign in signs),
            reason=REASONS[RULE_THYROID_REVIEW],
        ),
        *cards,
    ]


def tsh_fall(inp: AdviceInput) -> tuple[LabValue, LabValue] | None:
    """The previous and the latest TSH when they show the clear fall `thyroid_review` reads."""
    first_dose = inp.first_dose_date
    pair = latest_pair(inp.labs, TSH)
    if pair is None or first_dose is None:
        return None
    previous, latest = pair
    recent = first_dose <= latest.day <= inp.today and (inp.today - latest.day).days < TSH_RECENT_DAYS
    clear = latest.below_range or latest.value <= previous.value * TSH_CLEAR_FALL
    return pair if recent and latest.value < previous.value and clear else None


def _falling_tsh(inp: AdviceInput) -> list[AdviceCard]:
    assert inp.safety is not None
    if inp.safety.thyroid.kind is not ThyroidKind.REPLACEMENT or (pair := tsh_fall(inp)) is None:
        return []
    previous, latest = pair
    latest_words = (
        gettext_noop("{day}: {result}, below the laboratory's range")
        if latest.below_range
        else "{day}: {result}"
    )
    return [
        AdviceCard(
            rule=RULE_THYROID_REVIEW,
            key=f"{RULE_THYROID_REVIEW}:tsh:{latest.day.isoformat()}",
            title=as_phrase(gettext_noop("TSH falling on thyroid hormone replacement")),
            suggestion=as_phrase(
                gettext_noop(
                    "Consider reviewing the thyroid hormone dose with thyroid function tests: as thyroid "
                    "function improves on LDN the replacement dose may become too high."
                )
            ),
            evidence=(
                f"{previous.day.isoformat()}: {result_words(previous)}",
                phrase(latest_words, day=latest.day.isoformat(), result=result_words(latest)),
            ),
            reason=REASONS[RULE_THYROID_REVIEW],
        )
    ]


def safety_alert(inp: AdviceInput) -> list[AdviceCard]:
    """One card per blocking safety finding (an opioid taken while LDN is prescribed, an
    LDN dose too soon after the last opioid dose). The key names the finding, so a
    dismissed card stays dismissed while the same finding holds."""
    if inp.safety is None:
        return []
    return [
        AdviceCard(
            rule=RULE_SAFETY_ALERT,
            key=f"{RULE_SAFETY_ALERT}:{finding.code}:{hashlib.sha256(finding.message.encode()).hexdigest()[:16]}",
            title=phrase(
                gettext_noop("Safety: {finding}"),
                finding=as_phrase(SAFETY_TITLES.get(finding.code, gettext_noop("a finding blocks LDN"))),
            ),
            suggestion=as_phrase(
                gettext_noop(
                    "Consider contacting the patient before their next dose: pause LDN while the opioid "
                    "is needed and restart 7–14 days after its last dose, or change the opioid [003, 004]."
                )
            ),
            evidence=(finding.message,),
            reason=finding.reason,
        )
        for finding in inp.safety.alerts
    ]


SAFETY_TITLES = {
    "opioid_with_ldn": gettext_noop("an opioid on the medication list while LDN is prescribed"),
    "opioid_recent": gettext_noop("an LDN dose too soon after the last opioid dose"),
    "opioid_current": gettext_noop("opioid use with no last dose recorded"),
}


RULES = (
    safety_alert,
    step_up_side_effects,
    sleep_after_bedtime_step,
    plan_review,
    low_adherence,
    thyroid_review,
)


def advise(inp: AdviceInput) -> list[AdviceCard]:
    """Every card the rules raise for this patient today, in rule order."""
    return [card for rule in RULES for card in rule(inp)]


def open_cards(cards: Iterable[AdviceCard], dismissed_keys: Collection[str]) -> list[AdviceCard]:
    """Cards not yet dismissed. A key already names its rule, so keys alone are unique."""
    return [card for card in cards if card.key not in dismissed_keys]
