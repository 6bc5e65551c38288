"""Build the demo clinic: clinicians, a clinic admin and about 20 patients with up to six
months of realistic journal entries. Deterministic for a given seed and date.

The stories follow DOMAIN.md: a baseline week before the first dose, plans stepping up
from 0.5–1.5 mg towards 3–4.5 mg, side effects that follow step-ups and fade within about
two weeks, responders whose scores fall after 8–10 weeks, flat non-responders, one patient
moved to a morning dose after insomnia, missed days, and a thyroid patient whose TSH falls
below the laboratory's range on levothyroxine.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from journal import plan_changes, questionnaires
from journal.append_only import lifted
from journal.models import (
    AccessEvent,
    AuditEvent,
    Caregiver,
    Clinic,
    Clinician,
    Condition,
    DailyEntry,
    DoseStep,
    Filler,
    Frequency,
    LabTest,
    Medication,
    Patient,
    PlanChangeNote,
    Questionnaire,
    QuestionnaireAnswer,
    Screening,
    SideEffectKind,
    SideEffectReport,
    Symptom,
    SymptomScore,
    SymptomTracking,
    Timing,
    TitrationPlan,
    User,
    WeightMeasurement,
)
from journal.safety import prefill_screening
from journal.schedule import PlannedStep, PlanRecord, Schedule
from journal.selectors.questionnaires import current_versions
from journal.selectors.records import medication_periods_for
from journal.services.exports import export_path
from journal.services.labs import lab_result_record
from journal.services.medications import medication_add
from journal.services.operations import journal_statistics_refresh
from journal.services.snapshots import snapshots_refresh
from journal.titration import generate_steps

DEMO_CLINIC = "Riverside LDN Clinic"
DEMO_PASSWORD = "ldn-demo-2026"
CLINIC_TZ = "Europe/London"
DEMO_STAFF = (  # (role, username, first name, last name)
    ("clinician", "dr.rivera", "Sam", "Rivera"),
    ("clinician", "dr.chen", "Lin", "Chen"),
    ("clinic admin", "admin.okafor", "Ada", "Okafor"),
)


@dataclass(frozen=True)
class Story:
    """One demo patient's course."""

    first_name: str
    last_name: str
    condition: str
    symptoms: tuple[str, ...]
    day_on_ldn: int  # today's day on LDN; negative = first dose still ahead
    ramp: tuple[str, str, str, int]  # start mg, increment mg, target mg, days between steps
    response: float  # fraction of the baseline gap that closes by month 4 (0 = flat)
    clinician: int  # 0 or 1
    time_zone: str = CLINIC_TZ
    morning_switch: bool = False
    # Daytime tiredness on the top dose: this many days after the first dose, the step before
    # it is taken again, every other day (a patient report in [000]).
    every_other_day_from: int | None = None
    form: str = "capsule"  # "cream": measured in clicks of its pump, 0.5 mg a click
    # What the pharmacy dispensed: (this many days from the first dose, capsules or clicks).
    supply: tuple[int, int] | None = None
    missed_rate: float = 0.06
    sensitive: bool = False  # more side effects after step-ups
    # (name, dose text, started, last taken): days from the first dose; None = not given / still taken.
    medications: tuple[tuple[str, str, int | None, int | None], ...] = field(default=())
    # Medicines the patient adds to their list today, started this many days after the first dose.
    added_today: tuple[tuple[str, str, int], ...] = field(default=())
    # Lab results recorded by the prescriber: (test key, sampled this many days from the first
    # dose, value, the laboratory's range low, high), in the catalogue's unit.
    labs: tuple[tuple[str, int, str, str, str], ...] = field(default=())
    age: int | None = None  # a child's age in years today; None: an adult born 1960–1994
    # Weights the clinician measured: (days from the first dose, kg).
    weights: tuple[tuple[int, str], ...] = field(default=())
    # A symptom the clinician began tracking this many days after the first dose: scored from
    # then on, against its own first week (journal.response).
    added_symptom: tuple[str, int] | None = None
    # A caregiver who logs the patient's entries (a parent of a child): (username, first, last name).
    caregiver: tuple[str, str, str] | None = None
    # Stopped LDN: the plan ended this many days after the first dose, with the reason told.
    stopped: tuple[int, str] | None = None
    logged_rate: float = 1.0  # the share of days the patient opens the diary at all


RAMPS = {"slow": ("1.5", "1.5", "4.5", 14), "gentle": ("0.5", "0.5", "3", 7)}
NO_BENEFIT = "No benefit after a fair trial: stopping, as we agreed."
DREAMS = "Vivid dreams that did not settle on a lower dose or in the morning."

