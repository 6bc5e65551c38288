"""Forms of the clinician's plan, screening and invitation pages, and the patient's
invitation acceptance. Each returns domain values (Decimal mg, dates, ScreeningAnswers)."""

from __future__ import annotations

import uuid
import zoneinfo
from decimal import Decimal

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db.models import Q

from journal.models import (
    NOTES_MAX_CHARS,
    Clinic,
    Condition,
    Patient,
    PlanForm,
    Screening,
    Symptom,
    Timing,
    User,
)
from journal.safety import OPIOID_FIELDS, SCREENING_QUESTIONS, ScreeningAnswers
from journal.titration import PLAN_TEMPLATES, check_dose, generate_steps

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CONFIRM_LABEL = "I have read the warnings and their reasons, and I confirm this."


def _lines(text: str) -> list[str]:
    """Names typed one per line or separated by commas, each once."""
    names = (name.strip() for line in text.splitlines() for name in line.split(","))
    return list(dict.fromkeys(name for name in names if name))



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
            self.data = self.data.copy()  # e.g. a template applied: the form is shown anew
            self.data[self.add_prefix("request_key")] = key

    def clean_request_key(self) -> str | None:
        return self.cleaned_data["request_key"] or None


class DoseField(forms.DecimalField):
    """A dose in mg. Refused dose bands (0 or less, more than 3 decimals, above 16 mg,
    50 mg or more) are field errors with their reason; warnings are judged elsewhere."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
        super().__init__(**kwargs)

    def validate(self, value: Decimal | None) -> None:
        super().validate(value)
        if value is not None:
            refusals = [f"{f.message} {f.reason}" for f in check_dose(value) if f.level.stops_save]
            if refusals:
                raise ValidationError(refusals)


class InviteForm(forms.Form):
    name = forms.CharField(max_length=200)
    time_zone = forms.ChoiceField(
        help_text="The patient's own time zone: their day starts at their midnight."
    )
    email = forms.EmailField(
        required=False, help_text="Optional: the invitation is emailed when mail is set up."
    )
    code = forms.CharField(
        max_length=40,
        required=False,
        label="Pseudonymous code",
        help_text="Optional: used in exports instead of the name, e.g. RLC-123.",
    )
    conditions = forms.ModelMultipleChoiceField(
        queryset=Condition.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    other_conditions = forms.CharField(
        required=False, help_text="Not in the list? One per line or comma-separated."
    )
    symptoms = forms.ModelMultipleChoiceField(
        queryset=Symptom.objects.none(),
        required=False,
        label="Symptoms to track",
        widget=forms.CheckboxSelectMultiple,
    )
    other_symptoms = forms.CharField(
        required=False,
        label="Other symptoms to track",
        help_text="One per line or comma-separated; scored 0–10, lower is better.",
    )
    medications = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Current medications",
        help_text="One per line, e.g. 'Levothyroxine 50 mcg'. Used to pre-fill the safety screening.",
    )

    def __init__(self, *args, clinic: Clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        own_or_shared = Q(clinic__isnull=True) | Q(clinic=clinic)
        self.fields["conditions"].queryset = Condition.objects.filter(own_or_shared)
        self.fields["symptoms"].queryset = Symptom.objects.filter(own_or_shared)
        self.fields["time_zone"].choices = [(zone, zone) for zone in sorted(zoneinfo.available_timezones())]
        self.fields["time_zone"].initial = clinic.time_zone

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if code and Patient.objects.filter(clinic=self.clinic, code=code).exists():
            raise ValidationError("Another patient of this clinic already has this code.")
        return code

    def clean_other_conditions(self) -> list[str]:
        return _lines(self.cleaned_data["other_conditions"])

    def clean_other_symptoms(self) -> list[str]:
        return _lines(self.cleaned_data["other_symptoms"])

    def clean_medications(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["medications"].splitlines() if line.strip()]


class AcceptInvitationForm(forms.Form):
    username = forms.CharField(
        max_length=150, help_text="You log in with this. Letters, digits and @.+-_ only."
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, patient: Patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient

    def clean_username(self) -> str:
        return new_username(self.cleaned_data["username"])

    def clean(self):
        data = super().clean()
        password, again = data.get("password1"), data.get("password2")
        if password and again and password != again:
            self.add_error("password2", "The two passwords differ.")
        elif password:
            first, _, last = self.patient.name.partition(" ")
            candidate = User(
                username=data.get("username", ""), first_name=first, last_name=last, email=self.patient.email
            )
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


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
        groups = {key: [] for key in QUESTION_GROUPS}
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
        data = super().clean()
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


class _OwnIds:
    """The change forms share one page (the plan page): each names its fields' ids after
    itself, so that no two fields share an id and every label finds its own field."""

    id_prefix = "id"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class StepEditForm(OnceForm):
    dose_mg = DoseField(label="Dose (mg)")
    timing = forms.ChoiceField(choices=Timing.choices, widget=forms.RadioSelect)
    note = forms.CharField(max_length=200, required=False)
    confirm_warnings = forms.BooleanField(required=False, label=CONFIRM_LABEL)


class HoldForm(_OwnIds, OnceForm):
    id_prefix = "hold"
    days = forms.IntegerField(
        min_value=1,
        max_value=90,
        initial=7,
        label="Stay on today's dose for (days)",
        help_text="Every later step moves this many days later.",
    )


class StepBackForm(_OwnIds, OnceForm):
    id_prefix = "step_back"
    start_date = forms.DateField(widget=DATE, label="From")
    shift_days = forms.IntegerField(
        min_value=0,
        max_value=90,
        initial=14,
        label="Move later steps by (days)",
        help_text="0 keeps the later steps on their dates.",
    )


class MorningForm(_OwnIds, OnceForm):
    id_prefix = "morning"
    start_date = forms.DateField(widget=DATE, label="From")


class EndForm(_OwnIds, OnceForm):
    id_prefix = "end"
    ended_on = forms.DateField(
        widget=DATE, label="End on", help_text="Nothing is prescribed from this day on."
    )
    taper_mg = DoseField(required=False, label="Taper to (mg, optional)")
    taper_from = forms.DateField(widget=DATE, required=False, label="Taper from")
    confirm_warnings = forms.BooleanField(required=False, label=CONFIRM_LABEL)


class PauseForm(_OwnIds, OnceForm):
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
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", "The last paused day cannot be before the first.")
        return data
