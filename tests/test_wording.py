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
