"""journal.services.guide: the introduction resumes where the patient left it, and ends once,
finished or skipped, with one audit row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from journal.guide import INTRODUCTION
from journal.models import AuditEvent
from journal.services.guide import introduction_read, introduction_skip

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def ended(patient) -> list[str]:
    return list(
        AuditEvent.objects.filter(patient=patient, kind=AuditEvent.Kind.INTRODUCTION_ENDED).values_list(
            "summary", flat=True
        )
    )


def test_reading_a_screen_moves_the_patient_on_and_never_back(newcomer):
    introduction_read(patient=newcomer, screen=2)
    introduction_read(patient=newcomer, screen=1)  # went back and read the first again
    newcomer.refresh_from_db()
    assert (newcomer.introduction_seen, newcomer.introduced_at) == (2, None)
    assert ended(newcomer) == []


def test_reading_the_last_screen_finishes_the_introduction_once(newcomer):
    for screen in range(1, len(INTRODUCTION) + 1):
        introduction_read(patient=newcomer, screen=screen)
    introduction_read(patient=newcomer, screen=len(INTRODUCTION))  # read again from Help's Back
    newcomer.refresh_from_db()
    assert (newcomer.introduction_seen, newcomer.introduced_at) == (len(INTRODUCTION), NOW)
    assert ended(newcomer) == ["Introduction finished."]


def test_skipping_ends_the_introduction_and_says_how_far_the_patient_read(newcomer):
    introduction_read(patient=newcomer, screen=1)
    introduction_skip(patient=newcomer)
    introduction_skip(patient=newcomer)
    newcomer.refresh_from_db()
    assert newcomer.introduced_at == NOW
    assert ended(newcomer) == [f"Introduction skipped after 1 of {len(INTRODUCTION)} screens."]
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.INTRODUCTION_ENDED).actor == newcomer.user


@pytest.mark.parametrize("screen", [0, len(INTRODUCTION) + 1])
def test_there_is_no_screen_outside_the_introduction(newcomer, screen):
    with pytest.raises(ValidationError):
        introduction_read(patient=newcomer, screen=screen)
    newcomer.refresh_from_db()
    assert newcomer.introduction_seen == 0
