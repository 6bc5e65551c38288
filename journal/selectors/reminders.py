"""Reads for the reminder pages: the patient's choices and devices."""

from __future__ import annotations

from django.db.models import QuerySet

from journal.models import Patient, PushSubscription, ReminderOccasion, ReminderSettings

RECENT_SHOWN = 5


def reminder_settings_of(patient: Patient) -> ReminderSettings:
    """The patient's stored choices, or the defaults (all off) when they have none yet (1 query)."""
    return ReminderSettings.objects.filter(patient=patient).first() or ReminderSettings(patient=patient)


def push_devices(patient: Patient) -> list[PushSubscription]:
    """The patient's devices that take push reminders, expired ones included (1 query)."""
    return list(patient.push_subscriptions.all())


def expired_push_subscriptions(patient: Patient) -> QuerySet[PushSubscription]:
    """The patient's devices that stopped taking push reminders: Today says so."""
    return patient.push_subscriptions.filter(expired_at__isnull=False)


def recent_reminders(patient: Patient) -> list[ReminderOccasion]:
    """The last reminders sent, with their e-mail and pushes (3 queries)."""
    return list(
        patient.reminder_occasions.select_related("mail")
        .prefetch_related("pushes")
        .order_by("-due_at", "-pk")[:RECENT_SHOWN]
    )
