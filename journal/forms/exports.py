"""The export forms: a date range, and the byte-order mark for Excel."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy

from journal.bounds import export_window
from journal.exports import range_problems

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ByteOrderMarkForm(forms.Form):
    byte_order_mark = forms.BooleanField(
        required=False,
        label=gettext_lazy("Opening it in Excel? Add a byte-order mark"),
        help_text=gettext_lazy("Excel then shows accented letters right. Other programs do not need it."),
    )


class ExportRangeForm(ByteOrderMarkForm):
    start = forms.DateField(label=gettext_lazy("From"), widget=DATE_INPUT)
    end = forms.DateField(label=gettext_lazy("To (included)"), widget=DATE_INPUT)

    field_order = ["start", "end", "byte_order_mark"]

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        window = export_window(today)
        for name in ("start", "end"):
            self.fields[name].widget.attrs.update(min=window.first.isoformat(), max=window.last.isoformat())

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("start") and cleaned.get("end"):
            for name, problem in range_problems(cleaned["start"], cleaned["end"], self.today).items():
                self.add_error(name, problem)
        return cleaned
