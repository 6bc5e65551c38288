"""The sources the rules cite (journal.sources): numbered [000]–[004] in order, each with its
title, author, kind and what the app takes from it."""

from __future__ import annotations

import pytest

from journal.sources import SOURCES


def test_the_sources_are_numbered_000_to_004_in_order():
    assert [source.key for source in SOURCES] == ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("source", SOURCES, ids=lambda source: source.key)
def test_every_source_says_what_it_is_and_what_the_app_takes_from_it(source):
    assert source.title
    assert source.by
    assert source.kind
    assert source.used_for
