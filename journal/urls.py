from django.urls import path, register_converter

from journal.fhir_api import ID_PATTERN
from journal.views import (
    account,
    clinic,
    entries,
    exports,
    fhir_api,
    fhir_import,
    guide,
    home,
    invitations,
    messages,
    operations,
    outcomes,
    plans,
    questionnaires,
    reminders,
    review,
)


class TokenConverter:
    """A secret token as `secrets.token_urlsafe` makes them (letters, digits, - and _, at most
    64): any other address is a 404 before a lookup (a NUL answered 500 on PostgreSQL)."""

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TokenConverter, "token")


class TopicConverter(TokenConverter):
    """A help topic's slug (`journal.guide`): lower-case letters, digits and -, at most 40."""

    regex = "[a-z0-9-]{1,40}"


register_converter(TopicConverter, "topic")


class FhirIdConverter(TokenConverter):
    """A FHIR resource id: letters, digits, - and ., at most 64 (`journal.fhir_api.ID_PATTERN`)."""

    regex = ID_PATTERN


register_converter(FhirIdConverter, "fhirid")

urlpatterns = [
    path("", home.home, name="home"),
    path("health/", operations.health, name="health"),
    # signing in and the user's own account
    path("login/code/", account.login_code, name="login_code"),
    path("account/", account.account, name="account"),
    path("account/language/", account.language_change, name="language_change"),
    path("account/password/", account.password_change, name="password_change"),
    path("account/two-factor/", account.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/codes/", account.recovery_codes, name="recovery_codes"),
    path("account/two-factor/codes/new/", account.recovery_codes_new, name="recovery_codes_new"),
    path("account/two-factor/off/", account.two_factor_off, name="two_factor_off"),
    path("account/sessions/", account.sessions, name="sessions"),
    path("account/sessions/<str:reference>/end/", account.session_end, name="session_end"),
    path("account/sessions/end-others/", account.sessions_end_others, name="sessions_end_others"),
    path("rules/", home.rulebook, name="rulebook"),
    path("today/", entries.today, name="today"),
    path("entry/", entries.entry, name="entry"),
    path("history/", entries.history, name="history"),
    path("history/<str:day>/", entries.day_detail, name="day_detail"),
    path("medications/", entries.medications, name="medications"),
    path("medications/<int:pk>/stop/", entries.medication_stop, name="medication_stop"),
    path("welcome/", guide.introduction_start, name="introduction_start"),
    path("welcome/<int:screen>/", guide.introduction, name="introduction"),
    path("help/", guide.help_index, name="help_index"),
    path("help/<topic:slug>/", guide.help_topic, name="help_topic"),
    path("calendar/", entries.calendar, name="calendar"),
    path("calendar/reset/", entries.calendar_reset, name="calendar_reset"),
    path("calendar/<token:token>.ics", entries.calendar_feed, name="calendar_feed"),
    path("reminders/", reminders.reminders, name="reminders"),
    path("reminders/devices/add/", reminders.push_subscription_add, name="push_subscription_add"),
    path("reminders/devices/remove/", reminders.push_subscription_remove, name="push_subscription_remove"),
    path("reminders/devices/expired/", reminders.push_expired_dismiss, name="push_expired_dismiss"),
    path("service-worker.js", reminders.service_worker, name="service_worker"),
    path("clinic/patients/", review.roster, name="roster"),
    path("clinic/patients/views/", review.roster_filter_save, name="roster_filter_save"),
    path("clinic/patients/views/<int:pk>/delete/", review.roster_filter_delete, name="roster_filter_delete"),
    path("clinic/patients/<int:pk>/", review.patient_detail, name="patient_detail"),
    path("clinic/patients/<int:pk>/entries/<str:day>/changes/", review.entry_changes, name="entry_changes"),
    path("clinic/patients/<int:pk>/advice/dismiss/", review.advice_dismiss, name="advice_dismiss"),
    path("clinic/patients/<int:pk>/reviewed/", review.patient_reviewed, name="patient_reviewed"),
    path(
        "clinic/patients/<int:pk>/medications/", review.patient_medication_add, name="patient_medication_add"
    ),
    path(
        "clinic/patients/<int:pk>/medications/<int:medication_pk>/stop/",
        review.patient_medication_stop,
        name="patient_medication_stop",
    ),
    path("my-chart/", entries.my_chart, name="my_chart"),
    path(
        "clinic/patients/<int:pk>/record/<slug:kind>/", review.patient_record_add, name="patient_record_add"
    ),
    path(
        "clinic/patients/<int:pk>/record/<slug:kind>/<int:item_pk>/stop/",
        review.patient_record_stop,
        name="patient_record_stop",
    ),
    path("clinic/patients/<int:pk>/birth-date/", review.patient_birth_date, name="patient_birth_date"),
    path("clinic/patients/<int:pk>/weights/", review.patient_weight_add, name="patient_weight_add"),
    path("clinic/patients/<int:pk>/labs/", review.patient_lab_add, name="patient_lab_add"),
    path(
        "clinic/patients/<int:pk>/labs/<int:result_pk>/delete/",
        review.patient_lab_delete,
        name="patient_lab_delete",
    ),
    path("clinic/patients/<int:pk>/import/", fhir_import.patient_fhir_import, name="patient_fhir_import"),
    path(
        "clinic/patients/<int:pk>/import/preview/",
        fhir_import.patient_fhir_import_preview,
        name="patient_fhir_import_preview",
    ),
    path(
        "clinic/patients/<int:pk>/import/confirm/",
        fhir_import.patient_fhir_import_confirm,
        name="patient_fhir_import_confirm",
    ),
    path("clinic/patients/<int:pk>/export/", exports.patient_csv, name="patient_csv"),
    path("clinic/patients/<int:pk>/fhir/", exports.patient_fhir, name="patient_fhir"),
    path("clinic/patients/<int:pk>/summary/", exports.appointment_summary, name="appointment_summary"),
    path("clinic/outcomes/", outcomes.clinic_outcomes_page, name="clinic_outcomes"),
    path("clinic/outcomes.csv", outcomes.clinic_outcomes_csv, name="clinic_outcomes_csv"),
    path("clinic/outcomes/compute/", outcomes.clinic_outcomes_compute, name="clinic_outcomes_compute"),
    path("clinic/export/", exports.clinic_csv, name="clinic_csv"),
    path("clinic/export/fhir/", exports.clinic_fhir, name="clinic_fhir"),
    path("clinic/export/<int:pk>/", exports.clinic_export_job, name="clinic_export_job"),
    path("clinic/export/<int:pk>/download/", exports.clinic_export_download, name="clinic_export_download"),
    path("my-data/export/", exports.own_csv, name="own_csv"),
    path("exports/dictionary/", exports.data_dictionary, name="data_dictionary"),
    path("exports/dictionary.csv", exports.data_dictionary_csv, name="data_dictionary_csv"),
    # plans, screening and invitations
    path("clinic/patients/invite/", invitations.invite_patient, name="invite_patient"),
    path("clinic/patients/import/", fhir_import.clinic_patient_import, name="clinic_patient_import"),
    path(
        "clinic/patients/import/preview/",
        fhir_import.clinic_patient_import_preview,
        name="clinic_patient_import_preview",
    ),
    path("clinic/patients/<int:pk>/invitation/", invitations.invitation_link, name="invitation_link"),
    path("invitation/<token:token>/", invitations.accept_invitation, name="accept_invitation"),
    path(
        "clinic/patients/<int:pk>/caregiver/", invitations.caregiver_invitation, name="caregiver_invitation"
    ),
    path(
        "clinic/patients/<int:pk>/caregiver/<int:caregiver_pk>/revoke/",
        invitations.revoke_caregiver,
        name="caregiver_revoke",
    ),
    path("clinic/patients/<int:pk>/screening/", plans.screening, name="screening"),
    path("clinic/patients/<int:pk>/plan/", plans.plan_manage, name="plan_manage"),
    path("clinic/patients/<int:pk>/plan/new/", plans.plan_new, name="plan_new"),
    path("clinic/patients/<int:pk>/plan/steps/<int:step_pk>/", plans.plan_step_edit, name="plan_step_edit"),
    path("clinic/patients/<int:pk>/plan/hold/", plans.plan_hold, name="plan_hold"),
    path("clinic/patients/<int:pk>/plan/step-back/", plans.plan_step_back, name="plan_step_back"),
    path("clinic/patients/<int:pk>/plan/morning/", plans.plan_morning, name="plan_morning"),
    path("clinic/patients/<int:pk>/plan/end/", plans.plan_end, name="plan_end"),
    path("clinic/patients/<int:pk>/plan/refill/", plans.plan_refill, name="plan_refill"),
    path("clinic/patients/<int:pk>/pauses/", plans.pause_new, name="pause_new"),
    path("clinic/patients/<int:pk>/plan/correct/", plans.record_correct, name="record_correct"),
    path("plan/", plans.my_plan, name="my_plan"),
    path("plan/seen/", plans.plan_acknowledge, name="plan_acknowledge"),
    # questions to the care team
    path("questions/", messages.my_questions, name="my_questions"),
    path("questions/ask/", messages.question_ask, name="question_ask"),
    path(
        "clinic/patients/<int:pk>/questions/<int:question_pk>/answer/",
        review.question_answer,
        name="question_answer",
    ),
    # the clinic admin's pages
    path("clinic/", clinic.clinic_manage, name="clinic_manage"),
    path("clinic/two-factor/", clinic.clinic_two_factor, name="clinic_two_factor"),
    path("clinic/emergency-line/", clinic.clinic_emergency_line, name="clinic_emergency_line"),
    path("clinic/fhir-names/", clinic.clinic_fhir_names, name="clinic_fhir_names"),
    path("clinic/lab-tests/", clinic.clinic_lab_test_add, name="clinic_lab_test_add"),
    path("clinic/questionnaires/", questionnaires.clinic_questionnaires_page, name="clinic_questionnaires"),
    path("clinic/questionnaires/<int:pk>/", questionnaires.questionnaire_edit, name="questionnaire_edit"),
    path("questionnaires/<int:pk>/", questionnaires.questionnaire_answer_page, name="questionnaire_answer"),
    path("clinic/logins/<int:user_pk>/unlock/", clinic.login_unlock, name="login_unlock"),
    path("clinic/clinicians/new/", clinic.clinician_add, name="clinician_add"),
    path("clinic/clinicians/<int:pk>/", clinic.clinician_change, name="clinician_change"),
    path(
        "clinic/clinicians/<int:pk>/password-link/",
        clinic.clinician_password_link,
        name="clinician_password_link",
    ),
    path(
        "clinic/clinicians/<int:pk>/two-factor/reset/",
        clinic.clinician_two_factor_reset,
        name="clinician_two_factor_reset",
    ),
    path("clinic/patients/<int:pk>/care-team/", clinic.care_team, name="care_team"),
    path("clinic/api-tokens/", clinic.api_tokens, name="api_tokens"),
    path("clinic/api-tokens/<int:pk>/revoke/", clinic.api_token_revoke_view, name="api_token_revoke"),
    path("clinic/access/", clinic.access_report, name="access_report"),
    path("clinic/access.csv", clinic.access_report_csv, name="access_report_csv"),
    path(
        "clinic/set-password/<uidb64>/<token>/", clinic.clinician_set_password, name="clinician_set_password"
    ),
    # the read-only FHIR API (a clinic's API token, no session): tests/test_fhir_api_views.py
    path("fhir/metadata", fhir_api.metadata, name="fhir_metadata"),
    path("fhir/Patient/<fhirid:fhir_id>", fhir_api.patient_read, name="fhir_patient"),
    path("fhir/Patient/<fhirid:fhir_id>/$everything", fhir_api.patient_everything, name="fhir_everything"),
    path("fhir/Observation", fhir_api.observation_search, name="fhir_observations"),
    path("fhir/MedicationRequest", fhir_api.medication_request_search, name="fhir_medication_requests"),
]
