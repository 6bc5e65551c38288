"""Sending one payload and judging what it did: the answer (no 500, an answer within the time
limit) and the rows it left (every changed row of the journal's models passes `full_clean()`,
and the database's own constraints hold). Each payload runs in a savepoint that is rolled
back, so every payload meets the same records.

Every payload is sent even after a failure: the tally keeps each distinct failure (its
exception and the line of our code it passed, or the invalid row) with the shortest payload
that made it, for the test's message and the summary at the end of the run."""

from __future__ import annotations

import signal
import traceback
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.test import Client

from tests.fuzz.values import Payload

TIME_LIMIT_SECONDS = 10
ROOT = Path(__file__).resolve().parents[2]
WRITES = ("INSERT", "UPDATE", "DELETE")


@dataclass
class Tally:
    payloads: Counter[str] = field(default_factory=Counter)
    paths: Counter[str] = field(default_factory=Counter)
    server_errors: Counter[str] = field(default_factory=Counter)
    invalid_rows: Counter[str] = field(default_factory=Counter)
    # by URL name: each distinct failure → the shortest request that made it
    failures: defaultdict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))

    def failed(self, key: str, failure: str, what: str) -> None:
        known = self.failures[key]
        if failure not in known or len(what) < len(known[failure]):
            known[failure] = what

    def plain(self) -> dict[str, Any]:
        """The tally as plain dicts: what an xdist worker can hand to the controller."""
        counters = ("payloads", "paths", "server_errors", "invalid_rows")
        return {name: dict(getattr(self, name)) for name in counters} | {"failures": dict(self.failures)}

    def add(self, other: dict[str, Any]) -> None:
        """Another worker's `plain` tally, added to this one."""
        for name in ("payloads", "paths", "server_errors", "invalid_rows"):
            getattr(self, name).update(other[name])
        for key, failures in other["failures"].items():
            for failure, what in failures.items():
                self.failed(key, failure, what)


TALLY = Tally()


class TookTooLong(Exception):
    """A request that had no answer within the time limit (a page that grows without bound)."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def expired(signum: int, frame: object) -> None:
        raise TookTooLong(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def shown(value: Any) -> str:
    """A value as Python, with long runs written as multiplications ('x' * 10000)."""
    if isinstance(value, str) and len(value) > 80:
        head = value[:40]
        if value == value[0] * len(value):
            return f"{value[0]!r} * {len(value)}"
        return f"{head!r} + … ({len(value)} characters)"
    if isinstance(value, list):
        if len(value) > 6 and len(set(value)) == 1:
            return f"[{shown(value[0])}] * {len(value)}"
        return "[" + ", ".join(shown(item) for item in value[:6]) + (", …]" if len(value) > 6 else "]")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key!r}: {shown(item)}" for key, item in value.items()) + "}"
    return repr(value)


Rows = dict[str, dict[Any, tuple]]


def journal_rows() -> Rows:
    """Every row of every model of the journal app (many-to-many links included), by pk: one
    plain query a table, as this runs twice for every payload."""
    rows = {}
    with connection.cursor() as cursor:
        for model in apps.get_app_config("journal").get_models(include_auto_created=True):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")
            pk = [column[0] for column in cursor.description].index(model._meta.pk.column)
            rows[model._meta.label] = {row[pk]: row for row in cursor.fetchall()}
    return rows


def invalid_rows(before: Rows) -> list[str]:
    """What is wrong with the rows added or changed since `before`: each fails `full_clean()`
    with its messages, or the database's deferred constraints fail."""
    problems = []
    for label, rows in journal_rows().items():
        changed = [pk for pk, row in rows.items() if before[label].get(pk) != row]
        model = apps.get_model(label)
        # django-simple-history leaves a history row's change reason empty (NULL) unless given.
        exclude = ["history_change_reason"] if hasattr(model, "instance_type") else []
        for instance in model._base_manager.filter(pk__in=changed):
            try:
                instance.full_clean(exclude=exclude)
            except ValidationError as error:
                problems.append(f"{label} ({', '.join(sorted(error.message_dict))}): {error.message_dict}")
    try:
        connection.check_constraints()
    except DatabaseError as error:
        problems.append(f"database constraints: {error}")
    return problems


@dataclass
class Outcome:
    status: int | None = None
    error: BaseException | None = None
    problems: list[str] = field(default_factory=list)


def send(client: Client, method: str, url: str, payload: Payload, *, htmx: bool, before: Rows) -> Outcome:
    """`method` `url` with `payload` in a savepoint that is rolled back afterwards; what came
    back and what it left (compared with `before`, the rows as they are before any payload)."""
    outcome = Outcome()
    headers = {"HX-Request": "true"} if htmx else {}
    writes: list[str] = []

    def watch(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(WRITES):
            writes.append(sql)
        return execute(sql, params, many, context)

    with transaction.atomic(), connection.execute_wrapper(watch):
        try:
            with time_limit(TIME_LIMIT_SECONDS):
                response = (client.post if method == "POST" else client.get)(url, payload, headers=headers)
                if response.streaming:
                    b"".join(response.streaming_content)
            outcome.status = response.status_code
        except Exception as error:  # noqa: BLE001 - the view's own error: what `judge` reports
            outcome.error = error
        else:
            if writes:  # a request that wrote nothing left nothing to check
                outcome.problems = invalid_rows(before)
        transaction.set_rollback(True)
    return outcome


def judge(outcome: Outcome, *, what: str, key: str) -> None:
    """Count the outcome: a 500 (the view's exception) or invalid rows are failures of `key`."""
    if outcome.error is not None or (outcome.status or 0) >= 500:
        TALLY.server_errors[key] += 1
        failure = signature(outcome.error) if outcome.error else f"answered {outcome.status}"
        TALLY.failed(key, failure, what)
    for problem in outcome.problems:
        TALLY.invalid_rows[key] += 1
        TALLY.failed(key, f"invalid row {problem.split(':')[0]}", f"{what} → {problem}")


def signature(error: BaseException) -> str:
    """The exception's type and message head, and the deepest line of our code it passed."""
    frames = traceback.extract_tb(error.__traceback__)
    frame = ([frame for frame in frames if Path(frame.filename).is_relative_to(ROOT / "journal")] or frames)[
        -1
    ]
    path = Path(frame.filename)
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    return f"{type(error).__name__}: {str(error)[:80]!r} at {where}:{frame.lineno}"


def failures_of(key: str) -> str:
    """The distinct failures of `key`, each with the shortest request that made it."""
    return "\n".join(f"{failure}\n    {what}" for failure, what in sorted(TALLY.failures[key].items()))
