"""The four goals, each measured against its baseline in the same run.

P1 requests per second of Today, the entry page and an entry POST, as a share of the trivial view's
   with the same session (gunicorn, production settings);
P2 the whole roster of the large clinic over HTTP (its first page when paginated) against a raw
   SQL read of the same facts; the gunicorn worker's memory growth; the roster's queries for the
   small clinic and the large one, in this process;
P3 the chart the patient's chart page embeds (its JSON), and the page's scripts as whitenoise
   sends them to a browser that accepts brotli and gzip;
P4 the clinic export through the app against raw SQL → `csv.writer` writing the same bytes; the
   memory it takes; and that it completes; the clinic's FHIR NDJSON export's peak memory for the
   large clinic as a ratio to the small one's (flat: it reads a batch of patients at a time).

Imported once Django is set up on the benchmark's database."""

from __future__ import annotations

import datetime as dt
import hashlib
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from typing import IO

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks import baselines, memory
from benchmarks.apart import call_apart
from benchmarks.data import PASSWORD, Clinics
from benchmarks.load import Load, Target, rates
from benchmarks.pages import PageParts, static_file
from benchmarks.report import KB, MB, Goal, Line, rate, seconds, size
from benchmarks.scale import Scale
from benchmarks.urls import TRIVIAL_PATH
from drills.browser import Answer, Browser
from drills.servers import HOST, AppServer
from journal.models import Clinic, Patient, User
from journal.schedule import DAY
from journal.selectors.exports import export_write
from journal.selectors.fhir import ndjson_write

REQUEST_SHARE = Goal("≥", 0.40, "%")
ROSTER_TIMES_RAW = Goal("≤", 5, "×")
ROSTER_MEMORY = Goal("≤", 100 * MB, " MB")
CONSTANT = Goal("=", 1, "×")
FIGURE_JSON = Goal("≤", 200 * KB, " KB")
CHART_SCRIPTS = Goal("≤", 600 * KB, " KB")
EXPORT_SHARE = Goal("≥", 0.50, "%")
EXPORT_MEMORY = Goal("≤", 50 * MB, " MB")
FLAT_MEMORY = Goal("≤", 1.5, "×")  # the large clinic's peak over the small one's: flat, not 10×
COMPLETE = Goal("=", 1, "%")
ROSTER_REPEAT_SECONDS = 3  # a fast roster is asked again for up to this long (5 times at most)
RAW_REPEATS = 3
# The entry form saves with htmx on a phone: the answer is the form again, saying it was saved.
HTMX_SAVE = {"HX-Request": "true", "HX-Target": "entry-form"}
SAVED = b'data-testid="saved"'


# --- P1 ---------------------------------------------------------------------------------------


def requests(patient: Browser, clinics: Clinics, load: Load) -> list[Line]:
    """`patient`: the chart patient's browser, logged in."""
    fields = entry_fields(clinics.chart_patient.patient)
    today = clinics.last_day

    def save_entry(tab: Browser, number: int) -> Answer:  # each tab its own day: fewer lock waits
        day = (today - (number % 7) * DAY).isoformat()
        return tab.post(reverse("entry"), {**fields, "entry_date": day}, headers=HTMX_SAVE)

    targets = [
        Target("trivial view", lambda tab, _: tab.get(TRIVIAL_PATH)),
        Target("Today", lambda tab, _: tab.get(reverse("today"))),
        Target("entry GET", lambda tab, _: tab.get(reverse("entry"))),
        Target("entry POST (htmx)", save_entry, right=lambda answer: SAVED in answer.body),
    ]
    rates(patient, targets, Load(tabs=1, seconds=0, rounds=1))  # warm up: templates, connections
    per_second = rates(patient, targets, load)
    trivial = per_second.pop("trivial view")
    baseline = f"trivial view {rate(trivial)}"
    return [
        Line(
            "P1",
            f"{name}, {load.tabs} at once",
            rate(value),
            baseline,
            value / trivial,
            REQUEST_SHARE,
        )
        for name, value in per_second.items()
    ]


