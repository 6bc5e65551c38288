"""LDN Journal's data model.

A clinic has clinicians and patients. A clinician writes titration plans (dated dose
steps); a patient logs one daily entry per local date. Every change to plans, steps,
entries and medications is kept by django-simple-history; clinical decisions (screenings,
confirmed warnings, dismissed advice, exports, reviews) go in the append-only audit log, and
every clinician's read of a patient's record in the append-only access log.
"""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from journal import questionnaires as q
from journal.bounds import (
    ANSWER_MAX_CHARS,
    API_TOKEN_NAME_MAX_CHARS,
    DEVICE_MAX_CHARS,
    DOSE_MAX_MG,
    EMERGENCY_LINE_MAX_CHARS,
    END_SPAN,
    FILTER_NAME_MAX_CHARS,
    HISTORY_SPAN,
    LAB_DECIMALS,
    LAB_UNIT_MAX_CHARS,
    LAB_VALUE_MAX,
    LABORATORY_MAX_CHARS,
    MEDICINE_MAX_CHARS,
    NAME_MAX_CHARS,
    PUSH_ENDPOINT_MAX_CHARS,
    PUSH_KEY_MAX_CHARS,
    QUESTION_MAX_CHARS,
    REASON_MAX_CHARS,
    REFILL_DAYS_MAX,
    SEARCH_MAX_CHARS,
    STRENGTH_MAX_MG,
    SUPPLY_MAX_DOSES,
    TREATMENT_SPAN,
    WEIGHT_DECIMALS,
    WEIGHT_MAX_KG,
    WEIGHT_MIN_KG,
    DateWindow,
)
from journal.catalogue import load_questionnaires
from journal.compounding import FILLER_WORDS, IMMEDIATE, SLOW, compounding_findings, compounding_words
from journal.findings import Finding, Level
from journal.guide import INTRODUCTION
from journal.measuring import supply_unit
from journal.plan_changes import PlanChange, reason_words
from journal.reminders import Kind as ReminderKind
from journal.reminders import ReminderChoices, choice_problems
from journal.response import ResponseClass
from journal.schedule import PHASE_STYLES, PHASES
from journal.vocabulary import SCORE_MAX, SCORE_MIN, SIDE_EFFECTS, TIMING_WORDS, direction_label, dose_phrase

NOTES_MAX_CHARS = 2000

score_validators = [MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]


def dates_within(span: DateWindow, name: str, *fields: str, nullable: bool = False) -> models.CheckConstraint:
    """The database's own hold on a fixed span of dates (`journal.bounds`): no row, from a
    form, Django admin or SQL, can store a date that would break a page."""
    condition = Q()
    for field in fields:
        within = Q(**{f"{field}__gte": span.first, f"{field}__lte": span.last})
        condition &= within | Q(**{f"{field}__isnull": True}) if nullable else within
    return models.CheckConstraint(
        condition=condition,
        name=name,
        violation_error_message=f"Dates here lie from {span.first.isoformat()} to {span.last.isoformat()}.",
    )


def text_within(max_chars: int, name: str, *fields: str) -> models.CheckConstraint:
    """A text's length held by the database on SQLite too (which does not enforce max_length)."""
    condition = Q()
    for field in fields:
        condition &= Q(LessThanOrEqual(Length(field), max_chars))
    return models.CheckConstraint(condition=condition, name=name)


class KnownChoice(models.CheckConstraint):
    """A stored choice is one of its field's list, held by the database. A model's `full_clean`
    checks the field's choices already, so Django's query per constraint on each save is skipped."""

    def validate(self, *args: Any, **kwargs: Any) -> None:
        return None


def known_choice(field: str, values: Iterable[str], name: str) -> KnownChoice:
    return KnownChoice(condition=Q(**{f"{field}__in": list(values)}), name=name)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (e.g. Europe/London).")


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class Timing(models.TextChoices):
    BEDTIME = "bedtime", _(TIMING_WORDS["bedtime"])
    MORNING = "morning", _(TIMING_WORDS["morning"])
    EVENING = "evening", _(TIMING_WORDS["evening"])  # a cream's application [003, 004]


class Frequency(models.TextChoices):
    """How often a step's dose is taken; every other day counts from the step's start date."""

    DAILY = "daily", _("every day")
    EVERY_OTHER_DAY = "every_other_day", _("every other day")


class TimingTaken(models.TextChoices):
    BEDTIME = "bedtime", _(TIMING_WORDS["bedtime"])
    MORNING = "morning", _(TIMING_WORDS["morning"])
    EVENING = "evening", _(TIMING_WORDS["evening"])
    OTHER = "other", _(TIMING_WORDS["other"])


# The languages a login may read the app in; "" follows the browser's (journal.middleware).
READER_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


class User(AbstractUser):
    """A login. Its role comes from the profile attached to it: `patient`, `clinician` or
    `caregiver` (someone who logs for one patient); staff users reach Django admin."""

    language = models.CharField(
        _("language"),
        max_length=5,
        blank=True,
        default="",
        choices=[("", _("The browser's language")), *settings.LANGUAGES],
        help_text=_("The language of your pages, e-mails and reminders."),
    )

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=("", *READER_LANGUAGES)), name="user_language_known"
            ),
        ]

    @property
    def role(self) -> str:
        if hasattr(self, "clinician"):
            return "clinician"
        if hasattr(self, "patient"):
            return "patient"
        if hasattr(self, "caregiver") and self.caregiver.revoked_at is None:
            return "caregiver"
        return "staff" if self.is_staff else "none"

    @property
    def reading_language(self) -> str:
        """The language of what is sent to this login away from a page (e-mails, push reminders):
        the one picked, else the site's."""
        return self.language or settings.LANGUAGE_CODE

    @property
    def must_use_two_factor(self) -> bool:
        """Clinicians of a clinic that requires two-factor sign-in; never patients."""
        clinician = getattr(self, "clinician", None)
        return clinician is not None and clinician.clinic.require_two_factor

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A deactivated login, or one whose password changed, keeps no session: each device signs
        # in again (a password change on the user's own page keeps that page's session, which
        # Django moves to a new key after this save).
        ends_sessions = not self.is_active or getattr(self, "_password", None) is not None
        super().save(*args, **kwargs)
        if ends_sessions:
            LoginSession.objects.filter(user=self).delete()


class Clinic(models.Model):
    name = models.CharField(max_length=200, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    require_two_factor = models.BooleanField(
        default=False,
        help_text="Clinicians and admins sign in with a code from an authenticator app as well as "
        "their password.",
    )
    emergency_line = models.CharField(
        max_length=EMERGENCY_LINE_MAX_CHARS,
        blank=True,
        help_text="Shown wherever a patient writes a question, e.g. “call 999, or the clinic on "
        "020 7946 0000 (9–5)”. Empty: the patient is told to call their local emergency number.",
    )
    fhir_names_patients = models.BooleanField(
        default=False,
        help_text="The FHIR record download, the clinic's FHIR export and the FHIR API give each "
        "patient's name and date of birth. Off: only the record code leaves the server (pseudonymous).",
    )

    class Meta:
        constraints = [
            text_within(EMERGENCY_LINE_MAX_CHARS, "clinic_emergency_line_length", "emergency_line")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def emergency_words(self) -> str:
        """The line every question form shows."""
        if self.emergency_line:
            return _("For an emergency, %(line)s.") % {"line": self.emergency_line}
        return str(_("For an emergency, call your local emergency number."))


class LoginSession(AbstractBaseSession):
    """A session (Django's, through journal.sessions.SessionStore) with its owner, so that a
    user can list and end their own sessions and a deactivated login loses all of its."""

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="login_sessions"
    )
    user_agent = models.CharField(max_length=300, blank=True)
    address = models.CharField(
        max_length=64, blank=True, help_text="The client's address (see TRUSTED_PROXY_COUNT)."
    )
    last_activity = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "expire_date"])]

    @classmethod
    def get_session_store_class(cls) -> type:
        from journal.sessions import SessionStore

        return SessionStore


class LoginFailure(models.Model):
    """One wrong password or code. The lockout rules (journal/lockout.py) count these; rows
    older than the longest rule's window are deleted as new ones come in."""

    username = models.CharField(max_length=150)
    address = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["username", "at"]), models.Index(fields=["address", "at"])]


class Clinician(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="clinician")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="clinicians")
    is_clinic_admin = models.BooleanField(
        default=False, help_text="Manages the clinic's clinicians and patients."
    )

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.username


