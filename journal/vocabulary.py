"""The words the app uses for doses and their timing, in one place.

Plain Python: the models build their choices from these tables, and every page, export,
calendar feed and advice card phrases a dose with `dose_phrase`.
"""

from __future__ import annotations

from decimal import Decimal

# When a dose is prescribed or was taken: stored value → words after the dose.
TIMING_WORDS: dict[str, str] = {
    "bedtime": "at bedtime",
    "morning": "in the morning",
    "other": "at another time",
}
PRESCRIBED_TIMINGS = ("bedtime", "morning")


def format_mg(dose: Decimal) -> str:
    """0.125 → "0.125", 3.000 → "3", 1.500 → "1.5": no trailing zeros, never an exponent."""
    return f"{dose.normalize():f}"


def timing_words(timing: str) -> str:
    """'bedtime' → 'at bedtime'; an unknown value is shown as stored."""
    return TIMING_WORDS.get(timing, timing)


def dose_phrase(dose_mg: Decimal, timing: str) -> str:
    """"3 mg at bedtime": how every surface names a prescribed or taken dose."""
    return f"{format_mg(dose_mg)} mg {timing_words(timing)}"
