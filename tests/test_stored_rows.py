"""No stored row can make a page fail. Rows saved before the input bounds existed (or by
hand, in Django admin or SQL) with absurd dates are inserted here directly, past every
check; each page still answers, the clinician's pages say what needs attention, and the
clinician can correct the record."""

from __future__ import annotations

import datetime as dt
import re
import tracemalloc
from decimal import Decimal

import pytest
from django.urls import reverse
from icalendar import Calendar

from journal.models import AuditEvent, DailyEntry, DoseStep, LdnPause, TitrationPlan
from tests.factories import make_plan, unchecked_rows

D = dt.date
NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)  # Monday 2 March 2026, also in London
TODAY = NOW.date()

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def plan_from_year_one(alice, carol):
    with unchecked_rows():
        plan = TitrationPlan.objects.bulk_create(
            [TitrationPlan(patient=alice, prescriber=carol, status="active", starts_on=D(1, 1, 1))]
        )[0]
        DoseStep.objects.bulk_create([DoseStep(plan=plan, start_date=D(1, 1, 1), dose_mg=Decimal("1.5"))])


def running_plan(alice, carol):
    return make_plan(alice, carol, [(D(2026, 2, 1), "1.5"), (D(2026, 2, 15), "3")])


def stored_pause(alice, carol, start: dt.date, end: dt.date):
    running_plan(alice, carol)
    with unchecked_rows():
        pause = LdnPause(patient=alice, start_date=start, end_date=end, reason="x", created_by=carol)
        LdnPause.objects.bulk_create([pause])


def pause_to_9999(alice, carol):
    stored_pause(alice, carol, D(2026, 3, 5), D(9999, 12, 31))


def pause_from_year_one_to_9999(alice, carol):
    stored_pause(alice, carol, D(1, 1, 1), D(9999, 12, 30))


def step_back_on_9999(alice, carol):
    plan = running_plan(alice, carol)
    with unchecked_rows():
        DoseStep.objects.bulk_create(
            [DoseStep(plan=plan, start_date=D(9999, 12, 31), dose_mg=Decimal("1.5"))]
        )


def plan_ending_9999(alice, carol):
    plan = running_plan(alice, carol)
    with unchecked_rows():
        TitrationPlan.objects.filter(pk=plan.pk).update(ended_on=D(9999, 12, 31))


def entry_in_year_one(alice, carol):
    running_plan(alice, carol)
    with unchecked_rows():
        DailyEntry.objects.bulk_create([DailyEntry(patient=alice, entry_date=D(1, 1, 1), dose_taken=False)])


STORED = {
    # the dates as the page writes them for an English reader (the audit log keeps ISO dates)
    "a plan starting 0001-01-01": (plan_from_year_one, "dated 1 January 0001"),
    "a pause ending 9999-12-31": (pause_to_9999, "to 31 December 9999"),
    "a pause from 0001-01-01 to 9999-12-30": (
        pause_from_year_one_to_9999,
        "from 1 January 0001 to 30 December 9999",
    ),
    "a step back on 9999-12-31": (step_back_on_9999, "dated 31 December 9999"),
    "a plan ending 9999-12-31": (plan_ending_9999, "end date, 31 December 9999"),
    "an entry dated 0001-01-01": (entry_in_year_one, "from 1 January 0001"),
}

CLINICIAN_PAGES = [
    ("carol", "roster", False),
    ("ada", "roster", False),
    ("carol", "patient_detail", True),
    ("carol", "appointment_summary", True),
    ("carol", "plan_manage", True),
    ("carol", "patient_csv", True),
]
PATIENT_PAGES = ["today", "entry", "history", "my_plan", "my_chart", "own_csv", "medications"]


@pytest.mark.parametrize("stored", STORED)
@pytest.mark.parametrize(("who", "page", "of_alice"), CLINICIAN_PAGES)
def test_every_clinician_page_opens_and_says_what_needs_attention(
    client, request, alice, carol, ada, stored, who, page, of_alice
):
    store, words = STORED[stored]
    store(alice, carol)
    client.force_login(request.getfixturevalue(who).user)
    response = client.get(reverse(page, args=[alice.pk] if of_alice else []))
    assert response.status_code == 200
    # The plan page names the rows it can correct: diary entries are the patient's own.
    if page != "patient_csv" and not (page == "plan_manage" and stored == "an entry dated 0001-01-01"):
        notice = re.search(
            r'data-testid="needs-attention".*?</(section|div)>', response.content.decode(), re.S
        )
        assert notice is not None
        # The roster names each patient with a problem (its stored row, kept in English, is
        # not shown): the plan page names the row in the reader's language.
        assert ("1 record problem: a date stored outside" if page == "roster" else words) in notice[0]


