"""`manage.py backup`: a consistent copy that restores into a fresh database with the same
rows (SQLite: the file itself; PostgreSQL: pg_dump, then pg_restore into a new database)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import sqlite3
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from journal.management.commands.backup import dump_postgres
from tests.factories import make_entry


def _rows(cursor, tables: list[str]) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    contents = {}
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')
        contents[table] = sorted(cursor.fetchall(), key=repr)
    return contents


def _our_rows() -> dict[str, list[tuple]]:
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        return _rows(cursor, tables)


@pytest.fixture
def a_clinics_data(alice, carol, bob):
    make_entry(alice, dt.date(2026, 3, 1), notes="Slept better — «quotes» & ünïcode")
    assert any(_our_rows().values())


def _backup(tmp_path) -> str:
    output = io.StringIO()
    target = tmp_path / "copy"
    call_command("backup", "--output", str(target), stdout=output)
    assert output.getvalue().startswith(f"Backup written to {target}")
    return str(target)


def test_a_sqlite_backup_restores_with_the_same_rows(transactional_db, a_clinics_data, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backup (the PostgreSQL one is tested below)")
    restored = tmp_path / "restored.sqlite3"
    shutil.copy(_backup(tmp_path), restored)  # the restore: put the copy where the database was
    # Read as Django reads (its converters turn stored text into dates, decimals…).
    with sqlite3.connect(restored, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES) as copy:
        assert _rows(copy.cursor(), connection.introspection.table_names()) == _our_rows()


def test_a_postgres_backup_restores_into_a_fresh_database_with_the_same_rows(
    postgres, transactional_db, a_clinics_data, tmp_path
):
    import psycopg
    from psycopg.types.string import TextLoader

    database = connection.settings_dict
    fresh = f"{database['NAME']}_restored"
    server = {
        "host": database["HOST"],
        "port": database["PORT"],
        "user": database["USER"],
        "password": database["PASSWORD"],
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={fresh}", _backup(tmp_path)],
            env={
                "PGHOST": database["HOST"],
                "PGPORT": str(database["PORT"]),
                "PGUSER": database["USER"],
                "PGPASSWORD": database["PASSWORD"],
            },  # fmt: skip
            check=True,
        )
        with psycopg.connect(dbname=fresh, **server) as copy:
            # JSON as its text, as Django's own connection reads it (the PGIC's items, say)
            copy.adapters.register_loader("jsonb", TextLoader)
            copy.adapters.register_loader("json", TextLoader)
            assert _rows(copy.cursor(), connection.introspection.table_names()) == _our_rows()
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')


def test_a_backup_never_overwrites_a_file(db, tmp_path):
    existing = tmp_path / "copy"
    existing.write_text("an older backup")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", "--output", str(existing))
    assert existing.read_text() == "an older backup"


def test_without_pg_dump_the_backup_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(CommandError, match="pg_dump is not installed. Install PostgreSQL's client tools"):
        dump_postgres({"HOST": "", "PORT": "", "USER": "", "PASSWORD": "", "NAME": "ldn"}, tmp_path / "x")
    assert not (tmp_path / "x").exists()
