"""Query lookups of our own, registered when the app is ready (journal.apps)."""

from __future__ import annotations

from typing import Any

from django.db.models.lookups import In
from django.db.models.sql.query import Query


class AmongSelected(In):
    """`field__among=queryset`: the rows whose `field` is among the ids `queryset` selects.

    As `__in` with a subquery, except on PostgreSQL, where the ids are gathered into an array
    first (`= ANY(ARRAY(subquery))`) and each is looked up in the index. With `__in` or a join,
    PostgreSQL's planner reads the whole of a large table (its cost model favours a scan) for
    every batch of an export: a clinic's export then took time growing with the square of its
    size."""

    lookup_name = "among"

    def get_prep_lookup(self) -> Any:
        if not isinstance(self.rhs, Query) and not hasattr(self.rhs, "query"):
            raise TypeError("__among takes a queryset of ids, not a list of values")
        return super().get_prep_lookup()

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)
