"""Times are shown in the reader's zone: the clinic's for clinicians, the patient's own."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from journal.middleware import reader_time_zone
from journal.models import AuditEvent, User


def test_audit_times_are_shown_in_the_clinics_zone(client, alice, carol):
    AuditEvent.objects.create(
        patient=alice,
        clinic=alice.clinic,
        actor=carol.user,
        kind=AuditEvent.Kind.REVIEWED,
        summary="Reviewed",
        at=dt.datetime(2026, 6, 15, 23, 30, tzinfo=dt.UTC),
    )
    client.force_login(carol.user)
    content = client.get(reverse("patient_detail", args=[alice.pk])).content.decode()
    assert "16 Jun 2026, 00:30" in content  # London summer time, the next day


def test_each_reader_gets_their_own_zone(alice, carol, charlie, dave):
    dave.time_zone = "Pacific/Auckland"
    dave.save(update_fields=["time_zone"])
    assert str(reader_time_zone(alice.user)) == "Europe/London"
    assert str(reader_time_zone(carol.user)) == "Europe/London"  # carol's clinic
    assert str(reader_time_zone(charlie.user)) == "UTC"  # clinic B keeps the default
    assert str(reader_time_zone(User.objects.get(pk=dave.user.pk))) == "Pacific/Auckland"


def test_the_zone_does_not_leak_into_the_next_request(client, alice):
    client.force_login(alice.user)
    client.get(reverse("today"))
    assert timezone.get_current_timezone_name() == "UTC"


def test_the_readers_zone_costs_a_page_no_query(client, carol, django_assert_num_queries):
    """The zone is kept in the session at login: a clinician's page does not read the clinic
    again for it (the session and the login are read anyway)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(carol.user)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("data_dictionary"))
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert 'FROM "journal_clinic"' not in tables  # the clinic comes joined to the login (journal.auth)
    assert client.session["reader_time_zone"] == "Europe/London"


def test_a_session_from_before_learns_its_zone_once(client, alice):
    client.force_login(alice.user)
    session = client.session
    del session["reader_time_zone"]
    session.save()
    client.get(reverse("today"))
    assert client.session["reader_time_zone"] == "Europe/London"