@pytest.mark.parametrize("stored", STORED)
@pytest.mark.parametrize("page", PATIENT_PAGES)
def test_every_patient_page_opens(client, alice, carol, stored, page):
    STORED[stored][0](alice, carol)
    client.force_login(alice.user)
    query = {"download": "1"} if page == "own_csv" else {}
    response = client.get(reverse(page), query)
    assert response.status_code == 200
    if page == "own_csv":
        rows = b"".join(response.streaming_content).count(b"\r\n") - 1
        assert rows <= 366 + 14  # from a year before the record was opened to today


@pytest.mark.parametrize("stored", STORED)
def test_the_calendar_feed_does_bounded_work_whatever_is_stored(client, alice, carol, stored):
    STORED[stored][0](alice, carol)
    tracemalloc.start()
    response = client.get(reverse("calendar_feed", args=[alice.calendar_token]))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 200
    assert peak < 20_000_000
    calendar = Calendar.from_ical(response.content)
    starts = [event.decoded("dtstart") for event in calendar.walk("VEVENT")]
    assert all(
        dt.date(2000, 1, 1) <= (day if not isinstance(day, dt.datetime) else day.date()) for day in starts
    )


def test_a_feed_of_thousands_of_stored_steps_holds_at_most_its_cap(client, alice, carol):
    plan = running_plan(alice, carol)
    DoseStep.objects.bulk_create(
        DoseStep(plan=plan, start_date=D(2026, 3, 1) + n * dt.timedelta(days=1), dose_mg=Decimal(1 + n % 2))
        for n in range(5000)
    )
    response = client.get(reverse("calendar_feed", args=[alice.calendar_token]))
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert 0 < len(events) <= 400


# --- correcting the record ----------------------------------------------------------------------


def correct(client, alice, key: str):
    return client.post(
        reverse("record_correct", args=[alice.pk]), {"patient_reason": "A reason.", "row": key}
    )


def test_a_step_from_year_one_is_removed_and_the_plan_can_then_end(client, alice, carol):
    plan_from_year_one(alice, carol)
    client.force_login(carol.user)
    # Ending waits for the correction, and says why.
    refused = client.post(
        reverse("plan_end", args=[alice.pk]), {"patient_reason": "A reason.", "ended_on": "2026-03-20"}
    )
    assert refused.status_code == 400
    assert "needs attention first" in refused.content.decode()
    step = DoseStep.objects.get(plan__patient=alice)
    page = client.get(reverse("plan_manage", args=[alice.pk])).content.decode()
    assert f'value="step:{step.pk}"' in page
    assert correct(client, alice, f"step:{step.pk}").status_code == 302
    assert not DoseStep.objects.filter(pk=step.pk).exists()
    event = AuditEvent.objects.get(patient=alice, kind=AuditEvent.Kind.RECORD_CORRECTED)
    assert "0001-01-01" in event.summary
    assert event.actor == carol.user
    page = client.get(reverse("patient_detail", args=[alice.pk])).content.decode()
    assert 'data-testid="needs-attention"' not in page
    assert (
        client.post(
            reverse("plan_end", args=[alice.pk]), {"patient_reason": "A reason.", "ended_on": "2026-03-20"}
        ).status_code
        == 302
    )
    assert TitrationPlan.objects.get(patient=alice).ended_on == D(2026, 3, 20)


def test_a_pause_to_9999_is_removed(client, alice, carol):
    pause_to_9999(alice, carol)
    client.force_login(carol.user)
    pause = LdnPause.objects.get()
    assert correct(client, alice, f"pause:{pause.pk}").status_code == 302
    assert not LdnPause.objects.exists()
    assert "9999-12-31" in AuditEvent.objects.get(kind=AuditEvent.Kind.RECORD_CORRECTED).summary