def entry_fields(patient: Patient) -> dict[str, str]:
    """A full daily entry: the dose, every tracked symptom scored, a side effect, sleep, a note."""
    scores = {f"score_{symptom.pk}": "5" for symptom in patient.tracked_symptoms.all()}
    return {
        "dose_taken": "yes",
        "dose_mg": "1.5",
        "timing_taken": "bedtime",
        "sleep_quality": "6",
        "side_headache": "mild",
        "notes": "Benchmark entry.",
        "confirm_deviation": "on",  # 1.5 mg may differ from the plan's dose that day
        **scores,
    }


# --- P2 ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterVisit:
    times: list[float]
    html_bytes: int
    resident_before: int  # the larger of the workers'
    growth: int  # the largest growth of a worker's peak while serving it
    cut_off: bool  # gunicorn killed the worker at its timeout


def roster_over_http(app: AppServer, clinics: Clinics) -> RosterVisit:
    """The large clinic's roster as its admin opens it, asked again while it is fast."""
    admin = logged_in(app.port, clinics.large_admin)
    admin.get(reverse("today"))  # warm: both workers have served a page by now
    timeouts = worker_timeouts(app)
    times: list[float] = []
    with memory.PeakWatch(app.worker_pids()) as watch:
        while not times or (sum(times) < ROSTER_REPEAT_SECONDS and len(times) < 5):
            started = time.perf_counter()
            page = admin.get(reverse("roster"))
            times.append(time.perf_counter() - started)
            if page.status != 200:
                break
    resident = max(watch.before.values())
    if worker_timeouts(app) > timeouts:
        return RosterVisit(times, 0, resident, watch.growth, cut_off=True)
    if page.status != 200:
        raise RuntimeError(f"the roster answered {page.status}")
    return RosterVisit(times, len(page.body), resident, watch.growth, cut_off=False)


def worker_timeouts(app: AppServer) -> int:
    """Workers gunicorn has killed for taking longer than its timeout (its log says so)."""
    return app.log.read_text().count("WORKER TIMEOUT")


def roster(app: AppServer, clinics: Clinics, scale: Scale) -> list[Line]:
    visit = roster_over_http(app, clinics)
    raw = best_of(RAW_REPEATS, lambda: baselines.roster_facts(clinics.large.pk, clinics.last_day))
    baseline, before = f"raw SQL {seconds(raw)}", f"resident before {size(visit.resident_before)}"
    what = f"roster, {scale.patients:,} patients × {scale.days} days (clinic admin)"
    growth = "worker memory growth (peak − before)"
    if visit.cut_off:
        took = visit.times[-1]
        cut = f"cut off by gunicorn's timeout after {seconds(took)} (over {took / raw:.0f}× raw)"
        return [
            Line("P2", what, cut, baseline, None, ROSTER_TIMES_RAW, float("inf")),
            Line(
                "P2", growth, f"{size(visit.growth)} until cut off", before, None, ROSTER_MEMORY, visit.growth
            ),
        ]
    page = statistics.median(visit.times)
    return [
        Line(
            "P2",
            what,
            f"{seconds(page)} ({size(visit.html_bytes)} HTML)",
            baseline,
            page / raw,
            ROSTER_TIMES_RAW,
        ),
        Line("P2", growth, size(visit.growth), before, None, ROSTER_MEMORY, visit.growth),
    ]


def roster_queries(clinics: Clinics, scale: Scale) -> Line:
    """The roster's queries for the small clinic and the large one, in this process (where the
    large one's time is measured too, with no server timeout to cut it off)."""
    small, _ = queries_of(clinics.small_admin, reverse("roster"))
    large, took = queries_of(clinics.large_admin, reverse("roster"))
    return Line(
        "P2",
        "roster queries (in process)",
        f"{large} for {scale.patients:,} patients ({seconds(took)})",
        f"{small} for {scale.small_patients:,}",
        large / small,
        CONSTANT,
    )


