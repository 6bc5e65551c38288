"""The domain core's words in the reader's language.

The core keeps its texts as English message ids, marked with `gettext_noop` where a table
defines them, and translates them with `gettext`/`ngettext` when a function returns them;
numbers and dates it writes with `number_words`/`date_words` (the reader's decimal separator
and date order). `Text` is a sentence with values, translated each time it is shown.

The core imports no Django: the shell installs Django's functions here when the app starts
(`journal.apps.JournalConfig.ready`). Until then (a script, the core imported on its own)
every text is its English original, a number keeps its ".", and a date is ISO 8601.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Self


def gettext_noop(message: str) -> str:
    """Marks a message id for the catalogue where a table defines it; translated when shown."""
    return message


@dataclass
class _Functions:
    gettext: Callable[[str], str] = lambda message: message
    ngettext: Callable[[str, str, int], str] = lambda singular, plural, count: (
        singular if count == 1 else plural
    )
    number_format: Callable[[str], str] = lambda number: number
    date_format: Callable[[dt.date, str], str] = lambda day, date_format: day.isoformat()


_installed = _Functions()


def install(
    *,
    gettext: Callable[[str], str],
    ngettext: Callable[[str, str, int], str],
    number_format: Callable[[str], str],
    date_format: Callable[[dt.date, str], str],
) -> None:
    global _installed
    _installed = _Functions(gettext, ngettext, number_format, date_format)


def gettext(message: str) -> str:
    return _installed.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _installed.ngettext(singular, plural, count)


def number_words(number: str) -> str:
    """ "1.5" → "1,5" where that is the reader's decimal separator."""
    return _installed.number_format(number)


def date_words(day: dt.date, date_format: str) -> str:
    """`day` in a date format (itself translated: "j F" is "j \\d\\e F" in Spanish)."""
    return _installed.date_format(day, gettext(date_format))


@dataclass(frozen=True)
class Text:
    """A message with {named} values, in the reader's language each time it is read (a
    value may itself be a Text, or a function giving the words)."""

    message: str
    values: tuple[tuple[str, Any], ...] = ()

    def __str__(self) -> str:
        shown = {name: value() if callable(value) else str(value) for name, value in self.values}
        return gettext(self.message).format(**shown)


def text(message: str, **values: Any) -> Text:
    """`text(gettext_noop("After {weeks} weeks"), weeks=8)`: the message marked for the catalogue."""
    return Text(message, tuple(values.items()))


class Phrase(str):
    """A message with {named} values that is two things at once: as data (compared, joined,
    hashed, stored in an audit row or a CSV) it is its English original, so what is kept stays
    English; shown (`str()`, as a template and Django's messages show it) it is in the reader's
    language. Findings are made of these: one finding, kept in English and read in Spanish.
    A value may itself be a Phrase; a Decimal is written with the reader's decimal separator."""

    _message: str
    _values: dict[str, Any]

    def __new__(cls, message: str, **values: Any) -> Self:
        original = (
            message.format(**{name: _original(value) for name, value in values.items()})
            if values
            else message
        )
        phrase = super().__new__(cls, original)
        phrase._message, phrase._values = message, values
        return phrase

    def __str__(self) -> str:
        if not self._values:
            return gettext(self._message)
        shown = {name: _shown(value) for name, value in self._values.items()}
        return gettext(self._message).format(**shown)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_phrase, (self._message, self._values))


def _phrase(message: str, values: dict[str, Any]) -> Phrase:
    return Phrase(message, **values)


class PluralPhrase(Phrase):
    """A Phrase whose words depend on a count: "{count} entry" / "{count} entries"."""

    _plural: str
    _count: int

    def __new__(cls, singular: str, plural: str, count: int, **values: Any) -> Self:
        message = singular if count == 1 else plural
        phrase = super().__new__(cls, message, count=count, **values)
        phrase._message, phrase._plural, phrase._count = singular, plural, count
        return phrase

    def __str__(self) -> str:
        shown = {name: _shown(value) for name, value in self._values.items()}
        return ngettext(self._message, self._plural, self._count).format(**shown)

    def __reduce__(self) -> tuple[Any, ...]:
        values = {name: value for name, value in self._values.items() if name != "count"}
        return (_plural_phrase, (self._message, self._plural, self._count, values))


def _plural_phrase(singular: str, plural: str, count: int, values: dict[str, Any]) -> PluralPhrase:
    return PluralPhrase(singular, plural, count, **values)


