from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction

import pytest

from journal.response import (
    ATTENTION_ORDER,
    BASELINE_FALLBACK_RULE,
    CLASS_RULES,
    FULL_RESPONSE_WINDOW,
    IMMPACT_SOURCE,
    IMPROVEMENT_THRESHOLDS,
    INITIAL_EFFECT_WINDOW,
    MIN_ENTRIES_RULE,
    OWN_BASELINE_RULE,
    OWN_RULE,
    RESPONSE_RULES,
    WINDOW_RULE,
    WORSENING_PERCENT,
    ZERO_BASELINE_RULE,
    ResponseClass,
    assess_symptom,
    class_percent,
    classify_improvement,
    cut_toward_zero,
    describe_change,
    rolling_mean,
)

FIRST_DOSE = dt.date(2025, 1, 1)
PAIN, SLEEP = False, True  # higher_is_better


def on(day: int) -> dt.date:
    """The date `day` days after the first dose (day 0 is the first dose)."""
    return FIRST_DOSE + dt.timedelta(days=day)


def series(*spans: tuple[int, int, float | Decimal]) -> list[tuple[dt.date, float | Decimal]]:
    """One score a day for each (first day, last day, score) span, days from the first dose."""
    return [(on(day), score) for first, last, score in spans for day in range(first, last + 1)]


def assess(spans, *, today_day: int, higher_is_better: bool = PAIN, first_dose=FIRST_DOSE):
    return assess_symptom(first_dose, on(today_day), series(*spans), higher_is_better)


# --- direction ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("higher_is_better", "baseline", "later", "points", "percent", "expected"),
    [
        (PAIN, 8, 4, 4, 50, ResponseClass.SUBSTANTIAL),  # pain falls: better
        (PAIN, 5, 6, -1, -20, ResponseClass.WORSE),  # pain rises: worse
        (SLEEP, 4, 6, 2, 50, ResponseClass.SUBSTANTIAL),  # sleep rises: better
        (SLEEP, 5, 4, -1, -20, ResponseClass.WORSE),  # sleep falls: worse
        (SLEEP, 5, 5, 0, 0, ResponseClass.NO_CHANGE),
    ],
)
def test_direction(higher_is_better, baseline, later, points, percent, expected):
    result = assess([(-7, -1, baseline), (56, 70, later)], today_day=70, higher_is_better=higher_is_better)
    assert result.initial.change_points == points
    assert result.initial.change_percent == percent
    assert result.response_class is expected
    assert result.judged_window == "8–10 weeks"


# --- every class at its thresholds ----------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "later", "expected"),
    [
        (10, 5, ResponseClass.SUBSTANTIAL),  # exactly 50 %
        (10, Decimal("5.1"), ResponseClass.MODERATE),  # 49 %
        (10, 7, ResponseClass.MODERATE),  # exactly 30 %
        (10, Decimal("7.1"), ResponseClass.MINIMAL),  # 29 %
        (10, 9, ResponseClass.MINIMAL),  # exactly 10 %
        (10, Decimal("9.1"), ResponseClass.NO_CHANGE),  # 9 %
        (5, Decimal("5.4"), ResponseClass.NO_CHANGE),  # 8 % worse
        (5, Decimal("5.5"), ResponseClass.WORSE),  # exactly 10 % worse
        (3, 2, ResponseClass.MODERATE),  # 33.3 %, exact arithmetic
    ],
)
def test_class_thresholds(baseline, later, expected):
    result = assess([(-7, -1, baseline), (56, 70, later)], today_day=70)
    assert result.response_class is expected
    assert "%" in result.reason


@pytest.mark.parametrize(
    ("percent", "expected"),
    [
        (100, ResponseClass.SUBSTANTIAL),
        (50, ResponseClass.SUBSTANTIAL),
        (49.9, ResponseClass.MODERATE),
        (30, ResponseClass.MODERATE),
        (29.9, ResponseClass.MINIMAL),
        (10, ResponseClass.MINIMAL),
        (9.9, ResponseClass.NO_CHANGE),
        (0, ResponseClass.NO_CHANGE),
        (-9.9, ResponseClass.NO_CHANGE),
        (-10, ResponseClass.WORSE),
        (-80, ResponseClass.WORSE),
    ],
)
def test_classify_improvement_table(percent, expected):
    assert classify_improvement(percent) is expected


