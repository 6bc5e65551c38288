"""`make bench` at a tiny scale, on the suite's database kind, so that it cannot rot: a clinic of
5 patients × 14 days, one request of each kind, every section run against the app as it is."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
GOALS = {  # section: the lines with a goal that the benchmark prints for it
    "P1": ["Today", "entry GET", "entry POST"],
    "P2": ["roster, 5 patients × 14 days", "worker memory growth", "roster queries"],
    "P3": ["chart figure JSON, 14 days × 8 symptoms", "chart page scripts"],
    "P4": [
        "clinic export, 5 patients × 14 days",
        "export memory growth",
        "export completes",
        "FHIR NDJSON export memory growth, 5 patients vs 2",
    ],
    "P5": ["reminder queries, one minute"],
}


def test_the_benchmark_prints_every_goal_against_its_baseline_from_the_same_run():
    database = "postgres" if connection.vendor == "postgresql" else "sqlite"
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--smoke", "--database", database],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    lines = run.stdout.splitlines()
    for section, goals in GOALS.items():
        for goal in goals:
            printed = [line for line in lines if line.startswith(f"{section}  {goal}")]
            assert len(printed) == 1, f"{section} {goal}: {printed or 'not printed'}"
            assert re.search(r"  (≥|≤|=) \S+ ?\S*\s+(MET|NOT MET)$", printed[0]), printed[0]
    title = next(line for line in lines if line.startswith("LDN Journal benchmarks on"))
    assert ("PostgreSQL" if database == "postgres" else "SQLite") in title
    assert re.search(r"^P4  export completes\s+70 rows\s+70 expected", run.stdout, re.MULTILINE)
    # The baseline writes the very bytes the app does, or its rows per second compare nothing.
    assert re.search(r"^P4  export bytes = raw SQL's\s+identical", run.stdout, re.MULTILINE)
    # The reminders of one minute: 4 of the 5 patients, each sent by e-mail and push; the time
    # as a ratio of one reminder's.
    assert re.search(
        r"^P5  reminder queries, one minute\s+\d+ for 4 reminders.*MET$", run.stdout, re.MULTILINE
    )
    assert re.search(
        r"^P5  reminders of one minute \(e-mail \+ push\)\s+.* for 4 .*\d\.\d\d×$", run.stdout, re.MULTILINE
    )
