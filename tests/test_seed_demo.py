import datetime as dt
import io

from django.core.management import call_command

from journal.models import AuditEvent, Clinician, DailyEntry, ExportJob, Patient, Screening, SideEffectReport
from journal.selectors.questionnaires import due_questionnaire
from journal.selectors.records import safety_of, schedule_of
from journal.selectors.roster import roster_rows
from journal.services.exports import export_job_request, export_job_run, export_path

TODAY = dt.date(2026, 11, 21)


def seed(**options):
    call_command("seed_demo", today=TODAY, stdout=io.StringIO(), **options)


def test_seed_demo_builds_the_clinic_and_runs_twice(db):
    seed()
    seed()  # second run leaves the clinic as it is
    assert Patient.objects.count() == 36
    assert Clinician.objects.filter(is_clinic_admin=True).count() == 1
    assert Clinician.objects.count() == 3
    seed(reset=True)
    assert Patient.objects.count() == 36


def test_seed_demo_tells_realistic_stories(db):
    seed()
    anna = Patient.objects.get(user__username="anna")
    doses = schedule_of(anna).effective
    first_dose = doses[0].start_date
    assert str(doses[0].dose_mg) == "1.500"
    assert str(doses[-1].dose_mg) == "4.500"
    # A baseline week before the first dose.
    assert anna.entries.filter(entry_date__lt=first_dose).count() >= 5
    # One patient moved to a morning dose; one is still in the baseline week.
    isla = Patient.objects.get(user__username="isla")
    assert schedule_of(isla).effective[-1].timing == "morning"
    ravi = Patient.objects.get(user__username="ravi")
    assert schedule_of(ravi).first_dose > TODAY
    # Missed days and side effects exist.
    assert DailyEntry.objects.filter(dose_taken=False, entry_date__gte=first_dose).exists()
    assert SideEffectReport.objects.filter(entry__patient=anna).exists()
    # Every entry has its first version on record, so later edits show what changed.
    assert DailyEntry.history.filter(patient=anna).count() == anna.entries.count()


def test_harrys_labs_tell_his_thyroid_story(db):
    """Harry, with Hashimoto's on levothyroxine: his TSH falls from the top of the laboratory's
    range to below it over his months on LDN while free T4 climbs, and the advice asks for a
    review of the replacement dose."""
    seed()
    harry = Patient.objects.get(user__username="harry")
    first_dose = schedule_of(harry).first_dose
    results = harry.lab_results.order_by("sampled_on", "test__name")
    tsh = [(row.sampled_on - first_dose).days for row in results if row.test.key == "tsh"]
    assert tsh == [-12, 58, 103]
    assert [str(row.value.normalize()) for row in results if row.test.key == "tsh"] == ["3.8", "1.9", "0.3"]
    assert [str(row.value.normalize()) for row in results if row.test.key == "free_t4"] == [
        "13.1",
        "16.4",
        "21.7",
    ]
    assert {row.laboratory for row in results} == {"Riverside Pathology"}
    assert AuditEvent.objects.filter(patient=harry, kind=AuditEvent.Kind.LAB_RESULT_RECORDED).count() == 8
    (row,) = [row for row in roster_rows(Patient.objects.all()) if row.patient == harry]
    (card,) = [card for card in row.assessment.open_cards if card.key.startswith("thyroid_review:tsh:")]
    assert card.title == "TSH falling on thyroid hormone replacement"


def test_seed_demo_is_deterministic(db):
    seed()
    first = list(
        DailyEntry.objects.order_by("patient__name", "entry_date").values_list("sleep_quality", flat=True)
    )
    seed(reset=True)
    again = list(
        DailyEntry.objects.order_by("patient__name", "entry_date").values_list("sleep_quality", flat=True)
    )
    assert first == again


def test_the_demo_screenings_answer_what_each_medication_list_says(db):
    """Liam stopped tramadol ten days before his screening: it is answered as opioid use, with
    its last dose, and his safety state notes the washout; Harry's levothyroxine ticks thyroid
    medication; nobody else's screening says yes to anything."""
    seed()
    liam = Patient.objects.get(user__username="liam")
    screening = liam.screenings.get()
    first_dose = schedule_of(liam).doses[0].start_date
    assert (screening.opioid_use_last_14_days, screening.opioid_names, screening.opioid_stopped_on) == (
        True,
        "Tramadol 50 mg",
        first_dose - dt.timedelta(days=20),
    )
    assert [str(finding.message) for finding in safety_of(liam).findings] == [
        f"Tramadol 50 mg: last dose on {first_dose - dt.timedelta(days=20)}, 20 days before the start date."
    ]
    assert Patient.objects.get(user__username="harry").screenings.get().thyroid_medication
    others = Screening.objects.exclude(patient__user__username__in=["liam", "harry"])
    assert not others.filter(opioid_use_last_14_days=True).exists()
    assert not others.filter(thyroid_medication=True).exists()


