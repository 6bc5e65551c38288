"""Questionnaires as data: what a clinic asks its patients besides the daily 0–10 scores, when
it is due, and how its answers are scored.

A questionnaire is a title, items (each with its response scale: one anchor word per point,
the first point scored 1), the direction of its score, its scoring (the sum of the items, or
the one item's value) and its timing: at baseline, every N weeks, at fixed weeks after the
first dose, at each clinician review. Each occasion stays open `OCCASION_DAYS` days; one answer
given while occasions are open covers all of them, so a patient answers once per occasion
however the occasions overlap. `due_occasion` is the one rule every page reads.

Built in: the Patient Global Impression of Change (`PGIC`), the usual instrument for IMMPACT's
"participant rating of global improvement" domain (Dworkin et al., Pain 2005). It comes from the
Clinical Global Impressions scales of Guy's ECDEU Assessment Manual (US DHEW, 1976), a US
government publication in the public domain: free to use, no licence needed. Only free
instruments are built in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from journal.wording import date_words, gettext, gettext_noop

DAY = dt.timedelta(days=1)
WEEK = 7 * DAY

# Bounds of a questionnaire a clinic writes (the forms, services and database hold them).
ITEMS_MAX = 20
SCALE_POINTS_MIN = 2
SCALE_POINTS_MAX = 11
TITLE_MAX_CHARS = 120
ITEM_MAX_CHARS = 300
ANCHOR_MAX_CHARS = 40
EVERY_WEEKS_MAX = 26
AT_WEEKS_MAX = 104  # two years after the first dose
AT_WEEKS_COUNT_MAX = 10
OCCASION_DAYS = 14  # an occasion stays open two weeks: "8–10 weeks" for the PGIC's first
BASELINE_DAYS = 7  # the baseline occasion opens a week before the first dose
OCCASION_KEY_MAX_CHARS = 20


class Scoring(StrEnum):
    SUM = "sum"
    SINGLE = "single"


SCORING_LABELS = {
    Scoring.SUM: gettext_noop("the sum of the items"),
    Scoring.SINGLE: gettext_noop("the single item's value"),
}


@dataclass(frozen=True)
class Item:
    text: str
    anchors: tuple[str, ...]  # the words of points 1, 2, … in order

    @property
    def points(self) -> range:
        return range(1, len(self.anchors) + 1)


@dataclass(frozen=True)
class Timing:
    at_baseline: bool = False
    every_weeks: int | None = None
    at_weeks: tuple[int, ...] = ()
    at_review: bool = False


@dataclass(frozen=True)
class Definition:
    title: str
    items: tuple[Item, ...]
    higher_is_better: bool
    scoring: Scoring
    timing: Timing

    def score(self, values: Sequence[int]) -> int:
        """The score of one answer (`values`: one point per item, checked by `answer_problem`)."""
        return values[0] if self.scoring == Scoring.SINGLE else sum(values)

    def answer_problem(self, values: Sequence[int]) -> str | None:
        if len(values) != len(self.items):
            return gettext("Answer every question.")
        if any(value not in item.points for item, value in zip(self.items, values, strict=True)):
            return gettext("Pick one of the answers offered for each question.")
        return None

    @property
    def max_score(self) -> int:
        """The highest score an answer can have (the lowest is 1, or the number of items)."""
        if self.scoring == Scoring.SINGLE:
            return len(self.items[0].anchors)
        return sum(len(item.anchors) for item in self.items)

    def words(self, values: Sequence[int]) -> str:
        """The score as the CSV, the chart and the summary write it: "2 (Much improved)" for a
        single item, "14" for a sum."""
        score = self.score(values)
        if self.scoring == Scoring.SINGLE:
            return f"{score} ({self.items[0].anchors[score - 1]})"
        return str(score)


def definition_problems(definition: Definition) -> list[str]:
    """What makes a questionnaire unusable or unbounded, in the clinician's words."""
    problems = []
    if not definition.title.strip() or len(definition.title) > TITLE_MAX_CHARS:
        problems.append(gettext("Give the questionnaire a title of at most 120 characters."))
    if not 1 <= len(definition.items) <= ITEMS_MAX:
        problems.append(gettext("A questionnaire has 1 to 20 questions."))
    for item in definition.items:
        if not item.text.strip() or len(item.text) > ITEM_MAX_CHARS:
            problems.append(gettext("Each question has at most 300 characters."))
            break
    for item in definition.items:
        if not SCALE_POINTS_MIN <= len(item.anchors) <= SCALE_POINTS_MAX or any(
            not anchor.strip() or len(anchor) > ANCHOR_MAX_CHARS for anchor in item.anchors
        ):
            problems.append(gettext("A scale has 2 to 11 points, each with a word of at most 40 characters."))
            break
    if definition.scoring == Scoring.SINGLE and len(definition.items) != 1:
        problems.append(gettext("Only a questionnaire of one question is scored by its single item."))
    timing = definition.timing
    if timing.every_weeks is not None and not 1 <= timing.every_weeks <= EVERY_WEEKS_MAX:
        problems.append(gettext("Every 1 to 26 weeks."))
    if len(timing.at_weeks) > AT_WEEKS_COUNT_MAX or any(
        not 1 <= week <= AT_WEEKS_MAX for week in timing.at_weeks
    ):
        problems.append(gettext("At most 10 fixed weeks, each from 1 to 104."))
    if not (timing.at_baseline or timing.every_weeks or timing.at_weeks or timing.at_review):
        problems.append(gettext("Say when the questionnaire is asked."))
    return problems


