"""Who may log for whom (journal.caregiving): a patient for themself, a caregiver for the one
patient they care for until revoked, nobody else; and who an entry says logged it."""

from __future__ import annotations

import pytest
from django.utils import translation

from journal.caregiving import (
    Logger,
    Login,
    answered_by_words,
    logged_by_words,
    logger_of,
    logging_for_words,
    logs_for,
    may_log_for,
)

MIA, OTHER = 7, 8


@pytest.mark.parametrize(
    ("login", "patient", "allowed"),
    [
        (Login(own_patient=MIA), MIA, True),  # a patient logs for themself
        (Login(own_patient=MIA), OTHER, False),  # … and for nobody else
        (Login(cares_for=MIA), MIA, True),  # a caregiver logs for the patient they care for
        (Login(cares_for=MIA), OTHER, False),  # … never another patient
        (Login(cares_for=MIA, revoked=True), MIA, False),  # revoked: no longer
        (Login(active=False, own_patient=MIA), MIA, False),  # a deactivated login logs for nobody
        (Login(active=False, cares_for=MIA), MIA, False),
        (Login(), MIA, False),  # a clinician or staff login: reads, never logs
    ],
)
def test_who_may_log_for_whom(login, patient, allowed):
    assert may_log_for(login, patient) is allowed


def test_a_login_logs_for_one_patient_at_most():
    assert logs_for(Login(cares_for=MIA)) == MIA
    assert logs_for(Login(cares_for=MIA, revoked=True)) is None
    assert logs_for(Login()) is None


@pytest.mark.parametrize(
    ("logged_by", "patient_login", "logger"),
    [
        (None, 3, Logger.PATIENT),  # saved before entries recorded who saved them
        (None, None, Logger.PATIENT),  # a patient without a login yet (imported rows)
        (3, 3, Logger.PATIENT),
        (4, 3, Logger.CAREGIVER),
        (4, None, Logger.CAREGIVER),  # a child who never signs in: every entry is the caregiver's
    ],
)
def test_who_logged_an_entry(logged_by, patient_login, logger):
    assert logger_of(logged_by, patient_login) is logger


def test_the_clinician_reads_who_logged_an_entry_in_their_language():
    assert logged_by_words(Logger.PATIENT, "Maria") is None
    words = logged_by_words(Logger.CAREGIVER, "Maria Parent")
    assert words == "logged by Maria Parent (caregiver)"  # kept in English
    with translation.override("es"):
        assert "Maria Parent" in str(words)
        assert str(words) != "logged by Maria Parent (caregiver)"


def test_the_clinician_reads_who_answered_a_questionnaire_for_the_patient():
    assert answered_by_words(Logger.PATIENT, "Maria") is None
    words = answered_by_words(Logger.CAREGIVER, "Maria Parent")
    assert words == "answered by Maria Parent (caregiver)"
    with translation.override("de"):
        assert "Maria Parent" in str(words) and str(words) != "answered by Maria Parent (caregiver)"


def test_the_caregivers_banner_names_the_patient():
    assert logging_for_words("Mia") == "Logging for Mia"
    with translation.override("de"):
        assert str(logging_for_words("Mia")) != "Logging for Mia"