class Condition(models.Model):
    """A condition LDN is used for. Rows with no clinic are the shared catalogue
    (seeded from DOMAIN.md); a clinic may add its own."""

    name = models.CharField(max_length=NAME_MAX_CHARS)
    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.CASCADE, related_name="conditions"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "name", condition=Q(clinic__isnull=True), name="condition_unique_in_catalogue"
            ),
            models.UniqueConstraint("clinic", "name", name="condition_unique_per_clinic"),
            text_within(NAME_MAX_CHARS, "condition_name_length", "name"),
        ]

    def __str__(self) -> str:
        return self.name


class Symptom(models.Model):
    """A symptom scored 0–10. `higher_is_better` decides what "improved" means:
    pain and fatigue improve when they fall, energy and sleep quality when they rise."""

    name = models.CharField(max_length=NAME_MAX_CHARS)
    higher_is_better = models.BooleanField(default=False)
    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.CASCADE, related_name="symptoms"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "name", condition=Q(clinic__isnull=True), name="symptom_unique_in_catalogue"
            ),
            models.UniqueConstraint("clinic", "name", name="symptom_unique_per_clinic"),
            text_within(NAME_MAX_CHARS, "symptom_name_length", "name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def direction_label(self) -> str:
        return direction_label(self.higher_is_better)


class Patient(models.Model):
    user = models.OneToOneField(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patient",
        help_text="Empty until the patient accepts their invitation.",
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    code = models.CharField(
        max_length=40,
        blank=True,
        help_text="Optional pseudonymous code used in exports instead of the name.",
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    date_of_birth = models.DateField(null=True, blank=True)
    conditions = models.ManyToManyField(Condition, blank=True, related_name="patients")
    tracked_symptoms = models.ManyToManyField(Symptom, blank=True, related_name="patients")
    clinicians = models.ManyToManyField(Clinician, blank=True, related_name="patients")
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    plan_changed_at = models.DateTimeField(null=True, blank=True)
    plan_acknowledged_at = models.DateTimeField(null=True, blank=True)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    introduction_seen = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(len(INTRODUCTION))],
        help_text="Screens of the introduction the patient has read (journal.guide.INTRODUCTION).",
    )
    introduced_at = models.DateTimeField(
        null=True, blank=True, help_text="When the patient finished or skipped the introduction."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(introduction_seen__lte=len(INTRODUCTION)), name="patient_introduction_in_range"
            ),
            models.UniqueConstraint(
                "clinic", "code", condition=~Q(code=""), name="patient_code_unique_per_clinic"
            ),
            dates_within(HISTORY_SPAN, "patient_birth_in_span", "date_of_birth", nullable=True),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def export_label(self) -> str:
        return self.code or f"patient-{self.pk}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local_now(self, now: dt.datetime | None = None) -> dt.datetime:
        return (now or timezone.now()).astimezone(self.zone)

    @property
    def reading_language(self) -> str:
        """The language of the reminders and e-mails sent to the patient (journal.models.User)."""
        return self.user.reading_language if self.user is not None else settings.LANGUAGE_CODE

    def local_today(self, now: dt.datetime | None = None) -> dt.date:
        return self.local_now(now).date()

    @property
    def opened_on(self) -> dt.date:
        """The patient's local date their record was opened: the dates a clinician may
        write for them count from it (`journal.bounds.record_window`)."""
        return self.created_at.astimezone(self.zone).date()

    @property
    def has_unacknowledged_plan_change(self) -> bool:
        if self.plan_changed_at is None:
            return False
        return self.plan_acknowledged_at is None or self.plan_acknowledged_at < self.plan_changed_at


class RecordPeriod(models.Model):
    """From when to when a patient's record held an item (a condition, a tracked symptom).
    The patient's many-to-many set is what the record holds now and every page reads it; these
    rows are its history, written by `journal.services.record` with each change. An item in the
    set without an open row has been there since the record was opened."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    started_on = models.DateField()
    stopped_on = models.DateField(null=True, blank=True, help_text="Empty while the record holds it.")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True


class SymptomTracking(RecordPeriod):
    """A period in which the patient was asked to score a symptom. Its first day decides
    the symptom's baseline when it came after the first dose (`journal.response`)."""

    symptom = models.ForeignKey(Symptom, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True) | Q(stopped_on__gte=F("started_on")),
                name="symptom_tracking_stops_after_start",
            ),
            models.UniqueConstraint(
                "patient", "symptom", condition=Q(stopped_on__isnull=True), name="symptom_tracking_one_open"
            ),
            dates_within(TREATMENT_SPAN, "symptom_tracking_in_span", "started_on"),
            dates_within(TREATMENT_SPAN, "symptom_tracking_stop_in_span", "stopped_on", nullable=True),
        ]


class ConditionPeriod(RecordPeriod):
    """A period in which the patient's record listed a condition."""

    condition = models.ForeignKey(Condition, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True) | Q(stopped_on__gte=F("started_on")),
                name="condition_period_stops_after_start",
            ),
            models.UniqueConstraint(
                "patient", "condition", condition=Q(stopped_on__isnull=True), name="condition_period_one_open"
            ),
            dates_within(TREATMENT_SPAN, "condition_period_in_span", "started_on"),
            dates_within(TREATMENT_SPAN, "condition_period_stop_in_span", "stopped_on", nullable=True),
        ]


class WeightMeasurement(models.Model):
    """A weight a clinician recorded, with the day it was measured: for a child the dose is
    judged against it, and it changes as they grow, so every measurement is kept."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="weights")
    weight_kg = models.DecimalField(
        max_digits=3 + WEIGHT_DECIMALS + 1,
        decimal_places=WEIGHT_DECIMALS,
        validators=[MinValueValidator(WEIGHT_MIN_KG), MaxValueValidator(WEIGHT_MAX_KG)],
    )
    measured_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-measured_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_kg__gte=WEIGHT_MIN_KG, weight_kg__lte=WEIGHT_MAX_KG),
                name="weight_in_range",
            ),
            dates_within(HISTORY_SPAN, "weight_measured_in_span", "measured_on"),
        ]


class Caregiver(models.Model):
    """Someone who logs for a patient who cannot (a child) or not always (a dependent adult):
    a parent, a carer. Invited by a clinician of the patient's clinic, with their own login
    (`user`, empty until they accept); they care for this one patient only, and a patient has
    at most one caregiver at a time. Revoked, the login is deactivated (its sessions end)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="caregivers")
    user = models.OneToOneField(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="caregiver",
        help_text="Empty until the caregiver accepts their invitation.",
    )
    name = models.CharField(max_length=200)
    invited_by = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                "patient", condition=Q(revoked_at=None), name="one_active_caregiver_per_patient"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="caregiver_has_a_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (caregiver of {self.patient})"


