"""A patient's day in Spanish and in German, on a phone: sign in, Today, an entry with the dose
typed "1,5", the entry in History — with no English left on the way."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine

from journal.models import DailyEntry, DoseStep, User
from journal.services.plans import plan_hold
from tests.browser.conftest import screenshot
from tests.factories import make_clinic, make_clinician, make_patient, make_plan

# Whole words that would show an English string left on a patient's page.
ENGLISH = (
    "Today",
    "History",
    "Log out",
    "Save entry",
    "Your dose",
    "bedtime",
    "Dose",
    "entry",
    "Saved",
    "taken",
)


def english_left(text: str) -> list[str]:
    return [word for word in ENGLISH if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)]


@pytest.fixture(autouse=True)
def evening():
    """20:00 UTC (the patient's zone): clear of the midnight–4 am rule, under which Today offers
    last night's entry instead of today's (the live server runs in this process, so it sees the
    same clock)."""
    with time_machine.travel(dt.datetime(2026, 3, 20, 20, 0, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def patient(transactional_db):
    clinic = make_clinic("Clínica Browser")
    doctor = make_clinician(clinic, "drb")
    patient = make_patient(clinic, "paula", clinicians=(doctor,))
    today = patient.local_today()
    make_plan(patient, doctor, [(today - dt.timedelta(days=20), "1.5")])
    return patient


def phone_in(browser, live_server, language: str):
    """A phone whose browser asks for `language` first."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        base_url=live_server.url,
        locale=language,
        extra_http_headers={"Accept-Language": f"{language},en;q=0.5"},
    )
    return context, context.new_page()


def sign_in(page, username: str, username_label: str, password_label: str, button: str) -> None:
    page.goto("/login/")
    page.get_by_label(username_label).fill(username)
    page.get_by_label(password_label).fill("correct-horse-battery")
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def log_the_day_with_a_comma(page, yes: str, save: str, saved_text: str) -> None:
    page.locator("#field-dose_taken label", has_text=yes).click()
    dose = page.locator("details.dose-details")
    if dose.get_attribute("open") is None:  # folded under the plan's dose ("As planned: …")
        dose.locator("summary").click()
    page.locator("#id_dose_mg").fill("1,5")
    page.get_by_role("button", name=save).click()
    page.get_by_test_id("saved").wait_for()
    assert saved_text in page.get_by_test_id("saved").inner_text()


def test_a_patient_s_day_in_spanish_from_the_browser_s_language(browser, live_server, patient):
    context, page = phone_in(browser, live_server, "es")
    sign_in(page, "paula", "Usuario", "Contraseña", "Iniciar sesión")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_test_id("todays-dose").inner_text() == "1,5 mg al acostarse"
    body = page.locator("body").inner_text()
    assert "Su dosis de hoy" in body and english_left(body) == []
    screenshot(page, "i18n-es-today-journey")

    page.get_by_role("link", name="Registrar hoy").click()
    page.wait_for_url("**/entry/?date=*")
    assert english_left(page.locator("body").inner_text()) == []
    log_the_day_with_a_comma(page, "Sí", "Guardar registro", "Guardado")
    screenshot(page, "i18n-es-entry-saved")

    page.get_by_role("navigation", name="Principal").get_by_role("link", name="Historial").click()
    today = patient.local_today().isoformat()
    summary = page.get_by_test_id(f"entry-{today}").inner_text()
    assert "1,5 mg al acostarse" in summary
    assert english_left(page.locator("body").inner_text()) == []
    screenshot(page, "i18n-es-history")
    context.close()
    assert DailyEntry.objects.get(patient=patient).dose_mg == Decimal("1.5")


def test_a_patient_picks_german_and_logs_the_day_in_it(browser, live_server, patient):
    context, page = phone_in(browser, live_server, "en")
    sign_in(page, "paula", "Username", "Password", "Log in")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    page.get_by_label("Deutsch").check()
    page.get_by_role("button", name="Save language").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "de"
    assert User.objects.get(username="paula").language == "de"

    page.get_by_role("navigation", name="Hauptmenü").get_by_role("link", name="Heute").click()
    assert page.get_by_test_id("todays-dose").inner_text() == "1,5 mg zur Nacht"
    assert english_left(page.locator("body").inner_text()) == []
    screenshot(page, "i18n-de-today-journey")

    page.get_by_role("link", name="Heute eintragen").click()
    page.wait_for_url("**/entry/?date=*")
    assert english_left(page.locator("body").inner_text()) == []
    log_the_day_with_a_comma(page, "Ja", "Eintrag speichern", "Gespeichert")

    page.get_by_role("navigation", name="Hauptmenü").get_by_role("link", name="Verlauf").click()
    today = patient.local_today().isoformat()
    assert "1,5 mg zur Nacht" in page.get_by_test_id(f"entry-{today}").inner_text()
    assert english_left(page.locator("body").inner_text()) == []
    screenshot(page, "i18n-de-history")
    context.close()
    assert DailyEntry.objects.get(patient=patient).dose_mg == Decimal("1.5")


def test_a_spanish_patient_reads_the_change_to_their_plan_on_a_phone(browser, live_server, patient):
    """The clinician held the plan; the patient reads what changed, with its dates, in Spanish."""
    today = patient.local_today()
    doctor = patient.clinicians.get()
    plan = patient.plans.get()
    DoseStep.objects.create(plan=plan, start_date=today + dt.timedelta(days=5), dose_mg=Decimal("3"))
    plan_hold(
        plan=plan, clinician=doctor, days=7, today=today, patient_reason="Para que el sueño se asiente."
    )
    User.objects.filter(username="paula").update(language="es")
    context, page = phone_in(browser, live_server, "es")
    sign_in(page, "paula", "Usuario", "Contraseña", "Iniciar sesión")
    page.goto("/plan/")
    change = page.get_by_test_id("plan-change").inner_text()
    next_day = today + dt.timedelta(days=12)
    assert change.startswith("Pausa del aumento: el paso siguiente se retrasa 7 días, al ")
    assert str(next_day.year) in change and "-" not in change  # the date the reader's way, not ISO
    assert "Para que el sueño se asiente." in page.get_by_test_id("plan-notice").inner_text()
    assert english_left(page.locator("body").inner_text()) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "i18n-es-my-plan-change-360")
    context.close()
