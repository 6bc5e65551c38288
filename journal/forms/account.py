"""Forms for signing in and the user's own account."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journal.models import User


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=20,
        label=gettext_lazy("Code"),
        help_text=gettext_lazy(
            "The 6 digits your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        """Spaces and dashes are how people copy codes; they are not part of them."""
        return "".join(self.cleaned_data["code"].split()).replace("-", "").lower()


class SetupCodeForm(CodeForm):
    code = forms.CharField(
        max_length=20,
        label=gettext_lazy("Code from the app"),
        help_text=gettext_lazy("The 6 digits the app shows for LDN Journal."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password


class LanguageForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["language"]
        widgets = {"language": forms.RadioSelect}
