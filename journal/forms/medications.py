"""The medication list's forms, for the patient and the clinician."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journal.bounds import taken_window
from journal.models import Medication

# --- patient: medications ----------------------------------------------------------------


class MedicationForm(forms.ModelForm):
    """A medicine the patient takes besides LDN. `today` is the patient's local date."""

    class Meta:
        model = Medication
        fields = ["name", "dose_text", "started_on"]
        labels = {
            "name": gettext_lazy("Medicine"),
            "dose_text": gettext_lazy("Dose (optional)"),
            "started_on": gettext_lazy("Taking it since (optional)"),
        }
        help_texts = {
            "name": gettext_lazy("As on the label, e.g. “Levothyroxine” or “Tylenol #3”."),
            "dose_text": gettext_lazy("e.g. 50 mcg daily"),
            "started_on": gettext_lazy("Leave empty if you start it today."),
        }
        widgets = {"started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        error_messages = {
            "name": {"required": gettext_lazy("Enter the medicine's name.")},
            "started_on": {"invalid": gettext_lazy("Enter a date like 2026-03-01.")},
        }

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_started_on(self) -> dt.date | None:
        started = self.cleaned_data["started_on"]
        if started and started > self.today:
            raise ValidationError(_("That date is in the future: add the medicine once you start it."))
        if started and (problem := taken_window(self.today).problem(started, _("That date"))):
            raise ValidationError(problem)
        return started


class MedicationStopForm(forms.Form):
    stopped_on = forms.DateField(
        label=gettext_lazy("Last taken on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Enter the date you stopped."),
            "invalid": gettext_lazy("Enter a date like 2026-03-01."),
        },
    )

    def __init__(self, *args, medication: Medication, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.medication = medication
        self.today = today

    def clean_stopped_on(self) -> dt.date:
        stopped = self.cleaned_data["stopped_on"]
        if stopped > self.today:
            raise ValidationError(_("That date is in the future: mark it stopped once you have stopped."))
        started = self.medication.started_on
        if started and stopped < started:
            raise ValidationError(
                _("That is before you started it (%(day)s).") % {"day": date_format(started, _("j F Y"))}
            )
        if problem := taken_window(self.today).problem(stopped, _("That date")):
            raise ValidationError(problem)
        return stopped