# --- when it is due -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Occasion:
    """One time a questionnaire is asked: open from `opens` to `closes` (both included). The
    key is stored with the answer: "baseline", "week-8", "review-2026-03-01"."""

    key: str
    opens: dt.date
    closes: dt.date

    def is_open(self, day: dt.date) -> bool:
        return self.opens <= day <= self.closes


def occasions(timing: Timing, *, first_dose: dt.date | None, reviews: Iterable[dt.date]) -> list[Occasion]:
    """Every occasion of the timing, by opening date. Weeks count from the first dose; an
    occasion after treatment began (weeks, reviews) needs a first dose on or before it, since
    it asks about change under treatment; the baseline occasion is the week before the first
    dose and the first week on it."""
    found: list[Occasion] = []
    if first_dose is None:
        return found
    if timing.at_baseline:
        found.append(Occasion("baseline", first_dose - BASELINE_DAYS * DAY, first_dose + 6 * DAY))
    weeks = set(timing.at_weeks)
    if timing.every_weeks:
        weeks.update(range(timing.every_weeks, AT_WEEKS_MAX + 1, timing.every_weeks))
    for week in sorted(weeks):
        opens = first_dose + week * WEEK
        found.append(Occasion(f"week-{week}", opens, opens + (OCCASION_DAYS - 1) * DAY))
    if timing.at_review:
        for review in sorted(set(reviews)):
            if review >= first_dose:
                found.append(
                    Occasion(f"review-{review.isoformat()}", review, review + (OCCASION_DAYS - 1) * DAY)
                )
    return sorted(found, key=lambda occasion: (occasion.opens, occasion.key))


def due_occasion(
    timing: Timing,
    *,
    today: dt.date,
    first_dose: dt.date | None,
    answered_on: Collection[dt.date],
    reviews: Iterable[dt.date] = (),
) -> Occasion | None:
    """The occasion the patient is asked to answer on `today`: the earliest one open today that
    no answer given since it opened covers; None when nothing is due."""
    for occasion in occasions(timing, first_dose=first_dose, reviews=reviews):
        if occasion.is_open(today) and not any(occasion.opens <= day <= today for day in answered_on):
            return occasion
    return None


def first_due(
    timings: Mapping[int, Timing],
    *,
    today: dt.date,
    first_dose: dt.date | None,
    answered_on: Mapping[int, Collection[dt.date]],
    reviews: Iterable[dt.date] = (),
) -> tuple[int, Occasion] | None:
    """The first questionnaire (by id, the clinic's order) due today, with its occasion."""
    reviews = tuple(reviews)
    for questionnaire_id, timing in sorted(timings.items()):
        occasion = due_occasion(
            timing,
            today=today,
            first_dose=first_dose,
            answered_on=answered_on.get(questionnaire_id, ()),
            reviews=reviews,
        )
        if occasion is not None:
            return questionnaire_id, occasion
    return None


def earliest_open(today: dt.date) -> dt.date:
    """The first day an occasion still open on `today` can have opened: answers and reviews
    before it cannot change what is due."""
    return today - (OCCASION_DAYS - 1) * DAY


def occasion_words(key: str) -> str:
    """An occasion's key as a reader reads it: "week 8", "baseline", "review of 2026-03-01"."""
    if key == "baseline":
        return gettext("baseline")
    kind, _, rest = key.partition("-")
    if kind == "week":
        return gettext("week %(week)s") % {"week": rest}
    if kind == "review":
        return gettext("review of %(day)s") % {"day": date_words(dt.date.fromisoformat(rest), "j M Y")}
    return key


# --- answers as the pages show them ----------------------------------------------------------------


@dataclass(frozen=True)
class ScoredAnswer:
    """One stored answer as every page, the chart and the CSV read it."""

    day: dt.date
    title: str
    score: int
    words: str  # `Definition.words`
    higher_is_better: bool
    occasion: str
    version: int
    max_score: int
    answered_by: int | None = None  # the login that answered: the patient's or a caregiver's

    @property
    def occasion_words(self) -> str:
        return occasion_words(self.occasion)


# --- the built-in questionnaire --------------------------------------------------------------------

PGIC_KEY = "pgic"
PGIC = Definition(
    title=gettext_noop("Patient Global Impression of Change (PGIC)"),
    items=(
        Item(
            gettext_noop(
                "Since you started LDN, how would you describe the change (if any) in your overall condition?"
            ),
            (
                gettext_noop("Very much improved"),
                gettext_noop("Much improved"),
                gettext_noop("Minimally improved"),
                gettext_noop("No change"),
                gettext_noop("Minimally worse"),
                gettext_noop("Much worse"),
                gettext_noop("Very much worse"),
            ),
        ),
    ),
    higher_is_better=False,
    scoring=Scoring.SINGLE,
    # 8–10 weeks (open two weeks from week 8), 3 and 6 months, and at each review [003, DOMAIN.md]
    timing=Timing(at_weeks=(8, 13, 26), at_review=True),
)
PGIC_LICENCE = gettext_noop(
    "Public domain: from the Clinical Global Impressions scales in Guy's ECDEU Assessment Manual "
    "(US Department of Health, Education and Welfare, 1976); free to use without a licence."
)
BUILT_IN = {PGIC_KEY: (PGIC, PGIC_LICENCE)}


def translated(definition: Definition) -> Definition:
    """A built-in questionnaire in the reader's language (a clinic's own stays as written)."""
    return Definition(
        gettext(definition.title),
        tuple(
            Item(gettext(item.text), tuple(gettext(word) for word in item.anchors))
            for item in definition.items
        ),
        definition.higher_is_better,
        definition.scoring,
        definition.timing,
    )