STORIES = (
    Story(
        "Anna",
        "Baker",
        "Fibromyalgia",
        ("Pain", "Fatigue", "Brain fog"),
        150,
        ("1.5", "1.5", "4.5", 14),
        0.55,
        0,
    ),
    Story(
        "Ben",
        "Carter",
        "Crohn's disease",
        ("Abdominal pain", "Bowel urgency", "Fatigue"),
        170,
        ("1.5", "1.5", "4.5", 14),
        0.65,
        0,
    ),
    Story(
        "Chloe",
        "Davies",
        "Long COVID",
        ("Fatigue", "Brain fog", "Energy"),
        120,
        ("0.5", "0.5", "3", 7),
        0.45,
        0,
        sensitive=True,
    ),
    Story(
        "Daniel",
        "Evans",
        "Multiple sclerosis",
        ("Fatigue", "Numbness or tingling"),
        160,
        ("1.5", "1.5", "4.5", 14),
        0.0,
        0,
    ),
    Story(
        "Ella",
        "Foster",
        "ME/CFS",
        ("Fatigue", "Brain fog", "Pain"),
        95,
        ("0.5", "0.25", "1.5", 14),
        0.35,
        0,
        sensitive=True,
    ),
    Story(
        "Finn",
        "Green",
        "Rheumatoid arthritis",
        ("Pain", "Joint stiffness", "Fatigue"),
        175,
        ("1.5", "1.5", "4.5", 14),
        0.6,
        1,
        time_zone="America/Los_Angeles",
    ),
    Story(
        "Grace",
        "Hughes",
        "Fibromyalgia",
        ("Pain", "Fatigue", "Mood"),
        130,
        ("1.5", "1.5", "4.5", 14),
        0.0,
        1,
        missed_rate=0.35,
    ),
    Story(
        "Harry",
        "Irwin",
        "Hashimoto's thyroiditis",
        ("Fatigue", "Brain fog", "Energy"),
        110,
        ("1", "0.5", "3", 14),
        0.5,
        1,
        medications=(("Levothyroxine", "75 mcg daily", -400, None),),
        # Hashimoto's on levothyroxine: as LDN calms the thyroiditis, TSH falls from the top of
        # the range to below it and free T4 climbs, so the replacement dose may now be too high.
        labs=(
            ("tsh", -12, "3.8", "0.4", "4.0"),
            ("free_t4", -12, "13.1", "12", "22"),
            ("tpo_antibodies", -12, "420", "0", "34"),
            ("tsh", 58, "1.9", "0.4", "4.0"),
            ("free_t4", 58, "16.4", "12", "22"),
            ("tsh", 103, "0.3", "0.4", "4.0"),
            ("free_t4", 103, "21.7", "12", "22"),
            ("tpo_antibodies", 103, "265", "0", "34"),
        ),
    ),
    Story(
        "Isla",
        "Jones",
        "Fibromyalgia",
        ("Pain", "Fatigue"),
        140,
        ("1.5", "1.5", "4.5", 14),
        0.5,
        1,
        morning_switch=True,
    ),
    Story(
        "Jack",
        "King",
        "Ulcerative colitis",
        ("Abdominal pain", "Bowel urgency"),
        60,
        ("1.5", "1.5", "4.5", 14),
        0.4,
        0,
    ),
    Story("Keira", "Lewis", "Psoriasis", ("Itch", "Joint stiffness"), 45, ("0.5", "0.5", "3", 7), 0.3, 1),
    Story(
        "Liam",
        "Morris",
        "CRPS",
        ("Pain", "Mood"),
        180,
        ("1.5", "1.5", "4.5", 14),
        0.7,
        0,
        time_zone="Pacific/Auckland",
        medications=(("Tramadol 50 mg", "as needed", -400, -20),),
    ),
    Story(
        "Maya",
        "Nolan",
        "Long COVID",
        ("Fatigue", "Energy", "Brain fog"),
        20,
        ("0.5", "0.5", "3", 7),
        0.0,
        1,
        sensitive=True,
    ),
    Story(
        "Noah",
        "Owen",
        "Neuropathic pain",
        ("Pain", "Numbness or tingling"),
        100,
        ("1.5", "1.5", "4.5", 14),
        0.1,
        0,
    ),
    Story(
        "Olivia",
        "Price",
        "Lupus",
        ("Pain", "Fatigue", "Joint stiffness"),
        165,
        ("1.5", "1.5", "4.5", 14),
        0.45,
        1,
    ),
    Story("Priya", "Quinn", "IBS", ("Abdominal pain", "Bowel urgency"), 75, ("1", "0.5", "3", 14), 0.5, 0),
    Story("Ravi", "Shah", "Fibromyalgia", ("Pain", "Fatigue", "Mood"), -4, ("1.5", "1.5", "4.5", 14), 0.0, 1),
    Story(
        "Sofia",
        "Turner",
        "Eczema",
        ("Itch",),
        5,
        ("0.5", "0.5", "3", 7),
        0.0,
        0,
        form="cream",
        supply=(0, 60),
    ),
    Story(
        "Tom",
        "Walsh",
        "Depression (adjunct)",
        ("Mood", "Energy", "Fatigue"),
        88,
        ("1.5", "1.5", "4.5", 14),
        0.15,
        1,
        every_other_day_from=60,
        supply=(60, 30),  # 30 capsules of 1.5 mg: 15 doses of 3 mg every other day, 30 days
    ),
    Story(
        "Uma",
        "Young",
        "POTS",
        ("Fatigue", "Brain fog"),
        125,
        ("1.5", "1.5", "4.5", 14),
        0.5,
        0,
        missed_rate=0.12,
    ),
    Story(
        "Victor",
        "Ward",
        "Fibromyalgia",
        ("Pain", "Fatigue"),
        155,
        ("1.5", "1.5", "4.5", 14),
        0.4,
        0,
        added_today=(("Tramadol 50 mg", "for back pain, up to 4 a day", 151),),
    ),
    Story(
        "Mia",
        "Evans",
        "Crohn's disease",
        ("Abdominal pain", "Fatigue"),
        110,
        ("0.5", "0.5", "2", 14),
        0.5,
        0,
        age=10,
        form="cream",  # a child who cannot swallow capsules yet: clicks of a pump, in the evening
        weights=((-10, "30.2"), (60, "31.1"), (105, "31.8")),
        added_symptom=("Mood", 40),
        caregiver=("maria.parent", "Maria", "Evans"),
    ),
    *(
        # The rest of the clinic, for its outcomes page: groups of five or more by condition and
        # by dose, patients who log less, and patients who stopped LDN with the reason told.
        Story(first, last, condition, symptoms, days, RAMPS[ramp], response, clinician, **more)
        for first, last, condition, symptoms, days, ramp, response, clinician, more in (
            ("Aaron", "Bell", "Fibromyalgia", ("Pain", "Fatigue"), 170, "slow", 0.5, 0, {}),
            ("Bella", "Cross", "Fibromyalgia", ("Pain", "Fatigue", "Mood"), 160, "gentle", 0.4, 1, {}),
            (
                "Caleb",
                "Dunn",
                "Fibromyalgia",
                ("Pain", "Brain fog"),
                150,
                "slow",
                0.05,
                0,
                {"logged_rate": 0.6},
            ),
            (
                "Dora",
                "Ellis",
                "Crohn's disease",
                ("Abdominal pain", "Bowel urgency"),
                165,
                "slow",
                0.6,
                1,
                {},
            ),
            ("Evan", "Frost", "Crohn's disease", ("Abdominal pain", "Fatigue"), 145, "gentle", 0.35, 0, {}),
            (
                "Fay",
                "Gill",
                "Crohn's disease",
                ("Abdominal pain", "Fatigue"),
                155,
                "slow",
                0.0,
                1,
                {"logged_rate": 0.4},
            ),
            (
                "Gabe",
                "Hart",
                "Crohn's disease",
                ("Abdominal pain", "Bowel urgency"),
                130,
                "gentle",
                0.5,
                0,
                {},
            ),
            (
                "Hana",
                "Ives",
                "Fibromyalgia",
                ("Pain", "Fatigue"),
                175,
                "slow",
                0.0,
                0,
                {"stopped": (110, NO_BENEFIT)},
            ),
            (
                "Ivan",
                "Judd",
                "Crohn's disease",
                ("Abdominal pain",),
                170,
                "gentle",
                0.05,
                1,
                {"stopped": (120, NO_BENEFIT)},
            ),
            (
                "Jade",
                "Kerr",
                "Long COVID",
                ("Fatigue", "Brain fog"),
                160,
                "slow",
                0.0,
                0,
                {"stopped": (95, NO_BENEFIT)},
            ),
            (
                "Kurt",
                "Lamb",
                "Multiple sclerosis",
                ("Fatigue",),
                150,
                "slow",
                0.0,
                1,
                {"stopped": (130, NO_BENEFIT)},
            ),
            (
                "Lena",
                "Marsh",
                "Fibromyalgia",
                ("Pain", "Mood"),
                140,
                "slow",
                0.1,
                0,
                {"stopped": (100, NO_BENEFIT)},
            ),
            (
                "Milo",
                "Nash",
                "IBS",
                ("Abdominal pain",),
                120,
                "gentle",
                0.0,
                1,
                {"stopped": (40, DREAMS), "sensitive": True},
            ),
            (
                "Nell",
                "Oakes",
                "Psoriasis",
                ("Itch",),
                90,
                "gentle",
                0.2,
                0,
                {"stopped": (30, "Moved to another clinic.")},
            ),
        )
    ),
)

