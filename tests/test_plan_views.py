"""Screening, the plan editor, later plan changes, and the patient's view of the plan."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from journal.models import AuditEvent, LdnPause, Medication, Screening, TitrationPlan
from journal.safety import ScreeningAnswers
from journal.services.plans import screening_record
from tests.factories import make_plan

NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)  # Monday 2 March 2026, also in London
TODAY = NOW.date()
D = dt.date

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def kinds(patient) -> list[str]:
    return list(AuditEvent.objects.filter(patient=patient).values_list("kind", flat=True))


def screen(patient, clinician, *, yes=(), **answers) -> Screening:
    return screening_record(
        patient=patient,
        clinician=clinician,
        answers=ScreeningAnswers(yes=frozenset(yes), **answers),
        start_date=TODAY,
        today=TODAY,
    )


def editor_data(**fields) -> dict:
    data = {
        "template": "gentle",
        "start_date": "2026-03-02",
        "start_mg": "0.5",
        "increment_mg": "0.5",
        "interval_days": "7",
        "target_mg": "3",
        "timing": "bedtime",
        "form": "capsule",
        "strength_mg": "0.5",
        "notes": "",
        "patient_reason": "Start low, go slow.",
        "action": "save",
    }
    data.update(fields)
    return data


# --- screening ---------------------------------------------------------------------------


def test_screening_is_prefilled_from_the_medication_list(client, alice, carol):
    Medication.objects.create(patient=alice, name="Tramadol 50 mg", stopped_on=D(2026, 2, 27))
    Medication.objects.create(patient=alice, name="Levothyroxine 75 mcg")
    client.force_login(carol.user)
    content = client.get(reverse("screening", args=[alice.pk])).content.decode()
    assert 'name="opioid_use_last_14_days" id="id_opioid_use_last_14_days" checked' in content
    assert 'value="Tramadol 50 mg"' in content
    assert 'value="2026-02-27"' in content
    assert 'name="thyroid_medication" id="id_thyroid_medication" checked' in content
    # The judgement of the pre-filled answers is shown with its reason.
    assert "at least 7 needed" in content
    assert "LDN blocks opioids" in content


def test_recording_a_screening_writes_one_audit_row_and_goes_to_the_editor(client, alice, carol):
    client.force_login(carol.user)
    response = client.post(
        reverse("screening", args=[alice.pk]),
        {
            "patient_reason": "A reason.",
            "start_date": "2026-03-09",
            "opioid_use_last_14_days": "on",
            "opioid_names": "codeine",
            "opioid_stopped_on": "2026-02-25",
            "thyroid_medication": "on",
            "notes": "",
        },
    )
    assert response.url == reverse("plan_new", args=[alice.pk]) + "?start_date=2026-03-09"
    screening = Screening.objects.get(patient=alice)
    assert screening.opioid_names == "codeine"
    assert screening.thyroid_medication
    (event,) = AuditEvent.objects.filter(patient=alice)
    assert event.kind == AuditEvent.Kind.SCREENING
    assert event.actor == carol.user
    assert {f["code"] for f in event.details["findings"]} == {"opioid_washout_short", "thyroid_watch"}
    page = client.get(reverse("patient_detail", args=[alice.pk])).content.decode()
    assert 'data-testid="finding-thyroid_watch"' in page
    assert "thyroid signs" in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"patient_reason": "A reason.", "start_date": "9999-12-31"},
            "start_date",
            "The planned first dose, 9999-12-31, is after 2028-03-01",
        ),
        (
            {"opioid_stopped_on": "0001-01-01"},
            "opioid_stopped_on",
            "The last opioid dose, 0001-01-01, is before",
        ),
        (
            {"opioid_stopped_on": "2030-01-01"},
            "opioid_stopped_on",
            "a planned last dose is at most two years",
        ),
    ],
)
def test_a_screening_date_outside_its_window_is_refused(client, alice, carol, fields, field, message):
    client.force_login(carol.user)
    data = {
        "patient_reason": "A reason.",
        "start_date": "2026-03-09",
        "opioid_use_last_14_days": "on",
        "notes": "",
        **fields,
    }
    response = client.get(reverse("screening", args=[alice.pk])) and client.post(
        reverse("screening", args=[alice.pk]), data
    )
    assert response.status_code == 200
    assert message in field_errors(response.content.decode(), f"id_{field}")
    assert not Screening.objects.exists()


def test_the_editor_opened_with_an_absurd_start_says_why(client, alice, carol):
    client.force_login(carol.user)
    response = client.get(
        reverse("plan_new", args=[alice.pk]), {"patient_reason": "A reason.", "start_date": "9999-12-31"}
    )
    assert response.status_code == 200  # was a 500: the steps ran past year 9999
    assert "is after 2028-03-01" in field_errors(response.content.decode(), "id_start_date")


# --- the editor ----------------------------------------------------------------------------


def test_editor_shows_the_gentle_template_steps(client, alice, carol):
    client.force_login(carol.user)
    content = client.get(reverse("plan_new", args=[alice.pk]) + "?template=gentle").content.decode()
    preview = content.split('id="preview"', 1)[1]
    for day, dose in (("Mon 2 Mar 2026", "0.5"), ("Mon 9 Mar 2026", "1"), ("Mon 6 Apr 2026", "3")):
        assert f"{day}</time></td><td>{dose} mg" in preview
    assert "Mon 13 Apr 2026" not in preview


def test_htmx_preview_returns_only_the_preview(client, alice, carol):
    client.force_login(carol.user)
    response = client.post(
        reverse("plan_new", args=[alice.pk]),
        editor_data(
            action="preview",
            template="custom",
            increment_mg="1",
            target_mg="2.5",
            form="liquid",
            strength_mg="1",
        ),
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    # The table goes into the preview's body; only the summary's text goes into the live
    # region, which stays in place (out of band, innerHTML).
    assert content.lstrip().startswith('<div class="table-wrap"')
    assert "<html" not in content
    assert "0.5 mL = 0.5 mg" in content
    assert "2.5 mL = 2.5 mg" in content
    assert content.rstrip().endswith(
        '<p id="preview-summary" hx-swap-oob="innerHTML">'
        "3 steps, 0.5 mg to 2.5 mg, 1 finding stopping the save, no warnings.</p>"
    )


def test_applying_a_template_fills_its_doses(client, alice, carol):
    client.force_login(carol.user)
    response = client.post(
        reverse("plan_new", args=[alice.pk]),
        editor_data(action="apply_template", template="standard", start_mg="9"),
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    # New parameters; the template choice itself is not swapped (focus stays on it).
    assert content.lstrip().startswith('<div id="plan-params"')
    assert 'name="template"' not in content
    assert 'name="start_mg" value="1.5"' in content
    assert 'name="target_mg" value="4.5"' in content
    assert '<div id="preview-body" hx-swap-oob="innerHTML">' in content
    assert '<p id="preview-summary" hx-swap-oob="innerHTML">3 steps, 1.5 mg to 4.5 mg,' in content


def test_the_preview_is_summed_up_in_one_sentence(client, alice, carol):
    screen(alice, carol, yes={"pregnancy_or_breastfeeding"})
    client.force_login(carol.user)
    url = reverse("plan_new", args=[alice.pk])
    content = client.get(url + "?template=gentle").content.decode()
    assert 'role="status">6 steps, 0.5 mg to 3 mg, 1 warning.</p>' in content
    one_step = editor_data(action="preview", target_mg="0.5", start_mg="0.5")
    content = client.post(url, one_step).content.decode()
    assert 'role="status">1 step, 0.5 mg, 1 warning.</p>' in content
    content = client.post(url, editor_data(action="preview", start_mg="", interval_days="0")).content.decode()
    assert 'role="status">No steps yet: 2 parameters to correct.</p>' in content
    content = client.get(url + "?template=custom").content.decode()
    assert 'role="status">No steps yet.</p>' in content


def field_errors(content: str, field_id: str) -> str:
    """The error list shown with the field of this id on the page."""
    match = re.search(rf'<ul class="errorlist" id="{field_id}_error">(.*?)</ul>', content, re.S)
    return match[1] if match else ""


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        # each of these answered 500 (a date past year 9999, or a step up too small to add)
        ({"increment_mg": "1e-30"}, "increment_mg", "no more than 3 decimal places"),
        ({"start_mg": "1e99999999"}, "start_mg", "Enter a dose in mg, e.g. 1.5."),
        (
            {"patient_reason": "A reason.", "start_date": "9999-12-31"},
            "start_date",
            "a plan or pause is written at most two years ahead",
        ),
        (
            {"patient_reason": "A reason.", "start_date": "0001-01-01"},
            "start_date",
            "goes back at most a year before the patient",
        ),
        (
            {"patient_reason": "A reason.", "start_date": "2028-03-02"},
            "start_date",
            "The first dose, 2028-03-02, is after 2028-03-01",
        ),
        ({"increment_mg": "17"}, "increment_mg", "less than or equal to 16"),
        ({"strength_mg": "9999"}, "strength_mg", "less than or equal to 16"),
        (
            {"patient_reason": "A reason.", "start_date": "2028-01-01", "interval_days": "90"},
            "interval_days",
            "The last step, 2029-03-26, is after 2028-03-01",
        ),
    ],
)
@pytest.mark.parametrize("action", ["preview", "save"])
def test_absurd_parameters_are_refused_with_their_reason(
    client, alice, carol, fields, field, message, action
):
    screen(alice, carol)
    client.force_login(carol.user)
    response = client.post(reverse("plan_new", args=[alice.pk]), editor_data(action=action, **fields))
    assert response.status_code == 200
    assert message in field_errors(response.content.decode(), f"id_{field}")
    assert not TitrationPlan.objects.exists()


def test_the_preview_stops_at_60_steps(client, alice, carol):
    # One request of these parameters made 155,000 steps, a 62 MB page and 22 s of work.
    client.force_login(carol.user)
    slow = {"start_mg": "0.001", "increment_mg": "0.001", "interval_days": "1", "target_mg": "16"}
    response = client.post(reverse("plan_new", args=[alice.pk]), editor_data(action="preview", **slow))
    content = response.content.decode()
    assert response.status_code == 200
    assert len(content) < 100_000
    assert "At most 60 steps: these parameters make 16,000." in field_errors(content, "id_increment_mg")
    assert 'role="status">No steps yet: 1 parameter to correct.</p>' in content


def test_first_plan_needs_a_screening(client, alice, carol):
    client.force_login(carol.user)
    response = client.post(reverse("plan_new", args=[alice.pk]), editor_data())
    content = response.content.decode()
    assert "No safety screening is recorded yet." in content
    assert not TitrationPlan.objects.exists()
    # A refused save comes back with its reason focused (autofocus), not at the top.
    summary = content.split('data-testid="refused">', 1)[1].split("</div>", 1)[0]
    assert "The plan was not saved." in summary
    assert "No safety screening is recorded yet." in summary
    assert 'role="alert" tabindex="-1" autofocus data-testid="refused"' in content


def test_a_refused_save_links_each_wrong_field(client, alice, carol):
    client.force_login(carol.user)
    url = reverse("plan_new", args=[alice.pk])
    content = client.post(url, editor_data(interval_days="0")).content.decode()
    assert '<li><a href="#id_interval_days">Every (days)</a>:' in content
    preview = client.post(url, editor_data(action="preview", interval_days="0")).content.decode()
    assert "was not saved" not in preview  # a preview saves nothing


def test_saving_a_plan(client, alice, carol):
    screening = screen(alice, carol)
    client.force_login(carol.user)
    response = client.post(reverse("plan_new", args=[alice.pk]), editor_data())
    assert response.url == reverse("plan_manage", args=[alice.pk])
    plan = TitrationPlan.objects.get(patient=alice)
    assert plan.status == "active"
    assert plan.prescriber == carol
    assert plan.strength_mg == Decimal("0.5")
    assert [(s.start_date.isoformat(), str(s.dose_mg)) for s in plan.steps.all()] == [
        ("2026-03-02", "0.500"),
        ("2026-03-09", "1.000"),
        ("2026-03-16", "1.500"),
        ("2026-03-23", "2.000"),
        ("2026-03-30", "2.500"),
        ("2026-04-06", "3.000"),
    ]
    screening.refresh_from_db()
    alice.refresh_from_db()
    assert screening.plan == plan
    assert alice.plan_changed_at == NOW
    assert kinds(alice) == ["screening", "plan_created"]


def test_saving_an_every_other_day_plan_and_its_preview(client, alice, carol):
    screen(alice, carol)
    client.force_login(carol.user)
    url = reverse("plan_new", args=[alice.pk])
    preview = client.post(url, editor_data(action="preview", frequency="every_other_day")).content.decode()
    assert "Taken every other day at bedtime, then" in preview
    refused = client.post(url, editor_data(frequency="fortnightly")).content.decode()
    assert "Choose every day or every other day." in refused
    assert not TitrationPlan.objects.exists()
    client.post(url, editor_data(frequency="every_other_day"))
    plan = TitrationPlan.objects.get(patient=alice)
    assert set(plan.steps.values_list("frequency", flat=True)) == {"every_other_day"}


@pytest.mark.parametrize(
    ("fields", "code"),
    [({"release": "slow"}, "slow_release"), ({"filler": "calcium_carbonate"}, "calcium_carbonate_filler")],
)
def test_slow_release_or_calcium_carbonate_is_saved_only_once_confirmed(client, alice, carol, fields, code):
    from journal.compounding import compounding_findings

    screen(alice, carol)
    client.force_login(carol.user)
    url = reverse("plan_new", args=[alice.pk])
    preview = client.post(url, editor_data(action="preview", **fields)).content.decode()
    assert f'data-testid="finding-{code}"' in preview
    assert "[001, 004]" in preview.split(f'data-testid="finding-{code}"', 1)[1].split("</li>", 1)[0]
    client.post(url, editor_data(**fields))
    assert not TitrationPlan.objects.exists()
    client.post(url, editor_data(confirm_warnings="on", filler_note="as on the label", **fields))
    plan = TitrationPlan.objects.get(patient=alice)
    assert (plan.release, plan.filler) == (fields.get("release", "immediate"), fields.get("filler", ""))
    assert plan.filler_note == "as on the label"
    (finding,) = compounding_findings(release=plan.release, filler=plan.filler)
    confirmed = AuditEvent.objects.get(patient=alice, kind=AuditEvent.Kind.WARNING_CONFIRMED)
    assert str(finding.message) in confirmed.summary
    page = client.get(reverse("plan_manage", args=[alice.pk])).content.decode()
    assert f'data-testid="finding-{code}"' in page
    summary = client.get(reverse("appointment_summary", args=[alice.pk])).content.decode()
    assert plan.compounding_words in summary


def test_the_supply_dispensed_gives_the_patient_and_the_roster_a_runs_out_date(client, alice, carol):
    screen(alice, carol)
    client.force_login(carol.user)
    url = reverse("plan_new", args=[alice.pk])
    half = client.post(url, editor_data(supply_quantity="30")).content.decode()
    assert "Give both the quantity dispensed and the day it was dispensed, or neither." in half
    assert not TitrationPlan.objects.exists()
    fields = {
        "template": "custom",
        "start_mg": "1.5",
        "increment_mg": "0",
        "target_mg": "1.5",
        "strength_mg": "1.5",
    }
    client.post(
        url,
        editor_data(
            **fields,
            confirm_warnings="on",
            pharmacy="Riverside Pharmacy",
            supply_quantity="30",
            dispensed_on="2026-03-02",
        ),
    )
    plan = TitrationPlan.objects.get(patient=alice)
    assert (plan.pharmacy, plan.supply_quantity, plan.dispensed_on) == (
        "Riverside Pharmacy",
        30,
        D(2026, 3, 2),
    )
    roster = client.get(reverse("roster")).content.decode()
    assert "supply runs out 1 Apr" in roster  # 30 one-capsule doses from 2 March
    client.force_login(alice.user)
    my_plan = " ".join(client.get(reverse("my_plan")).content.decode().split())
    assert "From Riverside Pharmacy, dispensed on 2 March." in my_plan
    assert "It runs out on Wednesday 1 April: ask for more before then." in my_plan


def test_a_refill_dispensed_moves_the_runs_out_date_for_the_patient_and_the_roster(client, alice, carol):
    # 1.5 mg capsules, one a day from 1 February; 30 dispensed then ran out on 3 March.
    plan = make_plan(
        alice,
        carol,
        [(D(2026, 2, 1), "1.5")],
        strength_mg=Decimal("1.5"),
        pharmacy="Riverside Pharmacy",
        supply_quantity=Decimal("30"),
        dispensed_on=D(2026, 2, 1),
    )
    client.force_login(carol.user)
    url = reverse("plan_refill", args=[alice.pk])
    page = " ".join(client.get(reverse("plan_manage", args=[alice.pk])).content.decode().split())
    assert "Last dispensed: 30 capsules on 1 Feb 2026, from Riverside Pharmacy." in page
    assert "It runs out on Tuesday 3 Mar 2026." in page
    response = client.post(url, {"dispensed_on": "2026-03-01", "quantity": "60", "pharmacy": ""})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.supply_quantity, plan.dispensed_on, plan.pharmacy) == (
        60,
        D(2026, 3, 1),
        "Riverside Pharmacy",
    )
    assert kinds(alice)[-1] == AuditEvent.Kind.SUPPLY_DISPENSED
    assert "supply runs out 30 Apr" in client.get(reverse("roster")).content.decode()  # 60 doses from 1 March
    client.force_login(alice.user)
    my_plan = " ".join(client.get(reverse("my_plan")).content.decode().split())
    assert "It runs out on Thursday 30 April: ask for more before then." in my_plan


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"dispensed_on": "2026-03-03", "quantity": "30"},
            "is after 2026-03-02: record a refill once it has been",
        ),
        (
            {"dispensed_on": "2026-01-31", "quantity": "30"},
            "is before 2026-02-01: a refill comes after the plan",
        ),
        (
            {"dispensed_on": "2026-03-01", "quantity": "0"},
            "Ensure this value is greater than or equal to 0.01.",
        ),
        ({"dispensed_on": "2026-03-01", "quantity": "10001"}, "less than or equal to 10000"),
        ({"dispensed_on": "2026-03-01", "quantity": ""}, "This field is required."),
        ({"dispensed_on": "2026-03-01", "quantity": "30", "pharmacy": "x" * 101}, "at most 100 characters"),
    ],
)
def test_a_refill_out_of_bounds_is_refused_and_changes_nothing(client, alice, carol, fields, message):
    plan = make_plan(
        alice, carol, [(D(2026, 2, 1), "1.5")], supply_quantity=Decimal("30"), dispensed_on=D(2026, 2, 1)
    )
    client.force_login(carol.user)
    response = client.post(reverse("plan_refill", args=[alice.pk]), fields)
    assert response.status_code == 400
    assert message in " ".join(response.content.decode().split())
    assert "The refill was not saved." in response.content.decode()
    plan.refresh_from_db()
    assert (plan.supply_quantity, plan.dispensed_on) == (30, D(2026, 2, 1))
    assert AuditEvent.Kind.SUPPLY_DISPENSED not in kinds(alice)


def test_a_refill_while_a_taper_ends_the_plan_counts_for_the_plan_the_patient_is_on(client, alice, carol):
    """The next plan is written (from 12 March) while the patient still takes the last capsules
    of this one: the supply shown is this plan's, and so is a refill recorded now."""
    tapering = make_plan(
        alice,
        carol,
        [(D(2026, 2, 1), "1.5")],
        strength_mg=Decimal("1.5"),
        supply_quantity=Decimal("30"),
        dispensed_on=D(2026, 2, 1),
        ended_on=D(2026, 3, 12),
        status=TitrationPlan.Status.ENDED,
    )
    written_next = make_plan(alice, carol, [(D(2026, 3, 12), "0.5")], form="liquid")
    client.force_login(carol.user)
    response = client.post(
        reverse("plan_refill", args=[alice.pk]), {"dispensed_on": "2026-03-02", "quantity": "5"}
    )
    assert response.status_code == 302
    tapering.refresh_from_db()
    written_next.refresh_from_db()
    assert (tapering.supply_quantity, tapering.dispensed_on) == (5, D(2026, 3, 2))
    assert written_next.supply_quantity is None
    page = " ".join(client.get(reverse("plan_manage", args=[alice.pk])).content.decode().split())
    assert "Refill recorded: the supply is now counted from it." in page
    assert "Last dispensed: 5 capsules on 2 Mar 2026. <strong>It runs out on Saturday 7 Mar 2026." in page


