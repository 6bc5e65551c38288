"""journal.selectors.records: each patient's record as plain data — schedule, medication list,
latest screening, safety state and the whole journal — in a fixed number of queries however
many patients and days. Every count below is part of the design: it is written out in the
selector's docstring, and a change to it must be a decision, not an accident."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest

from journal.models import AdviceDismissal, AuditEvent, LdnPause, Medication, Patient, Screening, Symptom
from journal.schedule import DAY
from journal.selectors.compiled import read_together
from journal.selectors.records import (
    advice_open_at_review,
    condition_tracks,
    medication_periods_for,
    patient_files,
    patient_overview,
    patient_records,
    period_of,
    safety_of,
    schedule_from,
    schedule_of,
    schedule_reads,
    schedule_with_problems,
    schedules_for,
    screening_answers_for,
    symptom_tracks,
)
from tests.factories import log_days, make_entry, make_plan, unchecked_rows

NOW = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)
TODAY = NOW.date()
FIRST_DOSE = TODAY - 100 * DAY

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


@pytest.fixture
def alice_on_ldn(alice, carol):
    """Alice, 100 days on 3 mg at bedtime, logging every day with flat scores."""
    make_plan(alice, carol, [(FIRST_DOSE, "3")])
    log_days(alice, FIRST_DOSE - 7 * DAY, TODAY)
    return alice


def review(patient, clinician, keys: list[str], at: dt.datetime) -> None:
    AuditEvent.objects.create(
        patient=patient,
        clinic=patient.clinic,
        actor=clinician.user,
        kind=AuditEvent.Kind.REVIEWED,
        summary="Reviewed.",
        details={"open_advice": keys},
        at=at,
    )


# --- schedules_for, schedule_of --------------------------------------------------------------------


def test_schedules_for_reads_plans_and_pauses_of_many_patients_at_once(
    alice, bob, dave, carol, charlie, django_assert_num_queries
):
    steps = [(TODAY - 30 * DAY, "1.5"), (TODAY, "3")]
    make_plan(alice, carol, steps, ended_on=TODAY + 30 * DAY, status="ended")  # closed, still prescribing
    make_plan(alice, carol, [(TODAY + 30 * DAY, "4.5", "morning")])
    make_plan(bob, carol, [(TODAY, "9")], status="draft")  # a draft prescribes nothing
    LdnPause.objects.create(
        patient=alice, start_date=TODAY, end_date=TODAY + DAY, reason="x", created_by=carol
    )
    with django_assert_num_queries(2):  # every patient's steps with their plans, then every pause
        schedules = schedules_for([alice.pk, bob.pk, dave.pk])
    assert [(dose.start_date, dose.dose_mg, dose.timing) for dose in schedules[alice.pk].doses] == [
        (TODAY - 30 * DAY, Decimal("1.500"), "bedtime"),
        (TODAY, Decimal("3.000"), "bedtime"),
        (TODAY + 30 * DAY, Decimal("4.500"), "morning"),
    ]
    assert schedules[alice.pk].pause_on(TODAY).reason == "x"
    assert schedules[bob.pk].doses == ()
    assert schedules[dave.pk].doses == ()


def test_schedule_of_one_patient(alice, carol, django_assert_num_queries):
    make_plan(alice, carol, [(TODAY - 30 * DAY, "1.5")])
    with django_assert_num_queries(2):  # steps, pauses
        schedule = schedule_of(alice)
    assert schedule.first_dose == TODAY - 30 * DAY


def test_one_patients_reads_equal_their_part_of_many_patients_reads(alice, bob, carol):
    """A single patient's schedule, medication list and screening are read by compiled queries
    (`journal.selectors.compiled`), several patients' by the ORM: both give the same facts."""
    for patient, dose in ((alice, "1.5"), (bob, "3")):
        make_plan(patient, carol, [(TODAY - 30 * DAY, dose), (TODAY + 5 * DAY, "4.5", "morning")])
        LdnPause.objects.create(
            patient=patient,
            start_date=TODAY,
            end_date=TODAY + DAY,
            reason=patient.user.username,
            created_by=carol,
        )
        Medication.objects.create(patient=patient, name=f"Tramadol {dose}", started_on=TODAY - 9 * DAY)
        Screening.objects.create(patient=patient, screened_by=carol, screened_at=NOW - DAY, opioid_names=dose)
    both = schedules_for([alice.pk, bob.pk])
    for patient in (alice, bob):
        one = schedule_of(patient)
        assert (one.plans, one.pauses) == (both[patient.pk].plans, both[patient.pk].pauses)
        assert medication_periods_for([patient]) == {
            patient.pk: medication_periods_for([alice, bob])[patient.pk]
        }
        assert screening_answers_for([patient.pk]) == {
            patient.pk: screening_answers_for([alice.pk, bob.pk])[patient.pk]
        }
    assert schedule_of(alice).pause_on(TODAY).reason == "alice"
    assert [period.name for period in medication_periods_for([bob])[bob.pk]] == ["Tramadol 3"]
    assert screening_answers_for([bob.pk])[bob.pk].opioid_names == "3"


