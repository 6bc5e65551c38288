"""Plan writes are serialised: a double submit of a plan change (a double click, a retried
request, two tabs) gives one change, never two and never a 500.

Runs on PostgreSQL only (real concurrent transactions); .ci/run requires it."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from journal.models import AuditEvent, Screening, TitrationPlan
from journal.schedule import DAY
from tests.factories import make_clinic, make_clinician, make_patient, make_plan

SUBMITS = 6


def at_once(count: int, post: Callable[[], int]) -> list[int]:
    """Run `post` in `count` threads released together; the status codes, or the errors."""
    barrier = threading.Barrier(count)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            statuses.append(post())
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return statuses


@pytest.fixture
def people(postgres, transactional_db):
    clinic = make_clinic()
    doctor = make_clinician(clinic)
    patient = make_patient(clinic, "paula", clinicians=(doctor,))
    Screening.objects.create(patient=patient, screened_by=doctor)
    return patient, doctor


def post_as(doctor, url: str, data: dict) -> Callable[[], int]:
    def post() -> int:
        client = Client()
        client.force_login(doctor.user)
        return client.post(url, data).status_code

    return post


def test_a_double_submitted_hold_moves_the_steps_once(people):
    patient, doctor = people
    today = patient.local_today()
    plan = make_plan(patient, doctor, [(today - 10 * DAY, "1"), (today + 4 * DAY, "1.5")])
    url = reverse("plan_hold", args=[patient.pk])
    statuses = at_once(
        SUBMITS, post_as(doctor, url, {"patient_reason": "A reason.", "days": "7", "request_key": "k" * 32})
    )
    assert statuses == [302] * SUBMITS
    assert plan.steps.get(dose_mg="1.5").start_date == today + 11 * DAY
    assert AuditEvent.objects.filter(patient=patient, kind="plan_changed").count() == 1


def test_a_double_submitted_new_plan_is_saved_once(people):
    patient, doctor = people
    today = patient.local_today()
    data = {
        "template": "custom",
        "start_date": today.isoformat(),
        "start_mg": "0.5",
        "increment_mg": "0",
        "interval_days": "14",
        "target_mg": "0.5",
        "timing": "bedtime",
        "form": "capsule",
        "strength_mg": "0.5",
        "notes": "",
        "patient_reason": "Start low, go slow.",
        "action": "save",
        "request_key": "p" * 32,
    }
    statuses = at_once(SUBMITS, post_as(doctor, reverse("plan_new", args=[patient.pk]), data))
    assert 500 not in statuses
    assert TitrationPlan.objects.filter(patient=patient).count() == 1
    assert AuditEvent.objects.filter(patient=patient, kind="plan_created").count() == 1


def test_two_different_new_plans_at_once_never_overlap(people):
    """Two clinicians each write a plan at the same moment (different forms, different keys):
    the patient row lock lets one in; the other is refused with a message, not a 500."""
    patient, doctor = people
    today = patient.local_today()

    def data(key: str) -> dict:
        return {
            "template": "custom",
            "start_date": today.isoformat(),
            "start_mg": "0.5",
            "increment_mg": "0",
            "interval_days": "14",
            "target_mg": "0.5",
            "timing": "bedtime",
            "form": "capsule",
            "strength_mg": "0.5",
            "notes": "",
            "patient_reason": "Start low, go slow.",
            "action": "save",
            "request_key": key,
        }

    keys = iter([f"{n}" * 32 for n in range(SUBMITS)])
    lock = threading.Lock()

    def post() -> int:
        with lock:
            key = next(keys)
        return post_as(doctor, reverse("plan_new", args=[patient.pk]), data(key))()

    statuses = at_once(SUBMITS, post)
    assert 500 not in statuses
    assert TitrationPlan.objects.filter(patient=patient).count() == 1
