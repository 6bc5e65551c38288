"""A patient's age, for the clinician's page and the printed summary: a child's dose and
weight are read against it."""

from __future__ import annotations

import datetime as dt


def age_in_years(born: dt.date, on: dt.date) -> int:
    """Whole years from `born` to `on`, as people count them: one more on each birthday (a
    29 February birthday counts on 1 March in other years). 0 before the first birthday."""
    had_birthday = (on.month, on.day) >= (born.month, born.day)
    return max(on.year - born.year - (0 if had_birthday else 1), 0)
