"""One kind of finding: what a rule concluded, how serious it is, and why.

Every rule the app applies (dose bands, measuring a dose, safety screening, the patient's
safety state) reports `Finding`s. A finding's `Level` carries everything a surface needs to
treat it: its order (most serious first), whether it stops a save, whether the clinician
must confirm it, and the words and style it is shown with. One template partial
(`journal/findings.html`) shows findings everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from journal.wording import as_phrase, gettext, gettext_noop, phrase_data, phrase_from_data


class Level(StrEnum):
    """How serious a finding is, most serious first.

    - refuse: the value cannot be saved at all (e.g. 50 mg is not LDN);
    - block: the plan cannot be saved or started while it holds (e.g. opioids taken now);
    - warn: saved only once the clinician confirms it, and the confirmation is recorded;
    - note: standing information for later visits.
    """

    REFUSE = "refuse"
    BLOCK = "block"
    WARN = "warn"
    NOTE = "note"

    @property
    def order(self) -> int:
        return list(Level).index(self)

    @property
    def stops_save(self) -> bool:
        return self in (Level.REFUSE, Level.BLOCK)

    @property
    def needs_confirmation(self) -> bool:
        return self is Level.WARN

    @property
    def label(self) -> str:
        return gettext(LEVEL_LABELS[self])

    @property
    def style(self) -> str:
        """The badge style: bad, warn or plain."""
        return LEVEL_STYLES[self]


LEVEL_LABELS = {
    Level.REFUSE: gettext_noop("not allowed"),
    Level.BLOCK: gettext_noop("blocks LDN"),
    Level.WARN: gettext_noop("warning"),
    Level.NOTE: gettext_noop("note"),
}
LEVEL_STYLES = {Level.REFUSE: "bad", Level.BLOCK: "bad", Level.WARN: "warn", Level.NOTE: ""}


@dataclass(frozen=True)
class Finding:
    """One rule's conclusion. `message` says what was found, `reason` why it matters and
    where the rule comes from (sources in brackets: see docs/domain.md)."""

    level: Level
    code: str
    message: str
    reason: str
    short: str = ""  # a few words for a crowded place such as a roster cell

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", Level(self.level))
        # Kept in English (audit rows, advice keys), shown in the reader's language.
        for name in ("message", "reason", "short"):
            object.__setattr__(self, name, as_phrase(getattr(self, name)))

    @property
    def headline(self) -> str:
        return self.short or self.message

    def as_data(self) -> dict[str, Any]:
        """The finding as JSON (a stored roster row's flags) that `from_data` shows again in
        the language of whoever reads it then, not of whoever's request stored it."""
        texts = {name: phrase_data(getattr(self, name)) for name in ("message", "reason", "short")}
        return {"level": str(self.level), "code": self.code, **texts}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Finding:
        texts = {name: phrase_from_data(data.get(name, "")) for name in ("message", "reason", "short")}
        return cls(level=Level(data["level"]), code=data["code"], **texts)


@dataclass(frozen=True)
class Rule:
    """One rule the app applies: when it gives a finding, at which level, and why. Rules are
    declared in tables next to the code that applies them; the rulebook page lists them."""

    code: str
    level: Level
    rule: str
    reason: str
    short: str = ""

    def __post_init__(self) -> None:
        for name in ("rule", "reason", "short"):
            object.__setattr__(self, name, as_phrase(getattr(self, name)))

    def finding(self, message: str) -> Finding:
        return Finding(self.level, self.code, message, self.reason, self.short)


def rule_table(*rules: Rule) -> dict[str, Rule]:
    return {rule.code: rule for rule in rules}


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Each finding once, most serious first (the rules' own order within a level)."""
    unique = list(dict.fromkeys(findings))
    return sorted(unique, key=lambda finding: finding.level.order)


def stops_save(findings: Iterable[Finding]) -> bool:
    return any(finding.level.stops_save for finding in findings)


def needing_confirmation(findings: Iterable[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.level.needs_confirmation]


def worst_level(findings: Iterable[Finding]) -> Level | None:
    return min((finding.level for finding in findings), key=lambda level: level.order, default=None)