# --- the numbers shown agree with the class --------------------------------------------------


@pytest.mark.parametrize(
    ("higher_is_better", "baseline", "later", "words", "expected"),
    [
        # 29.6 %: rounded it read "2.1 points better (30 %)" next to "minimal improvement"
        (PAIN, Decimal("7.1"), 5, "2.1 points better (29 %)", ResponseClass.MINIMAL),
        (PAIN, 10, Decimal("7.04"), "3.0 points better (29 %)", ResponseClass.MINIMAL),  # points round
        (PAIN, 10, Decimal("5.04"), "5.0 points better (49 %)", ResponseClass.MODERATE),  # 49.6 %
        (PAIN, 10, Decimal("9.04"), "1.0 points better (9 %)", ResponseClass.NO_CHANGE),  # 9.6 %
        (PAIN, 10, Decimal("10.96"), "1.0 points worse (9 %)", ResponseClass.NO_CHANGE),  # 9.6 % worse
        (PAIN, 10, 7, "3.0 points better (30 %)", ResponseClass.MODERATE),
        (PAIN, 10, 11, "1.0 points worse (10 %)", ResponseClass.WORSE),
        (PAIN, 8, 8, "unchanged", ResponseClass.NO_CHANGE),
        # 13 % of a small baseline: the points round to 0.0, which read "no change" before
        (PAIN, Decimal("0.3"), Decimal("0.26"), "under 0.1 points better (13 %)", ResponseClass.MINIMAL),
        (PAIN, 8, Decimal("7.97"), "under 0.1 points better (under 1 %)", ResponseClass.NO_CHANGE),
        (PAIN, 8, Decimal("7.93"), "0.1 points better (under 1 %)", ResponseClass.NO_CHANGE),
        # a baseline of 0: the class is computed from the % of the scale, and that is shown;
        # the points are cut like it, since 1 point = 10 % of the scale
        (SLEEP, 0, Decimal("0.96"), "0.9 points better (9 % of the 0–10 scale)", ResponseClass.NO_CHANGE),
        (SLEEP, 0, 1, "1.0 points better (10 % of the 0–10 scale)", ResponseClass.MINIMAL),
    ],
)
def test_the_change_shown_agrees_with_the_class(higher_is_better, baseline, later, words, expected):
    result = assess([(-7, -1, baseline), (56, 70, later)], today_day=70, higher_is_better=higher_is_better)
    assert result.response_class is expected
    assert result.initial.change_words == words
    assert words in result.reason


THRESHOLDS = [floor for floor, _ in IMPROVEMENT_THRESHOLDS] + [-WORSENING_PERCENT]
NEAR_THRESHOLDS = [threshold + Fraction(sign, 10**9) for threshold in THRESHOLDS for sign in (-1, 0, 1)]
PERCENT_GRID = [Fraction(hundredths, 100) for hundredths in range(-10_000, 10_001)] + NEAR_THRESHOLDS


def test_a_percent_cut_to_whole_percent_never_crosses_a_threshold():
    assert all(threshold == int(threshold) for threshold in THRESHOLDS)  # what makes the cut safe
    for percent in PERCENT_GRID:
        assert classify_improvement(cut_toward_zero(percent)) is classify_improvement(percent), percent


def shown_percent(words: str) -> int:
    """The signed percent a reader sees in "2.9 points better (29 %)"; "under 1 %" and
    "unchanged" are 0."""
    if words == "unchanged":
        return 0
    number = re.search(r"\((under )?(\d+) %", words)
    size = 0 if number[1] else int(number[2])
    return -size if "worse" in words else size


