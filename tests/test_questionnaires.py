"""journal.questionnaires: when a questionnaire is due, how its answers are scored, and what a
clinic may write (table tests; plain Python, no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from journal.questionnaires import (
    AT_WEEKS_MAX,
    PGIC,
    Definition,
    Item,
    Occasion,
    Scoring,
    Timing,
    definition_problems,
    due_occasion,
    earliest_open,
    first_due,
    occasion_words,
    occasions,
    translated,
)

DAY = dt.timedelta(days=1)
FIRST_DOSE = dt.date(2026, 1, 1)


def on_day(day_on_ldn: int) -> dt.date:
    """Day 1 is the first dose."""
    return FIRST_DOSE + (day_on_ldn - 1) * DAY


# --- the PGIC's schedule: from week 8 (open to week 10), weeks 13 and 26, and each review -----


@pytest.mark.parametrize(
    ("day_on_ldn", "answered_on_days", "reviews_on_days", "due"),
    [
        (56, [], [], None),  # the day before week 8
        (57, [], [], "week-8"),  # week 8 opens: 56 days after the first dose
        (70, [], [], "week-8"),  # still open on its 14th day (the "8–10 weeks" window)
        (71, [], [], None),  # closed: a missed occasion is not asked late
        (60, [58], [], None),  # answered once: not asked again
        (60, [50], [], "week-8"),  # an answer before the occasion opened does not count
        (92, [58], [], "week-13"),  # 3 months
        (183, [], [], "week-26"),  # 6 months
        (120, [], [115], "review-2026-04-25"),  # a review opens an occasion of its own
        (120, [], [100], None),  # that review's occasion closed after 14 days
        (60, [], [59], "week-8"),  # overlapping: the earliest unanswered occasion is asked first…
        (60, [60], [59], None),  # …and one answer covers every occasion open that day
        (10, [], [5], "review-2026-01-05"),  # a review after the first dose
        (1, [], [], None),  # the PGIC has no baseline occasion
    ],
)
def test_when_the_pgic_is_due(day_on_ldn, answered_on_days, reviews_on_days, due):
    occasion = due_occasion(
        PGIC.timing,
        today=on_day(day_on_ldn),
        first_dose=FIRST_DOSE,
        answered_on=[on_day(day) for day in answered_on_days],
        reviews=[on_day(day) for day in reviews_on_days],
    )
    assert (occasion.key if occasion else None) == due


def test_nothing_is_due_before_a_first_dose_is_set_nor_at_a_review_before_it():
    baseline_and_reviews = Timing(at_baseline=True, at_review=True)
    assert due_occasion(baseline_and_reviews, today=FIRST_DOSE, first_dose=None, answered_on=()) is None
    review_before = FIRST_DOSE - 3 * DAY
    occasion = due_occasion(
        baseline_and_reviews,
        today=FIRST_DOSE - 2 * DAY,
        first_dose=FIRST_DOSE,
        answered_on=(),
        reviews=[review_before],
    )
    assert occasion == Occasion("baseline", FIRST_DOSE - 7 * DAY, FIRST_DOSE + 6 * DAY)


@pytest.mark.parametrize(
    ("timing", "keys"),
    [
        (Timing(at_baseline=True), ["baseline"]),
        (Timing(every_weeks=26), ["week-26", "week-52", "week-78", "week-104"]),
        (Timing(every_weeks=26, at_weeks=(26, 8)), ["week-8", "week-26", "week-52", "week-78", "week-104"]),
        (PGIC.timing, ["week-8", "week-13", "week-26"]),
    ],
)
def test_occasions_in_order_with_repeats_bounded_at_two_years(timing, keys):
    found = occasions(timing, first_dose=FIRST_DOSE, reviews=())
    assert [occasion.key for occasion in found] == keys
    assert all(
        occasion.closes - occasion.opens == 13 * DAY for occasion in found if occasion.key != "baseline"
    )
    assert found[-1].opens <= FIRST_DOSE + AT_WEEKS_MAX * 7 * DAY


def test_the_first_questionnaire_due_is_the_clinics_first_by_id():
    every_4 = Timing(every_weeks=4)
    today = on_day(57)  # weeks 8 of both
    assert first_due({7: every_4, 3: PGIC.timing}, today=today, first_dose=FIRST_DOSE, answered_on={}) == (
        3,
        occasions(PGIC.timing, first_dose=FIRST_DOSE, reviews=())[0],
    )
    found = first_due(
        {7: every_4, 3: PGIC.timing}, today=today, first_dose=FIRST_DOSE, answered_on={3: [today]}
    )
    assert found is not None and found[0] == 7
    assert first_due({}, today=today, first_dose=FIRST_DOSE, answered_on={}) is None


def test_answers_and_reviews_older_than_an_open_occasion_do_not_matter():
    assert earliest_open(dt.date(2026, 3, 14)) == dt.date(2026, 3, 1)


# --- scoring -----------------------------------------------------------------------------------

FOUR = ("never", "sometimes", "often", "always")
SUMMED = Definition(
    "Sleep",
    (Item("Woke at night", FOUR), Item("Tired on waking", FOUR)),
    False,
    Scoring.SUM,
    Timing(at_review=True),
)


@pytest.mark.parametrize(
    ("definition", "values", "score", "words"),
    [
        (PGIC, [1], 1, "1 (Very much improved)"),
        (PGIC, [2], 2, "2 (Much improved)"),
        (PGIC, [4], 4, "4 (No change)"),
        (PGIC, [7], 7, "7 (Very much worse)"),
        (SUMMED, [1, 1], 2, "2"),
        (SUMMED, [4, 3], 7, "7"),
    ],
)
def test_scoring(definition, values, score, words):
    assert definition.answer_problem(values) is None
    assert definition.score(values) == score
    assert definition.words(values) == words


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ([], "Answer every question."),
        ([1], "Answer every question."),
        ([1, 5], "Pick one of the answers offered for each question."),
        ([0, 1], "Pick one of the answers offered for each question."),
        (["1", 1], "Pick one of the answers offered for each question."),
    ],
)
def test_an_answer_outside_the_scale_is_refused(values, problem):
    assert SUMMED.answer_problem(values) == problem


def test_the_pgic_is_seven_points_lower_is_better_asked_at_8_13_26_weeks_and_reviews():
    (item,) = PGIC.items
    assert item.anchors[0] == "Very much improved" and item.anchors[3] == "No change"
    assert len(item.anchors) == 7 and item.anchors[-1] == "Very much worse"
    assert (PGIC.higher_is_better, PGIC.scoring) == (False, Scoring.SINGLE)
    assert PGIC.timing == Timing(at_weeks=(8, 13, 26), at_review=True)
    assert definition_problems(PGIC) == []
    assert translated(PGIC) == PGIC  # no Django here: English


# --- what a clinic may write -------------------------------------------------------------------


def _with(**changes) -> Definition:
    fields = {
        "title": "Sleep",
        "items": (Item("Woke at night", FOUR),),
        "higher_is_better": False,
        "scoring": Scoring.SUM,
        "timing": Timing(at_review=True),
    } | changes
    return Definition(**fields)


@pytest.mark.parametrize(
    ("definition", "problem"),
    [
        (_with(title=" "), "Give the questionnaire a title of at most 120 characters."),
        (_with(title="x" * 121), "Give the questionnaire a title of at most 120 characters."),
        (_with(items=()), "A questionnaire has 1 to 20 questions."),
        (_with(items=(Item("q", FOUR),) * 21), "A questionnaire has 1 to 20 questions."),
        (_with(items=(Item("x" * 301, FOUR),)), "Each question has at most 300 characters."),
        (
            _with(items=(Item("q", ("only",)),)),
            "A scale has 2 to 11 points, each with a word of at most 40 characters.",
        ),
        (
            _with(items=(Item("q", ("a",) * 12),)),
            "A scale has 2 to 11 points, each with a word of at most 40 characters.",
        ),
        (
            _with(items=(Item("q", ("a", "b" * 41)),)),
            "A scale has 2 to 11 points, each with a word of at most 40 characters.",
        ),
        (
            _with(items=(Item("q", FOUR),) * 2, scoring=Scoring.SINGLE),
            "Only a questionnaire of one question is scored by its single item.",
        ),
        (_with(timing=Timing(every_weeks=27)), "Every 1 to 26 weeks."),
        (_with(timing=Timing(every_weeks=0, at_review=True)), "Every 1 to 26 weeks."),
        (_with(timing=Timing(at_weeks=(105,))), "At most 10 fixed weeks, each from 1 to 104."),
        (_with(timing=Timing(at_weeks=tuple(range(1, 12)))), "At most 10 fixed weeks, each from 1 to 104."),
        (_with(timing=Timing()), "Say when the questionnaire is asked."),
    ],
)
def test_what_a_clinic_may_not_write(definition, problem):
    assert problem in definition_problems(definition)


def test_a_bounded_questionnaire_at_the_edges_is_accepted():
    widest = _with(
        title="x" * 120,
        items=(Item("q" * 300, tuple("a" * 40 for _ in range(11))),) * 20,
        timing=Timing(at_baseline=True, every_weeks=26, at_weeks=tuple(range(95, 105)), at_review=True),
    )
    assert definition_problems(widest) == []


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("baseline", "baseline"),
        ("week-8", "week 8"),
        ("review-2026-03-01", "review of 1 Mar 2026"),
        ("odd", "odd"),
    ],
)
def test_occasion_words(key, words):
    assert occasion_words(key) == words
