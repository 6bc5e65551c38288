"""Hostile payloads to every URL that takes a POST, as the role the form is for: no payload
may make a 500, take longer than the time limit, or leave a row that fails `full_clean()` or
the database's constraints. Each URL's parameters get the same treatment.

ROUTES names every URL of the URL conf (Django's own admin aside, but for its login): who
opens it, with which URL parameters, and whether it takes a POST (checked: a GET-only URL
must answer 405). Every URL that takes a POST is fuzzed; a URL missing from ROUTES fails
`test_every_url_is_routed`. A form's fields choose the hostile values (tests/fuzz/values.py);
a URL without a form gets junk fields.

The figures (payloads tried, 500s, invalid rows) are printed at the end of the run."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from hypothesis import given
from hypothesis import strategies as st

from journal.bounds import change_window, record_window
from journal.forms.account import CodeForm, LanguageForm, PasswordConfirmForm, SetupCodeForm
from journal.forms.clinic import (
    ApiTokenForm,
    CareTeamForm,
    ClinicFhirNamesForm,
    ClinicianAddForm,
    ClinicianChangeForm,
    ClinicTwoFactorForm,
    EmergencyLineForm,
)
from journal.forms.entries import EntryForm
from journal.forms.exports import ExportRangeForm
from journal.forms.fhir_import import FhirBundleForm, FhirImportConfirmForm, PatientBundleForm
from journal.forms.guide import IntroductionForm
from journal.forms.invitations import AcceptInvitationForm, CaregiverInviteForm, InviteForm
from journal.forms.labs import LabResultDeleteForm, LabResultForm, LabTestForm
from journal.forms.login import LoginForm
from journal.forms.medications import MedicationForm, MedicationStopForm
from journal.forms.messages import AnswerForm, QuestionForm
from journal.forms.outcomes import OutcomeFilterForm
from journal.forms.plans import (
    EndForm,
    HoldForm,
    MorningForm,
    PauseForm,
    PlanEditorForm,
    RecordCorrectionForm,
    RefillForm,
    ScreeningForm,
    StepBackForm,
    StepEditForm,
)
from journal.forms.questionnaires import QuestionnaireAnswerForm, QuestionnaireForm
from journal.forms.reminders import PushEndpointForm, PushSubscriptionForm, ReminderSettingsForm
from journal.forms.review import (
    AdviceDismissalForm,
    BirthDateForm,
    RecordChangeForm,
    RosterFilterForm,
    SavedFilterForm,
    WeightForm,
)
from journal.labs import TSH
from journal.models import LabTest, Patient, Questionnaire, ReminderSettings, Symptom
from journal.questionnaires import PGIC, PGIC_KEY
from journal.schedule import DAY
from journal.selectors.labs import lab_tests_of
from journal.selectors.outcomes import outcome_choices
from journal.services.exports import export_job_request, export_job_run
from journal.services.labs import lab_result_record
from journal.services.questionnaires import questionnaire_save
from journal.services.review import patient_mark_reviewed, roster_filter_save
from journal.urls import urlpatterns as journal_urls
from tests.fuzz.conftest import PROFILE, World
from tests.fuzz.harness import TALLY, Rows, failures_of, journal_rows, judge, send, shown
from tests.fuzz.values import Payload, Value, edge_payloads, path_values, payloads, text
from tests.test_access import URLS as ACCESS_URLS

PASSWORD = "correct-horse-battery"  # tests/factories.py
NEW_PASSWORD = "a-long-pass-phrase-7"
NEXT = st.sampled_from(
    ("/plan/", "/today/", "https://evil.example/", "//evil.example", "javascript:alert(1)")
)


def no_form(world: World) -> None:
    return None


def no_kwargs(world: World) -> dict[str, Any]:
    return {}


def nothing(world: World) -> Payload:
    return {}


@dataclass(frozen=True)
class Route:
    role: str  # "alice" (patient), "carol" (clinician), "ada" (clinic admin) or "anonymous"
    post: bool = True
    kwargs: Callable[[World], dict[str, Any]] = no_kwargs
    form: Callable[[World], forms.BaseForm | None] = no_form
    valid: Callable[[World], Payload] = nothing
    extra: Mapping[str, st.SearchStrategy[Value]] = field(default_factory=dict)
    # The URL the form posts to when it is not the route's own (a link that redirects first).
    target: Callable[[Client, str], str] | None = None
    # Sent with a valid API token of Alice's clinic (the FHIR API reads no session).
    bearer: bool = False


def windowed(form_class: type[forms.BaseForm], patient: Patient, world: World) -> forms.BaseForm:
    """A plan-page form with the patient's date window, as the view makes it."""
    return form_class(window=record_window(patient.opened_on, world.today), today=world.today)


def day(world: World, days: int) -> str:
    return (world.today + days * DAY).isoformat()


def pgic_due(world: World) -> dict[str, int]:
    """The PGIC of Alice's clinic, due for her: a review opens an occasion."""
    patient_mark_reviewed(patient=world.alice, clinician=world.carol, open_advice_keys=[])
    return {"pk": Questionnaire.objects.get(clinic=world.clinic, key=PGIC_KEY).pk}


