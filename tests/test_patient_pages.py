"""The patient's other pages: today, history, one day, medications and the dose calendar."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from journal.models import AuditEvent, LdnPause, Medication, ReminderSettings
from tests.factories import make_entry, make_plan

D = dt.date
NOW = dt.datetime(2026, 3, 20, 19, 0, tzinfo=dt.UTC)  # Friday 20 March in London

pytestmark = pytest.mark.frozen_at(NOW)


@pytest.fixture
def plan(alice, carol):
    return make_plan(alice, carol, [(D(2026, 2, 1), "1.5"), (D(2026, 3, 1), "3"), (D(2026, 3, 29), "4.5")])


@pytest.fixture
def as_alice(client, alice, frozen):
    client.force_login(alice.user)
    return client


# --- today ---------------------------------------------------------------------------------


def test_today_shows_dose_next_step_and_the_last_7_days(as_alice, alice, plan):
    make_entry(alice, D(2026, 3, 19), dose_mg=Decimal("3"))
    make_entry(alice, D(2026, 3, 18), dose_taken=False)
    page = as_alice.get(reverse("today")).content.decode()
    assert 'data-testid="todays-dose">3 mg at bedtime<' in page
    assert "Next change: <strong>4.5 mg at bedtime</strong> from Sunday 29 March" in page
    assert 'data-testid="entry-status">Not logged yet.' in page
    assert 'Thursday </span>19<span class="visually-hidden"> March: dose taken' in page
    assert 'Wednesday </span>18<span class="visually-hidden"> March: dose missed' in page
    assert 'Tuesday </span>17<span class="visually-hidden"> March: not logged' in page
    assert 'Friday </span>20<span class="visually-hidden"> March: not logged yet' in page
    assert "Saturday </span>14" in page
    assert "Friday </span>13" not in page


@pytest.mark.parametrize(
    ("form", "strength", "amount", "how"),
    [
        ("cream", "1", "3 clicks = 3 mg", "Rub the cream into clean, dry skin in the evening"),
        ("cream_ml", "6", "0.5 mL = 3 mg", "Rub the cream into clean, dry skin in the evening"),
        ("sublingual", None, None, "Hold it under your tongue"),
    ],
)
def test_today_tells_a_cream_or_sublingual_patient_how_much_and_how(
    as_alice, alice, carol, form, strength, amount, how
):
    make_plan(alice, carol, [(D(2026, 3, 1), "3")], form=form, strength_mg=strength and Decimal(strength))
    for url in (reverse("today"), reverse("my_plan")):
        page = " ".join(as_alice.get(url).content.decode().split())
        assert how in page
        if amount:
            assert f"Measure <strong>{amount}</strong>" in page


def test_today_says_done_once_logged(as_alice, alice, plan):
    make_entry(alice, D(2026, 3, 20), dose_mg=Decimal("3"))
    assert 'data-testid="entry-status">Done' in as_alice.get(reverse("today")).content.decode()


def test_today_in_the_baseline_week(as_alice, alice, carol):
    make_plan(alice, carol, [(D(2026, 3, 24), "1.5")])
    page = as_alice.get(reverse("today")).content.decode()
    assert "<strong>Baseline week:</strong> log your symptoms before you start on Tuesday 24 March" in page


def test_today_shows_the_liquid_amount(as_alice, alice, carol):
    make_plan(alice, carol, [(D(2026, 3, 1), "1.5")], form="liquid", strength_mg=Decimal("1"))
    page = as_alice.get(reverse("today")).content.decode()
    assert "Measure <strong>1.5 mL = 1.5 mg</strong> (liquid)" in page


# --- history -------------------------------------------------------------------------------


def test_history_adherence_and_days(as_alice, alice, plan):
    for offset in range(1, 31):  # 19 Feb–19 March: every 5th day missed, 11 March not logged
        day = D(2026, 3, 20) - dt.timedelta(days=offset)
        if day != D(2026, 3, 11):
            make_entry(alice, day, dose_taken=offset % 5 != 0)
    page = as_alice.get(reverse("history")).content.decode()
    # 14 days: 7–20 March, today not logged yet → 13 counted, 2 missed, 1 not logged
    assert '<strong>10 of 13</strong> prescribed doses <span class="muted">(1 not logged)' in page
    # 30 days: 19 Feb–20 March → 29 counted, 5 missed (offsets 5…25), 1 not logged
    assert '<strong>23 of 29</strong> prescribed doses <span class="muted">(1 not logged)' in page
    assert 'Wednesday </span>11<span class="visually-hidden"> March: not logged' in page
    assert 'Sunday </span>15<span class="visually-hidden"> March: dose missed' in page
    # within 14 days a day opens its form; older days open read-only
    assert 'href="/entry/?date=2026-03-06"' in page
    assert 'href="/history/2026-03-05/"' in page
    assert 'href="/entry/?date=2026-03-05"' not in page


def test_history_opens_on_this_month_with_the_month_before(as_alice, alice, plan):
    make_entry(alice, D(2026, 3, 19))
    make_entry(alice, D(2026, 2, 10), notes="February note")
    page = as_alice.get(reverse("history")).content.decode()
    assert '<h2 id="calendar-heading">March 2026</h2>' in page
    assert 'href="/history/?month=2026-02"' in page
    assert 'rel="next"' not in page  # nothing after this month
    assert 'data-testid="entry-2026-03-19"' in page
    assert "February note" not in page


def test_history_pages_to_an_earlier_month(as_alice, alice, plan):
    make_entry(alice, D(2026, 3, 19))
    make_entry(alice, D(2026, 2, 10), notes="February note")
    page = as_alice.get(reverse("history"), {"month": "2026-02"}).content.decode()
    assert '<h2 id="calendar-heading">February 2026</h2>' in page
    assert "February note" in page
    assert 'data-testid="entry-2026-03-19"' not in page
    assert 'href="/history/?month=2026-03"' in page
    assert 'href="/history/?month=2026-01"' in page  # the baseline week of a 1 February start
    assert 'Tuesday </span>10<span class="visually-hidden"> February: dose taken' in page
    assert page.count("<strong>") >= 2  # the 14- and 30-day counts stay on every month


def test_history_stops_at_the_month_it_starts(as_alice, plan):
    page = as_alice.get(reverse("history"), {"month": "2026-01"}).content.decode()
    assert '<h2 id="calendar-heading">January 2026</h2>' in page
    assert 'rel="prev"' not in page


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2026-13", "That is not a month such as 2026-03; here is this month."),
        ("2026-3", "That is not a month such as 2026-03; here is this month."),
        ("March", "That is not a month such as 2026-03; here is this month."),
        ("２０２６-０３", "That is not a month such as 2026-03; here is this month."),
        ("2026-03" * 1000, "That is not a month such as 2026-03; here is this month."),
        ("", "That is not a month such as 2026-03; here is this month."),
        ("2026-04", "That month is still ahead; here is this month."),
        ("9999-12", "That month is still ahead; here is this month."),
        ("2025-12", "Your history starts in January 2026; here is this month."),
        ("0000-01", "That is not a month such as 2026-03; here is this month."),
    ],
)
def test_a_bad_month_is_explained_and_this_month_shown(as_alice, plan, month, message):
    response = as_alice.get(reverse("history"), {"month": month})
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert '<h2 id="calendar-heading">March 2026</h2>' in page


def test_a_month_long_ago_reads_as_many_queries_as_this_month(as_alice, alice, plan):
    make_entry(alice, D(2026, 2, 10))
    as_alice.get(reverse("history"))
    counts = []
    for month in ({"month": "2026-01"}, {}):
        with CaptureQueriesContext(connection) as queries:
            as_alice.get(reverse("history"), month)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_history_before_any_plan(as_alice, alice):
    make_entry(alice, D(2026, 3, 19), dose_taken=False)
    page = as_alice.get(reverse("history")).content.decode()
    assert page.count("no prescribed doses to count") == 2
    assert 'Thursday </span>19<span class="visually-hidden"> March: logged, no dose prescribed' in page


def test_paused_days_are_not_counted_as_missed(as_alice, alice, plan, carol):
    LdnPause.objects.create(
        patient=alice, start_date=D(2026, 3, 7), end_date=D(2026, 3, 19), reason="surgery", created_by=carol
    )
    page = as_alice.get(reverse("history")).content.decode()
    fourteen = page[page.index('data-testid="adherence-14"') : page.index('data-testid="adherence-30"')]
    assert "no prescribed doses to count" in fourteen
    assert "<strong>0 of 16</strong>" in page  # 30 days: 19 Feb–6 March, none logged
    assert 'Tuesday </span>10<span class="visually-hidden"> March: no dose prescribed' in page


def test_notes_are_escaped_everywhere(as_alice, alice, plan):
    make_entry(alice, D(2026, 3, 1), notes='<script>alert("x")</script>')
    make_entry(alice, D(2026, 3, 19), notes="<b>bold</b>")
    pages = [
        as_alice.get(reverse("history")).content.decode(),
        as_alice.get(reverse("day_detail", args=["2026-03-01"])).content.decode(),
        as_alice.get(reverse("entry"), {"date": "2026-03-19"}).content.decode(),
    ]
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in pages[0] + pages[1]
    assert all("<script>alert" not in page for page in pages)
    assert all("<b>bold</b>" not in page for page in pages)
    assert "&lt;b&gt;bold&lt;/b&gt;" in pages[2]


def test_edited_entries_are_marked(as_alice, alice, plan):
    make_entry(alice, D(2026, 3, 19), edit_count=2)
    assert '<span class="badge">edited</span>' in as_alice.get(reverse("history")).content.decode()


@pytest.mark.parametrize(
    ("day", "status", "text"),
    [
        ("2026-03-01", 200, "Days more than 14 days back are read-only"),
        ("2026-03-19", 200, "Log this day"),
        ("2026-03-21", 404, None),
        ("2026-02-30", 404, None),
        ("0001-01-01", 404, None),  # before any diary (2000)
    ],
)
def test_day_detail(as_alice, alice, plan, day, status, text):
    response = as_alice.get(reverse("day_detail", args=[day]))
    assert response.status_code == status
    assert text is None or text in response.content.decode()


# --- medications ---------------------------------------------------------------------------


def test_add_a_medication(as_alice, alice):
    response = as_alice.post(
        reverse("medications"),
        {"name": "  Levothyroxine ", "dose_text": "50 mcg", "started_on": "2025-01-10"},
    )
    assert response.status_code == 302
    medication = Medication.objects.get(patient=alice)
    assert (medication.name, medication.dose_text) == ("Levothyroxine", "50 mcg")
    assert medication.started_on == D(2025, 1, 10)
    page = as_alice.get(reverse("medications")).content.decode()
    assert "Added Levothyroxine." in page
    assert "opioid-warning" not in page


@pytest.mark.parametrize(
    "name", ["Oxycodone", "OXYCODONE HCL 5mg", "oxycodone/acetaminophen", "Percocet", "Tylenol with codeine"]
)
def test_an_opioid_shows_a_warning(as_alice, alice, name):
    as_alice.post(reverse("medications"), {"name": name, "dose_text": "", "started_on": ""})
    page = as_alice.get(reverse("medications")).content.decode()
    assert 'data-testid="safety-notice"' in page  # the one safety state's notice
    assert f"Do not take LDN together with {name}" in page
    assert "LDN blocks opioids and can bring on withdrawal" in page


def test_a_stopped_opioid_no_longer_warns(as_alice, alice):
    Medication.objects.create(patient=alice, name="Tramadol", started_on=D(2026, 1, 1))
    medication = Medication.objects.get()
    as_alice.post(reverse("medication_stop", args=[medication.pk]), {"stopped_on": "2026-03-18"})
    medication.refresh_from_db()
    assert medication.stopped_on == D(2026, 3, 18)
    page = as_alice.get(reverse("medications")).content.decode()
    assert "safety-notice" not in page
    assert "last taken 18 Mar 2026" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "dose_text": "", "started_on": ""}, "Enter the medicine&#x27;s name."),
        ({"name": "Aspirin", "dose_text": "", "started_on": "2026-04-01"}, "That date is in the future"),
        ({"name": "Aspirin", "dose_text": "", "started_on": "soon"}, "Enter a date like 2026-03-01."),
        (
            {"name": "Aspirin", "dose_text": "", "started_on": "0001-01-01"},
            "That date, 0001-01-01, is before 1900-01-01: no one alive started a medicine before 1900.",
        ),
        ({"name": "A" * 201, "dose_text": "", "started_on": ""}, "at most 200 characters"),
    ],
)
def test_bad_medication_input(as_alice, alice, data, message):
    response = as_alice.post(reverse("medications"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Medication.objects.exists()


@pytest.mark.parametrize(
    ("stopped_on", "message"),
    [
        ("2026-03-21", "That date is in the future"),
        ("2025-12-31", "That is before you started it (1 January 2026)."),
        ("", "Enter the date you stopped."),
    ],
)
def test_bad_stop_date(as_alice, alice, stopped_on, message):
    medication = Medication.objects.create(patient=alice, name="Tramadol", started_on=D(2026, 1, 1))
    response = as_alice.post(reverse("medication_stop", args=[medication.pk]), {"stopped_on": stopped_on})
    assert response.status_code == 200
    assert message in response.content.decode()
    medication.refresh_from_db()
    assert medication.stopped_on is None


def test_stop_wrong_method_and_wrong_patient(client, alice, bob, carol, frozen):
    medication = Medication.objects.create(patient=alice, name="Tramadol")
    url = reverse("medication_stop", args=[medication.pk])
    client.force_login(alice.user)
    assert client.get(url).status_code == 405
    client.force_login(bob.user)
    assert client.post(url, {"stopped_on": "2026-03-20"}).status_code == 404
    client.force_login(carol.user)
    assert client.post(url, {"stopped_on": "2026-03-20"}).status_code == 403
    medication.refresh_from_db()
    assert medication.stopped_on is None


# --- dose calendar -------------------------------------------------------------------------


def test_the_feed_parses_with_reminders_and_step_changes(client, alice, carol, frozen):
    alice.time_zone = "Pacific/Auckland"
    alice.save()
    steps = [(D(2026, 3, 1), "1.5"), (D(2026, 3, 15), "3"), (D(2026, 4, 1), "4.5", "morning")]
    make_plan(alice, carol, steps, form="liquid", strength_mg=Decimal("1"))
    LdnPause.objects.create(
        patient=alice, start_date=D(2026, 3, 20), end_date=D(2026, 3, 21), reason="surgery", created_by=carol
    )
    make_plan(alice, carol, [(D(2026, 5, 1), "9")], status="draft")  # drafts are not prescribed
    response = client.get(reverse("calendar_feed", args=[alice.calendar_token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    doses = [e for e in events if str(e["summary"]).startswith("Take LDN")]
    changes = [e for e in events if not str(e["summary"]).startswith("Take LDN")]
    # One event per run of days: the pause on 20–21 March cuts the 3 mg step in two.
    assert [str(e["summary"]) for e in doses] == [
        "Take LDN: 1.5 mL = 1.5 mg at bedtime",
        "Take LDN: 3 mL = 3 mg at bedtime",
        "Take LDN: 3 mL = 3 mg at bedtime",
        "Take LDN: 4.5 mL = 4.5 mg in the morning",
    ]
    starts = [e.decoded("dtstart") for e in doses]
    assert [(s.date(), s.hour, str(s.tzinfo)) for s in starts] == [
        (D(2026, 3, 1), 22, "Pacific/Auckland"),
        (D(2026, 3, 15), 22, "Pacific/Auckland"),
        (D(2026, 3, 22), 22, "Pacific/Auckland"),
        (D(2026, 4, 1), 8, "Pacific/Auckland"),
    ]
    assert [e["rrule"].get("COUNT") for e in doses] == [[14], [5], [10], None]  # daily to the run's end
    assert all(e.walk("VALARM") for e in doses)
    assert [(e.decoded("dtstart"), str(e["summary"])) for e in changes] == [
        (D(2026, 3, 1), "Start LDN: 1.5 mL = 1.5 mg at bedtime"),
        (D(2026, 3, 15), "New LDN dose: 3 mL = 3 mg at bedtime"),
        (D(2026, 4, 1), "New LDN dose: 4.5 mL = 4.5 mg in the morning"),
    ]
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Pacific/Auckland"]
    assert alice.name.encode() not in response.content


def test_the_feed_ends_with_the_plan(client, alice, carol, frozen):
    make_plan(alice, carol, [(D(2026, 3, 1), "1.5")], ended_on=D(2026, 3, 11))
    calendar = Calendar.from_ical(client.get(reverse("calendar_feed", args=[alice.calendar_token])).content)
    (dose,) = [e for e in calendar.walk("VEVENT") if e.get("rrule")]
    assert dose["rrule"]["COUNT"] == [10]


def test_the_feed_and_its_page_use_the_patients_own_dose_times(client, as_alice, alice, carol):
    """The times the patient chose for their reminders (21:15 at bedtime, 6:45 in the morning)
    are the feed's: no second set of times."""
    ReminderSettings.objects.create(patient=alice, bedtime_at=dt.time(21, 15), morning_at=dt.time(6, 45))
    make_plan(alice, carol, [(D(2026, 3, 1), "1.5"), (D(2026, 3, 15), "3", "morning")])
    page = " ".join(as_alice.get(reverse("calendar")).content.decode().split())
    assert "(21:15 for bedtime, 06:45 for morning, in Europe/London time)" in page
    calendar = Calendar.from_ical(client.get(reverse("calendar_feed", args=[alice.calendar_token])).content)
    starts = [e.decoded("dtstart") for e in calendar.walk("VEVENT") if e.get("rrule")]
    assert [start.time() for start in starts] == [dt.time(21, 15), dt.time(6, 45)]