def test_while_a_taper_ends_the_plan_every_plan_card_tells_that_plans_form_and_end_then_the_next(
    client, alice, carol
):
    """The capsules of the plan ending with a taper on 12 March, then a liquid written to follow:
    the plan's facts are the capsules' (not the liquid's, which the card showed with the
    capsules' steps) and its end, and the liquid plan is told apart, with the day it starts."""
    make_plan(
        alice,
        carol,
        [(D(2026, 2, 1), "1.5")],
        strength_mg=Decimal("1.5"),
        ended_on=D(2026, 3, 12),
        status=TitrationPlan.Status.ENDED,
    )
    make_plan(alice, carol, [(D(2026, 3, 12), "0.5")], form="liquid", strength_mg=Decimal("1"))
    client.force_login(carol.user)
    pages = {
        "plan page": client.get(reverse("plan_manage", args=[alice.pk])),
        "patient page": client.get(reverse("patient_detail", args=[alice.pk])),
    }
    client.force_login(alice.user)
    pages["My plan"] = client.get(reverse("my_plan"))
    for name, response in pages.items():
        page = " ".join(response.content.decode().split())
        now, _, after = page.partition('data-testid="next-plan"')
        assert "<dd>capsule, 1.5 mg per capsule</dd>" in now, name
        assert "nothing prescribed from 12 Mar 2026" in now, name
        assert "mg per mL" not in now, name
        assert after.startswith(">Next plan, from 12 Mar 2026</h3>"), name
        assert "<dd>liquid, 1 mg per mL</dd>" in after, name
    assert "ends on 12 Mar 2026" in pages["plan page"].content.decode()


