"""Every URL × every role: the wrong role gets 403 or 404 (or the login page), never data.

Add each new URL to URLS; `{alice}` stands for Alice's patient id, `{job}` for a finished clinic
export Carol asked for (her clinic's admin, Ada, may open it too), `{pgic}` for the PGIC of
Alice's clinic (another clinic's staff and patients get 404).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

PATIENTS = {"alice", "bob", "dave"}  # pages about "my own record"
CLINICIANS = {"carol", "ada", "charlie"}  # pages about "my own patients"
ALICES_CLINIC_STAFF = {"carol", "ada"}

URLS = [
    # (url name, kwargs, who may open it)
    ("today", {}, PATIENTS),
    ("entry", {}, PATIENTS),
    ("history", {}, PATIENTS),
    ("day_detail", {"day": "2020-01-01"}, PATIENTS),
    ("medications", {}, PATIENTS),
    ("calendar", {}, PATIENTS),
    ("introduction", {"screen": 1}, PATIENTS),
    ("help_index", {}, PATIENTS | CLINICIANS),
    ("help_topic", {"slug": "side-effects"}, PATIENTS | CLINICIANS),
    ("reminders", {}, PATIENTS),
    # medication_stop and calendar_reset (POST only) and calendar_feed (a token, no login):
    # tests/test_patient_pages.py
    ("roster", {}, CLINICIANS),
    ("rulebook", {}, CLINICIANS),
    ("patient_detail", {"pk": "{alice}"}, ALICES_CLINIC_STAFF),
    ("entry_changes", {"pk": "{alice}", "day": "2020-01-01"}, ALICES_CLINIC_STAFF),
    ("patient_csv", {"pk": "{alice}"}, ALICES_CLINIC_STAFF),
    ("appointment_summary", {"pk": "{alice}"}, ALICES_CLINIC_STAFF),
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
    ("invitation_link", {"pk": "{alice}"}, ALICES_CLINIC_STAFF),
    ("screening", {"pk": "{alice}"}, ALICES_CLINIC_STAFF),
    ("plan_manage", {"pk": "{alice}"}, ALICES_CLINIC_STAFF),
    ("plan_new", {"pk": "{alice}"}, ALICES_CLINIC_STAFF),
    ("my_plan", {}, PATIENTS),
    ("my_questions", {}, PATIENTS),
    # plan_step_edit (needs a step), the POST-only plan changes, pause_new and plan_acknowledge,
    # and accept_invitation (a token, no login): tests/test_plan_views.py, tests/test_invites.py
    ("my_chart", {}, PATIENTS),
    # a patient's page of the questionnaire due (Alice and Bob: "nothing to answer now" when none
    # is), and the clinic's questionnaires: tests/test_questionnaire_views.py
    ("questionnaire_answer", {"pk": "{pgic}"}, {"alice", "bob"}),
    ("clinic_questionnaires", {}, CLINICIANS),
    ("questionnaire_edit", {"pk": "{pgic}"}, ALICES_CLINIC_STAFF),
    # advice_dismiss and patient_reviewed (POST only): tests/test_patient_chart_views.py
    ("clinic_manage", {}, {"ada"}),
    ("clinician_add", {}, {"ada"}),
    ("care_team", {"pk": "{alice}"}, {"ada"}),
    ("access_report", {}, {"ada"}),
    ("access_report_csv", {}, {"ada"}),
    # clinician_change, clinician_password_link (need a clinician) and clinician_set_password
    # (a token, no login): tests/test_clinic_admin.py
    ("account", {}, PATIENTS | CLINICIANS),
    ("sessions", {}, PATIENTS | CLINICIANS),
    ("password_change", {}, PATIENTS | CLINICIANS),
    ("two_factor_setup", {}, PATIENTS | CLINICIANS),
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
    # the date of birth and a weight: tests/test_record_views.py
    "patient_birth_date",
    "patient_weight_add",
    "care_team",
    "patient_medication_add",
    "patient_lab_add",
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
    # the signed-in user's own language (POST only, their own row): tests/test_languages.py
    "language_change",
    # a lab result's deletion (needs a result) and the clinic's own lab tests (the admin's), each
    # also posted with valid data by every other role: tests/test_lab_views.py
    "patient_lab_delete",
    "clinic_lab_test_add",
    # asking for a clinic's outcomes (POST only, the poster's own clinic: a report of another
    # clinic is never shown): tests/test_outcome_views.py
    "clinic_outcomes_compute",
}

# POST-only changes to Alice's conditions and tracked symptoms (a kind and an item in the URL):
# refused outside her clinic below; what her clinician's POST does: tests/test_record_views.py.
RECORD_POSTS = ["patient_record_add", "patient_record_stop"]

ROLES = ["anonymous", "alice", "bob", "carol", "ada", "charlie", "dave"]


def test_every_url_is_in_an_access_table():
    from journal.urls import urlpatterns

    listed = (
        {name for name, _, _ in URLS}
        | set(POST_URLS)
        | set(PATIENT_POST_URLS)
        | set(RECORD_POSTS)
        | TESTED_WITH_THEIR_VIEWS
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
def test_url_access(client, request, alice, bob, carol, ada, charlie, dave, name, kwargs, allowed, role):
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
    if role not in {"alice"} | ALICES_CLINIC_STAFF:
        assert alice.name.encode() not in response.content


@pytest.mark.parametrize("name", PATIENT_POST_URLS)
@pytest.mark.parametrize("role", ["anonymous", "carol", "ada", "charlie"])
def test_patient_posts_are_refused_to_everyone_but_patients(client, request, alice, name, role):
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
@pytest.mark.parametrize("role", ["anonymous", "alice", "bob", "charlie", "dave"])
def test_post_to_alices_record_is_refused_outside_her_clinic(
    client, request, alice, bob, carol, charlie, dave, name, role
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
    client.force_login(charlie.user)
    content = client.get(reverse("roster")).content.decode()
    assert "Dave" in content
    assert "Alice" not in content

    client.force_login(carol.user)
    content = client.get(reverse("roster")).content.decode()
    assert "Alice" in content
    assert "Bob" not in content
    assert "Dave" not in content

    client.force_login(ada.user)
    content = client.get(reverse("roster")).content.decode()
    assert "Alice" in content
    assert "Bob" in content
    assert "Dave" not in content


@pytest.mark.parametrize(
    ("role", "introduced", "target"),
    [("alice", True, "/today/"), ("alice", False, "/welcome/"), ("carol", False, "/clinic/patients/")],
)
def test_home_sends_each_role_to_its_start_page(client, request, alice, carol, role, introduced, target):
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
@pytest.mark.parametrize("role", ["anonymous", "alice", "bob", "charlie", "dave"])
def test_changes_to_alices_record_are_refused_outside_her_clinic(
    client, request, alice, bob, carol, charlie, dave, name, kind, role
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
