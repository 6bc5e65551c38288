"""How big a run is: the clinics' size and the load on the app server."""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.load import Load


@dataclass(frozen=True)
class Scale:
    patients: int  # the large clinic (roster, export)
    days: int  # of journal, each patient of the large and the small clinic
    small_patients: int  # the small clinic, whose roster's queries are compared with the large one's
    chart_days: int  # of journal of the chart patient (Today, entry, chart)
    chart_symptoms: int  # the chart patient tracks and scores this many symptoms daily


FULL = Scale(patients=2000, days=365, small_patients=200, chart_days=183, chart_symptoms=8)
FULL_LOAD = Load(tabs=4, seconds=5, rounds=2)
SMOKE = Scale(patients=5, days=14, small_patients=2, chart_days=14, chart_symptoms=8)
SMOKE_LOAD = Load(tabs=1, seconds=0, rounds=1)  # one request of each kind
