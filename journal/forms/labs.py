"""Lab results on the clinician's patient page, and the clinic's own lab tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from journal.bounds import (
    LAB_DECIMALS,
    LAB_UNIT_MAX_CHARS,
    LAB_VALUE_MAX,
    LABORATORY_MAX_CHARS,
    NAME_MAX_CHARS,
    REASON_MAX_CHARS,
    row_id,
    sample_window,
)
from journal.forms.fields import DATE, DatesWithin, OnceForm, TypedNumberField
from journal.labs import lab_number_words, range_words
from journal.models import LabTest


class LabNumberField(TypedNumberField):
    """A lab value or a range's end: a number from 0 to `LAB_VALUE_MAX` with at most
    `LAB_DECIMALS` decimals, each refusal with its own message."""

    invalid_words = _("Enter a number, e.g. 2.1.")
    input_attrs = {"min": 0}

    def validate(self, value: Decimal | None) -> None:
        super().validate(value)  # type: ignore[arg-type]  # None: an empty field
        if value is None:
            return
        if value < 0:
            raise ValidationError(_("A lab value is not below 0."), code="min_value")
        if value > LAB_VALUE_MAX:
            raise ValidationError(
                _("At most %(most)s: check the value and its unit.")
                % {"most": lab_number_words(LAB_VALUE_MAX)},
                code="max_value",
            )
        if -value.as_tuple().exponent > LAB_DECIMALS:  # type: ignore[operator]
            raise ValidationError(
                _("At most %(count)d decimals, as laboratories report.") % {"count": LAB_DECIMALS},
                code="max_decimal_places",
            )

    def run_validators(self, value):
        """`validate` says every bound in its own words: Django's digit counts would repeat them."""


def _range_problem(cleaned: dict) -> str | None:
    low, high = cleaned.get("reference_low"), cleaned.get("reference_high")
    if low is not None and high is not None and low > high:
        return str(_("The range's low end is above its high end."))
    return None


class LabTestChoice(forms.ModelChoiceField):
    """A test of the clinic's list, named with its usual unit and range as a reminder. An id
    that is no whole number from 1 to 2^63 - 1 is an invalid choice before any query."""

    def label_from_instance(self, test: LabTest) -> str:
        usual = ", ".join(
            part
            for part in (
                test.unit,
                str(_("usually %(range)s") % {"range": range_words(test.reference_low, test.reference_high)})
                if test.reference_low is not None or test.reference_high is not None
                else "",
            )
            if part
        )
        return f"{test.name} ({usual})" if usual else test.name

    def to_python(self, value):
        if value not in self.empty_values and row_id(str(value)) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class LabResultForm(DatesWithin, OnceForm):
    """One result from a laboratory's report. `tests` are the clinic's list; `opened_on` and
    `today` are the patient's, which bound the sample date (`journal.bounds.sample_window`)."""

    test = LabTestChoice(
        queryset=LabTest.objects.none(),
        label=_("Test"),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose a test of the clinic's list.")},
    )
    value = LabNumberField(label=_("Result"), error_messages={"required": _("Enter the result.")})
    unit = forms.CharField(
        required=False,
        max_length=LAB_UNIT_MAX_CHARS,
        label=_("Unit"),
        help_text=_("As on the report. Empty: the test's usual unit."),
    )
    reference_low = LabNumberField(required=False, label=_("Reference range: low"))
    reference_high = LabNumberField(
        required=False,
        label=_("Reference range: high"),
        help_text=_("The range printed on the laboratory's report: ranges differ between laboratories."),
    )
    sampled_on = forms.DateField(
        label=_("Sample taken on"),
        widget=DATE,
        error_messages={
            "required": _("Enter the date the sample was taken."),
            "invalid": _("Enter a date like 2026-03-01."),
        },
    )
    laboratory = forms.CharField(required=False, max_length=LABORATORY_MAX_CHARS, label=_("Laboratory"))

    field_order = ["test", "value", "unit", "reference_low", "reference_high", "sampled_on", "laboratory"]

    def __init__(self, *args, tests, opened_on: dt.date, today: dt.date, **kwargs):
        kwargs.setdefault("auto_id", "lab_%s")
        self.dated_fields = {"sampled_on": str(_("The sample date"))}
        super().__init__(*args, window=sample_window(opened_on, today), today=today, **kwargs)
        field = self.fields["test"]
        field.queryset = tests  # type: ignore[attr-defined]
        # The options read once: the select's own "is the first option empty?" check would
        # read the list again.
        field.choices = [(test.pk, field.label_from_instance(test)) for test in tests]  # type: ignore[attr-defined]

    def clean(self):
        super().clean()
        if problem := _range_problem(self.cleaned_data):
            self.add_error("reference_high", problem)
        return self.cleaned_data


class LabResultDeleteForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_CHARS,
        label=_("Why delete it?"),
        error_messages={"required": _("Say why the result is deleted.")},
    )


class LabTestForm(forms.Form):
    """A test of the clinic's own, next to the shared catalogue's."""

    name = forms.CharField(
        max_length=NAME_MAX_CHARS, label=_("Test"), error_messages={"required": _("Enter the test's name.")}
    )
    unit = forms.CharField(required=False, max_length=LAB_UNIT_MAX_CHARS, label=_("Usual unit"))
    reference_low = LabNumberField(required=False, label=_("Typical range: low"))
    reference_high = LabNumberField(
        required=False,
        label=_("Typical range: high"),
        help_text=_("A reminder on the form only: each result keeps its laboratory's own range."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "labtest_%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        if problem := _range_problem(self.cleaned_data):
            self.add_error("reference_high", problem)
        return self.cleaned_data
