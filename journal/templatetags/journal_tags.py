from __future__ import annotations

from decimal import Decimal

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from journal.forms.fields import radio_buttons as radio_buttons_html
from journal.vocabulary import format_mg, timing_words

register = template.Library()


@register.filter
def mg(value: Decimal | None) -> str:
    return "" if value is None else format_mg(value)


@register.filter
def timing_label(value: str) -> str:
    """'bedtime' → 'at bedtime'."""
    return timing_words(value)


@register.filter
def radio_buttons(field: BoundField) -> SafeString:
    """A radio group's buttons (journal.forms.fields.radio_buttons)."""
    return radio_buttons_html(field)
