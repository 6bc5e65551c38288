"""Django admin: staff read clinical records there but change them only through the app's
pages (which screen, audit and keep the roster's row true); the logs are append-only."""

from __future__ import annotations

import datetime as dt

import pytest

from journal.models import LabTest
from tests.factories import make_entry, make_plan


@pytest.fixture
def records(alice, carol):
    plan = make_plan(alice, carol, [(dt.date(2026, 3, 1), "1.5")])
    entry = make_entry(alice, dt.date(2026, 3, 2))
    medication = alice.medications.create(name="Levothyroxine")
    result = alice.lab_results.create(
        test=LabTest.objects.get(key="tsh"), value=2, sampled_on=dt.date(2026, 3, 2), recorded_by=carol
    )
    return {"titrationplan": plan, "dailyentry": entry, "medication": medication, "labresult": result}


@pytest.mark.parametrize("model", ["titrationplan", "dailyentry", "medication", "labresult"])
def test_staff_read_clinical_records_but_cannot_change_them(admin_client, records, model):
    record = records[model]
    assert admin_client.get(f"/admin/journal/{model}/").status_code == 200
    page = admin_client.get(f"/admin/journal/{model}/{record.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.get(f"/admin/journal/{model}/add/").status_code == 403
    assert admin_client.post(f"/admin/journal/{model}/{record.pk}/change/", {}).status_code == 403
    deleted = admin_client.post(f"/admin/journal/{model}/{record.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    assert type(record).objects.filter(pk=record.pk).exists()
