"""One database's run: the clinics built once, then every section on them. The export first (the
app's in a fresh process, so that its memory is its own; the raw SQL one here), then the app
server for P1, P3 and P2, and the roster's queries and the reminders (P5) in this process last."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.management import call_command
from django.db import connection, connections

from benchmarks import data, reminders, sections
from benchmarks.load import Load
from benchmarks.report import Line
from benchmarks.scale import Scale
from drills.servers import AppServer, free_ports


def measure(
    environment: dict[str, str], scale: Scale, load: Load, *, workers: int, say: Callable[[str], None]
) -> tuple[list[Line], str]:
    """The lines of P1–P5 in order, and a title naming the database and the scale."""
    say("migrate, collectstatic")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    say(f"build: {scale.patients:,} + {scale.small_patients:,} patients × {scale.days} days, a chart patient")
    clinics = data.build(scale, dt.datetime.now(dt.UTC).date())
    say("P4: the clinic export, through the app and as raw SQL")
    lines = sections.export(clinics, scale)
    say("P4: the clinic's FHIR NDJSON export, large clinic and small")
    lines += sections.fhir_export(clinics, scale)
    connections.close_all()  # the server's workers start with the database to themselves
    (port,) = free_ports(1)
    with AppServer(environment, port, workers=workers) as app:
        say(
            f"P1: requests per second, {load.tabs} at once, {load.rounds} rounds of {load.seconds:g} s a page"
        )
        patient = sections.logged_in(port, clinics.chart_patient)
        lines += sections.requests(patient, clinics, load)
        say("P3: the chart page")
        lines += sections.chart(patient, clinics, scale)
        say("P2: the roster over HTTP, and its facts as raw SQL")
        lines += sections.roster(app, clinics, scale)
    say("P2: the roster's queries, small clinic and large")
    lines.append(sections.roster_queries(clinics, scale))
    say("P5: the reminders of one minute of the day")
    lines += reminders.minute(clinics, scale)
    title = (
        f"LDN Journal benchmarks on {database_title()}: gunicorn with {workers} workers, DEBUG off; "
        f"{scale.patients:,} patients × {scale.days} days"
    )
    return sorted(lines, key=lambda line: line.section), title


def database_title() -> str:
    """ "PostgreSQL 15.8", "SQLite 3.40.1 (a file, WAL)"."""
    version = ".".join(str(part) for part in connection.get_database_version())
    return f"{connection.display_name} {version}" + (
        " (a file, WAL)" if connection.vendor == "sqlite" else ""
    )
