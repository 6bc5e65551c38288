"""journal.services.snapshots: the roster's stored row of each patient is, at every moment the
roster reads it, what a full recomputation says — after every write, across local midnights
in any time zone, with or without the worker's refresh."""

from __future__ import annotations

import contextlib
import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.models import Patient, RosterSnapshot, Screening
from journal.schedule import DAY
from journal.selectors.roster import roster_patients, roster_rows
from journal.services.entries import entry_save
from journal.services.invitations import patient_invite
from journal.services.medications import medication_add, medication_stop
from journal.services.messages import question_answer, question_ask
from journal.services.plans import ldn_pause_record, plan_create
from journal.services.review import advice_dismiss, patient_mark_reviewed
from journal.services.snapshots import (
    next_midnight,
    page_snapshots,
    snapshot_of,
    snapshot_refresh,
    snapshots_refresh,
    snapshots_refresh_due,
    snapshots_refresh_stale,
)
from tests.factories import make_entry, make_patient, make_plan

START = dt.datetime(2026, 3, 6, 20, tzinfo=dt.UTC)  # DST begins in Havana and the US that weekend
ZONES = ("UTC", "Pacific/Auckland", "America/Los_Angeles", "America/Havana", "Asia/Kolkata")


def recomputed(patient: Patient) -> dict:
    """The row a full recomputation gives now, as the stored row's values."""
    (row,) = roster_rows(Patient.objects.filter(pk=patient.pk))
    return _values(snapshot_of(row, timezone.now()))


def _values(snapshot: RosterSnapshot) -> dict:
    values = model_to_dict(snapshot, exclude=["computed_at"])
    values["dose_mg"] = None if snapshot.dose_mg is None else Decimal(snapshot.dose_mg).normalize()
    return values


def stored(patient: Patient) -> dict:
    return _values(RosterSnapshot.objects.get(patient=patient))


# --- next_midnight ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "expected"),
    [
        ("UTC", dt.date(2026, 3, 6), dt.datetime(2026, 3, 7, 0, tzinfo=dt.UTC)),
        ("Pacific/Auckland", dt.date(2026, 3, 7), dt.datetime(2026, 3, 7, 11, tzinfo=dt.UTC)),  # NZDT +13
        ("America/Los_Angeles", dt.date(2026, 3, 8), dt.datetime(2026, 3, 9, 7, tzinfo=dt.UTC)),  # PDT -7
        # Havana's clocks go from 00:00 to 01:00 on 8 March 2026: the day begins at 01:00 CDT
        ("America/Havana", dt.date(2026, 3, 7), dt.datetime(2026, 3, 8, 5, tzinfo=dt.UTC)),
    ],
)
def test_next_midnight_is_the_first_moment_of_the_next_local_day(zone, day, expected):
    moment = next_midnight(zoneinfo.ZoneInfo(zone), day)
    assert moment == expected
    assert moment.astimezone(zoneinfo.ZoneInfo(zone)).date() == day + DAY
    assert (moment - dt.timedelta(seconds=1)).astimezone(zoneinfo.ZoneInfo(zone)).date() == day


# --- the services keep the row in step --------------------------------------------------------


@pytest.mark.frozen_at(START)
def test_snapshot_refresh_stores_the_roster_row_of_today(frozen, alice, carol):
    make_plan(alice, carol, [(START.date() - 20 * DAY, "1.5")])
    snapshot_refresh(alice, timezone.now())
    row = RosterSnapshot.objects.get(patient=alice)
    assert (row.dose_phrase, row.day_on_ldn, row.phase, row.computed_for) == (
        "1.5 mg at bedtime",
        21,
        "maintenance",  # a plan of one step
        START.date(),
    )
    assert row.fresh_until == dt.datetime(2026, 3, 7, tzinfo=dt.UTC)


@pytest.mark.frozen_at(START)
def test_each_write_refreshes_the_row_in_its_transaction(frozen, alice, carol):
    today = START.date()
    Screening.objects.create(patient=alice, screened_by=carol)
    plan_create(
        patient=alice,
        clinician=carol,
        patient_reason="A reason.",
        steps=[(today - 10 * DAY, Decimal("1.5"))],
        timing="bedtime",
        form="capsule",
        strength_mg=None,
        warnings_confirmed=True,
        today=today,
    )
    assert stored(alice)["dose_phrase"] == "1.5 mg at bedtime"
    _log(alice, today, taken=True, pain=4)
    assert stored(alice)["last_entry"] == today
    medication = medication_add(patient=alice, actor=carol.user, name="Tramadol 50 mg", started_on=today)
    assert stored(alice)["has_alerts"] is True
    medication_stop(medication=medication, actor=carol.user, stopped_on=today)
    patient_mark_reviewed(patient=alice, clinician=carol, open_advice_keys=[])
    assert stored(alice)["new_entries"] == 0
    question = question_ask(patient=alice, topic="general", text="Is this normal?", today=today)
    assert stored(alice)["open_questions"] == 1
    question_answer(question=question, clinician=carol, answer="Yes.")
    assert stored(alice)["open_questions"] == 0
    assert stored(alice) == recomputed(alice)