@pytest.mark.parametrize("baseline", [Fraction(10), Fraction(71, 10), Fraction(3), Fraction(3, 10), 0])
def test_the_percent_in_the_words_has_the_class_of_the_exact_percent(baseline):
    scale = baseline or 10
    for percent in PERCENT_GRID:
        words = describe_change(percent * scale / 100, baseline)
        assert class_percent(percent * scale / 100, baseline) == percent
        assert classify_improvement(shown_percent(words)) is classify_improvement(percent), (percent, words)


def test_reason_cites_immpact_for_responders():
    result = assess([(-7, -1, 8), (56, 70, 4)], today_day=70)
    assert "IMMPACT" in result.reason
    assert "50 %" in result.reason


# --- where each rule comes from -------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "source"),
    [
        (CLASS_RULES[ResponseClass.SUBSTANTIAL], IMMPACT_SOURCE),
        (CLASS_RULES[ResponseClass.MODERATE], IMMPACT_SOURCE),
        (CLASS_RULES[ResponseClass.MINIMAL], IMMPACT_SOURCE),
        # IMMPACT defines improvement thresholds only; everything else is the app's own
        (CLASS_RULES[ResponseClass.NO_CHANGE], OWN_RULE),
        (CLASS_RULES[ResponseClass.WORSE], OWN_RULE),
        (ZERO_BASELINE_RULE, OWN_RULE),
        (MIN_ENTRIES_RULE, OWN_RULE),
        (BASELINE_FALLBACK_RULE, OWN_RULE),
        (OWN_BASELINE_RULE, OWN_RULE),
        (WINDOW_RULE, OWN_RULE),
    ],
)
def test_each_rule_names_its_source(rule, source):
    assert rule.source == source
    assert rule in RESPONSE_RULES
    assert rule.cited.endswith(f"({source})")


def test_every_rule_has_a_source():
    assert all(rule.text for rule in RESPONSE_RULES)
    assert all(rule.source for rule in RESPONSE_RULES)


@pytest.mark.parametrize(
    ("higher_is_better", "baseline", "later", "cited"),
    [
        (PAIN, 5, 5, [CLASS_RULES[ResponseClass.NO_CHANGE]]),
        (PAIN, 5, 6, [CLASS_RULES[ResponseClass.WORSE]]),
        (PAIN, 0, 0, [ZERO_BASELINE_RULE, CLASS_RULES[ResponseClass.NO_CHANGE]]),
        (PAIN, 0, 1, [ZERO_BASELINE_RULE, CLASS_RULES[ResponseClass.WORSE]]),
        # the thresholds are IMMPACT's, measuring against the scale is not
        (SLEEP, 0, 3, [ZERO_BASELINE_RULE, CLASS_RULES[ResponseClass.MODERATE]]),
    ],
)
def test_reasons_cite_the_rules_they_apply(higher_is_better, baseline, later, cited):
    result = assess([(-7, -1, baseline), (56, 70, later)], today_day=70, higher_is_better=higher_is_better)
    assert all(rule.cited in result.reason for rule in cited)
    assert ("IMMPACT" in result.reason) == any(rule.source == IMMPACT_SOURCE for rule in cited)


# --- baseline --------------------------------------------------------------------------------


def test_baseline_is_the_week_before_the_first_dose():
    result = assess([(-10, -8, 1), (-7, -1, 6), (0, 6, 2), (56, 70, 3)], today_day=70)
    assert result.baseline == 6
    assert result.baseline_entries == 7
    assert result.baseline_fallback is False


def test_baseline_falls_back_to_first_week_on_ldn():
    result = assess([(-20, -8, 1), (0, 6, 8), (7, 7, 1), (56, 70, 4)], today_day=70)
    assert result.baseline == 8
    assert result.baseline_fallback is True
    assert "first 7 days on LDN" in result.baseline_source
    assert OWN_RULE in result.baseline_source
    assert result.response_class is ResponseClass.SUBSTANTIAL


# --- a symptom added after the first dose: its own baseline -----------------------------------


def every_other_day(first: int, last: int, score: float) -> list[tuple[int, int, float]]:
    return [(day, day, score) for day in range(first, last + 1, 2)]


