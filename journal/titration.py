"""What is prescribed on a given date.

A patient's schedule is the dose steps of their non-draft plans. On day D the prescription
is the latest step that has started by D, unless its plan had ended by D or LDN is paused
on D. Plan templates and dose bands (what a clinician may write) live here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ScheduledStep:
    start_date: dt.date
    dose_mg: Decimal
    timing: str
    plan_id: int
    plan_ends_on: dt.date | None = None
    form: str = "capsule"
    strength_mg: Decimal | None = None


@dataclass(frozen=True)
class PausePeriod:
    start_date: dt.date
    end_date: dt.date  # last paused day

    def covers(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date


def _in_force(step: ScheduledStep, day: dt.date) -> bool:
    return step.start_date <= day and (step.plan_ends_on is None or day < step.plan_ends_on)


def prescribed_on(
    schedule: Iterable[ScheduledStep], day: dt.date, pauses: Iterable[PausePeriod] = ()
) -> ScheduledStep | None:
    """The step prescribed on `day`, or None before the first dose, after a plan ends, or
    during a pause."""
    if any(pause.covers(day) for pause in pauses):
        return None
    candidates = [step for step in schedule if _in_force(step, day)]
    return max(candidates, key=lambda step: step.start_date, default=None)


def next_step_after(schedule: Sequence[ScheduledStep], day: dt.date) -> ScheduledStep | None:
    """The first step that starts after `day` (the next step-up, step-down or switch)."""
    later = [step for step in schedule if step.start_date > day]
    return min(later, key=lambda step: step.start_date, default=None)


def first_dose_date(schedule: Iterable[ScheduledStep]) -> dt.date | None:
    return min((step.start_date for step in schedule), default=None)


def format_mg(dose: Decimal) -> str:
    """0.125 → "0.125", 3.000 → "3", 1.500 → "1.5"."""
    return f"{dose.normalize():f}"


def measured_amount(dose_mg: Decimal, form: str, strength_mg: Decimal | None) -> str | None:
    """What to measure out for `dose_mg`, with the mg, for a plan's form and strength: a
    liquid's strength is mg per mL ("1.5 mL = 1.5 mg"), a capsule's is mg per capsule
    ("2 capsules = 3 mg"). None when there is nothing to measure (no strength, a cream) or
    the dose is not a whole number of capsules, so the patient is never told to split one."""
    if not strength_mg:
        return None
    amount = dose_mg / strength_mg
    if form == "liquid":
        return f"{format_mg(amount.quantize(Decimal('0.01')))} mL = {format_mg(dose_mg)} mg"
    if form == "capsule" and amount == amount.to_integral_value():
        count = int(amount)
        return f"{count} capsule{'' if count == 1 else 's'} = {format_mg(dose_mg)} mg"
    return None


# --- plan templates --------------------------------------------------------------------


@dataclass(frozen=True)
class PlanTemplate:
    """A titration scheme as a few parameters: start low, step up by `increment_mg` every
    `interval_days` days until `target_mg` ("start low, go slow" [000, 003])."""

    key: str
    label: str
    start_mg: Decimal | None
    increment_mg: Decimal | None
    interval_days: int | None
    target_mg: Decimal | None
    description: str


PLAN_TEMPLATES: dict[str, PlanTemplate] = {
    template.key: template
    for template in (
        PlanTemplate("standard", "Standard", Decimal("1.5"), Decimal("1.5"), 14, Decimal("4.5"),
                     "1.5 mg, +1.5 mg every 14 days, to 4.5 mg: the dose most research used [003]."),
        PlanTemplate("gentle", "Gentle", Decimal("0.5"), Decimal("0.5"), 7, Decimal("3"),
                     "0.5 mg, +0.5 mg every 7 days, to 3 mg: start very low [003]; 3 mg suits most [004]."),
        PlanTemplate("sensitive", "Sensitive", Decimal("0.5"), Decimal("0.25"), 14, Decimal("1.5"),
                     "0.5 mg, +0.25 mg every 14 days, to 1.5 mg: slower build-up, fewer side effects [000]."),
        PlanTemplate("ultra-low", "Ultra-low", Decimal("0.125"), Decimal("0.125"), 14, Decimal("0.5"),
                     "0.125 mg, +0.125 mg every 14 days, to 0.5 mg: the ultra-low band, 0.125–0.5 mg [004]."),
        PlanTemplate("custom", "Custom", None, None, None, None,
                     "Set every parameter yourself."),
    )
}


def generate_steps(start_date: dt.date, start_mg: Decimal, increment_mg: Decimal, interval_days: int,
                   target_mg: Decimal) -> list[tuple[dt.date, Decimal]]:
    """The dated steps of a template: `start_mg` on `start_date`, then one step up every
    `interval_days` days, the last step capped at `target_mg`. A start at or above the
    target, or no increment, is a single step at the start dose."""
    steps = [(start_date, start_mg)]
    dose, day = start_mg, start_date
    if increment_mg <= 0 or interval_days <= 0:
        return steps
    while dose < target_mg:
        dose = min(dose + increment_mg, target_mg)
        day += dt.timedelta(days=interval_days)
        steps.append((day, dose))
    return steps


# --- dose bands ------------------------------------------------------------------------

DOSE_DECIMALS = 3
DOSE_WARN_ABOVE_MG = Decimal("5")
DOSE_REFUSE_FROM_MG = Decimal("50")
STEP_UP_WARN_ABOVE_MG = Decimal("1.5")
LOW_DOSE_FROM_MG = Decimal("1.5")
ULTRA_LOW_UP_TO_MG = Decimal("0.5")
DOSE_MAX_MG = Decimal("16")  # highest LDN dose in the literature [003]; models.DOSE_MAX_MG


@dataclass(frozen=True)
class DoseFinding:
    """One dose-band outcome. `refuse` cannot be saved; `warn` needs the clinician's
    recorded confirmation; `note` is information."""

    level: str  # "refuse" | "warn" | "note"
    code: str
    message: str
    reason: str


def check_dose(dose_mg: Decimal) -> list[DoseFinding]:
    """The bands one dose falls in (refusals before the warning)."""
    shown = format_mg(dose_mg)
    if dose_mg >= DOSE_REFUSE_FROM_MG:
        return [DoseFinding("refuse", "not_ldn", f"{shown} mg is standard-dose naltrexone, not LDN.",
                            "50 mg is the commercial tablet; typed into an LDN plan it is almost surely "
                            "an error. LDN is roughly a tenth of that [000, 003].")]
    if dose_mg <= 0:
        return [DoseFinding("refuse", "not_positive", "A dose must be more than 0 mg.",
                            "A step prescribes a dose; to stop LDN, end the plan or record a pause.")]
    if dose_mg > DOSE_MAX_MG:
        return [DoseFinding("refuse", "above_max", f"{shown} mg is above {format_mg(DOSE_MAX_MG)} mg.",
                            "Doses from 0.001 mg up to 16 mg have been used as LDN [003].")]
    if -dose_mg.normalize().as_tuple().exponent > DOSE_DECIMALS:
        return [DoseFinding("refuse", "too_precise", f"{shown} mg has more than 3 decimals.",
                            "0.001 mg is the smallest dose step used [003]; finer amounts cannot be "
                            "measured.")]
    if dose_mg > DOSE_WARN_ABOVE_MG:
        return [DoseFinding("warn", "above_usual", f"{shown} mg is above the usual LDN range.",
                            "The usual range is 1.5–4.5 mg/day; anything above 4.5–5 mg deserves a "
                            "second look [003, 004].")]
    return []


def check_step_up(previous_mg: Decimal, dose_mg: Decimal) -> list[DoseFinding]:
    rise = dose_mg - previous_mg
    if rise <= STEP_UP_WARN_ABOVE_MG:
        return []
    return [DoseFinding("warn", "big_step_up",
                        f"A step up of {format_mg(rise)} mg ({format_mg(previous_mg)} → {format_mg(dose_mg)} "
                        "mg) is larger than 1.5 mg.",
                        "Start low, go slow: a slower build-up reduces side effects, which appear when "
                        "the dose is increased [000, 003].")]


def check_target(target_mg: Decimal) -> list[DoseFinding]:
    if target_mg >= LOW_DOSE_FROM_MG or target_mg <= 0:
        return []
    band = "ultra-low (0.125–0.5 mg)" if target_mg <= ULTRA_LOW_UP_TO_MG else "very-low (0.5–1.5 mg)"
    return [DoseFinding("note", "below_low_dose",
                        f"A target of {format_mg(target_mg)} mg is {band} dosing.",
                        "Low-dose LDN is about 1.5–5 mg/day; lower bands are used by sensitive "
                        "patients [000, 004].")]


def check_plan(doses: Sequence[Decimal], previous_mg: Decimal | None = None) -> list[DoseFinding]:
    """Every band finding for a run of step doses in date order, each finding once: each
    dose, each step up (from `previous_mg` before the first), and the target (the highest
    dose). Refusals first, then warnings, then notes."""
    findings: list[DoseFinding] = []
    before = previous_mg
    for dose in doses:
        findings += check_dose(dose)
        if before is not None:
            findings += check_step_up(before, dose)
        before = dose
    if doses and previous_mg is None:
        findings += check_target(max(doses))
    unique = list(dict.fromkeys(findings))
    order = {"refuse": 0, "warn": 1, "note": 2}
    return sorted(unique, key=lambda finding: order[finding.level])


# --- phase -----------------------------------------------------------------------------

PHASES = ("baseline", "titrating", "maintenance", "paused", "ended")


def phase(schedule: Sequence[ScheduledStep], day: dt.date, pauses: Iterable[PausePeriod] = ()) -> str:
    """Where a patient is on `day`:
    - baseline: no dose yet (no step, or the first dose is still ahead), paused or not;
    - paused: a recorded pause covers the day;
    - titrating: a dose is prescribed and a later step changes the dose (up or down);
    - maintenance: a dose is prescribed and no dose change is scheduled (a timing switch
      does not count);
    - ended: nothing is prescribed after a first dose, and nothing is scheduled."""
    pauses = list(pauses)
    first = first_dose_date(schedule)
    if first is None or day < first:
        return "baseline"
    if any(pause.covers(day) for pause in pauses):
        return "paused"
    current = prescribed_on(schedule, day, pauses)
    later = [step for step in schedule if step.start_date > day]
    if current is None:
        return "paused" if later else "ended"
    in_force_later = [step for step in later if _in_force(step, step.start_date)]
    if any(step.dose_mg != current.dose_mg for step in in_force_later):
        return "titrating"
    return "maintenance"
