"""The three drills and their figures. Imported once Django is set up on the drill's database:
the checks read it through the models."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import tempfile
import threading
import time
import zoneinfo
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import zip_longest
from pathlib import Path

import psycopg
from django.core.management import call_command
from django.utils import timezone
from psycopg import sql

from drills.browser import Browser
from drills.servers import ROOT, AppServer
from journal.management.commands.seed_demo import DEMO_CLINIC
from journal.models import Clinic, DailyEntry, Patient

SAVERS = 8  # patients saving at once while workers are killed
LOAD_SECONDS = 20
KILLS = 4
READ_BACK_ROUNDS = 20
SIMULTANEOUS_SAVES = 50
DOSE_MG = "1.5"
EXPORT_DAYS = 365


@dataclass
class Figures:
    acknowledged: int = 0
    lost: int = 0
    unanswered: int = 0
    workers_killed: int = 0
    read_back: int = 0
    inconsistent: int = 0
    conflicts: int = 0
    restore_differences: int = 0
    failures: list[str] = field(default_factory=list)

    def check(self, ok: bool, failure: str) -> None:
        if not ok:
            self.failures.append(failure)

    def report(self, seconds: float) -> None:
        self.check(self.lost == 0, f"{self.lost} acknowledged saves lost")
        print(
            f"drills: acknowledged saves {self.acknowledged}, lost {self.lost}, "
            f"unanswered (cut off by kill -9) {self.unanswered}, conflicts {self.conflicts}, "
            f"inconsistent reads {self.inconsistent}, restore differences {self.restore_differences} "
            f"— {seconds:.0f} s"
        )
        for failure in self.failures:
            print(f"FAILED: {failure}", file=sys.stderr)


@dataclass(frozen=True)
class Save:
    """One daily entry saved through the app; `notes` is unique to the save."""

    patient_id: int
    day: dt.date
    sleep_quality: int
    notes: str
    number: int = 0  # the patient's nth save
    status: int | None = None
    location: str = ""

    @property
    def fields(self) -> dict[str, str]:
        return {
            "entry_date": self.day.isoformat(),
            "dose_taken": "yes",
            "dose_mg": DOSE_MG,
            "timing_taken": "bedtime",
            "sleep_quality": str(self.sleep_quality),
            "notes": self.notes,
            "confirm_deviation": "on",  # a dose other than the plan's is recorded as taken
        }

    @property
    def acknowledged(self) -> bool:
        """Answered "saved": the redirect back to the entry of that day."""
        return self.status == 302 and self.location.startswith("/entry/")

    def sent(self, browser: Browser, port: int | None = None) -> Save:
        answer = browser.post("/entry/", self.fields, port=port)
        return replace(self, status=answer.status, location=answer.location)


def prepare() -> None:
    """The demo clinic in a new database, and the static files a production server serves."""
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    call_command("collectstatic", "--no-input", verbosity=0)


def demo_patients(count: int, skip: int = 0) -> list[Patient]:
    patients = Patient.objects.filter(clinic__name=DEMO_CLINIC, user__isnull=False).select_related("user")
    return list(patients.order_by("pk")[skip : skip + count])


def in_parallel(work: list[Callable[[], object]]) -> None:
    threads = [threading.Thread(target=job) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --- drill 1 ---------------------------------------------------------------------------------


def kill_drill(environment: dict[str, str], port: int, figures: Figures) -> None:
    saves: list[Save] = []
    stop = threading.Event()
    patients = demo_patients(SAVERS)
    browsers = {patient.pk: Browser(port) for patient in patients}
    with AppServer(environment, port, workers=3) as app:
        in_parallel([lambda p=p: browsers[p.pk].log_in(p.user.username) for p in patients])

        def keep_saving(patient: Patient) -> None:
            yesterday = patient.local_today() - dt.timedelta(days=1)
            number = 0
            while not stop.is_set():
                number += 1
                day = yesterday - dt.timedelta(days=number % 12)
                note = f"drill 1 {patient.pk} {number}"
                saves.append(Save(patient.pk, day, number % 11, note, number).sent(browsers[patient.pk]))

        load = [threading.Thread(target=keep_saving, args=(patient,)) for patient in patients]
        for thread in load:
            thread.start()
        for _ in range(KILLS):
            time.sleep(LOAD_SECONDS / (KILLS + 1))
            app.kill_worker()
            figures.workers_killed += 1
        time.sleep(LOAD_SECONDS / (KILLS + 1))
        stop.set()
        for thread in load:
            thread.join()
    acknowledged = [save for save in saves if save.acknowledged]
    unanswered = [save for save in saves if save.status is None]
    other = [save for save in saves if not save.acknowledged and save.status is not None]
    missing, outdated = lost(acknowledged), stale(saves)
    figures.acknowledged += len(acknowledged)
    figures.unanswered += len(unanswered)
    figures.lost += len(missing) + len(outdated)
    figures.check(not other, f"{len(other)} saves answered neither saved nor cut off: {other[:3]}")
    figures.check(len(acknowledged) >= 50, f"only {len(acknowledged)} saves were acknowledged under load")
    figures.check(not outdated, f"entries not holding their last acknowledged save: {outdated[:3]}")
    print(
        f"  {len(saves)} saves by {SAVERS} patients on 3 workers, {figures.workers_killed} workers killed: "
        f"{len(acknowledged)} acknowledged, {len(unanswered)} cut off unanswered; "
        f"acknowledged but missing: {len(missing)}, entries not holding their last save: {len(outdated)}"
    )


def lost(acknowledged: list[Save]) -> list[Save]:
    """Acknowledged saves that no version of their entry holds: every save of an entry leaves a
    row in its history, in the transaction that saves it."""
    kept = set(
        DailyEntry.history.filter(notes__in=[save.notes for save in acknowledged]).values_list(
            "patient_id", "entry_date", "notes", "sleep_quality", "dose_mg"
        )
    )
    return [
        save
        for save in acknowledged
        if (save.patient_id, save.day, save.notes, save.sleep_quality, Decimal(DOSE_MG)) not in kept
    ]


def stale(saves: list[Save]) -> list[str]:
    """Entries that hold neither the last acknowledged save of their day nor a save sent after it
    that got no answer (which may have been applied before its worker died)."""
    by_day: defaultdict[tuple[int, dt.date], list[Save]] = defaultdict(list)
    for save in sorted(saves, key=lambda save: save.number):
        by_day[save.patient_id, save.day].append(save)
    wrong = []
    for (patient_id, day), day_saves in by_day.items():
        answered = [save for save in day_saves if save.acknowledged]
        if not answered:
            continue
        last = answered[-1]
        allowed = {last.notes} | {save.notes for save in day_saves if save.number > last.number}
        notes = DailyEntry.objects.get(patient_id=patient_id, entry_date=day).notes
        if notes not in allowed:
            wrong.append(f"patient {patient_id} on {day}: {notes!r}, expected {last.notes!r}")
    return wrong


# --- drill 2 ---------------------------------------------------------------------------------


def two_servers_drill(environment: dict[str, str], ports: list[int], figures: Figures) -> None:
    first, second = ports
    writer_patient, busy_patient = demo_patients(2, skip=SAVERS)
    with AppServer(environment, first, workers=2), AppServer(environment, second, workers=2):
        writer = Browser(first)
        writer.log_in(writer_patient.user.username)
        yesterday = writer_patient.local_today() - dt.timedelta(days=1)
        written = []
        for number in range(READ_BACK_ROUNDS):
            write_port, read_port = (first, second) if number % 2 == 0 else (second, first)
            day = yesterday - dt.timedelta(days=number % 12)
            save = Save(writer_patient.pk, day, number % 11, f"drill 2 {number}").sent(writer, write_port)
            written.append(save)
            page = writer.get(f"/entry/?date={day.isoformat()}", port=read_port)
            figures.read_back += 1
            if not save.acknowledged or page.status != 200 or save.notes.encode() not in page.body:
                figures.inconsistent += 1

        same_day = simultaneous_saves(busy_patient, ports)
    acknowledged = [save for save in written + same_day if save.acknowledged]
    at_once = [save for save in same_day if save.acknowledged]
    day = busy_patient.local_today()
    count = DailyEntry.objects.filter(patient=busy_patient, entry_date=day).count()
    figures.acknowledged += len(acknowledged)
    figures.lost += len(lost(acknowledged))
    figures.conflicts += len(at_once) - 1
    figures.check(len(at_once) == SIMULTANEOUS_SAVES, f"{len(at_once)} of the simultaneous saves saved")
    figures.check(count == 1, f"{SIMULTANEOUS_SAVES} simultaneous saves of one day made {count} rows")
    figures.check(not figures.inconsistent, f"{figures.inconsistent} reads through the other server differed")
    print(
        f"  {figures.read_back} saves read back through the other server: {figures.inconsistent} differed; "
        f"{SIMULTANEOUS_SAVES} simultaneous saves of one day through both servers: {len(at_once)} "
        f"acknowledged, {count} row, {len(at_once) - 1} conflicts resolved as edits of it"
    )


def simultaneous_saves(patient: Patient, ports: list[int]) -> list[Save]:
    """SIMULTANEOUS_SAVES tabs of one patient save the same day at the same moment, half through
    each server."""
    browser = Browser(ports[0])
    browser.log_in(patient.user.username)
    day = patient.local_today()
    start = threading.Barrier(SIMULTANEOUS_SAVES)
    saves: list[Save] = []

    def save(number: int) -> None:
        tab = browser.copy()
        start.wait()
        saves.append(
            Save(patient.pk, day, number % 11, f"drill 2 same day {number}").sent(tab, ports[number % 2])
        )

    in_parallel([lambda number=number: save(number) for number in range(SIMULTANEOUS_SAVES)])
    return saves


# --- drill 3 ---------------------------------------------------------------------------------


def restore_drill(environment: dict[str, str], restored_url: str, port: int, figures: Figures) -> None:
    drill_url = environment["DATABASE_URL"]
    export = export_range()
    with AppServer(environment, port, workers=2):
        before = clinic_csv(environment, port, export)
    with tempfile.TemporaryDirectory(prefix="drills-") as folder:
        dump = Path(folder) / "ldnjournal.dump"
        subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", drill_url], check=True)
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored_url}", dump], check=True
        )
    tables_before, tables_after = table_rows(drill_url), table_rows(restored_url)
    with AppServer({**environment, "DATABASE_URL": restored_url}, port, workers=2):
        after = clinic_csv({**environment, "DATABASE_URL": restored_url}, port, export)
    lines = sum(1 for old, new in zip_longest(before.splitlines(), after.splitlines()) if old != new)
    tables = sorted(table for table in tables_before if tables_before[table] != tables_after.get(table))
    rows = before.count(b"\n")
    figures.restore_differences += lines + len(tables)
    figures.check(rows > 1000, f"the clinic CSV has only {rows} lines")
    figures.check(lines == 0, f"the clinic CSV differs after the restore in {lines} lines")
    figures.check(not tables, f"tables with other row counts after the restore: {tables}")
    print(
        f"  clinic CSV of {EXPORT_DAYS + 1} days, {rows} lines, {len(before):,} bytes: "
        f"{'byte-identical' if before == after else f'{lines} lines differ'} after the restore; "
        f"{len(tables_before)} tables, {sum(tables_before.values()):,} rows: {len(tables)} tables differ"
    )


def export_range() -> dict[str, str]:
    """The last EXPORT_DAYS days of the clinic, as the clinic admin asks for its CSV."""
    clinic = Clinic.objects.get(name=DEMO_CLINIC)
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(clinic.time_zone)).date()
    return {"start": (today - dt.timedelta(days=EXPORT_DAYS)).isoformat(), "end": today.isoformat()}


def clinic_csv(environment: dict[str, str], port: int, export: dict[str, str]) -> bytes:
    """The clinic CSV as the admin gets it: asked for, written by a worker run, downloaded."""
    admin = Browser(port)
    admin.log_in("admin.okafor")
    admin.get("/clinic/export/")
    asked = admin.post("/clinic/export/", export)
    if asked.status != 302:
        raise RuntimeError(f"asking for the clinic CSV answered {asked.status}")
    worker = [sys.executable, "manage.py", "worker", "--batch"]
    subprocess.run(worker, cwd=ROOT, env=environment, check=True, stdout=subprocess.DEVNULL)
    answer = admin.get(f"{asked.location}download/")
    if answer.status != 200:
        raise RuntimeError(f"the clinic CSV answered {answer.status}")
    return answer.body


def table_rows(url: str) -> dict[str, int]:
    """Rows in each table of the database's public schema."""
    with psycopg.connect(url) as connection:
        tables = connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
        count = sql.SQL("SELECT count(*) FROM {}")
        return {
            table: connection.execute(count.format(sql.Identifier(table))).fetchone()[0]
            for (table,) in tables
        }