def test_a_refill_needs_a_plan_in_force(client, alice, carol):
    client.force_login(carol.user)
    response = client.post(
        reverse("plan_refill", args=[alice.pk]), {"dispensed_on": "2026-03-01", "quantity": "30"}
    )
    assert response.status_code == 404


def test_an_unknown_filler_or_release_is_refused_with_a_message(client, alice, carol):
    screen(alice, carol)
    client.force_login(carol.user)
    url = reverse("plan_new", args=[alice.pk])
    content = client.post(url, editor_data(filler="chalk", release="sustained")).content.decode()
    assert "Choose a filler from the list, or not recorded." in content
    assert "Choose immediate-release or slow-release." in content
    assert not TitrationPlan.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message", "saved_after_confirming"),
    [
        ({"start_mg": "50", "target_mg": "50"}, "standard-dose naltrexone, not LDN", False),
        ({"start_mg": "17", "target_mg": "17"}, "is above 16 mg", False),
        ({"start_mg": "0", "target_mg": "3"}, "A dose must be more than 0 mg", False),
        ({"start_mg": "1.0005"}, "more than 3 decimals", False),
        ({"start_mg": "6", "target_mg": "6"}, "above the usual LDN range", True),
        ({"start_mg": "1.5", "increment_mg": "2", "target_mg": "3.5"}, "larger than 1.5 mg", True),
    ],
)
def test_dose_bands_in_the_editor(client, alice, carol, fields, message, saved_after_confirming):
    screen(alice, carol)
    client.force_login(carol.user)
    url = reverse("plan_new", args=[alice.pk])
    response = client.post(url, editor_data(**fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TitrationPlan.objects.exists()
    response = client.post(url, editor_data(confirm_warnings="on", **fields))
    assert TitrationPlan.objects.exists() == saved_after_confirming
    if saved_after_confirming:
        (event,) = AuditEvent.objects.filter(patient=alice, kind=AuditEvent.Kind.WARNING_CONFIRMED)
        assert message in event.summary
        assert event.actor == carol.user


def test_a_low_target_is_noted_without_confirmation(client, alice, carol):
    screen(alice, carol)
    client.force_login(carol.user)
    url = reverse("plan_new", args=[alice.pk])
    preview = client.post(
        url,
        editor_data(
            template="sensitive",
            start_mg="0.5",
            increment_mg="0.25",
            interval_days="14",
            target_mg="1",
            action="preview",
        ),
    )
    assert "very-low (0.5–1 mg) dosing" in preview.content.decode()
    client.post(url, editor_data(target_mg="1"))
    assert TitrationPlan.objects.exists()
    assert AuditEvent.Kind.WARNING_CONFIRMED not in kinds(alice)


@pytest.mark.parametrize(
    ("stopped_on", "expected"),
    [
        (D(2026, 2, 24), "block"),  # 6 days before the start
        (D(2026, 2, 23), "warn"),  # 7 days
        (D(2026, 2, 16), "warn"),  # 14 days
        (D(2026, 2, 15), "saved"),  # 15 days: a note only
    ],
)
def test_opioid_washout_blocks_or_warns(client, alice, carol, stopped_on, expected):
    screen(alice, carol, opioid_use_last_14_days=True, opioid_names="oxycodone", opioid_stopped_on=stopped_on)
    client.force_login(carol.user)
    url = reverse("plan_new", args=[alice.pk])
    response = client.post(url, editor_data())
    content = response.content.decode()
    if expected == "block":
        assert "at least 7 needed" in content
        assert "blocks LDN" in content
        client.post(url, editor_data(confirm_warnings="on"))
        assert not TitrationPlan.objects.exists()
    elif expected == "warn":
        assert "within the 7–14-day window" in content
        assert not TitrationPlan.objects.exists()
        client.post(url, editor_data(confirm_warnings="on"))
        assert TitrationPlan.objects.exists()
        assert kinds(alice).count(AuditEvent.Kind.WARNING_CONFIRMED) == 1
    else:
        assert TitrationPlan.objects.exists()


def test_contraindication_answers_warn_and_need_confirmation(client, alice, carol):
    screen(alice, carol, yes={"pregnancy_or_breastfeeding"})
    client.force_login(carol.user)
    url = reverse("plan_new", args=[alice.pk])
    assert "Pregnant or breastfeeding." in client.post(url, editor_data()).content.decode()
    assert not TitrationPlan.objects.exists()
    client.post(url, editor_data(confirm_warnings="on"))
    assert TitrationPlan.objects.exists()


def test_no_second_active_plan(client, alice, carol):
    make_plan(alice, carol, [(TODAY, "1.5")])
    client.force_login(carol.user)
    assert client.get(reverse("plan_new", args=[alice.pk])).url == reverse("plan_manage", args=[alice.pk])


# --- later changes -------------------------------------------------------------------------


@pytest.fixture
def ramp(alice, carol):
    """0.5 mg from 16 Feb, 1 mg from 23 Feb (current), 1.5 mg from 9 Mar, 2 mg from 16 Mar; a
    clean screening on record (no audit row, so each test counts only its own)."""
    Screening.objects.create(patient=alice, screened_by=carol)
    return make_plan(
        alice,
        carol,
        [(D(2026, 2, 16), "0.5"), (D(2026, 2, 23), "1"), (D(2026, 3, 9), "1.5"), (D(2026, 3, 16), "2")],
        strength_mg=Decimal("0.5"),
    )


def steps_of(plan) -> list[tuple[str, str, str]]:
    return [(s.start_date.isoformat(), f"{s.dose_mg.normalize():f}", s.timing) for s in plan.steps.all()]


PAST = [("2026-02-16", "0.5", "bedtime"), ("2026-02-23", "1", "bedtime")]


@pytest.mark.parametrize(
    ("name", "data", "steps", "kind"),
    [
        (
            "plan_hold",
            {"patient_reason": "A reason.", "days": "7"},
            [*PAST, ("2026-03-16", "1.5", "bedtime"), ("2026-03-23", "2", "bedtime")],
            "plan_changed",
        ),
        (
            "plan_step_back",
            {"patient_reason": "A reason.", "start_date": "2026-03-03", "shift_days": "14"},
            [
                *PAST,
                ("2026-03-03", "0.5", "bedtime"),
                ("2026-03-23", "1.5", "bedtime"),
                ("2026-03-30", "2", "bedtime"),
            ],
            "plan_changed",
        ),
        (
            "plan_morning",
            {"patient_reason": "A reason.", "start_date": "2026-03-03"},
            [
                *PAST,
                ("2026-03-03", "1", "morning"),
                ("2026-03-09", "1.5", "morning"),
                ("2026-03-16", "2", "morning"),
            ],
            "plan_changed",
        ),
        (
            "plan_end",
            {
                "patient_reason": "A reason.",
                "ended_on": "2026-03-20",
                "taper_mg": "0.5",
                "taper_from": "2026-03-10",
            },
            [*PAST, ("2026-03-09", "1.5", "bedtime"), ("2026-03-10", "0.5", "bedtime")],
            "plan_changed",
        ),
        (
            "pause_new",
            {
                "patient_reason": "A reason.",
                "start_date": "2026-03-05",
                "end_date": "2026-03-08",
                "reason": "Knee surgery",
            },
            [*PAST, ("2026-03-09", "1.5", "bedtime"), ("2026-03-16", "2", "bedtime")],
            "ldn_paused",
        ),
    ],
)
def test_each_change_is_applied_and_audited_once(client, alice, carol, ramp, name, data, steps, kind):
    client.force_login(carol.user)
    response = client.post(reverse(name, args=[alice.pk]), data)
    assert response.status_code == 302, response.content.decode()
    assert steps_of(ramp) == steps
    assert kinds(alice) == [kind]
    alice.refresh_from_db()
    assert alice.plan_changed_at == NOW
    assert alice.has_unacknowledged_plan_change
    # Past steps keep their history untouched.
    assert all(s.history.count() == 1 for s in ramp.steps.filter(start_date__lt=TODAY))


def test_the_pause_reason_is_a_text_area_kept_on_one_line(client, alice, carol, ramp):
    client.force_login(carol.user)
    page = client.get(reverse("plan_manage", args=[alice.pk])).content.decode()
    # Enter in a text area adds a line instead of submitting the form there and then.
    assert '<textarea name="reason" cols="40" rows="2" maxlength="200" required id="pause_reason">' in page
    data = {
        "patient_reason": "A reason.",
        "start_date": "2026-03-05",
        "end_date": "2026-03-08",
        "reason": "Knee surgery\r\n  on the 6th ",
    }
    client.post(reverse("pause_new", args=[alice.pk]), data)
    assert LdnPause.objects.get(patient=alice).reason == "Knee surgery on the 6th"


def test_no_two_fields_on_the_plan_page_share_an_id(client, alice, carol, ramp):
    client.force_login(carol.user)
    page = client.get(reverse("plan_manage", args=[alice.pk])).content.decode()
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for label in re.findall(r'<label for="([^"]+)"', page):
        assert ids.count(label) == 1, label


def test_ending_sets_the_end_date_and_the_plan_runs_until_then(client, alice, carol, ramp):
    client.force_login(carol.user)
    client.post(
        reverse("plan_end", args=[alice.pk]), {"patient_reason": "A reason.", "ended_on": "2026-03-20"}
    )
    ramp.refresh_from_db()
    assert ramp.ended_on == D(2026, 3, 20)
    assert ramp.status == "active"  # still the current plan until 20 March
    assert steps_of(ramp) == [*PAST, ("2026-03-09", "1.5", "bedtime"), ("2026-03-16", "2", "bedtime")]
    page = client.get(reverse("plan_manage", args=[alice.pk])).content.decode()
    assert 'data-testid="plan-state">ends on 20 Mar 2026' in page


def test_a_pause_stops_the_dose_on_those_days(client, alice, carol, ramp):
    client.force_login(carol.user)
    client.post(
        reverse("pause_new", args=[alice.pk]),
        {
            "patient_reason": "A reason.",
            "start_date": "2026-03-02",
            "end_date": "2026-03-04",
            "reason": "Surgery",
        },
    )
    assert LdnPause.objects.get().reason == "Surgery"
    client.force_login(alice.user)
    content = client.get(reverse("today")).content.decode()
    assert 'data-testid="todays-dose">No dose today' in content
    assert "LDN is paused until Wednesday 4 March (Surgery)" in content


def test_a_pause_recorded_afterwards_needs_its_reason_which_the_csv_and_the_log_keep(
    client, alice, carol, ramp
):
    client.force_login(carol.user)
    url = reverse("pause_new", args=[alice.pk])
    data = {
        "patient_reason": "A reason.",
        "start_date": "2026-02-27",
        "end_date": "2026-03-03",
        "reason": "Knee surgery",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "The first paused day is before today: say why" in field_errors(
        refused.content.decode(), "pause_late_reason"
    )
    assert not LdnPause.objects.exists()
    late = "Told at the visit"
    assert client.post(url, {**data, "late_reason": late}).status_code == 302
    assert LdnPause.objects.get().late_reason == late
    event = AuditEvent.objects.get(patient=alice, kind="ldn_paused")
    assert f"Recorded afterwards, on 2026-03-02: {late}" in event.summary
    page = client.get(reverse("plan_manage", args=[alice.pk])).content.decode()
    assert f"recorded afterwards, on 2 Mar 2026: {late}" in page
    csv_text = b"".join(
        client.get(
            reverse("patient_csv", args=[alice.pk]), {"start": "2026-02-26", "end": "2026-03-02"}
        ).streaming_content
    ).decode()
    rows = {row["date"]: row for row in csv.DictReader(io.StringIO(csv_text))}
    assert (rows["2026-02-26"]["paused"], rows["2026-02-26"]["pause_recorded_on"]) == ("", "")
    assert (rows["2026-02-27"]["paused"], rows["2026-02-27"]["pause_recorded_on"]) == ("yes", "2026-03-02")
    assert rows["2026-02-27"]["prescribed_dose_mg"] == ""


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "plan_step_back",
            {"patient_reason": "A reason.", "start_date": "2026-03-01", "shift_days": "0"},
            "cannot start in the past",
        ),
        (
            "plan_morning",
            {"patient_reason": "A reason.", "start_date": "2026-02-28"},
            "cannot start in the past",
        ),
        ("plan_end", {"patient_reason": "A reason.", "ended_on": "2026-03-02"}, "must be after today"),
        (
            "plan_end",
            {
                "patient_reason": "A reason.",
                "ended_on": "2026-03-20",
                "taper_mg": "3",
                "taper_from": "2026-03-10",
            },
            "must be lower than the dose before it",
        ),
        ("plan_hold", {"patient_reason": "A reason.", "days": "0"}, "greater than or equal to 1"),
        (
            "pause_new",
            {
                "patient_reason": "A reason.",
                "start_date": "2026-03-05",
                "end_date": "2026-03-04",
                "reason": "x",
            },
            "cannot be before",
        ),
    ],
)
def test_bad_changes_are_refused_with_a_reason(client, alice, carol, ramp, name, data, message):
    client.force_login(carol.user)
    before = steps_of(ramp)
    response = client.post(reverse(name, args=[alice.pk]), data)
    content = response.content.decode()
    assert response.status_code == 400
    assert message in content
    assert steps_of(ramp) == before
    assert kinds(alice) == []
    # The reason is the one thing focused when the page comes back.
    assert content.count("autofocus") == 1
    assert 'role="alert" tabindex="-1" autofocus' in content


