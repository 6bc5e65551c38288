"""journal.step_effects: did a step up help? Table tests against hand-computed values."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest

from journal.schedule import PausePeriod, PlannedStep, PlanRecord, Schedule
from journal.step_effects import (
    StepVerdict,
    step_effect,
    step_ups,
    t_quantile,
)
from journal.templatetags.response_tags import signed_score

DAY = dt.timedelta(days=1)
START = dt.date(2026, 1, 5)
UP = START + 28 * DAY  # 1 mg → 2 mg


def schedule(*doses: tuple[int, str], pauses: tuple[PausePeriod, ...] = ()) -> Schedule:
    steps = tuple(PlannedStep(START + offset * DAY, Decimal(mg)) for offset, mg in doses)
    return Schedule([PlanRecord(1, steps)], pauses)


ONE_THEN_TWO = schedule((0, "1"), (28, "2"))


def scores(first: dt.date, values: list[int]) -> dict[dt.date, int]:
    return {first + n * DAY: value for n, value in enumerate(values)}


def before_and_after(before: list[int], after: list[int]) -> dict[dt.date, int]:
    """`before` on the 14 days before the step, `after` from day 15 on the new dose."""
    return scores(UP - 14 * DAY, before) | scores(UP + 14 * DAY, after)


@pytest.mark.parametrize(
    ("freedom", "quantile"),
    [(1, 12.7062), (2, 4.3027), (5, 2.5706), (10, 2.2281), (30, 2.0423), (1000, 1.9623)],
)
def test_t_quantiles_match_the_tables(freedom, quantile):
    assert t_quantile(0.975, freedom) == pytest.approx(quantile, abs=1e-4)


def two_plans(first_ends: int, second_starts: int) -> Schedule:
    """1 mg then 2 mg, ended on day `first_ends`; a second plan at 3 mg from day `second_starts`."""
    first = PlanRecord(
        1,
        (PlannedStep(START, Decimal("1")), PlannedStep(UP, Decimal("2"))),
        ended_on=START + first_ends * DAY,
    )
    second = PlanRecord(2, (PlannedStep(START + second_starts * DAY, Decimal("3")),))
    return Schedule([first, second], ())


STEP_UPS = {
    "a step down, a pause and the first dose are not step ups": (
        schedule((0, "1"), (28, "2"), (42, "1.5"), pauses=(PausePeriod(START + 60 * DAY, START + 65 * DAY),)),
        [(UP, "1", "2")],
    ),
    "a step that starts the day after a pause rose from the dose before it": (
        schedule((0, "1"), (28, "2"), pauses=(PausePeriod(UP - 5 * DAY, UP - DAY),)),
        [(UP, "1", "2")],
    ),
    "a plan started after a gap rose from the last plan's last dose": (
        two_plans(first_ends=50, second_starts=60),
        [(UP, "1", "2"), (START + 60 * DAY, "2", "3")],
    ),
    "a plan that follows on the next day": (
        two_plans(first_ends=50, second_starts=50),
        [(UP, "1", "2"), (START + 50 * DAY, "2", "3")],
    ),
}


@pytest.mark.parametrize(("schedule_", "expected"), STEP_UPS.values(), ids=STEP_UPS.keys())
def test_step_ups_are_rises_from_the_last_dose_before(schedule_, expected):
    assert [(up.start_date, up.from_dose.dose_mg, up.to_dose.dose_mg) for up in step_ups(schedule_)] == [
        (day, Decimal(before), Decimal(after)) for day, before, after in expected
    ]


def test_a_clear_fall_is_better_with_welchs_interval():
    effect = step_effect(
        step_ups(ONE_THEN_TWO)[0],
        ONE_THEN_TWO,
        before_and_after([6, 7] * 7, [4, 5] * 14),
        False,
        UP + 60 * DAY,
    )
    # Alternating scores: the day-to-day correlation is −1, counted as 0, so every day counts.
    var_b, var_a = 14 * 0.25 / 13, 28 * 0.25 / 27
    part_b, part_a = var_b / 14, var_a / 28
    freedom = (part_b + part_a) ** 2 / (part_b**2 / 13 + part_a**2 / 27)
    margin = t_quantile(0.975, freedom) * math.sqrt(part_b + part_a)
    assert freedom == pytest.approx(25.67, abs=0.01)
    assert (effect.before.mean, effect.after.mean, effect.change) == (6.5, 4.5, -2.0)
    assert effect.interval == pytest.approx((-2.0 - margin, -2.0 + margin))
    assert effect.interval == pytest.approx((-2.347, -1.653), abs=1e-3)
    assert effect.verdict is StepVerdict.BETTER


def test_the_same_fall_of_a_score_where_higher_is_better_is_worse():
    effect = step_effect(
        step_ups(ONE_THEN_TWO)[0],
        ONE_THEN_TWO,
        before_and_after([6, 7] * 7, [4, 5] * 14),
        True,
        UP + 60 * DAY,
    )
    assert effect.verdict is StepVerdict.WORSE


def test_overlapping_scores_are_no_clear_change():
    effect = step_effect(
        step_ups(ONE_THEN_TWO)[0],
        ONE_THEN_TWO,
        before_and_after([3, 8] * 7, [4, 8] * 14),
        False,
        UP + 60 * DAY,
    )
    assert effect.change == pytest.approx(0.5)
    assert effect.interval[0] < 0 < effect.interval[1]
    assert effect.verdict is StepVerdict.UNCLEAR


def test_consecutive_days_that_move_together_count_as_fewer_days():
    trend = [3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9]  # the same values as a zigzag, in a slow climb
    zigzag = [3, 9, 4, 8, 5, 7, 6, 6, 7, 5, 8, 4, 9, 3]
    after = [2, 2, 3, 3, 4, 4, 5, 5] * 3 + [2, 3, 4, 5]
    slow = step_effect(
        step_ups(ONE_THEN_TWO)[0], ONE_THEN_TWO, before_and_after(trend, after), False, UP + 60 * DAY
    )
    fast = step_effect(
        step_ups(ONE_THEN_TWO)[0], ONE_THEN_TWO, before_and_after(zigzag, after), False, UP + 60 * DAY
    )
    assert slow.before.mean == fast.before.mean
    assert slow.before.effective_days < 14 == fast.before.effective_days
    width = lambda effect: effect.interval[1] - effect.interval[0]  # noqa: E731
    assert width(slow) > width(fast)


@pytest.mark.parametrize(
    ("after_days", "today_offset", "verdict"),
    [
        (28, 60, StepVerdict.BETTER),
        (7, 60, StepVerdict.BETTER),  # the least a window needs
        (6, 60, StepVerdict.TOO_LITTLE_DATA),  # the window is over and holds too few days
        (0, 10, StepVerdict.TOO_EARLY),  # day 11 on the new dose: its window has not begun
        (3, 16, StepVerdict.TOO_EARLY),  # it has begun and is still filling
    ],
)
def test_how_many_days_a_verdict_needs(after_days, today_offset, verdict):
    after = scores(UP + 14 * DAY, [2] * after_days)
    effect = step_effect(
        step_ups(ONE_THEN_TWO)[0],
        ONE_THEN_TWO,
        scores(UP - 14 * DAY, [6] * 14) | after,
        False,
        UP + today_offset * DAY,
    )
    assert effect.verdict is verdict


def test_days_off_the_new_dose_do_not_count():
    # A pause from day 15 to day 37 on the new dose leaves days 38–42: 5 days, too few.
    paused = schedule((0, "1"), (28, "2"), pauses=(PausePeriod(UP + 14 * DAY, UP + 36 * DAY),))
    effect = step_effect(
        step_ups(paused)[0], paused, before_and_after([6] * 14, [2] * 28), False, UP + 60 * DAY
    )
    assert len(effect.after.scores) == 5
    assert effect.verdict is StepVerdict.TOO_FEW_DAYS_ON_DOSE


def test_the_next_step_ends_the_window_and_a_stopped_dose_is_not_too_early():
    # 3 mg from day 20 on 2 mg: only days 15–19 were on 2 mg, and 2 mg will not come back.
    stepped = schedule((0, "1"), (28, "2"), (47, "3"))
    effect = step_effect(
        step_ups(stepped)[0], stepped, before_and_after([6] * 14, [2] * 28), False, UP + 25 * DAY
    )
    assert (len(effect.after.scores), effect.after.days_on_dose) == (5, 5)
    assert effect.verdict is StepVerdict.TOO_FEW_DAYS_ON_DOSE


@pytest.mark.parametrize(
    ("change", "words"),
    [(0.0, "0.0"), (-1.24, "−1.2"), (0.36, "+0.4"), (-0.02, "−0.02"), (0.004, "+0.00"), (-3.0, "−3.0")],
)
def test_a_change_reads_with_its_sign_and_never_as_none_when_there_was_one(change, words):
    assert signed_score(change) == words


@pytest.mark.parametrize(("language", "words"), [("en", "7.0 −0.4"), ("es", "7,0 −0,4"), ("de", "7,0 −0,4")])
def test_means_and_changes_are_rounded_and_read_with_the_readers_separator(language, words):
    from django.utils import translation

    from journal.templatetags.response_tags import score

    with translation.override(language):
        assert f"{score(6.96)} {signed_score(-0.36)}" == words
