"""The appointment summary prints to at most two pages, on A4 and on Letter, in headless
chromium; the PDFs and a print-media screenshot land in test-artifacts/screenshots/."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from journal.models import (
    Medication,
    Patient,
    PlanChangeNote,
    Question,
    Screening,
    SideEffectKind,
    SideEffectReport,
)
from journal.schedule import DAY
from tests.browser.conftest import SCREENSHOTS, log_in, screenshot
from tests.factories import make_clinic, make_clinician, make_entry, make_patient, make_plan

DEMO_PASSWORD = "ldn-demo-2026"


def busiest_patient() -> tuple[Patient, str]:
    """More than a clinic usually has on one patient: two plans and ten steps, every side
    effect kind in the last weeks, six symptoms, five medicines, a long screening note."""
    clinic = make_clinic("Print Clinic", time_zone="Europe/London")
    doctor = make_clinician(clinic, "drprint")
    symptoms = ("Pain", "Fatigue", "Brain fog", "Joint stiffness", "Energy", "Mood")
    patient = make_patient(
        clinic,
        None,
        name="Petra Longfellow-Stevenson",
        code="PRT-001",
        clinicians=(doctor,),
        symptoms=symptoms,
        time_zone="Europe/London",
    )
    today = patient.local_today()
    first = today - 170 * DAY
    make_plan(
        patient, doctor, [(first, "0.5"), (first + 14 * DAY, "1")], status="ended", ended_on=first + 30 * DAY
    )
    make_plan(
        patient,
        doctor,
        [
            (first + 30 * DAY + n * 14 * DAY, dose)
            for n, dose in enumerate(("1", "1.5", "2", "2.5", "3", "3.5", "4", "4.5"))
        ],
    )
    Screening.objects.create(
        patient=patient,
        screened_by=doctor,
        thyroid_medication=True,
        immunosuppressants_or_transplant=True,
        opioid_use_last_14_days=True,
        opioid_names="tramadol",
        opioid_stopped_on=first - 20 * DAY,
        notes="Long-standing fibromyalgia and Hashimoto's. " * 6,
    )
    for name in ("Levothyroxine", "Sertraline", "Vitamin D", "Magnesium", "Methotrexate"):
        Medication.objects.create(patient=patient, name=name, dose_text="as prescribed")
    for offset in range(-7, 171):
        day = first + offset * DAY
        entry = make_entry(
            patient,
            day,
            scores=dict.fromkeys(symptoms, offset // 20 % 11),
            sleep_quality=5,
            notes="Tired after work" if offset % 9 == 0 else "",
        )
        if offset > 140:
            kind = SideEffectKind.values[offset % len(SideEffectKind.values)]
            text = "dry mouth and a metallic taste" if kind == "other" else ""
            SideEffectReport.objects.create(entry=entry, kind=kind, severity="moderate", other_text=text)
    Patient.objects.filter(pk=patient.pk).update(date_of_birth=dt.date(1970, 3, 4))
    long = "Could the vivid dreams and the early waking be from the last step up, and should I wait? " * 5
    for n in range(4):  # the summary lists the newest of each, each text cut at 60 characters
        PlanChangeNote.objects.create(patient=patient, written_by=doctor, change="Hold", reason=long[:300])
        question = Question.objects.create(patient=patient, topic="plan", text=long[:500])
        if n % 2:
            question.answer, question.answered_by, question.answered_at = long, doctor, question.asked_at
            question.save()
    return patient, "drprint"


def demo_patient(username: str) -> tuple[Patient, str]:
    call_command("seed_demo", stdout=io.StringIO())
    patient = Patient.objects.get(user__username=username)
    return patient, patient.clinicians.first().user.username


@pytest.mark.parametrize("who", ["anna", "isla", "busiest"])
def test_the_summary_prints_on_at_most_two_pages(desktop, who):
    patient, clinician = busiest_patient() if who == "busiest" else demo_patient(who)
    password = "correct-horse-battery" if who == "busiest" else DEMO_PASSWORD
    log_in(desktop, clinician, password)

    desktop.goto(f"/clinic/patients/{patient.pk}/summary/")
    assert desktop.get_by_role("heading", name=f"Appointment summary: {patient.name}").is_visible()
    assert desktop.get_by_role("button", name="Print").is_visible()  # shown by its script
    desktop.locator(".print-chart .main-svg").first.wait_for()  # plotly has drawn the chart

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for paper in ("A4", "Letter"):
        pdf = desktop.pdf(format=paper, print_background=True)
        (SCREENSHOTS / f"summary-{who}-{paper}.pdf").write_bytes(pdf)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        assert 1 <= pages <= 2, f"{paper}: {pages} pages"
    desktop.emulate_media(media="print")
    assert not desktop.get_by_role("button", name="Print").is_visible()
    screenshot(desktop, f"summary-{who}-print")


def test_the_summary_reads_on_a_phone(phone):
    patient, clinician = busiest_patient()
    log_in(phone, clinician)
    phone.goto(f"/clinic/patients/{patient.pk}/summary/")
    assert phone.get_by_role("heading", name="Response").is_visible()
    phone.locator(".print-chart .main-svg").first.wait_for()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways ({width} px)"
    screenshot(phone, "summary-phone")