class Invitation(models.Model):
    """A one-time link that lets a new patient, or a patient's caregiver (`caregiver` set), set
    their password. Only a hash of the token is stored, so a database dump does not hand out
    logins."""

    VALID_FOR = dt.timedelta(days=7)

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="invitations")
    caregiver = models.ForeignKey(
        "Caregiver", null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def is_usable(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and now < self.expires_at


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RETRYING = "retrying", _("failed, will retry")
    SENT = "sent", _("sent")
    GAVE_UP = "gave_up", _("gave up")
    CANCELLED = "cancelled", _("cancelled")


MAIL_UNSENT = [MailStatus.QUEUED, MailStatus.RETRYING]
# The wait before each retry: six tries over about nine hours, well within an invitation's week.
MAIL_RETRY_DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
)
MAIL_MAX_ATTEMPTS = len(MAIL_RETRY_DELAYS) + 1


def retry_delay_after(delays: tuple[dt.timedelta, ...], attempts: int) -> dt.timedelta | None:
    """The wait before the next try after `attempts` failed ones; None once they are all used
    (one try more than there are delays)."""
    return delays[attempts - 1] if 0 < attempts <= len(delays) else None


class OutgoingMail(models.Model):
    """An email in the database, queued in the same transaction as the change it reports and
    sent by the background worker (journal/tasks.py), so a mail outage never fails a request.

    The body (an invitation's one-time link) is kept only while the mail is unsent: sending
    it, giving up or cancelling it blanks the body, and the database refuses anything else."""

    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.CASCADE, related_name="mail"
    )
    reminder = models.OneToOneField(
        "ReminderOccasion", null=True, blank=True, on_delete=models.SET_NULL, related_name="mail"
    )
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True, validators=[MaxLengthValidator(5000)])
    status = models.CharField(max_length=10, choices=MailStatus, default=MailStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(MAIL_MAX_ATTEMPTS)])
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=MailStatus.values), name="mail_status_known"),
            models.CheckConstraint(
                condition=Q(status__in=MAIL_UNSENT) | Q(body=""), name="mail_body_only_while_unsent"
            ),
            models.CheckConstraint(
                condition=Q(attempts__lte=MAIL_MAX_ATTEMPTS), name="mail_attempts_bounded"
            ),
            models.CheckConstraint(
                condition=Q(status=MailStatus.SENT, sent_at__isnull=False)
                | (~Q(status=MailStatus.SENT) & Q(sent_at__isnull=True)),
                name="mail_sent_at_when_sent",
            ),
            models.CheckConstraint(
                condition=Q(status=MailStatus.RETRYING, next_attempt_at__isnull=False)
                | (~Q(status=MailStatus.RETRYING) & Q(next_attempt_at__isnull=True)),
                name="mail_next_attempt_when_retrying",
            ),
        ]

    def retry_delay(self) -> dt.timedelta | None:
        return retry_delay_after(MAIL_RETRY_DELAYS, self.attempts)

    @property
    def box_style(self) -> str:
        """A warning while the mail fails, a success once sent."""
        if self.status in {MailStatus.RETRYING, MailStatus.GAVE_UP}:
            return "warning-box"
        return "ok-box" if self.status == MailStatus.SENT else ""

    def state_words(self) -> str:
        """What became of the mail, for the clinician, with times in the reader's zone."""

        def when(moment: dt.datetime | None) -> str:
            return date_format(timezone.localtime(moment), str(_("j M Y, H:i"))) if moment else ""

        to = f"Email to {self.to}"
        match self.status:
            case MailStatus.QUEUED:
                return f"{to}: queued, sent by the mail worker in a moment."
            case MailStatus.SENT:
                return f"{to}: sent {when(self.sent_at)}."
            case MailStatus.RETRYING:
                return (
                    f"{to}: failed ({self.attempts} of {MAIL_MAX_ATTEMPTS} tries) — "
                    f"will retry at {when(self.next_attempt_at)}."
                )
            case MailStatus.GAVE_UP:
                return (
                    f"{to}: gave up after {self.attempts} tries — give the patient the link yourself "
                    "(make a new one if you no longer have it)."
                )
        return f"{to}: not sent, a newer link replaced it or the patient has signed up."


class WorkerHeartbeat(models.Model):
    """When each background worker last looked for work (`manage.py worker`); the health
    endpoint reads it."""

    worker_id = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)


class RosterScope(models.TextChoices):
    MINE = "mine", _("My patients")
    ALL = "all", _("All patients")


class SavedRosterFilter(models.Model):
    """A clinician's roster view kept under a name: who, what search, which phase and flags,
    and the order (the roster's own parameters, `forms.review.RosterFilterForm`)."""

    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="saved_filters")
    name = models.CharField(max_length=FILTER_NAME_MAX_CHARS)
    scope = models.CharField(max_length=4, choices=RosterScope, default=RosterScope.MINE)
    search = models.CharField(max_length=SEARCH_MAX_CHARS, blank=True)
    phase = models.CharField(max_length=20, blank=True, choices=[(phase, phase) for phase in PHASES])
    flagged = models.BooleanField(default=False)
    sort = models.CharField(max_length=20, default="name")
    descending = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint("clinician", "name", name="saved_filter_name_unique_per_clinician"),
            models.CheckConstraint(condition=~Q(name=""), name="saved_filter_has_name"),
            models.CheckConstraint(
                condition=Q(scope__in=RosterScope.values), name="saved_filter_scope_known"
            ),
            models.CheckConstraint(condition=Q(phase__in=["", *PHASES]), name="saved_filter_phase_known"),
        ]

    def __str__(self) -> str:
        return self.name


class RosterSnapshot(models.Model):
    """What the roster shows of one patient, stored: written by `services.snapshots` in the
    same transaction as every write that changes it, and again after the patient's local
    midnight (`fresh_until`), from the same record and assessment as the patient page. The
    roster pages, filters and sorts these rows in the database."""

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, primary_key=True, related_name="snapshot"
    )
    computed_at = models.DateTimeField()
    computed_for = models.DateField(help_text="The patient's local date the row was computed for.")
    fresh_until = models.DateTimeField(db_index=True, help_text="The patient's next local midnight.")
    name_key = models.CharField(max_length=200)
    dose_mg = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    dose_phrase = models.CharField(max_length=100, blank=True, help_text="In English: dose_words shows it.")
    dose_timing = models.CharField(max_length=20, blank=True)
    dose_frequency = models.CharField(max_length=20, blank=True)
    runs_out_on = models.DateField(null=True, blank=True, help_text="When the dispensed supply runs out.")
    first_plan = models.CharField(max_length=20, blank=True, help_text="View: what a patient needs next")
    first_plan_words = models.CharField(max_length=100, blank=True)
    day_on_ldn = models.IntegerField(null=True, blank=True)
    first_dose = models.DateField(null=True, blank=True)
    phase = models.CharField(max_length=20)
    phase_rank = models.PositiveSmallIntegerField()
    last_entry = models.DateField(null=True, blank=True)
    adherence_taken = models.PositiveSmallIntegerField(default=0)
    adherence_prescribed = models.PositiveSmallIntegerField(default=0)
    adherence_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    adherence_rate = models.FloatField(null=True, blank=True)
    main_class = models.CharField(max_length=20, blank=True)
    main_measure = models.CharField(max_length=200, blank=True)
    response_rank = models.PositiveSmallIntegerField()
    open_advice = models.PositiveIntegerField()
    new_entries = models.PositiveIntegerField()
    new_side_effects = models.PositiveIntegerField()
    new_advice = models.PositiveIntegerField()
    safety_level = models.CharField(max_length=10, blank=True)
    flags = models.JSONField(default=list, blank=True, help_text="The safety findings, most serious first.")
    flag_rank = models.SmallIntegerField(help_text="Minus the worst flag's order: no flags sort first.")
    flag_count = models.PositiveSmallIntegerField()
    has_alerts = models.BooleanField()
    problems = models.JSONField(
        default=list, blank=True, help_text="What needs attention in the stored record."
    )
    has_problems = models.BooleanField()
    open_questions = models.PositiveSmallIntegerField(
        default=0, help_text="The patient's questions waiting for an answer."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(adherence_taken__lte=F("adherence_prescribed")),
                name="snapshot_taken_within_prescribed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient_id} on {self.computed_for}"

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(Finding.from_data(finding) for finding in self.flags)

    @property
    def alerts(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.level is Level.BLOCK)

    @property
    def response_class(self) -> ResponseClass | None:
        return ResponseClass(self.main_class) if self.main_class else None

    @property
    def phase_style(self) -> str:
        return PHASE_STYLES.get(self.phase, "")

    @property
    def dose_words(self) -> str:
        """The step the patient is on in the reader's language ("4,5 mg zur Nacht"), as every
        other page names it; a row stored before the timing was kept says its English phrase."""
        if self.dose_mg is None or not self.dose_timing:
            return self.dose_phrase
        return dose_phrase(self.dose_mg, self.dose_timing, self.dose_frequency)

    @property
    def starts_on(self) -> dt.date | None:
        """The first dose while it is still ahead (the baseline), else None."""
        return self.first_dose if self.phase == "baseline" else None

    @property
    def new_anything(self) -> bool:
        return bool(self.new_entries or self.new_side_effects or self.new_advice)


class ExportState(models.TextChoices):
    QUEUED = "queued", _("waiting for the worker")
    RUNNING = "running", _("being written")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")
    EXPIRED = "expired", _("expired")


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    NDJSON = "ndjson", _("FHIR NDJSON")


class ExportJob(models.Model):
    """A clinic-wide export, written to a file by the worker (`journal.services.exports`) and
    offered for download only once complete: its row count and SHA-256 are recorded before the
    file takes its final name, and it is `done` only after that. Deleted after `expires_at`.
    A CSV covers `start` to `end`; a FHIR NDJSON export (one resource a line) the whole records,
    its `start` and `end` the day it was asked for."""

    State = ExportState
    Format = ExportFormat

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="export_jobs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(max_length=20)  # "clinic" or "my patients", as the audit row says
    label = models.CharField(max_length=200)  # the file name's label: the clinic's name
    patient_ids = models.JSONField(default=list, blank=True)  # the patients in the file, fixed when asked for
    start = models.DateField()
    end = models.DateField()
    byte_order_mark = models.BooleanField(default=False)
    format = models.CharField(max_length=10, choices=Format, default=Format.CSV)
    names_patients = models.BooleanField(
        default=False, help_text="A FHIR file written with patients' names (the clinic's setting then)."
    )
    state = models.CharField(max_length=10, choices=State, default=State.QUEUED)
    rows = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            dates_within(TREATMENT_SPAN, "export_job_dates_in_span", "start", "end"),
            models.CheckConstraint(condition=Q(start__lte=F("end")), name="export_job_start_not_after_end"),
            models.CheckConstraint(
                condition=Q(state__in=ExportState.values),
                name="export_job_state_known",
            ),
            models.CheckConstraint(
                condition=Q(format__in=ExportFormat.values), name="export_job_format_known"
            ),
            models.CheckConstraint(
                condition=~Q(state="done") | (Q(rows__isnull=False) & Q(size__isnull=False) & ~Q(sha256="")),
                name="export_job_done_has_its_figures",
            ),
        ]

    def __str__(self) -> str:
        return f"Export {self.pk} ({self.get_state_display()})"

    @property
    def file_name(self) -> str:
        """The file's name in `settings.EXPORT_ROOT` (never a name a request sends)."""
        return f"export-{self.pk}.{self.format}"

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)


