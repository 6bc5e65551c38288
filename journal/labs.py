"""Lab results as plain data: what a clinician records from a laboratory's report, with the
laboratory's own unit and reference range (ranges differ between laboratories, DOMAIN.md), and
how a result is written on every page, the chart's hover text and the CSV.

The shared catalogue of tests (`journal.catalogue.LAB_TESTS`) names each built-in test by a
key; the advice reads thyroid function by the key `TSH`, whatever a clinic calls it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple

TSH = "tsh"


class LabValue(NamedTuple):
    """One result: the test's name and built-in key ("" for a clinic's own test), the value
    in `unit`, the laboratory's reference range (either end may be missing) and the date the
    sample was taken."""

    day: dt.date
    test: str
    key: str
    value: Decimal
    unit: str = ""
    low: Decimal | None = None
    high: Decimal | None = None
    laboratory: str = ""
    result_id: int = 0

    @property
    def below_range(self) -> bool:
        return self.low is not None and self.value < self.low

    @property
    def above_range(self) -> bool:
        return self.high is not None and self.value > self.high

    @property
    def outside_range(self) -> bool:
        return self.below_range or self.above_range


def lab_number_words(value: Decimal) -> str:
    """A lab value as the report prints it: no exponent, no trailing zeros (2.10 → 2.1)."""
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", ""} else text


def range_words(low: Decimal | None, high: Decimal | None) -> str:
    """ "0.4–4.0" (both ends to the same decimals, as reports print them), "≥ 0.4", "≤ 5", or
    "" without a range."""
    if low is not None and high is not None:
        decimals = max(_decimals(low), _decimals(high))
        return f"{low:.{decimals}f}–{high:.{decimals}f}"
    if low is not None:
        return f"≥ {lab_number_words(low)}"
    if high is not None:
        return f"≤ {lab_number_words(high)}"
    return ""


def _decimals(value: Decimal) -> int:
    return max(0, -int(value.normalize().as_tuple().exponent))


def value_words(result: LabValue) -> str:
    """ "2.1 mIU/L (0.4–4.0)": the value, its unit and its range."""
    words = f"{lab_number_words(result.value)} {result.unit}".strip()
    reference = range_words(result.low, result.high)
    return f"{words} ({reference})" if reference else words


def result_words(result: LabValue) -> str:
    """ "TSH 2.1 mIU/L (0.4–4.0)", as the CSV and the advice's evidence write a result."""
    return f"{result.test} {value_words(result)}"


def by_test(results: Iterable[LabValue]) -> dict[str, list[LabValue]]:
    """The results of each test, oldest sample first, tests in the order first sampled."""
    grouped: dict[str, list[LabValue]] = {}
    for result in sorted(results, key=lambda result: (result.day, result.result_id)):
        grouped.setdefault(result.test, []).append(result)
    return grouped


def latest_pair(results: Sequence[LabValue], key: str) -> tuple[LabValue, LabValue] | None:
    """The result of the test `key` before the latest in the same unit (results in different
    units cannot be compared), and the latest; None when there are not two."""
    of_test = sorted(
        (result for result in results if result.key == key), key=lambda result: (result.day, result.result_id)
    )
    if not of_test:
        return None
    latest = of_test[-1]
    earlier = [result for result in of_test[:-1] if result.unit.casefold() == latest.unit.casefold()]
    return (earlier[-1], latest) if earlier else None
