"""The screening, the plan editor and the later plan changes. Each returns domain values
(Decimal mg, dates, ScreeningAnswers)."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from journal.bounds import CORRECTIONS, ID_MAX
from journal.forms.fields import CONFIRM_LABEL, DATE, DoseField, OnceForm, OwnIds
from journal.models import (
    NOTES_MAX_CHARS,
    PlanForm,
    Screening,
    Timing,
)
from journal.safety import OPIOID_FIELDS, SCREENING_QUESTIONS, ScreeningAnswers
from journal.titration import PLAN_TEMPLATES, generate_steps

QUESTION_GROUPS = {
    "opioids": "Opioids (LDN blocks them and can trigger withdrawal)",
    "contraindications": "Contraindications",
    "cautions": "Cautions",
}


class ScreeningForm(forms.ModelForm):
    """The safety screening. Its yes/no questions, their labels and groups come from
    `journal.safety.SCREENING_QUESTIONS`."""

    start_date = forms.DateField(
        widget=DATE,
        label="Planned first dose",
        help_text="Opioid stop dates are counted back from this date.",
    )

    class Meta:
        model = Screening
        fields = [*OPIOID_FIELDS, *(question.field for question in SCREENING_QUESTIONS), "notes"]
        labels = {
            "opioid_use_last_14_days": "Opioid use in the last 14 days",
            "opioid_names": "Which opioids",
            "opioid_stopped_on": "Last opioid dose on",
            **{question.field: question.label for question in SCREENING_QUESTIONS},
        }
        help_texts = {"opioid_stopped_on": "Leave empty if still taking."}
        widgets = {"opioid_stopped_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def question_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The fieldsets of the form: the opioid history first, then each group of questions."""
        groups: dict[str, list[forms.BoundField]] = {key: [] for key in QUESTION_GROUPS}
        groups["opioids"] += [self[name] for name in OPIOID_FIELDS]
        for question in SCREENING_QUESTIONS:
            groups[question.group].append(self[question.field])
        return [(QUESTION_GROUPS[key], fields) for key, fields in groups.items()]

    def answers(self) -> ScreeningAnswers:
        data = self.cleaned_data
        return ScreeningAnswers(
            **{name: data[name] for name in OPIOID_FIELDS},
            yes=frozenset(question.field for question in SCREENING_QUESTIONS if data[question.field]),
        )


TEMPLATE_CHOICES = [(t.key, t.label) for t in PLAN_TEMPLATES.values()]