# A stored report's figures: a few dozen groups, far below this; a run over it fails.
OUTCOME_REPORT_MAX_CHARS = 200_000


class OutcomeReport(models.Model):
    """A clinic's outcomes for one filter, computed by the worker (`journal.services.outcomes`):
    the figures as JSON (`journal.outcomes.outcomes_as_data`), shown by the page and sent as its
    CSV, and emptied once they expire, as export jobs are. No request computes them."""

    State = ExportState

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="outcome_reports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    condition = models.ForeignKey(
        "Condition", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    clinician = models.ForeignKey(
        "Clinician", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    started_from = models.DateField(null=True, blank=True)
    started_to = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State, default=State.QUEUED)
    figures = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    computed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["clinic", "created_at"])]
        constraints = [
            dates_within(
                TREATMENT_SPAN, "outcome_report_dates_in_span", "started_from", "started_to", nullable=True
            ),
            models.CheckConstraint(
                condition=Q(state__in=ExportState.values), name="outcome_report_state_known"
            ),
            models.CheckConstraint(
                condition=~Q(state="done") | (Q(computed_at__isnull=False) & ~Q(figures={})),
                name="outcome_report_done_has_its_figures",
            ),
        ]

    def __str__(self) -> str:
        return f"Outcomes {self.pk} ({self.get_state_display()})"

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)


class PlanForm(models.TextChoices):
    CAPSULE = "capsule", _("capsule")
    LIQUID = "liquid", _("liquid")
    CREAM = "cream", _("topical cream")  # measured in clicks of its metered pump
    CREAM_ML = "cream_ml", _("topical cream in mL")
    SUBLINGUAL = "sublingual", _("sublingual")
    OTHER = "other", _("other")


SUPPLY_MAX = 10_000  # capsules, mL, clicks or doses in one dispensing: more is surely a typo


class Filler(models.TextChoices):
    MICROCRYSTALLINE_CELLULOSE = "microcrystalline_cellulose", _(FILLER_WORDS["microcrystalline_cellulose"])
    CALCIUM_CARBONATE = "calcium_carbonate", _(FILLER_WORDS["calcium_carbonate"])
    OTHER = "other", _(FILLER_WORDS["other"])


class TitrationPlan(models.Model):
    """A clinician's prescription: a sequence of dated dose steps. The patient never edits
    it; the daily entry records what was actually taken."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ACTIVE = "active", _("active")
        ENDED = "ended", _("ended")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="plans")
    prescriber = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="plans")
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    form = models.CharField(max_length=10, choices=PlanForm, default=PlanForm.CAPSULE)
    strength_mg = models.DecimalField(
        max_digits=7,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Capsule strength in mg, or a liquid's concentration in mg per mL.",
    )
    immediate_release = models.BooleanField(
        default=True, help_text="LDN must be immediate-release, not slow-release."
    )
    filler = models.CharField(
        max_length=30, choices=Filler, blank=True, help_text="The capsules' filler; blank: not recorded."
    )
    filler_note = models.CharField(
        max_length=200, blank=True, help_text="e.g. avoid calcium carbonate filler."
    )
    pharmacy = models.CharField(max_length=100, blank=True, help_text="The compounding pharmacy.")
    supply_quantity = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Dispensed, in the form's unit: capsules, mL or clicks (doses for another form).",
    )
    dispensed_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, validators=[MaxLengthValidator(NOTES_MAX_CHARS)])
    created_at = models.DateTimeField(default=timezone.now)
    starts_on = models.DateField(null=True, blank=True, help_text="The first dose: the first step's date.")
    ended_on = models.DateField(null=True, blank=True, help_text="First day on which nothing is prescribed.")
    history = HistoricalRecords()

    class Meta:
        # A patient's prescribed plans never overlap: [starts_on, ended_on) ranges are kept
        # apart by a trigger (SQLite) or an exclusion constraint (PostgreSQL), migration 0004.
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "patient", condition=Q(status="active"), name="one_active_plan_per_patient"
            ),
            models.CheckConstraint(
                condition=Q(strength_mg__isnull=True)
                | Q(strength_mg__gt=0, strength_mg__lte=STRENGTH_MAX_MG),
                name="plan_strength_within_range",
            ),
            dates_within(TREATMENT_SPAN, "plan_start_in_span", "starts_on", nullable=True),
            dates_within(END_SPAN, "plan_end_in_span", "ended_on", nullable=True),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ended_on__gt=F("starts_on")),
                name="plan_ends_after_it_starts",
            ),
            models.CheckConstraint(condition=Q(filler__in=["", *Filler.values]), name="plan_filler_is_known"),
            # Status's values: a Meta cannot read the class's names
            known_choice("status", ["draft", "active", "ended"], "plan_status_is_known"),
            known_choice("form", PlanForm.values, "plan_form_is_known"),
            models.CheckConstraint(
                condition=Q(supply_quantity__isnull=True, dispensed_on__isnull=True)
                | Q(supply_quantity__gt=0, supply_quantity__lte=SUPPLY_MAX, dispensed_on__isnull=False),
                name="plan_supply_quantity_and_date_together",
            ),
            dates_within(TREATMENT_SPAN, "plan_dispensed_in_span", "dispensed_on", nullable=True),
        ]

    def __str__(self) -> str:
        return f"{self.patient} — {self.get_form_display()} plan ({self.status})"

    @property
    def release(self) -> str:
        return IMMEDIATE if self.immediate_release else SLOW

    @property
    def compounding_words(self) -> str:
        return compounding_words(release=self.release, filler=self.filler, filler_note=self.filler_note)

    @property
    def compounding_findings(self) -> list[Finding]:
        return compounding_findings(release=self.release, filler=self.filler)

    @property
    def supply_unit(self) -> str:
        return supply_unit(self.form)


class DoseStep(models.Model):
    plan = models.ForeignKey(TitrationPlan, on_delete=models.CASCADE, related_name="steps")
    start_date = models.DateField()
    dose_mg = models.DecimalField(max_digits=6, decimal_places=3)
    timing = models.CharField(max_length=10, choices=Timing, default=Timing.BEDTIME)
    frequency = models.CharField(max_length=16, choices=Frequency, default=Frequency.DAILY)
    note = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="step_frequency_is_known"
            ),
            known_choice("timing", Timing.values, "step_timing_is_known"),
            models.UniqueConstraint("plan", "start_date", name="one_step_per_plan_per_date"),
            models.CheckConstraint(
                condition=Q(dose_mg__gt=0) & Q(dose_mg__lte=DOSE_MAX_MG),
                name="step_dose_within_ldn_range",
            ),
            dates_within(TREATMENT_SPAN, "step_date_in_span", "start_date"),
        ]

    def __str__(self) -> str:
        return f"{self.dose_mg.normalize():f} mg {self.get_timing_display()} from {self.start_date}"


class LdnPause(models.Model):
    """Dates on which LDN is deliberately stopped, e.g. around surgery that needs opioid
    pain relief [003, 004]. Nothing is prescribed on these days."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="pauses")
    start_date = models.DateField()
    end_date = models.DateField(help_text="Last paused day.")
    reason = models.CharField(max_length=200)
    late_reason = models.CharField(
        max_length=200,
        blank=True,
        help_text="Why a pause begun before the day it was recorded was recorded afterwards.",
    )
    created_by = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="pause_ends_after_start"),
            dates_within(TREATMENT_SPAN, "pause_dates_in_span", "start_date", "end_date"),
        ]