def test_a_schedule_read_with_other_reads_is_the_patients_schedule(
    alice, bob, carol, django_assert_num_queries
):
    make_plan(alice, carol, [(TODAY - 30 * DAY, "1.5"), (TODAY, "3")])
    make_plan(bob, carol, [(TODAY, "4.5")])
    LdnPause.objects.create(
        patient=alice, start_date=TODAY, end_date=TODAY + DAY, reason="x", created_by=carol
    )
    with django_assert_num_queries(2):
        steps, pauses = read_together(*schedule_reads(alice))
    schedule = schedule_from(alice, steps, pauses)
    assert (schedule.plans, schedule.pauses) == (schedule_of(alice).plans, schedule_of(alice).pauses)
    assert schedule.prescribed(TODAY - DAY).dose_mg == Decimal("1.5")
    assert schedule.pause_on(TODAY).reason == "x"


def test_a_stored_date_out_of_the_calendar_is_read_within_the_treatment_span(alice, carol):
    plan = make_plan(alice, carol, [(TODAY - 30 * DAY, "1.5")])
    with unchecked_rows():
        plan.steps.update(start_date=dt.date(1, 1, 1))
    assert schedule_of(alice).first_dose == dt.date(2000, 1, 1)


def test_schedule_with_problems_names_the_rows_outside_the_patients_window(
    alice, carol, django_assert_num_queries
):
    plan = make_plan(alice, carol, [(TODAY - 30 * DAY, "1.5"), (TODAY + 800 * DAY, "3")])
    with django_assert_num_queries(2):  # steps, pauses
        schedule, problems = schedule_with_problems(alice, TODAY)
    assert schedule.first_dose == TODAY - 30 * DAY
    assert [(problem.row, problem.row_id) for problem in problems] == [("step", plan.steps.last().pk)]
    assert "dated 2028-08-23 is outside 2025-06-15 to 2028-06-14" in problems[0].message


def test_patient_files_carry_the_problems_of_the_stored_record(alice, carol):
    make_plan(alice, carol, [(TODAY, "1.5")])
    with unchecked_rows():
        make_entry(alice, dt.date(1999, 12, 31))
    (problem,) = patient_files([alice])[alice.pk].record.problems
    assert (problem.row, problem.row_id) == ("entries", None)


# --- medication_periods_for, screening_answers_for, safety_of -------------------------------------


def test_medication_periods_for_counts_an_undated_medicine_from_the_local_day_it_was_listed(
    alice, bob, django_assert_num_queries
):
    alice.time_zone = "Pacific/Auckland"  # 12:00 UTC on 15 June is 00:00 on 16 June there
    Medication.objects.create(patient=alice, name="Tramadol", dose_text="50 mg")
    Medication.objects.create(patient=alice, name="Vitamin D", started_on=TODAY - 9 * DAY, stopped_on=TODAY)
    with django_assert_num_queries(1):  # every patient's medication list in one query
        periods = medication_periods_for([alice, bob])
    # sorted here: the list's order (Medication.Meta.ordering, stopped_on first) puts the NULLs of
    # medicines still taken first on SQLite and last on PostgreSQL
    rows = sorted((p.name, p.dose_text, p.first_day, p.stopped_on) for p in periods[alice.pk])
    assert rows == [
        ("Tramadol", "50 mg", TODAY + DAY, None),
        ("Vitamin D", "", TODAY - 9 * DAY, TODAY),
    ]
    assert periods[bob.pk] == []


