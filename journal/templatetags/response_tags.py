"""Showing response assessments: means and class badges. The words for a change from
baseline come from `journal.response` (`WindowSummary.change_words`), next to the rules."""

from __future__ import annotations

from django import template

from journal.response import ResponseClass
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
