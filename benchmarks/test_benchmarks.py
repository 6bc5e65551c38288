"""Benchmarks: they print figures, they do not pass or fail on timings.

Run with `make bench`. Every figure is a ratio against a baseline measured in the same
run, so runs on different machines compare. What the figures should show:
- clinic CSV: peak memory stays flat as the clinic grows (ratio near 1, not 4);
- roster: time grows with patients, but per-patient cost stays small next to a bare page;
- clinician patient page: 300 days cost little more than 30 (queries are fixed; Python work grows).
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
import tracemalloc

import pytest
from django.urls import reverse

from benchmarks.data import add_patients
from tests.factories import make_clinic, make_clinician

pytestmark = pytest.mark.django_db
LAST_DAY = dt.date.today()


def best_of(runs: int, action) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings)


def report(title: str, rows: list[tuple[str, str]]) -> None:
    print(f"\n== {title}")
    for label, value in rows:
        print(f"   {label:<52} {value}")


def clinic_with(patients: int, days: int, name: str):
    clinic = make_clinic(name)
    admin = make_clinician(clinic, f"admin-{name}", admin=True)
    first = add_patients(clinic, admin, patients=patients, days=days, last_day=LAST_DAY, code=name)
    return admin, first


def test_clinic_csv_memory_stays_flat(client):
    def peak_while_streaming(patients: int) -> tuple[int, int]:
        admin, first = clinic_with(patients, 180, f"M{patients}")
        client.force_login(admin.user)
        period = {"start": first.isoformat(), "end": LAST_DAY.isoformat()}
        response = client.get(reverse("clinic_csv"), period)
        tracemalloc.start()
        size = sum(len(chunk) for chunk in response.streaming_content)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak, size

    small_peak, small_size = peak_while_streaming(50)
    large_peak, large_size = peak_while_streaming(200)
    report(
        "Clinic CSV, 180 days: peak Python memory while streaming",
        [
            (
                "50 patients: file size / peak memory",
                f"{small_size / 1e6:.1f} MB / {small_peak / 1e6:.1f} MB",
            ),
            (
                "200 patients: file size / peak memory",
                f"{large_size / 1e6:.1f} MB / {large_peak / 1e6:.1f} MB",
            ),
            ("file size ratio 200/50", f"{large_size / small_size:.2f}x"),
            ("peak memory ratio 200/50 (flat = 1, linear = 4)", f"{large_peak / small_peak:.2f}x"),
        ],
    )


def test_roster_cost_per_patient(client):
    timings = {}
    for patients in (50, 200):
        admin, _ = clinic_with(patients, 60, f"R{patients}")
        client.force_login(admin.user)
        timings[patients] = best_of(3, lambda: client.get(reverse("roster")))
    bare = best_of(5, lambda: client.get(reverse("data_dictionary")))
    report(
        "Roster (clinic admin, whole clinic, 60 days each)",
        [
            ("bare page (data dictionary) as baseline", f"{bare * 1000:.1f} ms"),
            ("50 patients, relative to baseline", f"{timings[50] / bare:.1f}x"),
            ("200 patients, relative to baseline", f"{timings[200] / bare:.1f}x"),
            ("ratio 200/50 (linear = 4)", f"{timings[200] / timings[50]:.2f}x"),
        ],
    )


def test_clinician_patient_page_cost_of_a_long_history(client):
    timings = {}
    for days in (30, 300):
        admin, _ = clinic_with(1, days, f"P{days}")
        client.force_login(admin.user)
        patient = admin.clinic.patients.get()
        url = reverse("patient_detail", args=[patient.pk])
        timings[days] = statistics.median(best_of(1, lambda url=url: client.get(url)) for _ in range(3))
    report(
        "Clinician patient page (chart, response, advice)",
        [
            ("30 days of entries", f"{timings[30] * 1000:.0f} ms"),
            ("300 days of entries, relative to 30", f"{timings[300] / timings[30]:.2f}x"),
        ],
    )
