"""journal.wording: the domain core's words in the reader's language, through the functions the
app installs at start-up (journal.apps)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from journal.wording import date_words, gettext, gettext_noop, ngettext, number_words, text


def test_a_table_marks_its_message_and_keeps_it_english():
    assert gettext_noop("higher is better") == "higher is better"


@pytest.mark.parametrize(
    ("language", "words", "number", "day"),
    [
        ("en", "higher is better", "1.5", "2 March"),
        ("es", "más es mejor", "1,5", "2 de marzo"),
        ("de", "höher ist besser", "1,5", "2. März"),
    ],
)
def test_words_numbers_and_dates_in_the_readers_language(language, words, number, day):
    with translation.override(language):
        assert gettext("higher is better") == words
        assert number_words("1.5") == number
        assert date_words(dt.date(2026, 3, 2), "j F") == day


def test_a_text_is_translated_each_time_it_is_read():
    message = text(gettext_noop("higher is better"))
    with translation.override("de"):
        german = str(message)
    with translation.override("en"):
        english = str(message)
    assert (german, english) == ("höher ist besser", "higher is better")


def test_counts_choose_the_singular_or_the_plural():
    assert ngettext("%(days)s day", "%(days)s days", 1) == "%(days)s day"
    with translation.override("de"):
        assert ngettext("%(days)s day", "%(days)s days", 3) % {"days": 3} == "3 Tage"


def kept_texts():
    from decimal import Decimal

    from journal.wording import IsoDate, Listing, Number, Sentence, ngettext_lazy, phrase

    above = phrase(gettext_noop("{dose} mg is above the usual LDN range."), dose=Decimal("5.5"))
    return [
        above,
        Sentence(above),
        phrase(gettext_noop("{dose} from {day}"), dose=Number("1.5"), day=IsoDate("2026-03-02")),
        ngettext_lazy("{count} day", "{count} days", 3),
        Listing([gettext_noop("higher is better"), above]),
        "a clinic's own words",
    ]


@pytest.mark.parametrize("kept", kept_texts())
def test_a_text_kept_as_data_is_read_again_in_a_later_readers_language(kept):
    """A roster row's findings, stored during one reader's request, shown to another: the
    same English data, and each reader's own language when shown."""
    import json

    from journal.wording import phrase_data, phrase_from_data

    with translation.override("es"):  # stored while a Spanish request ran
        stored = json.loads(json.dumps(phrase_data(kept)))
    read = phrase_from_data(stored)
    assert str.__str__(read) == str.__str__(kept)
    for language in ("en", "es", "de"):
        with translation.override(language):
            assert str(read) == str(kept)
