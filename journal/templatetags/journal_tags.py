from __future__ import annotations

from decimal import Decimal

from django import template

from journal.models import TimingTaken
from journal.titration import format_mg

register = template.Library()


@register.filter
def mg(value: Decimal | None) -> str:
    return "" if value is None else format_mg(value)


@register.filter
def timing_label(value: str) -> str:
    """'bedtime' → 'at bedtime'."""
    return TimingTaken(value).label if value in TimingTaken.values else value
