"""Showing response assessments: means, signed changes and class badges."""

from __future__ import annotations

from django import template

from journal.response import ResponseClass, WindowSummary

register = template.Library()

BADGES = {
    ResponseClass.WORSE: "bad",
    ResponseClass.NO_CHANGE: "warn",
    ResponseClass.INSUFFICIENT_DATA: "warn",
    ResponseClass.MODERATE: "ok",
    ResponseClass.SUBSTANTIAL: "ok",
}


@register.filter
def score(value: float | None) -> str:
    """A 0–10 mean to one decimal; a dash when there is none."""
    return "—" if value is None else f"{value:.1f}"


@register.filter
def change(window: WindowSummary) -> str:
    """The change from baseline in words, positive meaning better whatever the direction:
    "1.3 points better (20 %)". Empty when there is nothing to compare."""
    if window.change_points is None:
        return ""
    points = window.change_points
    if round(points, 1) == 0:
        return "no change"
    words = f"{abs(points):.1f} points {'better' if points > 0 else 'worse'}"
    if window.change_percent is not None:
        words += f" ({abs(window.change_percent):.0f} %)"
    return words


@register.filter
def badge(response_class: ResponseClass | None) -> str:
    """The badge colour for a class: ok for responders, warn/bad for what needs a look."""
    return BADGES.get(response_class, "") if response_class else ""
