"""What the patient measures out for a dose, and whether it can be measured exactly.

A capsule plan's strength is mg per capsule, a liquid's is mg per mL; a topical cream's is
mg per click of its metered pump, or mg per mL from a syringe [003, 004]. The patient is told
"2 capsules = 3 mg", "3 clicks = 3 mg" or "1.5 mL = 1.5 mg" only when that amount is exactly
their dose and can be measured: a whole number of capsules or clicks, or a volume on the
0.01 mL marks of an oral syringe; a sublingual form as its pharmacist's label says.
Otherwise they see the dose in mg and are asked to check with their pharmacist,
and the prescriber gets a finding that says why when the plan is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from journal.findings import Finding, Level, Rule
from journal.vocabulary import local_mg
from journal.wording import gettext as _
from journal.wording import gettext_noop, ngettext, phrase

SYRINGE_MARK_ML = Decimal("0.01")  # a 1 mL oral syringe is marked in 0.01 mL
# The app's own limits of a sensible instruction: beyond them the strength is surely wrong.
MAX_CAPSULES_PER_DOSE = 10
MAX_LIQUID_ML_PER_DOSE = Decimal("10")
COUNTED_FORMS = ("capsule", "cream")  # whole capsules; whole clicks of a cream's pump
MEASURED_BY_VOLUME = ("liquid", "cream_ml")

MEASURING_REASON = gettext_noop(
    "The patient measures their own dose: it must be a whole number of capsules, or a volume "
    "that an oral syringe marked in 0.01 mL measures exactly; otherwise the pharmacist has to "
    "make up a strength that fits. LDN is compounded by a specialty pharmacy [001, 003]."
)

MEASURING_RULE = Rule(
    "not_measurable",
    Level.WARN,
    phrase(
        gettext_noop(
            "A dose that is not a whole number of capsules (at most {capsules}), or not a volume on the "
            "0.01 mL marks of an oral syringe (at most {ml} mL)."
        ),
        capsules=MAX_CAPSULES_PER_DOSE,
        ml=MAX_LIQUID_ML_PER_DOSE,
    ),
    MEASURING_REASON,
)


@dataclass(frozen=True)
class Measurement:
    """A dose in a plan's form and strength. `exact` is False when the amount cannot be
    measured as it is (part of a capsule, a volume between syringe marks, an absurd count);
    `problem` then says why, for the prescriber."""

    dose_mg: Decimal
    form: str
    amount: Decimal
    exact: bool
    problem: str = ""

    @property
    def instruction(self) -> str | None:
        """ "2 capsules = 3 mg", "1.5 mL = 1.5 mg"; None when not exact."""
        if not self.exact:
            return None
        mg = local_mg(self.dose_mg)
        if self.form in MEASURED_BY_VOLUME:
            return _("%(ml)s mL = %(mg)s mg") % {"ml": local_mg(self.amount), "mg": mg}
        count = int(self.amount)
        if self.form == "cream":
            return ngettext("%(count)d click = %(mg)s mg", "%(count)d clicks = %(mg)s mg", count) % {
                "count": count,
                "mg": mg,
            }
        return ngettext("%(count)d capsule = %(mg)s mg", "%(count)d capsules = %(mg)s mg", count) % {
            "count": count,
            "mg": mg,
        }


SUPPLY_UNITS = {"capsule": gettext_noop("capsules"), "cream": gettext_noop("clicks")}


def supply_unit(form: str) -> str:
    """What a dispensed quantity of `form` is counted in: capsules, clicks, mL, or doses for a
    form with nothing to count (`journal.schedule.Schedule.supply_for` counts the same way)."""
    if form in MEASURED_BY_VOLUME:
        return _(gettext_noop("mL"))
    return _(SUPPLY_UNITS.get(form, gettext_noop("doses")))


def measure(dose_mg: Decimal, form: str, strength_mg: Decimal | None) -> Measurement | None:
    """The amount to measure for `dose_mg`; None when there is nothing to count (no strength
    given, or a sublingual or other form, which the pharmacist's label explains)."""
    if not strength_mg or strength_mg <= 0 or form not in (*COUNTED_FORMS, *MEASURED_BY_VOLUME):
        return None
    amount = dose_mg / strength_mg
    unit = gettext_noop("clicks") if form == "cream" else gettext_noop("capsules")
    if form in COUNTED_FORMS:
        if amount != amount.to_integral_value():
            return Measurement(
                dose_mg,
                form,
                amount,
                False,
                phrase(
                    gettext_noop(
                        "{dose} mg is {amount} {unit} of {strength} mg: not a whole number of {unit}."
                    ),
                    dose=dose_mg,
                    amount=_rounded(amount),
                    strength=strength_mg,
                    unit=phrase(unit),
                ),
            )
        if amount > MAX_CAPSULES_PER_DOSE:
            return Measurement(
                dose_mg,
                form,
                amount,
                False,
                phrase(
                    gettext_noop("{dose} mg is {amount} {unit} of {strength} mg: more than {most} a dose."),
                    dose=dose_mg,
                    amount=amount,
                    strength=strength_mg,
                    most=MAX_CAPSULES_PER_DOSE,
                    unit=phrase(unit),
                ),
            )
        return Measurement(dose_mg, form, amount, True)
    if amount % SYRINGE_MARK_ML:
        return Measurement(
            dose_mg,
            form,
            amount,
            False,
            phrase(
                gettext_noop(
                    "{dose} mg is {amount} mL of {strength} mg/mL: "
                    "between the 0.01 mL marks of an oral syringe."
                ),
                dose=dose_mg,
                amount=_rounded(amount),
                strength=strength_mg,
            ),
        )
    if amount > MAX_LIQUID_ML_PER_DOSE:
        return Measurement(
            dose_mg,
            form,
            amount,
            False,
            phrase(
                gettext_noop("{dose} mg is {amount} mL of {strength} mg/mL: more than {most} mL a dose."),
                dose=dose_mg,
                amount=amount,
                strength=strength_mg,
                most=MAX_LIQUID_ML_PER_DOSE,
            ),
        )
    return Measurement(dose_mg, form, amount, True)


def _rounded(amount: Decimal) -> str:
    """About how much, for the prescriber's message: "2.25", "0.333…"."""
    shown = amount.quantize(Decimal("0.001"))
    return phrase("{amount}{more}", amount=shown, more="" if shown == amount else "…")


def patient_amount(dose_mg: Decimal, form: str, strength_mg: Decimal | None) -> str | None:
    """What the patient is told to measure: the exact instruction, or — when it cannot be
    exact — the dose in mg with "ask your pharmacist"; None when there is nothing to measure."""
    measured = measure(dose_mg, form, strength_mg)
    if measured is None:
        return None
    return measured.instruction or (
        _("%(mg)s mg — ask your pharmacist how to measure this dose") % {"mg": local_mg(dose_mg)}
    )


def measuring_findings(doses: Iterable[Decimal], form: str, strength_mg: Decimal | None) -> list[Finding]:
    """A warning for each dose of a plan that cannot be measured exactly in its form."""
    findings = []
    for dose in dict.fromkeys(doses):
        measured = measure(dose, form, strength_mg)
        if measured is not None and not measured.exact:
            findings.append(
                MEASURING_RULE.finding(
                    phrase(
                        gettext_noop("{problem} The patient will be told to ask their pharmacist."),
                        problem=measured.problem,
                    )
                )
            )
    return findings
