"""Showing response assessments: means and class badges. The words for a change from
baseline come from `journal.response` (`WindowSummary.change_words`), next to the rules."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

from journal.assessment import MeasureResponse
from journal.response import Progress, ResponseClass, patient_progress
from journal.wording import number_words

register = template.Library()

BADGES = {
    ResponseClass.WORSE: "bad",
    ResponseClass.NO_CHANGE: "warn",
    ResponseClass.INSUFFICIENT_DATA: "warn",
    ResponseClass.BASELINE_TOO_THIN: "warn",
    ResponseClass.MODERATE: "ok",
    ResponseClass.SUBSTANTIAL: "ok",
}


@register.filter
def score(value: float | None) -> str:
    """A 0–10 mean to one decimal; a dash when there is none."""
    return "—" if value is None else number_words(f"{value:.1f}")


@register.filter
def signed_score(value: float) -> str:
    """A change in score points to one decimal, with its sign: "−1.2", "+0.4", "0.0"; to two
    where one would read as no change although there was one ("−0.02")."""
    if not value:
        return number_words("0.0")
    places = 1 if round(value, 1) else 2
    return ("−" if value < 0 else "+") + number_words(f"{abs(value):.{places}f}")


@register.filter
def badge(response_class: ResponseClass | None) -> str:
    """The badge colour for a class: ok for responders, warn/bad for what needs a look."""
    return BADGES.get(response_class, "") if response_class else ""


@register.filter
def progress_sentence(item: MeasureResponse) -> str:
    """One symptom's progress in the patient's words: "Pain: lower than before LDN — 6.9 → 4.1
    on average". The verdict is the clinician's class (`journal.response.patient_progress`);
    only the words are chosen here, with no class names or thresholds."""
    progress = patient_progress(item.response)
    name = item.measure.name
    values = {
        "name": name,
        "before": score(progress.before) if progress.before is not None else "",
        "after": score(progress.after) if progress.after is not None else "",
    }
    if progress.progress is Progress.NOT_STARTED:
        return gettext("%(name)s: the comparison starts after your first dose.") % values
    if progress.progress is Progress.NO_BASELINE:
        return gettext("%(name)s: too few scores from before LDN to compare with.") % values
    if progress.progress is Progress.TOO_FEW:
        return gettext("%(name)s: too few scores in the last weeks to say yet. Keep logging.") % values
    if progress.progress is Progress.TOO_EARLY:
        if progress.after is None:
            return (
                gettext("%(name)s: too early to say. Most people notice a change after 8–10 weeks on LDN.")
                % values
            )
        if progress.first_week:
            return (
                gettext(
                    "%(name)s: too early to say — %(before)s in your first week on LDN, %(after)s in the "
                    "last 2 weeks on average. Most people notice a change after 8–10 weeks."
                )
                % values
            )
        return (
            gettext(
                "%(name)s: too early to say — %(before)s before LDN, %(after)s in the last 2 weeks on "
                "average. Most people notice a change after 8–10 weeks."
            )
            % values
        )
    return _compared(progress.progress, progress.went_up, progress.first_week) % values


def _compared(progress: Progress, went_up: bool | None, first_week: bool) -> str:
    """ "%(name)s: lower than before LDN — %(before)s → %(after)s on average", worded by
    whether the score went up or down (for pain lower is better, for sleep higher)."""
    if progress is Progress.SAME or went_up is None:
        if first_week:
            return gettext(
                "%(name)s: about the same as in your first week on LDN — %(before)s → %(after)s on average"
            )
        return gettext("%(name)s: about the same as before LDN — %(before)s → %(after)s on average")
    if went_up:
        if first_week:
            return gettext(
                "%(name)s: higher than in your first week on LDN — %(before)s → %(after)s on average"
            )
        return gettext("%(name)s: higher than before LDN — %(before)s → %(after)s on average")
    if first_week:
        return gettext("%(name)s: lower than in your first week on LDN — %(before)s → %(after)s on average")
    return gettext("%(name)s: lower than before LDN — %(before)s → %(after)s on average")
