"""The import of a patient's medication list and lab results from a FHIR Bundle."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from journal.fhir_import import (
    BUNDLE_MAX_BYTES,
    BundleProblem,
    BundleRead,
    PatientRead,
    read_bundle,
    read_patient,
)

TOKEN_MAX_CHARS = 64


class FhirBundleForm(forms.Form):
    """A Bundle's JSON file, read at once: a file that is too large, not JSON, not a Bundle or
    with nothing to import is refused with its reason; a readable one is in `read`."""

    bundle = forms.FileField(
        label=gettext_lazy("FHIR Bundle (a .json file)"),
        help_text=gettext_lazy(
            "From the EHR's export of this patient: MedicationStatement and laboratory Observation "
            "resources are read; nothing is added before you confirm the preview."
        ),
        widget=forms.FileInput(attrs={"accept": ".json,application/json,application/fhir+json"}),
        error_messages={
            "required": gettext_lazy("Choose the Bundle's file."),
            "empty": gettext_lazy("The file is empty."),
        },
    )

    read: BundleRead

    def clean_bundle(self):
        upload = self.cleaned_data["bundle"]
        try:  # a byte past the bound is enough for `read_bundle` to refuse the file's size
            self.read = read_bundle(upload.read(BUNDLE_MAX_BYTES + 1))
        except BundleProblem as problem:
            raise ValidationError(str(problem.reason)) from None
        return upload


class PatientBundleForm(forms.Form):
    """One patient's Bundle as LDN Journal exported it, read at once: a file that is too
    large, not JSON, not a Bundle or not this app's export of one patient is refused with its
    reason; a readable one is in `read`."""

    bundle = forms.FileField(
        label=gettext_lazy("FHIR Bundle (a .json file)"),
        help_text=gettext_lazy(
            "The patient's “Download FHIR record” from the LDN Journal of their previous clinic; "
            "nothing is added before you confirm the preview."
        ),
        widget=forms.FileInput(attrs={"accept": ".json,application/json,application/fhir+json"}),
        error_messages={
            "required": gettext_lazy("Choose the Bundle's file."),
            "empty": gettext_lazy("The file is empty."),
        },
    )

    read: PatientRead

    def clean_bundle(self):
        upload = self.cleaned_data["bundle"]
        try:
            self.read = read_patient(upload.read(BUNDLE_MAX_BYTES + 1))
        except BundleProblem as problem:
            raise ValidationError(str(problem.reason)) from None
        return upload


class FhirImportConfirmForm(forms.Form):
    """The confirmation of the preview shown: its token names the plan kept on the server (a
    token of another or an older preview confirms nothing)."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=TOKEN_MAX_CHARS)