class DailyEntry(models.Model):
    """What the patient did and felt on one local date. One per patient per date."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="entries")
    entry_date = models.DateField(help_text="The patient's local date the entry is for.")
    dose_taken = models.BooleanField()
    dose_mg = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    timing_taken = models.CharField(max_length=10, choices=TimingTaken, blank=True)
    time_taken = models.TimeField(null=True, blank=True)
    sleep_quality = models.PositiveSmallIntegerField(null=True, blank=True, validators=score_validators)
    notes = models.TextField(blank=True, validators=[MaxLengthValidator(NOTES_MAX_CHARS)])
    dose_deviation_confirmed = models.BooleanField(
        default=False, help_text="The patient confirmed a dose that differs from the plan."
    )
    edit_count = models.PositiveIntegerField(default=0)
    logged_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who saved the entry last: the patient or their caregiver (empty: the patient).",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-entry_date"]
        verbose_name_plural = "daily entries"
        constraints = [
            models.UniqueConstraint("patient", "entry_date", name="one_entry_per_patient_per_day"),
            models.CheckConstraint(
                condition=Q(sleep_quality__isnull=True)
                | Q(sleep_quality__gte=SCORE_MIN, sleep_quality__lte=SCORE_MAX),
                name="entry_sleep_quality_0_to_10",
            ),
            models.CheckConstraint(
                condition=Q(dose_mg__isnull=True) | (Q(dose_mg__gt=0) & Q(dose_mg__lte=DOSE_MAX_MG)),
                name="entry_dose_within_ldn_range",
            ),
            models.CheckConstraint(
                condition=Q(dose_taken=True) | Q(dose_mg__isnull=True),
                name="entry_no_dose_mg_when_not_taken",
            ),
            dates_within(TREATMENT_SPAN, "entry_date_in_span", "entry_date"),
            known_choice("timing_taken", ["", *TimingTaken.values], "entry_timing_taken_is_known"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} on {self.entry_date}"

    @property
    def was_edited(self) -> bool:
        return self.edit_count > 0


class SymptomScore(models.Model):
    entry = models.ForeignKey(DailyEntry, on_delete=models.CASCADE, related_name="scores")
    symptom = models.ForeignKey(Symptom, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(validators=score_validators)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint("entry", "symptom", name="one_score_per_symptom_per_entry"),
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX), name="score_0_to_10"
            ),
        ]


class SideEffectKind(models.TextChoices):
    """The side effects the daily entry asks about; their words are the vocabulary's."""

    VIVID_DREAMS = "vivid_dreams", _(SIDE_EFFECTS["vivid_dreams"].label)
    INSOMNIA = "insomnia", _(SIDE_EFFECTS["insomnia"].label)
    HEADACHE = "headache", _(SIDE_EFFECTS["headache"].label)
    NAUSEA = "nausea", _(SIDE_EFFECTS["nausea"].label)
    ANXIETY = "anxiety", _(SIDE_EFFECTS["anxiety"].label)
    DAYTIME_FATIGUE = "daytime_fatigue", _(SIDE_EFFECTS["daytime_fatigue"].label)
    OTHER = "other", _(SIDE_EFFECTS["other"].label)


class Severity(models.TextChoices):
    MILD = "mild", _("mild")
    MODERATE = "moderate", _("moderate")
    SEVERE = "severe", _("severe")


class SideEffectReport(models.Model):
    """One side effect on one day's entry; "other" carries the patient's own words."""

    entry = models.ForeignKey(DailyEntry, on_delete=models.CASCADE, related_name="side_effects")
    kind = models.CharField(max_length=20, choices=SideEffectKind)
    severity = models.CharField(max_length=10, choices=Severity)
    other_text = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint("entry", "kind", name="one_report_per_kind_per_entry"),
            models.CheckConstraint(
                condition=~Q(kind="other") | ~Q(other_text=""), name="other_side_effect_named"
            ),
            known_choice("kind", SideEffectKind.values, "side_effect_kind_is_known"),
            known_choice("severity", Severity.values, "side_effect_severity_is_known"),
        ]

    @property
    def words(self) -> str:
        """What the side effect was: the patient's own words for "other"."""
        return (
            self.other_text
            if self.kind == SideEffectKind.OTHER and self.other_text
            else self.get_kind_display()
        )


class Medication(models.Model):
    """A medicine the patient takes besides LDN; screened against the opioid, thyroid and
    immunosuppressant name lists in `journal.safety`."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="medications")
    name = models.CharField(max_length=MEDICINE_MAX_CHARS)
    dose_text = models.CharField(max_length=MEDICINE_MAX_CHARS, blank=True)
    started_on = models.DateField(
        null=True, blank=True, help_text="Empty: counts from the day it was listed."
    )
    stopped_on = models.DateField(null=True, blank=True, help_text="The last day it was taken.")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        # Current medicines first, on every database (PostgreSQL sorts NULL last by default).
        ordering = [F("stopped_on").asc(nulls_first=True), "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(stopped_on__isnull=True)
                | Q(stopped_on__gte=F("started_on")),
                name="medication_stops_after_start",
            ),
            dates_within(HISTORY_SPAN, "medication_dates_in_span", "started_on", "stopped_on", nullable=True),
            text_within(MEDICINE_MAX_CHARS, "medication_text_length", "name", "dose_text"),
        ]

    def __str__(self) -> str:
        return self.name


def lab_number_field(**options: Any) -> models.DecimalField:
    return models.DecimalField(
        max_digits=5 + LAB_DECIMALS,
        decimal_places=LAB_DECIMALS,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(LAB_VALUE_MAX)],
        **options,
    )


def lab_numbers_within(name: str, *fields: str) -> models.CheckConstraint:
    """Lab values and range ends from 0 to `LAB_VALUE_MAX`, held by the database."""
    condition = Q()
    for field in fields:
        within = Q(**{f"{field}__gte": 0, f"{field}__lte": LAB_VALUE_MAX})
        condition &= within | Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=condition, name=name)


def range_in_order(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(reference_low__isnull=True)
        | Q(reference_high__isnull=True)
        | Q(reference_low__lte=F("reference_high")),
        name=name,
        violation_error_message="The reference range's low end is above its high end.",
    )


class LabTest(models.Model):
    """A lab test a clinician can record a result of. Rows with no clinic are the shared
    catalogue (`journal.catalogue.LAB_TESTS`, with a `key` the advice reads); a clinic adds
    its own. The unit and range are the usual ones, shown on the form as a reminder: each
    result keeps its laboratory's own."""

    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.CASCADE, related_name="lab_tests"
    )
    key = models.CharField(
        max_length=20, blank=True, help_text="A built-in test's key; empty for a clinic's own."
    )
    name = models.CharField(max_length=NAME_MAX_CHARS)
    unit = models.CharField(max_length=LAB_UNIT_MAX_CHARS, blank=True)
    reference_low = lab_number_field(null=True, blank=True)
    reference_high = lab_number_field(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "name", condition=Q(clinic__isnull=True), name="lab_test_unique_in_catalogue"
            ),
            models.UniqueConstraint("clinic", "name", name="lab_test_unique_per_clinic"),
            models.UniqueConstraint(
                "key", condition=Q(clinic__isnull=True) & ~Q(key=""), name="lab_test_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(clinic__isnull=True) | Q(key=""), name="lab_test_key_built_in"
            ),
            text_within(NAME_MAX_CHARS, "lab_test_name_length", "name"),
            text_within(LAB_UNIT_MAX_CHARS, "lab_test_unit_length", "unit"),
            lab_numbers_within("lab_test_range_bounded", "reference_low", "reference_high"),
            range_in_order("lab_test_range_in_order"),
        ]

    def __str__(self) -> str:
        return self.name


