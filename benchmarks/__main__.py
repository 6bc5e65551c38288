"""`make bench` (python -m benchmarks): the goals P1–P5 as ratios against baselines measured in the
same run, on SQLite and, when DATABASE_URL names one, on PostgreSQL.

Each database is benchmarked in a process of its own, in a database made for the run: a SQLite
file in a temporary folder, or `<name>_bench` beside the database DATABASE_URL names (made and
dropped; the role needs CREATEDB). The app runs as the README runs it (gunicorn with the
project's gunicorn.conf.py, 2 workers, DEBUG off), with one page added for the baseline of P1.
Figures never fail the run; an error does (exit status 1).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import django

from benchmarks.scale import FULL, FULL_LOAD, SMOKE, SMOKE_LOAD
from drills.servers import database, database_name, new_secret_key, production_environment

WORKERS = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), help="only this one, in this process")
    parser.add_argument("--smoke", action="store_true", help="a tiny clinic, one request of each kind")
    options = parser.parse_args(argv)
    if options.database:
        return run(options.database, smoke=options.smoke)
    databases = ["sqlite", "postgres"] if is_postgres(os.environ.get("DATABASE_URL", "")) else ["sqlite"]
    for name in databases:
        command = [
            sys.executable,
            "-m",
            "benchmarks",
            "--database",
            name,
            *(["--smoke"] if options.smoke else []),
        ]
        if status := subprocess.call(command):
            return status
    return 0


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


@contextmanager
def bench_database(kind: str, folder: Path, *, smoke: bool) -> Iterator[str]:
    """A new, empty database for the run; yields its URL."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'bench.sqlite3'}"
        return
    server_url = os.environ.get("DATABASE_URL", "")
    if not is_postgres(server_url):
        raise SystemExit("PostgreSQL needs DATABASE_URL=postgres://user:password@host:port/name")
    with database(server_url, f"{database_name(server_url)}_bench{'_smoke' if smoke else ''}") as url:
        yield url


def run(kind: str, *, smoke: bool) -> int:
    scale, load = (SMOKE, SMOKE_LOAD) if smoke else (FULL, FULL_LOAD)
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="ldn-bench-") as folder,
        bench_database(kind, Path(folder), smoke=smoke) as url,
    ):
        environment = production_environment(url, new_secret_key())
        environment |= {
            "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
            "BENCH_STATIC_ROOT": f"{folder}/static",
        }
        os.environ.update(environment)
        django.setup()
        from benchmarks.measure import measure  # imports the models: after setup

        lines, title = measure(environment, scale, load, workers=WORKERS, say=lambda what: say(started, what))
    from benchmarks.report import table

    print(f"\n{title}\n{table(lines)}\n(1 KB = 1,000 bytes; {time.monotonic() - started:.0f} s)", flush=True)
    return 0


def say(started: float, what: str) -> None:
    print(f"[{time.monotonic() - started:5.1f} s] {what}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
