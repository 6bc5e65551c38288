"""The patient's reminder choices and a device's push subscription."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journal.bounds import PUSH_ENDPOINT_MAX_CHARS, PUSH_KEY_MAX_CHARS, REFILL_DAYS_MAX, SUPPLY_MAX_DOSES
from journal.models import ReminderSettings

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
TIME_INVALID = {"invalid": gettext_lazy("Enter a time like 21:30.")}


class ReminderSettingsForm(forms.ModelForm):
    """Which reminders, when, and how. The model checks the choices together (quiet hours, the
    supply and its date, a channel that reaches the patient): `ReminderSettings.clean`."""

    class Meta:
        model = ReminderSettings
        fields = [
            "dose_on",
            "bedtime_at",
            "morning_at",
            "nudge_on",
            "nudge_at",
            "step_on",
            "refill_on",
            "supply_doses",
            "supply_counted_on",
            "refill_days",
            "notice_at",
            "quiet_from",
            "quiet_until",
            "by_push",
            "by_email",
        ]
        labels = {
            "dose_on": gettext_lazy("Remind me to take my dose"),
            "bedtime_at": gettext_lazy("Time of a bedtime dose"),
            "morning_at": gettext_lazy("Time of a morning dose"),
            "nudge_on": gettext_lazy("Remind me in the evening if I have not logged today"),
            "nudge_at": gettext_lazy("Time of the “not logged yet” reminder"),
            "step_on": gettext_lazy("Tell me the day before my dose changes"),
            "refill_on": gettext_lazy("Tell me when my supply runs low"),
            "supply_doses": gettext_lazy("Doses I have now (optional)"),
            "supply_counted_on": gettext_lazy("Counted on"),
            "refill_days": gettext_lazy("Warn me when this many days are left"),
            "notice_at": gettext_lazy("Time of these notices"),
            "quiet_from": gettext_lazy("Quiet from (optional)"),
            "quiet_until": gettext_lazy("Quiet until"),
            "by_push": gettext_lazy("On my devices (push notifications)"),
            "by_email": gettext_lazy("By e-mail"),
        }
        help_texts = {
            "morning_at": gettext_lazy(
                "Your reminder follows the timing of your plan: if your clinician moves your dose to "
                "the morning, it comes at this time."
            ),
            "supply_doses": format_lazy(
                gettext_lazy(
                    "Each day's dose counts as one, whatever it measures (0 to {SUPPLY_MAX_DOSES})."
                ),
                SUPPLY_MAX_DOSES=SUPPLY_MAX_DOSES,
            ),
            "quiet_until": gettext_lazy(
                "Nothing is sent in the quiet hours. They may run past midnight, e.g. 22:30 to 07:00."
            ),
        }
        widgets = {
            "bedtime_at": TIME,
            "morning_at": TIME,
            "nudge_at": TIME,
            "notice_at": TIME,
            "quiet_from": TIME,
            "quiet_until": TIME,
            "supply_counted_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "supply_doses": forms.NumberInput(attrs={"min": 0, "max": SUPPLY_MAX_DOSES}),
        }
        error_messages = dict.fromkeys(
            ("bedtime_at", "morning_at", "nudge_at", "notice_at", "quiet_from", "quiet_until"), TIME_INVALID
        ) | {
            "supply_counted_on": {"invalid": gettext_lazy("Enter a date like 2026-03-01.")},
            "supply_doses": {
                "max_value": format_lazy(
                    gettext_lazy(
                        "At most {SUPPLY_MAX_DOSES} doses: more than a year of doses is a typing slip."
                    ),
                    SUPPLY_MAX_DOSES=SUPPLY_MAX_DOSES,
                ),
                "min_value": gettext_lazy("Enter 0 or more doses."),
            },
            "refill_days": {
                "max_value": format_lazy(
                    gettext_lazy("At most {REFILL_DAYS_MAX} days ahead: a refill is ordered weeks ahead."),
                    REFILL_DAYS_MAX=REFILL_DAYS_MAX,
                ),
                "min_value": gettext_lazy("At least 1 day ahead."),
            },
        }


class PushSubscriptionForm(forms.Form):
    """What the browser's `PushManager.subscribe` gave this device (sent by static/js/reminders.js)."""

    endpoint = forms.URLField(max_length=PUSH_ENDPOINT_MAX_CHARS, assume_scheme="https")
    p256dh = forms.CharField(max_length=PUSH_KEY_MAX_CHARS)
    auth = forms.CharField(max_length=PUSH_KEY_MAX_CHARS)

    def clean_endpoint(self) -> str:
        endpoint: str = self.cleaned_data["endpoint"]
        if not endpoint.startswith("https://"):
            raise forms.ValidationError(_("A push service's address starts with https://."))
        return endpoint


class PushEndpointForm(forms.Form):
    """The device to forget."""

    endpoint = forms.CharField(max_length=PUSH_ENDPOINT_MAX_CHARS)
