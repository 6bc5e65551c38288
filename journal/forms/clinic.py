"""Forms of the clinic admin's pages: clinicians, care teams and the access report's filters."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy

from journal.bounds import (
    API_TOKEN_DAYS_MAX,
    API_TOKEN_DAYS_MIN,
    API_TOKEN_NAME_MAX_CHARS,
    EMERGENCY_LINE_MAX_CHARS,
)
from journal.forms.exports import ExportRangeForm
from journal.forms.fields import ModelChoices, OnceForm, new_username
from journal.models import AccessEvent, Clinic, Clinician, Patient


class ClinicianAddForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    username = forms.CharField(
        max_length=150,
        help_text=gettext_lazy("The clinician logs in with this. Letters, digits and @.+-_ only."),
    )
    email = forms.EmailField(required=False)
    is_clinic_admin = forms.BooleanField(
        required=False,
        label=gettext_lazy("Clinic admin"),
        help_text=gettext_lazy("Manages the clinic's clinicians and care teams."),
    )

    def clean_username(self) -> str:
        return new_username(self.cleaned_data["username"])


class ClinicianChangeForm(forms.Form):
    is_clinic_admin = forms.BooleanField(
        required=False,
        label=gettext_lazy("Clinic admin"),
        help_text=gettext_lazy("Manages the clinic's clinicians and care teams."),
    )
    is_active = forms.BooleanField(
        required=False,
        label=gettext_lazy("Can log in"),
        help_text=gettext_lazy(
            "Untick to deactivate the login. The clinician stays on record: plans name them as prescriber."
        ),
    )


class ClinicTwoFactorForm(forms.Form):
    require_two_factor = forms.BooleanField(
        required=False,
        label=gettext_lazy("Require two-factor sign-in for clinicians and admins"),
        help_text=gettext_lazy(
            "Each clinician then signs in with a code from an authenticator app as well as their "
            "password; anyone without one sets it up at their next page, you included. Patients may turn it "
            "on for themselves."
        ),
    )


class ClinicFhirNamesForm(forms.Form):
    fhir_names_patients = forms.BooleanField(
        required=False,
        label=gettext_lazy("Give patients' names in FHIR records"),
        help_text=gettext_lazy(
            "On: the FHIR record download, the clinic's FHIR export and the FHIR API give each "
            "patient's name and date of birth to whoever receives them. Off: patients leave the "
            "server by their record code only, never by name."
        ),
    )


class EmergencyLineForm(forms.Form):
    emergency_line = forms.CharField(
        required=False,
        max_length=EMERGENCY_LINE_MAX_CHARS,
        label=gettext_lazy("For an emergency, …"),
        help_text=gettext_lazy(
            "Patients read “For an emergency, …” and this wherever they write a question, e.g. "
            "“call 999, or the clinic on 020 7946 0000 (9–5)”. Empty: “call your local emergency number”."
        ),
    )


class ApiTokenForm(OnceForm):
    name = forms.CharField(
        max_length=API_TOKEN_NAME_MAX_CHARS,
        label=gettext_lazy("What the token is for"),
        help_text=gettext_lazy("e.g. “EHR nightly import”: the access report names reads by it."),
    )
    days = forms.IntegerField(
        min_value=API_TOKEN_DAYS_MIN,
        max_value=API_TOKEN_DAYS_MAX,
        initial=90,
        label=gettext_lazy("Valid for (days)"),
        help_text=gettext_lazy("From 1 to 365 days; make a new token before it runs out."),
    )


class ClinicianChoiceField(ModelChoices):
    def label_from_instance(self, clinician: Clinician) -> str:
        return f"{clinician}{'' if clinician.user.is_active else ' (login deactivated)'}"


class CareTeamForm(forms.Form):
    clinicians = ClinicianChoiceField(
        queryset=Clinician.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Care team"),
        help_text=gettext_lazy(
            "They see this patient under “My patients”. Every clinician of the clinic can still "
            "open the patient's record."
        ),
    )

    def __init__(self, *args, clinic: Clinic, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this clinic's clinicians are valid choices: any other id fails validation.
        clinicians = Clinician.objects.filter(clinic=clinic).select_related("user")
        cast(forms.ModelChoiceField, self.fields["clinicians"]).queryset = clinicians


class ReaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, clinician: Clinician) -> str:
        return str(clinician)


class AccessReportForm(ExportRangeForm):
    """The access report's filters: a range of the clinic's days, as an export's; who, whose
    record and what was opened, each "any" when left empty. Only this clinic's clinicians and
    patients are valid choices."""

    clinician = ReaderChoiceField(queryset=Clinician.objects.none(), required=False, empty_label="Anyone")
    patient = forms.ModelChoiceField(
        queryset=Patient.objects.none(), required=False, empty_label="Any patient"
    )
    what = forms.ChoiceField(
        choices=[("", "Anything"), *AccessEvent.What.choices],
        required=False,
        label=gettext_lazy("What was opened"),
    )

    field_order = ["clinician", "patient", "what", "start", "end", "byte_order_mark"]

    def __init__(self, *args, clinic: Clinic, **kwargs):
        super().__init__(*args, **kwargs)
        clinicians = Clinician.objects.filter(clinic=clinic).select_related("user")
        cast(forms.ModelChoiceField, self.fields["clinician"]).queryset = clinicians
        cast(forms.ModelChoiceField, self.fields["patient"]).queryset = clinic.patients.all()

    def filters(self) -> dict:
        """The cleaned filters, as `selectors.clinic.clinic_reads` takes them."""
        data = self.cleaned_data
        return {
            "first": data["start"],
            "last": data["end"],
            "clinician": data["clinician"],
            "patient": data["patient"],
            "what": data["what"],
        }