def questionnaire_valid(world: World) -> Payload:
    return {
        "title": "Sleep check",
        "questions": "Did you wake at night?\nWere you tired on waking?",
        "anchors": "never\nsometimes\noften",
        "direction": "worse",
        "scoring": "sum",
        "every_weeks": "4",
        "at_weeks": "8, 13",
        "at_review": "on",
    }


def own_questionnaire(world: World) -> dict[str, int]:
    """A questionnaire of the clinic's own (a built-in one is not edited)."""
    form = QuestionnaireForm(questionnaire_valid(world))
    assert form.is_valid(), form.errors
    version = questionnaire_save(clinician=world.carol, definition=form.definition())
    return {"pk": version.questionnaire_id}


def carols_export(world: World) -> int:
    """A clinic export Carol asked for, written by the worker."""
    job = export_job_request(
        clinician=world.carol,
        patient_ids=[world.alice.pk],
        first=world.today - 30 * DAY,
        last=world.today - DAY,
        byte_order_mark=False,
    )
    export_job_run(job_id=job.pk)
    return job.pk


def alice_pk(world: World) -> dict[str, Any]:
    return {"pk": world.alice.pk}


def nina_pk(world: World) -> dict[str, Any]:
    return {"pk": world.nina.pk}


def medication_form(world: World) -> MedicationForm:
    return MedicationForm(today=world.today)


def medication_valid(world: World) -> Payload:
    return {"name": "Ibuprofen", "dose_text": "200 mg", "started_on": day(world, -10)}


def medication_stop_form(world: World) -> MedicationStopForm:
    return MedicationStopForm(medication=world.medication, today=world.today)


def entry_valid(world: World) -> Payload:
    pain = Symptom.objects.get(clinic=None, name="Pain")
    return {
        "entry_date": world.today.isoformat(),
        "dose_taken": "yes",
        "dose_mg": "1.5",
        "timing_taken": "bedtime",
        "time_taken": "22:30",
        "sleep_quality": "6",
        f"score_{pain.pk}": "4",
        "side_headache": "mild",
        "notes": "Slept well.",
    }


def invite_valid(world: World) -> Payload:
    pain = Symptom.objects.get(clinic=None, name="Pain")
    return {
        "name": "Nora New",
        "time_zone": "Europe/London",
        "email": "nora@example.org",
        "code": "RLC-9",
        "symptoms": [str(pain.pk)],
        "other_conditions": "Long covid",
        "other_symptoms": "Brain fog",
        "medications": "Levothyroxine 50 mcg",
    }


def plan_valid(world: World) -> Payload:
    return {
        "template": "standard",
        "start_date": day(world, 7),
        "start_mg": "1.5",
        "increment_mg": "1.5",
        "interval_days": "14",
        "target_mg": "4.5",
        "timing": "bedtime",
        "frequency": "every_other_day",
        "release": "immediate",
        "filler": "microcrystalline_cellulose",
        "filler_note": "no lactose",
        "pharmacy": "Riverside Pharmacy",
        "supply_quantity": "30",
        "dispensed_on": day(world, 7),
        "form": "capsule",
        "strength_mg": "1.5",
        "patient_reason": "Start low, go slow.",
        "action": "preview",
    }


def roster_view(world: World) -> Payload:
    """A roster search, filter and order as the roster's own links send them."""
    return {"q": "ali", "scope": "all", "phase": "titrating", "flagged": "1", "sort": "day", "dir": "desc"}


def carols_view(world: World) -> dict[str, Any]:
    return {"pk": roster_filter_save(clinician=world.carol, name="Titrating", scope="mine").pk}


def reminders_valid(world: World) -> Payload:
    return {
        "dose_on": "on",
        "bedtime_at": "22:00",
        "morning_at": "08:00",
        "nudge_on": "on",
        "nudge_at": "20:30",
        "refill_on": "on",
        "supply_doses": "30",
        "supply_counted_on": day(world, -3),
        "refill_days": "7",
        "notice_at": "18:00",
        "quiet_from": "23:00",
        "quiet_until": "07:00",
        "by_push": "on",
    }


def record_change_form(world: World, *, adding: bool) -> RecordChangeForm:
    items = Symptom.objects.filter(clinic=None) if adding else None
    return RecordChangeForm(items=items, window=change_window(world.alice.opened_on, world.today))


def untracked_symptom(world: World) -> int:
    return Symptom.objects.filter(clinic=None).exclude(pk__in=world.alice.tracked_symptoms.all()).first().pk


HOSTILE_BUNDLES = (
    b"",
    b"\x00" * 64,
    b"[" * 50_000,
    b'{"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Observation", '
    b'"category": [{"coding": [{"code": "laboratory"}]}], "code": {"text": "TSH"}, '
    b'"effectiveDateTime": "9999-12-31", "valueQuantity": {"value": 1e999999}}}]}',
    b'{"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "MedicationStatement", '
    b'"medicationCodeableConcept": {"text": "\\u0000' + b"x" * 5000 + b'"}, '
    b'"effectivePeriod": {"start": "0001-01-01", "end": "0000-13-45"}}}]}',
)


