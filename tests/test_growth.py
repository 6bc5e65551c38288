from __future__ import annotations

import datetime as dt

import pytest

from journal.growth import age_in_years


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (dt.date(2016, 3, 4), dt.date(2026, 3, 3), 9),  # the day before the 10th birthday
        (dt.date(2016, 3, 4), dt.date(2026, 3, 4), 10),  # on it
        (dt.date(2016, 3, 4), dt.date(2026, 12, 31), 10),
        (dt.date(2026, 1, 1), dt.date(2026, 12, 31), 0),  # a baby
        (dt.date(2016, 2, 29), dt.date(2025, 2, 28), 8),  # a leap-day birthday counts on 1 March
        (dt.date(2016, 2, 29), dt.date(2025, 3, 1), 9),
        (dt.date(2016, 2, 29), dt.date(2028, 2, 29), 12),
        (dt.date(1900, 1, 1), dt.date(2026, 1, 1), 126),
    ],
)
def test_age_in_whole_years(born, on, age):
    assert age_in_years(born, on) == age
