"""The one schedule (journal.schedule): what is prescribed on every day, each step's state,
the next step and the last dose, the prescribed days and runs, and the phase — across plan
ends, pauses and a later plan (issue 9, "The prescription told differently")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from journal.schedule import DAY, PausePeriod, PlannedStep, PlanRecord, Schedule, StepState
from journal.vocabulary import format_mg

D = dt.date
PAST, NOW, PAUSED, UPCOMING, ENDED, REPLACED = (
    StepState.PAST,
    StepState.NOW,
    StepState.PAUSED,
    StepState.UPCOMING,
    StepState.ENDED,
    StepState.REPLACED,
)


def step(day: dt.date, mg: str, timing: str = "bedtime") -> PlannedStep:
    return PlannedStep(day, Decimal(mg), timing)


def plan(
    plan_id: int,
    *steps: PlannedStep,
    ended_on: dt.date | None = None,
    form: str = "capsule",
    strength: str | None = None,
) -> PlanRecord:
    strength_mg = Decimal(strength) if strength else None
    return PlanRecord(plan_id, steps, form=form, strength_mg=strength_mg, ended_on=ended_on)


def mg(dose) -> str | None:
    return None if dose is None else f"{dose.dose_mg.normalize():f}"


SURGERY = PausePeriod(D(2026, 3, 10), D(2026, 3, 12), "surgery")
# Plan 1: 1.5 mg from 1 March, 3 mg from 15 March, ended on 1 April (the last day 31 March);
# its 4.5 mg step from 10 April never began. Plan 2: 0.5 mg from 1 May. A pause 10–12 March.
PLAN_1 = plan(
    1,
    step(D(2026, 3, 1), "1.5"),
    step(D(2026, 3, 15), "3"),
    step(D(2026, 4, 10), "4.5"),
    ended_on=D(2026, 4, 1),
)
PLAN_2 = plan(2, step(D(2026, 5, 1), "0.5"))
TWO_PLANS = Schedule([PLAN_1, PLAN_2], [SURGERY])
ENDED_ONLY = Schedule([PLAN_1])


# --- one day ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "dose"),
    [
        (D(2026, 2, 28), None),  # before the first dose
        (D(2026, 3, 1), "1.5"),
        (D(2026, 3, 9), "1.5"),
        (D(2026, 3, 10), None),  # paused
        (D(2026, 3, 12), None),  # the pause's last day
        (D(2026, 3, 13), "1.5"),  # resumed
        (D(2026, 3, 15), "3"),
        (D(2026, 3, 31), "3"),  # the plan's last day
        (D(2026, 4, 1), None),  # the plan's end date: nothing prescribed
        (D(2026, 4, 10), None),  # the step that never began is not prescribed
        (D(2026, 4, 30), None),
        (D(2026, 5, 1), "0.5"),  # a later plan takes over
        (D(2027, 5, 1), "0.5"),
    ],
)
def test_prescribed(day, dose):
    assert mg(TWO_PLANS.prescribed(day)) == dose


@pytest.mark.parametrize(
    ("schedule", "day", "kind", "words"),
    [
        (TWO_PLANS, D(2026, 2, 28), "baseline", "baseline — first dose 1 Mar 2026"),
        (Schedule(), D(2026, 2, 28), "baseline", "no plan yet"),
        (TWO_PLANS, D(2026, 3, 1), "dose", "1.5 mg at bedtime"),
        (TWO_PLANS, D(2026, 3, 10), "paused", "paused until 12 Mar 2026 (surgery)"),
        (TWO_PLANS, D(2026, 3, 31), "dose", "3 mg at bedtime"),
        (TWO_PLANS, D(2026, 4, 1), "between", "none prescribed until 1 May 2026"),
        (TWO_PLANS, D(2026, 4, 10), "between", "none prescribed until 1 May 2026"),
        (ENDED_ONLY, D(2026, 4, 1), "ended", "none prescribed: the plan ended on 1 Apr 2026"),
        (ENDED_ONLY, D(2026, 6, 1), "ended", "none prescribed: the plan ended on 1 Apr 2026"),
        (TWO_PLANS, D(2026, 5, 1), "dose", "0.5 mg at bedtime"),
    ],
)
def test_on_a_day(schedule, day, kind, words):
    told = schedule.on(day)
    assert told.kind == kind
    assert told.words == words
    assert (told.dose is None) is (kind != "dose")


def test_on_a_day_after_the_end_names_the_end_date():
    assert ENDED_ONLY.on(D(2026, 4, 20)).ended_on == D(2026, 4, 1)


def test_on_a_paused_day_names_the_pause():
    assert TWO_PLANS.on(D(2026, 3, 11)).pause == SURGERY


def test_a_pause_before_the_first_dose_is_still_the_baseline():
    schedule = Schedule([PLAN_2], [PausePeriod(D(2026, 4, 1), D(2026, 4, 5))])
    assert schedule.on(D(2026, 4, 2)).kind == "baseline"


# --- a plan ended with a future end date ---------------------------------------------------


TAPERING = Schedule(
    [plan(1, step(D(2026, 3, 1), "4.5"), step(D(2026, 3, 20), "1.5"), ended_on=D(2026, 4, 1))]
)


@pytest.mark.parametrize(
    ("day", "dose", "state_of_last_step", "ends_on"),
    [
        (D(2026, 3, 18), "4.5", UPCOMING, D(2026, 4, 1)),  # "Taper and end" set on 18 March
        (D(2026, 3, 20), "1.5", NOW, D(2026, 4, 1)),
        (D(2026, 3, 31), "1.5", NOW, D(2026, 4, 1)),  # still prescribed until the day before the end
        (D(2026, 4, 1), None, ENDED, None),
        (D(2026, 5, 1), None, ENDED, None),
    ],
)
def test_a_plan_with_a_future_end_date_prescribes_until_then(day, dose, state_of_last_step, ends_on):
    assert mg(TAPERING.prescribed(day)) == dose
    assert TAPERING.step_rows(day)[-1].state is state_of_last_step
    assert TAPERING.ends_on(day) == ends_on


# --- each step's state -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "states"),
    [
        (D(2026, 2, 28), [UPCOMING, UPCOMING, REPLACED, UPCOMING]),
        (D(2026, 3, 5), [NOW, UPCOMING, REPLACED, UPCOMING]),
        (D(2026, 3, 10), [PAUSED, UPCOMING, REPLACED, UPCOMING]),  # paused: no step is "now"
        (D(2026, 3, 13), [NOW, UPCOMING, REPLACED, UPCOMING]),
        (D(2026, 3, 20), [PAST, NOW, REPLACED, UPCOMING]),
        (D(2026, 4, 1), [PAST, ENDED, REPLACED, UPCOMING]),  # after the end: no step is "now"
        (D(2026, 4, 11), [PAST, ENDED, REPLACED, UPCOMING]),
        (D(2026, 5, 1), [PAST, ENDED, REPLACED, NOW]),
    ],
)
def test_step_states(day, states):
    assert [row.state for row in TWO_PLANS.step_rows(day)] == states


@pytest.mark.parametrize("day", [D(2026, 3, 10), D(2026, 4, 1), D(2026, 4, 20)])
def test_no_step_is_now_while_nothing_is_prescribed(day):
    assert TWO_PLANS.prescribed(day) is None
    assert NOW not in [row.state for row in TWO_PLANS.step_rows(day)]


def test_only_upcoming_steps_can_be_changed_in_place():
    """A started step is history: the plan page offers no edit for it, nor for a replaced one."""
    rows = TWO_PLANS.step_rows(D(2026, 3, 5))  # now, upcoming, replaced, upcoming
    assert [row.editable for row in rows] == [False, True, False, True]


def test_step_rows_of_one_plan():
    rows = TWO_PLANS.step_rows(D(2026, 5, 1), plan_id=2)
    assert [(row.dose.plan_id, row.state) for row in rows] == [(2, NOW)]


@pytest.mark.parametrize(
    ("plans", "day", "states"),
    [
        # the plan ended before its second step began
        (
            [plan(1, step(D(2026, 3, 1), "1.5"), step(D(2026, 4, 1), "3"), ended_on=D(2026, 4, 1))],
            D(2026, 3, 10),
            [NOW, REPLACED],
        ),
        (
            [plan(1, step(D(2026, 3, 1), "1.5"), step(D(2026, 4, 1), "3"), ended_on=D(2026, 4, 1))],
            D(2026, 4, 5),
            [ENDED, REPLACED],
        ),
        # a second step on the same date replaces the first before it began
        ([plan(1, step(D(2026, 3, 1), "1.5"), step(D(2026, 3, 1), "0.5"))], D(2026, 3, 10), [REPLACED, NOW]),
        # a later plan that starts on the day the earlier one ends
        (
            [
                plan(1, step(D(2026, 3, 1), "1.5"), ended_on=D(2026, 3, 20)),
                plan(2, step(D(2026, 3, 20), "3")),
            ],
            D(2026, 3, 20),
            [ENDED, NOW],
        ),
        # a later plan takes over from one with no end date
        (
            [plan(1, step(D(2026, 3, 1), "1.5")), plan(2, step(D(2026, 3, 20), "0.5"))],
            D(2026, 3, 20),
            [PAST, NOW],
        ),
    ],
)
def test_replaced_and_taken_over_steps(plans, day, states):
    assert [row.state for row in Schedule(plans).step_rows(day)] == states


def test_a_replaced_step_is_never_prescribed_nor_next():
    schedule = Schedule(
        [plan(1, step(D(2026, 3, 1), "1.5"), step(D(2026, 4, 1), "3"), ended_on=D(2026, 4, 1))]
    )
    assert schedule.next_step(D(2026, 3, 10)) is None
    assert schedule.prescribed(D(2026, 4, 1)) is None
    assert [mg(dose) for dose in schedule.effective] == ["1.5"]


@pytest.mark.parametrize(
    ("state", "label", "style"),
    [
        (PAST, "past", ""),
        (NOW, "now", "ok"),
        (PAUSED, "paused today", "warn"),
        (UPCOMING, "upcoming", ""),
        (ENDED, "plan ended", "warn"),
        (REPLACED, "not taken up", ""),
    ],
)
def test_step_state_words(state, label, style):
    assert state.label == label
    assert state.style == style


# --- the step in force, the next step, the last dose ------------------------------------------


@pytest.mark.parametrize(
    ("day", "in_force", "next_step", "last_before"),
    [
        (D(2026, 2, 28), None, "1.5", None),
        (D(2026, 3, 1), "1.5", "3", None),  # nothing began before the first day
        (D(2026, 3, 11), "1.5", "3", "1.5"),  # in force underneath the pause
        (D(2026, 3, 20), "3", "0.5", "3"),  # the next step skips the one that never began
        (D(2026, 4, 20), None, "0.5", "3"),
        (D(2026, 5, 1), "0.5", None, "3"),  # the previous plan's last dose, not the replaced 4.5
        (D(2026, 5, 2), "0.5", None, "0.5"),
    ],
)
def test_in_force_next_step_and_last_dose_before(day, in_force, next_step, last_before):
    assert mg(TWO_PLANS.in_force(day)) == in_force
    assert mg(TWO_PLANS.next_step(day)) == next_step
    assert mg(TWO_PLANS.last_dose_before(day)) == last_before


# Plan 1 until 1 April, when plan 2 (written already) starts: the treatment does not end.
NEXT_PLAN_AT_THE_END = Schedule(
    [
        PlanRecord(1, (PlannedStep(D(2026, 3, 1), Decimal("1.5")),), ended_on=D(2026, 4, 1)),
        PlanRecord(2, (PlannedStep(D(2026, 4, 1), Decimal("3")),)),
    ]
)


@pytest.mark.parametrize(
    ("schedule", "day", "ends_on"),
    [
        (TWO_PLANS, D(2026, 3, 20), D(2026, 4, 1)),
        (TWO_PLANS, D(2026, 2, 1), D(2026, 4, 1)),  # the plan starting next ends then
        (TWO_PLANS, D(2026, 4, 1), None),  # the end has come: plan 2 has no end
        (TWO_PLANS, D(2026, 5, 1), None),
        (Schedule([PLAN_2]), D(2026, 5, 1), None),
        (NEXT_PLAN_AT_THE_END, D(2026, 3, 20), None),  # the next plan starts on the end date
        (NEXT_PLAN_AT_THE_END, D(2026, 4, 1), None),
    ],
)
def test_ends_on(schedule, day, ends_on):
    assert schedule.ends_on(day) == ends_on


# --- the course of treatment ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "first_dose"),
    [
        (TWO_PLANS, D(2026, 3, 1)),
        (Schedule(), None),
        # a pause over the first day does not move the first dose
        (Schedule([PLAN_1], [PausePeriod(D(2026, 3, 1), D(2026, 3, 3))]), D(2026, 3, 1)),
        # a plan ended on its first day never began
        (Schedule([plan(1, step(D(2026, 3, 1), "1.5"), ended_on=D(2026, 3, 1))]), None),
    ],
)
def test_first_dose(schedule, first_dose):
    assert schedule.first_dose == first_dose


@pytest.mark.parametrize(
    ("schedule", "day", "day_on_ldn", "ended"),
    [
        (TWO_PLANS, D(2026, 2, 28), None, None),
        (TWO_PLANS, D(2026, 3, 1), 1, None),
        (TWO_PLANS, D(2026, 3, 11), 11, None),  # a pause goes on counting
        (TWO_PLANS, D(2026, 4, 10), 41, None),  # so do the days between two plans
        (TWO_PLANS, D(2026, 5, 1), 62, None),
        (ENDED_ONLY, D(2026, 3, 31), 31, None),  # the last day of the plan
        (ENDED_ONLY, D(2026, 4, 1), None, D(2026, 4, 1)),  # its end date: the course is over
        (ENDED_ONLY, D(2026, 9, 1), None, D(2026, 4, 1)),
    ],
)
def test_day_on_ldn_counts_the_course_until_the_last_plan_ends(schedule, day, day_on_ldn, ended):
    assert schedule.day_on_ldn(day) == day_on_ldn
    assert schedule.treatment_ended(day) == ended


def days(first: dt.date, last: dt.date) -> set[dt.date]:
    return {first + offset * DAY for offset in range((last - first).days + 1)}


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (D(2026, 2, 20), D(2026, 3, 5), days(D(2026, 3, 1), D(2026, 3, 5))),
        # the pause is cut out
        (
            D(2026, 3, 8),
            D(2026, 3, 14),
            days(D(2026, 3, 8), D(2026, 3, 9)) | days(D(2026, 3, 13), D(2026, 3, 14)),
        ),
        # nothing after the plan's end, nothing between the plans
        (
            D(2026, 3, 30),
            D(2026, 5, 2),
            days(D(2026, 3, 30), D(2026, 3, 31)) | days(D(2026, 5, 1), D(2026, 5, 2)),
        ),
        (D(2026, 4, 1), D(2026, 4, 30), set()),
        (D(2027, 1, 1), D(2027, 1, 3), days(D(2027, 1, 1), D(2027, 1, 3))),  # until further notice
    ],
)
def test_prescribed_days(first, last, expected):
    assert TWO_PLANS.prescribed_days(first, last) == expected


def test_prescribed_days_of_no_plan():
    assert Schedule().prescribed_days(D(2026, 1, 1), D(2026, 12, 31)) == set()


def run_rows(runs) -> list[tuple[str, dt.date, dt.date | None]]:
    return [(mg(run.dose), run.first, run.last) for run in runs]


@pytest.mark.parametrize(
    ("pauses", "runs"),
    [
        (
            [],
            [
                ("1.5", D(2026, 3, 1), D(2026, 3, 14)),
                ("3", D(2026, 3, 15), D(2026, 3, 31)),
                ("0.5", D(2026, 5, 1), None),
            ],
        ),
        (
            [SURGERY],
            [
                ("1.5", D(2026, 3, 1), D(2026, 3, 9)),
                ("1.5", D(2026, 3, 13), D(2026, 3, 14)),
                ("3", D(2026, 3, 15), D(2026, 3, 31)),
                ("0.5", D(2026, 5, 1), None),
            ],
        ),
        # a pause over a step change
        (
            [PausePeriod(D(2026, 3, 14), D(2026, 3, 16))],
            [
                ("1.5", D(2026, 3, 1), D(2026, 3, 13)),
                ("3", D(2026, 3, 17), D(2026, 3, 31)),
                ("0.5", D(2026, 5, 1), None),
            ],
        ),
        # two pauses in one step, and one that covers a whole step
        (
            [
                PausePeriod(D(2026, 3, 3), D(2026, 3, 4)),
                PausePeriod(D(2026, 3, 8), D(2026, 3, 9)),
                PausePeriod(D(2026, 3, 15), D(2026, 3, 31)),
            ],
            [
                ("1.5", D(2026, 3, 1), D(2026, 3, 2)),
                ("1.5", D(2026, 3, 5), D(2026, 3, 7)),
                ("1.5", D(2026, 3, 10), D(2026, 3, 14)),
                ("0.5", D(2026, 5, 1), None),
            ],
        ),
        # a pause into the open-ended last step
        (
            [PausePeriod(D(2026, 5, 10), D(2026, 5, 12))],
            [
                ("1.5", D(2026, 3, 1), D(2026, 3, 14)),
                ("3", D(2026, 3, 15), D(2026, 3, 31)),
                ("0.5", D(2026, 5, 1), D(2026, 5, 9)),
                ("0.5", D(2026, 5, 13), None),
            ],
        ),
    ],
)
def test_runs_are_cut_by_pauses_and_plan_ends(pauses, runs):
    assert run_rows(Schedule([PLAN_1, PLAN_2], pauses).runs) == runs


def test_prescribed_days_are_the_runs_clipped_to_the_range():
    assert TWO_PLANS.prescribed_days(D(2026, 3, 5), D(2026, 5, 3)) == (
        days(D(2026, 3, 5), D(2026, 3, 9))
        | days(D(2026, 3, 13), D(2026, 3, 14))
        | days(D(2026, 3, 15), D(2026, 3, 31))
        | days(D(2026, 5, 1), D(2026, 5, 3))
    )


# --- the phase ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "day", "phase"),
    [
        (TWO_PLANS, D(2026, 2, 28), "baseline"),
        (TWO_PLANS, D(2026, 3, 1), "titrating"),
        (TWO_PLANS, D(2026, 3, 11), "paused"),
        (TWO_PLANS, D(2026, 3, 20), "titrating"),  # the next plan's dose differs
        (TWO_PLANS, D(2026, 4, 1), "paused"),  # between plans: nothing now, more ahead
        (TWO_PLANS, D(2026, 5, 1), "maintenance"),
        (ENDED_ONLY, D(2026, 3, 20), "maintenance"),  # the step that never begins is no titration
        (ENDED_ONLY, D(2026, 4, 1), "ended"),
        (ENDED_ONLY, D(2026, 4, 10), "ended"),
        (TAPERING, D(2026, 3, 18), "titrating"),
        (TAPERING, D(2026, 3, 25), "maintenance"),
        (TAPERING, D(2026, 4, 1), "ended"),
    ],
)
def test_phase(schedule, day, phase):
    assert schedule.phase(day) == phase


# --- what the patient measures ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "strength", "dose", "measured_phrase", "amount", "ask_pharmacist"),
    [
        ("liquid", "0.5", "1.5", "3 mL = 1.5 mg at bedtime", "3 mL = 1.5 mg", False),
        ("capsule", "1.5", "3", "2 capsules = 3 mg at bedtime", "2 capsules = 3 mg", False),
        (
            "liquid",
            "1",
            "0.125",
            "0.125 mg at bedtime",
            "0.125 mg — ask your pharmacist how to measure this dose",
            True,
        ),
        (
            "capsule",
            "2",
            "4.5",
            "4.5 mg at bedtime",
            "4.5 mg — ask your pharmacist how to measure this dose",
            True,
        ),
        ("capsule", None, "3", "3 mg at bedtime", None, False),
    ],
)
def test_a_dose_tells_the_patient_what_to_measure(
    form, strength, dose, measured_phrase, amount, ask_pharmacist
):
    schedule = Schedule([plan(1, step(D(2026, 3, 1), dose), form=form, strength=strength)])
    prescribed = schedule.prescribed(D(2026, 3, 1))
    assert prescribed.measured_phrase == measured_phrase
    assert prescribed.amount == amount
    assert prescribed.ask_pharmacist is ask_pharmacist


# --- one plan: what is prescribed, the next step, the first dose; the phase of each kind of plan


STEPS = (
    PlannedStep(D(2026, 3, 1), Decimal("1.5"), "bedtime"),
    PlannedStep(D(2026, 3, 15), Decimal("3"), "bedtime"),
    PlannedStep(D(2026, 3, 29), Decimal("4.5"), "morning"),
)


SCHEDULE = Schedule([PlanRecord(1, STEPS)])


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 2, 28), None),  # before the first step
        (D(2026, 3, 1), ("1.5", "bedtime")),  # a step's first day
        (D(2026, 3, 14), ("1.5", "bedtime")),  # the day before the next step
        (D(2026, 3, 15), ("3", "bedtime")),
        (D(2026, 3, 29), ("4.5", "morning")),
        (D(2027, 1, 1), ("4.5", "morning")),  # long after the last step
    ],
)
def test_prescribed_along_one_plan(day, expected):
    step = SCHEDULE.prescribed(day)
    assert (None if step is None else (format_mg(step.dose_mg), step.timing)) == expected


def test_nothing_is_prescribed_from_the_plans_end_date():
    ended = Schedule([PlanRecord(1, STEPS[:1], ended_on=D(2026, 4, 1))])
    assert ended.prescribed(D(2026, 3, 31)) is not None
    assert ended.prescribed(D(2026, 4, 1)) is None


def test_a_later_plan_takes_over_from_an_ended_one():
    schedule = Schedule(
        [
            PlanRecord(1, (PlannedStep(D(2026, 3, 1), Decimal("4.5")),), ended_on=D(2026, 4, 1)),
            PlanRecord(2, (PlannedStep(D(2026, 5, 1), Decimal("0.5")),)),
        ]
    )
    assert schedule.prescribed(D(2026, 4, 15)) is None
    assert schedule.prescribed(D(2026, 5, 2)).plan_id == 2


@pytest.mark.parametrize(
    ("day", "dose"),
    [(D(2026, 3, 9), "1.5"), (D(2026, 3, 10), None), (D(2026, 3, 20), None), (D(2026, 3, 21), "3")],
)
def test_nothing_is_prescribed_while_ldn_is_paused(day, dose):
    schedule = Schedule([PlanRecord(1, STEPS)], [PausePeriod(D(2026, 3, 10), D(2026, 3, 20))])
    step = schedule.prescribed(day)
    assert (None if step is None else format_mg(step.dose_mg)) == dose


@pytest.mark.parametrize(
    ("day", "next_start"),
    [(D(2026, 2, 1), D(2026, 3, 1)), (D(2026, 3, 15), D(2026, 3, 29)), (D(2026, 3, 29), None)],
)
def test_next_step(day, next_start):
    step = SCHEDULE.next_step(day)
    assert (None if step is None else step.start_date) == next_start


def test_first_dose_of_one_plan():
    assert SCHEDULE.first_dose == D(2026, 3, 1)
    assert Schedule().first_dose is None


def _s(day: dt.date, dose: str, timing: str = "bedtime") -> PlannedStep:
    return PlannedStep(day, Decimal(dose), timing)


RAMP = [PlanRecord(1, (_s(D(2026, 3, 1), "1.5"), _s(D(2026, 3, 15), "3"), _s(D(2026, 3, 29), "4.5")))]


MORNING_SWITCH = [PlanRecord(1, (_s(D(2026, 3, 1), "1.5"), _s(D(2026, 3, 15), "1.5", "morning")))]


TAPER = [PlanRecord(1, (_s(D(2026, 3, 1), "4.5"), _s(D(2026, 4, 15), "1.5")), ended_on=D(2026, 5, 1))]


NEXT_PLAN = [
    PlanRecord(1, (_s(D(2026, 3, 1), "3"),), ended_on=D(2026, 4, 1)),
    PlanRecord(2, (_s(D(2026, 5, 1), "1.5"),)),
]


PAUSE = [PausePeriod(D(2026, 3, 20), D(2026, 3, 25))]


@pytest.mark.parametrize(
    ("schedule", "day", "pauses", "expected"),
    [
        ([], D(2026, 3, 1), [], "baseline"),
        (RAMP, D(2026, 2, 25), [], "baseline"),
        (RAMP, D(2026, 3, 1), [], "titrating"),
        (RAMP, D(2026, 3, 28), [], "titrating"),
        (RAMP, D(2026, 3, 29), [], "maintenance"),
        (RAMP, D(2026, 3, 20), PAUSE, "paused"),
        (RAMP, D(2026, 2, 25), [PausePeriod(D(2026, 2, 20), D(2026, 2, 27))], "baseline"),
        (RAMP, D(2026, 3, 26), PAUSE, "titrating"),
        (MORNING_SWITCH, D(2026, 3, 2), [], "maintenance"),  # a timing switch is not titration
        (TAPER, D(2026, 4, 1), [], "titrating"),  # a taper step ahead
        (TAPER, D(2026, 4, 20), [], "maintenance"),
        (TAPER, D(2026, 5, 1), [], "ended"),
        (NEXT_PLAN, D(2026, 4, 10), [], "paused"),  # between plans: nothing now, more ahead
        (NEXT_PLAN, D(2026, 5, 1), [], "maintenance"),
    ],
)
def test_phase_of_a_ramp_a_switch_a_taper_and_the_next_plan(schedule, day, pauses, expected):
    assert Schedule(schedule, pauses).phase(day) == expected


# --- whether a change alters what is prescribed -------------------------------------------------

ONE_STEP = Schedule([plan(1, step(D(2026, 3, 1), "1.5"), step(D(2026, 3, 15), "3"))])


def test_the_prescription_runs_join_the_same_dose_across_a_new_step():
    same_again = Schedule([plan(1, step(D(2026, 3, 1), "1.5"), step(D(2026, 3, 8), "1.5"))])
    assert same_again.prescription == ((D(2026, 3, 1), None, Decimal("1.5"), "bedtime", "capsule", None, 1),)
    assert TWO_PLANS.prescription[:3] == (
        (D(2026, 3, 1), D(2026, 3, 9), Decimal("1.5"), "bedtime", "capsule", None, 1),
        (D(2026, 3, 13), D(2026, 3, 14), Decimal("1.5"), "bedtime", "capsule", None, 1),
        (D(2026, 3, 15), D(2026, 3, 31), Decimal("3"), "bedtime", "capsule", None, 1),
    )


@pytest.mark.parametrize(
    ("after", "otherwise"),
    [
        (ONE_STEP, False),
        # a note on a step, or a step that repeats the dose before it: nothing to take differently
        (
            Schedule(
                [plan(1, step(D(2026, 3, 1), "1.5"), PlannedStep(D(2026, 3, 15), Decimal("3"), note="x"))]
            ),
            False,
        ),
        (
            Schedule([plan(2, step(D(2026, 3, 1), "1.5"), step(D(2026, 3, 15), "3"))]),
            False,
        ),  # the same, re-written
        (Schedule([plan(1, step(D(2026, 3, 1), "1.5"), step(D(2026, 3, 22), "3"))]), True),  # a hold
        (Schedule([plan(1, step(D(2026, 3, 1), "1.5"), step(D(2026, 3, 15), "3", "morning"))]), True),
        (
            Schedule(
                [plan(1, step(D(2026, 3, 1), "1.5"), step(D(2026, 3, 15), "3"), ended_on=D(2026, 4, 1))]
            ),
            True,
        ),
        (Schedule([plan(1, step(D(2026, 3, 1), "1.5"), step(D(2026, 3, 15), "3"), strength="1.5")]), True),
        (Schedule([plan(1, step(D(2026, 3, 1), "1.5"), step(D(2026, 3, 15), "3"))], [SURGERY]), True),
        (Schedule(), True),
    ],
)
def test_a_schedule_prescribes_otherwise_when_any_days_dose_timing_or_measure_differs(after, otherwise):
    assert after.prescribes_otherwise(ONE_STEP) is otherwise
    assert ONE_STEP.prescribes_otherwise(after) is otherwise


# --- every other day (issue 15) ---------------------------------------------------------------

EOD = "every_other_day"
# 1 mg daily from 1 March; 1.5 mg every other day from 5 March (doses 5, 7, 9 … counted from
# the step's start); a pause 10–12 March; 3 mg daily from 20 March.
EOD_SCHEDULE = Schedule(
    [
        plan(
            1,
            step(D(2026, 3, 1), "1"),
            PlannedStep(D(2026, 3, 5), Decimal("1.5"), "bedtime", frequency=EOD),
            step(D(2026, 3, 20), "3"),
        )
    ],
    [SURGERY],
)


@pytest.mark.parametrize(
    ("day", "prescribed", "kind"),
    [
        (D(2026, 3, 4), "1", "dose"),  # the daily step before
        (D(2026, 3, 5), "1.5", "dose"),  # the every-other-day step's first day is a dose day
        (D(2026, 3, 6), None, "off_day"),
        (D(2026, 3, 7), "1.5", "dose"),
        (D(2026, 3, 9), "1.5", "dose"),
        (D(2026, 3, 10), None, "paused"),  # a dose day inside the pause
        (D(2026, 3, 11), None, "paused"),  # an off day inside the pause stays a pause
        (D(2026, 3, 13), "1.5", "dose"),  # counted from the step's start, not from the pause's end
        (D(2026, 3, 14), None, "off_day"),
        (D(2026, 3, 19), "1.5", "dose"),
        (D(2026, 3, 20), "3", "dose"),  # the next daily step: every day again
        (D(2026, 3, 21), "3", "dose"),
    ],
)
def test_an_every_other_day_step_prescribes_a_dose_on_alternate_days_from_its_start(day, prescribed, kind):
    assert mg(EOD_SCHEDULE.prescribed(day)) == prescribed
    assert EOD_SCHEDULE.on(day).kind == kind


def test_a_paused_day_names_the_first_dose_day_after_the_pause_and_its_dose():
    paused = EOD_SCHEDULE.on(D(2026, 3, 11))
    assert (paused.kind, paused.resumes_on, mg(paused.resumes_with)) == ("paused", D(2026, 3, 13), "1.5")
    assert EOD_SCHEDULE.on(D(2026, 3, 13)).resumes_on is None  # a dose day: nothing to resume


@pytest.mark.parametrize(
    ("pauses", "taken_from"),
    [
        ((), D(2026, 3, 5)),  # its start date
        ((PausePeriod(D(2026, 3, 4), D(2026, 3, 6), "surgery"),), D(2026, 3, 7)),  # after the pause
        ((PausePeriod(D(2026, 3, 4), D(2026, 3, 25), "trip"),), None),  # covered to its end
    ],
)
def test_the_first_day_a_step_is_taken(pauses, taken_from):
    schedule = Schedule(EOD_SCHEDULE.plans, pauses)
    every_other_day_step = schedule.effective[1]
    assert schedule.first_day_taken(every_other_day_step) == taken_from


def test_an_off_day_names_the_step_and_its_next_dose_day():
    off = EOD_SCHEDULE.on(D(2026, 3, 6))
    assert off.dose is None
    assert mg(off.step) == "1.5" and off.next_due == D(2026, 3, 7)
    assert off.words == "1.5 mg every other day at bedtime — no dose today, the next on 7 Mar 2026"
    assert mg(EOD_SCHEDULE.step_on(D(2026, 3, 6))) == "1.5"
    assert EOD_SCHEDULE.step_on(D(2026, 3, 11)) is None  # paused


@pytest.mark.parametrize(
    ("schedule", "day", "next_dose_day"),
    [
        (EOD_SCHEDULE, D(2026, 2, 20), D(2026, 3, 1)),  # before the first dose
        (EOD_SCHEDULE, D(2026, 3, 4), D(2026, 3, 4)),  # a dose day is its own next dose day
        (EOD_SCHEDULE, D(2026, 3, 6), D(2026, 3, 7)),  # a day without a dose
        (EOD_SCHEDULE, D(2026, 3, 10), D(2026, 3, 13)),  # the pause, then the first dose day after it
        (EOD_SCHEDULE, D(2026, 3, 12), D(2026, 3, 13)),
        (EOD_SCHEDULE, D(2026, 3, 14), D(2026, 3, 15)),
        (TWO_PLANS, D(2026, 4, 1), D(2026, 5, 1)),  # between plans: the next plan's first dose
        (ENDED_ONLY, D(2026, 3, 31), D(2026, 3, 31)),  # the last day of the plan
        (ENDED_ONLY, D(2026, 4, 1), None),  # after it: no dose ahead
    ],
)
def test_the_next_dose_day_skips_pauses_days_without_a_dose_and_gaps(schedule, day, next_dose_day):
    assert schedule.next_dose_day(day) == next_dose_day


@pytest.mark.parametrize(
    ("day", "asks"),
    [
        (D(2026, 2, 28), False),  # the baseline: nothing to take yet
        (D(2026, 3, 5), True),  # a dose day
        (D(2026, 3, 6), False),  # an off day: no dose due
        (D(2026, 3, 11), True),  # paused: a dose taken anyway is still recorded
        (D(2026, 3, 21), True),  # daily again
    ],
)
def test_the_diary_asks_for_the_dose_except_in_the_baseline_and_on_off_days(day, asks):
    assert EOD_SCHEDULE.asks_dose(day) is asks


def test_an_off_day_on_the_last_day_of_a_step_has_no_next_dose_of_that_step():
    # 5 March to 19 March holds 8 doses: the 19th is one; with a daily step from 19 March,
    # the 18th is the last off day and the daily step comes next.
    schedule = Schedule(
        [plan(1, PlannedStep(D(2026, 3, 5), Decimal("1.5"), frequency=EOD), step(D(2026, 3, 19), "3"))]
    )
    assert schedule.on(D(2026, 3, 18)).next_due is None
    assert "no dose today" in schedule.on(D(2026, 3, 18)).words


def test_every_other_day_counts_half_the_prescribed_days():
    days = EOD_SCHEDULE.prescribed_days(D(2026, 3, 5), D(2026, 3, 19))
    assert sorted(days) == [D(2026, 3, day) for day in (5, 7, 9, 13, 15, 17, 19)]


def test_every_other_day_runs_start_and_end_on_dose_days():
    runs = [(run.first, run.last, run.dose_count) for run in EOD_SCHEDULE.runs if run.dose.frequency == EOD]
    assert runs == [(D(2026, 3, 5), D(2026, 3, 9), 3), (D(2026, 3, 13), D(2026, 3, 19), 4)]


def test_an_every_other_day_step_keeps_its_phase_on_off_days():
    assert EOD_SCHEDULE.phase(D(2026, 3, 6)) == "titrating"
    only = Schedule([plan(1, PlannedStep(D(2026, 3, 5), Decimal("1.5"), frequency=EOD))])
    assert only.phase(D(2026, 3, 6)) == "maintenance"


def test_changing_daily_to_every_other_day_is_a_different_prescription():
    daily = Schedule([plan(1, step(D(2026, 3, 5), "1.5"))])
    alternate = Schedule([plan(1, PlannedStep(D(2026, 3, 5), Decimal("1.5"), frequency=EOD))])
    assert alternate.prescribes_otherwise(daily)
    assert not alternate.prescribes_otherwise(alternate)


def test_the_next_dose_days_of_an_every_other_day_step_skip_the_pause():
    assert EOD_SCHEDULE.alternate_days_ahead(D(2026, 3, 6)) == [D(2026, 3, day) for day in (7, 9, 13, 15)]
    assert EOD_SCHEDULE.alternate_days_ahead(D(2026, 3, 17)) == [D(2026, 3, 17), D(2026, 3, 19)] + [
        D(2026, 3, 20),
        D(2026, 3, 21),
    ]
    assert EOD_SCHEDULE.alternate_days_ahead(D(2026, 3, 4)) == []  # a daily step
    assert EOD_SCHEDULE.alternate_days_ahead(D(2026, 3, 11)) == []  # paused


# --- supply: when the dispensed quantity runs out (issue 15) ------------------------------------


def supplied(*steps: PlannedStep, quantity: str, on: dt.date, **fields) -> PlanRecord:
    from journal.schedule import Supply

    return PlanRecord(1, steps, supply=Supply(on, Decimal(quantity), "Riverside Pharmacy"), **fields)


@pytest.mark.parametrize(
    ("plan_record", "pauses", "runs_out"),
    [
        # 30 doses from 1 March, one a day: the 31st day has none left
        (supplied(step(D(2026, 3, 1), "1.5"), quantity="30", on=D(2026, 3, 1)), [], D(2026, 3, 31)),
        # every other day from 1 March: 30 doses last 60 days, the 31st dose day is 30 April
        (
            supplied(
                PlannedStep(D(2026, 3, 1), Decimal("1.5"), frequency=EOD), quantity="30", on=D(2026, 3, 1)
            ),
            [],
            D(2026, 4, 30),
        ),
        # a pause of 3 dose days uses none: 3 days later
        (
            supplied(step(D(2026, 3, 1), "1.5"), quantity="30", on=D(2026, 3, 1)),
            [SURGERY],
            D(2026, 4, 3),
        ),
        # capsules of 1.5 mg: 1.5 mg is one a day, then 3 mg two a day from 15 March
        (
            supplied(
                step(D(2026, 3, 1), "1.5"),
                step(D(2026, 3, 15), "3"),
                quantity="30",
                on=D(2026, 3, 1),
                strength_mg=Decimal("1.5"),
            ),
            [],
            D(2026, 3, 23),  # 14 capsules to 14 March, 16 more by 22 March
        ),
        # a liquid of 1 mg/mL: 1.5 mL a day from 10 mL
        (
            supplied(
                step(D(2026, 3, 1), "1.5"),
                quantity="10",
                on=D(2026, 3, 1),
                form="liquid",
                strength_mg=Decimal("1"),
            ),
            [],
            D(2026, 3, 7),
        ),
        # the plan ends before the supply does
        (
            supplied(step(D(2026, 3, 1), "1.5"), quantity="30", on=D(2026, 3, 1), ended_on=D(2026, 3, 20)),
            [],
            None,
        ),
    ],
)
def test_a_supply_runs_out_on_the_first_dose_day_it_cannot_cover(plan_record, pauses, runs_out):
    schedule = Schedule([plan_record], pauses)
    supply, day = schedule.supply_for(D(2026, 3, 5))
    assert supply.pharmacy == "Riverside Pharmacy"
    assert day == runs_out


def test_no_supply_recorded_is_no_answer():
    assert Schedule([plan(1, step(D(2026, 3, 1), "1.5"))]).supply_for(D(2026, 3, 5)) is None
    assert Schedule().supply_for(D(2026, 3, 5)) is None


# Plan 1 tapers from 3 mg to 1.5 mg on 20 March and ends on 1 April, when plan 2 (written
# before then) starts; plan 3 follows after a gap, on 1 May. A pause 22–24 March.
TAPER_THEN_NEXT = Schedule(
    [
        plan(1, step(D(2026, 3, 1), "3"), step(D(2026, 3, 20), "1.5"), ended_on=D(2026, 4, 1)),
        plan(2, step(D(2026, 4, 1), "3"), ended_on=D(2026, 4, 20)),
        plan(3, step(D(2026, 5, 1), "4.5")),
    ],
    [PausePeriod(D(2026, 3, 22), D(2026, 3, 24), "surgery")],
)


@pytest.mark.parametrize(
    ("day", "plan_id"),
    [
        (D(2026, 2, 20), 1),  # before the first dose: the plan that starts next
        (D(2026, 3, 23), 1),  # a pause: the plan in force, not the one written next
        (D(2026, 3, 25), 1),  # the taper: the next plan is written but has not begun
        (D(2026, 4, 1), 2),
        (D(2026, 4, 25), 3),  # between plans: the one that starts next
        (D(2026, 5, 10), 3),
    ],
)
def test_the_supply_that_counts_is_the_plan_in_force_else_the_next(day, plan_id):
    assert TAPER_THEN_NEXT.supplied_plan(day) == plan_id


def test_no_plan_on_or_after_the_day_has_no_supply_that_counts():
    assert ENDED_ONLY.supplied_plan(D(2026, 4, 2)) is None
    assert Schedule().supplied_plan(D(2026, 4, 2)) is None


@pytest.mark.parametrize("schedule", [EOD_SCHEDULE, TWO_PLANS, ENDED_ONLY, TAPERING, SCHEDULE, Schedule([])])
def test_each_day_answers_as_each_single_day_question_does(schedule):
    days = [D(2025, 12, 1) + offset * DAY for offset in range(400)]
    answers = list(schedule.each_day(days))
    assert [answer.prescribed for answer in answers] == [schedule.prescribed(day) for day in days]
    assert [answer.step for answer in answers] == [schedule.step_on(day) for day in days]
    assert [answer.pause for answer in answers] == [schedule.pause_on(day) for day in days]


# An ended plan 1 Mar–31 Mar, a gap, the next from 10 Apr; a pause 5–6 Mar (a pause is no gap).
WITH_A_GAP = Schedule(
    [
        PlanRecord(1, (PlannedStep(D(2026, 3, 1), Decimal("1.5")),), ended_on=D(2026, 4, 1)),
        PlanRecord(2, (PlannedStep(D(2026, 4, 10), Decimal("3")),)),
    ],
    [PausePeriod(D(2026, 3, 5), D(2026, 3, 6), "surgery")],
)


@pytest.mark.parametrize(
    ("first", "last", "without"),
    [
        (D(2026, 2, 27), D(2026, 3, 1), [D(2026, 2, 27), D(2026, 2, 28)]),  # before the first plan
        (D(2026, 3, 4), D(2026, 3, 7), []),  # a pause: the step is still in force
        (D(2026, 3, 31), D(2026, 4, 2), [D(2026, 4, 1), D(2026, 4, 2)]),  # the end date prescribes nothing
        (D(2026, 4, 8), D(2026, 4, 11), [D(2026, 4, 8), D(2026, 4, 9)]),
        (D(2026, 5, 1), D(2026, 5, 1), []),
        (D(2026, 5, 2), D(2026, 5, 1), []),  # an empty range
    ],
)
def test_days_without_a_step(first, last, without):
    assert WITH_A_GAP.days_without_step(first, last) == without
