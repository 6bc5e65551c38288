"""The audit log and the access log are append-only in the database itself, not only in Python
(`AuditEvent.save`): triggers refuse every UPDATE and DELETE of their rows (and TRUNCATE, on
PostgreSQL), so neither a bug nor a statement typed into a database shell rewrites the record.

Migration 0006 creates the triggers. A patient or a clinic with audit or access rows can
therefore not be deleted (the foreign keys PROTECT them as well); the demo reset, which deletes
the demo clinic, lifts the triggers inside its own transaction (`lifted`). The database's owner
can always drop a trigger: running the app as a role that does not own the tables closes that
door too (README, "What is audited").

On SQLite, a migration that rebuilds one of these tables drops its triggers with it: it must
create them again (tests/test_append_only.py fails until it does)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

AUDIT_TABLES = ("journal_auditevent", "journal_accessevent")

_REFUSAL = "append_only: rows of {table} are never changed or deleted"
_POSTGRES_FUNCTION = """
    CREATE OR REPLACE FUNCTION journal_refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING ERRCODE = 'restrict_violation',
            MESSAGE = 'append_only: rows of ' || TG_TABLE_NAME || ' are never changed or deleted';
    END $$"""


def guard_statements(vendor: str, tables: Sequence[str] = AUDIT_TABLES) -> list[str]:
    """The SQL that makes `tables` append-only on this database vendor."""
    if vendor == "postgresql":
        return [
            _POSTGRES_FUNCTION,
            *(
                statement
                for table in tables
                for statement in (
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION journal_refuse_audit_change()",
                    f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION journal_refuse_audit_change()",
                )
            ),
        ]
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{_REFUSAL.format(table=table)}'); END"
            for table in tables
            for event in ("UPDATE", "DELETE")
        ]
    raise NotImplementedError(f"No append-only triggers for {vendor}.")


def lift_statements(vendor: str, tables: Sequence[str] = AUDIT_TABLES) -> list[str]:
    """The SQL that removes the triggers of `guard_statements` (the function stays)."""
    if vendor == "postgresql":
        names = ("append_only", "no_truncate")
        return [f"DROP TRIGGER {table}_{name} ON {table}" for table in tables for name in names]
    if vendor == "sqlite":
        return [f"DROP TRIGGER {table}_no_{event}" for table in tables for event in ("update", "delete")]
    raise NotImplementedError(f"No append-only triggers for {vendor}.")


@contextmanager
def lifted(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """The audit tables writable for the block, in one transaction with it: the triggers are
    back when the block ends, and never gone if it fails (both databases roll back DDL)."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for statement in lift_statements(connection.vendor):
            cursor.execute(statement)
        yield
        for statement in guard_statements(connection.vendor):
            cursor.execute(statement)