def ngettext_lazy(singular: str, plural: str, count: int, **values: Any) -> PluralPhrase:
    """`ngettext_lazy("{count} entry", "{count} entries", n)`: a PluralPhrase, marked for the
    catalogue with its plural."""
    return PluralPhrase(singular, plural, count, **values)


class Sentence(str):
    """Words (a Phrase, or a table's message id) begun with a capital letter and ended with a
    full stop, in English as data and in the reader's language when shown."""

    _words: str

    def __new__(cls, words: str) -> Self:
        sentence = super().__new__(cls, _capital_sentence(_original(words)))
        sentence._words = words
        return sentence

    def __str__(self) -> str:
        return _capital_sentence(_shown(as_phrase(self._words)))


def _capital_sentence(words: str) -> str:
    return words[:1].upper() + words[1:] + "."


class Listing(str):
    """Words listed one after another ("…, …"): joined English originals as data, each item
    in the reader's language when shown."""

    _items: tuple[str, ...]
    _separator: str

    def __new__(cls, items: Iterable[str], separator: str = ", ") -> Self:
        items = tuple(items)
        listing = super().__new__(cls, separator.join(_original(item) for item in items))
        listing._items, listing._separator = items, separator
        return listing

    def __str__(self) -> str:
        return self._separator.join(_shown(item) for item in self._items)


class IsoDate(str):
    """A date as a Phrase value: ISO 8601 as data ("2026-12-02"), the reader's way shown
    ("2 de diciembre de 2026")."""

    def __str__(self) -> str:
        return date_words(dt.date.fromisoformat(str.__str__(self)), "j F Y")


class Number(str):
    """A number as written in English ("1.3") that shows with the reader's decimal separator."""

    def __str__(self) -> str:
        return number_words(str.__str__(self))


def _original(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str.__str__(value) if isinstance(value, str) else str(value)


def _shown(value: Any) -> str:
    if isinstance(value, Decimal):
        return number_words(f"{value.normalize():f}")
    return str(value)


def as_phrase(words: str) -> str:
    """A table's text (marked with `gettext_noop`) as a Phrase: kept English, read translated."""
    # A Phrase, Sentence or Number already shows itself in the reader's language.
    return Phrase(words) if type(words) is str and words else words


def phrase(message: str, **values: Any) -> Phrase:
    """`phrase(gettext_noop("{dose} mg is above the usual LDN range."), dose=Decimal("5"))`."""
    return Phrase(message, **values)


# --- texts kept as data, to be shown again in a later reader's language ------------------------


def phrase_data(value: Any) -> Any:
    """A text as JSON that `phrase_from_data` turns into the same text again, shown in whoever
    reads it later: a Phrase as its message id and values, a Sentence, Listing, date or number
    as what it holds; any other text as its English original."""
    if isinstance(value, PluralPhrase):
        values = {name: phrase_data(item) for name, item in value._values.items() if name != "count"}
        return {"plural": [value._message, value._plural], "count": value._count, "values": values}
    if isinstance(value, Phrase):
        return {
            "message": value._message,
            "values": {name: phrase_data(item) for name, item in value._values.items()},
        }
    if isinstance(value, Sentence):
        return {"sentence": phrase_data(value._words)}
    if isinstance(value, Listing):
        return {"listing": [phrase_data(item) for item in value._items], "separator": value._separator}
    if isinstance(value, IsoDate):
        return {"date": _original(value)}
    if isinstance(value, Number):
        return {"number": _original(value)}
    if isinstance(value, Decimal):
        return {"decimal": _original(value)}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return _original(value)


def phrase_from_data(data: Any) -> Any:
    """The text `phrase_data` kept (a plain string, as kept before, stays as it is)."""
    if not isinstance(data, dict):
        return data
    if "plural" in data:
        singular, plural = data["plural"]
        values = {name: phrase_from_data(item) for name, item in data["values"].items()}
        return PluralPhrase(singular, plural, data["count"], **values)
    if "message" in data:
        return Phrase(
            data["message"], **{name: phrase_from_data(item) for name, item in data["values"].items()}
        )
    if "sentence" in data:
        return Sentence(phrase_from_data(data["sentence"]))
    if "listing" in data:
        return Listing((phrase_from_data(item) for item in data["listing"]), data["separator"])
    if "date" in data:
        return IsoDate(data["date"])
    if "number" in data:
        return Number(data["number"])
    return Decimal(data["decimal"])