@pytest.mark.parametrize(
    ("spans", "tracked_from", "today_day", "baseline", "entries", "own_from", "expected"),
    [
        # added on day 30: its first 7 logged days are its baseline; the week before the first
        # dose (scored 2 under an earlier tracking) is not its yardstick
        ([(-7, -1, 2), (30, 36, 8), (56, 70, 4)], 30, 70, 8, 7, 30, ResponseClass.SUBSTANTIAL),
        # logged every other day: the baseline runs to the 7th logged day (day 42)
        ([*every_other_day(30, 42, 6), (56, 70, 6)], 30, 70, 6, 7, 30, ResponseClass.NO_CHANGE),
        # added inside the 8–10-week window: the window is judged on the days after the baseline
        ([(60, 66, 6), (67, 70, 3)], 60, 70, 6, 7, 60, ResponseClass.SUBSTANTIAL),
        # 3 logged days since it was added: too thin, and it may still fill up
        ([(60, 62, 6)], 60, 64, 6, 3, 60, ResponseClass.BASELINE_TOO_THIN),
        # nothing logged yet since it was added
        ([(-7, -1, 5)], 80, 85, None, 0, 80, ResponseClass.BASELINE_TOO_THIN),
        # added on the day of the first dose or before it: the usual baseline
        ([(-7, -1, 6), (56, 70, 3)], 0, 70, 6, 7, None, ResponseClass.SUBSTANTIAL),
        ([(-7, -1, 6), (56, 70, 3)], -3, 70, 6, 7, None, ResponseClass.SUBSTANTIAL),
        # before 8 weeks: too early, whatever the baseline
        ([(10, 20, 6)], 10, 30, 6, 7, 10, ResponseClass.TOO_EARLY),
    ],
)
def test_a_symptom_added_after_the_first_dose_has_its_own_baseline(
    spans, tracked_from, today_day, baseline, entries, own_from, expected
):
    result = assess_symptom(FIRST_DOSE, on(today_day), series(*spans), PAIN, tracked_from=on(tracked_from))
    assert result.baseline == baseline
    assert result.baseline_entries == entries
    assert result.own_baseline_from == (None if own_from is None else on(own_from))
    assert result.baseline_fallback is False
    assert result.response_class is expected


def test_an_own_baseline_says_its_first_week_and_from_when():
    result = assess_symptom(FIRST_DOSE, on(70), series((30, 36, 8), (56, 70, 4)), PAIN, tracked_from=on(30))
    assert result.own_baseline_words == "baseline: its first week, from 31 January"
    assert result.baseline_source.startswith("Baseline: its first week, from 31 January 2025")
    assert OWN_RULE in result.baseline_source
    assert "Mean 4.0 against a baseline of 8.0" in result.reason


def test_without_a_first_dose_a_tracking_date_changes_nothing():
    result = assess_symptom(None, on(10), series((0, 10, 5)), PAIN, tracked_from=on(5))
    assert result.own_baseline_from is None
    assert result.response_class is ResponseClass.TOO_EARLY


TOO_THIN = ResponseClass.BASELINE_TOO_THIN