@pytest.mark.frozen_at(START)
def test_dismissing_advice_and_inviting_a_patient_refresh_their_rows(frozen, alice, carol):
    make_plan(alice, carol, [(START.date() - 30 * DAY, "1.5")])
    for back in range(14):
        make_entry(alice, START.date() - back * DAY, dose_taken=False, scores={"Pain": 5})
    snapshot_refresh(alice, timezone.now())
    (row,) = roster_rows(Patient.objects.filter(pk=alice.pk))
    cards = row.assessment.open_cards
    assert stored(alice)["open_advice"] == len(cards) > 0
    advice_dismiss(patient=alice, clinician=carol, card=cards[0], note="Away on holiday.")
    assert stored(alice)["open_advice"] == len(cards) - 1
    nora, _ = patient_invite(clinician=carol, name="Nora", time_zone="Europe/Paris")
    assert stored(nora) == recomputed(nora)


@pytest.mark.frozen_at(START)
def test_a_failed_write_leaves_the_row_as_it_was(frozen, alice, carol):
    snapshot_refresh(alice, timezone.now())
    before = stored(alice)
    with pytest.raises(ValidationError):
        medication_add(patient=alice, actor=carol.user, name="Tramadol", started_on=START.date() + 400 * DAY)
    assert stored(alice) == before


# --- midnight: the worker, and the page's own refresh ------------------------------------------


@pytest.mark.frozen_at(START)
def test_the_worker_refreshes_the_rows_past_local_midnight_only(frozen, clinic, alice, carol):
    los_angeles = make_patient(clinic, None, name="Lou", time_zone="America/Los_Angeles")
    for patient in (alice, los_angeles):
        make_plan(patient, carol, [(START.date() - 5 * DAY, "1.5")])
    snapshots_refresh([alice.pk, los_angeles.pk], timezone.now())
    with time_machine.travel(dt.datetime(2026, 3, 7, 1, tzinfo=dt.UTC), tick=False):  # 17:00 in LA
        assert snapshots_refresh_due(now=timezone.now()) == 1  # Alice's day (UTC) changed
        assert stored(alice) == recomputed(alice)
        assert stored(alice)["day_on_ldn"] == 7
        assert stored(los_angeles)["computed_for"] == START.date()
        assert snapshots_refresh_due(now=timezone.now()) == 0


@pytest.mark.frozen_at(START)
def test_the_worker_refreshes_at_most_its_limit(frozen, clinic):
    for n in range(3):
        make_patient(clinic, None, name=f"P{n}")
    assert snapshots_refresh_due(now=timezone.now(), limit=2) == 2
    assert snapshots_refresh_due(now=timezone.now(), limit=2) == 1
    assert RosterSnapshot.objects.count() == 3


@pytest.mark.frozen_at(START)
def test_a_page_shows_no_row_of_an_older_day(frozen, clinic, alice, bob, carol):
    for patient in (alice, bob):
        make_plan(patient, carol, [(START.date() - 5 * DAY, "1.5")])
    snapshots_refresh([alice.pk, bob.pk], timezone.now())
    with time_machine.travel(START + DAY, tick=False):
        # more rows due than the page refreshes ahead: the page's own rows are computed in place
        assert snapshots_refresh_stale(Patient.objects.all(), timezone.now(), limit=1) == 1
        rows = page_snapshots(list(roster_patients(Patient.objects.all())), timezone.now())
        assert [_values(row) for row in rows] == [recomputed(alice), recomputed(bob)]
        assert [row.day_on_ldn for row in rows] == [7, 7]


def _log(patient: Patient, day: dt.date, *, taken: bool, pain: int, headache: bool = False) -> None:
    entry_save(
        patient=patient,
        entry_date=day,
        dose_taken=taken,
        dose_mg=Decimal("1.5") if taken else None,
        timing_taken="bedtime" if taken else "",
        time_taken=None,
        sleep_quality=None,
        notes="",
        dose_deviation_confirmed=True,
        scores={patient.tracked_symptoms.get(name="Pain").pk: pain},
        side_effects={"headache": ("mild", "")} if headache else {},
    )


