import datetime as dt

from tests.browser.conftest import log_in, screenshot
from tests.factories import make_clinic, make_clinician, make_patient, make_plan


def test_patient_logs_in_and_sees_todays_dose(phone):
    clinic = make_clinic("Browser Clinic")
    doctor = make_clinician(clinic, "drb")
    patient = make_patient(clinic, "paula", clinicians=(doctor,))
    today = patient.local_today()
    make_plan(patient, doctor, [(today - dt.timedelta(days=20), "1.5"), (today - dt.timedelta(days=6), "3")])

    log_in(phone, "paula")

    assert phone.get_by_test_id("todays-dose").inner_text() == "3 mg at bedtime"
    screenshot(phone, "today-patient")


def test_clinician_sees_roster(desktop):
    clinic = make_clinic("Browser Clinic")
    doctor = make_clinician(clinic, "drb")
    make_patient(clinic, None, name="Quentin Roe", clinicians=(doctor,))
    log_in(desktop, "drb")
    assert desktop.get_by_role("row", name="Quentin Roe").is_visible()
    screenshot(desktop, "roster")
