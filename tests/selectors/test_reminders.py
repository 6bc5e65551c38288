"""journal.selectors.reminders: the reminder page's reads, in pinned queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from journal.models import PushSubscription, ReminderOccasion, ReminderSettings
from journal.selectors.reminders import (
    expired_push_subscriptions,
    push_devices,
    recent_reminders,
    reminder_settings_of,
)

NOW = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)


def test_settings_default_to_all_off(alice):
    settings_row = reminder_settings_of(alice)
    assert settings_row._state.adding  # not stored
    assert settings_row.choices(alice.time_zone).times == ()


def test_settings_stored(alice):
    ReminderSettings.objects.create(patient=alice, dose_on=True)
    assert reminder_settings_of(alice).dose_on


def test_devices_and_expired_ones(alice, bob):
    live = PushSubscription.objects.create(patient=alice, endpoint="https://p/1", p256dh="k", auth="a")
    gone = PushSubscription.objects.create(
        patient=alice, endpoint="https://p/2", p256dh="k", auth="a", expired_at=NOW
    )
    PushSubscription.objects.create(patient=bob, endpoint="https://p/3", p256dh="k", auth="a", expired_at=NOW)
    assert push_devices(alice) == [live, gone]
    assert list(expired_push_subscriptions(alice)) == [gone]


def test_recent_reminders_newest_first_in_two_queries(alice):
    for day in range(1, 8):
        ReminderOccasion.objects.create(
            patient=alice,
            kind="dose",
            day=dt.date(2026, 3, day),
            due_at=NOW.replace(day=day),
            text="t",
            claimed_by="x",
        )
    with CaptureQueriesContext(connection) as queries:
        recent = recent_reminders(alice)
        words = [occasion.delivery_words for occasion in recent]
    assert len(queries) == 2  # the occasions with their e-mail, their pushes; nothing more to show them
    assert [occasion.day.day for occasion in recent] == [7, 6, 5, 4, 3]
    assert words[0] == "not sent: no device or e-mail address was on"


pytestmark = pytest.mark.django_db
