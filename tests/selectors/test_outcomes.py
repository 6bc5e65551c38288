"""journal.selectors.outcomes: the clinic's patients as the outcomes read them, and the filters' choices."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from journal.models import Condition, ExportState, OutcomeReport, Patient, PlanChangeNote
from journal.plan_changes import ended
from journal.selectors.outcomes import (
    CohortFilter,
    ShownReports,
    outcome_choices,
    outcome_cohort,
    outcome_reports_shown,
    reports_of_filter,
    stop_reasons_told,
)
from tests.factories import make_clinician, make_patient, make_plan

DAY = dt.timedelta(days=1)


def test_the_cohort_is_filtered_by_condition_clinician_and_first_dose(clinic, carol):
    today = timezone.now().date()
    olga = make_clinician(clinic, "olga")
    lupus = Condition.objects.get(clinic=None, name="Lupus")
    early = make_patient(clinic, None, name="Early", clinicians=(carol,))
    early.conditions.add(lupus)
    make_plan(early, carol, [(today - 90 * DAY, "1.5")])
    late = make_patient(clinic, None, name="Late", clinicians=(olga,))
    make_plan(late, olga, [(today - 10 * DAY, "1.5")])
    waiting = make_patient(clinic, None, name="Waiting", clinicians=(carol,))  # no plan yet
    everyone = Patient.objects.filter(clinic=clinic)

    def ids(chosen: CohortFilter) -> list[int]:
        return [patient.patient_id for patient in outcome_cohort(everyone, chosen)]

    assert ids(CohortFilter()) == [early.pk, late.pk, waiting.pk]
    assert ids(CohortFilter(condition=lupus.pk)) == [early.pk]
    assert ids(CohortFilter(clinician=olga.pk)) == [late.pk]
    # A first-dose range leaves out patients without a first dose.
    assert ids(CohortFilter(started_from=today - 30 * DAY)) == [late.pk]
    assert ids(CohortFilter(started_to=today - 30 * DAY)) == [early.pk]
    (first,) = outcome_cohort(everyone, CohortFilter(condition=lupus.pk))
    assert first.conditions == ("Lupus",) and first.first_dose == today - 90 * DAY


def test_the_choices_are_the_clinics_own(clinic, carol, other_clinic, charlie):
    lupus = Condition.objects.get(clinic=None, name="Lupus")
    ours = make_patient(clinic, None, clinicians=(carol,))
    ours.conditions.add(lupus)
    theirs = make_patient(other_clinic, None, clinicians=(charlie,))
    theirs.conditions.add(Condition.objects.get(clinic=None, name="IBS"))
    conditions, clinicians = outcome_choices(clinic)
    assert conditions == [(lupus.pk, "Lupus")]
    assert clinicians == [(carol.pk, str(carol))]


def test_the_reason_told_with_the_newest_plan_end_is_each_patients(clinic, carol):
    today = timezone.now().date()
    told, silent, never = (make_patient(clinic, None, clinicians=(carol,)) for _ in range(3))
    for patient, reasons in ((told, ["Side effects", "No benefit"]), (silent, [""])):
        for n, reason in enumerate(reasons):
            PlanChangeNote.objects.create(
                patient=patient,
                written_by=carol,
                change="Plan ends.",
                wording=ended(today, 0).as_data(),
                reason=reason,
                at=timezone.now() - (5 - n) * DAY,
            )
    # A later change that is not an end does not count as the reason for stopping.
    PlanChangeNote.objects.create(patient=told, written_by=carol, change="Held.", reason="Holiday")
    reasons = stop_reasons_told([told.pk, silent.pk, never.pk])
    assert reasons == {told.pk: "No benefit", silent.pk: ""}
    (cohort_told,) = outcome_cohort(Patient.objects.filter(pk=told.pk), CohortFilter())
    assert cohort_told.stop_reason == "No benefit"


def test_the_reports_shown_are_the_newest_computed_and_the_newest_asked_for(clinic, carol, other_clinic):
    def report(state: str, **filters) -> OutcomeReport:
        return OutcomeReport.objects.create(clinic=clinic, requested_by=carol.user, state=state, **filters)

    assert outcome_reports_shown(clinic.pk, CohortFilter()) == ShownReports(None, None)
    done = report(ExportState.DONE, figures={"patients": 0}, computed_at=timezone.now())
    report(ExportState.QUEUED, started_from=timezone.now().date())  # another filter
    assert outcome_reports_shown(clinic.pk, CohortFilter()) == ShownReports(done, None)
    assert outcome_reports_shown(other_clinic.pk, CohortFilter()) == ShownReports(None, None)
    failed = report(ExportState.FAILED)
    assert outcome_reports_shown(clinic.pk, CohortFilter()) == ShownReports(done, failed)
    running = report(ExportState.RUNNING)
    assert outcome_reports_shown(clinic.pk, CohortFilter()) == ShownReports(done, running)
    assert list(reports_of_filter(clinic.pk, CohortFilter())) == [running, failed, done]