class LabResult(models.Model):
    """One result from a laboratory's report, recorded by a clinician of the patient: the
    value with the laboratory's own unit and reference range, and the date the sample was taken."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="lab_results")
    test = models.ForeignKey(LabTest, on_delete=models.PROTECT, related_name="results")
    value = lab_number_field()
    unit = models.CharField(max_length=LAB_UNIT_MAX_CHARS, blank=True)
    reference_low = lab_number_field(null=True, blank=True)
    reference_high = lab_number_field(null=True, blank=True)
    sampled_on = models.DateField()
    laboratory = models.CharField(max_length=LABORATORY_MAX_CHARS, blank=True)
    recorded_by = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sampled_on", "-pk"]
        indexes = [models.Index(fields=["patient", "sampled_on"])]
        constraints = [
            lab_numbers_within("lab_result_bounded", "value", "reference_low", "reference_high"),
            range_in_order("lab_result_range_in_order"),
            dates_within(TREATMENT_SPAN, "lab_result_sample_in_span", "sampled_on"),
            text_within(LAB_UNIT_MAX_CHARS, "lab_result_unit_length", "unit"),
            text_within(LABORATORY_MAX_CHARS, "lab_result_laboratory_length", "laboratory"),
        ]

    def __str__(self) -> str:
        return f"{self.test_id} of patient {self.patient_id} on {self.sampled_on}"


class Questionnaire(models.Model):
    """A questionnaire a clinic asks its patients (`journal.questionnaires`). What it asks lives
    in its versions: an edit adds a version, so a stored answer keeps the words it answered.
    A built-in one (`key`, e.g. the PGIC) keeps its validated wording and is not edited."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="questionnaires")
    key = models.CharField(max_length=20, blank=True, help_text="A built-in questionnaire's key.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                "clinic", "key", condition=~Q(key=""), name="questionnaire_built_in_once_per_clinic"
            ),
        ]

    def __str__(self) -> str:
        return f"questionnaire {self.pk} of clinic {self.clinic_id}"

    @property
    def built_in(self) -> bool:
        return bool(self.key)


def _json_list(value: Any) -> None:
    if not isinstance(value, list):
        raise ValidationError("A list is expected.")


class QuestionnaireVersion(models.Model):
    """One version of a questionnaire, never changed once answered (an edit adds the next)."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=q.TITLE_MAX_CHARS)
    # [{"text": "…", "anchors": ["…", …]}, …]: bounded by `journal.questionnaires.definition_problems`
    items = models.JSONField(validators=[_json_list])
    higher_is_better = models.BooleanField()
    scoring = models.CharField(max_length=10, choices=[(kind.value, kind.value) for kind in q.Scoring])
    at_baseline = models.BooleanField(default=False)
    every_weeks = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(q.EVERY_WEEKS_MAX)]
    )
    at_weeks = models.JSONField(default=list, blank=True, validators=[_json_list])
    at_review = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        Clinician, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["questionnaire", "-number"]
        constraints = [
            models.UniqueConstraint("questionnaire", "number", name="questionnaire_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="questionnaire_version_from_1"),
            models.CheckConstraint(
                condition=Q(every_weeks__isnull=True)
                | Q(every_weeks__gte=1, every_weeks__lte=q.EVERY_WEEKS_MAX),
                name="questionnaire_every_weeks_bounded",
            ),
            models.CheckConstraint(
                condition=Q(scoring__in=[kind.value for kind in q.Scoring]),
                name="questionnaire_scoring_known",
            ),
            text_within(q.TITLE_MAX_CHARS, "questionnaire_title_length", "title"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.number})"

    @property
    def definition(self) -> q.Definition:
        return q.Definition(
            title=self.title,
            items=tuple(q.Item(item["text"], tuple(item["anchors"])) for item in self.items),
            higher_is_better=self.higher_is_better,
            scoring=q.Scoring(self.scoring),
            timing=q.Timing(
                at_baseline=self.at_baseline,
                every_weeks=self.every_weeks,
                at_weeks=tuple(self.at_weeks),
                at_review=self.at_review,
            ),
        )

    def clean(self) -> None:
        super().clean()
        try:
            problems = q.definition_problems(self.definition)
        except (KeyError, TypeError, ValueError):
            problems = ["The questions are not stored as a list of texts with their scales."]
        if problems:
            raise ValidationError(problems)


class QuestionnaireAnswer(models.Model):
    """A patient's answer on one occasion (`journal.questionnaires.Occasion.key`), pointing at
    the version it answered: one point (1, 2, …) per item and the score that version gives."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="questionnaire_answers")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="answers")
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="answers")
    occasion = models.CharField(max_length=q.OCCASION_KEY_MAX_CHARS)
    answered_on = models.DateField()
    values = models.JSONField(validators=[_json_list])
    score = models.SmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(q.ITEMS_MAX * q.SCALE_POINTS_MAX)]
    )
    answered_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who answered: the patient or their caregiver.",
    )

    class Meta:
        ordering = ["answered_on", "pk"]
        indexes = [models.Index(fields=["patient", "answered_on"])]
        constraints = [
            models.UniqueConstraint("patient", "questionnaire", "occasion", name="questionnaire_answer_once"),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=q.ITEMS_MAX * q.SCALE_POINTS_MAX),
                name="questionnaire_score_bounded",
            ),
            dates_within(TREATMENT_SPAN, "questionnaire_answer_in_span", "answered_on"),
            text_within(q.OCCASION_KEY_MAX_CHARS, "questionnaire_occasion_length", "occasion"),
        ]

    def __str__(self) -> str:
        return (
            f"answer of patient {self.patient_id} to questionnaire {self.questionnaire_id} ({self.occasion})"
        )

    def clean(self) -> None:
        super().clean()
        if (
            self.version_id
            and self.questionnaire_id
            and self.version.questionnaire_id != self.questionnaire_id
        ):
            raise ValidationError("The version is not one of the questionnaire's.")
        if self.version_id and isinstance(self.values, list):
            problem = self.version.definition.answer_problem(self.values)
            if problem:
                raise ValidationError(problem)


class Screening(models.Model):
    """The safety screening a clinician records before a patient's first plan becomes
    active. The answers are kept as given; `journal.safety` judges them."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="screenings")
    plan = models.ForeignKey(
        TitrationPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="screenings"
    )
    screened_by = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="+")
    screened_at = models.DateTimeField(default=timezone.now)
    opioid_use_last_14_days = models.BooleanField(default=False)
    opioid_names = models.CharField(max_length=300, blank=True)
    opioid_stopped_on = models.DateField(null=True, blank=True)
    # One field per question of journal.safety.SCREENING_QUESTIONS (tests/test_safety.py checks).
    long_term_opioid_use = models.BooleanField(default=False)
    acute_opioid_withdrawal = models.BooleanField(default=False)
    naltrexone_hypersensitivity = models.BooleanField(default=False)
    acute_hepatitis = models.BooleanField(default=False)
    severe_liver_disease = models.BooleanField(default=False)
    severe_kidney_disease = models.BooleanField(default=False)
    pregnancy_or_breastfeeding = models.BooleanField(default=False)
    immunosuppressants_or_transplant = models.BooleanField(default=False)
    chemotherapy = models.BooleanField(default=False)
    thyroid_medication = models.BooleanField(default=False)
    notes = models.TextField(blank=True, validators=[MaxLengthValidator(NOTES_MAX_CHARS)])

    class Meta:
        ordering = ["-screened_at"]
        constraints = [
            dates_within(HISTORY_SPAN, "screening_opioid_stop_in_span", "opioid_stopped_on", nullable=True),
        ]


class AppendOnly(models.Model):
    """Rows that are never updated or deleted through the application (and, by migration 0006's
    triggers, not in the database either)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError(f"{str(self._meta.verbose_name_plural).capitalize()} cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValidationError(f"{str(self._meta.verbose_name_plural).capitalize()} cannot be deleted.")


class ApiToken(models.Model):
    """A clinic's system (an EHR, a registry) reads the clinic's records through the read-only
    FHIR API with this, sent as `Authorization: Bearer <secret>`. Made and revoked by a clinic
    admin; the secret is shown once and only its SHA-256 is kept, so a database dump hands out no
    access. It opens the patients of its own clinic only, until it expires or is revoked."""

    class Scope(models.TextChoices):
        READ = "read", _("read")

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=API_TOKEN_NAME_MAX_CHARS, help_text="What the token is for.")
    scope = models.CharField(max_length=10, choices=Scope, default=Scope.READ)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="api_token_expires_after_made"
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("created_at")),
                name="api_token_revoked_after_made",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="api_token_revoked_by_someone",
            ),
            text_within(API_TOKEN_NAME_MAX_CHARS, "api_token_name_length", "name"),
            models.CheckConstraint(condition=~Q(name=""), name="api_token_named"),
            models.CheckConstraint(condition=Q(scope="read"), name="api_token_scope_known"),
        ]

    def __str__(self) -> str:
        return self.name