def test_period_of_one_medicine(alice):
    medication = Medication(
        patient=alice,
        name="Codeine",
        dose_text="30 mg",
        created_at=dt.datetime(2026, 6, 14, 23, 30, tzinfo=dt.UTC),
    )
    period = period_of(medication, zoneinfo.ZoneInfo("Pacific/Auckland"))
    assert (period.name, period.dose_text, period.started_on, period.stopped_on) == (
        "Codeine",
        "30 mg",
        None,
        None,
    )
    assert period.listed_on == TODAY  # 11:30 on 15 June in Auckland
    assert period_of(medication, zoneinfo.ZoneInfo("America/New_York")).listed_on == TODAY - DAY  # 19:30


def test_screening_answers_for_take_each_patients_latest_screening(
    alice, bob, dave, carol, django_assert_num_queries
):
    Screening.objects.create(
        patient=alice, screened_by=carol, screened_at=NOW - 9 * DAY, acute_hepatitis=True
    )
    Screening.objects.create(patient=alice, screened_by=carol, screened_at=NOW - DAY, thyroid_medication=True)
    Screening.objects.create(patient=bob, screened_by=carol, screened_at=NOW - DAY, opioid_names="codeine")
    with django_assert_num_queries(1):  # every screening of these patients, newest first
        answers = screening_answers_for([alice.pk, bob.pk, dave.pk])
    assert answers[alice.pk].yes == {"thyroid_medication"}
    assert answers[bob.pk].opioid_names == "codeine"
    assert dave.pk not in answers  # never screened


def test_safety_of_reads_the_screening_the_list_and_the_schedule(alice, carol, django_assert_num_queries):
    make_plan(alice, carol, [(TODAY - 30 * DAY, "1.5")])
    Screening.objects.create(patient=alice, screened_by=carol, screened_at=NOW - 60 * DAY)
    Medication.objects.create(patient=alice, name="Oxycodone", started_on=TODAY - DAY)
    with django_assert_num_queries(4):  # screening, medication list, and the schedule's steps and pauses
        state = safety_of(alice)
    assert [finding.code for finding in state.findings] == ["opioid_with_ldn"]
    schedule = schedule_of(alice)
    with django_assert_num_queries(2):  # the schedule given: screening and medication list only
        assert safety_of(alice, schedule) == state


def test_safety_of_on_another_day(alice, carol):
    make_plan(alice, carol, [(TODAY - 30 * DAY, "1.5")])
    Screening.objects.create(patient=alice, screened_by=carol, screened_at=NOW - 60 * DAY)
    Medication.objects.create(patient=alice, name="Oxycodone", started_on=TODAY + 5 * DAY)
    assert safety_of(alice).findings == ()
    assert [finding.code for finding in safety_of(alice, day=TODAY + 5 * DAY).findings] == ["opioid_with_ldn"]


# --- patient_records ------------------------------------------------------------------------------------


def test_patient_records_run_a_fixed_number_of_queries(django_assert_num_queries, alice_on_ldn, bob, carol):
    make_plan(bob, carol, [(FIRST_DOSE, "1.5")])
    log_days(bob, FIRST_DOSE, TODAY, scores={"Pain": 4})
    patients = list(Patient.objects.filter(pk__in=[alice_on_ldn.pk, bob.pk]))
    # steps and pauses (2), screenings, tracked symptoms, entries, scores, side effects,
    # medications, dismissed advice, lab results and questionnaire answers (1 each): 11, however
    # many patients and days
    with django_assert_num_queries(11):
        records = patient_records(patients)
    with django_assert_num_queries(11):
        patient_records([alice_on_ldn])
    assert len(records[alice_on_ldn.pk].entries) == 108
    assert [m.name for m in records[bob.pk].measures] == ["Fatigue", "Pain", "Sleep quality"]
    assert len(records[bob.pk].measures[0].series) == 0  # tracked, never scored
    with django_assert_num_queries(12):
        patient_overview(alice_on_ldn)