SIDE_EFFECT_KINDS = (
    SideEffectKind.VIVID_DREAMS,
    SideEffectKind.INSOMNIA,
    SideEffectKind.HEADACHE,
    SideEffectKind.NAUSEA,
)
BASELINE_DAYS = 7
MORNING_SWITCH_AFTER_DAYS = 12
MAX_HISTORY_DAYS = 182
USUAL_CLOCK_TIME = {"bedtime": dt.time(22, 30), "morning": dt.time(8, 0), "evening": dt.time(19, 30)}


def ramp_steps(start: dt.date, ramp: tuple[str, str, str, int]) -> list[tuple[dt.date, Decimal]]:
    start_mg, increment, target = (Decimal(value) for value in ramp[:3])
    return generate_steps(start, start_mg, increment, ramp[3], target)


class DemoBuilder:
    def __init__(self, seed: int, today: dt.date):
        # Every demo login has the same password: hashed once (a hash takes about a second on a
        # busy machine, which made most of the seed's time), stored for each user.
        self.password = make_password(DEMO_PASSWORD)
        self.rng = random.Random(seed)
        self.today = today
        self.symptoms = {s.name: s for s in Symptom.objects.filter(clinic=None)}
        self.conditions = {c.name: c for c in Condition.objects.filter(clinic=None)}

    def build(self) -> None:
        clinic = Clinic.objects.create(name=DEMO_CLINIC, time_zone=CLINIC_TZ)
        clinicians = [
            self.clinician(clinic, username, first, last, is_admin=role == "clinic admin")
            for role, username, first, last in DEMO_STAFF
        ]
        patients = []
        for story in STORIES:
            prescriber = clinicians[story.clinician]
            patient = self.patient(clinic, story, prescriber)
            self.plan_and_entries(patient, story, prescriber)
            patients.append((patient, prescriber))
        journal_statistics_refresh()  # before the journal is read back below
        admin = next(clinician for clinician in clinicians if clinician.is_clinic_admin)
        self.reads(patients, admin)
        snapshots_refresh([patient.pk for patient, _ in patients], timezone.now())  # the roster's rows

    def clinician(self, clinic, username, first, last, is_admin=False) -> Clinician:
        user = User.objects.create(
            username=username,
            password=self.password,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
        )
        return Clinician.objects.create(user=user, clinic=clinic, is_clinic_admin=is_admin)

    def patient(self, clinic, story: Story, clinician: Clinician) -> Patient:
        username = story.first_name.lower()
        user = User.objects.create(
            username=username, password=self.password, first_name=story.first_name, last_name=story.last_name
        )
        patient = Patient.objects.create(
            user=user,
            clinic=clinic,
            name=f"{story.first_name} {story.last_name}",
            code=f"RLC-{100 + STORIES.index(story)}",
            time_zone=story.time_zone,
            date_of_birth=(
                self.today.replace(year=self.today.year - story.age, day=1) - dt.timedelta(days=40)
                if story.age is not None
                else dt.date(1960 + self.rng.randrange(35), self.rng.randrange(1, 13), 14)
            ),
            # the introduction, read when they joined
            introduced_at=self.at(self.today - dt.timedelta(days=story.day_on_ldn + 10), 9),
        )
        patient.conditions.add(self.conditions[story.condition])
        patient.tracked_symptoms.add(*(self.symptoms[name] for name in story.symptoms))
        patient.clinicians.add(clinician)
        first_dose = self.today - dt.timedelta(days=story.day_on_ldn)
        if story.added_symptom:
            name, days = story.added_symptom
            patient.tracked_symptoms.add(self.symptoms[name])
            SymptomTracking.objects.create(
                patient=patient,
                symptom=self.symptoms[name],
                started_on=first_dose + dt.timedelta(days=days),
                changed_by=clinician.user,
            )
        if story.caregiver:
            self.caregiver(patient, story, clinician, first_dose)
        for days, kg in story.weights:
            WeightMeasurement.objects.create(
                patient=patient,
                weight_kg=Decimal(kg),
                measured_on=first_dose + dt.timedelta(days=days),
                recorded_by=clinician.user,
            )

        def on(days: int | None) -> dt.date | None:
            return None if days is None else first_dose + dt.timedelta(days=days)

        for name, dose_text, started, stopped in story.medications:
            Medication.objects.create(
                patient=patient,
                name=name,
                dose_text=dose_text,
                started_on=on(started),
                stopped_on=on(stopped),
                created_at=self.at(first_dose - dt.timedelta(days=10), 10),
            )
        return patient

    def caregiver(self, patient: Patient, story: Story, clinician: Clinician, first_dose: dt.date) -> None:
        """The parent who logs the child's entries, invited by the prescriber before the baseline week."""
        assert story.caregiver is not None
        username, first, last = story.caregiver
        user = User.objects.create_user(username, password=DEMO_PASSWORD, first_name=first, last_name=last)
        invited_at = self.at(first_dose - dt.timedelta(days=BASELINE_DAYS + 3), 11)
        Caregiver.objects.create(
            patient=patient, user=user, name=f"{first} {last}", invited_by=clinician, invited_at=invited_at
        )
        AuditEvent.objects.create(
            clinic=patient.clinic,
            patient=patient,
            actor=clinician.user,
            at=invited_at,
            kind=AuditEvent.Kind.CAREGIVER_INVITED,
            summary=f"Caregiver {first} {last} invited to log for the patient.",
        )

    def reads(self, patients: list[tuple[Patient, Clinician]], admin: Clinician) -> None:
        """Who looked, as the access log would have it: each prescriber opened the patient page
        and the plan page ten days before the first dose, the patient page three times the day
        before yesterday and once yesterday; the admin exported the clinic's CSV a week ago."""
        common = {"clinic_id": admin.clinic_id, "client_address": "192.0.2.10"}
        rows = []
        for patient, clinician in patients:
            plan_written = patient.plans.get().created_at
            rows += [
                AccessEvent(**common, patient=patient, actor=clinician.user, at=at, what=what)
                for at, what in [
                    (plan_written, AccessEvent.What.PATIENT_PAGE),
                    (plan_written + dt.timedelta(minutes=2), AccessEvent.What.PLAN),
                    *[
                        (self.at(self.today - dt.timedelta(days=2), hour), AccessEvent.What.PATIENT_PAGE)
                        for hour in (9, 11, 15)
                    ],
                    (self.at(self.today - dt.timedelta(days=1), 10), AccessEvent.What.PATIENT_PAGE),
                ]
            ]
            rows.append(
                AccessEvent(
                    **common,
                    patient=patient,
                    actor=admin.user,
                    at=self.at(self.today - dt.timedelta(days=7), 16),
                    what=AccessEvent.What.CLINIC_CSV,
                )
            )
        AccessEvent.objects.bulk_create(rows)

    @staticmethod
    def at(day: dt.date, hour: int) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))

    @staticmethod
    def medicines_added_today(patient: Patient, story: Story, first_dose: dt.date) -> None:
        """What the patient tells the clinic today, through their own medication page."""
        for name, dose_text, started in story.added_today:
            assert patient.user is not None  # every demo patient has a login
            medication_add(
                patient=patient,
                actor=patient.user,
                name=name,
                dose_text=dose_text,
                started_on=first_dose + dt.timedelta(days=started),
            )

    def plan_and_entries(self, patient: Patient, story: Story, clinician: Clinician) -> None:
        first_dose = self.today - dt.timedelta(days=story.day_on_ldn)
        steps = ramp_steps(first_dose, story.ramp)
        ended_on = first_dose + dt.timedelta(days=story.stopped[0]) if story.stopped else None
        if ended_on is not None:
            steps = [(day, dose) for day, dose in steps if day < ended_on]
        plan = TitrationPlan.objects.create(
            patient=patient,
            prescriber=clinician,
            status=TitrationPlan.Status.ACTIVE,
            form=story.form,
            strength_mg=Decimal("0.5") if story.ramp[0] == "0.5" else Decimal("1.5"),
            filler=Filler.MICROCRYSTALLINE_CELLULOSE if story.form == "capsule" else "",
            pharmacy="Riverside Compounding Pharmacy" if story.supply else "",
            supply_quantity=story.supply[1] if story.supply else None,
            dispensed_on=first_dose + dt.timedelta(days=story.supply[0]) if story.supply else None,
            created_at=self.at(first_dose - dt.timedelta(days=10), 10),
            starts_on=first_dose,
            ended_on=ended_on,
        )
        timing = Timing.EVENING if story.form == "cream" else Timing.BEDTIME  # a cream: in the evening
        step_rows = [DoseStep(plan=plan, start_date=day, dose_mg=dose, timing=timing) for day, dose in steps]
        if story.morning_switch:
            # Insomnia after the first step-up: stay on that dose, taken in the morning.
            switch = steps[1][0] + dt.timedelta(days=MORNING_SWITCH_AFTER_DAYS)
            step_rows = [s for s in step_rows if s.start_date < switch]
            step_rows.append(
                DoseStep(
                    plan=plan,
                    start_date=switch,
                    dose_mg=steps[1][1],
                    timing="morning",
                    note="Moved to the morning after insomnia",
                )
            )
        if story.every_other_day_from is not None:
            switch = first_dose + dt.timedelta(days=story.every_other_day_from)
            step_rows = [s for s in step_rows if s.start_date < switch]
            step_rows.append(
                DoseStep(
                    plan=plan,
                    start_date=switch,
                    dose_mg=steps[1][1],
                    frequency=Frequency.EVERY_OTHER_DAY,
                    note="Every other day after daytime tiredness",
                )
            )
        DoseStep.objects.bulk_create(step_rows)
        screened_on = plan.created_at.astimezone(patient.zone).date()
        answers = prefill_screening(medication_periods_for([patient])[patient.pk], screened_on)
        Screening.objects.create(
            patient=patient,
            plan=plan,
            screened_by=clinician,
            screened_at=plan.created_at,
            notes="Demo screening: the answers the medication list suggests, confirmed",
            **answers.as_fields(),
        )
        self.audit_trail(patient, clinician, plan, step_rows)
        if story.stopped is not None and ended_on is not None:
            self.plan_end(patient, clinician, ended_on, story.stopped[1])
        schedule = Schedule(
            [
                PlanRecord(
                    plan.pk,
                    tuple(
                        PlannedStep(s.start_date, s.dose_mg, s.timing, frequency=s.frequency)
                        for s in step_rows
                    ),
                    ended_on=ended_on,
                )
            ]
        )
        self.entries(patient, story, first_dose, step_rows, schedule)
        self.medicines_added_today(patient, story, first_dose)
        self.lab_results(patient, story, clinician, first_dose)
        self.pgic_answers(patient, story, first_dose)

    def plan_end(self, patient: Patient, clinician: Clinician, ended_on: dt.date, reason: str) -> None:
        """The end of LDN as the plan page records it: a week ahead, with the reason told to the
        patient (the outcomes page's "why patients stop")."""
        change = plan_changes.ended(ended_on, 0)
        told = self.at(ended_on - dt.timedelta(days=7), 11)
        PlanChangeNote.objects.create(
            patient=patient,
            written_by=clinician,
            at=told,
            change=str.__str__(change.words()),
            wording=change.as_data(),
            reason=reason,
            acknowledged_at=told + dt.timedelta(hours=9),
        )
        AuditEvent.objects.create(
            patient=patient,
            clinic_id=patient.clinic_id,
            actor=clinician.user,
            at=told,
            kind=AuditEvent.Kind.PLAN_CHANGED,
            summary=f"{str.__str__(change.words())} Told the patient: {reason}",
        )

    @staticmethod
    def lab_results(patient: Patient, story: Story, clinician: Clinician, first_dose: dt.date) -> None:
        """The results the prescriber recorded from the laboratory's reports."""
        tests = {test.key: test for test in LabTest.objects.filter(clinic=None)}
        for key, days, value, low, high in story.labs:
            lab_result_record(
                patient=patient,
                clinician=clinician,
                test=tests[key],
                value=Decimal(value),
                sampled_on=first_dose + dt.timedelta(days=days),
                reference_low=Decimal(low),
                reference_high=Decimal(high),
                laboratory="Riverside Pathology",
            )

    # A patient whose PGIC occasion is open today and still unanswered: Today asks them.
    PGIC_STILL_DUE = "Jack"

    def pgic_answers(self, patient: Patient, story: Story, first_dose: dt.date) -> None:
        """The PGIC on each occasion that has opened, answered a day or two after it opened, in
        words that follow the story's own course: "no change" while the scores are flat,
        better as the improvement grows (Farrar 2001: "much improved" ≈ a 30 % fall)."""
        version = current_versions(patient.clinic_id)[
            Questionnaire.objects.get(clinic_id=patient.clinic_id, key=questionnaires.PGIC_KEY).pk
        ]
        definition = version.definition
        caregiver = patient.caregivers.exclude(user=None).first()  # a child's parent answers for them
        answered_by = caregiver.user if caregiver is not None else patient.user
        answers = []
        for occasion in questionnaires.occasions(definition.timing, first_dose=first_dose, reviews=()):
            day = occasion.opens + dt.timedelta(days=self.rng.randint(0, 3))
            if day > self.today or (story.first_name == self.PGIC_STILL_DUE and occasion.is_open(self.today)):
                continue
            if story.stopped is not None and (day - first_dose).days >= story.stopped[0]:
                continue  # no longer on LDN: no longer asked
            gain = self.improvement((day - first_dose).days + 1, story)
            value = (
                1 if gain >= 0.5 else 2 if gain >= 0.3 else 3 if gain >= 0.12 else 5 if story.sensitive else 4
            )
            answers.append(
                QuestionnaireAnswer(
                    patient=patient,
                    questionnaire=version.questionnaire,
                    version=version,
                    occasion=occasion.key,
                    answered_on=day,
                    values=[value],
                    score=definition.score([value]),
                    answered_at=self.at(day, 19),
                    answered_by=answered_by,
                )
            )
        QuestionnaireAnswer.objects.bulk_create(answers)

    @staticmethod
    def audit_trail(
        patient: Patient, clinician: Clinician, plan: TitrationPlan, step_rows: list[DoseStep]
    ) -> None:
        """What the clinic would have on record: the screening, the plan, a timing switch."""
        common = {"patient": patient, "clinic_id": patient.clinic_id, "actor": clinician.user}
        steps = "; ".join(f"{step.dose_mg.normalize():f} mg from {step.start_date}" for step in step_rows)
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    **common,
                    at=plan.created_at,
                    kind=AuditEvent.Kind.SCREENING,
                    summary="Safety screening recorded (demo).",
                ),
                AuditEvent(
                    **common, at=plan.created_at, kind=AuditEvent.Kind.PLAN_CREATED, summary=f"Plan: {steps}."
                ),
                *[
                    AuditEvent(
                        **common,
                        kind=AuditEvent.Kind.PLAN_CHANGED,
                        summary=f"Timing: {step.note}.",
                        at=timezone.make_aware(
                            dt.datetime.combine(step.start_date - dt.timedelta(days=1), dt.time(11))
                        ),
                    )
                    for step in step_rows
                    if step.timing == "morning"
                ],
                *[
                    AuditEvent(
                        **common,
                        kind=AuditEvent.Kind.PLAN_CHANGED,
                        summary=f"Frequency: {step.note}.",
                        at=timezone.make_aware(
                            dt.datetime.combine(step.start_date - dt.timedelta(days=1), dt.time(11))
                        ),
                    )
                    for step in step_rows
                    if step.frequency == Frequency.EVERY_OTHER_DAY
                ],
            ]
        )

    def entries(
        self, patient, story: Story, first_dose: dt.date, step_rows: list[DoseStep], schedule: Schedule
    ) -> None:
        start = max(
            first_dose - dt.timedelta(days=BASELINE_DAYS), self.today - dt.timedelta(days=MAX_HISTORY_DAYS)
        )
        added_name, added_day = story.added_symptom or ("", 0)
        names = [*story.symptoms, *([added_name] if added_name else [])]
        baselines = {name: self.rng.uniform(5.5, 7.5) for name in names}
        symptoms = [self.symptoms[name] for name in names]
        entries: list[DailyEntry] = []
        scores: list[tuple[DailyEntry, Symptom, int]] = []
        effects: list[tuple[DailyEntry, str, str]] = []
        caregiver = patient.caregivers.exclude(user=None).first()
        logged_by = caregiver.user if caregiver is not None else None  # else the patient's own (None)
        day = start
        last = self.today
        if story.stopped is not None:  # they log a few days more, then no longer
            last = min(last, first_dose + dt.timedelta(days=story.stopped[0] + 3))
        while day <= last:
            if story.logged_rate < 1 and day != self.today and self.rng.random() > story.logged_rate:
                day += dt.timedelta(days=1)  # the diary not opened that day
                continue
            if day != self.today and self.rng.random() < story.missed_rate / 2:
                day += dt.timedelta(days=1)  # not logged at all
                continue
            step = schedule.prescribed(day)
            days_on = (day - first_dose).days
            taken = step is not None and self.rng.random() >= story.missed_rate / 2
            entry = DailyEntry(
                patient=patient,
                entry_date=day,
                logged_by=logged_by,
                dose_taken=taken,
                dose_mg=step.dose_mg if step and taken else None,
                timing_taken=step.timing if step and taken else "",
                time_taken=USUAL_CLOCK_TIME[step.timing] if step and taken else None,
                sleep_quality=self.score(
                    6
                    - self.side_effect_pressure(step_rows, day, story) * 3
                    + self.improvement(days_on, story) * 2
                ),
            )
            entries.append(entry)
            for symptom in symptoms:
                if symptom.name == added_name and days_on < added_day:
                    continue  # not asked before the clinician added it
                severity = baselines[symptom.name]  # how bad it is at baseline, 0–10
                gain = self.improvement(days_on, story) * (severity - 1.5)
                value = 10 - severity + gain if symptom.higher_is_better else severity - gain
                scores.append((entry, symptom, self.score(value)))
            effects.extend(
                (entry, kind, severity) for kind, severity in self.side_effects(step_rows, day, story)
            )
            day += dt.timedelta(days=1)
        # With their first history rows, as the patient's own saves would have made them.
        bulk_create_with_history(entries, DailyEntry)
        bulk_create_with_history(
            [SymptomScore(entry=entry, symptom=symptom, score=score) for entry, symptom, score in scores],
            SymptomScore,
        )
        bulk_create_with_history(
            [SideEffectReport(entry=entry, kind=kind, severity=level) for entry, kind, level in effects],
            SideEffectReport,
        )

    def score(self, value: float) -> int:
        return max(0, min(10, round(value + self.rng.gauss(0, 0.8))))

    @staticmethod
    def improvement(days_on: int, story: Story) -> float:
        """0 until week 7, then rising towards `story.response` by about day 120."""
        if days_on < 49:
            return 0.0
        return story.response * min(1.0, (days_on - 49) / 70)

    @staticmethod
    def days_since_step_up(step_rows: list[DoseStep], day: dt.date) -> int | None:
        ups = [
            s.start_date
            for s in step_rows
            if s.start_date <= day and s.timing != Timing.MORNING and s.frequency == Frequency.DAILY
        ]
        return (day - max(ups)).days if ups else None

    def side_effect_pressure(self, step_rows, day, story: Story) -> float:
        since = self.days_since_step_up(step_rows, day)
        if since is None or since > 14:
            return 0.0
        return (1 - since / 15) * (0.9 if story.sensitive else 0.5)

    def side_effects(self, step_rows, day, story: Story):
        pressure = self.side_effect_pressure(step_rows, day, story)
        if story.morning_switch:
            morning = [s for s in step_rows if s.timing == "morning"]
            insomnia_until = morning[0].start_date if morning else None
            if (
                insomnia_until
                and insomnia_until - dt.timedelta(days=MORNING_SWITCH_AFTER_DAYS) <= day < insomnia_until
            ):
                yield SideEffectKind.INSOMNIA, self.rng.choice(["moderate", "moderate", "severe"])
                return
        for kind in SIDE_EFFECT_KINDS:
            if self.rng.random() < pressure * (0.6 if kind in SIDE_EFFECT_KINDS[:2] else 0.25):
                severity = "moderate" if self.rng.random() < pressure else "mild"
                if story.sensitive and self.rng.random() < pressure / 2:
                    severity = "severe"
                yield kind, severity