class AuditEvent(AppendOnly):
    """One clinical decision or access on record. Append-only: rows are never updated or
    deleted through the application."""

    class Kind(models.TextChoices):
        PATIENT_INVITED = "patient_invited", _("patient invited")
        INVITATION_ACCEPTED = "invitation_accepted", _("invitation accepted")
        SCREENING = "screening", _("safety screening")
        PLAN_CREATED = "plan_created", _("plan created")
        PLAN_CHANGED = "plan_changed", _("plan changed")
        PLAN_ACKNOWLEDGED = "plan_acknowledged", _("plan change seen by patient")
        WARNING_CONFIRMED = "warning_confirmed", _("warning confirmed")
        LDN_PAUSED = "ldn_paused", _("LDN paused")
        ADVICE_DISMISSED = "advice_dismissed", _("advice dismissed")
        REVIEWED = "reviewed", _("reviewed")
        EXPORT = "export", _("export")
        CALENDAR_RESET = "calendar_reset", _("calendar link reset")
        CLINICIAN_ADDED = "clinician_added", _("clinician added")
        CLINICIAN_CHANGED = "clinician_changed", _("clinician changed")
        CARE_TEAM_CHANGED = "care_team_changed", _("care team changed")
        MEDICATION_ADDED = "medication_added", _("medication added")
        MEDICATION_STOPPED = "medication_stopped", _("medication stopped")
        CLINIC_SETTINGS_CHANGED = "clinic_settings_changed", _("clinic settings changed")
        API_TOKEN_CREATED = "api_token_created", _("API token created")
        API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
        LOGIN_UNLOCKED = "login_unlocked", _("sign-in unlocked")
        TWO_FACTOR_CHANGED = "two_factor_changed", _("two-factor sign-in changed")
        ACCESS_REPORT = "access_report", _("access report exported")
        RECORD_CORRECTED = "record_corrected", _("record corrected")
        QUESTION_ASKED = "question_asked", _("question asked")
        QUESTION_ANSWERED = "question_answered", _("question answered")
        INTRODUCTION_ENDED = "introduction_ended", _("introduction finished or skipped")
        REMINDERS_CHANGED = "reminders_changed", _("reminders changed")
        LAB_RESULT_RECORDED = "lab_result_recorded", _("lab result recorded")
        LAB_RESULT_DELETED = "lab_result_deleted", _("lab result deleted")
        LAB_TEST_ADDED = "lab_test_added", _("lab test added")
        QUESTIONNAIRE_SAVED = "questionnaire_saved", _("questionnaire saved")
        QUESTIONNAIRE_ANSWERED = "questionnaire_answered", _("questionnaire answered")
        RECORD_CHANGED = "record_changed", _("conditions or symptoms changed")
        DETAILS_CHANGED = "details_changed", _("date of birth or weight recorded")
        CAREGIVER_INVITED = "caregiver_invited", _("caregiver invited")
        CAREGIVER_REVOKED = "caregiver_revoked", _("caregiver revoked")
        SUPPLY_DISPENSED = "supply_dispensed", _("refill dispensed")

    patient = models.ForeignKey(
        Patient, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="audit_events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=30, choices=Kind)
    summary = models.CharField(max_length=500)
    details = models.JSONField(default=dict, blank=True)
    request_key = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text="The form submission that made this change: a resubmission is not applied twice.",
    )

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["patient", "kind", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}: {self.summary}"


class AccessEvent(AppendOnly):
    """Someone other than the patient read the patient's record: a page, the printable summary or
    an export, one row per patient (a clinic export writes one for each patient in it).

    Kept apart from `AuditEvent`: reads outnumber decisions many times over, the patient page's
    timeline reads every decision but only a summary of reads, and the access report filters
    reads alone. Append-only like the audit log: the database refuses UPDATE and DELETE
    (migration 0006)."""

    class What(models.TextChoices):
        PATIENT_PAGE = "patient_page", _("patient page")
        PLAN = "plan", _("plan page")
        SUMMARY = "summary", _("printable summary")
        PATIENT_CSV = "patient_csv", _("patient CSV")
        CLINIC_CSV = "clinic_csv", _("clinic CSV")
        PATIENT_FHIR = "patient_fhir", _("patient FHIR bundle")
        CLINIC_FHIR = "clinic_fhir", _("clinic FHIR export")
        ROSTER_SEARCH = "roster_search", _("roster search result")
        FHIR_API = "fhir_api", _("FHIR API")

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="access_events")
    # A read through the FHIR API: the token that read, and as actor the admin who made it.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    api_token = models.ForeignKey(
        ApiToken, null=True, blank=True, on_delete=models.PROTECT, related_name="reads"
    )
    at = models.DateTimeField(default=timezone.now)
    what = models.CharField(max_length=20, choices=What)
    client_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["patient", "at"]),
            models.Index(fields=["clinic", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_what_display()} of patient {self.patient_id}"


class AdviceDismissal(models.Model):
    """A clinician set aside one advice card (rule + the evidence it fired on)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="dismissals")
    rule = models.CharField(max_length=60)
    evidence_key = models.CharField(max_length=120)
    note = models.CharField(max_length=500)
    dismissed_by = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="+")
    dismissed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint("patient", "rule", "evidence_key", name="one_dismissal_per_advice"),
        ]


class PlanChangeNote(models.Model):
    """What the patient is told with a change to their plan: the change, the clinician's reason
    (required when the change alters what is prescribed) and when the patient acknowledged it."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="plan_notes")
    written_by = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    change = models.CharField(max_length=500, help_text="The change, as the audit log says it.")
    wording = models.JSONField(
        default=dict,
        blank=True,
        help_text="The change as data (`journal.plan_changes.PlanChange`), to read it in the "
        "reader's language; empty on rows written before, which show `change` as stored.",
    )
    reason = models.CharField(max_length=REASON_MAX_CHARS, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["patient", "at"])]
        constraints = [
            text_within(REASON_MAX_CHARS, "plan_note_reason_length", "reason"),
            text_within(500, "plan_note_change_length", "change"),
        ]

    def __str__(self) -> str:
        return f"{self.patient_id} at {self.at:%Y-%m-%d %H:%M}: {self.change}"

    @property
    def reason_words(self) -> str:
        """The reason told with the change: the app's own in the reader's language, a
        clinician's as typed."""
        return reason_words(self.reason)

    @property
    def words(self) -> str:
        """The change in the reader's language; a row written before changes were kept as
        data, or whose values no longer fit its message (a message changed since), as stored
        (English): a stored row never makes a page fail."""
        change = PlanChange.from_data(self.wording)
        if change is None:
            return self.change
        try:
            return str(change.words())
        except (KeyError, TypeError, ValueError):
            return self.change


class QuestionTopic(models.TextChoices):
    GENERAL = "general", _("general")
    PLAN = "plan", _("my plan")
    ENTRY = "entry", _("a day's entry")


