"""Two saves of the same day at once (two tabs, a double tap, a retry after a dropped
connection) leave one entry holding the last values: never two rows, never a 500.

Runs on PostgreSQL only (real concurrent transactions); .ci/run requires it."""

from __future__ import annotations

import datetime as dt
import threading

from django.db import connection
from django.test import Client

from journal.models import DailyEntry, Symptom
from tests.factories import make_clinic, make_clinician, make_patient, make_plan

SAVES = 8


def test_simultaneous_saves_of_the_same_day_leave_one_entry_with_the_last_values(postgres, transactional_db):
    clinic = make_clinic()
    doctor = make_clinician(clinic)
    patient = make_patient(clinic, "paula", clinicians=(doctor,))
    today = patient.local_today()
    make_plan(patient, doctor, [(today - dt.timedelta(days=10), "3")])
    pain = Symptom.objects.get(clinic=None, name="Pain")
    barrier = threading.Barrier(SAVES)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def save(number: int) -> None:
        try:
            client = Client()
            client.force_login(patient.user)
            data = {
                "entry_date": today.isoformat(),
                "dose_taken": "yes",
                "dose_mg": "3",
                "timing_taken": "bedtime",
                f"score_{pain.pk}": str(number % 11),
                "sleep_quality": "5",
                "notes": f"save {number}",
            }
            barrier.wait(timeout=10)
            statuses.append(client.post("/entry/", data, HTTP_HX_REQUEST="true").status_code)
        except BaseException as error:  # noqa: BLE001 - reported below, with the thread's number
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(number,)) for number in range(SAVES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors
    assert statuses == [200] * SAVES
    entry = DailyEntry.objects.get(patient=patient, entry_date=today)
    history = list(entry.history.order_by("history_date"))
    assert len(history) == SAVES
    assert entry.edit_count == SAVES - 1
    assert history[-1].notes == entry.notes  # the row holds the values of the save that came last
    number = int(entry.notes.removeprefix("save "))
    assert entry.scores.get().score == number % 11