# --- the property: stored equals recomputed ------------------------------------------------------

steps = st.lists(
    st.one_of(
        st.tuples(st.just("entry"), st.integers(0, 20), st.booleans(), st.integers(0, 10), st.booleans()),
        st.tuples(st.just("plan"), st.integers(-40, 10), st.sampled_from(["0.5", "1.5", "3", "4.5"])),
        st.tuples(st.just("pause"), st.integers(0, 5), st.integers(1, 10)),
        st.tuples(st.just("medication"), st.booleans()),
        st.tuples(st.just("stop")),
        st.tuples(st.just("review")),
        st.tuples(st.just("question"), st.integers(0, 20)),
        st.tuples(st.just("answer")),
        st.tuples(st.just("wait"), st.integers(1, 40)),
        st.tuples(st.just("worker")),
    ),
    max_size=14,
)


def _apply(step: tuple, patient: Patient, carol) -> None:
    today = patient.local_today()
    match step:
        case ("entry", back, taken, pain, headache):
            _log(patient, today - back * DAY, taken=taken, pain=pain, headache=headache)
        case ("plan", offset, dose):
            plan_create(
                patient=patient,
                clinician=carol,
                patient_reason="A reason.",
                steps=[(today + offset * DAY, Decimal(dose))],
                timing="bedtime",
                form="capsule",
                strength_mg=None,
                warnings_confirmed=True,
                today=today,
            )
        case ("pause", offset, days):
            start = today + offset * DAY
            ldn_pause_record(
                patient=patient, clinician=carol, start_date=start, end_date=start + days * DAY,
                reason="Surgery", patient_reason="Surgery ahead.", today=today,
            )  # fmt: skip
        case ("medication", opioid):
            name = "Tramadol 50 mg" if opioid else "Vitamin D"
            medication_add(patient=patient, actor=carol.user, name=name, started_on=today)
        case ("stop",):
            for medication in patient.medications.filter(stopped_on=None):
                medication_stop(medication=medication, actor=carol.user, stopped_on=today)
        case ("question", back):
            question_ask(
                patient=patient,
                topic="entry",
                entry_date=today - back * DAY,
                text="Is this normal?",
                today=today,
            )
        case ("answer",):
            for question in patient.questions.filter(answered_at=None)[:1]:
                question_answer(question=question, clinician=carol, answer="Yes.")
        case ("review",):
            (row,) = roster_rows(Patient.objects.filter(pk=patient.pk))
            keys = [card.key for card in row.assessment.open_cards]
            patient_mark_reviewed(patient=patient, clinician=carol, open_advice_keys=keys)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(zone=st.sampled_from(ZONES), history=steps, other_history=steps)
def test_the_stored_row_equals_a_full_recomputation(db, clinic, carol, zone, history, other_history):
    """Random histories of two patients in a time zone and UTC, written through the services
    while the clock moves on: after every step, each row not yet past its patient's midnight
    is what a recomputation says; the worker refreshes the rest; and what a roster page shows
    is always the recomputation."""
    with time_machine.travel(START, tick=False) as clock, transaction.atomic():
        created = timezone.now() - 200 * DAY
        patient = make_patient(clinic, None, name="Pat", time_zone=zone, created_at=created)
        other = make_patient(clinic, None, name="Quinn", created_at=created)
        for each in (patient, other):
            Screening.objects.create(patient=each, screened_by=carol, screened_at=created)
        for n in range(5):
            make_entry(patient, patient.local_today() - (30 + n) * DAY, scores={"Pain": 6})
        snapshots_refresh([patient.pk, other.pk], timezone.now())
        for step, whose in [
            *((step, patient) for step in history),
            *((step, other) for step in other_history),
        ]:
            if step[0] == "wait":
                clock.shift(dt.timedelta(hours=step[1]))
            elif step[0] == "worker":
                snapshots_refresh_due(now=timezone.now())
            else:
                with contextlib.suppress(ValidationError):  # a refused write writes nothing
                    _apply(step, whose, carol)
            for each in (patient, other):
                row = RosterSnapshot.objects.get(patient=each)
                if row.fresh_until > timezone.now():
                    assert stored(each) == recomputed(each), step
        shown = page_snapshots(list(roster_patients(Patient.objects.all())), timezone.now())
        assert [_values(row) for row in shown] == [recomputed(patient), recomputed(other)]
        transaction.set_rollback(True)
