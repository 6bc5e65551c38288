"""The screening, the plan editor and the later plan changes. Each returns domain values
(Decimal mg, dates, ScreeningAnswers)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journal.bounds import (
    CHANGE_DAYS_MAX,
    CORRECTIONS,
    DOSE_DECIMALS,
    INCREMENT_MAX_MG,
    LATE_PAUSE_NEEDS_REASON,
    PLAN_STEPS_MAX,
    STRENGTH_MAX_MG,
    opioid_window,
    row_id,
)
from journal.compounding import IMMEDIATE, SLOW
from journal.forms.fields import (
    CONFIRM_LABEL,
    DATE,
    DatesWithin,
    DoseField,
    OnceForm,
    OwnIds,
    patient_reason_field,
)
from journal.models import (
    NOTES_MAX_CHARS,
    SUPPLY_MAX,
    Filler,
    Frequency,
    PlanForm,
    Screening,
    Timing,
)
from journal.safety import OPIOID_FIELDS, SCREENING_QUESTIONS, ScreeningAnswers
from journal.titration import PLAN_TEMPLATES, generate_steps, step_count

QUESTION_GROUPS = {
    "opioids": gettext_lazy("Opioids (LDN blocks them and can trigger withdrawal)"),
    "contraindications": gettext_lazy("Contraindications"),
    "cautions": gettext_lazy("Cautions"),
}


class ScreeningForm(DatesWithin, forms.ModelForm):
    """The safety screening. Its yes/no questions, their labels and groups come from
    `journal.safety.SCREENING_QUESTIONS`. The planned first dose lies in the patient's window;
    a last opioid dose from 1900 to two years ahead (`journal.bounds.opioid_window`)."""

    dated_fields = {"start_date": "The planned first dose"}

    start_date = forms.DateField(
        widget=DATE,
        label=gettext_lazy("Planned first dose"),
        help_text=gettext_lazy("Opioid stop dates are counted back from this date."),
    )

    class Meta:
        model = Screening
        fields = [*OPIOID_FIELDS, *(question.field for question in SCREENING_QUESTIONS), "notes"]
        labels = {
            "opioid_use_last_14_days": gettext_lazy("Opioid use in the last 14 days"),
            "opioid_names": gettext_lazy("Which opioids"),
            "opioid_stopped_on": gettext_lazy("Last opioid dose on"),
            **{question.field: question.label for question in SCREENING_QUESTIONS},
        }
        help_texts = {"opioid_stopped_on": "Leave empty if still taking."}
        widgets = {"opioid_stopped_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def clean_opioid_stopped_on(self) -> dt.date | None:
        day = self.cleaned_data["opioid_stopped_on"]
        problem = day and opioid_window(self.today).problem(day, "The last opioid dose")
        if problem:
            raise forms.ValidationError(problem)
        return day

    def question_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The fieldsets of the form: the opioid history first, then each group of questions."""
        groups: dict[str, list[forms.BoundField]] = {key: [] for key in QUESTION_GROUPS}
        groups["opioids"] += [self[name] for name in OPIOID_FIELDS]
        for question in SCREENING_QUESTIONS:
            groups[question.group].append(self[question.field])
        return [(str(QUESTION_GROUPS[key]), fields) for key, fields in groups.items()]

    def answers(self) -> ScreeningAnswers:
        data = self.cleaned_data
        return ScreeningAnswers(
            **{name: data[name] for name in OPIOID_FIELDS},
            yes=frozenset(question.field for question in SCREENING_QUESTIONS if data[question.field]),
        )


TEMPLATE_CHOICES = [(t.key, t.label) for t in PLAN_TEMPLATES.values()]


def frequency_field(help_text=None) -> forms.ChoiceField:
    """Daily or every other day; left out (an older form), daily."""
    return forms.ChoiceField(
        choices=Frequency.choices,
        initial=Frequency.DAILY,
        required=False,
        widget=forms.RadioSelect,
        label=gettext_lazy("How often"),
        help_text=help_text,
        error_messages={"invalid_choice": gettext_lazy("Choose every day or every other day.")},
    )


