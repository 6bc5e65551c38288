"""The rulebook (journal.rulebook): every section is read from the table the code applies, so
the page cannot drift from the code; every bracketed citation names a known source."""

from __future__ import annotations

import re

import pytest

from journal import advice, bounds, compounding, measuring, response, safety, titration
from journal.medicines import NAME_LISTS
from journal.rulebook import Section, sections
from journal.sources import SOURCES


def section(key: str) -> Section:
    (found,) = [section for section in sections() if section.key == key]
    return found


def codes(key: str) -> list[str]:
    return [entry.code for entry in section(key).entries]


def test_the_sections_in_page_order():
    assert [section.key for section in sections()] == [
        "doses",
        "bands",
        "templates",
        "screening",
        "safety",
        "names",
        "response",
        "step-effects",
        "advice",
        "input",
        "sources",
    ]


@pytest.mark.parametrize("key", [section.key for section in sections()])
def test_every_section_has_a_title_an_intro_and_rules_each_with_a_reason(key):
    found = section(key)
    assert found.title
    assert found.intro
    assert found.entries
    for entry in found.entries:
        assert entry.rule, entry.code
        assert entry.reason, entry.code


def test_the_dose_rules_are_titrations_the_measuring_rule_and_the_compounding_rules():
    assert codes("doses") == [
        *titration.DOSE_RULES,
        measuring.MEASURING_RULE.code,
        *compounding.COMPOUNDING_RULES,
    ]
    levels = [entry.level for entry in section("doses").entries]
    assert levels == [
        *(rule.level for rule in titration.DOSE_RULES.values()),
        measuring.MEASURING_RULE.level,
        *(rule.level for rule in compounding.COMPOUNDING_RULES.values()),
    ]


def test_the_bands_and_templates_are_titrations():
    assert codes("bands") == [band.name for band in titration.DOSE_BANDS]
    assert codes("templates") == list(titration.PLAN_TEMPLATES)


def test_the_screening_questions_and_safety_rules_are_safetys():
    assert codes("screening") == [question.field for question in safety.SCREENING_QUESTIONS]
    assert codes("safety") == list(safety.SAFETY_RULES)


def test_the_input_bounds_are_the_bounds_modules():
    assert codes("input") == list(bounds.INPUT_RULES)


def test_the_name_lists_are_the_medicines_lists():
    assert codes("names") == [str(category) for category in NAME_LISTS]
    (opioids,) = [entry for entry in section("names").entries if entry.code == "opioid"]
    assert "tramadol" in opioids.rule.split(", ")


def test_the_response_rules_name_the_class_they_decide():
    assert len(section("response").entries) == len(response.RESPONSE_RULES)
    named = [code for code in codes("response") if code != "—"]
    assert named == [str(response_class) for response_class in response.CLASS_RULES]


def test_each_advice_rule_is_described_as_its_docstring_says():
    """The page's description (translated) and the code's docstring say the same in English."""
    assert codes("advice") == [rule.__name__ for rule in advice.RULES]
    for entry, rule in zip(section("advice").entries, advice.RULES, strict=True):
        assert str.__str__(entry.rule) == " ".join(rule.__doc__.split("\n\n")[0].split())


def test_the_sources_section_lists_every_source():
    assert codes("sources") == [source.key for source in SOURCES]


def test_every_citation_names_a_known_source():
    known = {source.key for source in SOURCES}
    for found in sections():
        for entry in found.entries:
            for group in re.findall(r"\[(\d{3}(?:, \d{3})*)\]", f"{entry.rule} {entry.reason}"):
                assert set(group.split(", ")) <= known, (found.key, entry.code)
