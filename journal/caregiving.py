"""Who may log for whom, and who logged an entry.

A patient logs their own entries. A caregiver — a parent of a child, a carer of a dependent
adult — logs for the one patient a clinician of that patient's clinic invited them for, until a
clinician revokes them. Nobody else logs for a patient: a clinician reads entries, never
writes them. Each entry keeps who saved it (`DailyEntry.logged_by`); an entry saved before
entries recorded it is the patient's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from journal.wording import Phrase, gettext_noop, phrase


class Logger(StrEnum):
    """Who saved an entry, as the clinic CSV's `logged_by` column writes it."""

    PATIENT = "patient"
    CAREGIVER = "caregiver"


@dataclass(frozen=True)
class Login:
    """What a login is, as far as logging goes."""

    active: bool = True  # a deactivated login logs for nobody
    own_patient: int | None = None  # the patient record that is this login's own
    cares_for: int | None = None  # the patient this login was invited to care for
    revoked: bool = False  # the caregiving was revoked by a clinician


def logs_for(login: Login) -> int | None:
    """The patient this login logs for, or None: a patient for themself, a caregiver for the
    patient they care for while not revoked."""
    if not login.active:
        return None
    if login.own_patient is not None:
        return login.own_patient
    if login.cares_for is not None and not login.revoked:
        return login.cares_for
    return None


def may_log_for(login: Login, patient: int) -> bool:
    return logs_for(login) == patient


def logger_of(logged_by: int | None, patient_login: int | None) -> Logger:
    """Who saved an entry, from the login that saved it and the patient's own login: the only
    other login that can (`may_log_for`) is the patient's caregiver."""
    if logged_by is None or logged_by == patient_login:
        return Logger.PATIENT
    return Logger.CAREGIVER


def logged_by_words(logger: Logger, caregiver_name: str) -> Phrase | None:
    """What the clinician reads beside an entry the caregiver saved; nothing for the patient's own."""
    if logger is Logger.PATIENT:
        return None
    return phrase(gettext_noop("logged by {name} (caregiver)"), name=caregiver_name)


def answered_by_words(logger: Logger, caregiver_name: str) -> Phrase | None:
    """What the clinician reads beside a questionnaire the caregiver answered (a proxy's view of
    the patient, not the patient's own); nothing for the patient's own answer."""
    if logger is Logger.PATIENT:
        return None
    return phrase(gettext_noop("answered by {name} (caregiver)"), name=caregiver_name)


def logging_for_words(patient_name: str) -> Phrase:
    """The banner on every page a caregiver opens."""
    return phrase(gettext_noop("Logging for {name}"), name=patient_name)
