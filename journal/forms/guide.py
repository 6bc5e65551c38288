"""The introduction's one form: on to the next screen, or skip the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy


class IntroductionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("next", gettext_lazy("Next")), ("skip", gettext_lazy("Skip the introduction"))],
        required=False,
    )

    @property
    def skips(self) -> bool:
        return self.is_valid() and self.cleaned_data["action"] == "skip"
