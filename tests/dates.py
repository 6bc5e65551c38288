"""Dates shared by the tests: `DAY`, one day, for date arithmetic (`TODAY - 7 * DAY`)."""

from __future__ import annotations

import datetime as dt

DAY = dt.timedelta(days=1)