def bundle_files() -> st.SearchStrategy[Value]:
    """An uploaded file made anew for each payload: hostile Bundles and random bytes."""
    contents = st.one_of(st.sampled_from(HOSTILE_BUNDLES), st.binary(max_size=300))
    return contents.map(lambda content: SimpleUploadedFile("bundle.json", content))


def lab_form(world: World) -> LabResultForm:
    return LabResultForm(tests=lab_tests_of(world.clinic), opened_on=world.alice.opened_on, today=world.today)


def lab_valid(world: World) -> Payload:
    tsh = LabTest.objects.get(clinic=None, key=TSH)
    return {
        "test": str(tsh.pk),
        "value": "2.1",
        "unit": "mIU/L",
        "reference_low": "0.4",
        "reference_high": "4.0",
        "sampled_on": day(world, -2),
        "laboratory": "City Lab",
    }


def carols_lab_result(world: World) -> dict[str, Any]:
    """A TSH of Alice's that Carol recorded, to delete."""
    result = lab_result_record(
        patient=world.alice,
        clinician=world.carol,
        test=LabTest.objects.get(clinic=None, key=TSH),
        value=Decimal("2.1"),
        sampled_on=world.today - 2 * DAY,
    )
    assert result is not None
    return {"pk": world.alice.pk, "result_pk": result.pk}


def set_password_url(client: Client, url: str) -> str:
    """Django's set-password link moves its token into the session and redirects."""
    return client.get(url).url


