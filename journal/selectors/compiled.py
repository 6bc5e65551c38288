"""Reads that the patient's pages make on every request, compiled to SQL once per connection.

Django builds and compiles a queryset anew on every call. For a read of one patient's few rows
that costs many times more than running it (a plan's steps: 0.5 ms to build and compile,
0.02 ms to run on SQLite), and Today makes seven such reads. A `CompiledRead` asks the ORM for
the SQL of one shape of `values_list` query once, with stand-in values for its parameters, and
then runs that SQL with each call's values, converting the rows as the ORM would: the query is
still written, and its rows still read, by the ORM.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
from django.db.models.query import ValuesListIterable
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)

# The kinds of value a parameter can take, and a stand-in of each that no real row or query
# holds: a negative id, dates and times in the eleventh century.
Kind = type[int] | type[dt.date] | type[dt.datetime]


def _stand_in(kind: Kind, number: int) -> object:
    if kind is int:
        return -(10**12) - number
    if kind is dt.datetime:
        return dt.datetime(1001 + number, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
    if kind is dt.date:
        return dt.date(1001 + number, 2, 3)
    raise TypeError(f"a compiled read takes ints, dates and datetimes, not {kind}")


def _adapted(connection: BaseDatabaseWrapper, kind: Kind, value: Any) -> Any:
    """`value` as the ORM hands it to the database driver for a field of this kind."""
    if kind is dt.datetime:
        return connection.ops.adapt_datetimefield_value(value)
    if kind is dt.date:
        return connection.ops.adapt_datefield_value(value)
    return value


@dataclass(frozen=True)
class _Compiled:
    compiler: SQLCompiler  # after as_sql(): its select list gives the rows' converters
    sql: str
    params: tuple[Any, ...]  # the compiled parameters, stand-ins included
    slots: tuple[tuple[int, str, type], ...]  # (position, parameter name, the driver's type)

    def params_for(
        self, connection: BaseDatabaseWrapper, kinds: dict[str, Kind], values: dict[str, Any]
    ) -> list[Any]:
        params = list(self.params)
        for position, name, driver_type in self.slots:
            value = _adapted(connection, kinds[name], values[name])
            # PostgreSQL's backend sends ids as its driver's sized integers (psycopg's Int8).
            params[position] = driver_type(value) if issubclass(driver_type, int) else value
        return params


class CompiledRead:
    """A `values_list` read that `build(**values)` writes with the ORM, compiled once per
    database connection; `kinds` names its parameters and their kinds (`int`, `dt.date`,
    `dt.datetime`). Each parameter must reach the SQL as a parameter, which is what the ORM
    does with the values of filters: compiling fails otherwise."""

    def __init__(self, build: Callable[..., QuerySet[Any]], **kinds: Kind) -> None:
        self._build = build
        self._kinds = kinds
        # Each thread has its own connection: one compiled read for each, dropped with it.
        self._compiled: weakref.WeakKeyDictionary[BaseDatabaseWrapper, _Compiled] = (
            weakref.WeakKeyDictionary()
        )

    def call(self, **values: Any) -> Call:
        """This read with these values, to run with others (`read_together`)."""
        if values.keys() != self._kinds.keys():
            raise TypeError(f"a compiled read takes {sorted(self._kinds)}, not {sorted(values)}")
        return Call(self, values)

    def rows(self, **values: Any) -> list[tuple[Any, ...]]:
        [rows] = read_together(self.call(**values))
        return rows

    def _compiled_for(self, connection: BaseDatabaseWrapper) -> _Compiled:
        return self._compiled.get(connection) or self._compile(connection)

    def _compile(self, connection: BaseDatabaseWrapper) -> _Compiled:
        stand_ins = {name: _stand_in(kind, number) for number, (name, kind) in enumerate(self._kinds.items())}
        queryset = self._build(**stand_ins)
        _check_rows_come_in_order(queryset)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        wanted = {name: _adapted(connection, self._kinds[name], value) for name, value in stand_ins.items()}
        slots = tuple(
            (position, name, type(param))
            for position, param in enumerate(params)
            for name, stand_in in wanted.items()
            if type(param) is not bool and param == stand_in
        )
        missing = wanted.keys() - {name for _, name, _ in slots}
        if missing:
            raise ValueError(f"{sorted(missing)} did not reach the SQL as parameters: {sql}")
        compiled = _Compiled(compiler, sql, tuple(params), slots)
        self._compiled[connection] = compiled
        return compiled


@dataclass(frozen=True)
class Call:
    read: CompiledRead
    values: dict[str, Any]


def read_together(*calls: Call) -> list[list[tuple[Any, ...]]]:
    """Each call's rows. On PostgreSQL the queries go to the server together and their rows
    come back in one round trip (psycopg's pipeline mode), which is most of what a small read
    costs there; elsewhere they run one after another."""
    connection = connections[DEFAULT_DB_ALIAS]
    compiled = [call.read._compiled_for(connection) for call in calls]
    params = [
        each.params_for(connection, call.read._kinds, call.values)
        for each, call in zip(compiled, calls, strict=True)
    ]
    with ExitStack() as cursors_open:
        cursors = [cursors_open.enter_context(connection.cursor()) for _ in calls]
        with connection.wrap_database_errors:
            with _sent_together(connection, len(calls)):
                for cursor, each, values in zip(cursors, compiled, params, strict=True):
                    cursor.execute(each.sql, values)
            fetched = [cursor.fetchall() for cursor in cursors]
    return [
        cast("list[tuple[Any, ...]]", list(each.compiler.results_iter(results=[rows], tuple_expected=True)))
        for each, rows in zip(compiled, fetched, strict=True)
    ]


def _sent_together(connection: BaseDatabaseWrapper, count: int) -> AbstractContextManager[object]:
    if count > 1 and connection.vendor == "postgresql":
        return cast(AbstractContextManager[object], connection.connection.pipeline())
    return nullcontext()


def as_instances(model: type[M], rows: list[tuple[Any, ...]]) -> list[M]:
    """Rows of `whole_rows` as `model` instances, as the ORM makes them from a row."""
    names = column_names(model)
    return [model.from_db(DEFAULT_DB_ALIAS, names, row) for row in rows]


def _check_rows_come_in_order(queryset: QuerySet[Any]) -> None:
    """The rows are tuples in the order of the `values_list` fields, as the SQL selects them."""
    if queryset._iterable_class is not ValuesListIterable:
        raise ValueError("a compiled read is a values_list() query")
    query = queryset.query
    selected = [*query.extra_select, *query.values_select, *query.annotation_select]
    if list(cast(Any, queryset)._fields) != selected:
        raise ValueError(f"the SQL selects {selected}, not the fields in the order asked for")


def whole_rows(queryset: QuerySet[M]) -> QuerySet[M, tuple[Any, ...]]:
    """The queryset's rows with every column of its model, for `CompiledRead.instances`."""
    return queryset.values_list(*column_names(queryset.model))


def column_names(model: type[Model]) -> list[str]:
    """The model's columns in the order `Model.from_db` takes them."""
    return [field.attname for field in model._meta.concrete_fields]
