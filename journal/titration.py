"""What a clinician may prescribe: plan templates, and the dose rules a plan is checked
against ("start low, go slow").

What is prescribed on a given day is `journal.schedule`'s business; this module only judges
doses a clinician is about to write. Every rule is declared once in `DOSE_RULES`, with its
reason and source, and the rulebook page lists them from there.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from journal.bounds import DOSE_DECIMALS, DOSE_MAX_MG, PLAN_STEPS_MAX
from journal.findings import Finding, Level, Rule, ordered, rule_table
from journal.schedule import DAY
from journal.wording import as_phrase, gettext_noop, phrase

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

    def __post_init__(self) -> None:
        for name in ("label", "description"):
            object.__setattr__(self, name, as_phrase(getattr(self, name)))


PLAN_TEMPLATES: dict[str, PlanTemplate] = {
    template.key: template
    for template in (
        PlanTemplate(
            "standard",
            gettext_noop("Standard"),
            Decimal("1.5"),
            Decimal("1.5"),
            14,
            Decimal("4.5"),
            gettext_noop("1.5 mg, +1.5 mg every 14 days, to 4.5 mg: the dose most research used [003]."),
        ),
        PlanTemplate(
            "gentle",
            gettext_noop("Gentle"),
            Decimal("0.5"),
            Decimal("0.5"),
            7,
            Decimal("3"),
            gettext_noop(
                "0.5 mg, +0.5 mg every 7 days, to 3 mg: start very low [003]; 3 mg suits most [004]."
            ),
        ),
        PlanTemplate(
            "sensitive",
            gettext_noop("Sensitive"),
            Decimal("0.5"),
            Decimal("0.25"),
            14,
            Decimal("1.5"),
            gettext_noop(
                "0.5 mg, +0.25 mg every 14 days, to 1.5 mg: slower build-up, fewer side effects [000]."
            ),
        ),
        PlanTemplate(
            "ultra-low",
            gettext_noop("Ultra-low"),
            Decimal("0.125"),
            Decimal("0.125"),
            14,
            Decimal("0.5"),
            gettext_noop(
                "0.125 mg, +0.125 mg every 14 days, to 0.5 mg: the ultra-low band, 0.125–0.5 mg [004]."
            ),
        ),
        PlanTemplate(
            "custom",
            gettext_noop("Custom"),
            None,
            None,
            None,
            None,
            gettext_noop("Set every parameter yourself."),
        ),
    )
}


def step_count(start_mg: Decimal, increment_mg: Decimal, target_mg: Decimal) -> int:
    """How many steps `generate_steps` makes of these doses, without making them."""
    if increment_mg <= 0 or start_mg >= target_mg:
        return 1
    return 1 + math.ceil((target_mg - start_mg) / increment_mg)


def generate_steps(
    start_date: dt.date, start_mg: Decimal, increment_mg: Decimal, interval_days: int, target_mg: Decimal
) -> list[tuple[dt.date, Decimal]]:
    """The dated steps of a template: `start_mg` on `start_date`, then one step up every
    `interval_days` days, the last step capped at `target_mg`. A start at or above the
    target, or no increment, is a single step at the start dose. More than
    `PLAN_STEPS_MAX` steps is a ValueError: callers check `step_count` first."""
    if (count := step_count(start_mg, increment_mg, target_mg)) > PLAN_STEPS_MAX:
        raise ValueError(f"{count} steps is more than a plan may have ({PLAN_STEPS_MAX}).")
    steps = [(start_date, start_mg)]
    dose, day = start_mg, start_date
    if increment_mg <= 0 or interval_days <= 0:
        return steps
    while dose < target_mg:
        dose = min(dose + increment_mg, target_mg)
        day += dt.timedelta(days=interval_days)
        steps.append((day, dose))
    return steps


# --- dose bands and rules ------------------------------------------------------------------

DOSE_WARN_ABOVE_MG = Decimal("5")
DOSE_REFUSE_FROM_MG = Decimal("50")
STEP_UP_WARN_ABOVE_MG = Decimal("1.5")
START_WARN_ABOVE_MG = Decimal("1.5")
PAST_START_WARN_DAYS = 7


@dataclass(frozen=True)
class DoseBand:
    """A named range of daily doses, as the source names it."""

    name: str
    low_mg: Decimal
    high_mg: Decimal
    source: str

    @property
    def label(self) -> str:
        return phrase(
            gettext_noop("{band} ({low}–{high} mg)"),
            band=as_phrase(self.name),
            low=self.low_mg,
            high=self.high_mg,
        )


DOSE_BANDS: tuple[DoseBand, ...] = (
    DoseBand(gettext_noop("ultra-low"), Decimal("0.125"), Decimal("0.5"), "[004]"),
    DoseBand(gettext_noop("very-low"), Decimal("0.5"), Decimal("1"), "[004]"),
    DoseBand(gettext_noop("low-dose"), Decimal("1.5"), Decimal("5"), "[004]"),
)
ULTRA_LOW, VERY_LOW, LOW_DOSE = DOSE_BANDS


DOSE_RULES: dict[str, Rule] = rule_table(
    Rule(
        "not_ldn",
        Level.REFUSE,
        gettext_noop("A dose of 50 mg or more."),
        gettext_noop(
            "50 mg is the commercial tablet; typed into an LDN plan it is almost surely an error. "
            "LDN is roughly a tenth of that [000, 003]."
        ),
    ),
    Rule(
        "not_positive",
        Level.REFUSE,
        gettext_noop("A dose of 0 mg or less."),
        gettext_noop("A step prescribes a dose; to stop LDN, end the plan or record a pause."),
    ),
    Rule(
        "above_max",
        Level.REFUSE,
        gettext_noop("A dose above 16 mg."),
        gettext_noop("Doses from 0.001 mg up to 16 mg have been used as LDN [003]."),
    ),
    Rule(
        "too_precise",
        Level.REFUSE,
        gettext_noop("A dose with more than 3 decimals."),
        gettext_noop("0.001 mg is the smallest dose used [003]; finer amounts cannot be measured."),
    ),
    Rule(
        "above_usual",
        Level.WARN,
        gettext_noop("A dose above 5 mg."),
        gettext_noop(
            "The usual range is 1.5–4.5 mg/day; anything above 4.5–5 mg deserves a second look [003, 004]."
        ),
    ),
    Rule(
        "big_step_up",
        Level.WARN,
        gettext_noop(
            "A step up of more than 1.5 mg, including from the previous plan's last dose "
            "to a new plan's first."
        ),
        gettext_noop(
            "Start low, go slow: a slower build-up reduces side effects, which appear when the dose "
            "is increased [000, 003]."
        ),
    ),
    Rule(
        "start_high",
        Level.WARN,
        gettext_noop("A patient's first plan starting above 1.5 mg."),
        gettext_noop(
            "Start very low, e.g. 0.5 mg [003] or 1–1.25 mg [000], and raise every few weeks; a "
            "slower build-up reduces side effects [000]."
        ),
    ),
    Rule(
        "start_in_past",
        Level.WARN,
        gettext_noop("A plan whose first dose is more than 7 days ago."),
        gettext_noop(
            "A plan records what the patient is told to take from its start; a start long past "
            "rewrites what was prescribed on days already logged (the app's own rule)."
        ),
    ),
    Rule(
        "below_low_dose",
        Level.NOTE,
        gettext_noop("A first plan whose target is below 1.5 mg."),
        gettext_noop(
            "Low-dose LDN is about 1.5–5 mg/day; the ultra-low (0.125–0.5 mg) and very-low "
            "(0.5–1 mg) bands are used by sensitive patients [000, 004]."
        ),
    ),
)


def check_dose(dose_mg: Decimal) -> list[Finding]:
    """The bands one dose falls in (a refusal, or the warning)."""
    if dose_mg >= DOSE_REFUSE_FROM_MG:
        return [
            DOSE_RULES["not_ldn"].finding(
                phrase(gettext_noop("{dose} mg is standard-dose naltrexone, not LDN."), dose=dose_mg)
            )
        ]
    if dose_mg <= 0:
        return [DOSE_RULES["not_positive"].finding(gettext_noop("A dose must be more than 0 mg."))]
    if dose_mg > DOSE_MAX_MG:
        return [
            DOSE_RULES["above_max"].finding(
                phrase(gettext_noop("{dose} mg is above {most} mg."), dose=dose_mg, most=DOSE_MAX_MG)
            )
        ]
    exponent = dose_mg.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > DOSE_DECIMALS:
        return [
            DOSE_RULES["too_precise"].finding(
                phrase(gettext_noop("{dose} mg has more than 3 decimals."), dose=dose_mg)
            )
        ]
    if dose_mg > DOSE_WARN_ABOVE_MG:
        return [
            DOSE_RULES["above_usual"].finding(
                phrase(gettext_noop("{dose} mg is above the usual LDN range."), dose=dose_mg)
            )
        ]
    return []


def check_step_up(previous_mg: Decimal, dose_mg: Decimal) -> list[Finding]:
    rise = dose_mg - previous_mg
    if rise <= STEP_UP_WARN_ABOVE_MG:
        return []
    return [
        DOSE_RULES["big_step_up"].finding(
            phrase(
                gettext_noop("A step up of {rise} mg ({before} → {after} mg) is larger than 1.5 mg."),
                rise=rise,
                before=previous_mg,
                after=dose_mg,
            )
        )
    ]


def band_of(dose_mg: Decimal) -> str:
    """The named band a dose falls in, or where it falls between them."""
    for band in DOSE_BANDS:
        if band.low_mg <= dose_mg <= band.high_mg:
            return phrase(gettext_noop("{band} dosing"), band=band.label)
    if VERY_LOW.high_mg < dose_mg < LOW_DOSE.low_mg:
        return phrase(
            gettext_noop("between the {lower} and {upper} bands"), lower=VERY_LOW.label, upper=LOW_DOSE.label
        )
    return phrase(
        gettext_noop("below the ultra-low band")
        if dose_mg < ULTRA_LOW.low_mg
        else gettext_noop("above the low-dose band")
    )


def check_target(target_mg: Decimal) -> list[Finding]:
    if target_mg >= LOW_DOSE.low_mg or target_mg <= 0:
        return []
    return [
        DOSE_RULES["below_low_dose"].finding(
            phrase(
                gettext_noop("A target of {target} mg is {band}."), target=target_mg, band=band_of(target_mg)
            )
        )
    ]


def check_steps(doses: Sequence[Decimal], previous_mg: Decimal | None = None) -> list[Finding]:
    """Every dose of a run of steps in date order, and each step up (from `previous_mg`,
    the dose before the first, when there is one). Most serious first."""
    findings: list[Finding] = []
    before = previous_mg
    for dose in doses:
        findings += check_dose(dose)
        if before is not None:
            findings += check_step_up(before, dose)
        before = dose
    return ordered(findings)


def check_new_plan(
    steps: Sequence[tuple[dt.date, Decimal]], *, previous_mg: Decimal | None, today: dt.date
) -> list[Finding]:
    """A new plan's dated steps: each dose and step up — the first from the previous plan's
    last dose — and, for a patient's first plan (`previous_mg` None), a start above 1.5 mg
    and a target below the low-dose band; a first dose more than 7 days ago."""
    if not steps:
        return []
    doses = [dose for _, dose in steps]
    findings = check_steps(doses, previous_mg)
    if previous_mg is None:
        if doses[0] > START_WARN_ABOVE_MG:
            findings += [
                DOSE_RULES["start_high"].finding(
                    phrase(gettext_noop("The first plan starts at {dose} mg, above 1.5 mg."), dose=doses[0])
                )
            ]
        findings += check_target(max(doses))
    start = steps[0][0]
    if start < today - PAST_START_WARN_DAYS * DAY:
        findings += [
            DOSE_RULES["start_in_past"].finding(
                phrase(
                    gettext_noop("The first dose, {day}, is {days} days ago."),
                    day=start.isoformat(),
                    days=(today - start).days,
                )
            )
        ]
    return ordered(findings)