class Command(BaseCommand):
    help = "Create the demo clinic with clinicians, a clinic admin and about 20 patients."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="Build the story around this date (default: today in London).",
        )
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo clinic first and build it again."
        )

    def handle(self, *args, seed: int, today: dt.date | None, reset: bool, **options):
        existing = Clinic.objects.filter(name=DEMO_CLINIC).first()
        if existing and not reset:
            self.stdout.write(f"Demo clinic '{DEMO_CLINIC}' already exists; use --reset to rebuild it.")
        else:
            today = today or timezone.now().astimezone(dt.UTC).date()
            with transaction.atomic():
                if existing:
                    delete_clinic(existing)
                DemoBuilder(seed, today).build()
            self.stdout.write(f"Demo clinic '{DEMO_CLINIC}' ready.")
        self.print_logins()

    def print_logins(self) -> None:
        self.stdout.write(f"Demo logins (password for every login: {DEMO_PASSWORD}):")
        for role, username, *_ in DEMO_STAFF:
            self.stdout.write(f"  {role:<13} {username}")
        for story in STORIES:
            self.stdout.write(f"  {'patient':<13} {story.first_name.lower():<8} {story.condition}")
            if story.caregiver:
                self.stdout.write(f"  {'caregiver':<13} {story.caregiver[0]} logs for {story.first_name}")
        self.stdout.write(
            "Two-factor sign-in is not required in the demo clinic. To try it, sign in, open Account and set "
            "it up with any authenticator app; admin.okafor can require it (Clinic → Signing in)."
        )


def delete_clinic(clinic: Clinic) -> None:
    """Remove a clinic and everything in it (demo data only: real records are kept, and the
    audit tables refuse deletes but for this one transaction: `journal.append_only.lifted`)."""
    with lifted(connection):
        AuditEvent.objects.filter(clinic=clinic).delete()
        AccessEvent.objects.filter(clinic=clinic).delete()
    for job in clinic.export_jobs.all():
        export_path(job).unlink(missing_ok=True)
    clinic.export_jobs.all().delete()  # they name their clinicians, deleted below
    users = (
        User.objects.filter(clinician__clinic=clinic)
        | User.objects.filter(patient__clinic=clinic)
        | User.objects.filter(caregiver__patient__clinic=clinic)
    )
    user_ids = list(users.values_list("pk", flat=True))
    patients = Patient.objects.filter(clinic=clinic)
    Screening.objects.filter(patient__in=patients).delete()
    TitrationPlan.objects.filter(patient__in=patients).delete()
    patients.delete()  # with their questionnaire answers
    Questionnaire.objects.filter(clinic=clinic).delete()  # their versions name clinicians
    Clinician.objects.filter(clinic=clinic).delete()
    User.objects.filter(pk__in=user_ids).delete()
    clinic.delete()