def queries_of(user: User, path: str) -> tuple[int, float]:
    """The queries of a page as `user` opens it in this process, and its time."""
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, secure=True)
    took = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code} in process")
    return len(queries.captured_queries), took


# --- P3 ---------------------------------------------------------------------------------------


def chart(patient: Browser, clinics: Clinics, scale: Scale) -> list[Line]:
    """`patient`: the chart patient's browser, logged in."""
    page = patient.get(reverse("my_chart"))
    if page.status != 200:
        raise RuntimeError(f"the chart page answered {page.status}")
    parts = PageParts(page.body.decode())
    if not parts.figures:
        raise RuntimeError("the chart page embeds no figure (no data-figure attribute)")
    figure = len(parts.figures[0].encode())
    sent = [static_file(patient.port, script, compressed=True) for script in parts.scripts]
    whole = sum(len(static_file(patient.port, script, compressed=False)[0]) for script in parts.scripts)
    compressed = sum(len(body) for body, _ in sent)
    encodings = "/".join(sorted({encoding or "none" for _, encoding in sent}))
    return [
        Line(
            "P3",
            f"chart figure JSON, {scale.chart_days} days × {scale.chart_symptoms} symptoms",
            size(figure),
            goal=FIGURE_JSON,
            value=figure,
        ),
        Line(
            "P3",
            f"chart page scripts ({len(sent)}, sent as {encodings})",
            size(compressed),
            f"{size(whole)} uncompressed",
            goal=CHART_SCRIPTS,
            value=compressed,
        ),
        clinician_page(patient.port, clinics),
    ]


def clinician_page(port: int, clinics: Clinics) -> Line:
    """The clinician's page of the chart patient (chart, responses, advice, timeline): no goal,
    a figure to watch."""
    clinician = logged_in(port, clinics.chart_admin)
    path = reverse("patient_detail", args=[clinics.chart_patient.patient.pk])
    pages: list[Answer] = []
    took = best_of(RAW_REPEATS, lambda: pages.append(clinician.get(path)))
    if pages[-1].status != 200:
        raise RuntimeError(f"the clinician's patient page answered {pages[-1].status}")
    return Line(
        "P3", "clinician's page of the chart patient", f"{seconds(took)} ({size(len(pages[-1].body))} HTML)"
    )


# --- P4 ---------------------------------------------------------------------------------------


def app_clinic_csv(clinic: Clinic, first: dt.date, last: dt.date, out: IO[bytes]) -> None:
    """The clinic CSV as the app writes it: what the worker's export job runs
    (`journal.selectors.exports.export_write`), without the job around it."""
    export_write(Patient.objects.filter(clinic=clinic), first, last, out)


@dataclass(frozen=True)
class ExportRun:
    seconds: float
    resident_before: int
    growth: int  # of the process's peak while exporting


def export_to_file(clinic_pk: int, first: dt.date, last: dt.date, path: str) -> ExportRun:
    """`app_clinic_csv` into `path`, timed, with the memory it takes (run it in a fresh process)."""
    clinic = Clinic.objects.get(pk=clinic_pk)
    memory.reset_peak()
    resident = memory.resident()
    started = time.perf_counter()
    with open(path, "wb") as out:
        app_clinic_csv(clinic, first, last, out)
    return ExportRun(time.perf_counter() - started, resident, memory.peak() - resident)


