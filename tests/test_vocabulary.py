"""The app's words (journal.vocabulary): mg and dose phrases, timing words, side-effect labels,
severity order and colours, and score directions. (The side-effect and severity choices of the
models are checked against these tables in tests/test_models.py.)"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from journal.models import Timing, TimingTaken
from journal.vocabulary import (
    DOSE_QUESTIONS,
    FREQUENCIES,
    PRESCRIBED_TIMINGS,
    SCORE_MAX,
    SCORE_MIN,
    SEVERITIES,
    SEVERITY_COLOURS,
    SIDE_EFFECTS,
    TAKEN_TIMINGS,
    TIMING_BUTTONS,
    TIMING_WORDS,
    direction_label,
    dose_phrase,
    format_mg,
    side_effect_label,
    timing_words,
    worst_severity,
)

# --- doses and timing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dose", "text"), [("0.125", "0.125"), ("3.000", "3"), ("1.500", "1.5"), ("10", "10"), ("1E+1", "10")]
)
def test_format_mg(dose, text):
    assert format_mg(Decimal(dose)) == text


@pytest.mark.parametrize(
    ("dose", "timing", "phrase"),
    [
        ("3.000", "bedtime", "3 mg at bedtime"),
        ("1.5", "morning", "1.5 mg in the morning"),
        ("0.5", "other", "0.5 mg at another time"),
        ("0.5", "noon", "0.5 mg noon"),  # an unknown value is shown as stored
    ],
)
def test_dose_phrase(dose, timing, phrase):
    assert dose_phrase(Decimal(dose), timing) == phrase


def test_a_kept_dose_phrase_stays_english_for_any_reader():
    with translation.override("de"):
        assert dose_phrase(Decimal("1.5"), "bedtime") == "1,5 mg zur Nacht"
        assert dose_phrase(Decimal("1.5"), "bedtime", kept=True) == "1.5 mg at bedtime"


@pytest.mark.parametrize(
    ("timing", "phrase"),
    [
        ("bedtime", "1.5 mg every other day at bedtime"),
        ("morning", "1.5 mg every other day in the morning"),
        ("evening", "1.5 mg every other day in the evening"),
        ("other", "1.5 mg every other day at another time"),
    ],
)
def test_dose_phrase_of_an_every_other_day_step(timing, phrase):
    assert dose_phrase(Decimal("1.5"), timing, "every_other_day") == phrase


def test_timing_words():
    assert timing_words("bedtime") == "at bedtime"
    assert timing_words("evening") == "in the evening"
    assert dose_phrase(Decimal("1"), "evening") == "1 mg in the evening"


def test_a_cream_is_asked_about_as_applied_and_a_capsule_as_taken():
    assert DOSE_QUESTIONS[True] == (
        "Did you apply your LDN cream?",
        "Dose applied (mg)",
        "Enter the dose you applied, in mg.",
        "When did you apply it?",
        "Choose when you applied it.",
    )
    assert DOSE_QUESTIONS[False].done == "Did you take your LDN?"


def test_an_unknown_timing_is_shown_as_stored():
    assert timing_words("noon") == "noon"


def test_the_prescribed_timings_are_the_plan_choices():
    assert tuple(Timing.values) == PRESCRIBED_TIMINGS
    assert dict(Timing.choices) == {timing: TIMING_WORDS[timing] for timing in PRESCRIBED_TIMINGS}


def test_the_frequencies_are_the_step_choices_and_the_schedule_counts_each():
    from journal.models import Frequency
    from journal.schedule import DOSE_INTERVAL_DAYS

    assert tuple(Frequency.values) == FREQUENCIES == tuple(DOSE_INTERVAL_DAYS)
    assert DOSE_INTERVAL_DAYS == {"daily": 1, "every_other_day": 2}


def test_every_timing_taken_has_its_words_and_its_button():
    assert dict(TimingTaken.choices) == TIMING_WORDS
    assert tuple(TimingTaken.values) == TAKEN_TIMINGS
    assert TIMING_BUTTONS.keys() == TIMING_WORDS.keys()
    # whatever is prescribed, the diary can say it was taken then
    assert set(PRESCRIBED_TIMINGS) <= set(TimingTaken.values)


# --- side effects and severities ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("vivid_dreams", "Vivid dreams"),
        ("nausea", "Nausea / GI upset"),
        ("other", "Other"),
        ("hiccups", "hiccups"),  # an unknown kind is shown as stored
    ],
)
def test_side_effect_label(kind, label):
    assert side_effect_label(kind) == label


def test_every_side_effect_has_a_short_name_for_the_chart():
    assert all(effect.short for effect in SIDE_EFFECTS.values())


def test_severities_mildest_first_each_with_its_colour():
    assert SEVERITIES == ("mild", "moderate", "severe")
    assert SEVERITY_COLOURS.keys() == set(SEVERITIES)


@pytest.mark.parametrize(
    ("severities", "worst"),
    [(["mild"], "mild"), (["mild", "severe", "moderate"], "severe"), (("moderate", "mild"), "moderate")],
)
def test_worst_severity(severities, worst):
    assert worst_severity(severities) == worst


# --- scores ----------------------------------------------------------------------------------


def test_scores_run_from_0_to_10():
    assert (SCORE_MIN, SCORE_MAX) == (0, 10)


@pytest.mark.parametrize(
    ("higher_is_better", "direction"), [(True, "higher is better"), (False, "lower is better")]
)
def test_direction_label(higher_is_better, direction):
    assert direction_label(higher_is_better) == direction
