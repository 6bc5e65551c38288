"""The words the app uses for doses, timing, side effects, severities and score
directions, in one place.

Plain Python: the models build their choices from these tables (English message ids, each
translated where it is shown: `journal.wording`), and every page, export,
chart, calendar feed and advice card takes its words from here — a dose is always phrased
by `dose_phrase`, a side effect named by `SIDE_EFFECTS`, a score's direction by
`direction_label`.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from journal.wording import as_phrase, gettext, gettext_noop, number_words, phrase

# The date formats pages use (`{{ day|date:gettext_noop("j F") }}`), each translated to the language's own
# order and words ("2 de diciembre", "2. Dezember"). Listed here so the catalogue holds them all,
# those inside {% blocktranslate with %} too.
DATE_FORMATS = (
    gettext_noop("j M Y"),
    gettext_noop("j M"),
    gettext_noop("l j F"),
    gettext_noop("j M Y, H:i"),
    gettext_noop("l j F Y"),
    gettext_noop("j M, H:i"),
    gettext_noop("j M Y H:i"),
    gettext_noop("j F"),
    gettext_noop("j F Y, H:i"),
    gettext_noop("j F Y"),
    gettext_noop("D j"),
    gettext_noop("D j M Y"),
    gettext_noop("j F, H:i"),
    gettext_noop("D j M"),
)

SCORE_MIN, SCORE_MAX = 0, 10  # every symptom and sleep score is 0–10

# When a dose is prescribed or was taken: stored value → words after the dose.
TIMING_WORDS: dict[str, str] = {
    "bedtime": gettext_noop("at bedtime"),
    "morning": gettext_noop("in the morning"),
    "evening": gettext_noop("in the evening"),
    "other": gettext_noop("at another time"),
}
# A topical cream is applied in the evening [003, 004]: its own timing, which the reminder, the
# calendar feed and every page read from the schedule like any other.
PRESCRIBED_TIMINGS = ("bedtime", "morning", "evening")
TAKEN_TIMINGS = tuple(TIMING_WORDS)  # what the diary records: any prescribed timing, or another
FREQUENCIES = (
    "daily",
    "every_other_day",
)  # how often a step is taken (`journal.schedule.DOSE_INTERVAL_DAYS`)
# The entry form's buttons name the moment itself: the prescribed timings and "another time".
TIMING_BUTTONS: dict[str, str] = {
    "bedtime": gettext_noop("Bedtime"),
    "morning": gettext_noop("Morning"),
    "evening": gettext_noop("Evening"),
    "other": gettext_noop("Other time"),
}


class DoseQuestions(NamedTuple):
    """How the diary asks about the day's dose."""

    done: str  # the question yes or no answers
    amount: str  # the dose field's label
    amount_missing: str  # the error when it is empty
    when: str  # the timing buttons' legend
    when_missing: str  # the error when no timing is chosen


# A capsule or a liquid is taken; a cream is applied to the skin [003, 004], and asked so.
DOSE_QUESTIONS: dict[bool, DoseQuestions] = {
    False: DoseQuestions(
        gettext_noop("Did you take your LDN?"),
        gettext_noop("Dose taken (mg)"),
        gettext_noop("Enter the dose you took, in mg."),
        gettext_noop("When did you take it?"),
        gettext_noop("Choose when you took it."),
    ),
    True: DoseQuestions(
        gettext_noop("Did you apply your LDN cream?"),
        gettext_noop("Dose applied (mg)"),
        gettext_noop("Enter the dose you applied, in mg."),
        gettext_noop("When did you apply it?"),
        gettext_noop("Choose when you applied it."),
    ),
}


class SideEffect(NamedTuple):
    label: str  # in sentences, tables and the CSV
    short: str  # where room is tight: the chart's row names


# The side effects the daily entry asks about [002, 003, 004], and "other" with the patient's words.
SIDE_EFFECTS: dict[str, SideEffect] = {
    "vivid_dreams": SideEffect(gettext_noop("Vivid dreams"), gettext_noop("Dreams")),
    "insomnia": SideEffect(gettext_noop("Insomnia / sleep disturbance"), gettext_noop("Insomnia")),
    "headache": SideEffect(gettext_noop("Headache"), gettext_noop("Headache")),
    "nausea": SideEffect(gettext_noop("Nausea / GI upset"), gettext_noop("Nausea")),
    "anxiety": SideEffect(gettext_noop("Anxiety"), gettext_noop("Anxiety")),
    "daytime_fatigue": SideEffect(gettext_noop("Daytime fatigue"), gettext_noop("Fatigue")),
    "other": SideEffect(gettext_noop("Other"), gettext_noop("Other")),
}
SEVERITIES: tuple[str, ...] = ("mild", "moderate", "severe")  # in order, mildest first
SEVERITY_WORDS: dict[str, str] = {
    "mild": gettext_noop("mild"),
    "moderate": gettext_noop("moderate"),
    "severe": gettext_noop("severe"),
}
SEVERITY_COLOURS: dict[str, str] = {"mild": "#e3b23c", "moderate": "#dd6b20", "severe": "#a11d2a"}