def export(clinics: Clinics, scale: Scale) -> list[Line]:
    first, last, clinic = clinics.first_day, clinics.last_day, clinics.large
    with tempfile.TemporaryDirectory(prefix="ldn-bench-export-") as folder:
        app_file, raw_file = Path(folder) / "app.csv", Path(folder) / "raw.csv"
        app = call_apart("benchmarks.sections.export_to_file", clinic.pk, first, last, str(app_file))
        with app_file.open("rb") as written:
            header = written.readline().decode()
        started = time.perf_counter()
        with raw_file.open("wb") as out:
            rows = baselines.clinic_csv(clinic.pk, first, last, header, out)
        raw_seconds = time.perf_counter() - started
        written_rows = line_count(app_file) - 1
        same = same_bytes(app_file, raw_file)
        app_bytes = app_file.stat().st_size
    expected = scale.patients * scale.days
    return [
        Line(
            "P4",
            f"clinic export, {scale.patients:,} patients × {scale.days} days",
            f"{rows / app.seconds:,.0f} rows/s ({seconds(app.seconds)}, {size(app_bytes)})",
            f"raw SQL → csv.writer {rows / raw_seconds:,.0f} rows/s",
            raw_seconds / app.seconds,
            EXPORT_SHARE,
        ),
        Line(
            "P4",
            "export memory growth (peak − before)",
            size(app.growth),
            f"resident before {size(app.resident_before)}",
            goal=EXPORT_MEMORY,
            value=app.growth,
        ),
        Line(
            "P4",
            "export completes",
            f"{written_rows:,} rows",
            f"{expected:,} expected",
            written_rows / expected,
            COMPLETE,
        ),
        Line("P4", "export bytes = raw SQL's", same),
    ]


def fhir_to_file(clinic_pk: int, path: str) -> ExportRun:
    """The clinic's FHIR NDJSON as the export job writes it (`ndjson_write`) into `path`, timed,
    with the memory it takes (run it in a fresh process)."""
    clinic = Clinic.objects.get(pk=clinic_pk)
    ids = list(Patient.objects.filter(clinic=clinic).values_list("pk", flat=True))
    memory.reset_peak()
    resident = memory.resident()
    started = time.perf_counter()
    with open(path, "wb") as out:
        ndjson_write(clinic, ids, out)
    return ExportRun(time.perf_counter() - started, resident, memory.peak() - resident)


def fhir_export(clinics: Clinics, scale: Scale) -> list[Line]:
    """The FHIR NDJSON export of the large clinic and of the small one, each in a fresh process:
    the large one's memory growth as a ratio to the small one's."""
    with tempfile.TemporaryDirectory(prefix="ldn-bench-fhir-") as folder:
        large_file, small_file = Path(folder) / "large.ndjson", Path(folder) / "small.ndjson"
        large = call_apart("benchmarks.sections.fhir_to_file", clinics.large.pk, str(large_file))
        small = call_apart("benchmarks.sections.fhir_to_file", clinics.small.pk, str(small_file))
        resources, large_bytes = line_count(large_file), large_file.stat().st_size
    return [
        Line(
            "P4",
            f"FHIR NDJSON export memory growth, {scale.patients:,} patients vs {scale.small_patients:,}",
            f"{size(large.growth)} ({resources:,} resources, {size(large_bytes)}, {seconds(large.seconds)})",
            f"{size(small.growth)} for {scale.small_patients:,} patients",
            large.growth / max(small.growth, 1),
            FLAT_MEMORY,
        )
    ]


def line_count(path: Path) -> int:
    with path.open("rb") as lines:
        return sum(1 for _ in lines)


def same_bytes(app_file: Path, raw_file: Path) -> str:
    """ "identical" with their SHA-256, or the first line that differs."""
    with app_file.open("rb") as app, raw_file.open("rb") as raw:
        if hashlib.file_digest(app, "sha256").digest() == hashlib.file_digest(raw, "sha256").digest():
            return f"identical ({size(app_file.stat().st_size)})"
        app.seek(0), raw.seek(0)
        for number, (ours, theirs) in enumerate(zip_longest(app, raw), start=1):
            if ours != theirs:
                return f"DIFFER from line {number}: app {ours!r:.120} raw {theirs!r:.120}"
    return "DIFFER"


# --- shared -----------------------------------------------------------------------------------


def logged_in(port: int, user: User) -> Browser:
    browser = Browser(port)
    browser.log_in(user.username, PASSWORD)
    return browser


def best_of(repeats: int, action: Callable[[], object]) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings)
