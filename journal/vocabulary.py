"""The words the app uses for doses, timing, side effects, severities and score
directions, in one place.

Plain Python: the models build their choices from these tables, and every page, export,
chart, calendar feed and advice card takes its words from here — a dose is always phrased
by `dose_phrase`, a side effect named by `SIDE_EFFECTS`, a score's direction by
`direction_label`.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

SCORE_MIN, SCORE_MAX = 0, 10  # every symptom and sleep score is 0–10

# When a dose is prescribed or was taken: stored value → words after the dose.
TIMING_WORDS: dict[str, str] = {
    "bedtime": "at bedtime",
    "morning": "in the morning",
    "other": "at another time",
}
PRESCRIBED_TIMINGS = ("bedtime", "morning")
# The entry form's buttons name the moment itself.
TIMING_BUTTONS: dict[str, str] = {"bedtime": "Bedtime", "morning": "Morning", "other": "Other time"}


class SideEffect(NamedTuple):
    label: str  # in sentences, tables and the CSV
    short: str  # where room is tight: the chart's row names


# The side effects the daily entry asks about [002, 003, 004], and "other" with the patient's words.
SIDE_EFFECTS: dict[str, SideEffect] = {
    "vivid_dreams": SideEffect("Vivid dreams", "Dreams"),
    "insomnia": SideEffect("Insomnia / sleep disturbance", "Insomnia"),
    "headache": SideEffect("Headache", "Headache"),
    "nausea": SideEffect("Nausea / GI upset", "Nausea"),
    "anxiety": SideEffect("Anxiety", "Anxiety"),
    "daytime_fatigue": SideEffect("Daytime fatigue", "Fatigue"),
    "other": SideEffect("Other", "Other"),
}
SEVERITIES: tuple[str, ...] = ("mild", "moderate", "severe")  # in order, mildest first
SEVERITY_COLOURS: dict[str, str] = {"mild": "#e3b23c", "moderate": "#dd6b20", "severe": "#a11d2a"}


def side_effect_label(kind: str) -> str:
    """ "vivid_dreams" → "Vivid dreams"; an unknown kind is shown as stored."""
    return SIDE_EFFECTS[kind].label if kind in SIDE_EFFECTS else kind


def worst_severity(severities: Iterable[str]) -> str:
    return max(severities, key=SEVERITIES.index)


def direction_label(higher_is_better: bool) -> str:
    """Which way a 0–10 score improves."""
    return "higher is better" if higher_is_better else "lower is better"


def format_mg(dose: Decimal) -> str:
    """0.125 → "0.125", 3.000 → "3", 1.500 → "1.5": no trailing zeros, never an exponent."""
    return f"{dose.normalize():f}"


def timing_words(timing: str) -> str:
    """'bedtime' → 'at bedtime'; an unknown value is shown as stored."""
    return TIMING_WORDS.get(timing, timing)


def dose_phrase(dose_mg: Decimal, timing: str) -> str:
    """ "3 mg at bedtime": how every surface names a prescribed or taken dose."""
    return f"{format_mg(dose_mg)} mg {timing_words(timing)}"
