from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.forms import BoundField
from django.urls import reverse
from django.utils.dates import MONTHS, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from journal.catalogue import symptom_words
from journal.diary import Day
from journal.forms.fields import radio_group as radio_group_html
from journal.labs import lab_number_words, range_words
from journal.models import PlanForm
from journal.plan_changes import step_note_words
from journal.schedule import PHASE_WORDS
from journal.vocabulary import local_mg, taken_dose_phrase, timing_words
from journal.wording import number_words

register = template.Library()


@register.filter
def mg(value: Decimal | None) -> str:
    return "" if value is None else local_mg(value)


@register.filter
def timing_label(value: str) -> str:
    """'bedtime' → 'at bedtime'."""
    return timing_words(value)


@register.filter
def translated(message: str) -> str:
    """A domain table's English message id (`journal.wording`) in the reader's language."""
    return gettext(message)


@register.filter
def step_note(note: str) -> str:
    """A step's note: the app's own ("Taper") in the reader's language, a clinician's as typed."""
    return step_note_words(note)


@register.filter
def phase_words(phase: str) -> str:
    """ "titrating" in the reader's language."""
    return gettext(PHASE_WORDS[phase]) if phase in PHASE_WORDS else phase


@register.filter
def symptom_name(name: str) -> str:
    """A catalogue symptom in the reader's language; a clinic's own as typed."""
    return symptom_words(name)


@register.filter
def plan_form(value: str) -> str:
    """'capsule' → 'capsule' in the reader's words ("cápsula", "Kapsel")."""
    return str(PlanForm(value).label) if value in PlanForm.values else value


@register.filter
def dose_taken_phrase(entry: Any) -> str:
    """A journal entry's dose, as every surface names a dose: "1,5 mg al acostarse"."""
    return taken_dose_phrase(entry.dose_mg, entry.timing_taken)


@register.simple_tag
def radio_group(field: BoundField, scores: bool = False) -> SafeString:
    """A radio group's fieldset (journal.forms.fields.radio_group)."""
    return radio_group_html(field, scores=scores)


@register.simple_tag
def day_link(day: Day) -> SafeString:
    """One day in the week strip or the history calendar: a link to the entry form within the
    editable window, else to the read-only day. Built here, not in an included template: the
    strips repeat it 7 to 31 times a page, and the names come from the tables Django's date
    filter reads, so they read the same."""
    iso = day.date.isoformat()
    href = f"{reverse('entry')}?date={iso}" if day.editable else reverse("day_detail", args=[iso])
    return format_html(
        '<a class="day {status}" href="{href}" data-testid="day-{iso}">'
        '<span class="dow" aria-hidden="true">{abbr}</span>'
        '<span class="num"><span class="visually-hidden">{weekday} </span>{number}'
        '<span class="visually-hidden"> {month}: {label}</span></span>'
        '<span class="mark" aria-hidden="true"></span></a>',
        status=day.status,
        href=href,
        iso=iso,
        abbr=WEEKDAYS_ABBR[day.date.weekday()],
        weekday=WEEKDAYS[day.date.weekday()],
        number=day.date.day,
        month=MONTHS[day.date.month],
        label=day.label,
    )


@register.simple_tag
def lab_range(low: Decimal | None, high: Decimal | None) -> str:
    """A reference range as "0.4–4.0", "≥ 0.4", "≤ 5" (with the reader's decimal separator), or
    "—" without one."""
    return _local_decimals(range_words(low, high)) or "—"


@register.filter
def lab_number(value: Decimal) -> str:
    """A lab value as the report prints it (2.10 → 2.1), with the reader's decimal separator."""
    return number_words(lab_number_words(value))


def _local_decimals(text: str) -> str:
    """The decimal points of the numbers in `text` as the reader writes them ("0,4–4,0")."""
    return get_format("DECIMAL_SEPARATOR").join(text.split("."))
