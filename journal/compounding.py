"""How a plan's LDN is compounded: immediate or slow release, and the capsule's filler.

The sources insist on immediate release — slow-release naltrexone does not work the same
way — and on a filler other than calcium carbonate, which slows absorption [001, 004]. The
app records what the clinician chose and warns (a finding the clinician confirms) when a
plan says slow release or calcium carbonate; it never picks for them.
"""

from __future__ import annotations

from journal.findings import Finding, Level, Rule, rule_table
from journal.wording import gettext, gettext_noop, phrase

IMMEDIATE, SLOW = "immediate", "slow"
RELEASES = (IMMEDIATE, SLOW)
RELEASE_WORDS = {
    IMMEDIATE: gettext_noop("immediate-release"),
    SLOW: gettext_noop("slow-release"),
}

MICROCRYSTALLINE_CELLULOSE, CALCIUM_CARBONATE, OTHER_FILLER = (
    "microcrystalline_cellulose",
    "calcium_carbonate",
    "other",
)
FILLERS = (MICROCRYSTALLINE_CELLULOSE, CALCIUM_CARBONATE, OTHER_FILLER)  # "" : not recorded
FILLER_WORDS = {
    MICROCRYSTALLINE_CELLULOSE: gettext_noop("microcrystalline cellulose"),
    CALCIUM_CARBONATE: gettext_noop("calcium carbonate"),
    OTHER_FILLER: gettext_noop("another filler"),
}

COMPOUNDING_RULES: dict[str, Rule] = rule_table(
    Rule(
        "slow_release",
        Level.WARN,
        gettext_noop("A plan compounded as slow-release (timed or extended release)."),
        gettext_noop(
            "LDN must be immediate-release: slow-release naltrexone does not work the same way [001, 004]."
        ),
    ),
    Rule(
        "calcium_carbonate_filler",
        Level.WARN,
        gettext_noop("A plan whose capsules use calcium carbonate as the filler."),
        gettext_noop(
            "Calcium carbonate slows absorption and reduces effectiveness: avoid it as a filler [001, 004]."
        ),
    ),
)


def compounding_findings(*, release: str, filler: str) -> list[Finding]:
    """A warning for slow release and one for calcium carbonate; nothing otherwise."""
    findings = []
    if release == SLOW:
        findings.append(
            COMPOUNDING_RULES["slow_release"].finding(
                phrase(gettext_noop("The plan says slow-release; LDN must be immediate-release."))
            )
        )
    if filler == CALCIUM_CARBONATE:
        findings.append(
            COMPOUNDING_RULES["calcium_carbonate_filler"].finding(
                phrase(gettext_noop("The plan's filler is calcium carbonate, which slows absorption."))
            )
        )
    return findings


def compounding_words(*, release: str, filler: str, filler_note: str = "") -> str:
    """ "immediate-release, filler: microcrystalline cellulose (no lactose)" for the plan's
    facts and the summary; the filler left out when none is recorded."""
    words = gettext(RELEASE_WORDS[release]) if release in RELEASE_WORDS else release
    filler_words = gettext(FILLER_WORDS[filler]) if filler in FILLER_WORDS else ""
    if filler_note:
        filler_words = f"{filler_words} ({filler_note})" if filler_words else filler_note
    if filler_words:
        return gettext("%(release)s, filler: %(filler)s") % {"release": words, "filler": filler_words}
    return words
