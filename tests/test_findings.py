"""One kind of finding (journal.findings): one level scale that carries its order, whether it
stops a save, whether it needs confirmation, its label and its style (issue 9)."""

from __future__ import annotations

import pytest

from journal.findings import (
    Finding,
    Level,
    Rule,
    needing_confirmation,
    ordered,
    rule_table,
    stops_save,
    worst_level,
)


def finding(level: str, code: str = "code") -> Finding:
    return Finding(level, code, f"{code} message", f"{code} reason")


def test_levels_run_from_most_to_least_serious():
    assert list(Level) == [Level.REFUSE, Level.BLOCK, Level.WARN, Level.NOTE]


@pytest.mark.parametrize(
    ("level", "order", "stops", "confirm", "label", "style"),
    [
        (Level.REFUSE, 0, True, False, "not allowed", "bad"),
        (Level.BLOCK, 1, True, False, "blocks LDN", "bad"),
        (Level.WARN, 2, False, True, "warning", "warn"),
        (Level.NOTE, 3, False, False, "note", ""),
    ],
)
def test_each_level_carries_how_it_is_treated(level, order, stops, confirm, label, style):
    assert level.order == order
    assert level.stops_save is stops
    assert level.needs_confirmation is confirm
    assert level.label == label
    assert level.style == style


@pytest.mark.parametrize("level", list(Level))
def test_a_level_compares_equal_to_its_string(level):
    assert level == level.value
    assert f"{level}" == level.value


def test_a_finding_made_with_a_string_level_holds_the_enum():
    assert finding("block").level is Level.BLOCK


def test_an_unknown_level_is_refused():
    with pytest.raises(ValueError):
        finding("fatal")


def test_ordered_puts_the_most_serious_first_and_keeps_the_rules_order_within_a_level():
    warn_a, warn_b = finding("warn", "a"), finding("warn", "b")
    note, block = finding("note"), finding("block")
    assert ordered([warn_a, note, block, warn_b]) == [block, warn_a, warn_b, note]


def test_ordered_keeps_each_finding_once():
    warn = finding("warn")
    assert ordered([warn, finding("warn")]) == [warn]


@pytest.mark.parametrize(
    ("levels", "stops", "confirm_codes", "worst"),
    [
        ([], False, [], None),
        (["note"], False, [], Level.NOTE),
        (["note", "warn"], False, ["warn"], Level.WARN),
        (["warn", "block"], True, ["warn"], Level.BLOCK),
        (["note", "refuse", "block"], True, [], Level.REFUSE),
    ],
)
def test_what_a_set_of_findings_means(levels, stops, confirm_codes, worst):
    findings = [finding(level, level) for level in levels]
    assert stops_save(findings) is stops
    assert [f.code for f in needing_confirmation(findings)] == confirm_codes
    assert worst_level(findings) == worst


def test_a_rule_gives_findings_at_its_own_level_with_its_reason():
    rule = Rule("some_rule", Level.WARN, "What it looks at.", "Why [003].")
    assert rule.finding("Found it.") == Finding(Level.WARN, "some_rule", "Found it.", "Why [003].")
    assert rule_table(rule) == {"some_rule": rule}