def test_editing_a_future_step(client, alice, carol, ramp):
    client.force_login(carol.user)
    step = ramp.steps.get(start_date=D(2026, 3, 16))
    url = reverse("plan_step_edit", args=[alice.pk, step.pk])
    response = client.post(
        url, {"patient_reason": "A reason.", "dose_mg": "3", "timing": "bedtime", "note": ""}
    )
    # 1.5 → 3 is a step up of 1.5 mg: allowed without a warning.
    assert response.url == reverse("plan_manage", args=[alice.pk])
    step.refresh_from_db()
    assert step.dose_mg == Decimal("3")
    assert kinds(alice) == ["plan_changed"]

    response = client.post(
        url, {"patient_reason": "A reason.", "dose_mg": "3.5", "timing": "bedtime", "note": ""}
    )
    assert response.status_code == 400
    assert "larger than 1.5 mg" in response.content.decode()
    client.post(
        url,
        {
            "patient_reason": "A reason.",
            "dose_mg": "3.5",
            "timing": "bedtime",
            "note": "",
            "confirm_warnings": "on",
        },
    )
    step.refresh_from_db()
    assert step.dose_mg == Decimal("3.5")
    assert kinds(alice) == ["plan_changed", "warning_confirmed", "plan_changed"]


def test_a_future_step_is_made_every_other_day_and_an_unknown_frequency_is_refused(
    client, alice, carol, ramp
):
    client.force_login(carol.user)
    step = ramp.steps.get(start_date=D(2026, 3, 16))
    url = reverse("plan_step_edit", args=[alice.pk, step.pk])
    assert 'value="every_other_day"' in client.get(url).content.decode()
    fields = {"patient_reason": "A reason.", "dose_mg": str(step.dose_mg), "timing": "bedtime", "note": ""}
    refused = client.post(url, {**fields, "frequency": "weekly"})
    assert refused.status_code == 400
    assert "Choose every day or every other day." in refused.content.decode()
    step.refresh_from_db()
    assert step.frequency == "daily"
    client.post(url, {**fields, "frequency": "every_other_day"})
    step.refresh_from_db()
    assert step.frequency == "every_other_day"
    client.post(url, fields)  # an older form without the field keeps the frequency
    step.refresh_from_db()
    assert step.frequency == "every_other_day"


