"""Every URL × every role: the wrong role gets 403 or 404 (or the login page), never data.

Add each new URL to URLS; `{alice}` stands for Alice's patient id, `{job}` for a finished clinic
export Carol asked for (her clinic's admin, Ada, may open it too), `{pgic}` for the PGIC of
Alice's clinic (another clinic's staff and patients get 404).
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

PATIENTS = {"alice", "bob", "dave"}  # pages about "my own record"
CLINICIANS = {"carol", "ada", "charlie"}  # pages about "my own patients"
ALICES_CLINIC_STAFF = {"carol", "ada"}
# Gina, Alice's caregiver: Alice's patient-side pages (what she logs and reads for her), her own
# account and help; never a clinician's page, nor what is Alice's own (reminders, calendar,
# questions, medications, her CSV, the introduction).
CAREGIVERS = {"gina"}
LOGGING = PATIENTS | CAREGIVERS  # the pages of logging a journal
SIGNED_IN = PATIENTS | CLINICIANS | CAREGIVERS  # the signed-in user's own account

URLS = [
    # (url name, kwargs, who may open it)
    ("today", {}, LOGGING),
    ("entry", {}, LOGGING),
    ("history", {}, LOGGING),
    ("day_detail", {"day": "2020-01-01"}, LOGGING),
    ("medications", {}, PATIENTS),
    ("calendar", {}, PATIENTS),
    ("introduction", {"screen": 1}, PATIENTS),
    ("help_index", {}, SIGNED_IN),
    ("help_topic", {"slug": "side-effects"}, SIGNED_IN),
    ("reminders", {}, PATIENTS),
    # medication_stop and calendar_reset (POST only) and calendar_feed (a token, no login):
    # tests/test_patient_pages.py
    ("roster", {}, CLINICIANS),
    ("rulebook", {}, CLINICIANS),
    ("patient_detail", {"pk": "{alice}"}, ALICES_CLINIC_STAFF),
    ("entry_changes", {"pk": "{alice}", "day": "2020-01-01"}, ALICES_CLINIC_STAFF),
    ("patient_csv", {"pk": "{alice}"}, ALICES_CLINIC_STAFF),
    ("patient_fhir", {"pk": "{alice}"}, ALICES_CLINIC_STAFF),
    ("appointment_summary", {"pk": "{alice}"}, ALICES_CLINIC_STAFF),
    ("patient_fhir_import", {"pk": "{alice}"}, ALICES_CLINIC_STAFF),
    ("clinic_csv", {}, CLINICIANS),
    # every clinician sees their own clinic's outcomes (tests/test_outcome_views.py: no other's)
    ("clinic_outcomes", {}, CLINICIANS),
    ("clinic_outcomes_csv", {}, CLINICIANS),
    ("clinic_export_job", {"pk": "{job}"}, ALICES_CLINIC_STAFF),
    ("clinic_export_download", {"pk": "{job}"}, ALICES_CLINIC_STAFF),
    ("own_csv", {}, PATIENTS),
    ("data_dictionary", {}, PATIENTS | CLINICIANS),
    ("data_dictionary_csv", {}, PATIENTS | CLINICIANS),
    ("invite_patient", {}, CLINICIANS),
    ("clinic_patient_import", {}, CLINICIANS),
    ("invitation_link", {"pk": "{alice}"}, ALICES_CLINIC_STAFF),
    ("caregiver_invitation", {"pk": "{alice}"}, ALICES_CLINIC_STAFF),
    ("screening", {"pk": "{alice}"}, ALICES_CLINIC_STAFF),
    ("plan_manage", {"pk": "{alice}"}, ALICES_CLINIC_STAFF),
    ("plan_new", {"pk": "{alice}"}, ALICES_CLINIC_STAFF),
    ("my_plan", {}, LOGGING),
    ("my_questions", {}, PATIENTS),
    # plan_step_edit (needs a step), the POST-only plan changes, pause_new and plan_acknowledge,
    # and accept_invitation (a token, no login): tests/test_plan_views.py, tests/test_invites.py
    ("my_chart", {}, LOGGING),
    # a patient's page of the questionnaire due (Alice and Bob: "nothing to answer now" when none
    # is), and the clinic's questionnaires: tests/test_questionnaire_views.py
    ("questionnaire_answer", {"pk": "{pgic}"}, {"alice", "bob", "gina"}),
    ("clinic_questionnaires", {}, CLINICIANS),
    ("questionnaire_edit", {"pk": "{pgic}"}, ALICES_CLINIC_STAFF),
    # advice_dismiss and patient_reviewed (POST only): tests/test_patient_chart_views.py
    ("clinic_manage", {}, {"ada"}),
    ("clinician_add", {}, {"ada"}),
    ("care_team", {"pk": "{alice}"}, {"ada"}),
    ("access_report", {}, {"ada"}),
    ("api_tokens", {}, {"ada"}),
    ("access_report_csv", {}, {"ada"}),
    # clinician_change, clinician_password_link (need a clinician) and clinician_set_password
    # (a token, no login): tests/test_clinic_admin.py
    ("account", {}, SIGNED_IN),
    ("sessions", {}, SIGNED_IN),
    ("password_change", {}, SIGNED_IN),
    ("two_factor_setup", {}, SIGNED_IN),
    # login_code (needs a right password first), recovery_codes (shown once after a set-up) and
    # the POST-only account changes: tests/test_two_factor.py, tests/test_account_sessions.py;
    # clinic_two_factor, login_unlock, clinician_two_factor_reset: tests/test_clinic_admin.py
]

# POST-only changes to Alice's record: every role outside her clinic is refused, and
# nothing is written. (What an allowed role's POST does is tested with each view.)
POST_URLS = [
    "advice_dismiss",
    "patient_reviewed",
    "plan_hold",
    "plan_step_back",
    "plan_morning",
    "plan_end",
    "plan_refill",
    "pause_new",
    "record_correct",
    "screening",
    "plan_new",
    "invitation_link",
    "caregiver_invitation",
    # the date of birth and a weight: tests/test_record_views.py
    "patient_birth_date",
    "patient_weight_add",
    "care_team",
    "patient_medication_add",
    "patient_lab_add",
    "patient_fhir_import",
    "patient_fhir_import_confirm",
]
# POST-only changes to the patient's own reminders and devices: only a patient may post them,
# and each acts on the poster's own record (tests/views/… in tests/test_reminder_views.py).
PATIENT_POST_URLS = ["push_subscription_add", "push_subscription_remove", "push_expired_dismiss"]
# Reached with a secret token instead of a login: tests/test_patient_pages.py (calendar_feed)
# and tests/test_invites.py (accept_invitation). The patient's own POSTs (medication_stop,
# calendar_reset, plan_acknowledge) and plan_step_edit (needs a step) are tested with their views.
# health is open to everyone, login or not, and shows no patient data: tests/test_health.py;
# so is the service worker (a script, no data): tests/test_reminder_views.py.
# introduction_start (a redirect to where the patient left the introduction):
# tests/test_guide_views.py; a clinician's saved roster views (POST only, each clinician's own,
# another's answers 404): tests/test_roster.py.
TESTED_WITH_THEIR_VIEWS = {
    "home",
    "health",
    "service_worker",
    "calendar_feed",
    "accept_invitation",
    "medication_stop",
    "calendar_reset",
    "plan_acknowledge",
    "plan_step_edit",
    "patient_medication_stop",
    "clinician_change",
    "clinician_password_link",
    "clinician_set_password",
    "login_code",
    "recovery_codes",
    "recovery_codes_new",
    "two_factor_off",
    "session_end",
    "sessions_end_others",
    "clinic_two_factor",
    "login_unlock",
    # the patient's question (their own record) and its answer (needs a question), and the
    # clinic's emergency line: tests/test_messages.py
    "question_ask",
    "question_answer",
    "clinic_emergency_line",
    "clinician_two_factor_reset",
    "introduction_start",
    "roster_filter_save",
    "roster_filter_delete",
    # the clinic's FHIR export job (POST only; each clinician's own patients, the admin's whole
    # clinic): tests/test_fhir_views.py
    "clinic_fhir",
    # whether the clinic's FHIR records name its patients (POST only, the admin's own clinic;
    # a clinician, a patient and another clinic's staff are refused): tests/test_fhir_views.py
    "clinic_fhir_names",
    # the signed-in user's own language (POST only, their own row): tests/test_languages.py
    "language_change",
    # a lab result's deletion (needs a result) and the clinic's own lab tests (the admin's), each
    # also posted with valid data by every other role: tests/test_lab_views.py
    "patient_lab_delete",
    "clinic_lab_test_add",
    # asking for a clinic's outcomes (POST only, the poster's own clinic: a report of another
    # clinic is never shown): tests/test_outcome_views.py
    "clinic_outcomes_compute",
    # revoking an API token (POST only, the admin's own clinic's): tests/test_api_token_views.py
    "api_token_revoke",
    # an import's preview (answers 302 to the upload until a file is read, kept in the session):
    # each role in tests/test_fhir_import_views.py
    "patient_fhir_import_preview",
    # a whole patient's import into the clinic: its preview and confirmation (answers 302 to the
    # upload until a file is read, kept in the session for the clinic): tests/test_fhir_import_views.py
    "clinic_patient_import_preview",
    # revoking a caregiver (needs one; refused outside the patient's clinic, and to the caregiver
    # and the patient): tests/test_caregiver_views.py
    "caregiver_revoke",
}

# POST-only changes to Alice's conditions and tracked symptoms (a kind and an item in the URL):
# refused outside her clinic below; what her clinician's POST does: tests/test_record_views.py.
RECORD_POSTS = ["patient_record_add", "patient_record_stop"]

ROLES = ["anonymous", "alice", "bob", "carol", "ada", "charlie", "dave", "gina"]


def test_every_url_is_in_an_access_table():
    from journal.urls import urlpatterns

    listed = (
        {name for name, _, _ in URLS}
        | set(POST_URLS)
        | set(PATIENT_POST_URLS)
        | set(RECORD_POSTS)
        | TESTED_WITH_THEIR_VIEWS
        | {name for name, _ in FHIR_URLS}
        | {"fhir_metadata"}  # open to anyone, no record: test_fhir_metadata_is_open_to_anyone…
    )
    assert {pattern.name for pattern in urlpatterns} <= listed


def url_for(name, kwargs, alice):
    """The URL, `{alice}` her id and `{job}` a finished clinic export her clinician Carol asked for."""
    ids = {"{alice}": alice.pk}
    if "{pgic}" in kwargs.values():
        ids["{pgic}"] = alice.clinic.questionnaires.get(key="pgic").pk
    if "{job}" in kwargs.values():
        ids["{job}"] = carols_finished_export(alice)
    return reverse(name, kwargs={k: ids.get(v, v) for k, v in kwargs.items()})


def carols_finished_export(alice) -> int:
    from journal.services.exports import export_job_request, export_job_run

    carol = alice.clinicians.get(user__username="carol")
    today = alice.local_today()
    job = export_job_request(
        clinician=carol, patient_ids=[alice.pk], first=today, last=today, byte_order_mark=False
    )
    export_job_run(job_id=job.pk)
    return job.pk


def computed_outcomes(clinician) -> None:
    """The clinician's clinic's outcomes, computed as the worker does (the CSV sends a report)."""
    from journal.selectors.outcomes import CohortFilter
    from journal.services.outcomes import outcome_report_request, outcome_report_run

    outcome_report_run(report_id=outcome_report_request(clinician=clinician, chosen=CohortFilter()).pk)


@pytest.mark.parametrize(("name", "kwargs", "allowed"), URLS)
@pytest.mark.parametrize("role", ROLES)
def test_url_access(
    client, request, alice, bob, carol, ada, charlie, dave, gina, name, kwargs, allowed, role
):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role).user)
    if name == "clinic_outcomes_csv" and role in CLINICIANS:
        # their own clinic's (another clinic's report is never theirs: tests/test_outcome_views.py)
        computed_outcomes(request.getfixturevalue(role))
    response = client.get(url_for(name, kwargs, alice))
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    elif role in allowed:
        assert response.status_code == 200
    else:
        assert response.status_code in (403, 404)
    if role not in {"alice"} | ALICES_CLINIC_STAFF | CAREGIVERS:
        assert alice.name.encode() not in without_csrf_token(response.content)
    if role in CAREGIVERS:  # every page a caregiver opens says whose journal it is
        page = without_csrf_token(response.content)
        assert (b"Logging for " + alice.name.encode()) in page
        assert bob.name.encode() not in page


CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def without_csrf_token(page: bytes) -> bytes:
    """The page without its CSRF token: 64 random letters and digits, which hold a three-letter
    name like "Bob" about once in 4,000 pages."""
    for token in set(CSRF_TOKEN.findall(page)):
        page = page.replace(token, b"")
    return page


@pytest.mark.parametrize("name", PATIENT_POST_URLS)
@pytest.mark.parametrize("role", ["anonymous", "carol", "ada", "charlie", "gina"])
def test_patient_posts_are_refused_to_everyone_but_patients(client, request, alice, gina, name, role):
    from journal.models import PushSubscription

    PushSubscription.objects.create(patient=alice, endpoint="https://push.example/a", p256dh="k", auth="a")
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role).user)
    response = client.post(reverse(name), {"endpoint": "https://push.example/a", "p256dh": "k", "auth": "a"})
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == 403
    assert PushSubscription.objects.get().patient == alice


@pytest.mark.parametrize("name", POST_URLS)
@pytest.mark.parametrize("role", ["anonymous", "alice", "bob", "charlie", "dave", "gina"])
def test_post_to_alices_record_is_refused_outside_her_clinic(
    client, request, alice, bob, carol, charlie, dave, gina, name, role
):
    from journal.models import AuditEvent

    if role != "anonymous":
        client.force_login(request.getfixturevalue(role).user)
    response = client.post(reverse(name, kwargs={"pk": alice.pk}), {"note": "x", "reason": "x", "name": "x"})
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code in (403, 404)
    assert not AuditEvent.objects.filter(patient=alice).exists()
    assert not alice.plans.exists()
    assert not alice.medications.exists()
    assert not alice.lab_results.exists()
    assert not alice.weights.exists()


def test_roster_shows_only_own_clinic(client, alice, bob, carol, ada, dave, charlie):
    def roster() -> str:
        return without_csrf_token(client.get(reverse("roster")).content).decode()

    client.force_login(charlie.user)
    content = roster()
    assert "Dave" in content
    assert "Alice" not in content

    client.force_login(carol.user)
    content = roster()
    assert "Alice" in content
    assert "Bob" not in content
    assert "Dave" not in content

    client.force_login(ada.user)
    content = roster()
    assert "Alice" in content
    assert "Bob" in content
    assert "Dave" not in content


@pytest.mark.parametrize(
    ("role", "introduced", "target"),
    [
        ("alice", True, "/today/"),
        ("alice", False, "/welcome/"),
        ("carol", False, "/clinic/patients/"),
        ("gina", False, "/today/"),  # a caregiver logs: the patient's introduction is the patient's
    ],
)
def test_home_sends_each_role_to_its_start_page(
    client, request, alice, carol, gina, role, introduced, target
):
    """A patient who has not finished or skipped the introduction starts there."""
    if not introduced:
        alice.introduced_at = None
        alice.save(update_fields=["introduced_at"])
    client.force_login(request.getfixturevalue(role).user)
    assert client.get("/").url == target


# --- where a request came from -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "address"),
    [
        (0, "198.51.100.7", "203.0.113.1", "198.51.100.7"),  # no trusted proxy: the header is anyone's
        (1, "192.0.2.10", "203.0.113.1", "203.0.113.1"),
        (1, "192.0.2.10", "6.6.6.6, 203.0.113.1", "203.0.113.1"),  # the client's own entry is ignored
        (2, "192.0.2.10", "6.6.6.6, 203.0.113.1, 192.0.2.20", "203.0.113.1"),
        (2, "192.0.2.10", "203.0.113.1", "192.0.2.10"),  # fewer entries than proxies: not trusted
        (1, "192.0.2.10", "not-an-address", "192.0.2.10"),
        (1, "192.0.2.10", "", "192.0.2.10"),
        (1, "192.0.2.10", "2001:DB8::1", "2001:db8::1"),
        (0, "", "", ""),  # a Unix socket
    ],
)
def test_client_address(rf, settings, proxies, remote, forwarded, address):
    from journal.access import client_address

    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == address


@pytest.mark.parametrize("kind", ["symptoms", "conditions"])
@pytest.mark.parametrize("name", RECORD_POSTS)
@pytest.mark.parametrize("role", ["anonymous", "alice", "bob", "charlie", "dave", "gina"])
def test_changes_to_alices_record_are_refused_outside_her_clinic(
    client, request, alice, bob, carol, charlie, dave, gina, name, kind, role
):
    from journal.models import AuditEvent, Condition, Symptom

    model = Symptom if kind == "symptoms" else Condition
    item = model.objects.filter(clinic=None).first()
    alice.tracked_symptoms.add(item) if kind == "symptoms" else alice.conditions.add(item)
    kwargs = {"pk": alice.pk, "kind": kind} | ({"item_pk": item.pk} if name == "patient_record_stop" else {})
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role).user)
    response = client.post(
        reverse(name, kwargs=kwargs), {"item": item.pk, "on": alice.local_today().isoformat()}
    )
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code in (403, 404)
    assert not AuditEvent.objects.filter(patient=alice).exists()
    on_record = alice.tracked_symptoms if kind == "symptoms" else alice.conditions
    assert on_record.filter(pk=item.pk).exists()


# --- the FHIR API: a clinic's API token, never a session -------------------------------------------

# (url name, kwargs): `{alice}` is her Patient id; the searches ask for her records.
FHIR_URLS = [
    ("fhir_patient", {"fhir_id": "{alice}"}),
    ("fhir_everything", {"fhir_id": "{alice}"}),
    ("fhir_observations", {}),
    ("fhir_medication_requests", {}),
]
# What each credential gets: only a token of Alice's clinic in force reads her record; a token of
# another clinic is told she does not exist; a signed-in browser without a token is no caller.
CREDENTIALS = {
    "no token": 401,
    "token of her clinic": 200,
    "token of another clinic": 404,
    "expired token": 401,
    "revoked token": 401,
    "alice's session": 401,
    "carol's session": 401,
    "ada's session": 401,
}


def fhir_url(name, kwargs, alice):
    if name in ("fhir_observations", "fhir_medication_requests"):
        return f"{reverse(name)}?patient={alice.pk}&date=ge2026-01-01&date=le2026-03-31"
    return reverse(name, kwargs={key: str(alice.pk) for key in kwargs})


def credential_headers(credential, ada, charlie, client, request):
    from datetime import timedelta

    from django.utils import timezone

    from journal.services.api_tokens import api_token_create, api_token_revoke
    from tests.factories import make_clinician

    if credential.endswith("session"):
        client.force_login(request.getfixturevalue(credential.split("'")[0]).user)
        return {}
    if credential == "no token":
        return {}
    admin = ada
    if credential == "token of another clinic":
        admin = make_clinician(charlie.clinic, "otto", admin=True)
    made_at = timezone.now() - timedelta(days=2) if credential == "expired token" else None
    made = api_token_create(admin=admin, name="EHR", days=1, now=made_at)
    if credential == "revoked token":
        api_token_revoke(admin=admin, token=made.token)
    return {"Authorization": f"Bearer {made.secret}"}


@pytest.mark.parametrize(("name", "kwargs"), FHIR_URLS)
@pytest.mark.parametrize("credential", CREDENTIALS)
def test_fhir_access(client, request, alice, carol, ada, charlie, name, kwargs, credential):
    from fhir.resources.R4B import get_fhir_model_class

    from journal.models import AccessEvent

    headers = credential_headers(credential, ada, charlie, client, request)
    response = client.get(fhir_url(name, kwargs, alice), headers=headers)
    assert response.status_code == CREDENTIALS[credential]
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    body = response.json()
    get_fhir_model_class(body["resourceType"]).model_validate(body)
    if response.status_code == 200:
        assert body["resourceType"] in ("Patient", "Bundle")
        assert AccessEvent.objects.filter(patient=alice, what="fhir_api").count() == 1
    else:
        assert body["resourceType"] == "OperationOutcome"
        assert alice.name.encode() not in response.content
        assert not AccessEvent.objects.exists()
    if response.status_code == 401:
        assert response["WWW-Authenticate"].startswith('Bearer realm="fhir"')


@pytest.mark.parametrize("role", ["anonymous", "alice", "carol", "ada"])
def test_fhir_metadata_is_open_to_anyone_and_shows_no_record(client, request, alice, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role).user)
    response = client.get(reverse("fhir_metadata"))
    assert response.status_code == 200
    assert response.json()["resourceType"] == "CapabilityStatement"
    assert alice.name.encode() not in response.content