def side_effect_label(kind: str) -> str:
    """ "vivid_dreams" → "Vivid dreams"; an unknown kind is shown as stored."""
    return gettext(SIDE_EFFECTS[kind].label) if kind in SIDE_EFFECTS else kind


def side_effect_words(kind: str, severity: str) -> str:
    """ "Vivid dreams (mild)" where a day's side effect is quoted: English as data (an advice
    key, an audit row), the vocabulary's words in the reader's language when shown."""
    return phrase(
        gettext_noop("{effect} ({severity})"),
        effect=side_effect_name(kind),
        severity=as_phrase(SEVERITY_WORDS.get(severity, severity)),
    )


def side_effect_name(kind: str) -> str:
    """`side_effect_label` as a Phrase: English as data, the reader's words shown."""
    return as_phrase(SIDE_EFFECTS[kind].label if kind in SIDE_EFFECTS else kind)


def side_effect_short(kind: str) -> str:
    """ "vivid_dreams" → "Dreams", where room is tight."""
    return gettext(SIDE_EFFECTS[kind].short) if kind in SIDE_EFFECTS else kind


def severity_words(severity: str) -> str:
    return gettext(SEVERITY_WORDS[severity]) if severity in SEVERITY_WORDS else severity


def worst_severity(severities: Iterable[str]) -> str:
    return max(severities, key=SEVERITIES.index)


def direction_label(higher_is_better: bool) -> str:
    """Which way a 0–10 score improves."""
    return gettext("higher is better") if higher_is_better else gettext("lower is better")


def format_mg(dose: Decimal) -> str:
    """0.125 → "0.125", 3.000 → "3", 1.500 → "1.5": no trailing zeros, never an exponent."""
    return f"{dose.normalize():f}"


def local_mg(dose: Decimal) -> str:
    """format_mg with the reader's decimal separator: "1,5" in Spanish and German. For pages,
    mails and reminders; data formats (CSV, the calendar feed's UID) keep format_mg's "."."""
    return number_words(format_mg(dose))


EVERY_OTHER_DAY_TIMING_WORDS = {
    "bedtime": gettext_noop("every other day at bedtime"),
    "morning": gettext_noop("every other day in the morning"),
    "evening": gettext_noop("every other day in the evening"),
    "other": gettext_noop("every other day at another time"),
}


def timing_words(timing: str, frequency: str = "daily") -> str:
    """'bedtime' → 'at bedtime', or 'every other day at bedtime' for a step taken every
    other day; an unknown value is shown as stored."""
    words = EVERY_OTHER_DAY_TIMING_WORDS if frequency == "every_other_day" else TIMING_WORDS
    return gettext(words[timing]) if timing in words else timing


DOSE_PHRASES = {
    "bedtime": gettext_noop("%(dose)s mg at bedtime"),
    "morning": gettext_noop("%(dose)s mg in the morning"),
    "evening": gettext_noop("%(dose)s mg in the evening"),
    "other": gettext_noop("%(dose)s mg at another time"),
}
EVERY_OTHER_DAY_DOSE_PHRASES = {
    "bedtime": gettext_noop("%(dose)s mg every other day at bedtime"),
    "morning": gettext_noop("%(dose)s mg every other day in the morning"),
    "evening": gettext_noop("%(dose)s mg every other day in the evening"),
    "other": gettext_noop("%(dose)s mg every other day at another time"),
}


def taken_dose_phrase(dose_mg: Decimal | None, timing: str) -> str:
    """A logged dose as every page names it: `dose_phrase`, or for a dose taken with no mg
    written (a day imported from another system, say) "taken at bedtime (mg not recorded)"."""
    if dose_mg is None:
        return gettext("taken %(timing)s (mg not recorded)") % {"timing": timing_words(timing)}
    return dose_phrase(dose_mg, timing)


def dose_phrase(dose_mg: Decimal, timing: str, frequency: str = "daily", *, kept: bool = False) -> str:
    """ "3 mg at bedtime", "1.5 mg every other day at bedtime": how every surface names a
    prescribed or taken dose. `kept`: the English original with a "." (an audit row's words),
    whatever the reader's language."""
    phrases = EVERY_OTHER_DAY_DOSE_PHRASES if frequency == "every_other_day" else DOSE_PHRASES
    message = phrases.get(timing, f"%(dose)s mg {timing}")
    if kept:
        return message % {"dose": format_mg(dose_mg)}
    return gettext(message) % {"dose": local_mg(dose_mg)}