def test_a_started_step_is_not_edited_in_place(client, alice, carol, ramp):
    client.force_login(carol.user)
    step = ramp.steps.get(start_date=D(2026, 2, 23))
    url = reverse("plan_step_edit", args=[alice.pk, step.pk])
    assert "already started" in client.get(url).content.decode()
    response = client.post(
        url, {"patient_reason": "A reason.", "dose_mg": "0.5", "timing": "bedtime", "note": ""}
    )
    assert response.status_code == 400
    step.refresh_from_db()
    assert step.dose_mg == Decimal("1")
    assert kinds(alice) == []


# --- access ------------------------------------------------------------------------------------

POSTS = [
    ("screening", {"patient_reason": "A reason.", "start_date": "2026-03-02"}),
    ("plan_new", editor_data()),
    ("plan_hold", {"patient_reason": "A reason.", "days": "7"}),
    ("plan_step_back", {"patient_reason": "A reason.", "start_date": "2026-03-03", "shift_days": "0"}),
    ("plan_morning", {"patient_reason": "A reason.", "start_date": "2026-03-03"}),
    ("plan_end", {"patient_reason": "A reason.", "ended_on": "2026-03-20"}),
    (
        "pause_new",
        {"patient_reason": "A reason.", "start_date": "2026-03-05", "end_date": "2026-03-06", "reason": "x"},
    ),
]


