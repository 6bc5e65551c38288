"""journal.guide: the introduction and the help pages say what the domain's tables say, name
real sources, and stay short enough to read on a phone."""

from __future__ import annotations

import re

import pytest

from journal import guide
from journal.medicines import MedicationCategory, classify_medication
from journal.sources import SOURCES


def words_of(topic: guide.Topic) -> str:
    return " ".join((topic.summary, *topic.paragraphs))


def test_the_introduction_covers_what_a_new_patient_needs_in_order():
    assert [topic.title for topic in guide.INTRODUCTION] == [
        "What LDN is",
        "Start low, go slow",
        "When it may help",
        "Early side effects",
        "Opioids and surgery",
        "Logging in 30 seconds",
    ]
    assert set(guide.INTRODUCTION) < set(guide.TOPICS)  # every screen is also a help page


@pytest.mark.parametrize("topic", guide.TOPICS, ids=lambda topic: topic.slug)
def test_each_topic_names_sources_the_app_knows(topic):
    known = {source.key for source in SOURCES}
    assert topic.source_keys and set(topic.source_keys) <= known
    assert [source.key for source in topic.sources] == sorted(topic.source_keys)


@pytest.mark.parametrize("topic", guide.TOPICS, ids=lambda topic: topic.slug)
def test_each_topic_is_short_and_plain(topic):
    """A screen at 360 px: a handful of short paragraphs of short sentences."""
    assert re.fullmatch(r"[a-z0-9-]{1,40}", topic.slug)  # the help address's converter
    assert 2 <= len(topic.paragraphs) <= 4
    sentences = [s for s in re.split(r"(?<=[.!?:])\s+", words_of(topic)) if s]
    longest = max(len(sentence.split()) for sentence in sentences)
    assert longest <= 26, max(sentences, key=lambda sentence: len(sentence.split()))


def test_the_numbers_come_from_the_domains_tables():
    when = words_of(guide.topic("when-it-helps"))
    assert "after 8 to 10 weeks" in when  # response.INITIAL_EFFECT_WINDOW, days 56–70
    assert "3 to 6 months" in when  # response.FULL_RESPONSE_WINDOW, days 91–182
    assert "stop them 7 to 14 days before" in words_of(guide.topic("opioids-and-surgery"))
    assert "for about 7 days" in guide.BASELINE_WEEK.summary  # response.BASELINE_DAYS
    logging = words_of(guide.topic("logging"))
    assert "any of the last 14 days" in logging
    assert "Until 4 in the morning" in logging


def test_side_effects_are_named_as_the_entry_form_names_them():
    text = words_of(guide.topic("side-effects"))
    for label in ("Vivid dreams", "Insomnia / sleep disturbance", "Headache", "Nausea / GI upset"):
        assert f"“{label}”" in text
    assert "Ask your clinician before you change the time or the dose" in text


@pytest.mark.parametrize("name", guide.OPIOID_EXAMPLES)
def test_every_opioid_named_is_one_the_medication_list_warns_about(name):
    assert MedicationCategory.OPIOID in classify_medication(name)


def test_surgery_says_to_tell_the_surgeon_and_follow_the_clinician():
    text = words_of(guide.topic("opioids-and-surgery"))
    assert "tell your surgeon and the anaesthetist" in text
    assert "do it the way your clinician tells you" in text


def test_an_unknown_topic_is_none():
    assert guide.topic("no-such-topic") is None
    assert guide.topic("side-effects") is guide.TOPICS_BY_SLUG["side-effects"]