def test_the_demo_shows_an_opioid_added_mid_treatment(db, time_machine):
    """Victor, on LDN since day 1, lists tramadol today (started on day 151): his safety state
    blocks, he is told not to take LDN with it, the roster raises the alert, an advice card
    appears and the audit log has the row."""
    time_machine.move_to(dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC), tick=False)
    seed()
    victor = Patient.objects.get(user__username="victor")
    safety = safety_of(victor)
    assert [finding.code for finding in safety.alerts] == ["opioid_with_ldn"]
    assert safety.notice_for_patient.startswith("Do not take LDN together with Tramadol 50 mg")
    (row,) = [row for row in roster_rows(Patient.objects.all()) if row.patient == victor]
    assert [finding.code for finding in row.alerts] == ["opioid_with_ldn"]
    assert "safety_alert" in [card.rule for card in row.assessment.open_cards]
    (event,) = AuditEvent.objects.filter(patient=victor, kind=AuditEvent.Kind.MEDICATION_ADDED)
    assert event.summary.startswith("Tramadol 50 mg added to the medication list by the patient.")
    assert "blocks LDN" in event.summary


def test_the_demo_logins_sign_in_with_a_password_alone_and_say_how_to_try_two_factor(client, db):
    from django.urls import reverse

    from journal.management.commands.seed_demo import DEMO_PASSWORD

    output = io.StringIO()
    call_command("seed_demo", today=TODAY, stdout=output)
    assert "To try it, sign in, open Account and set it up with any authenticator app" in output.getvalue()
    client.post(reverse("login"), {"username": "dr.rivera", "password": DEMO_PASSWORD})
    assert client.get(reverse("roster")).status_code == 200


def test_a_reset_removes_the_demos_clinic_exports_and_their_files(db):
    seed()
    rivera = Clinician.objects.get(user__username="dr.rivera")
    job = export_job_request(clinician=rivera, patient_ids=[], first=TODAY, last=TODAY, byte_order_mark=False)
    export_job_run(job_id=job.pk)
    assert export_path(job).exists()
    seed(reset=True)
    assert not ExportJob.objects.exists()
    assert not export_path(job).exists()


def test_the_demo_pgic_answers_follow_each_patients_course(db):
    """Each demo patient answered the PGIC at the occasions that opened, in words that follow
    their story: no change while the scores are flat, better as they improve; Jack's week 8 is
    still open and unanswered, so the demo shows a patient being asked."""
    seed()

    def answers(username):
        patient = Patient.objects.get(user__username=username)
        return [(a.occasion, a.score) for a in patient.questionnaire_answers.order_by("answered_on")]

    assert answers("anna") == [("week-8", 4), ("week-13", 2)]  # a responder: much improved at 3 months
    assert answers("daniel") == [("week-8", 4), ("week-13", 4)]  # the non-responder: no change
    assert answers("sofia") == []  # in her first week
    jack = Patient.objects.get(user__username="jack")
    assert answers("jack") == []
    due = due_questionnaire(jack, schedule_of(jack), TODAY)
    assert due is not None and due.occasion.key == "week-8"
    responders = Patient.objects.filter(
        questionnaire_answers__occasion="week-13", questionnaire_answers__score__lte=2
    )
    non_responders = Patient.objects.filter(
        questionnaire_answers__occasion="week-13", questionnaire_answers__score__gte=4
    )
    assert {p.user.username for p in responders} >= {"anna", "ben", "liam"}
    assert {p.user.username for p in non_responders} >= {"daniel", "grace"}


def test_the_demo_has_a_child_with_a_weight_and_a_symptom_added_later(db):
    from journal.growth import age_in_years
    from journal.selectors.records import patient_overview

    seed()
    mia = Patient.objects.get(user__username="mia")
    assert age_in_years(mia.date_of_birth, TODAY) == 10
    assert [str(weight.weight_kg) for weight in mia.weights.all()] == ["31.8", "31.1", "30.2"]
    mood = next(item for item in patient_overview(mia).assessment.responses if item.measure.name == "Mood")
    first_dose = schedule_of(mia).effective[0].start_date
    assert mood.response.own_baseline_from == first_dose + dt.timedelta(days=40)
    assert mood.response.baseline_entries >= 4


def test_the_demo_clinics_outcomes_have_data_for_every_figure_and_a_group_too_small_to_show(db):
    """Groups of five or more by condition and dose, patients who stopped with their reasons
    (one reason shared by five, the rest counted together), patients who log less."""
    from journal.models import Clinic
    from journal.outcomes import clinic_outcomes
    from journal.selectors.outcomes import CohortFilter, outcome_cohort

    seed()
    demo = Clinic.objects.get()
    outcomes = clinic_outcomes(outcome_cohort(Patient.objects.filter(clinic=demo), CohortFilter()))
    for _window, rows in (*outcomes.rates_by_condition, *outcomes.rates_by_dose):
        shown = [row for row in rows[1:] if not row.suppressed]
        assert len(shown) >= 2 and any(row.suppressed for row in rows)
    assert sum(month.stopped for month in outcomes.survival[-1:]) >= 5
    assert any(month.still_on is not None and month.still_on < 1 for month in outcomes.survival)
    reasons = {str(row.group): row.patients for row in outcomes.stop_reasons}
    assert reasons == {
        "No benefit after a fair trial: stopping, as we agreed.": 5,
        "Other reasons, each given for fewer than 5 patients": 2,
    }
    assert [row for row in outcomes.side_effects[1:] if not row.suppressed]
    everyone = outcomes.adherence[0]
    assert everyone.bands[1] and everyone.bands[2]  # someone logs 50–79 %, someone under half
    hana = Patient.objects.get(user__username="hana")
    assert schedule_of(hana).phase(TODAY) == "ended"