@pytest.mark.parametrize(("name", "data"), POSTS)
def test_another_clinic_cannot_change_the_plan(client, alice, carol, charlie, ramp, name, data):
    client.force_login(charlie.user)
    before = steps_of(ramp)
    assert client.post(reverse(name, args=[alice.pk]), data).status_code == 404
    assert steps_of(ramp) == before
    assert kinds(alice) == []
    assert not LdnPause.objects.exists()
    assert Screening.objects.count() == 1


def test_another_clinic_cannot_edit_a_step(client, alice, charlie, ramp):
    step = ramp.steps.last()
    client.force_login(charlie.user)
    url = reverse("plan_step_edit", args=[alice.pk, step.pk])
    assert (
        client.post(url, {"patient_reason": "A reason.", "dose_mg": "1", "timing": "bedtime"}).status_code
        == 404
    )
    step.refresh_from_db()
    assert step.dose_mg == Decimal("2")


def test_a_step_of_another_patient_is_404(client, alice, bob, carol, ramp):
    bobs = make_plan(bob, carol, [(D(2026, 4, 1), "1")])
    client.force_login(carol.user)
    assert client.get(reverse("plan_step_edit", args=[alice.pk, bobs.steps.get().pk])).status_code == 404


@pytest.mark.parametrize("name", ["plan_hold", "plan_step_back", "plan_morning", "plan_end", "pause_new"])
def test_change_endpoints_refuse_get(client, alice, carol, name):
    client.force_login(carol.user)
    assert client.get(reverse(name, args=[alice.pk])).status_code == 405


