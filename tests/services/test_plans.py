"""journal.services.plans, called directly: screenings, new plans and every later change,
pauses and the patient's acknowledgement. Each write is checked for what it saves, the audit
row it writes, what a refusal leaves untouched, and that a request key applies it once.
The pages that call these are tested in tests/test_plan_views.py and tests/test_plan_safety.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from journal.bounds import REASON_MAX_CHARS
from journal.models import (
    AuditEvent,
    DoseStep,
    LdnPause,
    Medication,
    PlanChangeNote,
    Screening,
    TitrationPlan,
)
from journal.plan_changes import CORRECTION_REASON
from journal.safety import ScreeningAnswers
from journal.schedule import DAY
from journal.selectors.records import schedule_of
from journal.services.plans import (
    PLANS_OVERLAP_REASON,
    REASON_NEEDED,
    ldn_pause_record,
    plan_acknowledge,
    plan_create,
    plan_edit_step,
    plan_findings,
    plan_hold,
    plan_refill_record,
    plan_step_back,
    plan_switch_to_morning,
    plan_taper_and_end,
    record_correct,
    refill_window,
    screening_record,
    screening_to_use,
    start_findings,
    step_edit_findings,
)
from tests.factories import make_plan, unchecked_rows

NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)  # Monday 2 March 2026
TODAY = NOW.date()

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def kinds(patient) -> list[str]:
    return list(AuditEvent.objects.filter(patient=patient).values_list("kind", flat=True))


def last_event(patient) -> AuditEvent:
    return AuditEvent.objects.filter(patient=patient).last()


def steps_of(plan: TitrationPlan) -> list[tuple[dt.date, str, str]]:
    return [(step.start_date, f"{step.dose_mg.normalize():f}", step.timing) for step in plan.steps.all()]


def codes(findings) -> list[tuple[str, str]]:
    return [(finding.level, finding.code) for finding in findings]


def refused(call, message: str) -> None:
    with pytest.raises(ValidationError) as refusal:
        call()
    assert message in refusal.value.messages


@pytest.fixture
def screened(alice, carol):
    """Alice with a clear screening two months ago."""
    Screening.objects.create(patient=alice, screened_by=carol, screened_at=NOW - 60 * DAY)
    return alice


@pytest.fixture
def plan(screened, carol):
    """1.5 mg from two weeks ago, 3 mg from today, 4.5 mg in two weeks; no end date."""
    return make_plan(screened, carol, [(TODAY - 14 * DAY, "1.5"), (TODAY, "3"), (TODAY + 14 * DAY, "4.5")])


def create(patient, clinician, steps, **fields) -> TitrationPlan:
    fields.setdefault("timing", "bedtime")
    fields.setdefault("form", "capsule")
    fields.setdefault("strength_mg", Decimal("0.5"))
    fields.setdefault("today", TODAY)
    fields.setdefault("patient_reason", "A reason.")
    return plan_create(
        patient=patient,
        clinician=clinician,
        steps=[(day, Decimal(dose)) for day, dose in steps],
        **fields,
    )


# --- screening_record, screening_to_use ------------------------------------------------------


def test_screening_record_saves_the_answers_and_audits_the_findings(alice, carol):
    answers = ScreeningAnswers(yes=frozenset({"thyroid_medication", "naltrexone_hypersensitivity"}))
    screening = screening_record(
        patient=alice,
        clinician=carol,
        answers=answers,
        start_date=TODAY + 7 * DAY,
        today=TODAY,
        notes="Levothyroxine",
    )
    screening.refresh_from_db()
    assert screening.thyroid_medication is True
    assert screening.naltrexone_hypersensitivity is True
    assert screening.pregnancy_or_breastfeeding is False
    assert screening.notes == "Levothyroxine"
    assert screening.screened_by == carol
    event = last_event(alice)
    assert event.kind == AuditEvent.Kind.SCREENING
    assert event.actor == carol.user
    assert event.summary == "Safety screening for a start on 2026-03-09: 1 block, 1 note."
    assert event.details["screening"] == screening.pk
    assert event.details["start_date"] == "2026-03-09"
    assert [finding["code"] for finding in event.details["findings"]] == [
        "naltrexone_hypersensitivity",
        "thyroid_watch",
    ]


def test_a_clear_screening_is_audited_as_having_no_findings(alice, carol):
    screening_record(
        patient=alice, clinician=carol, answers=ScreeningAnswers(), start_date=TODAY, today=TODAY
    )
    assert last_event(alice).summary == "Safety screening for a start on 2026-03-02: no findings."
    assert last_event(alice).details["findings"] == []


def test_an_invalid_screening_saves_nothing(alice, carol):
    with pytest.raises(ValidationError):
        screening_record(
            patient=alice,
            clinician=carol,
            answers=ScreeningAnswers(),
            start_date=TODAY,
            today=TODAY,
            notes="x" * 2001,
        )
    assert not Screening.objects.exists()
    assert not AuditEvent.objects.exists()


def test_screening_to_use_is_the_latest(alice, carol):
    assert screening_to_use(alice) is None
    Screening.objects.create(patient=alice, screened_by=carol, screened_at=NOW - 9 * DAY)
    latest = Screening.objects.create(patient=alice, screened_by=carol, screened_at=NOW - DAY)
    Screening.objects.create(patient=alice, screened_by=carol, screened_at=NOW - 5 * DAY)
    assert screening_to_use(alice) == latest


# --- start_findings, plan_findings, step_edit_findings ---------------------------------------


def test_without_a_screening_nothing_may_start(alice):
    (finding,) = start_findings(alice, TODAY)
    assert (finding.level, finding.code) == ("block", "no_screening")
    assert finding.message == "No safety screening is recorded yet."


def test_an_opioid_on_the_list_stands_in_the_way_of_what_starts(screened):
    Medication.objects.create(patient=screened, name="Tramadol", started_on=TODAY - 30 * DAY)
    (finding,) = start_findings(screened, TODAY + DAY)
    assert (finding.level, finding.code) == ("block", "opioid_current")
    assert (
        finding.message
        == "Opioid use (Tramadol) with no last dose given: still taking, or the date is unknown."
    )


def test_an_opioid_stopped_days_before_is_judged_by_the_washout_of_what_starts(screened):
    Medication.objects.create(
        patient=screened, name="Tramadol", started_on=TODAY - 30 * DAY, stopped_on=TODAY
    )
    (finding,) = start_findings(screened, TODAY + 9 * DAY, what="the raised dose")
    assert (finding.level, finding.code) == ("warn", "opioid_washout_short")
    assert finding.message.startswith("Tramadol: last dose on 2026-03-02, 9 days before the raised dose")


def test_a_clear_screening_and_list_let_a_plan_start(screened):
    assert start_findings(screened, TODAY) == []


def test_plan_findings_of_no_steps(alice):
    assert plan_findings(alice, [], form="capsule", strength_mg=None, today=TODAY) == []


def test_a_plan_that_overlaps_a_plan_without_an_end_is_refused_first(plan):
    findings = plan_findings(
        plan.patient, [(TODAY + DAY, Decimal("50"))], form="capsule", strength_mg=None, today=TODAY
    )
    # the previous dose, 3 mg today, makes 50 mg a big step up too
    assert codes(findings) == [("refuse", "plans_overlap"), ("refuse", "not_ldn"), ("warn", "big_step_up")]
    assert findings[0].message == (
        "The current plan has no end date: end it first (Taper and end), "
        "then write the new plan from that day."
    )
    assert findings[0].reason == PLANS_OVERLAP_REASON


def test_a_plan_may_start_on_the_day_the_current_one_ends(screened, carol):
    make_plan(screened, carol, [(TODAY - 14 * DAY, "1.5")], ended_on=TODAY + 7 * DAY)
    before = plan_findings(
        screened, [(TODAY + 6 * DAY, Decimal("1.5"))], form="capsule", strength_mg=None, today=TODAY
    )
    assert codes(before) == [("refuse", "plans_overlap")]
    assert before[0].message == (
        "The current plan runs until 2026-03-08: start the new plan on 2026-03-09 or later."
    )
    on_the_day = [(TODAY + 7 * DAY, Decimal("1.5"))]
    assert plan_findings(screened, on_the_day, form="capsule", strength_mg=None, today=TODAY) == []


def test_a_new_plan_steps_up_from_the_previous_plans_last_dose(screened, carol):
    make_plan(screened, carol, [(TODAY - 14 * DAY, "1.5")], ended_on=TODAY)
    findings = plan_findings(
        screened, [(TODAY, Decimal("4.5"))], form="capsule", strength_mg=None, today=TODAY
    )
    assert codes(findings) == [("warn", "big_step_up")]


def test_plan_findings_include_doses_that_cannot_be_measured_and_the_start(alice):
    steps = [(TODAY, Decimal("1")), (TODAY + 14 * DAY, Decimal("1.5"))]
    findings = plan_findings(alice, steps, form="capsule", strength_mg=Decimal("1.5"), today=TODAY)
    assert codes(findings) == [("block", "no_screening"), ("warn", "not_measurable")]
    assert findings[1].message == (
        "1 mg is 0.667… capsules of 1.5 mg: not a whole number of capsules. "
        "The patient will be told to ask their pharmacist."
    )


def test_raising_a_step_judges_its_start_and_lowering_it_does_not(plan):
    Medication.objects.create(patient=plan.patient, name="Codeine", started_on=TODAY - DAY)
    later = plan.steps.get(start_date=TODAY + 14 * DAY)
    raised = step_edit_findings(later, Decimal("6"))
    assert codes(raised) == [("block", "opioid_current"), ("warn", "above_usual"), ("warn", "big_step_up")]
    assert step_edit_findings(later, Decimal("2")) == []


def test_editing_a_plans_first_step_judges_it_against_the_previous_plans_last_dose(screened, carol):
    """The next plan's first step, edited, is a step up from where the plan before ends, as it
    was judged when the plan was written."""
    make_plan(screened, carol, [(TODAY - 30 * DAY, "0.5")], ended_on=TODAY + 7 * DAY, status="ended")
    following = make_plan(screened, carol, [(TODAY + 7 * DAY, "1")])
    first = following.steps.get()
    written = plan_findings(
        screened, [(first.start_date, Decimal("4.5"))], form="capsule", strength_mg=None, today=TODAY
    )
    assert ("warn", "big_step_up") in codes(written)
    assert ("warn", "big_step_up") in codes(step_edit_findings(first, Decimal("4.5")))
    assert step_edit_findings(first, Decimal("1")) == []


# --- plan_create ----------------------------------------------------------------------------------


def test_plan_create_writes_an_active_plan_its_steps_and_one_audit_row(screened, carol):
    created = create(
        screened, carol, [(TODAY, "0.5"), (TODAY + 14 * DAY, "1")], notes="Start low", template="gentle"
    )
    created.refresh_from_db()
    assert created.status == TitrationPlan.Status.ACTIVE
    assert created.prescriber == carol
    assert created.starts_on == TODAY
    assert created.notes == "Start low"
    assert steps_of(created) == [(TODAY, "0.5", "bedtime"), (TODAY + 14 * DAY, "1", "bedtime")]
    assert Screening.objects.get().plan == created
    assert kinds(screened) == [AuditEvent.Kind.PLAN_CREATED]
    event = last_event(screened)
    assert event.summary == (
        "Gentle plan: 0.5 mg at bedtime from 2026-03-02; 1 mg at bedtime from 2026-03-16."
        " Reason for the patient: A reason."
    )
    assert event.details["plan"] == created.pk
    assert event.details["steps"] == [["2026-03-02", "0.5"], ["2026-03-16", "1"]]
    assert event.details["strength_mg"] == "0.5"
    assert [finding["code"] for finding in event.details["findings"]] == ["below_low_dose"]
    screened.refresh_from_db()
    assert screened.plan_changed_at == NOW


def test_plan_create_every_other_day_makes_each_step_every_other_day(screened, carol):
    created = create(screened, carol, [(TODAY, "0.5"), (TODAY + 14 * DAY, "1")], frequency="every_other_day")
    assert set(created.steps.values_list("frequency", flat=True)) == {"every_other_day"}
    event = last_event(screened)
    assert event.summary.startswith("Custom plan: 0.5 mg every other day at bedtime from 2026-03-02;")
    assert event.details["frequency"] == "every_other_day"


def test_plan_create_refuses_an_unknown_frequency(screened, carol):
    with pytest.raises(ValidationError):
        create(screened, carol, [(TODAY, "0.5")], frequency="twice daily")
    assert not TitrationPlan.objects.exists()


def test_the_next_plan_closes_the_one_that_has_ended(screened, carol):
    ending = make_plan(screened, carol, [(TODAY - 14 * DAY, "1.5")], ended_on=TODAY + 7 * DAY)
    create(screened, carol, [(TODAY + 7 * DAY, "1.5")], strength_mg=Decimal("1.5"))
    ending.refresh_from_db()
    assert ending.status == TitrationPlan.Status.ENDED
    assert TitrationPlan.objects.filter(status=TitrationPlan.Status.ACTIVE).count() == 1


def test_closing_the_previous_plan_is_kept_in_its_history(screened, carol):
    ending = make_plan(screened, carol, [(TODAY - 14 * DAY, "1.5")], ended_on=TODAY + 7 * DAY)
    create(screened, carol, [(TODAY + 7 * DAY, "1.5")], strength_mg=Decimal("1.5"))
    assert ending.history.order_by("history_id").last().status == TitrationPlan.Status.ENDED


def test_a_screening_that_went_with_an_earlier_plan_stays_with_it(screened, carol):
    first = create(screened, carol, [(TODAY, "0.5")])
    plan_taper_and_end(
        plan=first, clinician=carol, patient_reason="A reason.", ended_on=TODAY + 7 * DAY, today=TODAY
    )
    create(screened, carol, [(TODAY + 7 * DAY, "0.5")])
    assert Screening.objects.get().plan == first


def test_a_plan_needs_a_step(screened, carol):
    refused(lambda: create(screened, carol, []), "A plan needs at least one step.")
    assert not TitrationPlan.objects.exists()
    assert kinds(screened) == []


def test_a_refused_dose_saves_nothing(screened, carol):
    refused(
        lambda: create(screened, carol, [(TODAY, "50")], warnings_confirmed=True),
        "50 mg is standard-dose naltrexone, not LDN.",
    )
    assert not TitrationPlan.objects.exists()
    assert not DoseStep.objects.exists()
    assert kinds(screened) == []
    screened.refresh_from_db()
    assert screened.plan_changed_at is None


def test_without_a_screening_the_plan_is_blocked(alice, carol):
    refused(lambda: create(alice, carol, [(TODAY, "0.5")]), "No safety screening is recorded yet.")
    assert not TitrationPlan.objects.exists()
    assert kinds(alice) == []


def test_warnings_need_confirming_and_the_confirmation_is_audited(screened, carol):
    with pytest.raises(ValidationError) as refusal:
        create(screened, carol, [(TODAY, "4.5")])
    (message,) = refusal.value.messages
    assert message == "Confirm the warnings to save: The first plan starts at 4.5 mg, above 1.5 mg."
    assert not TitrationPlan.objects.exists()
    assert kinds(screened) == []

    create(screened, carol, [(TODAY, "4.5")], warnings_confirmed=True)
    assert kinds(screened) == [AuditEvent.Kind.WARNING_CONFIRMED, AuditEvent.Kind.PLAN_CREATED]
    confirmed = AuditEvent.objects.get(kind=AuditEvent.Kind.WARNING_CONFIRMED)
    assert confirmed.summary == "Confirmed for a new plan: The first plan starts at 4.5 mg, above 1.5 mg."
    assert [warning["code"] for warning in confirmed.details["warnings"]] == ["start_high"]


def test_plan_create_is_applied_once_per_request_key(screened, carol):
    first = create(screened, carol, [(TODAY, "0.5")], request_key="k1")
    again = create(screened, carol, [(TODAY, "0.5")], request_key="k1")
    assert again == first
    assert TitrationPlan.objects.count() == 1
    assert kinds(screened) == [AuditEvent.Kind.PLAN_CREATED]
    assert last_event(screened).request_key == "k1"


# --- plan_edit_step ---------------------------------------------------------------------------------


def test_plan_edit_step_changes_a_step_that_has_not_started(plan, carol):
    later = plan.steps.get(start_date=TODAY + 14 * DAY)
    edited = plan_edit_step(
        step=later,
        clinician=carol,
        patient_reason="A reason.",
        dose_mg=Decimal("4"),
        timing="morning",
        note="slower",
        today=TODAY,
    )
    edited.refresh_from_db()
    assert (edited.dose_mg, edited.timing, edited.note) == (Decimal("4"), "morning", "slower")
    assert kinds(plan.patient) == [AuditEvent.Kind.PLAN_CHANGED]
    event = last_event(plan.patient)
    assert event.summary == (
        "Step changed: 4.5 mg at bedtime from 2026-03-16 → 4 mg in the morning from 2026-03-16."
        " Reason for the patient: A reason."
    )
    assert event.details == {
        "plan": plan.pk,
        "action": "edit_step",
        "step": later.pk,
        "dose_mg": "4",
        "timing": "morning",
        "frequency": "daily",
        "patient_reason": "A reason.",
    }
    plan.patient.refresh_from_db()
    assert plan.patient.plan_changed_at == NOW


def test_plan_edit_step_makes_a_step_every_other_day_and_the_patient_is_told(plan, carol):
    later = plan.steps.get(start_date=TODAY + 14 * DAY)
    plan_edit_step(
        step=later,
        clinician=carol,
        patient_reason="Daytime sleepiness.",
        dose_mg=Decimal("3"),
        timing="bedtime",
        frequency="every_other_day",
        today=TODAY,
    )
    later.refresh_from_db()
    assert later.frequency == "every_other_day"
    assert last_event(plan.patient).summary.startswith(
        "Step changed: 4.5 mg at bedtime from 2026-03-16 → 3 mg every other day at bedtime from 2026-03-16."
    )
    schedule = schedule_of(plan.patient)
    assert schedule.prescribed(TODAY + 14 * DAY) is not None
    assert schedule.prescribed(TODAY + 15 * DAY) is None
    assert schedule.prescribed(TODAY + 16 * DAY) is not None
    # a later edit that names no frequency keeps it
    plan_edit_step(
        step=later,
        clinician=carol,
        patient_reason="Lower.",
        dose_mg=Decimal("2"),
        timing="bedtime",
        today=TODAY,
    )
    later.refresh_from_db()
    assert later.frequency == "every_other_day"


def test_plan_edit_step_refuses_an_unknown_frequency(plan, carol):
    later = plan.steps.get(start_date=TODAY + 14 * DAY)
    with pytest.raises(ValidationError):
        plan_edit_step(
            step=later,
            clinician=carol,
            patient_reason="A reason.",
            dose_mg=Decimal("3"),
            timing="bedtime",
            frequency="weekly",
            today=TODAY,
        )
    later.refresh_from_db()
    assert later.frequency == "daily"


def test_a_started_step_is_history(plan, carol):
    today = plan.steps.get(start_date=TODAY)
    refused(
        lambda: plan_edit_step(
            step=today,
            clinician=carol,
            patient_reason="A reason.",
            dose_mg=Decimal("2"),
            timing="bedtime",
            today=TODAY,
        ),
        "This step has already started: record a new change instead.",
    )
    today.refresh_from_db()
    assert today.dose_mg == Decimal("3")
    assert kinds(plan.patient) == []


def test_only_the_current_plan_is_changed(plan, carol):
    plan.status = TitrationPlan.Status.ENDED
    plan.save()
    later = plan.steps.get(start_date=TODAY + 14 * DAY)
    refused(
        lambda: plan_edit_step(
            step=later,
            clinician=carol,
            patient_reason="A reason.",
            dose_mg=Decimal("4"),
            timing="bedtime",
            today=TODAY,
        ),
        "Only the current plan can be changed.",
    )
    assert kinds(plan.patient) == []


def test_a_plan_that_has_ended_is_closed_to_changes(screened, carol):
    ended = make_plan(screened, carol, [(TODAY - 14 * DAY, "1.5"), (TODAY + 7 * DAY, "3")], ended_on=TODAY)
    later = ended.steps.get(start_date=TODAY + 7 * DAY)
    refused(
        lambda: plan_edit_step(
            step=later,
            clinician=carol,
            patient_reason="A reason.",
            dose_mg=Decimal("2"),
            timing="bedtime",
            today=TODAY,
        ),
        "This plan ended on 2026-03-02: write a new plan instead.",
    )


def test_a_bigger_step_up_needs_confirming(plan, carol):
    later = plan.steps.get(start_date=TODAY + 14 * DAY)
    refused(
        lambda: plan_edit_step(
            step=later,
            clinician=carol,
            patient_reason="A reason.",
            dose_mg=Decimal("5"),
            timing="bedtime",
            today=TODAY,
        ),
        "Confirm the warnings to save: A step up of 2 mg (3 → 5 mg) is larger than 1.5 mg.",
    )
    later.refresh_from_db()
    assert later.dose_mg == Decimal("4.5")
    assert kinds(plan.patient) == []


def test_plan_edit_step_is_applied_once_per_request_key(plan, carol):
    later = plan.steps.get(start_date=TODAY + 14 * DAY)
    for dose in ("4", "2"):  # a resubmission of the first form, whatever it now says
        plan_edit_step(
            step=later,
            clinician=carol,
            patient_reason="A reason.",
            dose_mg=Decimal(dose),
            timing="bedtime",
            today=TODAY,
            request_key="k",
        )
    later.refresh_from_db()
    assert later.dose_mg == Decimal("4")
    assert kinds(plan.patient) == [AuditEvent.Kind.PLAN_CHANGED]


# --- plan_hold --------------------------------------------------------------------------------------


def test_plan_hold_moves_every_later_step(plan, carol):
    plan_hold(plan=plan, clinician=carol, patient_reason="A reason.", days=7, today=TODAY)
    assert [day for day, _, _ in steps_of(plan)] == [TODAY - 14 * DAY, TODAY, TODAY + 21 * DAY]
    event = last_event(plan.patient)
    assert event.kind == AuditEvent.Kind.PLAN_CHANGED
    assert event.summary == (
        "Hold: the later step moves 7 days later, to 2026-03-23. Reason for the patient: A reason."
    )
    assert event.details == {"plan": plan.pk, "action": "hold", "days": 7, "patient_reason": "A reason."}


def test_holding_a_plan_that_has_not_begun_moves_its_start(screened, carol):
    future = make_plan(screened, carol, [(TODAY + 3 * DAY, "0.5"), (TODAY + 17 * DAY, "1")])
    plan_hold(plan=future, clinician=carol, patient_reason="A reason.", days=4, today=TODAY)
    future.refresh_from_db()
    assert future.starts_on == TODAY + 7 * DAY


def test_a_hold_never_leaves_days_without_the_dose_taken_today(screened, carol):
    """1.5 mg until a week from today, when the next plan (written already) starts at 3 mg.
    Holding the next plan would not keep today's dose: the plan before ends on its date, so
    the held days would have nothing prescribed. Refused, and nothing moves."""
    make_plan(screened, carol, [(TODAY - 14 * DAY, "1.5")], ended_on=TODAY + 7 * DAY, status="ended")
    following = make_plan(screened, carol, [(TODAY + 7 * DAY, "3")])
    refused(
        lambda: plan_hold(plan=following, clinician=carol, patient_reason="A reason.", days=7, today=TODAY),
        "Held, nothing would be prescribed from 2026-03-09 to 2026-03-15: today's dose comes from the "
        "plan before this one, which ends then. A hold keeps today's dose only within one plan.",
    )
    assert [day for day, _, _ in steps_of(following)] == [TODAY + 7 * DAY]
    assert schedule_of(screened).days_without_step(TODAY, TODAY + 30 * DAY) == []
    assert kinds(screened) == []


@pytest.mark.parametrize("days", [0, -3])
def test_a_hold_is_at_least_one_day(plan, carol, days):
    refused(
        lambda: plan_hold(plan=plan, clinician=carol, patient_reason="A reason.", days=days, today=TODAY),
        "Hold for at least one day.",
    )
    assert kinds(plan.patient) == []


def test_nothing_to_hold_without_a_later_step(screened, carol):
    steady = make_plan(screened, carol, [(TODAY - 14 * DAY, "1.5")])
    refused(
        lambda: plan_hold(plan=steady, clinician=carol, patient_reason="A reason.", days=7, today=TODAY),
        "There is no later step to hold back: the current dose already continues.",
    )
    assert kinds(screened) == []


def test_a_hold_may_not_push_a_step_past_the_plans_end(screened, carol):
    ending = make_plan(
        screened, carol, [(TODAY - 14 * DAY, "1.5"), (TODAY + 7 * DAY, "3")], ended_on=TODAY + 14 * DAY
    )
    refused(
        lambda: plan_hold(plan=ending, clinician=carol, patient_reason="A reason.", days=7, today=TODAY),
        "Held 7 days, a step would start on or after the plan's end (2026-03-16).",
    )
    assert [day for day, _, _ in steps_of(ending)] == [TODAY - 14 * DAY, TODAY + 7 * DAY]
    assert kinds(screened) == []


def test_plan_hold_is_applied_once_per_request_key(plan, carol):
    plan_hold(plan=plan, clinician=carol, patient_reason="A reason.", days=7, today=TODAY, request_key="k")
    plan_hold(plan=plan, clinician=carol, patient_reason="A reason.", days=7, today=TODAY, request_key="k")
    assert [day for day, _, _ in steps_of(plan)][-1] == TODAY + 21 * DAY
    assert kinds(plan.patient) == [AuditEvent.Kind.PLAN_CHANGED]


# --- plan_step_back ---------------------------------------------------------------------------------


def test_plan_step_back_returns_to_the_lower_dose_and_moves_later_steps(plan, carol):
    step = plan_step_back(
        plan=plan,
        clinician=carol,
        patient_reason="A reason.",
        start_date=TODAY + 2 * DAY,
        shift_days=7,
        today=TODAY,
    )
    assert (step.start_date, step.dose_mg, step.note) == (
        TODAY + 2 * DAY,
        Decimal("1.5"),
        "Stepped back from 3 mg",
    )
    assert steps_of(plan) == [
        (TODAY - 14 * DAY, "1.5", "bedtime"),
        (TODAY, "3", "bedtime"),
        (TODAY + 2 * DAY, "1.5", "bedtime"),
        (TODAY + 21 * DAY, "4.5", "bedtime"),
    ]
    event = last_event(plan.patient)
    assert event.summary == (
        "Step back: 3 mg at bedtime → 1.5 mg at bedtime from 2026-03-04; later steps 7 days later."
        " Reason for the patient: A reason."
    )
    assert event.details == {
        "plan": plan.pk,
        "action": "step_back",
        "step": step.pk,
        "shift_days": 7,
        "patient_reason": "A reason.",
    }


def test_a_step_back_without_moving_later_steps(plan, carol):
    plan_step_back(
        plan=plan,
        clinician=carol,
        patient_reason="A reason.",
        start_date=TODAY + 2 * DAY,
        shift_days=0,
        today=TODAY,
    )
    assert last_event(plan.patient).summary == (
        "Step back: 3 mg at bedtime → 1.5 mg at bedtime from 2026-03-04. Reason for the patient: A reason."
    )


@pytest.mark.parametrize(
    ("start", "shift", "message"),
    [
        (TODAY - 20 * DAY, 0, "A change cannot start in the past: past steps stay as they were."),
        (TODAY - 10 * DAY, 0, "A change cannot start in the past: past steps stay as they were."),
        (TODAY, 0, "A step already starts on that date: choose a later date."),
        (TODAY + 2 * DAY, -1, "Later steps can only move later."),
    ],
)
def test_plan_step_back_refusals_change_nothing(plan, carol, start, shift, message):
    refused(
        lambda: plan_step_back(
            plan=plan,
            clinician=carol,
            patient_reason="A reason.",
            start_date=start,
            shift_days=shift,
            today=TODAY,
        ),
        message,
    )
    assert plan.steps.count() == 3
    assert kinds(plan.patient) == []


def test_a_change_must_start_before_the_plans_end(screened, carol):
    ending = make_plan(
        screened, carol, [(TODAY - 14 * DAY, "1.5"), (TODAY - 7 * DAY, "3")], ended_on=TODAY + 7 * DAY
    )
    refused(
        lambda: plan_step_back(
            plan=ending,
            clinician=carol,
            patient_reason="A reason.",
            start_date=TODAY + 7 * DAY,
            shift_days=0,
            today=TODAY,
        ),
        "The plan ends on 2026-03-09: a change must start before that.",
    )
    assert ending.steps.count() == 2
    assert kinds(screened) == []


def test_there_is_no_lower_dose_before_the_first(screened, carol):
    single = make_plan(screened, carol, [(TODAY - 14 * DAY, "1.5")])
    refused(
        lambda: plan_step_back(
            plan=single,
            clinician=carol,
            patient_reason="A reason.",
            start_date=TODAY + DAY,
            shift_days=0,
            today=TODAY,
        ),
        "There is no previous lower dose to step back to.",
    )


def test_plan_step_back_is_applied_once_per_request_key(plan, carol):
    first = plan_step_back(
        plan=plan,
        clinician=carol,
        patient_reason="A reason.",
        start_date=TODAY + 2 * DAY,
        shift_days=7,
        today=TODAY,
        request_key="k",
    )
    again = plan_step_back(
        plan=plan,
        clinician=carol,
        patient_reason="A reason.",
        start_date=TODAY + 2 * DAY,
        shift_days=7,
        today=TODAY,
        request_key="k",
    )
    assert again == first
    assert plan.steps.count() == 4
    assert kinds(plan.patient) == [AuditEvent.Kind.PLAN_CHANGED]


# --- plan_switch_to_morning -------------------------------------------------------------------------


def test_plan_switch_to_morning_moves_this_and_every_later_dose(plan, carol):
    step = plan_switch_to_morning(
        plan=plan, clinician=carol, patient_reason="A reason.", start_date=TODAY + 3 * DAY, today=TODAY
    )
    assert (step.dose_mg, step.timing, step.note) == (Decimal("3"), "morning", "Moved to the morning")
    assert steps_of(plan) == [
        (TODAY - 14 * DAY, "1.5", "bedtime"),
        (TODAY, "3", "bedtime"),
        (TODAY + 3 * DAY, "3", "morning"),
        (TODAY + 14 * DAY, "4.5", "morning"),
    ]
    event = last_event(plan.patient)
    assert event.summary == (
        "Timing: 3 mg in the morning from 2026-03-05; the later step in the morning too."
        " Reason for the patient: A reason."
    )
    assert event.details == {
        "plan": plan.pk,
        "action": "morning",
        "step": step.pk,
        "patient_reason": "A reason.",
    }


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (TODAY, "A step already starts on that date: choose a later date."),
        (TODAY - DAY, "A change cannot start in the past: past steps stay as they were."),
    ],
)
def test_plan_switch_to_morning_refusals_change_nothing(plan, carol, start, message):
    refused(
        lambda: plan_switch_to_morning(
            plan=plan, clinician=carol, patient_reason="A reason.", start_date=start, today=TODAY
        ),
        message,
    )
    assert {timing for _, _, timing in steps_of(plan)} == {"bedtime"}
    assert kinds(plan.patient) == []


def test_a_dose_already_in_the_morning_stays(screened, carol):
    morning = make_plan(screened, carol, [(TODAY - 7 * DAY, "1.5", "morning")])
    refused(
        lambda: plan_switch_to_morning(
            plan=morning, clinician=carol, patient_reason="A reason.", start_date=TODAY + DAY, today=TODAY
        ),
        "The dose is already taken in the morning on that date.",
    )


def test_no_dose_yet_no_switch(screened, carol):
    future = make_plan(screened, carol, [(TODAY + 7 * DAY, "1.5")])
    refused(
        lambda: plan_switch_to_morning(
            plan=future, clinician=carol, patient_reason="A reason.", start_date=TODAY + DAY, today=TODAY
        ),
        "The plan has no dose on that date yet.",
    )


def test_plan_switch_to_morning_is_applied_once_per_request_key(plan, carol):
    first = plan_switch_to_morning(
        plan=plan,
        clinician=carol,
        patient_reason="A reason.",
        start_date=TODAY + 3 * DAY,
        today=TODAY,
        request_key="k",
    )
    again = plan_switch_to_morning(
        plan=plan,
        clinician=carol,
        patient_reason="A reason.",
        start_date=TODAY + 3 * DAY,
        today=TODAY,
        request_key="k",
    )
    assert again == first
    assert kinds(plan.patient) == [AuditEvent.Kind.PLAN_CHANGED]


# --- plan_taper_and_end -----------------------------------------------------------------------------


def test_plan_taper_and_end_sets_the_end_and_drops_the_steps_after_it(plan, carol):
    plan_taper_and_end(
        plan=plan, clinician=carol, patient_reason="A reason.", ended_on=TODAY + 14 * DAY, today=TODAY
    )
    plan.refresh_from_db()
    assert plan.ended_on == TODAY + 14 * DAY
    assert plan.status == TitrationPlan.Status.ACTIVE  # it runs on until its end
    assert [day for day, _, _ in steps_of(plan)] == [TODAY - 14 * DAY, TODAY]
    event = last_event(plan.patient)
    assert (
        event.summary == "Plan ends on 2026-03-16 (nothing prescribed from that day); the later step removed."
        " Reason for the patient: A reason."
    )
    assert event.details == {
        "plan": plan.pk,
        "action": "end",
        "ended_on": "2026-03-16",
        "taper_mg": None,
        "patient_reason": "A reason.",
    }


def test_a_taper_before_the_end(plan, carol):
    plan_taper_and_end(
        plan=plan,
        clinician=carol,
        patient_reason="A reason.",
        ended_on=TODAY + 21 * DAY,
        taper_mg=Decimal("1"),
        taper_from=TODAY + 7 * DAY,
        today=TODAY,
    )
    assert steps_of(plan) == [
        (TODAY - 14 * DAY, "1.5", "bedtime"),
        (TODAY, "3", "bedtime"),
        (TODAY + 7 * DAY, "1", "bedtime"),
    ]
    assert plan.steps.get(start_date=TODAY + 7 * DAY).note == "Taper"
    assert last_event(plan.patient).summary == (
        "Plan ends on 2026-03-23 (nothing prescribed from that day); taper to 1 mg at bedtime from "
        "2026-03-09; the later step removed. Reason for the patient: A reason."
    )
    assert last_event(plan.patient).details["taper_mg"] == "1"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"ended_on": TODAY + 21 * DAY, "taper_mg": Decimal("1")},
            "A taper needs both a dose and a start date.",
        ),
        ({"ended_on": TODAY}, "The end date must be after today; today's dose stays as prescribed."),
        ({"ended_on": TODAY - DAY}, "A change cannot start in the past: past steps stay as they were."),
        (
            {"ended_on": TODAY + 21 * DAY, "taper_mg": Decimal("1"), "taper_from": TODAY},
            "The taper must start after today and before the end date.",
        ),
        (
            {"ended_on": TODAY + 21 * DAY, "taper_mg": Decimal("1"), "taper_from": TODAY + 21 * DAY},
            "The taper must start after today and before the end date.",
        ),
        (
            {"ended_on": TODAY + 21 * DAY, "taper_mg": Decimal("3"), "taper_from": TODAY + 7 * DAY},
            "A taper dose must be lower than the dose before it.",
        ),
        (
            {"ended_on": TODAY + 21 * DAY, "taper_mg": Decimal("0.75"), "taper_from": TODAY + 7 * DAY},
            "Confirm the warnings to save: 0.75 mg is 1.5 capsules of 0.5 mg: not a whole number of "
            "capsules. The patient will be told to ask their pharmacist.",
        ),
    ],
)
def test_plan_taper_and_end_refusals_change_nothing(plan, carol, fields, message):
    plan.strength_mg = Decimal("0.5")
    plan.save()
    refused(
        lambda: plan_taper_and_end(
            plan=plan, clinician=carol, patient_reason="A reason.", today=TODAY, **fields
        ),
        message,
    )
    plan.refresh_from_db()
    assert plan.ended_on is None
    assert plan.steps.count() == 3
    assert kinds(plan.patient) == []


def test_only_the_current_plan_can_be_ended(screened, carol):
    ended = make_plan(screened, carol, [(TODAY - 14 * DAY, "1.5")], ended_on=TODAY)
    refused(
        lambda: plan_taper_and_end(
            plan=ended, clinician=carol, patient_reason="A reason.", ended_on=TODAY + 7 * DAY, today=TODAY
        ),
        "Only the current plan can be ended.",
    )


def test_plan_taper_and_end_is_applied_once_per_request_key(plan, carol):
    plan_taper_and_end(
        plan=plan,
        clinician=carol,
        patient_reason="A reason.",
        ended_on=TODAY + 14 * DAY,
        today=TODAY,
        request_key="k",
    )
    plan_taper_and_end(
        plan=plan,
        clinician=carol,
        patient_reason="A reason.",
        ended_on=TODAY + 7 * DAY,
        today=TODAY,
        request_key="k",
    )
    plan.refresh_from_db()
    assert plan.ended_on == TODAY + 14 * DAY
    assert kinds(plan.patient) == [AuditEvent.Kind.PLAN_CHANGED]


# --- ldn_pause_record -------------------------------------------------------------------------------


def test_ldn_pause_record_saves_the_pause_and_audits_the_resumption(plan, carol):
    pause, findings = ldn_pause_record(
        patient=plan.patient,
        clinician=carol,
        patient_reason="A reason.",
        start_date=TODAY + 3 * DAY,
        end_date=TODAY + 5 * DAY,
        reason="surgery",
        today=TODAY,
    )
    assert findings == []
    assert (pause.start_date, pause.end_date, pause.reason, pause.created_by) == (
        TODAY + 3 * DAY,
        TODAY + 5 * DAY,
        "surgery",
        carol,
    )
    event = last_event(plan.patient)
    assert event.kind == AuditEvent.Kind.LDN_PAUSED
    assert (
        event.summary
        == "LDN paused from 2026-03-05 to 2026-03-07: surgery. Reason for the patient: A reason."
    )
    assert event.details == {
        "pause": pause.pk,
        "late_reason": "",
        "resumes_on": "2026-03-08",
        "findings": [],
        "patient_reason": "A reason.",
    }
    plan.patient.refresh_from_db()
    assert plan.patient.plan_changed_at == NOW


def test_a_pause_is_never_refused_but_an_opioid_at_the_resumption_is_returned_and_kept(plan, carol):
    Medication.objects.create(patient=plan.patient, name="Oxycodone", started_on=TODAY + 3 * DAY)
    _, findings = ldn_pause_record(
        patient=plan.patient,
        clinician=carol,
        patient_reason="A reason.",
        start_date=TODAY + 3 * DAY,
        end_date=TODAY + 5 * DAY,
        reason="surgery",
        today=TODAY,
    )
    assert codes(findings) == [("block", "opioid_current")]
    event = last_event(plan.patient)
    assert event.summary.startswith(
        "LDN paused from 2026-03-05 to 2026-03-07: surgery. At the resumption on 2026-03-08: "
    )
    assert [finding["code"] for finding in event.details["findings"]] == ["opioid_current"]


def test_notes_at_the_resumption_are_left_out(plan, carol):
    Screening.objects.create(patient=plan.patient, screened_by=carol, thyroid_medication=True)
    _, findings = ldn_pause_record(
        patient=plan.patient,
        clinician=carol,
        patient_reason="A reason.",
        start_date=TODAY + 3 * DAY,
        end_date=TODAY + 5 * DAY,
        reason="trip",
        today=TODAY,
    )
    assert findings == []


def test_a_pause_that_ends_before_it_starts_saves_nothing(plan, carol):
    with pytest.raises(ValidationError):
        ldn_pause_record(
            patient=plan.patient,
            clinician=carol,
            patient_reason="A reason.",
            start_date=TODAY + 5 * DAY,
            end_date=TODAY + 3 * DAY,
            reason="x",
            today=TODAY,
        )
    assert not LdnPause.objects.exists()
    assert kinds(plan.patient) == []


def test_ldn_pause_record_is_applied_once_per_request_key(plan, carol):
    arguments = {
        "patient": plan.patient,
        "clinician": carol,
        "start_date": TODAY + 3 * DAY,
        "end_date": TODAY + 5 * DAY,
        "reason": "surgery",
        "patient_reason": "Surgery ahead.",
        "today": TODAY,
        "request_key": "k",
    }
    first, _ = ldn_pause_record(**arguments)
    again, findings = ldn_pause_record(**arguments)
    assert again == first
    assert findings == []
    assert LdnPause.objects.count() == 1
    assert kinds(plan.patient) == [AuditEvent.Kind.LDN_PAUSED]


# --- dates and sizes every change is bounded to -------------------------------------------------

FAR = dt.date(9999, 12, 31)
EARLY = dt.date(1, 1, 1)


@pytest.mark.parametrize(
    "change",
    [
        lambda plan, carol: plan_step_back(
            plan=plan, clinician=carol, patient_reason="A reason.", start_date=FAR, shift_days=0, today=TODAY
        ),
        lambda plan, carol: plan_switch_to_morning(
            plan=plan, clinician=carol, patient_reason="A reason.", start_date=FAR, today=TODAY
        ),
        lambda plan, carol: plan_taper_and_end(
            plan=plan, clinician=carol, patient_reason="A reason.", ended_on=FAR, today=TODAY
        ),
        lambda plan, carol: plan_hold(
            plan=plan, clinician=carol, patient_reason="A reason.", days=90 * 20, today=TODAY
        ),
        lambda plan, carol: plan_step_back(
            plan=plan,
            clinician=carol,
            patient_reason="A reason.",
            start_date=TODAY + DAY,
            shift_days=91,
            today=TODAY,
        ),
        lambda plan, carol: ldn_pause_record(
            patient=plan.patient,
            clinician=carol,
            patient_reason="A reason.",
            start_date=TODAY,
            end_date=FAR,
            reason="x",
            today=TODAY,
        ),
        lambda plan, carol: ldn_pause_record(
            patient=plan.patient,
            clinician=carol,
            patient_reason="A reason.",
            start_date=EARLY,
            end_date=TODAY,
            reason="x",
            late_reason="typed late",
            today=TODAY,
        ),
    ],
    ids=[
        "step back in 9999",
        "morning in 9999",
        "end in 9999",
        "hold of 1,800 days",
        "later steps moved 91 days",
        "pause to 9999",
        "pause from year 1",
    ],
)
def test_no_change_writes_a_date_outside_the_window_or_a_number_outside_its_range(plan, carol, change):
    before = steps_of(plan)
    with pytest.raises(ValidationError):
        change(plan, carol)
    assert steps_of(plan) == before
    assert TitrationPlan.objects.get().ended_on is None
    assert not LdnPause.objects.exists()
    assert kinds(plan.patient) == []


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([(FAR, "0.5")], "The first dose, 9999-12-31, is after 2028-03-01"),
        ([(TODAY, "0.5"), (EARLY, "1")], "A step, 0001-01-01, is before 2025-03-02"),
    ],
)
def test_a_plan_lies_in_the_patients_window(screened, carol, steps, message):
    with pytest.raises(ValidationError) as refusal:
        create(screened, carol, steps)
    assert message in " ".join(refusal.value.messages)
    assert not TitrationPlan.objects.exists()


def test_a_plan_has_at_most_60_steps(screened, carol):
    steps = [(TODAY + n * DAY, "1") for n in range(61)]
    refused(lambda: create(screened, carol, steps), "At most 60 steps: this plan has 61.")
    assert not TitrationPlan.objects.exists()


def test_a_pause_begun_before_today_needs_a_reason_for_recording_it_late(plan, carol):
    arguments = {"patient": plan.patient, "clinician": carol, "start_date": TODAY - 3 * DAY}
    arguments |= {
        "end_date": TODAY + DAY,
        "reason": "surgery",
        "today": TODAY,
        "patient_reason": "Surgery ahead.",
    }
    with pytest.raises(ValidationError) as refusal:
        ldn_pause_record(**arguments)
    assert refusal.value.message_dict == {
        "late_reason": [
            "The first paused day is before today: say why the pause is recorded afterwards. The CSV "
            "marks those days as paused."
        ]
    }
    pause, _ = ldn_pause_record(**arguments, late_reason="The patient phoned after the operation")
    assert pause.late_reason == "The patient phoned after the operation"
    event = last_event(plan.patient)
    assert event.summary == (
        "LDN paused from 2026-02-27 to 2026-03-03: surgery. Recorded afterwards, on 2026-03-02: "
        "The patient phoned after the operation. Reason for the patient: Surgery ahead."
    )
    assert event.details["late_reason"] == "The patient phoned after the operation"


# --- record_correct ---------------------------------------------------------------------------------


def test_record_correct_removes_a_step_outside_the_window_and_audits_it(plan, carol):
    with unchecked_rows():
        stray = DoseStep.objects.create(plan=plan, start_date=dt.date(9999, 12, 31), dose_mg=Decimal("1.5"))
    summary = record_correct(patient=plan.patient, clinician=carol, row="step", row_id=stray.pk, today=TODAY)
    assert summary == (
        "Record corrected: the step of 1.5 mg dated 9999-12-31, outside the dates this patient's record "
        f"may have, was removed. Reason for the patient: {CORRECTION_REASON}"
    )
    assert not DoseStep.objects.filter(pk=stray.pk).exists()
    event = last_event(plan.patient)
    assert (event.kind, event.summary, event.details) == (
        AuditEvent.Kind.RECORD_CORRECTED,
        summary,
        {"row": "step", "row_id": stray.pk, "patient_reason": CORRECTION_REASON},
    )
    plan.patient.refresh_from_db()
    assert plan.patient.plan_changed_at == NOW


def test_a_plan_left_without_steps_has_no_start(plan, carol):
    plan.steps.exclude(pk=plan.steps.first().pk).delete()
    with unchecked_rows():
        plan.steps.update(start_date=dt.date(1, 1, 1))
        TitrationPlan.objects.filter(pk=plan.pk).update(starts_on=dt.date(1, 1, 1))
    record_correct(patient=plan.patient, clinician=carol, row="step", row_id=plan.steps.get().pk, today=TODAY)
    plan.refresh_from_db()
    assert plan.starts_on is None


def test_record_correct_clears_an_end_date_outside_the_window(plan, carol):
    TitrationPlan.objects.filter(pk=plan.pk).update(ended_on=TODAY + 5000 * DAY)
    record_correct(patient=plan.patient, clinician=carol, row="plan_end", row_id=plan.pk, today=TODAY)
    plan.refresh_from_db()
    assert plan.ended_on is None


def test_record_correct_removes_a_pause_outside_the_window(plan, carol):
    pause = LdnPause.objects.create(
        patient=plan.patient, start_date=TODAY, end_date=TODAY + 5000 * DAY, reason="x", created_by=carol
    )
    record_correct(
        patient=plan.patient, clinician=carol, row="pause", row_id=pause.pk, today=TODAY, request_key="k"
    )
    assert not LdnPause.objects.exists()
    record_correct(
        patient=plan.patient, clinician=carol, row="pause", row_id=pause.pk, today=TODAY, request_key="k"
    )
    assert kinds(plan.patient) == [AuditEvent.Kind.RECORD_CORRECTED]


def test_record_correct_leaves_rows_within_the_window_alone(plan, carol):
    step = plan.steps.first()
    refused(
        lambda: record_correct(
            patient=plan.patient, clinician=carol, row="step", row_id=step.pk, today=TODAY
        ),
        "That row is within the record's dates: there is nothing to correct.",
    )
    assert DoseStep.objects.filter(pk=step.pk).exists()
    assert kinds(plan.patient) == []


def test_a_change_waits_until_the_plan_is_corrected(plan, carol):
    with unchecked_rows():
        DoseStep.objects.create(plan=plan, start_date=dt.date(1, 1, 1), dose_mg=Decimal("1"))
    with pytest.raises(ValidationError, match="needs attention first: its step dated 0001-01-01"):
        plan_hold(plan=plan, clinician=carol, patient_reason="A reason.", days=7, today=TODAY)


# --- plan_acknowledge -------------------------------------------------------------------------------


def test_plan_acknowledge_records_that_the_patient_saw_the_change(plan):
    patient = plan.patient
    patient.plan_changed_at = NOW - DAY
    patient.save()
    plan_acknowledge(patient=patient)
    patient.refresh_from_db()
    assert patient.plan_acknowledged_at == NOW
    assert patient.has_unacknowledged_plan_change is False
    event = last_event(patient)
    assert (event.kind, event.actor) == (AuditEvent.Kind.PLAN_ACKNOWLEDGED, patient.user)
    assert event.summary == "The patient saw the change to their plan."


def test_nothing_to_acknowledge_writes_nothing(alice, django_assert_num_queries):
    with django_assert_num_queries(0):  # no change on record: decided from the patient row alone
        plan_acknowledge(patient=alice)
    alice.refresh_from_db()
    assert alice.plan_acknowledged_at is None
    assert kinds(alice) == []


# --- the reason told to the patient -----------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        lambda plan, carol, **reason: plan_hold(plan=plan, clinician=carol, days=7, today=TODAY, **reason),
        lambda plan, carol, **reason: plan_switch_to_morning(
            plan=plan, clinician=carol, start_date=TODAY + DAY, today=TODAY, **reason
        ),
        lambda plan, carol, **reason: ldn_pause_record(
            patient=plan.patient,
            clinician=carol,
            start_date=TODAY + DAY,
            end_date=TODAY + 3 * DAY,
            reason="surgery",
            today=TODAY,
            **reason,
        ),
    ],
    ids=["hold", "morning", "pause"],
)
def test_a_change_of_what_is_prescribed_needs_a_reason_for_the_patient(plan, carol, change):
    before = plan.steps.count(), list(AuditEvent.objects.values_list("pk", flat=True))
    with pytest.raises(ValidationError) as refusal:
        change(plan, carol, patient_reason="   ")
    assert refusal.value.message_dict == {"patient_reason": [REASON_NEEDED]}
    assert (plan.steps.count(), list(AuditEvent.objects.values_list("pk", flat=True))) == before
    assert not PlanChangeNote.objects.exists()


def test_a_first_plan_needs_a_reason_too(screened, carol):
    with pytest.raises(ValidationError) as refusal:
        create(screened, carol, [(TODAY + DAY, "0.5")], patient_reason="")
    assert refusal.value.message_dict == {"patient_reason": [REASON_NEEDED]}
    assert not TitrationPlan.objects.exists()


def test_the_reason_is_kept_with_the_change_and_in_the_audit_row(plan, carol):
    plan_hold(plan=plan, clinician=carol, days=7, today=TODAY, patient_reason=" Let the headaches settle. ")
    note = PlanChangeNote.objects.get()
    assert (note.patient, note.written_by, note.at, note.reason, note.acknowledged_at) == (
        plan.patient,
        carol,
        NOW,
        "Let the headaches settle.",
        None,
    )
    assert note.change == "Hold: the later step moves 7 days later, to 2026-03-23."
    event = last_event(plan.patient)
    assert event.summary.endswith("Reason for the patient: Let the headaches settle.")
    assert event.details["patient_reason"] == "Let the headaches settle."


def test_a_change_that_leaves_the_prescription_as_it_was_needs_no_reason(plan, carol):
    later = plan.steps.get(start_date=TODAY + 14 * DAY)
    plan_edit_step(
        step=later, clinician=carol, dose_mg=later.dose_mg, timing=later.timing, note="Same", today=TODAY
    )
    note = PlanChangeNote.objects.get()
    assert note.reason == ""
    assert "Reason for the patient" not in last_event(plan.patient).summary


def test_a_reason_longer_than_its_bound_is_refused_before_anything_is_written(plan, carol):
    with pytest.raises(ValidationError) as refusal:
        plan_hold(
            plan=plan, clinician=carol, days=7, today=TODAY, patient_reason="x" * (REASON_MAX_CHARS + 1)
        )
    assert list(refusal.value.message_dict) == ["patient_reason"]
    assert not PlanChangeNote.objects.exists()


def test_acknowledging_stamps_each_reason_seen_and_audits_them(plan, carol):
    plan_hold(plan=plan, clinician=carol, days=7, today=TODAY, patient_reason="Headaches.")
    plan_switch_to_morning(
        plan=plan, clinician=carol, start_date=TODAY + DAY, today=TODAY, patient_reason="Dreams."
    )
    plan_acknowledge(patient=plan.patient)
    assert list(PlanChangeNote.objects.values_list("acknowledged_at", flat=True)) == [NOW, NOW]
    event = last_event(plan.patient)
    assert event.summary == "The patient saw the change to their plan. Reasons told: Dreams. / Headaches."
    assert event.details == {"reasons": ["Dreams.", "Headaches."]}


def test_a_refill_becomes_the_plans_supply_once_and_is_audited(alice, carol):
    plan = make_plan(
        alice,
        carol,
        [(TODAY - 20 * DAY, "1.5")],
        supply_quantity=Decimal("30"),
        dispensed_on=TODAY - 20 * DAY,
    )
    assert (refill_window(plan, TODAY).first, refill_window(plan, TODAY).last) == (TODAY - 20 * DAY, TODAY)
    for _twice in range(2):
        plan_refill_record(
            plan=plan,
            clinician=carol,
            dispensed_on=TODAY - DAY,
            quantity=Decimal("60"),
            pharmacy="Hill Pharmacy",
            today=TODAY,
            request_key="refill-1",
        )
    plan.refresh_from_db()
    assert (plan.supply_quantity, plan.dispensed_on, plan.pharmacy) == (60, TODAY - DAY, "Hill Pharmacy")
    assert kinds(alice).count(AuditEvent.Kind.SUPPLY_DISPENSED) == 1
    event = last_event(alice)
    assert event.details["previous_quantity"] == "30.00" and event.actor == carol.user
    _supply, runs_out = schedule_of(alice).supply_for(TODAY)
    assert runs_out == TODAY - DAY + 60 * DAY
    assert refill_window(plan, TODAY).first == TODAY - DAY  # not before the dispensing recorded


def test_a_refill_of_an_ended_plan_or_before_the_last_one_is_refused(alice, carol):
    plan = make_plan(
        alice, carol, [(TODAY - 20 * DAY, "1.5")], supply_quantity=Decimal("30"), dispensed_on=TODAY - 5 * DAY
    )
    with pytest.raises(ValidationError, match="a refill comes after the plan began"):
        plan_refill_record(
            plan=plan, clinician=carol, dispensed_on=TODAY - 6 * DAY, quantity=Decimal("5"), today=TODAY
        )
    TitrationPlan.objects.filter(pk=plan.pk).update(status=TitrationPlan.Status.ENDED, ended_on=TODAY)
    with pytest.raises(ValidationError, match="for the plan in force only"):
        plan_refill_record(plan=plan, clinician=carol, dispensed_on=TODAY, quantity=Decimal("5"), today=TODAY)
    plan.refresh_from_db()
    assert (plan.supply_quantity, plan.dispensed_on) == (30, TODAY - 5 * DAY)


def test_a_refill_for_the_plan_written_next_waits_until_the_taper_before_it_ends(alice, carol):
    make_plan(
        alice,
        carol,
        [(TODAY - 20 * DAY, "1.5")],
        ended_on=TODAY + 5 * DAY,
        status=TitrationPlan.Status.ENDED,
    )
    written_next = make_plan(alice, carol, [(TODAY + 5 * DAY, "3")])
    with pytest.raises(ValidationError, match="for the plan in force only"):
        plan_refill_record(
            plan=written_next, clinician=carol, dispensed_on=TODAY, quantity=Decimal("30"), today=TODAY
        )
    plan_refill_record(
        plan=written_next,
        clinician=carol,
        dispensed_on=TODAY + 5 * DAY,
        quantity=Decimal("30"),
        today=TODAY + 5 * DAY,
    )
    written_next.refresh_from_db()
    assert (written_next.supply_quantity, written_next.dispensed_on) == (30, TODAY + 5 * DAY)


@pytest.mark.parametrize("change", ["step back", "morning"])
def test_a_change_to_the_plan_written_next_starts_once_it_has_begun(alice, carol, change):
    """While the plan before it ends with its taper, the patient takes that plan's doses: a
    change dated before the next plan begins is refused, saying why and from when it can start."""
    make_plan(
        alice,
        carol,
        [(TODAY - 30 * DAY, "1.5"), (TODAY - 10 * DAY, "3")],
        ended_on=TODAY + 10 * DAY,
        status=TitrationPlan.Status.ENDED,
    )
    written_next = make_plan(alice, carol, [(TODAY + 10 * DAY, "1.5"), (TODAY + 20 * DAY, "3")])

    def apply(start_date):
        if change == "step back":
            return plan_step_back(
                plan=written_next,
                clinician=carol,
                start_date=start_date,
                shift_days=7,
                today=TODAY,
                patient_reason="Headaches.",
            )
        return plan_switch_to_morning(
            plan=written_next, clinician=carol, start_date=start_date, today=TODAY, patient_reason="Sleep."
        )

    starts = (TODAY + 10 * DAY).isoformat()
    with pytest.raises(ValidationError, match=f"Until {starts} the patient takes the plan before this one"):
        apply(TODAY + DAY)
    assert written_next.steps.count() == 2
    assert apply(TODAY + 25 * DAY).plan == written_next
