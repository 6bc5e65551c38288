"""Fields and form behaviour shared by the forms of every sub-domain."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from journal.bounds import REASON_MAX_CHARS, DateWindow, row_id, typed_number
from journal.models import (
    User,
)
from journal.titration import check_dose

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CONFIRM_LABEL = "I have read the warnings and their reasons, and I confirm this."


def radio_buttons(field: forms.BoundField) -> SafeString:
    """A radio group's buttons as HTML, built in one pass: Django renders every radio through
    its own widget templates, and even one template loop over them was most of the entry
    form's cost (a 0–10 row is 11 radios, and a form has a dozen rows). Ids, values and the
    checked one are Django's own; every name, value and label is escaped (as Django does,
    with the standard library's `html.escape`)."""
    chosen = set(field.field.widget.format_value(field.value()))
    flags = (" required" if field.field.required else "") + (' aria-invalid="true"' if field.errors else "")
    name = escape(field.html_name)
    buttons = []
    for index, (value, label) in enumerate(field.field.choices):  # type: ignore[attr-defined]
        radio_id, text = escape(f"{field.auto_id}_{index}"), str(value)
        checked = " checked" if text in chosen else ""
        buttons.append(
            f'<label for="{radio_id}"><input type="radio" name="{name}" value="{escape(text)}" '
            f'id="{radio_id}"{flags}{checked}>{escape(str(label))}</label>'
        )
    return mark_safe("".join(buttons))  # every part from outside is escaped above


def radio_group(field: forms.BoundField, *, scores: bool = False) -> SafeString:
    """A radio group as a fieldset: its legend, its errors (Django's own list) and its buttons
    in a segmented row (`scores`: the 0–10 row). Built here for the reason `radio_buttons` is:
    a form has a dozen groups, and a template per group was half of the entry page's work.
    A row whose field has `anchors` (what 0 and 10 mean) shows them under its two ends and
    reads them out with the legend."""
    errors = field.errors
    anchors = getattr(field.field, "anchors", None)
    spoken, shown = "", ""
    if anchors:
        low, high = (escape(str(words)) for words in anchors)
        spoken = f'<span class="visually-hidden"> (0 {low}, 10 {high})</span>'
        shown = f'<div class="anchors" aria-hidden="true"><span>0 {low}</span><span>10 {high}</span></div>'
    return mark_safe(  # the label and anchors are escaped; errors and buttons are Django's and ours
        f'<fieldset class="field{" has-error" if errors else ""}" id="field-{escape(field.name)}">'
        f"<legend>{escape(str(field.label))}{spoken}</legend>{errors if errors else ''}"
        f'<div class="choices{" scores" if scores else ""}">{radio_buttons(field)}</div>{shown}</fieldset>'
    )


def names_listed(text: str) -> list[str]:
    """Names typed one per line or separated by commas, each once."""
    names = (name.strip() for line in text.splitlines() for name in line.split(","))
    return list(dict.fromkeys(name for name in names if name))


class ModelChoices(forms.ModelMultipleChoiceField):
    """Rows chosen by id (check boxes). An id that is no whole number from 1 to 2^63 - 1 is an
    invalid choice before any query (2^63 answered 500 on SQLite)."""

    def clean(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            if row_id(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super().clean(value)


def new_username(raw: str) -> str:
    """A username no login has yet, in any capitalisation (people retype them)."""
    username = raw.strip()
    User.username_validator(username)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(f"The username {username!r} is taken; choose another.")
    return username


class OnceForm(forms.Form):
    """A form whose submission is applied once: a hidden key, new each time the form is
    shown, goes with the change into the audit log, and a resubmission of the same key (a
    double click, a retried request) is answered as done without changing anything twice."""

    request_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        key = uuid.uuid4().hex
        self.fields["request_key"].initial = key
        if self.is_bound and not self.data.get(self.add_prefix("request_key")):
            # e.g. a template applied: the form is shown anew
            self.data = (
                {**self.data.dict(), self.add_prefix("request_key"): key}
                if isinstance(self.data, QueryDict)
                else {**self.data, self.add_prefix("request_key"): key}
            )

    def clean_request_key(self) -> str | None:
        return self.cleaned_data["request_key"] or None


def patient_reason_field() -> forms.CharField:
    """The clinician's reason for a plan change, which the patient reads with it: required by
    the service when the change alters what is prescribed (it decides from the schedule)."""
    return forms.CharField(
        required=False,
        max_length=REASON_MAX_CHARS,
        label=gettext_lazy("Reason, for the patient"),
        help_text=format_lazy(
            gettext_lazy(
                "The patient reads this with the change (at most {REASON_MAX_CHARS} characters); "
                "needed when the change alters what they take."
            ),
            REASON_MAX_CHARS=REASON_MAX_CHARS,
        ),
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": REASON_MAX_CHARS}),
    )


class TypedNumberField(forms.DecimalField):
    """A decimal number as people type it (`journal.bounds.typed_number`), on a phone's decimal
    keypad; `invalid_words` says what to type instead of something that is not a number."""

    invalid_words: StrOrPromise = gettext_lazy("Enter a number.")
    input_attrs: dict[str, object] = {}

    def __init__(self, **kwargs):
        attrs = {"step": "any", "inputmode": "decimal", **self.input_attrs}
        kwargs.setdefault("widget", forms.NumberInput(attrs=attrs))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = str(value).strip() if value is not None else ""
        if text in self.empty_values:
            return None
        number = typed_number(text)
        if number is None:
            raise ValidationError(self.invalid_words, code="invalid")
        return number


class DoseField(TypedNumberField):
    """A dose in mg. Refused dose bands (0 or less, more than 3 decimals, above 16 mg,
    50 mg or more) are field errors with their reason; warnings are judged elsewhere."""

    invalid_words = gettext_lazy("Enter a dose in mg, e.g. 1.5.")

    def validate(self, value: Decimal | None) -> None:
        super().validate(value)  # type: ignore[arg-type]  # None: an empty field
        if value is not None:
            refusals = [f"{f.message} {f.reason}" for f in check_dose(value) if f.level.stops_save]
            if refusals:
                raise ValidationError(refusals)


class DatesWithin(forms.BaseForm):
    """A form whose dates must lie in `window` (`journal.bounds.DateWindow`); `dated_fields`
    names each date field as its error says it ("The first dose"). The window also gives the
    date pickers their min and max. `today` is the patient's local date."""

    dated_fields: dict[str, str] = {}

    def __init__(self, *args, window: DateWindow, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.window, self.today = window, today
        for name in self.dated_fields:
            self.fields[name].widget.attrs.update(min=window.first.isoformat(), max=window.last.isoformat())

    def clean(self):
        super().clean()
        for name, what in self.dated_fields.items():
            day = self.cleaned_data.get(name)
            problem = day and self.window.problem(day, what)
            if problem:
                self.add_error(name, problem)
        return self.cleaned_data


class OwnIds:
    """The change forms share one page (the plan page): each names its fields' ids after
    itself, so that no two fields share an id and every label finds its own field."""

    id_prefix = "id"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
