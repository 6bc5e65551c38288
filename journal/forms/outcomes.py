"""The clinic outcomes' filters, read from the page's address."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy

from journal.bounds import TREATMENT_SPAN
from journal.selectors.outcomes import CohortFilter

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OutcomeFilterForm(forms.Form):
    condition = forms.TypedChoiceField(
        label=gettext_lazy("Condition"), coerce=int, required=False, empty_value=None
    )
    clinician = forms.TypedChoiceField(
        label=gettext_lazy("Clinician"), coerce=int, required=False, empty_value=None
    )
    started_from = forms.DateField(label=gettext_lazy("First dose from"), required=False, widget=DATE_INPUT)
    started_to = forms.DateField(
        label=gettext_lazy("First dose to (included)"), required=False, widget=DATE_INPUT
    )

    def __init__(
        self,
        *args,
        conditions: list[tuple[int, str]],
        clinicians: list[tuple[int, str]],
        today: dt.date,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.today = today
        every = ("", gettext_lazy("All"))
        cast(forms.ChoiceField, self.fields["condition"]).choices = [every, *conditions]
        cast(forms.ChoiceField, self.fields["clinician"]).choices = [every, *clinicians]
        for name in ("started_from", "started_to"):
            widget = self.fields[name].widget
            widget.attrs.update(min=TREATMENT_SPAN.first.isoformat(), max=today.isoformat())

    def clean(self):
        cleaned = super().clean() or {}
        first, last = cleaned.get("started_from"), cleaned.get("started_to")
        for name, day in (("started_from", first), ("started_to", last)):
            if day is None:
                continue
            if day < TREATMENT_SPAN.first:
                self.add_error(
                    name,
                    gettext_lazy(
                        "Pick a date from 2000 on: LDN Journal keeps treatment records from 2000 on."
                    ),
                )
            elif day > self.today:
                self.add_error(name, gettext_lazy("Pick a date up to today: no first dose is counted ahead."))
        if first and last and first > last and not self.errors:
            self.add_error("started_from", gettext_lazy("The first date is after the second: swap them."))
        return cleaned

    def chosen(self) -> CohortFilter | None:
        """The filters; None while any of them is wrong (the page says which, and shows no
        figures rather than figures for patients other than those asked for)."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return CohortFilter(
            condition=data.get("condition"),
            clinician=data.get("clinician"),
            started_from=data.get("started_from"),
            started_to=data.get("started_to"),
        )