@pytest.mark.parametrize(
    ("spans", "baseline", "entries", "fallback", "expected", "source"),
    [
        (
            [(-4, -1, 6), (56, 70, 3)],
            6,
            4,
            False,
            ResponseClass.SUBSTANTIAL,
            "Mean of 4 entries in the 7 days before the first dose.",
        ),
        # one entry before the first dose is no baseline; a full first week on LDN is
        (
            [(-3, -3, 6), (0, 6, 8), (56, 70, 4)],
            8,
            7,
            True,
            ResponseClass.SUBSTANTIAL,
            "1 entry in the 7 days before the first dose, so the baseline is the mean of 7 entries "
            "in the first 7 days on LDN (LDN Journal's own rule).",
        ),
        # too few on either side: the thin mean is shown, no class is given
        (
            [(-3, -1, 6), (0, 2, 8), (56, 70, 3)],
            6,
            3,
            False,
            TOO_THIN,
            "3 entries in the 7 days before the first dose and 3 entries in the first 7 days on LDN: "
            "too few for a baseline (4 needed).",
        ),
        (
            [(0, 0, 8), (56, 70, 3)],
            8,
            1,
            True,
            TOO_THIN,
            "No entries in the 7 days before the first dose and 1 entry in the first 7 days on LDN",
        ),
        (
            [(7, 70, 4)],
            None,
            0,
            False,
            TOO_THIN,
            "No entries in the 7 days before the first dose and no entries in the first 7 days on LDN",
        ),
    ],
)
def test_a_baseline_needs_four_entries(spans, baseline, entries, fallback, expected, source):
    result = assess(spans, today_day=70)
    assert (result.baseline, result.baseline_entries, result.baseline_fallback) == (
        baseline,
        entries,
        fallback,
    )
    assert result.response_class is expected
    assert source in result.baseline_source


def test_a_thin_baseline_is_its_own_state_with_no_change_measured():
    result = assess([(-1, -1, 9), (56, 70, 3)], today_day=70)
    assert result.response_class is ResponseClass.BASELINE_TOO_THIN
    assert result.response_class.label == "baseline too thin"
    assert result.initial.mean == 3
    assert (result.initial.change_points, result.initial.change_percent, result.initial.change_words) == (
        None,
        None,
        "",
    )
    assert result.reason == (
        "The baseline has 1 entry; a baseline and a response window each need at "
        "least 4 entries (LDN Journal's own rule), so no class is given. Judge the "
        "change with the patient."
    )
    assert result.judged_window is None


# --- windows and which one is judged --------------------------------------------------------


def test_window_constants():
    assert INITIAL_EFFECT_WINDOW == (56, 70)
    assert FULL_RESPONSE_WINDOW == (91, 182)


def test_windows_are_inclusive():
    # Only days 56 and 70 (score 2) fall inside the 8–10-week window; 55 and 71 do not.
    spans = [(-7, -1, 8), (55, 55, 9), (56, 56, 2), (60, 61, 2), (70, 70, 2), (71, 71, 9)]
    result = assess(spans, today_day=75)
    assert (result.initial.entries, result.initial.mean) == (4, 2)
    assert (result.initial.first_day, result.initial.last_day) == (on(56), on(70))


ON_8_10_WEEKS, ON_3_6_MONTHS = "Judged on the 8–10-week window", "Judged on the 3–6-month window."


@pytest.mark.parametrize(
    ("spans", "today_day", "expected_class", "judged", "judged_on"),
    [
        # under 8 weeks: too early, whatever the data
        ([(-7, -1, 8), (0, 55, 2)], 55, ResponseClass.TOO_EARLY, None, ""),
        # day 56 with one entry in the window: too few
        ([(-7, -1, 8), (56, 56, 2)], 56, ResponseClass.INSUFFICIENT_DATA, None, ""),
        ([(-7, -1, 8), (56, 59, 2)], 59, ResponseClass.SUBSTANTIAL, "8–10 weeks", f"{ON_8_10_WEEKS}."),
        # day 80: the 8–10-week window is the latest that has started
        (
            [(-7, -1, 8), (56, 70, 7), (71, 80, 2)],
            80,
            ResponseClass.MINIMAL,
            "8–10 weeks",
            f"{ON_8_10_WEEKS}.",
        ),
        # day 100, 3–6-month window has 4 entries: it is judged
        (
            [(-7, -1, 8), (56, 70, 7), (91, 94, 2)],
            100,
            ResponseClass.SUBSTANTIAL,
            "3–6 months",
            ON_3_6_MONTHS,
        ),
        # day 100, only 3 entries in 3–6 months: fall back to the 8–10-week window, and say so
        (
            [(-7, -1, 8), (56, 70, 7), (91, 93, 2)],
            100,
            ResponseClass.MINIMAL,
            "8–10 weeks",
            f"{ON_8_10_WEEKS}: the 3–6-month window has 3 entries so far (4 needed).",
        ),
        (
            [(-7, -1, 8), (56, 70, 7)],
            100,
            ResponseClass.MINIMAL,
            "8–10 weeks",
            f"{ON_8_10_WEEKS}: the 3–6-month window has no entries so far (4 needed).",
        ),
        # after 6 months a thin 3–6-month window leaves the class on 8–10 weeks for good
        (
            [(-7, -1, 8), (56, 70, 7), (100, 101, 2), (183, 200, 2)],
            200,
            ResponseClass.MINIMAL,
            "8–10 weeks",
            f"{ON_8_10_WEEKS}: the 3–6-month window has 2 entries (4 needed).",
        ),
        # neither window has 4 entries
        ([(-7, -1, 8), (56, 58, 2), (91, 93, 2)], 100, ResponseClass.INSUFFICIENT_DATA, None, ""),
        # after 6 months the 3–6-month window stays the one judged
        ([(-7, -1, 8), (91, 182, 6), (183, 200, 1)], 200, ResponseClass.MINIMAL, "3–6 months", ON_3_6_MONTHS),
    ],
)
def test_judged_window(spans, today_day, expected_class, judged, judged_on):
    result = assess(spans, today_day=today_day)
    assert result.response_class is expected_class
    assert result.judged_window == judged
    assert result.judged_on == judged_on
    assert result.later_window_note in judged_on
    assert result.reason


