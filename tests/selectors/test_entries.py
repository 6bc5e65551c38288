"""journal.selectors.entries: the patient's diary around today (a fixed number of queries
however many days), and the clinician's recent entries read from the patient's file, with what
was changed in each edited one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from journal.models import Symptom
from journal.schedule import DAY
from journal.selectors.entries import (
    CHANGES_SHOWN,
    RECENT_ENTRY_DAYS,
    day_entry,
    diary_without_details,
    entry_change_log,
    entry_form_reads,
    entry_history,
    entry_loggers,
    history_diary,
    patient_diary,
    recent_entries,
    stored_entry,
)
from journal.selectors.records import patient_files
from journal.services.entries import entry_save
from tests.factories import make_entry, make_plan

D = dt.date
NOW = dt.datetime(2026, 3, 20, 19, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture
def plan(alice, carol):
    return make_plan(alice, carol, [(D(2026, 3, 1), "1.5"), (D(2026, 3, 15), "3")])


# --- patient_diary ----------------------------------------------------------------------------------


def test_patient_diary_query_count(alice, plan, django_assert_num_queries):
    for offset in range(10):
        make_entry(alice, D(2026, 3, 10) + dt.timedelta(days=offset), scores={"Pain": 3, "Fatigue": 4})
    # the schedule's steps and pauses (2), the entries in the range, their scores with the
    # symptoms, their side effects (1 each): 5, however many days
    with django_assert_num_queries(5):
        diary = patient_diary(alice, since=D(2026, 2, 20), today=D(2026, 3, 20))
        entries = diary.entries.values()
        assert sum(len(entry.scores.all()) + len(entry.side_effects.all()) for entry in entries) == 20
        assert [score.symptom.name for score in diary.entries[D(2026, 3, 10)].scores.all()]


def test_the_diary_holds_the_entries_from_since_to_today(alice, plan):
    for day in (D(2026, 2, 19), D(2026, 2, 20), D(2026, 3, 20), D(2026, 3, 21)):
        make_entry(alice, day)
    diary = patient_diary(alice, since=D(2026, 2, 20), today=D(2026, 3, 20))
    assert sorted(diary.entries) == [D(2026, 2, 20), D(2026, 3, 20)]
    assert diary.today == D(2026, 3, 20)
    assert diary.schedule.first_dose == D(2026, 3, 1)


def test_a_month_of_history_holds_that_month_and_the_recent_days_only(alice, plan, django_assert_num_queries):
    days = (D(2025, 12, 31), D(2026, 1, 1), D(2026, 1, 31), D(2026, 2, 1), D(2026, 2, 19), D(2026, 2, 20))
    for day in (*days, D(2026, 3, 20), D(2026, 3, 21)):
        make_entry(alice, day, scores={"Pain": 3})
    schedule = patient_diary(alice, since=TODAY, today=TODAY).schedule
    # the entries, their scores with the symptoms, their side effects: 3, whichever month
    with django_assert_num_queries(3):
        diary = history_diary(
            alice,
            first=D(2026, 1, 1),
            last=D(2026, 1, 31),
            recent_days=30,
            today=D(2026, 3, 20),
            schedule=schedule,
        )
        assert [score.score for score in diary.entries[D(2026, 1, 1)].scores.all()] == [3]
    # January, and 30 days back from 20 March (from 19 February); never after today
    assert sorted(diary.entries) == [
        D(2026, 1, 1),
        D(2026, 1, 31),
        D(2026, 2, 19),
        D(2026, 2, 20),
        D(2026, 3, 20),
    ]


def test_the_diary_without_details_holds_the_same_days_and_statuses_in_three_queries(
    alice, plan, django_assert_num_queries
):
    for offset, taken in enumerate([True, False, True]):
        make_entry(alice, D(2026, 3, 14) + offset * DAY, dose_taken=taken, scores={"Pain": 3})
    since, today = D(2026, 3, 10), D(2026, 3, 20)
    with django_assert_num_queries(3):  # steps, pauses, the days logged
        light = diary_without_details(alice, since=since, today=today)
    full = patient_diary(alice, since=since, today=today)
    assert light.entries.keys() == full.entries.keys()
    assert light.days(since, today) == full.days(since, today)
    assert light.adherence(7) == full.adherence(7)


# --- day_entry, tracked_symptoms -------------------------------------------------------------------


def test_day_entry_holds_the_days_entry_with_its_scores_and_side_effects(
    alice, bob, plan, django_assert_num_queries
):
    pain = Symptom.objects.get(clinic=None, name="Pain")
    for patient, score in ((alice, 7), (bob, 2)):
        entry_save(
            patient=patient,
            entry_date=TODAY,
            dose_taken=True,
            dose_mg=Decimal("3"),
            timing_taken="morning",
            time_taken=dt.time(7, 30),
            sleep_quality=4,
            notes=f"{patient.user.username}'s day",
            dose_deviation_confirmed=False,
            scores={pain.pk: score},
            side_effects={"other": ("mild", "dry mouth")},
        )
    make_entry(alice, TODAY - DAY, dose_taken=False)
    with django_assert_num_queries(3):  # the entry, its scores, its side effects: one round trip
        logged = day_entry(alice, TODAY)
    assert logged is not None
    entry = logged.entry
    assert (entry.entry_date, entry.dose_taken, entry.dose_mg, entry.timing_taken, entry.time_taken) == (
        TODAY,
        True,
        Decimal("3.000"),
        "morning",
        dt.time(7, 30),
    )
    assert (entry.sleep_quality, entry.notes) == (4, "alice's day")
    assert logged.scores == {pain.pk: 7}
    assert logged.side_effects == {"other": ("mild", "dry mouth")}
    assert day_entry(bob, TODAY).scores == {pain.pk: 2}
    assert day_entry(alice, TODAY - DAY).scores == {}
    with django_assert_num_queries(3):
        assert day_entry(alice, TODAY - 2 * DAY) is None  # not logged


def test_stored_entry_holds_the_rows_a_save_changes(alice, plan, django_assert_num_queries):
    pain = Symptom.objects.get(clinic=None, name="Pain")
    make_entry(alice, TODAY, scores={"Pain": 6})
    with django_assert_num_queries(3):
        stored = stored_entry(alice, TODAY)
    assert stored is not None
    assert stored.entry.pk == alice.entries.get(entry_date=TODAY).pk
    assert {symptom_id: row.score for symptom_id, row in stored.scores.items()} == {pain.pk: 6}
    assert stored.scores[pain.pk].pk == alice.entries.get().scores.get().pk
    assert stored.side_effects == {}
    assert stored.shown().scores == {pain.pk: 6}
    assert stored_entry(alice, TODAY - DAY) is None


def test_entry_form_reads_the_schedule_the_symptoms_and_the_days_entry_together(
    alice, bob, plan, django_assert_num_queries
):
    alice.tracked_symptoms.set(Symptom.objects.filter(clinic=None, name__in=["Pain", "Fatigue", "Brain fog"]))
    bob.tracked_symptoms.set(Symptom.objects.filter(clinic=None, name__in=["Pain"]))
    make_entry(alice, TODAY, scores={"Pain": 6})
    with django_assert_num_queries(6):  # steps, pauses, symptoms, the entry, its scores and side effects
        reads = entry_form_reads(alice, TODAY)
    assert reads.schedule.first_dose == D(2026, 3, 1)
    assert [(symptom.name, symptom.higher_is_better) for symptom in reads.symptoms] == [
        ("Brain fog", False),
        ("Fatigue", False),
        ("Pain", False),
    ]
    assert reads.symptoms == list(alice.tracked_symptoms.all())  # the rows themselves, by id
    assert reads.logged is not None and reads.logged.scores == {
        Symptom.objects.get(clinic=None, name="Pain").pk: 6
    }
    with django_assert_num_queries(3):  # no day: no entry
        without_day = entry_form_reads(bob)
    assert [symptom.name for symptom in without_day.symptoms] == ["Pain"]
    assert without_day.logged is None
    assert entry_form_reads(alice, TODAY - DAY).logged is None  # not logged


# --- recent_entries ----------------------------------------------------------------------------------


def save(patient, day: dt.date, pain: int, dose: str = "3", by=None) -> None:
    pain_id = Symptom.objects.get(clinic=None, name="Pain").pk
    entry_save(
        patient=patient,
        entry_date=day,
        dose_taken=True,
        dose_mg=Decimal(dose),
        timing_taken="bedtime",
        time_taken=None,
        sleep_quality=None,
        notes="",
        dose_deviation_confirmed=False,
        scores={pain_id: pain},
        side_effects={},
        logged_by=by,
    )


@pytest.mark.frozen_at(NOW)
def test_recent_entries_are_the_last_14_days_newest_first_with_the_tracked_scores(
    alice, plan, frozen, django_assert_num_queries
):
    for back in (0, 1, 13, 14):
        make_entry(alice, TODAY - back * DAY, scores={"Fatigue": back % 10})
    file = patient_files([alice])[alice.pk]
    with django_assert_num_queries(0):  # read from the file: nothing was edited
        recent = recent_entries(file)
    assert [row.entry.day for row in recent] == [TODAY, TODAY - DAY, TODAY - 13 * DAY]
    assert [row.scores for row in recent] == [[0, None], [1, None], [3, None]]  # Fatigue, Pain
    assert all(row.changes == [] for row in recent)
    assert RECENT_ENTRY_DAYS == 14


def test_an_edited_entry_comes_with_its_changes(alice, plan, time_machine, django_assert_num_queries):
    time_machine.move_to(NOW - dt.timedelta(hours=2), tick=False)
    save(alice, TODAY, pain=4)
    time_machine.move_to(NOW, tick=False)
    save(alice, TODAY, pain=2, dose="1.5")
    file = patient_files([alice])[alice.pk]
    with django_assert_num_queries(2):  # the edited entries' versions, then their scores' versions
        (row,) = recent_entries(file)
    assert row.entry.was_edited
    assert [(change.what, change.before, change.after) for change in row.changes] == [
        ("Dose (mg)", "3.000", "1.500"),
        ("Pain", "4", "2"),
    ]
    assert {change.saved_at for change in row.changes} == {NOW}


def test_a_score_of_a_symptom_no_longer_tracked_is_named_as_such(alice, plan, time_machine):
    time_machine.move_to(NOW - dt.timedelta(hours=2), tick=False)
    save(alice, TODAY, pain=4)
    time_machine.move_to(NOW, tick=False)
    save(alice, TODAY, pain=2)
    alice.tracked_symptoms.remove(Symptom.objects.get(clinic=None, name="Pain"))
    (row,) = recent_entries(patient_files([alice])[alice.pk])
    assert [(change.what, change.before, change.after) for change in row.changes] == [
        ("a symptom no longer tracked", "4", "2")
    ]


def test_a_much_edited_entry_brings_its_latest_changes_and_their_count(alice, plan, time_machine):
    for edit in range(CHANGES_SHOWN + 6):
        time_machine.move_to(NOW - dt.timedelta(minutes=60 - edit), tick=False)
        save(alice, TODAY, pain=edit % 2)
    (row,) = recent_entries(patient_files([alice])[alice.pk])
    assert row.change_count == CHANGES_SHOWN + 5
    assert len(row.changes) == CHANGES_SHOWN
    assert row.changes[-1].saved_at == NOW - dt.timedelta(minutes=60 - CHANGES_SHOWN - 5)  # the latest, last


# --- entry_change_log ----------------------------------------------------------------------------------


def test_the_change_log_is_every_change_to_one_entry_newest_first(
    alice, plan, time_machine, django_assert_num_queries
):
    for edit, pain in enumerate([4, 2, 2, 5]):
        time_machine.move_to(NOW - dt.timedelta(hours=4 - edit), tick=False)
        save(alice, TODAY, pain=pain)
    save(alice, TODAY - DAY, pain=7)  # another day's entry is not in it
    with django_assert_num_queries(4):  # the entry, its versions, its scores' versions, the symptoms
        log = entry_change_log(alice, TODAY)
    assert [(change.what, change.before, change.after) for change in log] == [
        ("Pain", "2", "5"),
        ("Pain", "4", "2"),
    ]
    assert log[0].saved_at > log[1].saved_at
    with django_assert_num_queries(1):
        assert entry_change_log(alice, TODAY - 5 * DAY) == []


# --- who logged an entry: the patient or their caregiver ------------------------------------------


def test_the_clinician_reads_which_entries_the_caregiver_logged(
    alice, plan, gina, time_machine, django_assert_num_queries
):
    time_machine.move_to(NOW - dt.timedelta(hours=3), tick=False)
    save(alice, TODAY - DAY, pain=6, by=alice.user)
    save(alice, TODAY, pain=5, by=gina.user)
    time_machine.move_to(NOW, tick=False)
    save(alice, TODAY - DAY, pain=4, by=gina.user)  # the caregiver corrects Alice's entry
    with django_assert_num_queries(1):
        loggers = entry_loggers(alice)
    rows = recent_entries(patient_files([alice])[alice.pk], loggers=loggers)
    assert [row.logged_by for row in rows] == ["logged by Gina Carer (caregiver)"] * 2
    assert ("Logged by", "Alice", "Gina Carer (caregiver)") in [
        (change.what, change.before, change.after) for change in rows[1].changes
    ]
    with django_assert_num_queries(5):  # the entry, the caregivers, the versions, the scores', the symptoms
        history = entry_history(alice, TODAY - DAY)
    assert history.logged_by == "logged by Gina Carer (caregiver)"
    assert {change.what for change in history.changes} == {"Pain", "Logged by"}
    with django_assert_num_queries(1):
        assert entry_history(alice, TODAY - 9 * DAY).changes == []


@pytest.mark.frozen_at(NOW)
def test_an_entry_saved_before_entries_recorded_who_saved_it_is_the_patients(alice, plan, gina, frozen):
    save(alice, TODAY, pain=5)  # logged_by empty, as every row made before caregivers
    (row,) = recent_entries(patient_files([alice])[alice.pk], loggers=entry_loggers(alice))
    assert row.logged_by is None
    assert entry_history(alice, TODAY).logged_by is None
