"""The records every payload meets, the Hypothesis profiles, and the figures printed at the end.

FUZZ_PROFILE=hunt (15 times the examples, new ones each run) is for looking for new failures
by hand; CI runs the fixed, reproducible default."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, Phase, settings

from journal.models import (
    ApiToken,
    Caregiver,
    Clinic,
    Clinician,
    DoseStep,
    Medication,
    Patient,
    Question,
    TitrationPlan,
)
from journal.safety import ScreeningAnswers
from journal.schedule import DAY
from journal.selectors.records import patient_overview
from journal.services.api_tokens import api_token_create
from journal.services.clinic import clinician_add
from journal.services.invitations import invitation_create
from journal.services.plans import screening_record
from tests.factories import log_days, make_caregiver, make_patient, make_plan

settings.register_profile(
    "fuzz",
    max_examples=18,
    deadline=None,
    derandomize=True,  # the same payloads on every run: CI is reproducible
    database=None,  # nothing written to .hypothesis/
    # A payload never fails the example: every one is sent and each failure is kept with the
    # shortest payload that made it (tests/fuzz/harness.py), so there is nothing to shrink.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
settings.register_profile("hunt", parent=settings.get_profile("fuzz"), max_examples=270, derandomize=False)
PROFILE = settings.get_profile(os.environ.get("FUZZ_PROFILE", "fuzz"))


@dataclass
class World:
    """Clinic A's people (tests/conftest.py) and what the forms act on: Alice's active plan
    with a future step and a medicine, and Nina, invited without a login yet, screened, with
    no plan (the plan editor's patient)."""

    clinic: Clinic
    carol: Clinician
    ada: Clinician
    alice: Patient
    nina: Patient
    today: dt.date
    plan: TitrationPlan
    future_step: DoseStep
    medication: Medication
    invitation_token: str
    new_clinician_link: tuple[str, str]
    advice_keys: list[str]
    question: Question
    api_token: ApiToken
    api_secret: str
    caregiver: Caregiver  # Alice's, signed up

    def user(self, role: str):
        return {"alice": self.alice.user, "carol": self.carol.user, "ada": self.ada.user}.get(role)


@pytest.fixture
def world(clinic, carol, ada, alice) -> World:
    today = alice.local_today()
    plan = make_plan(
        alice,
        carol,
        [
            (today - 40 * DAY, "0.5"),
            (today - 20 * DAY, "1.5"),
            (today + 10 * DAY, "3"),
            (today + 30 * DAY, "4.5"),
        ],
    )
    log_days(alice, today - 21 * DAY, today - DAY)
    medication = Medication.objects.create(patient=alice, name="Levothyroxine", started_on=today - 100 * DAY)
    nina = make_patient(clinic, name="Nina", clinicians=(carol,), time_zone="Europe/London")
    screening_record(
        patient=nina,
        clinician=carol,
        answers=ScreeningAnswers(yes=frozenset()),
        start_date=today,
        today=today,
    )
    made = api_token_create(admin=ada, name="EHR import", days=30)
    _, link = clinician_add(
        admin=ada, first_name="Dana", last_name="New", username="dana", email="", is_clinic_admin=False
    )
    return World(
        clinic=clinic,
        carol=carol,
        ada=ada,
        alice=alice,
        nina=nina,
        today=today,
        plan=plan,
        future_step=plan.steps.get(start_date=today + 10 * DAY),
        medication=medication,
        invitation_token=invitation_create(patient=nina, clinician=carol),
        new_clinician_link=link,
        advice_keys=[card.key for card in patient_overview(alice).assessment.open_cards],
        question=Question.objects.create(patient=alice, topic="general", text="Is a headache normal?"),
        api_token=made.token,
        api_secret=made.secret,
        caregiver=make_caregiver(alice, carol, "gina"),
    )