class PlanEditorForm(OnceForm):
    template = forms.ChoiceField(choices=TEMPLATE_CHOICES, widget=forms.RadioSelect, initial="standard")
    start_date = forms.DateField(widget=DATE, label="First dose on")
    start_mg = DoseField(label="Start dose (mg)")
    increment_mg = forms.DecimalField(
        label="Step up by (mg)",
        min_value=Decimal("0"),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    interval_days = forms.IntegerField(label="Every (days)", min_value=1, max_value=90)
    target_mg = DoseField(label="Target dose (mg)")
    timing = forms.ChoiceField(
        choices=Timing.choices,
        initial=Timing.BEDTIME,
        widget=forms.RadioSelect,
        help_text="Bedtime is usual; morning when sleep is disturbed [003, 004].",
    )
    form = forms.ChoiceField(
        choices=PlanForm.choices,
        initial=PlanForm.CAPSULE,
        widget=forms.RadioSelect,
        help_text="Immediate-release only; avoid calcium carbonate filler [001, 004].",
    )
    strength_mg = forms.DecimalField(
        required=False,
        min_value=Decimal("0.001"),
        max_digits=7,
        decimal_places=3,
        label="Strength (mg per capsule, or mg per mL of liquid)",
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        help_text="The patient is told how many capsules or mL to take.",
    )
    notes = forms.CharField(
        required=False, max_length=NOTES_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm_warnings = forms.BooleanField(required=False, label=CONFIRM_LABEL)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        start, target, increment = data.get("start_mg"), data.get("target_mg"), data.get("increment_mg")
        if start is not None and target is not None and start > target:
            self.add_error("target_mg", "The target must be at least the start dose.")
        elif start is not None and target is not None and start < target and increment == 0:
            self.add_error("increment_mg", "Step up by more than 0 mg to reach the target.")
        return data

    def steps(self):
        data = self.cleaned_data
        return generate_steps(
            data["start_date"],
            data["start_mg"],
            data["increment_mg"],
            data["interval_days"],
            data["target_mg"],
        )

    @staticmethod
    def with_template(data, key: str) -> dict:
        """`data` with the template's parameters filled in (start date, timing, form and
        strength stay as typed)."""
        values = {
            name: data.get(name, "") for name in PlanEditorForm.base_fields if name != "confirm_warnings"
        }
        template = PLAN_TEMPLATES.get(key)
        values["template"] = key if template else "custom"
        if template and template.start_mg is not None:
            values.update(
                start_mg=template.start_mg,
                increment_mg=template.increment_mg,
                interval_days=template.interval_days,
                target_mg=template.target_mg,
            )
        return values


class StepEditForm(OnceForm):
    dose_mg = DoseField(label="Dose (mg)")
    timing = forms.ChoiceField(choices=Timing.choices, widget=forms.RadioSelect)
    note = forms.CharField(max_length=200, required=False)
    confirm_warnings = forms.BooleanField(required=False, label=CONFIRM_LABEL)


class HoldForm(OwnIds, OnceForm):
    id_prefix = "hold"
    days = forms.IntegerField(
        min_value=1,
        max_value=90,
        initial=7,
        label="Stay on today's dose for (days)",
        help_text="Every later step moves this many days later.",
    )


class StepBackForm(OwnIds, OnceForm):
    id_prefix = "step_back"
    start_date = forms.DateField(widget=DATE, label="From")
    shift_days = forms.IntegerField(
        min_value=0,
        max_value=90,
        initial=14,
        label="Move later steps by (days)",
        help_text="0 keeps the later steps on their dates.",
    )


class MorningForm(OwnIds, OnceForm):
    id_prefix = "morning"
    start_date = forms.DateField(widget=DATE, label="From")


class EndForm(OwnIds, OnceForm):
    id_prefix = "end"
    ended_on = forms.DateField(
        widget=DATE, label="End on", help_text="Nothing is prescribed from this day on."
    )
    taper_mg = DoseField(required=False, label="Taper to (mg, optional)")
    taper_from = forms.DateField(widget=DATE, required=False, label="Taper from")
    confirm_warnings = forms.BooleanField(required=False, label=CONFIRM_LABEL)


class RecordCorrectionForm(OwnIds, OnceForm):
    """One stored row outside its window, named as `journal.bounds.RecordProblem.key` ("step:12")."""

    id_prefix = "correct"
    row = forms.CharField(max_length=40, widget=forms.HiddenInput)

    def clean_row(self) -> tuple[str, int]:
        row, _, row_id = self.cleaned_data["row"].partition(":")
        if row not in CORRECTIONS or not row_id.isdigit() or not 0 < int(row_id) <= ID_MAX:
            raise forms.ValidationError("Choose a row listed under “This record needs attention”.")
        return row, int(row_id)


class PauseForm(OwnIds, OnceForm):
    id_prefix = "pause"
    start_date = forms.DateField(widget=DATE, label="First paused day")
    end_date = forms.DateField(widget=DATE, label="Last paused day")
    # A text area, not a one-line field: Enter in it starts a new line instead of recording the
    # pause at once (implicit submission) while the reason is being edited.
    reason = forms.CharField(
        max_length=200, initial="Surgery needing opioid pain relief", widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_reason(self) -> str:
        return " ".join(self.cleaned_data["reason"].split())  # one line, as lists show it

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", "The last paused day cannot be before the first.")
        return data
