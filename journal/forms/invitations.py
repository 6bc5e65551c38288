"""The invitation forms: the clinician's invite, and the patient's acceptance."""

from __future__ import annotations

import zoneinfo
from typing import cast

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journal.bounds import invitation_problems
from journal.forms.fields import ModelChoices, names_listed, new_username
from journal.models import (
    Clinic,
    Condition,
    Patient,
    Symptom,
    User,
)


class InviteForm(forms.Form):
    name = forms.CharField(max_length=200)
    time_zone = forms.ChoiceField(
        help_text=gettext_lazy("The patient's own time zone: their day starts at their midnight.")
    )
    email = forms.EmailField(
        required=False, help_text=gettext_lazy("Optional: the invitation is emailed when mail is set up.")
    )
    code = forms.CharField(
        max_length=40,
        required=False,
        label=gettext_lazy("Pseudonymous code"),
        help_text=gettext_lazy("Optional: used in exports instead of the name, e.g. RLC-123."),
    )
    conditions = ModelChoices(
        queryset=Condition.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    other_conditions = forms.CharField(
        required=False, help_text=gettext_lazy("Not in the list? One per line or comma-separated.")
    )
    symptoms = ModelChoices(
        queryset=Symptom.objects.none(),
        required=False,
        label=gettext_lazy("Symptoms to track"),
        widget=forms.CheckboxSelectMultiple,
    )
    other_symptoms = forms.CharField(
        required=False,
        label=gettext_lazy("Other symptoms to track"),
        help_text=gettext_lazy("One per line or comma-separated; scored 0–10, lower is better."),
    )
    medications = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Current medications"),
        help_text=gettext_lazy(
            "One per line, e.g. 'Levothyroxine 50 mcg'. Used to pre-fill the safety screening."
        ),
    )

    def __init__(self, *args, clinic: Clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        own_or_shared = Q(clinic__isnull=True) | Q(clinic=clinic)
        cast(forms.ModelChoiceField, self.fields["conditions"]).queryset = Condition.objects.filter(
            own_or_shared
        )
        cast(forms.ModelChoiceField, self.fields["symptoms"]).queryset = Symptom.objects.filter(own_or_shared)
        zones = [(zone, zone) for zone in sorted(zoneinfo.available_timezones())]
        cast(forms.ChoiceField, self.fields["time_zone"]).choices = zones
        self.fields["time_zone"].initial = clinic.time_zone

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if code and Patient.objects.filter(clinic=self.clinic, code=code).exists():
            raise ValidationError(_("Another patient of this clinic already has this code."))
        return code

    def clean_other_conditions(self) -> list[str]:
        return names_listed(self.cleaned_data["other_conditions"])

    def clean_other_symptoms(self) -> list[str]:
        return names_listed(self.cleaned_data["other_symptoms"])

    def clean_medications(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["medications"].splitlines() if line.strip()]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        problems = invitation_problems(
            conditions=[c.name for c in data.get("conditions", ())] + data.get("other_conditions", []),
            symptoms=[s.name for s in data.get("symptoms", ())] + data.get("other_symptoms", []),
            medications=data.get("medications", []),
        )
        typed = {"conditions": "other_conditions", "symptoms": "other_symptoms", "medications": "medications"}
        for kind, problem in problems.items():
            self.add_error(typed[kind], problem)
        return data


class CaregiverInviteForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Caregiver's name"),
        max_length=200,
        help_text=gettext_lazy("A parent of a child, or a carer of an adult who needs help to log."),
    )


class AcceptInvitationForm(forms.Form):
    username = forms.CharField(
        max_length=150, help_text=gettext_lazy("You log in with this. Letters, digits and @.+-_ only.")
    )
    password1 = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, name: str, email: str = "", **kwargs):
        """`name` and `email`: of whom the login is for (a password must not resemble them)."""
        super().__init__(*args, **kwargs)
        self.name, self.email = name, email

    def clean_username(self) -> str:
        return new_username(self.cleaned_data["username"])

    def clean(self):
        super().clean()
        data = self.cleaned_data
        password, again = data.get("password1"), data.get("password2")
        if password and again and password != again:
            self.add_error("password2", _("The two passwords differ."))
        elif password:
            first, _space, last = self.name.partition(" ")
            candidate = User(
                username=data.get("username", ""), first_name=first, last_name=last, email=self.email
            )
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return data
