"""Times are shown in the reader's zone: the clinic's for clinicians, the patient's own, and
for a caregiver the zone of the patient they log for."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, modify_settings
from django.urls import reverse
from django.utils import timezone

from journal.middleware import reader_time_zone
from journal.models import AuditEvent, PlanChangeNote, User


def reviewed_at(patient, clinician, at: dt.datetime) -> None:
    AuditEvent.objects.create(
        patient=patient,
        clinic=patient.clinic,
        actor=clinician.user,
        kind=AuditEvent.Kind.REVIEWED,
        summary="Reviewed",
        at=at,
    )


def test_audit_times_are_shown_in_the_clinics_zone(client, alice, carol):
    reviewed_at(alice, carol, dt.datetime(2026, 6, 15, 23, 30, tzinfo=dt.UTC))
    client.force_login(carol.user)
    content = client.get(reverse("patient_detail", args=[alice.pk])).content.decode()
    assert "16 Jun 2026, 00:30" in content  # London summer time, the next day


def test_each_reader_gets_their_own_zone(alice, carol, charlie, dave, gina):
    dave.time_zone = "Pacific/Auckland"
    dave.save(update_fields=["time_zone"])
    assert str(reader_time_zone(User.objects.get(pk=gina.user.pk))) == "Europe/London"  # alice's
    assert str(reader_time_zone(alice.user)) == "Europe/London"
    assert str(reader_time_zone(carol.user)) == "Europe/London"  # carol's clinic
    assert str(reader_time_zone(charlie.user)) == "UTC"  # clinic B keeps the default
    assert str(reader_time_zone(User.objects.get(pk=dave.user.pk))) == "Pacific/Auckland"


def test_the_zone_does_not_leak_into_the_next_request(client, alice):
    client.force_login(alice.user)
    client.get(reverse("today"))
    assert timezone.get_current_timezone_name() == "UTC"


@pytest.mark.parametrize(
    ("reader", "page"), [("alice", "data_dictionary"), ("carol", "data_dictionary"), ("gina", "my_plan")]
)
def test_the_readers_zone_adds_no_query_to_a_page(client, reader, page, request):
    """A page runs the same queries with the zone middleware as without it: the session and
    the login (with the clinic and the patient joined), which every page reads anyway."""
    client.force_login(request.getfixturevalue(reader).user)
    url = reverse(page)
    client.get(url)  # the first request of a login settles its session

    def page_queries() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        # The statements without their values (the session's expiry is compared with now).
        return [re.sub(r"'[^']*'", "?", query["sql"]) for query in queries.captured_queries]

    with_zone = page_queries()
    with modify_settings(MIDDLEWARE={"remove": "journal.middleware.ReaderTimeZoneMiddleware"}):
        without_zone = page_queries()
    assert with_zone == without_zone
    assert 'FROM "journal_clinic"' not in " ".join(with_zone)  # joined to the login (journal.auth)


def test_a_caregiver_reads_the_times_of_the_patients_day(client, alice, carol, gina):
    """Alice lives in Auckland; her plan changed at 01:00 on Tuesday 16 June there (Monday in
    UTC and in her clinic's London): she and her caregiver both read Tuesday."""
    alice.time_zone = "Pacific/Auckland"
    alice.plan_changed_at = dt.datetime(2026, 6, 15, 13, 0, tzinfo=dt.UTC)
    alice.save(update_fields=["time_zone", "plan_changed_at"])
    PlanChangeNote.objects.create(patient=alice, written_by=carol, change="Hold", at=alice.plan_changed_at)
    for reader in (alice.user, gina.user):
        client.force_login(reader)
        notice = client.get(reverse("my_plan")).content.decode().split('data-testid="plan-reason"', 1)[1]
        assert notice.split("changed your plan", 1)[0].strip().startswith(">On Tuesday 16 June"), reader


def test_a_changed_zone_shows_on_the_next_page(client, alice, carol):
    """A clinic (or a patient) that moves to another zone is read in it from the next page on,
    by sessions that began before the move too."""
    reviewed_at(alice, carol, dt.datetime(2026, 6, 15, 23, 30, tzinfo=dt.UTC))
    client.force_login(carol.user)
    client.get(reverse("patient_detail", args=[alice.pk]))
    carol.clinic.time_zone = "America/New_York"
    carol.clinic.save(update_fields=["time_zone"])
    content = client.get(reverse("patient_detail", args=[alice.pk])).content.decode()
    assert "15 Jun 2026, 19:30" in content  # New York summer time, the same day
