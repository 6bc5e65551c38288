"""Every rule the app applies, gathered from the tables the code applies them from, for the
rulebook page: a clinic can audit what the app does and why.

Nothing here is a rule of its own: each section reads a module's table, so the page cannot
drift from the code.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from journal import advice, bounds, measuring, response, safety, step_effects, titration
from journal.findings import Level, Rule
from journal.medicines import NAME_LISTS
from journal.sources import SOURCES
from journal.vocabulary import format_mg


@dataclass(frozen=True)
class Entry:
    """One rule: its code, the level of finding it gives (if any), when it applies, and why."""

    code: str
    level: Level | None
    rule: str
    reason: str


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    entries: tuple[Entry, ...]


def _from_rules(rules: Iterable[Rule]) -> tuple[Entry, ...]:
    return tuple(Entry(rule.code, rule.level, rule.rule, rule.reason) for rule in rules)


def _first_paragraph(function: Callable[..., object]) -> str:
    return " ".join((inspect.getdoc(function) or "").split("\n\n")[0].split())


def _dose_bands() -> tuple[Entry, ...]:
    return tuple(
        Entry(
            band.name,
            None,
            f"{format_mg(band.low_mg)}–{format_mg(band.high_mg)} mg a day.",
            f"Named bands {band.source}.",
        )
        for band in titration.DOSE_BANDS
    )


def _templates() -> tuple[Entry, ...]:
    return tuple(
        Entry(template.key, None, template.label, template.description)
        for template in titration.PLAN_TEMPLATES.values()
    )


def _screening_questions() -> tuple[Entry, ...]:
    return tuple(
        Entry(question.field, question.level, f"{question.label}: {question.message}", question.reason)
        for question in safety.SCREENING_QUESTIONS
    )


def _name_lists() -> tuple[Entry, ...]:
    return tuple(
        Entry(
            str(category),
            None,
            ", ".join(sorted(names)),
            "Matched as whole words after Unicode normalisation; see the matching rules in the "
            "documentation.",
        )
        for category, names in NAME_LISTS.items()
    )


def _response_rules() -> tuple[Entry, ...]:
    codes = {rule: str(response_class) for response_class, rule in response.CLASS_RULES.items()}
    return tuple(
        Entry(codes.get(rule, "—"), None, rule.text[0].upper() + rule.text[1:] + ".", rule.source)
        for rule in response.RESPONSE_RULES
    )


def _advice_rules() -> tuple[Entry, ...]:
    return tuple(
        Entry(
            rule.__name__,
            None,
            _first_paragraph(rule),
            advice.REASONS.get(rule.__name__, "The reason of the safety finding it rests on."),
        )
        for rule in advice.RULES
    )


def sections() -> list[Section]:
    return [
        Section(
            "doses",
            "Dose rules",
            "Every dose a clinician writes is checked against these; a refusal "
            "cannot be saved, a warning needs a recorded confirmation.",
            _from_rules(titration.DOSE_RULES.values()) + _from_rules([measuring.MEASURING_RULE]),
        ),
        Section("bands", "Dose bands", "How the sources name daily doses.", _dose_bands()),
        Section(
            "templates",
            "Plan templates",
            "Starting points for a plan; every value can be changed.",
            _templates(),
        ),
        Section(
            "screening",
            "Screening questions",
            'Asked before a plan; each answer "yes" gives a finding at its level.',
            _screening_questions(),
        ),
        Section(
            "safety",
            "Safety rules",
            "Applied to every start, rise and resumption of LDN, and every "
            "day to "
            "the medication list around what is prescribed.",
            _from_rules(safety.SAFETY_RULES.values()),
        ),
        Section(
            "names", "Medicine names", "The lists a medication's name is matched against.", _name_lists()
        ),
        Section(
            "response",
            "Response classes",
            "How a symptom's change from its baseline is classed.",
            _response_rules(),
        ),
        Section(
            "step-effects",
            "Did the step help?",
            "How each step up is compared with the dose before it, on the patient page.",
            tuple(Entry(code, None, rule, reason) for code, rule, reason in step_effects.STEP_EFFECT_RULES),
        ),
        Section(
            "advice",
            "Advice rules",
            "Suggestions for the clinician; the app never changes a dose.",
            _advice_rules(),
        ),
        Section(
            "input",
            "Input bounds",
            "Every date, number, text and list a person can send has a range: a value outside "
            "it is refused with its reason, in the form, the save and the database.",
            _from_rules(bounds.INPUT_RULES.values()),
        ),
        Section(
            "sources",
            "Sources",
            "The numbers in brackets in every reason.",
            tuple(
                Entry(source.key, None, f"{source.title} ({source.by}, {source.kind}).", source.used_for)
                for source in SOURCES
            ),
        ),
    ]
