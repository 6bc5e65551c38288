"""The review forms: setting an advice card aside with a note; the roster's search, filters and
order, and a saved filter."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journal.advice import AdviceCard
from journal.bounds import (
    FILTER_NAME_MAX_CHARS,
    SEARCH_MAX_CHARS,
    WEIGHT_DECIMALS,
    WEIGHT_MAX_KG,
    WEIGHT_MIN_KG,
    DateWindow,
    birth_window,
    measured_window,
)
from journal.catalogue import symptom_words
from journal.models import RosterScope, Symptom
from journal.schedule import PHASES
from journal.selectors.roster import ROSTER_ORDERS, RosterView


class AdviceDismissalForm(forms.Form):
    key = forms.CharField(max_length=120)
    note = forms.CharField(
        max_length=500,
        error_messages={"required": gettext_lazy("Write a short note: why is this advice set aside?")},
    )

    def __init__(self, *args, cards: tuple[AdviceCard, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.cards = {card.key: card for card in cards}

    def clean_key(self) -> AdviceCard:
        card = self.cards.get(self.cleaned_data["key"])
        if card is None:
            raise forms.ValidationError(
                "That advice is no longer open: it was dismissed already or the data behind it "
                "changed. The cards below are up to date."
            )
        return card


SORT_DIRECTIONS = ("asc", "desc")


class RosterFilterForm(forms.Form):
    """The roster's parameters, read from its address. A value the roster cannot use falls
    back to the default (an old link keeps working); only a search too long to run is
    answered with an error."""

    q = forms.CharField(
        label=gettext_lazy("Search by name or code"),
        max_length=SEARCH_MAX_CHARS,
        required=False,
        error_messages={
            "max_length": format_lazy(
                gettext_lazy("Search for at most {SEARCH_MAX_CHARS} characters: part of a name or code."),
                SEARCH_MAX_CHARS=SEARCH_MAX_CHARS,
            )
        },
    )
    scope = forms.ChoiceField(choices=RosterScope.choices, required=False)
    phase = forms.ChoiceField(choices=[("", "all phases"), *((p, p) for p in PHASES)], required=False)
    flagged = forms.BooleanField(required=False)
    sort = forms.ChoiceField(choices=[(key, key) for key in ROSTER_ORDERS], required=False)
    dir = forms.ChoiceField(choices=[(key, key) for key in SORT_DIRECTIONS], required=False)

    def view(self, *, default_scope: str) -> RosterView:
        self.is_valid()
        data = self.cleaned_data
        return RosterView(
            scope=data.get("scope") or default_scope,
            search=data.get("q", ""),
            phase=data.get("phase", ""),
            flagged=data.get("flagged", False),
            sort=data.get("sort") or "name",
            descending=data.get("dir") == "desc",
        )


class SavedFilterForm(RosterFilterForm):
    """The roster as it is shown, kept under a name."""

    name = forms.CharField(
        label=gettext_lazy("Name this view"),
        max_length=FILTER_NAME_MAX_CHARS,
        error_messages={"required": gettext_lazy("Give the view a name, e.g. “Flagged, titrating”.")},
    )


# --- clinician: conditions and tracked symptoms --------------------------------------------


class RecordItemField(forms.ModelChoiceField):
    """A condition or a symptom, a catalogue symptom in the reader's language."""

    def label_from_instance(self, obj: Any) -> str:
        return symptom_words(obj.name) if isinstance(obj, Symptom) else obj.name


class RecordChangeForm(forms.Form):
    """A condition or tracked symptom added to the record (`items`: those that can be, with
    `item`) or taken off it (no `items`: the item comes from the URL), on a date from the
    record's opening to today."""

    item = RecordItemField(
        queryset=Symptom.objects.none(),
        error_messages={
            "required": gettext_lazy("Choose one from the list."),
            "invalid_choice": gettext_lazy("Choose one from the list."),
        },
    )
    on = forms.DateField(
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Enter the date of the change."),
            "invalid": gettext_lazy("Enter a date like 2026-03-01."),
        },
    )

    def __init__(self, *args, items: QuerySet | None, window: DateWindow, **kwargs):
        super().__init__(*args, **kwargs)
        self.window = window
        self.fields["on"].widget.attrs.update(min=window.first.isoformat(), max=window.last.isoformat())
        if items is None:
            del self.fields["item"]
        else:
            item = cast(forms.ModelChoiceField, self.fields["item"])
            item.queryset = items
            item.label = _("Symptom to track") if items.model is Symptom else _("Condition to add")
        if not self.is_bound:
            self.initial["on"] = window.last

    def clean_on(self) -> dt.date:
        on = self.cleaned_data["on"]
        if problem := self.window.problem(on, _("The date")):
            raise ValidationError(problem)
        return on


class BirthDateForm(forms.Form):
    date_of_birth = forms.DateField(
        label=gettext_lazy("Date of birth"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Enter the date of birth."),
            "invalid": gettext_lazy("Enter a date like 2016-03-04."),
        },
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.window = birth_window(today)
        self.fields["date_of_birth"].widget.attrs.update(
            min=self.window.first.isoformat(), max=self.window.last.isoformat()
        )

    def clean_date_of_birth(self) -> dt.date:
        born = self.cleaned_data["date_of_birth"]
        if problem := self.window.problem(born, _("The date of birth")):
            raise ValidationError(problem)
        return born


class WeightForm(forms.Form):
    weight_kg = forms.DecimalField(
        label=gettext_lazy("Weight (kg)"),
        min_value=WEIGHT_MIN_KG,
        max_value=WEIGHT_MAX_KG,
        decimal_places=WEIGHT_DECIMALS,
        max_digits=3 + WEIGHT_DECIMALS + 1,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
        error_messages={
            "required": gettext_lazy("Enter the weight in kg."),
            "invalid": gettext_lazy("Enter the weight as a number of kg, like 32.5."),
        },
    )
    measured_on = forms.DateField(
        label=gettext_lazy("Measured on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Enter the day it was measured."),
            "invalid": gettext_lazy("Enter a date like 2026-03-01."),
        },
    )

    def __init__(self, *args, born: dt.date | None, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.window = measured_window(born, today)
        self.fields["measured_on"].widget.attrs.update(
            min=self.window.first.isoformat(), max=self.window.last.isoformat()
        )
        if not self.is_bound:
            self.initial["measured_on"] = today

    def clean_measured_on(self) -> dt.date:
        measured = self.cleaned_data["measured_on"]
        if problem := self.window.problem(measured, _("The day it was measured")):
            raise ValidationError(problem)
        return measured
