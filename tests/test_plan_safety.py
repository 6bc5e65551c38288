"""Safety that keeps watching: every new plan, raised dose and resumption is screened; plans
never overlap; doses must be measurable; "start low, go slow" for every plan; plan writes
are applied once; medications added by the clinician."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from journal.models import AuditEvent, Medication, Screening, TitrationPlan
from journal.schedule import DAY
from journal.selectors.records import safety_of, schedule_of
from tests.factories import make_plan

NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)  # Monday 2 March 2026
TODAY = NOW.date()

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def kinds(patient) -> list[str]:
    return list(AuditEvent.objects.filter(patient=patient).values_list("kind", flat=True))


def editor(start: dt.date, start_mg="0.5", target_mg="0.5", increment_mg="0", **fields) -> dict:
    return {
        "template": "custom",
        "start_date": start.isoformat(),
        "start_mg": start_mg,
        "increment_mg": increment_mg,
        "interval_days": "14",
        "target_mg": target_mg,
        "timing": "bedtime",
        "form": "capsule",
        "strength_mg": "0.5",
        "notes": "",
        "patient_reason": "Start low, go slow.",
        "action": "save",
        **fields,
    }


@pytest.fixture
def screened(alice, carol):
    Screening.objects.create(patient=alice, screened_by=carol, screened_at=NOW - 60 * DAY)
    return alice


@pytest.fixture
def ending_plan(screened, carol):
    """1.5 mg since 1 Feb, ending on 16 March (a taper-and-end already recorded)."""
    return make_plan(screened, carol, [(TODAY - 29 * DAY, "1.5")], ended_on=TODAY + 14 * DAY)


def new_plan(client, patient, **data):
    return client.post(reverse("plan_new", args=[patient.pk]), editor(**data))


# --- plans never overlap ------------------------------------------------------------------------


def test_a_new_plan_cannot_start_before_the_current_one_ends(client, carol, ending_plan):
    client.force_login(carol.user)
    response = new_plan(client, ending_plan.patient, start=TODAY + 7 * DAY, start_mg="1.5", target_mg="1.5")
    content = response.content.decode()
    assert "The current plan runs until 2026-03-15: start the new plan on 2026-03-16 or later." in content
    assert TitrationPlan.objects.count() == 1


def test_the_next_plan_starts_when_the_current_one_ends(client, carol, ending_plan):
    patient = ending_plan.patient
    client.force_login(carol.user)
    assert client.get(reverse("plan_new", args=[patient.pk])).status_code == 200  # no redirect: it ends
    response = new_plan(client, patient, start=TODAY + 14 * DAY, start_mg="1.5", target_mg="1.5")
    assert response.status_code == 302
    ending_plan.refresh_from_db()
    assert ending_plan.status == "ended"  # closed to changes; it still prescribes until its end
    schedule = schedule_of(patient)
    assert schedule.prescribed(TODAY + 13 * DAY).plan_id == ending_plan.pk
    assert schedule.prescribed(TODAY + 14 * DAY).plan_id != ending_plan.pk


def test_a_plan_without_an_end_must_be_ended_first(client, screened, carol):
    make_plan(screened, carol, [(TODAY - 10 * DAY, "1.5")])
    client.force_login(carol.user)
    response = client.get(reverse("plan_new", args=[screened.pk]))
    assert response.url == reverse("plan_manage", args=[screened.pk])


def test_taper_and_end_keeps_the_plan_running_until_its_end(client, screened, carol):
    """The failure: ending with a future date marked the plan ended at once, so a second plan
    could be written over it and the patient was told 0.5, then 1.5, then 0.5 mg."""
    plan = make_plan(screened, carol, [(TODAY - 10 * DAY, "1.5")])
    client.force_login(carol.user)
    client.post(
        reverse("plan_end", args=[screened.pk]),
        {
            "patient_reason": "A reason.",
            "ended_on": (TODAY + 7 * DAY).isoformat(),
            "taper_mg": "0.5",
            "taper_from": (TODAY + 3 * DAY).isoformat(),
        },
    )
    plan.refresh_from_db()
    assert plan.status == "active"
    response = new_plan(client, screened, start=TODAY + DAY)
    assert "runs until 2026-03-08" in response.content.decode()
    schedule = schedule_of(screened)
    told = [schedule.prescribed(TODAY + n * DAY) for n in range(10)]
    assert [str(dose.dose_mg) if dose else None for dose in told] == [
        "1.500",
        "1.500",
        "1.500",
        "0.500",
        "0.500",
        "0.500",
        "0.500",
        None,
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((dt.date(2026, 1, 1), None), (dt.date(2026, 6, 1), None)),  # an open plan runs for ever
        ((dt.date(2026, 1, 1), dt.date(2026, 4, 1)), (dt.date(2026, 3, 1), None)),
        ((dt.date(2026, 5, 1), None), (dt.date(2026, 1, 1), dt.date(2026, 5, 2))),
    ],
)
def test_the_database_refuses_overlapping_plans(screened, carol, first, second):
    make_plan(screened, carol, [(first[0], "1")], ended_on=first[1], status="ended")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_plan(screened, carol, [(second[0], "1")], ended_on=second[1])


def test_the_database_allows_plans_back_to_back_and_drafts(screened, carol):
    make_plan(screened, carol, [(dt.date(2026, 1, 1), "1")], ended_on=dt.date(2026, 3, 1), status="ended")
    make_plan(screened, carol, [(dt.date(2026, 3, 1), "1")])
    make_plan(screened, carol, [(dt.date(2026, 3, 5), "1")], status="draft")
    assert TitrationPlan.objects.count() == 3


def test_the_database_refuses_moving_an_end_into_the_next_plan(screened, carol):
    earlier = make_plan(
        screened, carol, [(dt.date(2026, 1, 1), "1")], ended_on=dt.date(2026, 3, 1), status="ended"
    )
    make_plan(screened, carol, [(dt.date(2026, 3, 1), "1")])
    earlier.ended_on = dt.date(2026, 3, 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        earlier.save()


# --- every start, rise and resumption is screened ----------------------------------------------


def test_a_second_plan_is_screened_against_the_medication_list(client, carol, ending_plan):
    """The failure: only the first plan was screened, so a second plan at 4.5 mg was saved
    while oxycodone was on the medication list."""
    patient = ending_plan.patient
    Medication.objects.create(patient=patient, name="Oxycodone 5 mg", started_on=TODAY - 5 * DAY)
    client.force_login(carol.user)
    response = new_plan(
        client, patient, start=TODAY + 14 * DAY, start_mg="1.5", target_mg="1.5", confirm_warnings="on"
    )
    content = response.content.decode()
    assert 'data-testid="finding-opioid_current"' in content
    assert "Oxycodone 5 mg" in content
    assert TitrationPlan.objects.count() == 1


def test_a_second_plan_is_screened_against_the_screening(client, carol, ending_plan):
    Screening.objects.create(
        patient=ending_plan.patient, screened_by=carol, opioid_use_last_14_days=True, opioid_names="oxycodone"
    )
    client.force_login(carol.user)
    response = new_plan(
        client,
        ending_plan.patient,
        start=TODAY + 14 * DAY,
        start_mg="1.5",
        target_mg="1.5",
        confirm_warnings="on",
    )
    assert "Opioid use (Oxycodone) with no last dose given" in response.content.decode()
    assert TitrationPlan.objects.count() == 1


def test_raising_a_future_step_is_screened(client, screened, carol):
    plan = make_plan(screened, carol, [(TODAY - 10 * DAY, "1"), (TODAY + 5 * DAY, "1.5")])
    Medication.objects.create(patient=screened, name="Tramadol", started_on=TODAY - 2 * DAY, stopped_on=TODAY)
    step = plan.steps.get(start_date=TODAY + 5 * DAY)
    client.force_login(carol.user)
    url = reverse("plan_step_edit", args=[screened.pk, step.pk])
    response = client.post(
        url, {"patient_reason": "A reason.", "dose_mg": "2", "timing": "bedtime", "confirm_warnings": "on"}
    )
    assert response.status_code == 400
    assert "5 days before the raised dose (at least 7 needed)" in response.content.decode()
    # Holding it at the dose before needs no opioid check.
    assert (
        client.post(url, {"patient_reason": "A reason.", "dose_mg": "1", "timing": "bedtime"}).status_code
        == 302
    )


def test_a_resumption_after_a_pause_is_screened(client, screened, carol):
    """The failure: a resumption after a surgery pause had no opioid check at all."""
    make_plan(screened, carol, [(TODAY - 30 * DAY, "3")])
    Medication.objects.create(
        patient=screened, name="Morphine", started_on=TODAY + 2 * DAY, stopped_on=TODAY + 8 * DAY
    )
    client.force_login(carol.user)
    response = client.post(
        reverse("pause_new", args=[screened.pk]),
        {
            "patient_reason": "A reason.",
            "start_date": (TODAY + DAY).isoformat(),
            "end_date": (TODAY + 9 * DAY).isoformat(),
            "reason": "Surgery",
        },
        follow=True,
    )
    content = response.content.decode()
    assert "nothing is prescribed on those days" in content  # stopping LDN is never refused
    assert "Before LDN resumes" in content
    assert "2 days before the day LDN resumes" in content
    (event,) = AuditEvent.objects.filter(patient=screened, kind="ldn_paused")
    assert [finding["code"] for finding in event.details["findings"]] == ["opioid_recent"]
    # The safety state goes on warning until the opioid is out of the way.
    assert "opioid_during_pause" in [f.code for f in safety_of(screened, day=TODAY + 5 * DAY).findings]
    assert "opioid_recent" in [f.code for f in safety_of(screened, day=TODAY + 10 * DAY).findings]


def test_an_opioid_named_in_the_screening_without_the_tick_still_counts(client, alice, carol):
    client.force_login(carol.user)
    client.post(
        reverse("screening", args=[alice.pk]),
        {
            "patient_reason": "A reason.",
            "start_date": TODAY.isoformat(),
            "opioid_names": "tramadol 50 mg daily",
            "notes": "",
        },
    )
    response = client.post(reverse("plan_new", args=[alice.pk]), editor(start=TODAY))
    assert "Opioid use (Tramadol 50 mg daily) with no last dose given" in response.content.decode()
    assert not TitrationPlan.objects.exists()


# --- start low, go slow; measurable doses -------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"start": TODAY, "start_mg": "4.5", "target_mg": "4.5"}, "start_high"),
        ({"start": TODAY - 30 * DAY}, "start_in_past"),
        ({"start": TODAY, "start_mg": "4.5", "target_mg": "4.5", "strength_mg": "2"}, "not_measurable"),
    ],
)
def test_first_plan_warnings(client, screened, carol, data, code):
    client.force_login(carol.user)
    content = new_plan(client, screened, **data).content.decode()
    assert f'data-testid="finding-{code}"' in content
    assert not TitrationPlan.objects.exists()
    new_plan(client, screened, confirm_warnings="on", **data)
    assert TitrationPlan.objects.count() == 1


def test_the_step_from_the_last_plan_to_the_next_is_a_step_up(client, carol, ending_plan):
    client.force_login(carol.user)
    content = new_plan(
        client, ending_plan.patient, start=TODAY + 14 * DAY, start_mg="4.5", target_mg="4.5"
    ).content.decode()
    assert "A step up of 3 mg (1.5 → 4.5 mg)" in content
    assert 'data-testid="finding-start_high"' not in content  # not the patient's first plan


def test_the_patient_is_never_told_an_amount_that_is_not_their_dose(client, screened, carol):
    make_plan(screened, carol, [(TODAY - 3 * DAY, "4.5")], strength_mg=Decimal("2"))
    client.force_login(screened.user)
    content = client.get(reverse("today")).content.decode()
    assert "capsules" not in content
    assert "Ask your pharmacist how to measure 4.5 mg of your capsule" in content


# --- plan writes are applied once ---------------------------------------------------------------


def test_a_resubmitted_change_is_applied_once(client, screened, carol):
    make_plan(screened, carol, [(TODAY - 3 * DAY, "1"), (TODAY + 5 * DAY, "1.5")])
    client.force_login(carol.user)
    data = {"patient_reason": "A reason.", "days": "7", "request_key": "a" * 32}
    first = client.post(reverse("plan_hold", args=[screened.pk]), data)
    again = client.post(reverse("plan_hold", args=[screened.pk]), data)
    assert (first.status_code, again.status_code) == (302, 302)
    assert schedule_of(screened).next_step(TODAY).start_date == TODAY + 12 * DAY  # moved once, not twice
    assert kinds(screened) == ["plan_changed"]


def test_a_resubmitted_plan_is_saved_once(client, screened, carol):
    client.force_login(carol.user)
    data = editor(start=TODAY, request_key="b" * 32)
    assert client.post(reverse("plan_new", args=[screened.pk]), data).status_code == 302
    assert client.post(reverse("plan_new", args=[screened.pk]), data).status_code in (200, 302)
    assert TitrationPlan.objects.count() == 1
    assert kinds(screened) == ["plan_created"]


# --- medications added by the clinician ---------------------------------------------------------


def test_a_clinician_adds_an_opioid_and_every_surface_knows_at_once(client, screened, carol):
    make_plan(screened, carol, [(TODAY - 100 * DAY, "3")])
    client.force_login(carol.user)
    response = client.post(
        reverse("patient_medication_add", args=[screened.pk]),
        {"name": "Tramadol", "dose_text": "50 mg", "started_on": ""},
    )
    assert response.url == reverse("patient_detail", args=[screened.pk]) + "#medications"
    (event,) = AuditEvent.objects.filter(patient=screened, kind="medication_added")
    assert event.actor == carol.user
    assert "added to the medication list by Carol Clinician" in event.summary
    assert "blocks LDN" in event.summary
    page = client.get(reverse("patient_detail", args=[screened.pk])).content.decode()
    assert 'data-testid="safety-alert"' in page
    assert 'data-testid="roster-alerts"' in client.get(reverse("roster")).content.decode()
    client.force_login(screened.user)
    assert "Do not take LDN together with Tramadol" in client.get(reverse("today")).content.decode()


def test_a_clinician_records_the_last_dose(client, screened, carol):
    medication = Medication.objects.create(patient=screened, name="Codeine", started_on=TODAY - 20 * DAY)
    client.force_login(carol.user)
    url = reverse("patient_medication_stop", args=[screened.pk, medication.pk])
    client.post(url, {"stopped_on": (TODAY - DAY).isoformat()})
    medication.refresh_from_db()
    assert medication.stopped_on == TODAY - DAY
    assert kinds(screened) == ["medication_stopped"]
    response = client.post(url, {"stopped_on": (TODAY + DAY).isoformat()}, follow=True)
    assert "That date is in the future" in response.content.decode()


def test_medication_changes_are_refused_outside_the_clinic(client, alice, bob, charlie):
    medication = Medication.objects.create(patient=alice, name="Codeine")
    for user, status in ((charlie.user, 404), (bob.user, 403), (alice.user, 403)):
        client.force_login(user)
        url = reverse("patient_medication_stop", args=[alice.pk, medication.pk])
        assert client.post(url, {"stopped_on": TODAY.isoformat()}).status_code == status
        assert client.get(url).status_code in (403, 404, 405)
    medication.refresh_from_db()
    assert medication.stopped_on is None
    assert not AuditEvent.objects.exists()
