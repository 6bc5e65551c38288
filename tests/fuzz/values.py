"""Hostile values for form fields and URL parts, chosen by the field's type: what a careless
user or an attacker would send (dates at the ends of the calendar, 1e-30 mg, NUL bytes, ids
past 2^63, very long text, long lists, a list where one value is expected, nothing at all).

Each kind of field has its edges, sent one field at a time on an otherwise valid submission
(`edge_payloads`: every field meets every edge of its kind, on every run), and a Hypothesis
strategy for the values in between (`payloads`: a valid submission with one to three fields,
sometimes all, replaced, dropped or added)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from django import forms
from hypothesis import strategies as st

Value = str | list[str]
Payload = dict[str, Value]

EDGE_DATES = ("0001-01-01", "9999-12-31")
BAD_DATES = ("2026-02-30", "10000-01-01")
DATES = (
    *EDGE_DATES, *BAD_DATES, "", "0001-01-02", "1900-01-01", "1970-01-01", "9999-12-30", "0000-00-00",
    "2026-13-01", "-2026-01-01", "2026-1-1", "01/02/2026", "2026-01-01T00:00", " 2026-01-01 ",
)  # fmt: skip
EDGE_DECIMALS = ("0", "-1", "1e-30", "1e30", "NaN", "Infinity", "9" * 40, "")
DECIMALS = (
    *EDGE_DECIMALS, "-0", "-1e-30", "1E-7", "0.0001", "0.001", "0.125", "16", "16.001", "49.999", "50",
    "1E+30", "9.99e999", "1e999999999", "-NaN", "sNaN", "-Infinity", "inf", "1_000", "٣", "１", "1,5",
    " 3 mg ", "3mg", "0x10", ".5", "5.", "+1", "--1", "1e", "0." + "0" * 39 + "1",
)  # fmt: skip
EDGE_INTEGERS = ("0", "-1", str(2**63), "9" * 5000, "1.5")
INTEGERS = (
    *EDGE_INTEGERS, "-0", "1", "7", "90", "91", "2147483647", "2147483648", str(2**63 - 1), str(2**64),
    str(10**30), "1e3", "1.0", "０", "٧", " 7 ", "+7", "0x7", "",
)  # fmt: skip
HUGE_IDS = (str(2**63 - 1), str(2**63), str(2**64), str(10**30), "9" * 400)
EDGE_TIMES = ("24:00", "noon")
TIMES = (*EDGE_TIMES, "22:30", "00:00", "23:59:59", "25:00", "12:60", "-1:00", "12:00:00.999999", "22.30", "")
EDGE_EMAILS = ("x" * 250 + "@example.org", "a\x00@b.org")
SPECIAL_TEXT = (
    "\x00", "a\x00b", " ", "\r\n", "\t", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --", "{{ 7|add:7 }}", "%s%n%x", "\u202eevil", "🙂" * 20, "ǅ\u0301\u0327", "../../etc/passwd",
)  # fmt: skip
LONG_LENGTHS = (121, 150, 151, 201, 255, 256, 301, 2001, 10_000)
LONG_ITEMS = "\n".join(char * 121 for char in "xyz")  # one per line, each longer than a name may be
MANY_ITEMS = "\n".join(f"item {n}" for n in range(300))
PATH_PARTS = ("a\x00b", "%00", "..", "x" * 1000, "🙂", *EDGE_DATES)


@dataclass(frozen=True)
class Kind:
    """A kind of field: the edges each field of the kind meets, and values in between."""

    edges: tuple[Value, ...]
    values: st.SearchStrategy[Value]


def _text() -> st.SearchStrategy[str]:
    # Lone surrogates cannot be sent as UTF-8: no client can post them.
    return st.text(st.characters(exclude_categories=("Cs",)), max_size=30)


def long_text(lengths: tuple[int, ...] = LONG_LENGTHS) -> st.SearchStrategy[str]:
    return st.builds(lambda char, n: char * n, st.sampled_from("xé🙂\x00 "), st.sampled_from(lengths))


def listed_text() -> st.SearchStrategy[str]:
    """Names one per line or comma-separated, as the list fields take them: long items, many items."""
    item = st.one_of(_text(), long_text((119, 120, 121, 199, 200, 201, 300, 1000)))
    many = st.builds(lambda n, text: [text] * n, st.sampled_from((50, 300)), _text())
    return st.builds(
        lambda items, separator: separator.join(items),
        st.one_of(st.lists(item, min_size=1, max_size=6), many),
        st.sampled_from(("\n", ",", "\r\n", ", ")),
    )


def text(max_length: int | None = None) -> Kind:
    too_long = (max_length or 10_000) + 1
    return Kind(
        edges=("", "a\x00b", "x" * too_long, LONG_ITEMS, MANY_ITEMS),
        values=st.one_of(_text(), st.sampled_from(SPECIAL_TEXT), long_text(), listed_text()),
    )


def dates(today: dt.date) -> Kind:
    near = st.integers(-800, 800).map(lambda days: (today + dt.timedelta(days=days)).isoformat())
    edges = (*EDGE_DATES, BAD_DATES[0], (today - dt.timedelta(days=400)).isoformat())
    return Kind(edges, st.one_of(st.sampled_from(DATES), near, st.dates().map(dt.date.isoformat)))


def decimals() -> Kind:
    numbers = st.decimals(allow_nan=False, allow_infinity=False).map(str)
    return Kind(EDGE_DECIMALS, st.one_of(st.sampled_from(DECIMALS), numbers, st.floats().map(repr)))


def integers() -> Kind:
    return Kind(EDGE_INTEGERS, st.one_of(st.sampled_from(INTEGERS), st.integers().map(str)))


def ids(valid: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(valid or ["1"]), st.sampled_from(HUGE_IDS), integers().values)


def model_choices(valid: list[str], *, multiple: bool) -> Kind:
    """Ids: past 2^63, negative, not numbers; for several, hundreds of them and more than Django
    lets one request carry (1,000 fields)."""
    edges: tuple[Value, ...] = (str(2**63), "-1", "x")
    if not multiple:
        return Kind(edges, ids(valid))
    many = st.builds(lambda value, n: [value] * n, ids(valid), st.sampled_from((200, 1001)))
    too_many = [valid[0] if valid else "1"] * 1001
    return Kind((*edges, too_many), st.one_of(st.lists(ids(valid), max_size=6), many))


def choices(field: forms.ChoiceField) -> Kind:
    valid = [str(value) for value, _ in field.choices if not isinstance(value, list | tuple)]
    return Kind(("x", "x" * 10_000), st.one_of(st.sampled_from(valid or [""]), text().values))


def kind_of(field: forms.Field, today: dt.date) -> Kind:
    if isinstance(field, forms.ModelMultipleChoiceField | forms.ModelChoiceField):
        valid = [str(pk) for pk in field.queryset.values_list("pk", flat=True)]
        return model_choices(valid, multiple=isinstance(field, forms.ModelMultipleChoiceField))
    if isinstance(field, forms.DateField):
        return dates(today)
    if isinstance(field, forms.TimeField):
        return Kind(EDGE_TIMES, st.one_of(st.sampled_from(TIMES), st.times().map(dt.time.isoformat)))
    if isinstance(field, forms.DecimalField):  # before IntegerField, its base class
        return decimals()
    if isinstance(field, forms.IntegerField):
        return integers()
    if isinstance(field, forms.BooleanField):
        return Kind(("on",), st.sampled_from(("on", "", "true", "false", "0", "1", "off", "no")))
    if isinstance(field, forms.ChoiceField):
        return choices(field)
    if isinstance(field, forms.EmailField):
        return Kind(EDGE_EMAILS, st.one_of(st.emails(), st.sampled_from(EDGE_EMAILS), text().values))
    return text(getattr(field, "max_length", None))


ANY_SCALAR = st.deferred(
    lambda: st.one_of(_text(), decimals().values, integers().values, dates(dt.date(2026, 1, 1)).values)
)
MISSING = None  # an edge of every field: not sent at all (several values for one: `payloads`)


def edge_payloads(fields: Mapping[str, forms.Field], valid: Payload, today: dt.date) -> Iterator[Payload]:
    """The valid payload with one field at one of its kind's edges, or missing: each field meets
    each edge of its kind."""
    for name, field in fields.items():
        for edge in (*kind_of(field, today).edges, MISSING):
            payload = {key: value for key, value in valid.items() if key != name}
            if edge is not MISSING:
                payload[name] = edge
            yield payload


def payloads(
    fields: Mapping[str, forms.Field],
    valid: Payload,
    today: dt.date,
    extra: Mapping[str, st.SearchStrategy[Value]] | None = None,
) -> st.SearchStrategy[Payload]:
    """The valid payload with one to three fields (sometimes all) replaced by values of their
    kind, of another kind, or several values, or dropped; sometimes with a field nobody asked for."""
    strategies: dict[str, st.SearchStrategy[Value]] = {}
    for name, field in fields.items():
        own = kind_of(field, today).values
        strategies[name] = st.one_of(own, own, own, ANY_SCALAR, st.lists(ANY_SCALAR, min_size=2, max_size=4))
    strategies.update(extra or {})
    strategies["unexpected"] = st.one_of(ANY_SCALAR, st.lists(ANY_SCALAR, max_size=3))
    names = sorted(strategies)

    @st.composite
    def build(draw: Callable) -> Payload:
        payload = dict(valid)
        how_many = draw(st.sampled_from((1, 1, 1, 2, 2, 3, len(names))))
        for name in draw(st.permutations(names))[:how_many]:
            if draw(st.integers(0, 9)) == 0:
                payload.pop(name, None)
            else:
                payload[name] = draw(strategies[name])
        return payload

    return build()


def path_values(converter: str) -> tuple[str, ...]:
    """URL parts that the URL pattern still matches: for an int, ids past 2^63; for a str, NUL
    bytes, dates at the ends of the calendar, a long token."""
    if converter == "int":
        return (str(2**63), str(10**30), "9" * 400, "0")
    return tuple(part for part in PATH_PARTS if part and "/" not in part)
