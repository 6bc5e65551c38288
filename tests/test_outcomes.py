"""journal.outcomes: the clinic's figures, checked against a small cohort computed by hand."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest

from journal.advice import ReportedSideEffect
from journal.assessment import LoggedEntry, Measure, PatientRecord
from journal.outcomes import (
    ALL_PATIENTS,
    NO_REASON,
    RARE_REASONS,
    WINDOWS,
    CohortPatient,
    RateRow,
    TimeOnLdn,
    clinic_outcomes,
    dose_reached,
    kaplan_meier,
    logged_share,
    outcome_csv_lines,
    outcomes_as_data,
    outcomes_from_data,
    stop_reasons,
    survival_months,
    time_on_ldn,
)
from journal.schedule import PausePeriod, PlannedStep, PlanRecord, Schedule

DAY = dt.timedelta(days=1)
FIRST = dt.date(2026, 1, 5)  # every patient's first dose but G's
TODAY = FIRST + 200 * DAY
MOMENT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
EIGHT_TO_TEN, THREE_TO_SIX = WINDOWS


def days(first: int, last: int, score: int) -> dict[int, int]:
    return dict.fromkeys(range(first, last + 1), score)


def patient(
    pid: int,
    conditions: tuple[str, ...],
    steps: tuple[tuple[int, str], ...],
    pain: dict[int, int],
    *,
    first: dt.date = FIRST,
    today: dt.date = TODAY,
    ended_on: int | None = None,
    side_effects: tuple[tuple[int, str], ...] = (),
) -> CohortPatient:
    """Pain (lower is better) on the days given (days from the first dose), an entry on each."""
    plan = PlanRecord(
        pid,
        tuple(PlannedStep(first + offset * DAY, Decimal(mg)) for offset, mg in steps),
        ended_on=first + ended_on * DAY if ended_on is not None else None,
    )
    series = tuple((first + offset * DAY, score) for offset, score in sorted(pain.items()))
    entries = tuple(
        LoggedEntry(day, day >= first, None, "", MOMENT, MOMENT) for day, _ in series if day <= today
    )
    record = PatientRecord(
        today=today,
        schedule=Schedule([plan]),
        measures=(Measure("Pain", False, series),),
        entries=entries,
        side_effects=tuple(ReportedSideEffect(first + day * DAY, kind, "mild") for day, kind in side_effects),
    )
    return CohortPatient(pid, record, conditions)


BASELINE = days(-7, -1, 8)  # a baseline of 8
FIBRO, CROHNS = ("Fibromyalgia",), ("Crohn's disease",)

# The cohort, by hand (pain baseline 8; the class by IMMPACT's improvement in % of baseline):
#   A Fibro  1.5 → 3 mg (day 28); 8–10 wk 4 (50 %: substantial), 3–6 mo 4: responds in both;
#            insomnia on day 30, new after the step-up.
#   B Fibro  1.5 → 3 mg; 8–10 wk 6 (25 %: minimal), 3–6 mo 5 (37.5 %: moderate);
#            a headache on day 20 and again on day 30: not new after the step.
#   C Fibro  1.5 → 3 (day 28) → 4.5 mg (day 42), plan ended on day 150; no change (8) in both;
#            nausea on day 44: new after the second step-up, nothing after the first.
#   D Crohn's 3 mg from the start; 8–10 wk 2 (75 %: substantial); nothing logged after day 70.
#   E Crohn's a baseline of 2 entries (too thin: never judged).
#   F Crohn's 1.5 → 4.5 mg (day 28, a step of 3 mg); 8–10 wk 9 and 3–6 mo 9: worse.
#   G Fibro  first dose 60 days ago, 1.5 → 3 mg (day 28); days 56–60 at 4 (4 entries or more:
#            the 8–10-week window is judged while open, substantial); 3–6 months not begun.
COHORT = [
    patient(
        1,
        FIBRO,
        ((0, "1.5"), (28, "3")),
        BASELINE | days(56, 70, 4) | days(91, 182, 4),
        side_effects=((30, "insomnia"),),
    ),  # fmt: skip
    patient(
        2,
        FIBRO,
        ((0, "1.5"), (28, "3")),
        BASELINE | days(56, 70, 6) | days(91, 182, 5),
        side_effects=((20, "headache"), (30, "headache")),
    ),  # fmt: skip
    patient(
        3,
        FIBRO,
        ((0, "1.5"), (28, "3"), (42, "4.5")),
        BASELINE | days(56, 70, 8) | days(91, 182, 8),
        ended_on=150,
        side_effects=((44, "nausea"),),
    ),  # fmt: skip
    patient(4, CROHNS, ((0, "3"),), BASELINE | days(56, 70, 2)),
    patient(5, CROHNS, ((0, "1.5"),), days(-2, -1, 8) | days(56, 70, 4)),
    patient(6, CROHNS, ((0, "1.5"), (28, "4.5")), BASELINE | days(56, 70, 9) | days(91, 182, 9)),
    patient(
        7, FIBRO, ((0, "1.5"), (28, "3")), BASELINE | days(56, 60, 4), first=TODAY - 60 * DAY
    ),  # fmt: skip
]


def rows(found: list[RateRow]) -> list[tuple[str, int, int, int, int | None]]:
    return [(str.__str__(row.group), row.patients, row.n, row.count, row.percent) for row in found]


def test_responder_rates_of_the_hand_computed_cohort():
    outcomes = clinic_outcomes(COHORT)
    (_, initial), (_, full) = outcomes.rates_by_condition
    # 8–10 weeks: judged A B C D F G (E's baseline is too thin); A, D and G respond: 3 of 6.
    # Fibromyalgia A B C G (2 respond), Crohn's D F (1): both fewer than 5, no percent.
    assert rows(initial) == [
        ("All patients", 6, 6, 3, 50),
        ("Crohn's disease", 2, 2, 1, None),
        ("Fibromyalgia", 4, 4, 2, None),
    ]
    # 3–6 months: A B C F judged (D logged nothing then, G has not begun it); A and B respond.
    assert rows(full) == [
        ("All patients", 4, 4, 2, None),
        ("Crohn's disease", 1, 1, 0, None),
        ("Fibromyalgia", 3, 3, 2, None),
    ]
    assert all(row.suppressed for row in full)


def test_responder_rates_by_the_dose_reached():
    (_, initial), _ = clinic_outcomes(COHORT).rates_by_dose
    # By day 70 (G: by today, day 60): 3 mg A B D G (A D G respond), 4.5 mg C F (none).
    assert rows(initial) == [
        ("All patients", 6, 6, 3, 50),
        ("3 mg", 4, 4, 3, None),
        ("4.5 mg", 2, 2, 0, None),
    ]


def test_a_step_a_pause_covered_whole_is_no_dose_reached():
    """1.5 mg from the first dose; 3 mg planned from day 20, but a pause covers days 20–34 and
    1.5 mg follows from day 35: 3 mg was never prescribed on any day."""
    schedule = Schedule(
        [
            PlanRecord(
                1,
                (
                    PlannedStep(FIRST, Decimal("1.5")),
                    PlannedStep(FIRST + 20 * DAY, Decimal("3")),
                    PlannedStep(FIRST + 35 * DAY, Decimal("1.5")),
                ),
            )
        ],
        [PausePeriod(FIRST + 20 * DAY, FIRST + 34 * DAY, "surgery")],
    )
    assert dose_reached(PatientRecord(today=TODAY, schedule=schedule), EIGHT_TO_TEN) == Decimal("1.5")


def test_time_to_first_response_looks_week_by_week():
    first = clinic_outcomes(COHORT).first_response
    # Weekly looks from week 8 (day 56): on day 56 the 8–10-week window holds 1 entry (4
    # needed), so A and D first respond on day 63; B's minimal response becomes moderate on
    # day 98, when the 3–6-month window has 8 entries. G (day 60 today) has had only the
    # day-56 look. All 7 were followed from week 8; 3 responded: median 63 days, fewer than 5.
    assert (first.followed, first.responded, first.median_days) == (7, 3, 63)
    assert first.suppressed and first.median_weeks is None


def test_the_survival_curve_of_the_cohort():
    outcomes = clinic_outcomes(COHORT)
    # C stopped on day 150 (the plan ended); the others are censored at their last entry:
    # A B F day 182, D E day 70, G day 60.
    assert sorted((t.days, t.stopped) for t in outcomes.survival_times) == [
        (60, False), (70, False), (70, False), (150, True), (182, False), (182, False), (182, False),
    ]  # fmt: skip
    # Day 60: 7 at risk, G censored. Day 70: 6 at risk, D and E censored. Day 150: 4 at risk,
    # 1 stops: 3/4 still on. Months (30 days): day 0, 30 and 60 have 7 followed, 100 %;
    # from day 90 only A B C F (4) are followed: suppressed; nobody is followed on day 210.
    assert [(m.month, m.at_risk, m.stopped, m.percent) for m in outcomes.survival] == [
        (0, 7, 0, 100), (1, 7, 0, 100), (2, 7, 0, 100), (3, 4, 0, None), (4, 4, 0, None),
        (5, 4, 1, None), (6, 3, 1, None), (7, 0, 1, None),
    ]  # fmt: skip
    assert kaplan_meier(outcomes.survival_times)[-2].still_on == Fraction(3, 4)


def test_kaplan_meier_by_hand_with_a_tie():
    # Stops on days 40, 70, 120; censored on 40 (the same day as a stop), 100 and 150.
    times = [TimeOnLdn(40, True), TimeOnLdn(40, False), TimeOnLdn(70, True), TimeOnLdn(100, False),
             TimeOnLdn(120, True), TimeOnLdn(150, False)]  # fmt: skip
    # Day 40: 6 at risk, 1 stop: 5/6 (the censored one counts at risk that day).
    # Day 70: 4 at risk, 1 stop: 5/6 · 3/4 = 5/8. Day 100: censored, 5/8 with 3 at risk.
    # Day 120: 2 at risk, 1 stop: 5/16. Day 150: 1 censored.
    assert [(s.day, s.at_risk, s.stopped, s.censored, s.still_on) for s in kaplan_meier(times)] == [
        (40, 6, 1, 1, Fraction(5, 6)),
        (70, 4, 1, 0, Fraction(5, 8)),
        (100, 3, 0, 1, Fraction(5, 8)),
        (120, 2, 1, 0, Fraction(5, 16)),
        (150, 1, 0, 1, Fraction(5, 16)),
    ]
    # Month 1 (day 30): 6 followed, 100 %; month 2 (day 60): 4 followed, fewer than 5.
    assert [(m.month, m.percent) for m in survival_months(times, months=2)] == [(0, 100), (1, 100), (2, None)]


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        # Stopped: the first day nothing was prescribed, counted from the first dose.
        (
            patient(1, (), ((0, "1"),), days(0, 10, 5), ended_on=30, today=FIRST + 40 * DAY),
            TimeOnLdn(30, True),
        ),
        # Still on: censored at the last entry.
        (patient(1, (), ((0, "1"),), days(0, 12, 5), today=FIRST + 40 * DAY), TimeOnLdn(12, False)),
        # A plan that ends later is still on.
        (
            patient(1, (), ((0, "1"),), days(0, 5, 5), ended_on=60, today=FIRST + 40 * DAY),
            TimeOnLdn(5, False),
        ),
        # Nothing logged since the first dose: censored on day 0.
        (patient(1, (), ((0, "1"),), days(-3, -1, 5), today=FIRST + 40 * DAY), TimeOnLdn(0, False)),
        # The first dose still ahead: not in the curve.
        (patient(1, (), ((5, "1"),), days(-3, -1, 5), today=FIRST), None),
    ],
)
def test_time_on_ldn(case, expected):
    assert time_on_ldn(case) == expected


def test_side_effects_after_step_ups_by_step_size():
    outcomes = clinic_outcomes(COHORT)
    # Step-ups of 1.5 mg: A (new insomnia), B (headache already there), C day 28 (nothing),
    # C day 42 (new nausea), G (nothing): 2 of 5 step-ups, 4 patients. 3 mg: F, nothing.
    assert rows(outcomes.side_effects) == [
        ("All patients", 5, 6, 2, 33),
        ("+1.5 mg", 4, 5, 2, None),
        ("+3 mg", 1, 1, 0, None),
    ]


def test_a_step_up_whose_14_days_have_not_passed_is_not_counted():
    recent = patient(1, (), ((0, "1"), (30, "2")), {}, side_effects=((31, "nausea"),), today=FIRST + 43 * DAY)
    assert clinic_outcomes([recent]).side_effects == []


@pytest.mark.parametrize(
    ("logged", "today", "expected"),
    [
        # Days 0–9 prescribed, today (day 9) not logged yet: 5 of 9 logged.
        (days(0, 4, 5), 9, Fraction(5, 9)),
        # Today logged counts: 10 of 10.
        (days(0, 9, 5), 9, Fraction(1)),
        # Baseline entries are not prescribed days: 0 of 3.
        (days(-5, -1, 5), 3, Fraction(0)),
    ],
)
def test_logged_share(logged, today, expected):
    assert logged_share(patient(1, (), ((0, "1"),), logged, today=FIRST + today * DAY).record) == expected


def test_logging_adherence_rows_carry_their_n_and_hide_small_groups():
    everyone = [
        patient(n, FIBRO if n < 5 else CROHNS, ((0, "1"),), days(0, n, 5), today=FIRST + 9 * DAY)
        for n in range(6)
    ]
    rows = clinic_outcomes(everyone).adherence
    # Logged 1..6 of 9 days: 11 %, 22 %, 33 %, 44 %, 56 %, 67 %; median (3/9 + 4/9)/2 = 39 %.
    assert (str.__str__(rows[0].group), rows[0].patients, rows[0].median_percent, rows[0].bands) == (
        str.__str__(ALL_PATIENTS),
        6,
        39,
        (0, 2, 4),
    )
    assert [(str.__str__(r.group), r.patients, r.suppressed) for r in rows[1:]] == [
        ("Crohn's disease", 1, True),
        ("Fibromyalgia", 5, False),
    ]


def test_an_empty_cohort_has_no_figures():
    outcomes = clinic_outcomes([])
    assert outcomes.patients == outcomes.started == 0
    assert outcomes.side_effects == outcomes.adherence == outcomes.stop_reasons == []
    assert outcomes.survival_suppressed


def stopped(pid: int, reason: str) -> CohortPatient:
    """A patient whose plan ended on day 100, told `reason`."""
    ended = patient(pid, FIBRO, ((0, "1.5"),), BASELINE | days(0, 99, 6), ended_on=100)
    return replace(ended, stop_reason=reason)


def test_why_patients_stop_by_reason_rare_reasons_together_and_none_in_plain_words():
    cohort = (
        [stopped(n, "Side effects: vivid dreams") for n in range(5)]
        + [stopped(10, "side effects:  VIVID dreams")]  # the same reason, spelled otherwise
        + [stopped(20 + n, "No benefit after 6 months") for n in range(5)]
        + [stopped(30, "Moved to Lisbon"), stopped(31, "Pregnancy")]  # each told to one patient
        + [stopped(40 + n, "") for n in range(3)]
        + [replace(COHORT[0], stop_reason="Still on LDN: not counted")]
    )
    assert rows(stop_reasons(cohort)) == [
        ("Side effects: vivid dreams", 6, 16, 6, 38),
        ("No benefit after 6 months", 5, 16, 5, 31),
        (str.__str__(RARE_REASONS), 2, 16, 2, None),
        (str.__str__(NO_REASON), 3, 16, 3, None),
    ]
    # A rare reason's words appear nowhere, not even as a suppressed group's name.
    assert "Lisbon" not in "".join(outcome_csv_lines(clinic_outcomes(cohort)))
    assert str(NO_REASON) == "No reason recorded"


def test_the_stored_figures_read_back_as_computed_and_stay_small():
    computed = clinic_outcomes(COHORT + [stopped(50 + n, "No benefit") for n in range(5)])
    stored = outcomes_as_data(computed)
    assert json.loads(json.dumps(stored)) == stored  # plain JSON
    read = outcomes_from_data(json.loads(json.dumps(stored)))
    assert list(outcome_csv_lines(read)) == list(outcome_csv_lines(computed))
    assert replace(read, survival_times=computed.survival_times) == computed
    # The groups' names stay phrases, shown in the reader's language when read.
    assert type(read.rates_by_condition[0][1][0].group) is type(ALL_PATIENTS)
    # One patient's time on LDN each is not kept: the size grows with the groups only.
    bigger = clinic_outcomes(COHORT * 20)
    assert len(json.dumps(outcomes_as_data(bigger))) < 2 * len(
        json.dumps(outcomes_as_data(clinic_outcomes(COHORT)))
    )
