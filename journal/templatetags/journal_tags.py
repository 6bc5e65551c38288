from __future__ import annotations

from decimal import Decimal

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from journal.forms.fields import radio_group as radio_group_html
from journal.labs import number_words, range_words
from journal.vocabulary import format_mg, timing_words

register = template.Library()


@register.filter
def mg(value: Decimal | None) -> str:
    return "" if value is None else format_mg(value)


@register.filter
def timing_label(value: str) -> str:
    """'bedtime' → 'at bedtime'."""
    return timing_words(value)


@register.simple_tag
def radio_group(field: BoundField, scores: bool = False) -> SafeString:
    """A radio group's fieldset (journal.forms.fields.radio_group)."""
    return radio_group_html(field, scores=scores)


@register.simple_tag
def lab_range(low: Decimal | None, high: Decimal | None) -> str:
    """A reference range as "0.4–4.0", "≥ 0.4", "≤ 5", or "—" without one."""
    return range_words(low, high) or "—"


@register.filter
def lab_number(value: Decimal) -> str:
    """A lab value as the report prints it (2.10 → 2.1)."""
    return number_words(value)
