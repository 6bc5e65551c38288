"""journal.services.audit: the audit row every write records, the reads of a request in one
INSERT, the patient row lock, one-time request keys, and the confirmation that warnings need."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from journal.findings import Finding, Level
from journal.models import AccessEvent, AuditEvent, Patient
from journal.services.audit import (
    READS_PER_INSERT,
    already_applied,
    finding_dicts,
    lock_patient,
    record_audit,
    record_reads,
    require_confirmation,
)

NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
REFUSAL = Finding(Level.REFUSE, "not_ldn", "50 mg is not LDN.", "A reason.")
BLOCK = Finding(Level.BLOCK, "no_screening", "No screening.", "Screen first.")
WARNING = Finding(Level.WARN, "start_high", "Starts high.", "Start low.")
OTHER_WARNING = Finding(Level.WARN, "big_step_up", "A big step.", "Go slow.")
NOTE = Finding(Level.NOTE, "below_low_dose", "A low target.", "Bands.")

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


# --- record_audit ---------------------------------------------------------------------------------


def test_record_audit_about_a_patient_belongs_to_their_clinic(alice, carol):
    event = record_audit(patient=alice, actor=carol.user, kind=AuditEvent.Kind.REVIEWED, summary="Looked.")
    event.refresh_from_db()
    assert event.patient == alice
    assert event.clinic == alice.clinic
    assert event.actor == carol.user
    assert event.kind == AuditEvent.Kind.REVIEWED
    assert event.summary == "Looked."
    assert event.details == {}
    assert event.request_key is None
    assert event.at == NOW


def test_record_audit_about_the_clinic_itself(ada):
    event = record_audit(
        patient=None,
        clinic=ada.clinic,
        actor=ada.user,
        kind=AuditEvent.Kind.CLINICIAN_ADDED,
        summary="Added.",
    )
    assert event.patient is None
    assert event.clinic == ada.clinic


def test_record_audit_keeps_details_and_the_request_key(alice, carol):
    event = record_audit(
        patient=alice,
        actor=carol.user,
        kind=AuditEvent.Kind.PLAN_CHANGED,
        summary="Changed.",
        details={"plan": 1},
        request_key="abc",
    )
    event.refresh_from_db()
    assert event.details == {"plan": 1}
    assert event.request_key == "abc"


def test_an_empty_request_key_is_no_key(alice, carol):
    # Stored as NULL, so any number of rows without a key stay within the unique constraint.
    for _ in range(2):
        record_audit(patient=alice, actor=carol.user, kind="reviewed", summary="x", request_key="")
    assert list(AuditEvent.objects.values_list("request_key", flat=True)) == [None, None]


def test_a_long_summary_is_cut_to_the_column(alice, carol):
    event = record_audit(patient=alice, actor=carol.user, kind="reviewed", summary="x" * 600)
    assert len(event.summary) == 500


def test_an_audit_row_is_about_a_patient_or_a_clinic(carol):
    with pytest.raises(ValueError, match="about a patient or a clinic"):
        record_audit(patient=None, actor=carol.user, kind=AuditEvent.Kind.REVIEWED, summary="x")
    assert not AuditEvent.objects.exists()


def test_an_unknown_kind_is_refused_and_nothing_is_written(alice, carol):
    with pytest.raises(ValidationError):
        record_audit(patient=alice, actor=carol.user, kind="guessed", summary="x")
    assert not AuditEvent.objects.exists()


# --- lock_patient, already_applied --------------------------------------------------------------


def test_lock_patient_reads_only_the_patient_row(alice, django_assert_num_queries):
    with django_assert_num_queries(1):  # SELECT … FOR UPDATE of the primary key alone
        lock_patient(alice)


def test_lock_patient_locks_the_row_where_the_database_locks_rows(alice):
    with CaptureQueriesContext(connection) as queries:
        lock_patient(alice)
    (query,) = queries.captured_queries
    assert ("FOR UPDATE" in query["sql"]) == connection.features.has_select_for_update  # not SQLite
    assert str(alice.pk) in query["sql"]


@pytest.mark.django_db(transaction=True)
def test_lock_patient_outside_a_transaction_is_refused(alice):
    with pytest.raises(TransactionManagementError):
        lock_patient(alice)  # the lock would end with the statement
    with transaction.atomic():
        lock_patient(alice)


def test_lock_patient_of_a_deleted_patient_fails(alice):
    gone = Patient(pk=alice.pk + 1000)
    with pytest.raises(Patient.DoesNotExist):
        lock_patient(gone)


def test_already_applied_finds_the_row_of_the_same_submission(alice, carol, django_assert_num_queries):
    event = record_audit(patient=alice, actor=carol.user, kind="reviewed", summary="x", request_key="k1")
    with django_assert_num_queries(1):  # one indexed lookup on the unique request key
        assert already_applied("k1") == event
    assert already_applied("k2") is None


@pytest.mark.parametrize("key", [None, ""])
def test_no_request_key_is_never_applied_and_reads_nothing(db, key, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert already_applied(key) is None


# --- finding_dicts, require_confirmation ---------------------------------------------------------


def test_finding_dicts_keep_level_code_message_and_reason():
    assert finding_dicts([WARNING, NOTE]) == [
        {"level": "warn", "code": "start_high", "message": "Starts high.", "reason": "Start low."},
        {"level": "note", "code": "below_low_dose", "message": "A low target.", "reason": "Bands."},
    ]


@pytest.mark.parametrize("confirmed", [False, True])
def test_refusals_and_blocks_stop_the_change_even_when_confirmed(alice, carol, confirmed):
    with pytest.raises(ValidationError) as refusal:
        require_confirmation(
            [REFUSAL, BLOCK, WARNING], confirmed, patient=alice, actor=carol.user, about="a new plan"
        )
    assert refusal.value.messages == ["50 mg is not LDN.", "No screening."]
    assert not AuditEvent.objects.exists()


def test_unconfirmed_warnings_stop_the_change_with_every_warning(alice, carol):
    with pytest.raises(ValidationError) as refusal:
        require_confirmation(
            [WARNING, OTHER_WARNING, NOTE], False, patient=alice, actor=carol.user, about="x"
        )
    assert refusal.value.messages == ["Confirm the warnings to save: Starts high. A big step."]
    assert not AuditEvent.objects.exists()


def test_confirmed_warnings_are_recorded_in_one_row(alice, carol):
    require_confirmation(
        [WARNING, OTHER_WARNING, NOTE], True, patient=alice, actor=carol.user, about="a taper"
    )
    event = AuditEvent.objects.get()
    assert event.kind == AuditEvent.Kind.WARNING_CONFIRMED
    assert event.actor == carol.user
    assert event.summary == "Confirmed for a taper: Starts high. A big step."
    assert event.details["about"] == "a taper"
    assert [warning["code"] for warning in event.details["warnings"]] == ["start_high", "big_step_up"]


@pytest.mark.parametrize("confirmed", [False, True])
def test_notes_alone_pass_and_write_nothing(alice, carol, confirmed):
    require_confirmation([NOTE], confirmed, patient=alice, actor=carol.user, about="x")
    require_confirmation([], confirmed, patient=alice, actor=carol.user, about="x")
    assert not AuditEvent.objects.exists()


# --- record_reads ---------------------------------------------------------------------------------


def reads_of(patients: list[Patient], actor) -> list[AccessEvent]:
    return [
        AccessEvent(clinic_id=p.clinic_id, patient=p, actor=actor, what="clinic_csv", client_address="::1")
        for p in patients
    ]


def inserts(queries: CaptureQueriesContext) -> int:
    return sum(
        query["sql"].startswith('INSERT INTO "journal_accessevent"') for query in queries.captured_queries
    )


def test_record_reads_writes_a_clinic_export_of_500_patients_in_one_insert(clinic, ada):
    patients = Patient.objects.bulk_create([Patient(clinic=clinic, name=f"P{n}") for n in range(500)])
    with CaptureQueriesContext(connection) as queries:
        record_reads(reads_of(patients, ada.user))
    assert inserts(queries) == 1
    assert AccessEvent.objects.filter(actor=ada.user, at=NOW, client_address="::1").count() == 500


def test_record_reads_splits_only_beyond_what_one_statement_takes(clinic, ada, monkeypatch):
    monkeypatch.setattr("journal.services.audit.READS_PER_INSERT", 2)
    patients = Patient.objects.bulk_create([Patient(clinic=clinic, name=f"P{n}") for n in range(5)])
    with CaptureQueriesContext(connection) as queries:
        record_reads(reads_of(patients, ada.user))
    assert inserts(queries) == 3
    assert AccessEvent.objects.count() == 5
    assert READS_PER_INSERT * 6 <= 32766  # six values a read, within SQLite's limit


def test_record_reads_of_nothing_writes_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        record_reads([])


# --- insert_rows --------------------------------------------------------------------------------


def test_insert_rows_takes_a_minutes_reminders_in_one_insert_with_their_ids(clinic):
    from journal.models import OutgoingMail
    from journal.services.audit import insert_rows, rows_per_insert

    mails = [OutgoingMail(to=f"p{n}@example.org", subject="s", body="b") for n in range(2000)]
    assert rows_per_insert(OutgoingMail) >= 2000
    with CaptureQueriesContext(connection) as queries:
        insert_rows(mails, per_insert=rows_per_insert(OutgoingMail), returning=True)
    assert len(queries) == 1
    assert sorted(m.pk for m in mails) == sorted(OutgoingMail.objects.values_list("pk", flat=True))
    assert not mails[0]._state.adding


def test_insert_rows_leaves_out_rows_that_break_a_unique_constraint(alice):
    from journal.models import ReminderOccasion
    from journal.services.audit import insert_rows

    def occasion(text: str) -> ReminderOccasion:
        return ReminderOccasion(
            patient=alice, kind="dose", day=NOW.date(), due_at=NOW, text=text, claimed_by=text
        )

    insert_rows([occasion("first")], per_insert=10)
    insert_rows([occasion("second")], per_insert=10, ignore_conflicts=True)
    assert list(ReminderOccasion.objects.values_list("text", flat=True)) == ["first"]
