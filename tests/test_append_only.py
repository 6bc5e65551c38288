"""The audit log and the access log are append-only in the database: a raw UPDATE or DELETE
(or, on PostgreSQL, TRUNCATE) is refused on SQLite and PostgreSQL alike; a patient or a clinic
with such rows cannot be deleted; the demo reset can still rebuild the demo clinic."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from journal.append_only import AUDIT_TABLES, lifted
from journal.models import AccessEvent, AuditEvent, Clinic
from journal.services.audit import record_audit


@pytest.fixture
def rows(alice, carol):
    """One audit row and one access row about Alice."""
    record_audit(patient=alice, actor=carol.user, kind=AuditEvent.Kind.REVIEWED, summary="Reviewed")
    AccessEvent.objects.create(clinic=alice.clinic, patient=alice, actor=carol.user, what="patient_page")


def refused(sql: str) -> str:
    with pytest.raises(IntegrityError) as refusal, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    return str(refusal.value)


@pytest.mark.parametrize("table", AUDIT_TABLES)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {table} SET at = at",
        "UPDATE {table} SET actor_id = NULL",
        "DELETE FROM {table}",
        "DELETE FROM {table} WHERE id = (SELECT MIN(id) FROM {table})",
    ],
)
def test_raw_sql_cannot_change_or_delete_audit_rows(rows, table, statement):
    assert "append_only" in refused(statement.format(table=table))
    assert AuditEvent.objects.count() == 1
    assert AccessEvent.objects.count() == 1


@pytest.mark.parametrize("table", AUDIT_TABLES)
def test_truncate_is_refused_on_postgresql(postgres, transactional_db, rows, table):
    """(Committed rows: PostgreSQL never truncates a table written earlier in the transaction.)"""
    assert "append_only" in refused(f"TRUNCATE {table}")


def test_new_rows_are_still_added(rows, alice, carol):
    AccessEvent.objects.create(clinic=alice.clinic, patient=alice, actor=carol.user, what="summary")
    assert AccessEvent.objects.count() == 2


def test_the_orm_refuses_to_change_or_delete_access_rows(rows):
    from django.core.exceptions import ValidationError

    event = AccessEvent.objects.get()
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessEvent.objects.all().update(what="summary")


def test_a_patient_with_audit_rows_cannot_be_deleted(rows, alice):
    """Deliberately refused: the record of who decided and who looked outlives nobody's wish to
    tidy up. (There is no delete in the app; this is Django admin or a shell.)"""
    with pytest.raises(ProtectedError):
        alice.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(patient=alice).delete()


def test_a_clinic_with_audit_rows_cannot_be_deleted(rows, clinic):
    with pytest.raises(ProtectedError):
        Clinic.objects.filter(pk=clinic.pk).delete()


def test_lifted_puts_the_triggers_back_when_the_block_ends(rows):
    with lifted(connection):
        AccessEvent.objects.all().delete()
    assert AccessEvent.objects.count() == 0
    assert "append_only" in refused("DELETE FROM journal_auditevent")


def test_lifted_puts_the_triggers_back_when_the_block_fails(rows):
    with pytest.raises(RuntimeError), lifted(connection):
        raise RuntimeError("the block failed")
    assert "append_only" in refused("DELETE FROM journal_accessevent")


def test_the_demo_reset_rebuilds_the_demo_clinic_and_its_audit_rows(db):
    call_command("seed_demo", stdout=io.StringIO())
    before = AuditEvent.objects.count()
    call_command("seed_demo", "--reset", stdout=io.StringIO())
    assert AuditEvent.objects.count() == before
    assert Clinic.objects.count() == 1
    assert "append_only" in refused("DELETE FROM journal_auditevent")


@pytest.mark.parametrize("model", ["auditevent", "accessevent"])
def test_django_admin_shows_the_logs_read_only(admin_client, rows, model):
    assert admin_client.get(f"/admin/journal/{model}/").status_code == 200
    assert admin_client.get(f"/admin/journal/{model}/add/").status_code == 403
    event = (AuditEvent if model == "auditevent" else AccessEvent).objects.get()
    assert admin_client.post(f"/admin/journal/{model}/{event.pk}/delete/", {"post": "yes"}).status_code == 403


def test_the_orm_says_why(rows):
    from django.core.exceptions import ValidationError

    for event in (AuditEvent.objects.get(), AccessEvent.objects.get()):
        with pytest.raises(ValidationError) as refusal:
            event.save()
        name = event._meta.verbose_name_plural.capitalize()
        assert refusal.value.messages == [f"{name} cannot be changed."]
    with pytest.raises(ValidationError) as refusal:
        AuditEvent.objects.get().delete()
    assert refusal.value.messages == ["Audit events cannot be deleted."]
