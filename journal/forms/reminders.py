"""The patient's reminder choices and a device's push subscription."""

from __future__ import annotations

from django import forms

from journal.bounds import PUSH_ENDPOINT_MAX_CHARS, PUSH_KEY_MAX_CHARS, REFILL_DAYS_MAX, SUPPLY_MAX_DOSES
from journal.models import ReminderSettings

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
TIME_INVALID = {"invalid": "Enter a time like 21:30."}


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
            "dose_on": "Remind me to take my dose",
            "bedtime_at": "Time of a bedtime dose",
            "morning_at": "Time of a morning dose",
            "nudge_on": "Remind me in the evening if I have not logged today",
            "nudge_at": "Time of the “not logged yet” reminder",
            "step_on": "Tell me the day before my dose changes",
            "refill_on": "Tell me when my supply runs low",
            "supply_doses": "Doses I have now (optional)",
            "supply_counted_on": "Counted on",
            "refill_days": "Warn me when this many days are left",
            "notice_at": "Time of these notices",
            "quiet_from": "Quiet from (optional)",
            "quiet_until": "Quiet until",
            "by_push": "On my devices (push notifications)",
            "by_email": "By e-mail",
        }
        help_texts = {
            "morning_at": (
                "Your reminder follows the timing of your plan: if your clinician moves your dose to "
                "the morning, it comes at this time."
            ),
            "supply_doses": f"Each day's dose counts as one, whatever it measures (0 to {SUPPLY_MAX_DOSES}).",
            "quiet_until": (
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
            "supply_counted_on": {"invalid": "Enter a date like 2026-03-01."},
            "supply_doses": {
                "max_value": f"At most {SUPPLY_MAX_DOSES} doses: more than a year of doses is a typing slip.",
                "min_value": "Enter 0 or more doses.",
            },
            "refill_days": {
                "max_value": f"At most {REFILL_DAYS_MAX} days ahead: a refill is ordered weeks ahead.",
                "min_value": "At least 1 day ahead.",
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
            raise forms.ValidationError("A push service's address starts with https://.")
        return endpoint


class PushEndpointForm(forms.Form):
    """The device to forget."""

    endpoint = forms.CharField(max_length=PUSH_ENDPOINT_MAX_CHARS)