class Question(models.Model):
    """A patient's short question to their care team, about their plan, one day's entry or
    anything else (the topic threads them), and the one answer a clinician gives."""

    Topic = QuestionTopic

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="questions")
    topic = models.CharField(max_length=10, choices=Topic)
    entry_date = models.DateField(
        null=True, blank=True, help_text="The day a question about an entry is about."
    )
    text = models.CharField(max_length=QUESTION_MAX_CHARS)
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.CharField(max_length=ANSWER_MAX_CHARS, blank=True)
    answered_by = models.ForeignKey(
        Clinician, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]
        indexes = [models.Index(fields=["patient", "answered_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(topic__in=QuestionTopic.values), name="question_topic_known"),
            models.CheckConstraint(
                condition=Q(topic=QuestionTopic.ENTRY, entry_date__isnull=False)
                | (~Q(topic=QuestionTopic.ENTRY) & Q(entry_date__isnull=True)),
                name="question_entry_date_with_entry_topic",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, answered_by__isnull=True, answer="")
                | (Q(answered_at__isnull=False, answered_by__isnull=False) & ~Q(answer="")),
                name="question_answer_whole",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="question_not_empty"),
            dates_within(TREATMENT_SPAN, "question_entry_date_in_span", "entry_date", nullable=True),
            text_within(QUESTION_MAX_CHARS, "question_text_length", "text"),
            text_within(ANSWER_MAX_CHARS, "question_answer_length", "answer"),
        ]

    def __str__(self) -> str:
        return f"{self.patient_id}: {self.text[:40]}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None

    @property
    def thread_key(self) -> tuple[str, dt.date | None]:
        return (self.topic, self.entry_date)

    @property
    def thread_words(self) -> str:
        """The thread's heading: "About my plan", "About your entry of 3 March 2026"."""
        if self.topic == self.Topic.ENTRY and self.entry_date is not None:
            return _("About the entry of %(day)s") % {"day": date_format(self.entry_date, str(_("j F Y")))}
        return str(_("About my plan") if self.topic == self.Topic.PLAN else _("General"))


class ReminderSettings(models.Model):
    """The reminders a patient chose (`journal.reminders`), sent by the worker by e-mail, by
    Web Push to each of their devices, or both. Times are the patient's local times."""

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, primary_key=True, related_name="reminder_settings"
    )
    by_email = models.BooleanField(default=False)
    by_push = models.BooleanField(default=False)
    dose_on = models.BooleanField(default=False)
    bedtime_at = models.TimeField(default=dt.time(22, 0))
    morning_at = models.TimeField(default=dt.time(8, 0))
    nudge_on = models.BooleanField(default=False)
    nudge_at = models.TimeField(default=dt.time(20, 30))
    step_on = models.BooleanField(default=False)
    refill_on = models.BooleanField(default=False)
    notice_at = models.TimeField(default=dt.time(18, 0))
    supply_doses = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(SUPPLY_MAX_DOSES)]
    )
    supply_counted_on = models.DateField(null=True, blank=True)
    refill_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(REFILL_DAYS_MAX)]
    )
    quiet_from = models.TimeField(null=True, blank=True)
    quiet_until = models.TimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(supply_doses__lte=SUPPLY_MAX_DOSES), name="reminder_supply_bounded"
            ),
            models.CheckConstraint(
                condition=Q(refill_days__gte=1, refill_days__lte=REFILL_DAYS_MAX),
                name="reminder_refill_days_bounded",
            ),
            models.CheckConstraint(
                condition=Q(supply_doses__isnull=True, supply_counted_on__isnull=True)
                | Q(supply_doses__isnull=False, supply_counted_on__isnull=False),
                name="reminder_supply_with_its_date",
            ),
            models.CheckConstraint(
                condition=Q(refill_on=False) | Q(supply_doses__isnull=False),
                name="reminder_refill_needs_supply",
            ),
            models.CheckConstraint(
                condition=Q(quiet_from__isnull=True, quiet_until__isnull=True)
                | Q(quiet_from__isnull=False, quiet_until__isnull=False),
                name="reminder_quiet_hours_both_ends",
            ),
            dates_within(TREATMENT_SPAN, "reminder_supply_date_in_span", "supply_counted_on", nullable=True),
        ]

    def __str__(self) -> str:
        return f"Reminders of patient {self.patient_id}"

    def clean(self) -> None:
        """The choices' own rules (`journal.reminders.choice_problems`), and a channel that
        can reach the patient for the reminders turned on."""
        patient = self.patient
        problems = choice_problems(self.choices(patient.time_zone), patient.local_today())
        if self.by_email and not patient.email:
            problems["by_email"] = "Your clinic has no e-mail address for you: ask them to add it."
        if self.by_push and not settings.VAPID_PRIVATE_KEY:
            problems["by_push"] = "Push reminders are not set up on this server: choose e-mail."
        if self.choices(patient.time_zone).times and not (self.by_email or self.by_push):
            problems["by_push"] = "Choose how to receive your reminders: on this device, by e-mail, or both."
        if problems:
            raise ValidationError(problems)

    def choices(self, time_zone: str) -> ReminderChoices:
        return ReminderChoices(
            time_zone=time_zone,
            dose_on=self.dose_on,
            bedtime_at=self.bedtime_at,
            morning_at=self.morning_at,
            nudge_on=self.nudge_on,
            nudge_at=self.nudge_at,
            step_on=self.step_on,
            refill_on=self.refill_on,
            notice_at=self.notice_at,
            supply_doses=self.supply_doses,
            supply_counted_on=self.supply_counted_on,
            refill_days=self.refill_days,
            quiet_from=self.quiet_from,
            quiet_until=self.quiet_until,
        )


class PushSubscription(models.Model):
    """One device's Web Push subscription (what the browser's `PushManager.subscribe` gave).
    A push service that answers 404 or 410 has dropped it: it is marked expired, and the
    patient is told on Today until they turn push on again or remove it."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.CharField(max_length=PUSH_ENDPOINT_MAX_CHARS, unique=True)
    p256dh = models.CharField(max_length=PUSH_KEY_MAX_CHARS)
    auth = models.CharField(max_length=PUSH_KEY_MAX_CHARS)
    device = models.CharField(max_length=DEVICE_MAX_CHARS, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            text_within(PUSH_ENDPOINT_MAX_CHARS, "push_endpoint_bounded", "endpoint"),
            text_within(PUSH_KEY_MAX_CHARS, "push_keys_bounded", "p256dh", "auth"),
            text_within(DEVICE_MAX_CHARS, "push_device_bounded", "device"),
            models.CheckConstraint(condition=Q(endpoint__startswith="https://"), name="push_endpoint_https"),
        ]

    def __str__(self) -> str:
        return f"Push subscription {self.pk} of patient {self.patient_id}"

    @property
    def info(self) -> dict[str, Any]:
        """The subscription as pywebpush takes it."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class ReminderOccasion(models.Model):
    """A reminder sent (or being sent): one row per patient, kind and date, so it goes once
    however many workers or beats find it due. Its e-mail is an `OutgoingMail` (retried and
    recorded there, `OutgoingMail.reminder`); its pushes are `ReminderPush` rows, one per device."""

    Kind = ReminderKind

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="reminder_occasions")
    kind = models.CharField(max_length=10, choices=[(kind.value, kind.value) for kind in ReminderKind])
    day = models.DateField()
    due_at = models.DateTimeField()
    text = models.CharField(max_length=200)
    claimed_by = models.CharField(max_length=64, db_index=True)  # the pass that recorded it
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("patient", "kind", "day", name="one_reminder_per_occasion"),
            models.CheckConstraint(
                condition=Q(kind__in=[kind.value for kind in ReminderKind]), name="reminder_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder of patient {self.patient_id} for {self.day}"

    @property
    def delivery_words(self) -> str:
        """What became of it, for the patient: "e-mail sent; device: failed, will retry"."""
        mail = getattr(self, "mail", None)  # read with select_related("mail"): no query
        parts = [f"e-mail {mail.get_status_display()}"] if mail is not None else []
        parts += [f"device: {push.get_status_display()}" for push in self.pushes.all()]
        return "; ".join(parts) or "not sent: no device or e-mail address was on"


class PushStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RETRYING = "retrying", _("failed, will retry")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    EXPIRED = "expired", _("device no longer subscribed")


PUSH_UNSENT = [PushStatus.QUEUED, PushStatus.RETRYING]
PUSH_RETRY_DELAYS = (dt.timedelta(minutes=1), dt.timedelta(minutes=5))  # a reminder is soon stale
PUSH_MAX_ATTEMPTS = len(PUSH_RETRY_DELAYS) + 1


class ReminderPush(models.Model):
    """One reminder pushed to one device: retried after `PUSH_RETRY_DELAYS`, then recorded as failed."""

    occasion = models.ForeignKey(ReminderOccasion, on_delete=models.CASCADE, related_name="pushes")
    subscription = models.ForeignKey(PushSubscription, on_delete=models.CASCADE, related_name="pushes")
    status = models.CharField(max_length=10, choices=PushStatus, default=PushStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(PUSH_MAX_ATTEMPTS)])
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("occasion", "subscription", name="one_push_per_device_and_occasion"),
            models.CheckConstraint(condition=Q(status__in=PushStatus.values), name="push_status_known"),
            models.CheckConstraint(
                condition=Q(attempts__lte=PUSH_MAX_ATTEMPTS), name="push_attempts_bounded"
            ),
        ]

    def __str__(self) -> str:
        return f"Push {self.pk} ({self.status})"

    def retry_delay(self) -> dt.timedelta | None:
        return retry_delay_after(PUSH_RETRY_DELAYS, self.attempts)


@receiver(post_save, sender=Clinic)
def _clinic_gets_built_in_questionnaires(
    sender, instance: Clinic, created: bool, raw: bool = False, **kwargs
):
    """A new clinic starts with the built-in questionnaires, as the data migration gave the others."""
    if created and not raw:
        load_questionnaires([instance], Questionnaire, QuestionnaireVersion)