def test_a_plan_end_in_9999_is_cleared_and_the_plan_can_then_end(client, alice, carol):
    plan_ending_9999(alice, carol)
    client.force_login(carol.user)
    plan = TitrationPlan.objects.get()
    assert correct(client, alice, f"plan_end:{plan.pk}").status_code == 302
    plan.refresh_from_db()
    assert plan.ended_on is None
    assert (
        client.post(
            reverse("plan_end", args=[alice.pk]), {"patient_reason": "A reason.", "ended_on": "2026-03-20"}
        ).status_code
        == 302
    )


def test_a_step_back_on_9999_goes_when_the_plan_ends_before_it(client, alice, carol):
    step_back_on_9999(alice, carol)
    client.force_login(carol.user)
    assert (
        client.post(
            reverse("plan_end", args=[alice.pk]), {"patient_reason": "A reason.", "ended_on": "2026-03-20"}
        ).status_code
        == 302
    )
    assert not DoseStep.objects.filter(start_date=D(9999, 12, 31)).exists()


def test_only_a_row_outside_its_window_can_be_removed(client, alice, carol):
    plan = running_plan(alice, carol)
    client.force_login(carol.user)
    step = plan.steps.first()
    response = correct(client, alice, f"step:{step.pk}")
    assert response.status_code == 400
    assert DoseStep.objects.filter(pk=step.pk).exists()
    assert not AuditEvent.objects.filter(patient=alice).exists()


def test_a_record_problem_and_its_correction_read_in_each_readers_language(client, alice, carol):
    step_back_on_9999(alice, carol)
    for user, language in [(carol.user, "de"), (alice.user, "es")]:
        user.language = language
        user.save(update_fields=["language"])
    client.force_login(carol.user)
    page = client.get(reverse("plan_manage", args=[alice.pk])).content.decode()
    assert "Der Schritt mit 1,5 mg vom 31. Dezember 9999 liegt außerhalb von" in page
    assert "Diesen Schritt entfernen" in page
    step = DoseStep.objects.get(plan__patient=alice, start_date=D(9999, 12, 31))
    corrected = client.post(
        reverse("record_correct", args=[alice.pk]), {"patient_reason": "", "row": f"step:{step.pk}"}
    )
    told = client.get(corrected.url).content.decode()
    assert "Akte korrigiert: Der Schritt mit 1,5 mg vom 31. Dezember 9999" in told
    event = AuditEvent.objects.get(patient=alice, kind=AuditEvent.Kind.RECORD_CORRECTED)
    assert event.summary.startswith("Record corrected: the step of 1.5 mg dated 9999-12-31,")
    client.force_login(alice.user)
    my_plan = client.get(reverse("my_plan")).content.decode()
    assert "Registro corregido: se quitó el paso de 1,5 mg con fecha 31 de diciembre de 9999" in my_plan
    assert "Su clínica corrigió una fecha que se guardó por error en su plan." in my_plan


@pytest.mark.parametrize(
    ("who", "page", "says"),
    [
        ("alice", "today", False),
        ("alice", "entry", False),
        ("alice", "history", True),
        ("alice", "day_detail", True),
        ("alice", "my_chart", False),
        ("carol", "patient_detail", True),
        ("carol", "appointment_summary", False),
        ("carol", "patient_csv", False),
        ("carol", "patient_fhir", False),
    ],
)
def test_a_dose_taken_with_no_mg_written_opens_every_page(client, request, alice, carol, who, page, says):
    """The database keeps a taken dose without its mg (a day imported from another system may
    have none): every page opens, and the ones that name the dose say the mg is not recorded."""
    running_plan(alice, carol)
    yesterday = TODAY - dt.timedelta(days=1)
    DailyEntry.objects.create(patient=alice, entry_date=yesterday, dose_taken=True, timing_taken="bedtime")
    client.force_login(request.getfixturevalue(who).user)
    args = [alice.pk] if who == "carol" else [yesterday.isoformat()] if page == "day_detail" else []
    response = client.get(reverse(page, args=args))
    assert response.status_code == 200
    if says:
        assert "taken at bedtime (mg not recorded)" in response.content.decode()