@pytest.mark.parametrize("name", ["screening", "plan_new", "plan_manage"])
def test_pages_refuse_other_methods(client, alice, carol, name):
    client.force_login(carol.user)
    assert client.delete(reverse(name, args=[alice.pk])).status_code == 405


def test_patient_endpoints_refuse_wrong_methods(client, alice):
    client.force_login(alice.user)
    assert client.post(reverse("my_plan")).status_code == 405
    assert client.get(reverse("plan_acknowledge")).status_code == 405


# --- the patient's side ------------------------------------------------------------------


def test_patient_sees_the_plan_read_only(client, alice, carol, ramp):
    client.force_login(alice.user)
    content = client.get(reverse("my_plan")).content.decode()
    assert 'data-testid="todays-dose">1 mg at bedtime' in content
    assert "2 capsules = 1 mg" in content
    assert "Mon 9 Mar 2026" in content
    assert "Mon 16 Feb 2026" not in content  # past steps are left out
    assert "Edit" not in content
    assert "Save" not in content


def test_plan_change_notice_until_acknowledged(client, alice, carol, ramp):
    client.force_login(carol.user)
    client.post(reverse("plan_hold", args=[alice.pk]), {"patient_reason": "A reason.", "days": "7"})
    client.force_login(alice.user)
    assert 'data-testid="plan-notice"' in client.get(reverse("today")).content.decode()
    response = client.post(reverse("plan_acknowledge"), {"next": "/today/"})
    assert response.url == reverse("today")
    assert 'data-testid="plan-notice"' not in client.get(reverse("today")).content.decode()
    alice.refresh_from_db()
    assert alice.plan_acknowledged_at == NOW
    assert kinds(alice) == ["plan_changed", "plan_acknowledged"]
    # Acknowledging twice records nothing more.
    client.post(reverse("plan_acknowledge"))
    assert kinds(alice) == ["plan_changed", "plan_acknowledged"]
    client.force_login(carol.user)
    page = client.get(reverse("patient_detail", args=[alice.pk])).content.decode()
    assert "The patient saw the latest change on 2 Mar 2026" in page


def test_audit_timeline_lists_changes_in_order_with_who(client, alice, carol, ramp):
    client.force_login(carol.user)
    client.post(reverse("plan_hold", args=[alice.pk]), {"patient_reason": "A reason.", "days": "7"})
    client.post(
        reverse("plan_morning", args=[alice.pk]), {"patient_reason": "A reason.", "start_date": "2026-03-04"}
    )
    page = client.get(reverse("patient_detail", args=[alice.pk])).content.decode()
    timeline = page.split('data-testid="audit-timeline"', 1)[1]
    assert timeline.index("Hold:") < timeline.index("Timing:")
    assert "Carol Clinician" in timeline
