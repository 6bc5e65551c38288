"""The patient's own progress on My chart, in plain words: the verdict is the clinician's class
(journal.response.patient_progress), the words are journal.templatetags.response_tags'."""

from __future__ import annotations

import datetime as dt

import pytest

from journal.assessment import Measure, MeasureResponse
from journal.response import Progress, ResponseClass, assess_symptom, patient_progress
from journal.templatetags.response_tags import progress_sentence

FIRST_DOSE = dt.date(2026, 1, 1)


def days(first: int, last: int, score: int) -> list[tuple[dt.date, int]]:
    return [(FIRST_DOSE + dt.timedelta(days=day), score) for day in range(first, last + 1)]


def item(name, series, *, today, higher_is_better=False, first_dose=FIRST_DOSE) -> MeasureResponse:
    today_date = FIRST_DOSE + dt.timedelta(days=today)
    response = assess_symptom(first_dose, today_date, series, higher_is_better)
    return MeasureResponse(Measure(name, higher_is_better, tuple(series)), response)


BASELINE_7 = days(-7, -1, 7)
TOO_EARLY = "Most people notice a change after 8–10 weeks."

WORDING = [
    # (what, measure, the sentence)
    ("better", item("Pain", BASELINE_7 + days(56, 70, 4), today=70),
     "Pain: lower than before LDN — 7.0 → 4.0 on average"),
    ("worse", item("Pain", days(-7, -1, 4) + days(56, 70, 6), today=70),
     "Pain: higher than before LDN — 4.0 → 6.0 on average"),
    ("no change", item("Fatigue", days(-7, -1, 5) + days(56, 70, 5), today=70),
     "Fatigue: about the same as before LDN — 5.0 → 5.0 on average"),
    ("higher is better",
     item("Sleep quality", days(-7, -1, 4) + days(56, 70, 7), today=70, higher_is_better=True),
     "Sleep quality: higher than before LDN — 4.0 → 7.0 on average"),
    ("too early, with enough scores", item("Pain", BASELINE_7 + days(7, 20, 5), today=20),
     f"Pain: too early to say — 7.0 before LDN, 5.0 in the last 2 weeks on average. {TOO_EARLY}"),
    ("the first week: the last 2 weeks hold the baseline", item("Pain", BASELINE_7 + days(0, 6, 5), today=6),
     "Pain: too early to say. Most people notice a change after 8–10 weeks on LDN."),
    ("too early, no baseline", item("Pain", days(7, 20, 5), today=20),
     "Pain: too early to say. Most people notice a change after 8–10 weeks on LDN."),
    ("not started", item("Pain", days(-3, 0, 6), today=0, first_dose=None),
     "Pain: the comparison starts after your first dose."),
    ("baseline too thin", item("Pain", days(-2, -1, 7) + days(56, 70, 4), today=70),
     "Pain: too few scores from before LDN to compare with."),
    ("too few in the window", item("Pain", BASELINE_7 + days(56, 57, 4), today=70),
     "Pain: too few scores in the last weeks to say yet. Keep logging."),
    ("first-week baseline", item("Pain", days(0, 6, 7) + days(56, 70, 4), today=70),
     "Pain: lower than in your first week on LDN — 7.0 → 4.0 on average"),
]  # fmt: skip


@pytest.mark.parametrize(("what", "measure", "sentence"), WORDING, ids=[row[0] for row in WORDING])
def test_the_summary_in_plain_words(what, measure, sentence):
    assert progress_sentence(measure) == sentence


@pytest.mark.parametrize("measure", [row[1] for row in WORDING], ids=[row[0] for row in WORDING])
def test_the_summary_uses_no_responder_jargon(measure):
    words = progress_sentence(measure).lower()
    for jargon in ("responder", "moderate", "substantial", "minimal", "improvement", "%", "class", "window"):
        assert jargon not in words


def test_the_means_are_the_ones_the_class_was_judged_on():
    """6 weeks of 3 then the 3–6-month window at 2: judged on 3–6 months, as the clinician sees."""
    series = BASELINE_7 + days(56, 70, 5) + days(91, 120, 2)
    measure = item("Pain", series, today=120)
    assert measure.response.judged_window == "3–6 months"
    assert progress_sentence(measure) == "Pain: lower than before LDN — 7.0 → 2.0 on average"


@pytest.mark.parametrize(
    ("response_class", "progress"),
    [
        (ResponseClass.SUBSTANTIAL, Progress.BETTER),
        (ResponseClass.MODERATE, Progress.BETTER),
        (ResponseClass.MINIMAL, Progress.BETTER),
        (ResponseClass.NO_CHANGE, Progress.SAME),
        (ResponseClass.WORSE, Progress.WORSE),
        (ResponseClass.INSUFFICIENT_DATA, Progress.TOO_FEW),
        (ResponseClass.BASELINE_TOO_THIN, Progress.NO_BASELINE),
        (ResponseClass.TOO_EARLY, Progress.TOO_EARLY),
    ],
)
def test_the_patients_verdict_is_the_clinicians_class(response_class, progress):
    baseline, window = {
        ResponseClass.SUBSTANTIAL: (8, 3), ResponseClass.MODERATE: (8, 5), ResponseClass.MINIMAL: (8, 7),
        ResponseClass.NO_CHANGE: (8, 8), ResponseClass.WORSE: (5, 8),
    }.get(response_class, (8, 8))  # fmt: skip
    series = days(-7, -1, baseline) + days(56, 70, window)
    today = 70
    if response_class is ResponseClass.INSUFFICIENT_DATA:
        series = days(-7, -1, baseline)
    elif response_class is ResponseClass.BASELINE_TOO_THIN:
        series = days(-1, -1, baseline) + days(56, 70, window)
    elif response_class is ResponseClass.TOO_EARLY:
        today = 30
    response = assess_symptom(FIRST_DOSE, FIRST_DOSE + dt.timedelta(days=today), series, False)
    assert response.response_class is response_class
    assert patient_progress(response).progress is progress