def test_a_record_holds_the_whole_journal_as_plain_data(alice, carol):
    make_plan(alice, carol, [(TODAY - 10 * DAY, "1.5")])
    Screening.objects.create(patient=alice, screened_by=carol, screened_at=NOW - 20 * DAY)
    Medication.objects.create(patient=alice, name="Vitamin D")
    entry = make_entry(alice, TODAY - DAY, scores={"Pain": 6}, notes="Tired", sleep_quality=7)
    entry.side_effects.create(kind="other", severity="mild", other_text="Dry mouth")
    make_entry(alice, TODAY, scores={"Pain": 5, "Fatigue": 4}, dose_taken=False)
    AdviceDismissal.objects.create(
        patient=alice, rule="low_adherence", evidence_key="k", note="n", dismissed_by=carol
    )

    record = patient_records([alice])[alice.pk]
    assert record.today == TODAY
    assert record.screened is True
    assert record.day_on_ldn == 11
    assert [(e.day, e.dose_taken, e.dose_mg) for e in record.entries] == [
        (TODAY - DAY, True, Decimal("1.500")),
        (TODAY, False, None),
    ]
    measures = {measure.name: measure for measure in record.measures}
    assert list(measures) == ["Fatigue", "Pain", "Sleep quality"]  # tracked by name, then sleep
    assert measures["Pain"].series == ((TODAY - DAY, 6), (TODAY, 5))
    assert measures["Sleep quality"].tracked is False
    assert [(s.day, s.kind, s.severity, s.text) for s in record.side_effects] == [
        (TODAY - DAY, "other", "mild", "Dry mouth")
    ]
    assert [(note.day, note.text) for note in record.notes] == [(TODAY - DAY, "Tired")]
    assert [medication.name for medication in record.medications] == ["Vitamin D"]
    assert record.dismissed_keys == {"k"}
    assert record.safety.findings == ()


def test_sleep_quality_is_a_measure_only_once_recorded(alice, carol):
    make_entry(alice, TODAY, scores={"Pain": 5})
    measures = patient_records([alice])[alice.pk].measures
    assert [measure.name for measure in measures] == ["Fatigue", "Pain"]


def test_a_symptom_tracked_by_name_order_whatever_the_clinic_adds(alice, clinic):
    alice.tracked_symptoms.add(Symptom.objects.create(clinic=clinic, name="Anxiety level"))
    measures = patient_records([alice])[alice.pk].measures
    assert [measure.name for measure in measures] == ["Anxiety level", "Fatigue", "Pain"]


def test_each_record_is_as_of_the_patients_own_today(alice, bob):
    alice.time_zone = "Pacific/Kiritimati"  # UTC+14: already 16 June
    records = patient_records([alice, bob])
    assert records[alice.pk].today == TODAY + DAY
    assert records[bob.pk].today == TODAY


def test_a_patients_file_holds_the_rows_the_pages_show_besides_the_record(
    alice, carol, django_assert_num_queries
):
    first = make_plan(alice, carol, [(TODAY - 60 * DAY, "1.5")], ended_on=TODAY - 30 * DAY, status="ended")
    current = make_plan(alice, carol, [(TODAY - 30 * DAY, "3")])
    make_plan(alice, carol, [(TODAY + 30 * DAY, "4.5")], status="draft")
    Screening.objects.create(patient=alice, screened_by=carol, screened_at=NOW - 90 * DAY)
    latest = Screening.objects.create(patient=alice, screened_by=carol, screened_at=NOW - 40 * DAY)
    vitamin = Medication.objects.create(patient=alice, name="Vitamin D")
    entry = make_entry(alice, TODAY, scores={"Pain": 3}, sleep_quality=4, notes="ok")
    entry.side_effects.create(kind="headache", severity="moderate")
    entry.side_effects.create(kind="other", severity="mild", other_text="Dry mouth")
    with django_assert_num_queries(11):  # the same reads as patient_records: one file, 11 queries
        file = patient_files([alice])[alice.pk]
    with django_assert_num_queries(0):  # who prescribed and who screened come with the rows
        assert [plan.prescriber.user.username for plan in file.plans] == ["carol", "carol"]
        assert file.screening.screened_by.user.username == "carol"
    assert file.plans == (first, current)  # prescribed, oldest first
    assert file.screening == latest
    assert [symptom.name for symptom in file.symptoms] == ["Fatigue", "Pain"]
    assert file.medications == (vitamin,)
    (day,) = file.days
    assert (day.day, day.dose_taken, day.sleep_quality, day.notes, day.was_edited) == (
        TODAY,
        True,
        4,
        "ok",
        False,
    )
    assert day.scores == {Symptom.objects.get(clinic=None, name="Pain").pk: 3}
    assert sorted(day.side_effects) == [("Dry mouth", "mild"), ("Headache", "moderate")]