@pytest.mark.parametrize(
    ("spans", "today_day", "reason"),
    [
        ([(-7, -1, 8), (56, 57, 2)], 60, "Not enough entries in the 8–10-week window (2 entries so far): "),
        ([(-7, -1, 8), (56, 58, 2)], 80, "Not enough entries in the 8–10-week window (3 entries): "),
        (
            [(-7, -1, 8), (56, 58, 2), (91, 91, 2)],
            100,
            "Not enough entries in the 3–6-month window (1 entry so far) "
            "or in the 8–10-week window (3 entries): ",
        ),
        (
            [(-7, -1, 8)],
            200,
            "Not enough entries in the 3–6-month window (no entries) or in the 8–10-week window "
            "(no entries): ",
        ),
    ],
)
def test_not_enough_entries_names_each_window_and_never_reads_as_no_response(spans, today_day, reason):
    result = assess(spans, today_day=today_day)
    assert result.response_class is ResponseClass.INSUFFICIENT_DATA
    assert result.response_class.label == "not enough entries"
    assert result.reason == reason + MIN_ENTRIES_RULE.cited + "."
    assert "no change" not in result.reason
    assert "no response" not in result.reason


@pytest.mark.parametrize(
    ("response_class", "judged"),
    [
        (ResponseClass.TOO_EARLY, False),
        (ResponseClass.BASELINE_TOO_THIN, False),
        (ResponseClass.INSUFFICIENT_DATA, False),
        (ResponseClass.WORSE, True),
        (ResponseClass.NO_CHANGE, True),
        (ResponseClass.MINIMAL, True),
        (ResponseClass.MODERATE, True),
        (ResponseClass.SUBSTANTIAL, True),
    ],
)
def test_only_a_class_from_a_baseline_and_a_window_is_judged(response_class, judged):
    assert response_class.is_judged is judged


def test_every_class_has_a_label_of_its_own_and_a_rank():
    labels = [response_class.label for response_class in ResponseClass]
    assert len(set(labels)) == len(labels)
    assert sorted(ResponseClass, key=lambda cls: cls.rank) == list(ATTENTION_ORDER)
    assert set(ATTENTION_ORDER) == set(ResponseClass)


def test_too_early_reason_cites_sources():
    result = assess([(-7, -1, 8)], today_day=30)
    assert result.days_on_ldn == 30
    assert "[003]" in result.reason
    assert "[000]" in result.reason


def test_full_window_is_not_counted_past_day_182():
    result = assess([(-7, -1, 8), (91, 182, 6), (183, 200, 1)], today_day=200)
    assert (result.full.entries, result.full.mean) == (92, 6)
    assert result.full.change_percent == 25