class FrequencyDefault:
    """A frequency left out means daily."""

    def clean_frequency(self) -> str:
        return self.cleaned_data["frequency"] or Frequency.DAILY  # type: ignore[attr-defined]


class PlanEditorForm(FrequencyDefault, DatesWithin, OnceForm):
    """A plan's parameters. Its first and last step lie in the patient's window, and it has
    at most `PLAN_STEPS_MAX` steps: both are checked before any step is made."""

    dated_fields = {"start_date": "The first dose", "dispensed_on": "The dispensing date"}
    template = forms.ChoiceField(choices=TEMPLATE_CHOICES, widget=forms.RadioSelect, initial="standard")
    start_date = forms.DateField(widget=DATE, label=gettext_lazy("First dose on"))
    start_mg = DoseField(label=gettext_lazy("Start dose (mg)"))
    increment_mg = forms.DecimalField(
        label=gettext_lazy("Step up by (mg)"),
        min_value=Decimal("0"),
        max_value=INCREMENT_MAX_MG,
        decimal_places=DOSE_DECIMALS,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    interval_days = forms.IntegerField(
        label=gettext_lazy("Every (days)"), min_value=1, max_value=CHANGE_DAYS_MAX
    )
    target_mg = DoseField(label=gettext_lazy("Target dose (mg)"))
    timing = forms.ChoiceField(
        choices=Timing.choices,
        initial=Timing.BEDTIME,
        widget=forms.RadioSelect,
        label=gettext_lazy("Timing"),
        help_text=gettext_lazy(
            "Bedtime is usual; morning when sleep is disturbed; evening for a cream [003, 004]."
        ),
    )
    frequency = frequency_field(
        gettext_lazy(
            "Every step of the plan. Every other day counts from each step's start date; some patients "
            "try it when daytime sleepiness appears [000]. Change one step later from the plan page."
        )
    )
    form = forms.ChoiceField(
        choices=PlanForm.choices,
        initial=PlanForm.CAPSULE,
        widget=forms.RadioSelect,
        label=gettext_lazy("Form"),
        help_text=gettext_lazy("Immediate-release only; avoid calcium carbonate filler [001, 004]."),
    )
    release = forms.ChoiceField(
        choices=[(IMMEDIATE, gettext_lazy("immediate-release")), (SLOW, gettext_lazy("slow-release"))],
        initial=IMMEDIATE,
        required=False,
        widget=forms.RadioSelect,
        label=gettext_lazy("Release"),
        error_messages={"invalid_choice": gettext_lazy("Choose immediate-release or slow-release.")},
    )
    filler = forms.ChoiceField(
        choices=[("", gettext_lazy("not recorded")), *Filler.choices],
        initial="",
        required=False,
        widget=forms.RadioSelect,
        label=gettext_lazy("Filler"),
        error_messages={"invalid_choice": gettext_lazy("Choose a filler from the list, or not recorded.")},
    )
    filler_note = forms.CharField(
        required=False,
        max_length=200,
        label=gettext_lazy("Filler or pharmacy note"),
        help_text=gettext_lazy("At most 200 characters, e.g. the other filler's name."),
    )
    strength_mg = forms.DecimalField(
        required=False,
        min_value=Decimal("0.001"),
        max_value=STRENGTH_MAX_MG,
        max_digits=7,
        decimal_places=DOSE_DECIMALS,
        label=gettext_lazy("Strength (mg per capsule, or mg per mL of liquid)"),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        help_text=gettext_lazy(
            "For a cream: mg per click of its pump, or per mL. The patient is told how many capsules, "
            "clicks or mL to take."
        ),
    )
    pharmacy = forms.CharField(
        required=False,
        max_length=100,
        label=gettext_lazy("Pharmacy"),
        help_text=gettext_lazy("At most 100 characters."),
    )
    supply_quantity = forms.DecimalField(
        required=False,
        min_value=Decimal("0.01"),
        max_value=SUPPLY_MAX,
        max_digits=7,
        decimal_places=2,
        label=gettext_lazy("Quantity dispensed"),
        help_text=gettext_lazy(
            "In capsules, mL or clicks (doses for another form); with the date, the patient and the "
            "roster see when it runs out."
        ),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    dispensed_on = forms.DateField(required=False, widget=DATE, label=gettext_lazy("Dispensed on"))
    notes = forms.CharField(
        required=False,
        max_length=NOTES_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Notes"),
    )
    patient_reason = patient_reason_field()
    confirm_warnings = forms.BooleanField(required=False, label=CONFIRM_LABEL)

    @property
    def supply_open(self) -> bool:
        """The compounding and supply fields are shown open when one is wrong or not at its
        default (slow release, a filler, a note, a pharmacy or a supply): otherwise folded, so a
        keyboard passes them in one key press."""
        names = ("release", "filler", "filler_note", "pharmacy", "supply_quantity", "dispensed_on")
        if any(self[name].errors for name in names if self.is_bound):
            return True
        values = {name: self[name].value() or "" for name in names}
        return values["release"] not in ("", IMMEDIATE) or any(values[name] for name in names[1:])

    def clean_release(self) -> str:
        return self.cleaned_data["release"] or IMMEDIATE  # left out (an older form): immediate

    def clean(self):
        super().clean()
        data = self.cleaned_data
        start, target, increment = data.get("start_mg"), data.get("target_mg"), data.get("increment_mg")
        if start is not None and target is not None and start > target:
            self.add_error("target_mg", _("The target must be at least the start dose."))
        elif start is not None and target is not None and start < target and increment == 0:
            self.add_error("increment_mg", _("Step up by more than 0 mg to reach the target."))
        elif not self.errors:
            self._check_length(data)
        if (data.get("supply_quantity") is None) != (data.get("dispensed_on") is None) and not self.errors:
            missing = "dispensed_on" if data.get("dispensed_on") is None else "supply_quantity"
            self.add_error(
                missing, _("Give both the quantity dispensed and the day it was dispensed, or neither.")
            )
        return data

    def _check_length(self, data: dict) -> None:
        count = step_count(data["start_mg"], data["increment_mg"], data["target_mg"])
        if count > PLAN_STEPS_MAX:
            too_many = f"At most {PLAN_STEPS_MAX} steps: these parameters make {count:,}."
            self.add_error("increment_mg", f"{too_many} Step up by more, or aim lower.")
            return
        last = data["start_date"] + dt.timedelta(days=(count - 1) * data["interval_days"])
        problem = self.window.problem(last, "The last step")
        if problem:
            self.add_error("interval_days", problem)

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
    """A future step's dose, timing and frequency (left out: the step's own is kept)."""

    dose_mg = DoseField(label=gettext_lazy("Dose (mg)"))
    timing = forms.ChoiceField(choices=Timing.choices, widget=forms.RadioSelect)
    frequency = frequency_field(gettext_lazy("Every other day counts from this step's start date."))
    note = forms.CharField(max_length=200, required=False)
    patient_reason = patient_reason_field()
    confirm_warnings = forms.BooleanField(required=False, label=CONFIRM_LABEL)


class PlanChangeForm(DatesWithin, OwnIds, OnceForm):
    """A change on the plan page: its dates lie in the patient's window; the patient reads
    the reason with it."""

    patient_reason = patient_reason_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patient_reason"] = self.fields.pop("patient_reason")  # last, after the change itself


class HoldForm(PlanChangeForm):
    id_prefix = "hold"
    days = forms.IntegerField(
        min_value=1,
        max_value=CHANGE_DAYS_MAX,
        initial=7,
        label=gettext_lazy("Stay on today's dose for (days)"),
        help_text=gettext_lazy("Every later step moves this many days later."),
    )


class StepBackForm(PlanChangeForm):
    id_prefix = "step_back"
    dated_fields = {"start_date": "The step back"}
    start_date = forms.DateField(widget=DATE, label=gettext_lazy("From"))
    shift_days = forms.IntegerField(
        min_value=0,
        max_value=CHANGE_DAYS_MAX,
        initial=14,
        label=gettext_lazy("Move later steps by (days)"),
        help_text=gettext_lazy("0 keeps the later steps on their dates."),
    )


class MorningForm(PlanChangeForm):
    id_prefix = "morning"
    dated_fields = {"start_date": "The switch"}
    start_date = forms.DateField(widget=DATE, label=gettext_lazy("From"))


class EndForm(PlanChangeForm):
    id_prefix = "end"
    dated_fields = {"ended_on": "The end", "taper_from": "The taper"}
    ended_on = forms.DateField(
        widget=DATE,
        label=gettext_lazy("End on"),
        help_text=gettext_lazy("Nothing is prescribed from this day on."),
    )
    taper_mg = DoseField(required=False, label=gettext_lazy("Taper to (mg, optional)"))
    taper_from = forms.DateField(widget=DATE, required=False, label=gettext_lazy("Taper from"))
    confirm_warnings = forms.BooleanField(required=False, label=CONFIRM_LABEL)


class RecordCorrectionForm(PlanChangeForm):
    """One stored row outside its window, named as `journal.bounds.RecordProblem.key` ("step:12")."""

    id_prefix = "correct"
    row = forms.CharField(max_length=40, widget=forms.HiddenInput)

    def clean_row(self) -> tuple[str, int]:
        row, _colon, number = self.cleaned_data["row"].partition(":")
        if row not in CORRECTIONS or (pk := row_id(number)) is None:
            raise forms.ValidationError(_("Choose a row listed under “This record needs attention”."))
        return row, pk


class PauseForm(PlanChangeForm):
    """A pause. One that starts before today takes the dose off days already past: it needs
    a reason for recording it afterwards, kept with the pause and in the audit log."""

    id_prefix = "pause"
    dated_fields = {"start_date": "The first paused day", "end_date": "The last paused day"}
    start_date = forms.DateField(widget=DATE, label=gettext_lazy("First paused day"))
    end_date = forms.DateField(widget=DATE, label=gettext_lazy("Last paused day"))
    # A text area, not a one-line field: Enter in it starts a new line instead of recording the
    # pause at once (implicit submission) while the reason is being edited.
    reason = forms.CharField(
        max_length=200, initial="Surgery needing opioid pain relief", widget=forms.Textarea(attrs={"rows": 2})
    )

    late_reason = forms.CharField(
        required=False,
        max_length=200,
        label=gettext_lazy("Why record it now? (when the first paused day is before today)"),
        help_text=gettext_lazy(
            "Recorded afterwards, the pause takes the dose off days already past: the CSV marks "
            "those days as paused, and this reason goes with the pause into the audit log."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_reason(self) -> str:
        return " ".join(self.cleaned_data["reason"].split())  # one line, as lists show it

    def clean_late_reason(self) -> str:
        return " ".join(self.cleaned_data["late_reason"].split())

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("The last paused day cannot be before the first."))
        if data.get("start_date") and data["start_date"] < self.today and not data.get("late_reason"):
            self.add_error("late_reason", LATE_PAUSE_NEEDS_REASON)
        return data


class RefillForm(DatesWithin, OwnIds, OnceForm):
    """A refill the pharmacy dispensed: its date (the plan's first day to today, not before the
    dispensing already recorded: `journal.services.plans.refill_window`) and quantity."""

    id_prefix = "refill"
    dated_fields = {"dispensed_on": "The dispensing date"}
    dispensed_on = forms.DateField(widget=DATE, label=gettext_lazy("Dispensed on"))
    quantity = forms.DecimalField(
        min_value=Decimal("0.01"),
        max_value=SUPPLY_MAX,
        max_digits=7,
        decimal_places=2,
        label=gettext_lazy("Quantity dispensed"),
        help_text=gettext_lazy("In capsules, mL or clicks (doses for another form)."),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    pharmacy = forms.CharField(
        required=False,
        max_length=100,
        label=gettext_lazy("Pharmacy (optional)"),
        help_text=gettext_lazy("Left empty: the plan's pharmacy."),
    )