# --- advice_open_at_review, patient_overview ----------------------------------------------------------


def test_advice_open_at_review_is_the_latest_reviews(alice, bob, dave, carol, django_assert_num_queries):
    review(alice, carol, ["a:1"], NOW - 9 * DAY)
    review(alice, carol, ["a:2", "b:1"], NOW - DAY)
    review(bob, carol, [], NOW - DAY)
    with django_assert_num_queries(1):  # each patient's latest review, by a subquery
        open_at_review = advice_open_at_review([alice.pk, bob.pk, dave.pk])
    assert open_at_review == {alice.pk: frozenset({"a:2", "b:1"}), bob.pk: frozenset()}


def test_patient_overview_brings_the_record_its_assessment_and_chart(
    alice_on_ldn, carol, django_assert_num_queries
):
    review(alice_on_ldn, carol, [], NOW - 2 * DAY)
    alice_on_ldn.last_reviewed_at = NOW - 2 * DAY
    with django_assert_num_queries(12):  # patient_records (11) and advice_open_at_review (1)
        overview = patient_overview(alice_on_ldn)
    assert overview.record.today == TODAY
    assert [card.rule for card in overview.assessment.open_cards] == ["plan_review"]
    assert overview.figure["data"]
    assert overview.ranges
    assert overview.weeks
    assert overview.since_review.advice == 1  # the plan review was not open at the review


def test_the_overview_draws_the_chart_only_when_asked(alice_on_ldn, django_assert_num_queries):
    with django_assert_num_queries(11):  # the advice open at the last review given: the file alone
        overview = patient_overview(alice_on_ldn, open_at_review=frozenset({"plan_review:x"}))
    assert "figure" not in vars(overview)  # not drawn yet: the review's posts never draw it
    with django_assert_num_queries(0):
        assert overview.figure["data"]
    assert overview.since_review.advice == 1


def test_symptom_tracks_read_the_current_set_and_its_history_together(
    alice, bob, carol, django_assert_num_queries
):
    from journal.models import SymptomTracking

    pain, brain_fog = (Symptom.objects.get(clinic=None, name=name) for name in ("Pain", "Brain fog"))
    alice.tracked_symptoms.remove(pain)
    SymptomTracking.objects.create(
        patient=alice, symptom=pain, started_on=TODAY - 90 * DAY, stopped_on=TODAY - 9 * DAY
    )
    alice.tracked_symptoms.add(brain_fog)
    SymptomTracking.objects.create(patient=alice, symptom=brain_fog, started_on=TODAY - 20 * DAY)
    with django_assert_num_queries(1):
        tracks = symptom_tracks([alice.pk, bob.pk])
    by_name = {track.item.name: track for track in tracks[alice.pk]}
    assert list(by_name) == ["Brain fog", "Fatigue", "Pain"]
    assert (by_name["Brain fog"].current, by_name["Brain fog"].tracked_from) == (True, TODAY - 20 * DAY)
    assert (by_name["Fatigue"].current, by_name["Fatigue"].periods) == (True, ())  # since the invitation
    assert (by_name["Pain"].current, by_name["Pain"].stopped_on) == (False, TODAY - 9 * DAY)
    assert [track.item.name for track in tracks[bob.pk]] == ["Fatigue", "Pain"]


def test_condition_tracks_keep_a_removed_condition(alice, django_assert_num_queries):
    from journal.models import Condition, ConditionPeriod

    lupus, ibs = (Condition.objects.get(clinic=None, name=name) for name in ("Lupus", "IBS"))
    alice.conditions.add(ibs)
    ConditionPeriod.objects.create(
        patient=alice, condition=lupus, started_on=TODAY - 30 * DAY, stopped_on=TODAY
    )
    with django_assert_num_queries(1):
        tracks = condition_tracks([alice.pk])[alice.pk]
    assert [(t.item.name, t.current, t.periods) for t in tracks] == [
        ("IBS", True, ()),
        ("Lupus", False, ((TODAY - 30 * DAY, TODAY),)),
    ]