def test_resetting_the_link_revokes_the_old_one(as_alice, alice):
    old = alice.calendar_token
    page = as_alice.get(reverse("calendar")).content.decode()
    assert f"webcal://testserver/calendar/{old}.ics" in page
    response = as_alice.post(reverse("calendar_reset"))
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.calendar_token != old
    assert as_alice.get(reverse("calendar_feed", args=[old])).status_code == 404
    assert as_alice.get(reverse("calendar_feed", args=[alice.calendar_token])).status_code == 200
    event = AuditEvent.objects.get(patient=alice)
    assert (event.kind, event.actor) == (AuditEvent.Kind.CALENDAR_RESET, alice.user)


def test_the_feed_needs_the_token_not_a_login(client, alice, bob):
    client.force_login(bob.user)
    assert client.get(reverse("calendar_feed", args=["not-a-token"])).status_code == 404
    client.logout()
    assert client.get(reverse("calendar_feed", args=[alice.calendar_token])).status_code == 200
    assert client.post(reverse("calendar_feed", args=[alice.calendar_token])).status_code == 405


@pytest.mark.parametrize(
    "address", ["/calendar/a%00b.ics", "/calendar/" + "x" * 5000 + ".ics", "/calendar/é.ics"]
)
def test_an_address_no_token_can_have_is_404(client, db, address):
    assert client.get(address).status_code == 404  # a NUL answered 500 on PostgreSQL


def test_reset_wrong_method_and_wrong_user(client, alice, carol):
    client.force_login(alice.user)
    assert client.get(reverse("calendar_reset")).status_code == 405
    client.force_login(carol.user)
    assert client.post(reverse("calendar_reset")).status_code == 403
    assert not AuditEvent.objects.exists()


def test_a_deactivated_login_loses_its_calendar_feed(client, alice):
    alice.user.is_active = False
    alice.user.save()
    assert client.get(reverse("calendar_feed", args=[alice.calendar_token])).status_code == 404
