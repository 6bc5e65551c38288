"""`manage.py backup`: a consistent copy of the database, taken while the app runs.

SQLite: SQLite's online backup API, a snapshot even while requests write. PostgreSQL:
pg_dump in its custom format, one transaction and so one snapshot, restored with pg_restore.
README.md ("Backups") says how to restore each."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".dump"}


def copy_sqlite(target: Path) -> None:
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    copy.close()


def dump_postgres(database: dict[str, Any], target: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise CommandError(
            "pg_dump is not installed. Install PostgreSQL's client tools of the server's major version "
            "(Debian: apt-get install postgresql-client), or back up with your database host's own tools."
        )
    # The password goes in the environment, never on a command line that `ps` shows.
    environment = {
        **os.environ,
        "PGHOST": database["HOST"] or "",
        "PGPORT": str(database["PORT"] or ""),
        "PGUSER": database["USER"] or "",
        "PGPASSWORD": database["PASSWORD"] or "",
        "PGDATABASE": database["NAME"],
    }
    if sslmode := database.get("OPTIONS", {}).get("sslmode"):
        environment["PGSSLMODE"] = sslmode
    result = subprocess.run(
        [pg_dump, "--format=custom", "--no-owner", f"--file={target}"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise CommandError(f"pg_dump failed: {result.stderr.strip()}")


class Command(BaseCommand):
    help = "Write a consistent copy of the database (SQLite: a database file; PostgreSQL: a pg_dump file)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="The file to write (default: backups/ldnjournal-<UTC time>.sqlite3 or .dump).",
        )

    def handle(self, *, output: Path | None, **options: object) -> None:
        vendor = connection.vendor
        if vendor not in SUFFIXES:
            raise CommandError(f"No backup for a {vendor} database: use its own tools.")
        target = output or Path(settings.BASE_DIR) / "backups" / (
            f"ldnjournal-{timezone.now():%Y%m%d-%H%M%S}{SUFFIXES[vendor]}"
        )
        if target.exists():
            raise CommandError(f"{target} exists already: name another file.")
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written under another name first: a failed backup leaves no file that looks whole.
        partial = target.with_name(f".{target.name}.partial")
        try:
            if vendor == "sqlite":
                copy_sqlite(partial)
            else:
                dump_postgres(connection.settings_dict, partial)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(f"Backup written to {target} ({target.stat().st_size:,} bytes).")
