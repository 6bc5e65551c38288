"""The clinic keeps an admin: two admins demoting each other at the same moment give one
demotion, never two, and never a 500.

Runs on PostgreSQL only (real concurrent transactions); .ci/run requires it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from journal.models import Clinician
from tests.factories import make_clinic, make_clinician
from tests.test_plan_concurrency import at_once

ROUNDS = 5


def demote(admin: Clinician, other: Clinician):
    def post() -> int:
        client = Client()
        client.force_login(admin.user)
        return client.post(reverse("clinician_change", args=[other.pk]), {"is_active": "on"}).status_code

    return post


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_admins_demoting_each_other_at_once_leave_one_admin(postgres, transactional_db, round_):
    clinic = make_clinic()
    ada, otto = make_clinician(clinic, "ada", admin=True), make_clinician(clinic, "otto", admin=True)
    posts = iter([demote(ada, otto), demote(otto, ada)])
    statuses = at_once(2, lambda: next(posts)())
    # One is saved; the other is refused: on the form (200), or at the door (403) when the first
    # was saved before the second request began.
    assert statuses.count(302) == 1
    assert set(statuses) - {302} <= {200, 403}
    assert Clinician.objects.filter(clinic=clinic, is_clinic_admin=True).count() == 1
