"""Every rule the app applies, gathered from the tables the code applies them from, for the
rulebook page: a clinic can audit what the app does and why.

Nothing here is a rule of its own: each section reads a module's table, so the page cannot
drift from the code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from journal import advice, bounds, compounding, measuring, response, safety, step_effects, titration
from journal.findings import Level, Rule
from journal.medicines import NAME_LISTS
from journal.sources import SOURCES
from journal.wording import Sentence, as_phrase, gettext_noop, phrase


@dataclass(frozen=True)
class Entry:
    """One rule: its code, the level of finding it gives (if any), when it applies, and why."""

    code: str
    level: Level | None
    rule: str
    reason: str

    def __post_init__(self) -> None:
        for name in ("rule", "reason"):
            object.__setattr__(self, name, as_phrase(getattr(self, name)))


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    entries: tuple[Entry, ...]

    def __post_init__(self) -> None:
        for name in ("title", "intro"):
            object.__setattr__(self, name, as_phrase(getattr(self, name)))


def _from_rules(rules: Iterable[Rule]) -> tuple[Entry, ...]:
    return tuple(Entry(rule.code, rule.level, rule.rule, rule.reason) for rule in rules)


def _dose_bands() -> tuple[Entry, ...]:
    return tuple(
        Entry(
            band.name,
            None,
            phrase(gettext_noop("{low}–{high} mg a day."), low=band.low_mg, high=band.high_mg),
            phrase(gettext_noop("Named bands {source}."), source=band.source),
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
        Entry(
            question.field,
            question.level,
            phrase(gettext_noop("{question}: {finding}"), question=question.label, finding=question.message),
            question.reason,
        )
        for question in safety.SCREENING_QUESTIONS
    )


def _name_lists() -> tuple[Entry, ...]:
    return tuple(
        Entry(
            str(category),
            None,
            ", ".join(sorted(names)),
            gettext_noop(
                "Matched as whole words after Unicode normalisation; see the matching rules in the "
                "documentation."
            ),
        )
        for category, names in NAME_LISTS.items()
    )


def _response_rules() -> tuple[Entry, ...]:
    codes = {rule: str(response_class) for response_class, rule in response.CLASS_RULES.items()}
    return tuple(
        Entry(codes.get(rule, "—"), None, Sentence(rule.text), rule.source)
        for rule in response.RESPONSE_RULES
    )


def _advice_rules() -> tuple[Entry, ...]:
    return tuple(
        Entry(
            rule.__name__,
            None,
            advice.DESCRIPTIONS[rule.__name__],
            advice.REASONS.get(rule.__name__, gettext_noop("The reason of the safety finding it rests on.")),
        )
        for rule in advice.RULES
    )


def sections() -> list[Section]:
    return [
        Section(
            "doses",
            gettext_noop("Dose rules"),
            gettext_noop(
                "Every dose a clinician writes is checked against these; a refusal "
                "cannot be saved, a warning needs a recorded confirmation."
            ),
            _from_rules(titration.DOSE_RULES.values())
            + _from_rules([measuring.MEASURING_RULE])
            + _from_rules(compounding.COMPOUNDING_RULES.values()),
        ),
        Section(
            "bands",
            gettext_noop("Dose bands"),
            gettext_noop("How the sources name daily doses."),
            _dose_bands(),
        ),
        Section(
            "templates",
            gettext_noop("Plan templates"),
            gettext_noop("Starting points for a plan; every value can be changed."),
            _templates(),
        ),
        Section(
            "screening",
            gettext_noop("Screening questions"),
            gettext_noop('Asked before a plan; each answer "yes" gives a finding at its level.'),
            _screening_questions(),
        ),
        Section(
            "safety",
            gettext_noop("Safety rules"),
            gettext_noop(
                "Applied to every start, rise and resumption of LDN, and every "
                "day to "
                "the medication list around what is prescribed."
            ),
            _from_rules(safety.SAFETY_RULES.values()),
        ),
        Section(
            "names",
            gettext_noop("Medicine names"),
            gettext_noop("The lists a medication's name is matched against."),
            _name_lists(),
        ),
        Section(
            "response",
            gettext_noop("Response classes"),
            gettext_noop("How a symptom's change from its baseline is classed."),
            _response_rules(),
        ),
        Section(
            "step-effects",
            gettext_noop("Did the step help?"),
            gettext_noop("How each step up is compared with the dose before it, on the patient page."),
            tuple(Entry(code, None, rule, reason) for code, rule, reason in step_effects.STEP_EFFECT_RULES),
        ),
        Section(
            "advice",
            gettext_noop("Advice rules"),
            gettext_noop("Suggestions for the clinician; the app never changes a dose."),
            _advice_rules(),
        ),
        Section(
            "input",
            gettext_noop("Input bounds"),
            gettext_noop(
                "Every date, number, text and list a person can send has a range: a value outside "
                "it is refused with its reason, in the form, the save and the database."
            ),
            _from_rules(bounds.INPUT_RULES.values()),
        ),
        Section(
            "sources",
            gettext_noop("Sources"),
            gettext_noop(
                "The numbers in brackets in every reason. A published work keeps its title as "
                "published, in its own language."
            ),
            tuple(
                Entry(
                    source.key,
                    None,
                    phrase(
                        gettext_noop("{title} ({by}, {kind})."),
                        title=as_phrase(source.title),
                        by=as_phrase(source.by),
                        kind=as_phrase(source.kind),
                    ),
                    source.used_for,
                )
                for source in SOURCES
            ),
        ),
    ]
