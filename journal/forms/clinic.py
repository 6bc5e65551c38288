"""Forms of the clinic admin's pages: clinicians and care teams."""

from __future__ import annotations

from typing import cast

from django import forms

from journal.forms.fields import ModelChoices, new_username
from journal.models import Clinic, Clinician


class ClinicianAddForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    username = forms.CharField(
        max_length=150, help_text="The clinician logs in with this. Letters, digits and @.+-_ only."
    )
    email = forms.EmailField(required=False)
    is_clinic_admin = forms.BooleanField(
        required=False, label="Clinic admin", help_text="Manages the clinic's clinicians and care teams."
    )

    def clean_username(self) -> str:
        return new_username(self.cleaned_data["username"])


class ClinicianChangeForm(forms.Form):
    is_clinic_admin = forms.BooleanField(
        required=False, label="Clinic admin", help_text="Manages the clinic's clinicians and care teams."
    )
    is_active = forms.BooleanField(
        required=False,
        label="Can log in",
        help_text="Untick to deactivate the login. The clinician stays on record: plans name them as "
        "prescriber.",
    )


class ClinicianChoiceField(ModelChoices):
    def label_from_instance(self, clinician: Clinician) -> str:
        return f"{clinician}{'' if clinician.user.is_active else ' (login deactivated)'}"


class CareTeamForm(forms.Form):
    clinicians = ClinicianChoiceField(
        queryset=Clinician.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Care team",
        help_text="They see this patient under “My patients”. Every clinician of the clinic can still "
        "open the patient's record.",
    )

    def __init__(self, *args, clinic: Clinic, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this clinic's clinicians are valid choices: any other id fails validation.
        clinicians = Clinician.objects.filter(clinic=clinic).select_related("user")
        cast(forms.ModelChoiceField, self.fields["clinicians"]).queryset = clinicians