def test_latest_window_is_the_14_days_ending_today():
    result = assess([(-7, -1, 8), (80, 86, 6), (87, 100, 2)], today_day=100)
    assert (result.latest.entries, result.latest.mean) == (14, 2)
    assert result.latest.change_percent == 75
    assert result.latest.first_day == on(87)


def test_entries_after_today_are_ignored():
    result = assess([(-7, -1, 8), (56, 60, 2), (61, 70, 9)], today_day=60)
    assert result.initial.entries == 5
    assert result.initial.mean == 2


# --- missing data ---------------------------------------------------------------------------


def test_no_first_dose_is_too_early():
    result = assess_symptom(None, on(10), series((0, 10, 5)), PAIN)
    assert result.response_class is ResponseClass.TOO_EARLY
    assert result.days_on_ldn is None
    assert result.baseline is None
    assert result.initial.first_day is None
    assert result.latest.mean == 5


def test_empty_series():
    result = assess([], today_day=100)
    assert result.response_class is ResponseClass.BASELINE_TOO_THIN
    assert result.latest.mean is None
    assert result.latest.entries == 0


# --- a baseline of 0 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("higher_is_better", "later", "expected"),
    [
        (PAIN, 0, ResponseClass.NO_CHANGE),  # no pain then, none now
        (PAIN, Decimal("0.5"), ResponseClass.NO_CHANGE),  # 5 % of the scale
        (PAIN, 1, ResponseClass.WORSE),  # 1 point = 10 % of the 0–10 scale
        (SLEEP, 1, ResponseClass.MINIMAL),
        (SLEEP, 3, ResponseClass.MODERATE),
        (SLEEP, 5, ResponseClass.SUBSTANTIAL),
    ],
)
def test_zero_baseline_is_judged_against_the_scale(higher_is_better, later, expected):
    result = assess([(-7, -1, 0), (56, 70, later)], today_day=70, higher_is_better=higher_is_better)
    assert result.initial.change_percent is None
    assert result.response_class is expected
    assert "scale" in result.reason


# --- helpers for lists and charts ----------------------------------------------------------


def test_rank_puts_needs_attention_first():
    classes = [
        ResponseClass.SUBSTANTIAL,
        ResponseClass.TOO_EARLY,
        ResponseClass.NO_CHANGE,
        ResponseClass.WORSE,
        ResponseClass.INSUFFICIENT_DATA,
        ResponseClass.MODERATE,
        ResponseClass.BASELINE_TOO_THIN,
        ResponseClass.MINIMAL,
    ]
    assert sorted(classes, key=lambda cls: cls.rank) == [
        ResponseClass.WORSE,
        ResponseClass.NO_CHANGE,
        ResponseClass.INSUFFICIENT_DATA,
        ResponseClass.BASELINE_TOO_THIN,
        ResponseClass.MINIMAL,
        ResponseClass.TOO_EARLY,
        ResponseClass.MODERATE,
        ResponseClass.SUBSTANTIAL,
    ]


@pytest.mark.parametrize(
    ("points", "days", "expected"),
    [
        ([], 7, []),
        ([(0, 4)], 7, [(0, 4.0)]),
        ([(0, 2), (1, 4), (2, 6)], 7, [(0, 2.0), (1, 3.0), (2, 4.0)]),
        ([(0, 2), (1, 4), (2, 6)], 2, [(0, 2.0), (1, 3.0), (2, 5.0)]),
        # calendar days: a gap does not stretch the window back
        ([(0, 10), (6, 2), (7, 4)], 7, [(0, 10.0), (6, 6.0), (7, 3.0)]),
        # unsorted input is sorted first
        ([(1, 4), (0, 2)], 7, [(0, 2.0), (1, 3.0)]),
    ],
)
def test_rolling_mean(points, days, expected):
    data = [(on(day), score) for day, score in points]
    assert rolling_mean(data, days=days) == [(on(day), mean) for day, mean in expected]
