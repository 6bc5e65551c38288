"""Constraints live in the database, not only in forms."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from journal.models import (
    MAIL_MAX_ATTEMPTS,
    MAIL_RETRY_DELAYS,
    AuditEvent,
    Condition,
    DailyEntry,
    DoseStep,
    LdnPause,
    MailStatus,
    Medication,
    OutgoingMail,
    Patient,
    Screening,
    SideEffectReport,
    Symptom,
    SymptomScore,
    TitrationPlan,
)
from tests.factories import make_entry, make_plan

ON = dt.date(2026, 5, 1)


def integrity_error(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_one_entry_per_patient_per_date(alice):
    make_entry(alice, ON)
    integrity_error(lambda: make_entry(alice, ON))


@pytest.mark.parametrize("score", [-1, 11])
def test_symptom_scores_are_0_to_10(alice, score):
    entry = make_entry(alice, ON)
    symptom = alice.tracked_symptoms.first()
    integrity_error(lambda: SymptomScore.objects.create(entry=entry, symptom=symptom, score=score))


@pytest.mark.parametrize("sleep", [-1, 11])
def test_sleep_quality_is_0_to_10(alice, sleep):
    integrity_error(lambda: make_entry(alice, ON, sleep_quality=sleep))


@pytest.mark.parametrize("dose", ["0", "-1", "16.001", "50"])
def test_entry_doses_are_positive_and_within_ldn_range(alice, dose):
    integrity_error(lambda: make_entry(alice, ON, dose_mg=Decimal(dose)))


def test_no_dose_mg_on_a_day_the_dose_was_not_taken(alice):
    integrity_error(
        lambda: DailyEntry.objects.create(
            patient=alice, entry_date=ON, dose_taken=False, dose_mg=Decimal("1.5")
        )
    )


@pytest.mark.parametrize("dose", ["0", "-0.5", "50"])
def test_step_doses_are_positive_and_within_ldn_range(alice, carol, dose):
    plan = make_plan(alice, carol, [])
    integrity_error(lambda: DoseStep.objects.create(plan=plan, start_date=ON, dose_mg=Decimal(dose)))


@pytest.mark.parametrize("frequency", ["", "weekly", "every other day"])
def test_a_step_is_taken_daily_or_every_other_day_and_nothing_else(alice, carol, frequency):
    plan = make_plan(alice, carol, [])
    integrity_error(
        lambda: DoseStep.objects.create(plan=plan, start_date=ON, dose_mg=Decimal("1.5"), frequency=frequency)
    )


@pytest.mark.parametrize("filler", ["chalk", "Calcium carbonate"])
def test_a_plans_filler_is_one_of_the_list_or_not_recorded(alice, carol, filler):
    integrity_error(lambda: make_plan(alice, carol, [], filler=filler))


def test_a_patients_plans_cannot_overlap_in_the_database_after_every_migration(alice, carol):
    """The guard that migrations 0004, 0009, 0019 and 0028 (which rebuild the plan table on
    SQLite) keep."""
    make_plan(alice, carol, [(ON, "1")], status="ended")
    integrity_error(lambda: make_plan(alice, carol, [(ON + dt.timedelta(days=10), "1")]))


FAR, EARLY = dt.date(9999, 12, 31), dt.date(1, 1, 1)


@pytest.mark.parametrize(
    "store",
    [
        lambda alice, carol: make_plan(alice, carol, [(FAR, "1")]),
        lambda alice, carol: make_plan(alice, carol, [(ON, "1")], starts_on=EARLY),
        lambda alice, carol: make_plan(alice, carol, [(ON, "1")], ended_on=FAR),
        lambda alice, carol: make_plan(alice, carol, [(ON, "1")], strength_mg=Decimal("16.001")),
        lambda alice, carol: LdnPause.objects.create(
            patient=alice, start_date=ON, end_date=FAR, reason="x", created_by=carol
        ),
        lambda alice, carol: make_entry(alice, EARLY),
        lambda alice, carol: Medication.objects.create(patient=alice, name="x", started_on=EARLY),
        lambda alice, carol: Screening.objects.create(
            patient=alice, screened_by=carol, opioid_stopped_on=FAR
        ),
        lambda alice, carol: Patient.objects.filter(pk=alice.pk).update(date_of_birth=EARLY),
    ],
    ids=[
        "step in 9999",
        "plan from year 1",
        "plan to 9999",
        "strength of 16.001 mg",
        "pause to 9999",
        "entry in year 1",
        "medicine since year 1",
        "opioid stop in 9999",
        "born in year 1",
    ],
)
def test_dates_and_strengths_outside_their_span_are_refused_by_the_database(alice, carol, store):
    integrity_error(lambda: store(alice, carol))


@pytest.mark.parametrize(
    "store",
    [
        lambda clinic, alice: Condition.objects.create(clinic=clinic, name="c" * 121),
        lambda clinic, alice: Symptom.objects.create(clinic=clinic, name="s" * 121),
        lambda clinic, alice: Medication.objects.create(patient=alice, name="m" * 201),
        lambda clinic, alice: Medication.objects.create(patient=alice, name="m", dose_text="d" * 201),
    ],
    ids=["condition", "symptom", "medicine", "medicine's dose"],
)
def test_names_longer_than_their_field_are_refused_on_sqlite_too(clinic, alice, store):
    from django.db import DataError

    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        store(clinic, alice)


def test_an_eighth_of_a_milligram_is_exact(alice, carol):
    plan = make_plan(alice, carol, [(ON, "0.125")])
    assert plan.steps.get().dose_mg == Decimal("0.125")


def test_one_active_plan_per_patient(alice, carol):
    make_plan(alice, carol, [(ON, "1.5")])
    make_plan(alice, carol, [(ON, "1.5")], status=TitrationPlan.Status.DRAFT)
    integrity_error(lambda: make_plan(alice, carol, [(ON, "1.5")]))


def test_entry_edits_are_kept_in_history(alice):
    entry = make_entry(alice, ON, sleep_quality=4)
    entry.sleep_quality = 7
    entry.save()
    assert [h.sleep_quality for h in entry.history.order_by("history_date")] == [4, 7]


def test_audit_events_cannot_be_changed_or_deleted(alice, carol):
    event = AuditEvent.objects.create(
        patient=alice, clinic=alice.clinic, actor=carol.user, kind="reviewed", summary="Reviewed"
    )
    event.summary = "Changed"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_the_models_choices_are_the_vocabularys():
    """Side effects and severities are named once, in journal.vocabulary; the model choices
    that the database checks must list the same values, in the same order."""
    from journal.models import Severity, SideEffectKind
    from journal.vocabulary import SEVERITIES, SIDE_EFFECTS

    assert SideEffectKind.values == list(SIDE_EFFECTS)
    assert [label for _, label in SideEffectKind.choices] == [words.label for words in SIDE_EFFECTS.values()]
    assert Severity.values == list(SEVERITIES)


def test_current_medicines_are_listed_before_stopped_ones(alice):
    """PostgreSQL sorts NULL last and SQLite first; the list reads the same on both."""
    alice.medications.create(name="Amlodipine", stopped_on=ON)
    alice.medications.create(name="Levothyroxine")
    assert [medication.name for medication in alice.medications.all()] == ["Levothyroxine", "Amlodipine"]


@pytest.mark.parametrize(
    ("kind", "other_text", "words"),
    [("headache", "", "Headache"), ("other", "Dry mouth", "Dry mouth")],
)
def test_a_side_effect_report_is_named_in_the_patients_words_when_other(alice, kind, other_text, words):
    entry = make_entry(alice, ON)
    report = entry.side_effects.create(kind=kind, severity="mild", other_text=other_text)
    assert report.words == words


SENT_AT = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "fields",
    [
        {"status": MailStatus.SENT, "sent_at": SENT_AT, "body": "https://x/invitation/T/"},
        {"status": MailStatus.GAVE_UP, "attempts": MAIL_MAX_ATTEMPTS, "body": "https://x/invitation/T/"},
        {"status": MailStatus.CANCELLED, "body": "https://x/invitation/T/"},
        {"status": MailStatus.QUEUED, "attempts": MAIL_MAX_ATTEMPTS + 1},
        {"status": MailStatus.SENT},
        {"status": MailStatus.RETRYING},
        {"status": "lost"},
    ],
    ids=[
        "sent with body",
        "gave up with body",
        "cancelled with body",
        "too many tries",
        "sent when?",
        "retry when?",
        "unknown status",
    ],  # fmt: skip
)
def test_the_database_keeps_a_mails_link_only_while_it_is_unsent(db, fields):
    integrity_error(lambda: OutgoingMail.objects.create(to="a@example.org", subject="s", **fields))


def test_mail_retries_wait_longer_each_time_then_stop():
    delays = [OutgoingMail(attempts=attempts).retry_delay() for attempts in range(MAIL_MAX_ATTEMPTS + 1)]
    assert delays == [None, *MAIL_RETRY_DELAYS, None]
    assert MAIL_MAX_ATTEMPTS == 6


@pytest.mark.parametrize(
    ("fields", "words", "style"),
    [
        (
            {"status": MailStatus.QUEUED},
            "Email to a@example.org: queued, sent by the mail worker in a moment.",
            "",
        ),
        (
            {"status": MailStatus.SENT, "sent_at": SENT_AT},
            "Email to a@example.org: sent 1 Mar 2026, 10:30.",
            "ok-box",
        ),
        (
            {"status": MailStatus.RETRYING, "attempts": 2, "next_attempt_at": SENT_AT},
            "Email to a@example.org: failed (2 of 6 tries) — will retry at 1 Mar 2026, 10:30.",
            "warning-box",
        ),
        (
            {"status": MailStatus.GAVE_UP, "attempts": 6},
            "Email to a@example.org: gave up after 6 tries — give the patient the link yourself "
            "(make a new one if you no longer have it).",
            "warning-box",
        ),
        (
            {"status": MailStatus.CANCELLED},
            "Email to a@example.org: not sent, a newer link replaced it or the patient has signed up.",
            "",
        ),
    ],
)
def test_a_mails_state_in_words_in_the_readers_zone(fields, words, style):
    mail = OutgoingMail(to="a@example.org", **fields)
    with timezone.override("Europe/Paris"):
        assert mail.state_words() == words
    assert mail.box_style == style


# Written only by the code, each as its own constant: the audit trails.
CHOICES_KEPT_BY_THE_CODE = {("AuditEvent", "kind"), ("AccessEvent", "what")}


def test_every_stored_choice_has_its_list_checked_by_the_database():
    unchecked = set()
    for model in apps.get_app_config("journal").get_models():
        if model.__name__.startswith("Historical"):  # copies of rows, checked when first stored
            continue
        checks = " ".join(
            str(constraint.condition)
            for constraint in model._meta.constraints
            if isinstance(constraint, models.CheckConstraint)
        )
        for field in model._meta.concrete_fields:
            checked = f"'{field.name}__in'" in checks or f"('{field.name}', " in checks  # or its one value
            if field.choices and not checked:
                unchecked.add((model.__name__, field.name))
    assert unchecked == CHOICES_KEPT_BY_THE_CODE


def _entry_with_a_side_effect(alice):
    entry = make_entry(alice, ON)
    return SideEffectReport.objects.create(entry=entry, kind="headache", severity="mild")


@pytest.mark.parametrize(
    ("rows", "field"),
    [
        (
            lambda alice, carol: TitrationPlan.objects.filter(pk=make_plan(alice, carol, [(ON, "1")]).pk),
            "status",
        ),
        (
            lambda alice, carol: TitrationPlan.objects.filter(pk=make_plan(alice, carol, [(ON, "1")]).pk),
            "form",
        ),
        (lambda alice, carol: make_plan(alice, carol, [(ON, "1")]).steps.all(), "timing"),
        (lambda alice, carol: DailyEntry.objects.filter(pk=make_entry(alice, ON).pk), "timing_taken"),
        (
            lambda alice, carol: SideEffectReport.objects.filter(pk=_entry_with_a_side_effect(alice).pk),
            "kind",
        ),
        (
            lambda alice, carol: SideEffectReport.objects.filter(pk=_entry_with_a_side_effect(alice).pk),
            "severity",
        ),
    ],
)
def test_a_stored_choice_outside_its_list_is_refused(alice, carol, rows, field):
    stored = rows(alice, carol)
    integrity_error(lambda: stored.update(**{field: "nightly"}))
