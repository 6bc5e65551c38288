"""`make drills`: the reliability drills, on PostgreSQL (DATABASE_URL), in production settings.

1. kill -9 under load: demo patients save daily entries through gunicorn (3 workers) while
   workers are killed; every save that was answered must be in the database with its values.
2. Two app servers (two gunicorn masters) on one database: what is written through one is read
   through the other, and 50 simultaneous saves of one patient's day make one entry.
3. Dump → restore: pg_dump, pg_restore into a new database; the clinic's CSV export is
   byte-identical from either, and every table has as many rows.

It makes and drops its own databases (<name>_drills and <name>_drills_restored beside the one
DATABASE_URL names), prints the figures and exits non-zero on any failure.
"""

from __future__ import annotations

import os
import sys
import time

import django

from drills.servers import (
    database,
    database_name,
    database_url,
    free_ports,
    new_secret_key,
    production_environment,
)


def main() -> int:
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith(("postgres://", "postgresql://")):
        print("The drills need PostgreSQL: DATABASE_URL=postgres://user:password@host:port/name make drills")
        return 2
    started = time.monotonic()
    name = database_name(server_url)
    environment = production_environment(database_url(server_url, f"{name}_drills"), new_secret_key())
    ports = free_ports(4)
    with database(server_url, f"{name}_drills"):
        os.environ.update(environment)  # this process reads and checks the drill's database
        django.setup()
        from django.db import connections

        from drills import scenarios

        figures = scenarios.Figures()
        say(started, "prepare: migrate, seed_demo, collectstatic")
        scenarios.prepare()
        say(started, "drill 1: kill -9 under load")
        scenarios.kill_drill(environment, ports[0], figures)
        say(started, "drill 2: two app servers on one database")
        scenarios.two_servers_drill(environment, ports[1:3], figures)
        say(started, "drill 3: dump → restore")
        with database(server_url, f"{name}_drills_restored") as restored_url:
            scenarios.restore_drill(environment, restored_url, ports[3], figures)
        connections.close_all()
    figures.report(time.monotonic() - started)
    return 1 if figures.failures else 0


def say(started: float, what: str) -> None:
    print(f"[{time.monotonic() - started:5.1f} s] {what}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
