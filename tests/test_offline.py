"""Which pages a patient's phone may keep for opening offline (journal/offline.py): the server
marks them, and the service worker keeps nothing else."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from journal.offline import OFFLINE_HEADER, offline_key
from tests.factories import make_plan
from tests.test_patient_entry import entry_data

KEPT = ["today", "entry", "my_plan"]


@pytest.mark.parametrize("name", KEPT)
def test_todays_entry_and_plan_pages_are_marked_with_the_patients_key(client, alice, name):
    client.force_login(alice.user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response[OFFLINE_HEADER] == offline_key(alice.user)
    assert response["Cache-Control"] == "no-store"  # still no copy in the browser's own cache
    assert f'data-offline-key="{offline_key(alice.user)}"' in response.content.decode()


def test_each_patient_has_their_own_key(alice, bob):
    assert offline_key(alice.user) != offline_key(bob.user)
    assert re.fullmatch("[0-9a-f]{24}", offline_key(alice.user))  # a keyed hash: no id to read


def test_other_pages_fragments_and_clinicians_pages_are_not_marked(client, alice, carol):
    client.force_login(alice.user)
    assert OFFLINE_HEADER not in client.get(reverse("history"))
    assert OFFLINE_HEADER not in client.get(reverse("my_chart"))
    fragment = client.get(reverse("entry"), headers={"HX-Request": "true"})
    assert OFFLINE_HEADER not in fragment
    client.force_login(carol.user)
    assert OFFLINE_HEADER not in client.get(reverse("roster"))
    assert OFFLINE_HEADER not in client.get(reverse("patient_detail", args=[alice.pk]))
    assert 'id="outbox"' not in client.get(reverse("roster")).content.decode()


def test_an_anonymous_visitor_gets_no_key(client):
    response = client.get(reverse("login"))
    assert OFFLINE_HEADER not in response
    assert 'data-offline-key=""' in response.content.decode()


def test_a_saved_entry_says_whether_the_day_had_one_already(client, alice, carol):
    """An entry typed offline and sent later tells the patient when it replaced one."""
    make_plan(alice, carol, [(alice.local_today() - dt.timedelta(days=5), "1.5")])
    client.force_login(alice.user)
    form = entry_data(entry_date=alice.local_today().isoformat(), dose_mg="1.5")
    first = client.post(reverse("entry"), form, headers={"HX-Request": "true"})
    assert 'data-outcome="created"' in first.content.decode()
    second = client.post(reverse("entry"), {**form, "notes": "second"}, headers={"HX-Request": "true"})
    assert 'data-outcome="replaced"' in second.content.decode()
    assert alice.entries.get().notes == "second"
