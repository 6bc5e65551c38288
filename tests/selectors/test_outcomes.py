"""journal.selectors.outcomes: the clinic's patients as the outcomes read them, and the filters' choices."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from journal.models import Condition, Patient
from journal.selectors.outcomes import CohortFilter, outcome_choices, outcome_cohort
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