ROUTES: dict[str, Route] = {
    # anyone
    "health": Route("anonymous", post=False),
    "login_code": Route("anonymous", form=lambda world: CodeForm(), valid=lambda world: {"code": "123456"}),
    "login": Route(
        "anonymous",
        form=lambda world: LoginForm(),
        valid=lambda world: {"username": "alice", "password": PASSWORD},
        extra={"next": NEXT},
    ),
    "admin:login": Route(
        "anonymous",
        form=lambda world: LoginForm(),
        valid=lambda world: {"username": "alice", "password": PASSWORD},
        extra={"next": NEXT},
    ),
    "logout": Route("alice", extra={"next": NEXT}),
    "home": Route("alice"),
    "accept_invitation": Route(
        "anonymous",
        kwargs=lambda world: {"token": world.invitation_token},
        form=lambda world: AcceptInvitationForm(name=world.nina.name, email=world.nina.email),
        valid=lambda world: {"username": "nina", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    ),
    "calendar_feed": Route(
        "anonymous", post=False, kwargs=lambda world: {"token": world.alice.calendar_token}
    ),
    "clinician_set_password": Route(
        "anonymous",
        kwargs=lambda world: dict(zip(("uidb64", "token"), world.new_clinician_link, strict=True)),
        form=lambda world: SetPasswordForm(None),
        valid=lambda world: {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        target=set_password_url,
    ),
    # the patient
    "today": Route("alice", post=False),
    "entry": Route(
        "alice",
        form=lambda world: EntryForm(
            symptoms=world.alice.tracked_symptoms.all(),
            today=world.today,
            prescribed=lambda day: None,
            asks_dose=lambda day: True,
        ),
        valid=entry_valid,
    ),
    "questionnaire_answer": Route(
        "alice",
        kwargs=pgic_due,
        form=lambda world: QuestionnaireAnswerForm(definition=PGIC),
        valid=lambda world: {"item_0": "2"},
    ),
    "history": Route("alice", post=False),
    "day_detail": Route("alice", post=False, kwargs=lambda world: {"day": day(world, -1)}),
    "medications": Route("alice", form=medication_form, valid=medication_valid),
    "medication_stop": Route(
        "alice",
        kwargs=lambda world: {"pk": world.medication.pk},
        form=medication_stop_form,
        valid=lambda world: {"stopped_on": day(world, -1)},
    ),
    "calendar": Route("alice", post=False),
    "introduction_start": Route("alice", post=False),
    "introduction": Route(
        "alice",
        kwargs=lambda world: {"screen": 1},
        form=lambda world: IntroductionForm(),
        valid=lambda world: {"action": "next"},
    ),
    "help_index": Route("alice", post=False),
    "help_topic": Route("alice", post=False, kwargs=lambda world: {"slug": "side-effects"}),
    "reminders": Route(
        "alice",
        form=lambda world: ReminderSettingsForm(instance=ReminderSettings(patient=world.alice)),
        valid=reminders_valid,
    ),
    "push_subscription_add": Route(
        "alice",
        form=lambda world: PushSubscriptionForm(),
        valid=lambda world: {
            "endpoint": "https://push.example.org/send/abc",
            "p256dh": "BKey",
            "auth": "secret",
        },
    ),
    "push_subscription_remove": Route(
        "alice",
        form=lambda world: PushEndpointForm(),
        valid=lambda world: {"endpoint": "https://push.example.org/a"},
    ),
    "push_expired_dismiss": Route("alice"),
    "service_worker": Route("anonymous", post=False),
    "calendar_reset": Route("alice"),
    "my_chart": Route("alice"),
    "my_plan": Route("alice", post=False),
    "plan_acknowledge": Route("alice", extra={"next": NEXT}),
    "my_questions": Route("alice", post=False),
    "question_ask": Route(
        "alice",
        form=lambda world: QuestionForm(),
        valid=lambda world: {"topic": "entry", "entry_date": day(world, -1), "text": "Is a headache normal?"},
    ),
    "own_csv": Route("alice", post=False),
    "data_dictionary": Route("alice", post=False),
    "data_dictionary_csv": Route("alice", post=False),
    # the clinician
    "rulebook": Route("carol", post=False),
    "roster": Route("carol"),
    "clinic_outcomes": Route("carol", post=False),
    "clinic_outcomes_csv": Route("carol", post=False),
    "clinic_outcomes_compute": Route(
        "carol", form=lambda world: outcome_filters(world), valid=lambda world: outcome_view(world)
    ),
    "roster_filter_save": Route(
        "carol",
        form=lambda world: SavedFilterForm(),
        valid=lambda world: {**roster_view(world), "name": "Titrating, flagged"},
    ),
    "roster_filter_delete": Route("carol", kwargs=carols_view),
    "patient_detail": Route("carol", kwargs=alice_pk),
    "entry_changes": Route(
        "carol", post=False, kwargs=lambda world: {**alice_pk(world), "day": day(world, -1)}
    ),
    "advice_dismiss": Route(
        "carol",
        kwargs=alice_pk,
        form=lambda world: AdviceDismissalForm(cards=()),
        valid=lambda world: {"key": (world.advice_keys or ["none"])[0], "note": "Discussed at the visit."},
        extra={"key": st.one_of(st.sampled_from(["none", "x:y"]), text(120).values)},
    ),
    "patient_reviewed": Route("carol", kwargs=alice_pk),
    "question_answer": Route(
        "carol",
        kwargs=lambda world: {"pk": world.alice.pk, "question_pk": world.question.pk},
        form=lambda world: AnswerForm(),
        valid=lambda world: {"answer": "Yes, in the first weeks; tell us if it lasts."},
    ),
    "patient_medication_add": Route("carol", kwargs=alice_pk, form=medication_form, valid=medication_valid),
    "patient_medication_stop": Route(
        "carol",
        kwargs=lambda world: {"pk": world.alice.pk, "medication_pk": world.medication.pk},
        form=medication_stop_form,
        valid=lambda world: {"stopped_on": day(world, -1)},
    ),
    "patient_lab_add": Route("carol", kwargs=alice_pk, form=lab_form, valid=lab_valid),
    "patient_fhir_import": Route(
        "carol", kwargs=alice_pk, form=lambda world: FhirBundleForm(), extra={"bundle": bundle_files()}
    ),
    "patient_fhir_import_preview": Route("carol", post=False, kwargs=alice_pk),
    "clinic_patient_import": Route(
        "carol", form=lambda world: PatientBundleForm(), extra={"bundle": bundle_files()}
    ),
    "clinic_patient_import_preview": Route(
        "carol", form=lambda world: FhirImportConfirmForm(), valid=lambda world: {"token": "x"}
    ),
    "patient_fhir_import_confirm": Route(
        "carol",
        kwargs=alice_pk,
        form=lambda world: FhirImportConfirmForm(),
        valid=lambda world: {"token": "x"},
    ),
    "patient_birth_date": Route(
        "carol",
        kwargs=alice_pk,
        form=lambda world: BirthDateForm(today=world.today),
        valid=lambda world: {"date_of_birth": "2016-03-04"},
    ),
    "patient_weight_add": Route(
        "carol",
        kwargs=alice_pk,
        form=lambda world: WeightForm(born=None, today=world.today),
        valid=lambda world: {"weight_kg": "32.5", "measured_on": day(world, 0)},
    ),
    "patient_record_add": Route(
        "carol",
        kwargs=lambda world: {"pk": world.alice.pk, "kind": "symptoms"},
        form=lambda world: record_change_form(world, adding=True),
        valid=lambda world: {"item": untracked_symptom(world), "on": day(world, 0)},
    ),
    "patient_record_stop": Route(
        "carol",
        kwargs=lambda world: {
            "pk": world.alice.pk,
            "kind": "symptoms",
            "item_pk": world.alice.tracked_symptoms.first().pk,
        },
        form=lambda world: record_change_form(world, adding=False),
        valid=lambda world: {"on": day(world, 0)},
    ),
    "patient_lab_delete": Route(
        "carol",
        kwargs=carols_lab_result,
        form=lambda world: LabResultDeleteForm(),
        valid=lambda world: {"reason": "Entered for the wrong patient."},
    ),
    "patient_csv": Route("carol", post=False, kwargs=alice_pk),
    "patient_fhir": Route("carol", post=False, kwargs=alice_pk),
    "clinic_fhir": Route("carol"),
    "appointment_summary": Route("carol", post=False, kwargs=alice_pk),
    "clinic_csv": Route(
        "carol",
        form=lambda world: ExportRangeForm(today=world.today),
        valid=lambda world: {"start": day(world, -30), "end": day(world, -1)},
    ),
    "clinic_export_job": Route("carol", post=False, kwargs=lambda world: {"pk": carols_export(world)}),
    "clinic_export_download": Route("carol", post=False, kwargs=lambda world: {"pk": carols_export(world)}),
    "invite_patient": Route("carol", form=lambda world: InviteForm(clinic=world.clinic), valid=invite_valid),
    "invitation_link": Route("carol", kwargs=nina_pk),
    "caregiver_invitation": Route(
        "carol",
        kwargs=nina_pk,
        form=lambda world: CaregiverInviteForm(),
        valid=lambda world: {"name": "Nia Parent"},
    ),
    "caregiver_revoke": Route(
        "carol", kwargs=lambda world: {"pk": world.alice.pk, "caregiver_pk": world.caregiver.pk}
    ),
    "screening": Route(
        "carol",
        kwargs=nina_pk,
        form=lambda world: windowed(ScreeningForm, world.nina, world),
        valid=lambda world: {"start_date": day(world, 7), "notes": ""},
    ),
    "plan_manage": Route("carol", post=False, kwargs=alice_pk),
    "plan_new": Route(
        "carol",
        kwargs=nina_pk,
        form=lambda world: windowed(PlanEditorForm, world.nina, world),
        valid=plan_valid,
        extra={
            "action": st.one_of(st.sampled_from(("preview", "apply_template", "save", "")), text().values)
        },
    ),
    "plan_step_edit": Route(
        "carol",
        kwargs=lambda world: {"pk": world.alice.pk, "step_pk": world.future_step.pk},
        form=lambda world: StepEditForm(),
        valid=lambda world: {
            "dose_mg": "3",
            "timing": "bedtime",
            "frequency": "every_other_day",
            "note": "",
            "confirm_warnings": "on",
            "patient_reason": "Easier on sleep.",
        },
    ),
    "plan_hold": Route(
        "carol",
        kwargs=alice_pk,
        form=lambda world: windowed(HoldForm, world.alice, world),
        valid=lambda world: {"days": "7", "patient_reason": "Let the side effects settle."},
    ),
    "plan_step_back": Route(
        "carol",
        kwargs=alice_pk,
        form=lambda world: windowed(StepBackForm, world.alice, world),
        valid=lambda world: {"start_date": day(world, 1), "shift_days": "14", "patient_reason": "Headaches."},
    ),
    "plan_morning": Route(
        "carol",
        kwargs=alice_pk,
        form=lambda world: windowed(MorningForm, world.alice, world),
        valid=lambda world: {"start_date": day(world, 1), "patient_reason": "Vivid dreams."},
    ),
    "plan_end": Route(
        "carol",
        kwargs=alice_pk,
        form=lambda world: windowed(EndForm, world.alice, world),
        valid=lambda world: {"ended_on": day(world, 14), "confirm_warnings": "on", "patient_reason": "Done."},
    ),
    "plan_refill": Route(
        "carol",
        kwargs=alice_pk,
        form=lambda world: windowed(RefillForm, world.alice, world),
        valid=lambda world: {"dispensed_on": day(world, 0), "quantity": "30", "pharmacy": "Hill Pharmacy"},
    ),
    "record_correct": Route(
        "carol",
        kwargs=alice_pk,
        form=lambda world: windowed(RecordCorrectionForm, world.alice, world),
        valid=lambda world: {"row": f"step:{world.future_step.pk}"},
    ),
    "pause_new": Route(
        "carol",
        kwargs=alice_pk,
        form=lambda world: windowed(PauseForm, world.alice, world),
        valid=lambda world: {
            "start_date": day(world, 1),
            "end_date": day(world, 7),
            "reason": "Surgery",
            "patient_reason": "Your operation.",
        },
    ),
    # the clinic admin
    "clinic_manage": Route("ada", post=False),
    "clinician_add": Route(
        "ada",
        form=lambda world: ClinicianAddForm(),
        valid=lambda world: {
            "first_name": "Eve",
            "last_name": "New",
            "username": "eve",
            "email": "e@example.org",
        },
    ),
    "clinician_change": Route(
        "ada",
        kwargs=lambda world: {"pk": world.carol.pk},
        form=lambda world: ClinicianChangeForm(),
        valid=lambda world: {"is_clinic_admin": "on", "is_active": "on"},
    ),
    "clinician_password_link": Route("ada", kwargs=lambda world: {"pk": world.carol.pk}),
    "care_team": Route(
        "ada",
        kwargs=alice_pk,
        form=lambda world: CareTeamForm(clinic=world.clinic),
        valid=lambda world: {"clinicians": [str(world.carol.pk), str(world.ada.pk)]},
    ),
    "clinic_two_factor": Route(
        "ada", form=lambda world: ClinicTwoFactorForm(), valid=lambda world: {"require_two_factor": "on"}
    ),
    "clinic_fhir_names": Route(
        "ada", form=lambda world: ClinicFhirNamesForm(), valid=lambda world: {"fhir_names_patients": "on"}
    ),
    "clinic_emergency_line": Route(
        "ada", form=lambda world: EmergencyLineForm(), valid=lambda world: {"emergency_line": "call 999"}
    ),
    "clinic_lab_test_add": Route(
        "ada",
        form=lambda world: LabTestForm(),
        valid=lambda world: {
            "name": "Vitamin D",
            "unit": "nmol/L",
            "reference_low": "50",
            "reference_high": "125",
        },
    ),
    "clinic_questionnaires": Route(
        "carol", form=lambda world: QuestionnaireForm(), valid=questionnaire_valid
    ),
    "questionnaire_edit": Route(
        "carol", kwargs=own_questionnaire, form=lambda world: QuestionnaireForm(), valid=questionnaire_valid
    ),
    "login_unlock": Route("ada", kwargs=lambda world: {"user_pk": world.alice.user_id}),
    "clinician_two_factor_reset": Route("ada", kwargs=lambda world: {"pk": world.carol.pk}),
    "access_report": Route("ada", post=False),
    "api_tokens": Route(
        "ada", form=lambda world: ApiTokenForm(), valid=lambda world: {"name": "EHR import", "days": "90"}
    ),
    "api_token_revoke": Route("ada", kwargs=lambda world: {"pk": world.api_token.pk}),
    # the FHIR API: GET only, with a token (its parameters: test_no_fhir_parameter_answers_500)
    "fhir_metadata": Route("anonymous", post=False),
    "fhir_patient": Route(
        "anonymous", post=False, bearer=True, kwargs=lambda world: {"fhir_id": world.alice.pk}
    ),
    "fhir_everything": Route(
        "anonymous", post=False, bearer=True, kwargs=lambda world: {"fhir_id": world.alice.pk}
    ),
    "fhir_observations": Route("anonymous", post=False, bearer=True),
    "fhir_medication_requests": Route("anonymous", post=False, bearer=True),
    "access_report_csv": Route("ada", post=False),
    # everyone's own account
    "account": Route("alice", post=False),
    "password_change": Route(
        "alice",
        form=lambda world: PasswordChangeForm(world.alice.user),
        valid=lambda world: {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    ),
    "two_factor_setup": Route(
        "alice", form=lambda world: SetupCodeForm(), valid=lambda world: {"code": "123456"}
    ),
    "recovery_codes": Route("alice", post=False),
    "recovery_codes_new": Route(
        "alice",
        form=lambda world: PasswordConfirmForm(user=world.alice.user),
        valid=lambda world: {"password": PASSWORD},
    ),
    "two_factor_off": Route(
        "alice",
        form=lambda world: PasswordConfirmForm(user=world.alice.user),
        valid=lambda world: {"password": PASSWORD},
    ),
    "language_change": Route(
        "alice",
        form=lambda world: LanguageForm(instance=world.alice.user),
        valid=lambda world: {"language": "es"},
    ),
    "sessions": Route("alice", post=False),
    "session_end": Route("alice", kwargs=lambda world: {"reference": "0" * 16}),
    "sessions_end_others": Route("alice"),
}


# Known failures, each fixed on another branch of issue 11 (bounded input): remove its mark with
# the fix. The last three were found by this fuzz.
def url_names(resolver: URLResolver | None = None, namespace: str = "") -> list[str]:
    """Every named URL of the URL conf, with its namespace ("admin:login")."""
    names = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            names += url_names(
                pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            )
        elif pattern.name:
            names.append(namespace + pattern.name)
    return names


def parameters(name: str) -> dict[str, str]:
    """The URL's parameters, each with its converter's kind: "int" or "str"."""
    pattern = next((p for p in journal_urls if p.name == name), None)
    converters = pattern.pattern.converters if pattern else {}
    return {key: "int" if isinstance(value, IntConverter) else "str" for key, value in converters.items()}


def clients(world: World, role: str, bearer: bool = False) -> Callable[[], Client]:
    """A new client per payload, logged in as `role` (one session, made once); with `bearer`,
    sending the API token of Alice's clinic."""
    logged_in = Client()
    if role != "anonymous":
        logged_in.force_login(world.user(role))
    headers = {"Authorization": f"Bearer {world.api_secret}"} if bearer else {}

    def new() -> Client:
        client = Client(headers=headers)
        client.cookies.update(logged_in.cookies)
        return client

    return new


POSTED = [name for name, route in ROUTES.items() if route.post]
FEWEST_PAYLOADS = 13  # to each form endpoint: its edges, then Hypothesis's (18 of them at least)
WITH_PARAMETERS = [name for name in ROUTES if parameters(name)]


def test_every_url_is_routed():
    """A new URL needs its role and parameters here; then its POSTs are fuzzed by themselves."""
    names = {name for name in url_names() if not name.startswith("admin:") or name == "admin:login"}
    assert names - set(ROUTES) == set(), "add these URLs to ROUTES"
    assert set(ROUTES) - names == set(), "these ROUTES are no longer in the URL conf"


@pytest.mark.parametrize(("name", "kwargs", "allowed"), ACCESS_URLS)
def test_each_url_is_fuzzed_as_a_role_the_access_matrix_lets_in(name, kwargs, allowed):
    assert ROUTES[name].role in allowed


def test_a_url_takes_a_post_unless_routed_as_get_only(world):
    """A URL routed as GET-only answers a POST with 405; any other is fuzzed with POSTs."""
    wrong, before = [], journal_rows()
    for name, route in ROUTES.items():
        client = clients(world, route.role, route.bearer)()
        outcome = send(
            client, "POST", reverse(name, kwargs=route.kwargs(world)), {}, htmx=False, before=before
        )
        if (outcome.status == 405) == route.post:
            wrong.append(f"{name} answered {outcome.status or outcome.error!r}")
    assert wrong == []


@dataclass
class Endpoint:
    name: str
    route: Route
    url: str
    edge_payloads: list[Payload]
    payloads: st.SearchStrategy[Payload]
    new_client: Callable[[], Client]
    before: Rows

    def post(self, payload: Payload, *, htmx: bool = False) -> None:
        client = self.new_client()
        url = self.route.target(client, self.url) if self.route.target else self.url
        TALLY.payloads[self.name] += 1
        self.send(client, "POST", url, payload, htmx=htmx, key=self.name)

    @property
    def url_key(self) -> str:
        return f"{self.name} (URL)"

    def open(self, method: str, url: str) -> None:
        TALLY.paths[self.name] += 1
        self.send(self.new_client(), method, url, {}, key=self.url_key)

    def send(
        self, client: Client, method: str, url: str, payload: Payload, *, key: str, htmx: bool = False
    ) -> None:
        what = f"{method} {url} as {self.route.role}{' with htmx' if htmx else ''}: {shown(payload)}"
        judge(send(client, method, url, payload, htmx=htmx, before=self.before), what=what, key=key)


@pytest.fixture
def endpoint(name, world) -> Endpoint:
    """What every payload to the URL `name` shares: made once, not once a payload."""
    route = ROUTES[name]
    form = route.form(world)
    fields = form.fields if form else {}
    valid = route.valid(world)
    new_client = clients(world, route.role, route.bearer)
    return Endpoint(
        name=name,
        route=route,
        url=reverse(name, kwargs=route.kwargs(world)),
        edge_payloads=list(edge_payloads(fields, valid, world.today)),
        payloads=payloads(fields, valid, world.today, route.extra),
        new_client=new_client,
        before=journal_rows(),  # every payload meets these rows: each is rolled back
    )


@pytest.mark.parametrize("name", POSTED)
def test_no_payload_to_a_form_answers_500_or_leaves_an_invalid_row(endpoint):
    """Each field at each edge of its kind, then payloads from Hypothesis."""
    for payload in endpoint.edge_payloads:
        endpoint.post(payload)

    @PROFILE
    @given(payload=endpoint.payloads, htmx=st.booleans())
    def between(payload, htmx):
        endpoint.post(payload, htmx=htmx)

    between()
    if TALLY.failures[endpoint.name]:
        pytest.fail(failures_of(endpoint.name), pytrace=False)
    assert TALLY.payloads[endpoint.name] >= FEWEST_PAYLOADS


def address_with(name: str, valid: dict[str, Any], key: str, value: str) -> str:
    """The URL with `value` as its part `key`, even where the pattern would not match it (then
    the answer must be a 404, not a 500): reversed with a stand-in, which is then replaced."""
    stand_in = "9081726354" if parameters(name)[key] == "int" else "stand-in-part"
    return reverse(name, kwargs={**valid, key: stand_in}).replace(stand_in, quote(value, safe=""))


@pytest.mark.parametrize("name", WITH_PARAMETERS)
def test_no_url_parameter_answers_500(name, world, endpoint):
    """Each URL parameter at each of its edges (the others valid), with a POST if the URL takes
    one (a GET-only view reads it the same way)."""
    valid = endpoint.route.kwargs(world)
    method = "POST" if endpoint.route.post else "GET"
    for key, converter in parameters(name).items():
        for value in path_values(converter):
            endpoint.open(method, address_with(name, valid, key, value))
    if TALLY.failures[endpoint.url_key]:
        pytest.fail(failures_of(endpoint.url_key), pytrace=False)


def outcome_filters(world: World) -> forms.BaseForm:
    """The outcomes' filters with Carol's clinic's conditions and clinicians, as the view makes them."""
    conditions, clinicians = outcome_choices(world.carol.clinic)
    return OutcomeFilterForm(conditions=conditions, clinicians=clinicians, today=world.today)


def outcome_view(world: World) -> Payload:
    """The outcomes of Carol's patients who started in the last year."""
    return {"clinician": world.carol.pk, "started_from": day(world, -365), "started_to": day(world, 0)}


# Pages that read a form from their address (GET): the form's fields give the hostile values.
GET_FORMS: dict[str, tuple[Callable[[World], forms.BaseForm], Callable[[World], Payload]]] = {
    "roster": (lambda world: RosterFilterForm(), roster_view),
    "clinic_outcomes": (outcome_filters, outcome_view),
    "clinic_outcomes_csv": (outcome_filters, outcome_view),
}


@pytest.mark.parametrize("name", GET_FORMS)
def test_no_address_parameter_answers_500_or_leaves_an_invalid_row(name, world, endpoint):
    """Each parameter at each edge of its kind, then Hypothesis's mixtures, as a GET with and
    without htmx (a search writes the reads of what it found)."""
    form, valid = GET_FORMS[name]
    fields = form(world).fields
    for payload in edge_payloads(fields, valid(world), world.today):
        endpoint.send(endpoint.new_client(), "GET", endpoint.url, payload, key=endpoint.url_key)

    @PROFILE
    @given(payload=payloads(fields, valid(world), world.today), htmx=st.booleans())
    def between(payload, htmx):
        endpoint.send(endpoint.new_client(), "GET", endpoint.url, payload, key=endpoint.url_key, htmx=htmx)

    between()
    if TALLY.failures[endpoint.url_key]:
        pytest.fail(failures_of(endpoint.url_key), pytrace=False)


# The FHIR searches' parameters, as the fuzz sees them: the kinds of values each may be sent.
FHIR_PARAMETERS: dict[str, forms.Field] = {
    "patient": forms.CharField(max_length=100),
    "date": forms.CharField(max_length=30),
    "_count": forms.IntegerField(),
    "_page": forms.IntegerField(),
}
FHIR_DATES = st.one_of(
    st.sampled_from(("ge", "le", "gt", "lt", "eq", "sa", "", "ge-")).flatmap(
        lambda prefix: st.sampled_from(
            ("2026-01-01", "0001-01-01", "9999-12-31", "2026-02-30", "2026-1-1", "2026", "２０２６-01-01", "")
        ).map(lambda day: prefix + day)
    ),
    st.lists(st.sampled_from(("ge2026-01-01", "le2026-03-31", "ge2000-01-01", "le2099-12-31")), max_size=9),
)


def fhir_search(world: World) -> Payload:
    return {"patient": str(world.alice.pk), "date": ["ge2026-01-01", "le2026-03-31"], "_count": "5"}


@pytest.mark.parametrize("name", ["fhir_observations", "fhir_medication_requests", "fhir_everything"])
def test_no_fhir_parameter_answers_500(name, world, endpoint):
    """Each search parameter at each edge of its kind (garbage dates, huge counts, unknown
    parameters), then Hypothesis's mixtures, with the token of Alice's clinic: 200 or an
    OperationOutcome 400/404, never a 500."""
    valid = fhir_search(world) if name != "fhir_everything" else {"_count": "5"}
    statuses = set()

    def sent(payload: Payload) -> None:
        TALLY.paths[endpoint.name] += 1
        client = endpoint.new_client()
        outcome = send(client, "GET", endpoint.url, payload, htmx=False, before=endpoint.before)
        statuses.add(outcome.status)
        judge(outcome, what=f"GET {endpoint.url} with a token: {shown(payload)}", key=endpoint.url_key)

    for payload in edge_payloads(FHIR_PARAMETERS, valid, world.today):
        sent(payload)

    @PROFILE
    @given(payload=payloads(FHIR_PARAMETERS, valid, world.today, {"date": FHIR_DATES}))
    def between(payload):
        sent(payload)

    between()
    if TALLY.failures[endpoint.url_key]:
        pytest.fail(failures_of(endpoint.url_key), pytrace=False)
    assert statuses <= {200, 400, 404}
    assert {200, 400} <= statuses


def test_the_form_endpoints_get_over_a_thousand_payloads_together():
    """Each form endpoint's test checks that it sent at least `FEWEST_PAYLOADS`, so together
    they send this many whichever pytest-xdist worker runs which."""
    assert len(POSTED) * FEWEST_PAYLOADS >= 1000


@pytest.mark.parametrize("name", POSTED)
def test_a_post_without_its_csrf_token_is_refused_and_changes_nothing(name, world):
    """Every form endpoint, posted its valid payload by a signed-in browser of the right role
    but from another site (no CSRF token): 403, and no row of the journal changes."""
    route = ROUTES[name]
    client = Client(enforce_csrf_checks=True)
    if route.role != "anonymous":
        client.force_login(world.user(route.role))
    url = reverse(name, kwargs=route.kwargs(world))
    url = route.target(client, url) if route.target else url
    before = journal_rows()
    response = client.post(url, route.valid(world))
    assert response.status_code == 403
    assert journal_rows() == before
