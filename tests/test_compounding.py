"""How a plan is compounded (journal.compounding): slow release and calcium carbonate each
raise a warning with its reason and source; the words every surface shows."""

from __future__ import annotations

import pytest

from journal.compounding import COMPOUNDING_RULES, compounding_findings, compounding_words
from journal.findings import Level


@pytest.mark.parametrize(
    ("release", "filler", "codes"),
    [
        ("immediate", "", []),
        ("immediate", "microcrystalline_cellulose", []),
        ("immediate", "other", []),
        ("slow", "", ["slow_release"]),
        ("immediate", "calcium_carbonate", ["calcium_carbonate_filler"]),
        ("slow", "calcium_carbonate", ["slow_release", "calcium_carbonate_filler"]),
    ],
)
def test_slow_release_and_calcium_carbonate_each_warn(release, filler, codes):
    findings = compounding_findings(release=release, filler=filler)
    assert [finding.code for finding in findings] == codes
    assert all(finding.level is Level.WARN and finding.level.needs_confirmation for finding in findings)


def test_each_warning_gives_its_reason_and_source():
    assert "[001, 004]" in str(COMPOUNDING_RULES["slow_release"].reason)
    assert "slows absorption" in str(COMPOUNDING_RULES["calcium_carbonate_filler"].reason)
    (finding,) = compounding_findings(release="immediate", filler="calcium_carbonate")
    assert finding.reason == COMPOUNDING_RULES["calcium_carbonate_filler"].reason


@pytest.mark.parametrize(
    ("release", "filler", "note", "words"),
    [
        ("immediate", "", "", "immediate-release"),
        ("slow", "", "", "slow-release"),
        (
            "immediate",
            "microcrystalline_cellulose",
            "",
            "immediate-release, filler: microcrystalline cellulose",
        ),
        ("immediate", "other", "rice flour", "immediate-release, filler: another filler (rice flour)"),
        ("immediate", "", "no lactose", "immediate-release, filler: no lactose"),
    ],
)
def test_compounding_words(release, filler, note, words):
    assert compounding_words(release=release, filler=filler, filler_note=note) == words
