"""Safety screening before LDN starts: medication name lists, name matching, and the
judgement of a clinician's screening answers.

Plain Python only (no requests, no queries) so views, forms, exports and tests share one
source of truth. Sources in brackets are the articles listed in DOMAIN.md.

Matching judgement calls (see `find_medications`):
- Whole words, case-insensitive: "OXYCODONE HCL 5mg", "oxycodone/acetaminophen" and
  "Tylenol with codeine" all match; "dihydrocodeine" is reported as dihydrocodeine, never
  as codeine. A number glued to the end ("oxycodone5mg") still counts as a word end.
- A term immediately followed by "free" ("codeine-free cough syrup", "codeine free") is
  not a match: the label says the product does NOT contain it. No other negation is
  understood ("no codeine" still matches): a false alarm that the clinician dismisses is
  cheaper than a missed opioid.
- Opioid antagonists and look-alikes are deliberately absent: naloxone, naltrexone,
  nalmefene. Loperamide (and diphenoxylate) are mu-agonists that act on the gut and do not
  reach the brain at usual doses, so they neither give pain relief that LDN would block nor
  cause withdrawal; they are left out to avoid false alarms.
- Corticosteroids (prednisone, prednisolone, ...) are NOT in IMMUNOSUPPRESSANTS: only high
  doses suppress the immune system and a name alone does not say the dose, while low-dose
  steroids are common among LDN patients. The clinician ticks the box by hand when the dose
  is high. Biologics are left out for the same reason of scope; the lists are data and can
  be extended.
- Antithyroid drugs (carbimazole, methimazole, propylthiouracil) count as thyroid
  medicines: as thyroid autoimmunity settles their dose may also need review.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from enum import StrEnum
from functools import cache
from typing import Literal, Protocol

OPIOID_WASHOUT_BLOCK_DAYS = 7  # stop opioids at least 7 days before LDN [003, 004]
OPIOID_WASHOUT_SAFE_DAYS = 14  # 10 days–2 weeks after long-term use [003, 004]

OPIOIDS: frozenset[str] = frozenset(
    {
        # generic names
        "buprenorphine", "butorphanol", "codeine", "diamorphine", "dihydrocodeine",
        "fentanyl", "heroin", "hydrocodone", "hydromorphone", "levorphanol", "meperidine",
        "methadone", "morphine", "opium", "oxycodone", "oxymorphone", "pentazocine",
        "pethidine", "tapentadol", "tramadol",
        # brand and combination names
        "abstral", "actiq", "belbuca", "butrans", "co-codamol", "co-dydramol", "conzip",
        "demerol", "dilaudid", "dolophine", "duragesic", "exalgo", "fentora", "hysingla",
        "kadian", "lortab", "methadose", "ms contin", "norco", "nucynta", "opana",
        "oramorph", "oxycontin", "percocet", "roxicodone", "sevredol", "sublocade",
        "suboxone", "subutex", "tylenol #3", "tylenol #4", "tylenol 3", "tylenol 4",
        "tylenol no. 3", "tylenol no. 4", "ultracet", "ultram", "vicodin", "xtampza",
        "zohydro", "zomorph", "zubsolv", "zydol",
    }
)

THYROID_MEDICINES: frozenset[str] = frozenset(
    {
        # replacement
        "armour thyroid", "cytomel", "desiccated thyroid", "eltroxin", "euthyrox",
        "levothyroxine", "levoxyl", "liothyronine", "liotrix", "nature-throid", "ndt",
        "np thyroid", "synthroid", "thyroxine", "tirosint", "unithroid", "wp thyroid",
        # antithyroid
        "carbimazole", "methimazole", "propylthiouracil", "tapazole", "thiamazole",
    }
)

IMMUNOSUPPRESSANTS: frozenset[str] = frozenset(
    {
        "azathioprine", "ciclosporin", "cyclosporine", "everolimus", "methotrexate",
        "mycophenolate", "mycophenolic acid", "sirolimus", "tacrolimus",
        # brands
        "advagraf", "cellcept", "envarsus", "imuran", "myfortic", "neoral", "prograf",
        "rapamune", "sandimmune", "trexall", "zortress",
    }
)


class MedicationCategory(StrEnum):
    OPIOID = "opioid"
    THYROID = "thyroid"
    IMMUNOSUPPRESSANT = "immunosuppressant"


NAME_LISTS: dict[MedicationCategory, frozenset[str]] = {
    MedicationCategory.OPIOID: OPIOIDS,
    MedicationCategory.THYROID: THYROID_MEDICINES,
    MedicationCategory.IMMUNOSUPPRESSANT: IMMUNOSUPPRESSANTS,
}

_LETTER = r"[^\W\d_]"


@dataclass(frozen=True)
class MedicationMatch:
    """One list entry found in a medication text: which list, which entry, and the words
    exactly as the patient or clinician typed them (for highlighting)."""

    category: MedicationCategory
    term: str
    matched_text: str


def _term_pattern(term: str) -> str:
    words = (re.escape(word) for word in term.split())
    body = r"\s+".join(words)
    digit_guard = r"(?!\d)" if term[-1].isdigit() else ""
    return rf"(?<!{_LETTER}){body}(?!{_LETTER}){digit_guard}(?!\s*-?\s*free(?!{_LETTER}))"


@cache
def _category_regex(category: MedicationCategory) -> re.Pattern[str]:
    # Longest terms first, so "tylenol #3" wins over a shorter term at the same position.
    terms = sorted(NAME_LISTS[category], key=len, reverse=True)
    return re.compile("|".join(_term_pattern(term) for term in terms), re.IGNORECASE)


def find_medications(text: str) -> list[MedicationMatch]:
    """Every opioid, thyroid medicine and immunosuppressant named in `text`, in the order
    they appear. Matching rules are in the module docstring."""
    matches = [
        (found.start(), MedicationMatch(category, " ".join(found[0].lower().split()), found[0]))
        for category in MedicationCategory
        for found in _category_regex(category).finditer(text or "")
    ]
    return [match for _, match in sorted(matches, key=lambda pair: pair[0])]


def _terms_in(text: str, category: MedicationCategory) -> list[str]:
    terms = (m.term for m in find_medications(text) if m.category is category)
    return list(dict.fromkeys(terms))


def find_opioids(text: str) -> list[str]:
    """Opioid list entries named in `text` (lowercase, each once, in order of appearance).
    Opioids are the critical interaction: LDN blocks them and can trigger withdrawal [003]."""
    return _terms_in(text, MedicationCategory.OPIOID)


def find_thyroid_medicines(text: str) -> list[str]:
    """Thyroid medicines named in `text`; their dose may become too high as thyroid
    function improves on LDN [000, 003]."""
    return _terms_in(text, MedicationCategory.THYROID)


def find_immunosuppressants(text: str) -> list[str]:
    """Immunosuppressants named in `text`; a caution with LDN [003, 004]."""
    return _terms_in(text, MedicationCategory.IMMUNOSUPPRESSANT)


def classify_medication(name: str) -> frozenset[MedicationCategory]:
    """The categories a medication name falls in (empty for anything else)."""
    return frozenset(match.category for match in find_medications(name))


# --- screening judgement -------------------------------------------------------------

FindingLevel = Literal["block", "warn", "note"]
LEVEL_ORDER: dict[str, int] = {"block": 0, "warn": 1, "note": 2}

THYROID_WATCH_NOTE = (
    "Watch for hyperthyroid signs (heat intolerance, poor sleep, palpitations) as thyroid "
    "function improves; the thyroid dose may become too high."
)


@dataclass(frozen=True)
class Finding:
    """One screening outcome. `block` stops the plan being activated; `warn` is recorded
    and the clinician decides; `note` is standing information for later visits."""

    level: FindingLevel
    code: str
    message: str
    reason: str


@dataclass(frozen=True)
class ScreeningAnswers:
    """The answers of a screening, mirroring `journal.models.Screening`."""

    opioid_use_last_14_days: bool = False
    opioid_names: str = ""
    opioid_stopped_on: dt.date | None = None
    acute_hepatitis: bool = False
    severe_liver_disease: bool = False
    severe_kidney_disease: bool = False
    pregnancy_or_breastfeeding: bool = False
    naltrexone_hypersensitivity: bool = False
    immunosuppressants_or_transplant: bool = False
    thyroid_medication: bool = False

    @classmethod
    def from_record(cls, record: object) -> ScreeningAnswers:
        """The answers read off anything with the same attribute names, such as a
        `journal.models.Screening` row, so views need not copy fields by hand."""
        return cls(**{field.name: getattr(record, field.name) for field in fields(cls)})


CONTRAINDICATION_REASON = (
    "Listed as a contraindication to naltrexone [001, 003]. Recorded as a warning: at low "
    "dose the clinician weighs it and decides."
)

# (answer field, code, message, reason) — one row per yes/no answer that warns.
WARNING_QUESTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("acute_hepatitis", "acute_hepatitis", "Acute hepatitis.", CONTRAINDICATION_REASON),
    ("severe_liver_disease", "severe_liver_disease", "Severe liver disease.",
     CONTRAINDICATION_REASON),
    ("severe_kidney_disease", "severe_kidney_disease", "Severe kidney disease.",
     CONTRAINDICATION_REASON),
    ("pregnancy_or_breastfeeding", "pregnancy_or_breastfeeding",
     "Pregnant or breastfeeding.", CONTRAINDICATION_REASON),
    ("naltrexone_hypersensitivity", "naltrexone_hypersensitivity",
     "Known hypersensitivity to naltrexone.", CONTRAINDICATION_REASON),
    ("immunosuppressants_or_transplant", "immunosuppressants_or_transplant",
     "Takes immunosuppressants or has had an organ transplant.",
     "Immunosuppressants and organ transplant are listed as cautions with LDN [003, 004]."),
    ("thyroid_medication", "thyroid_medication", "Takes thyroid medication.",
     "As thyroid function improves on LDN the thyroid dose may become too high [000, 003]."),
)

OPIOID_REASON = (
    "LDN blocks opioids and can trigger withdrawal. Stop opioids 7–14 days before starting "
    "LDN (10 days–2 weeks after long-term use) [003, 004]."
)


def _opioid_label(answers: ScreeningAnswers) -> str:
    return answers.opioid_names.strip() or "an opioid"


def _judge_opioids(answers: ScreeningAnswers, start_date: dt.date) -> list[Finding]:
    """Days are counted from the stop date to the plan's start date: fewer than 7 blocks,
    7–14 warns, more than 14 leaves a note. Still taking, or a stop date not given, blocks.
    A stop date given without the tick box ticked is judged all the same: the date is the
    stronger evidence."""
    label = _opioid_label(answers)
    stopped_on = answers.opioid_stopped_on
    if stopped_on is None:
        if not answers.opioid_use_last_14_days:
            return []
        return [Finding("block", "opioid_current",
                        f"Opioid use ({label}) with no stop date: still taking, or the stop "
                        "date is unknown.", OPIOID_REASON)]
    gap = (start_date - stopped_on).days
    when = f"{label} stopped on {stopped_on.isoformat()}, {gap} days before the start date"
    when = when[0].upper() + when[1:]
    if gap < OPIOID_WASHOUT_BLOCK_DAYS:
        return [Finding("block", "opioid_recent", f"{when} (fewer than 7).", OPIOID_REASON)]
    if gap <= OPIOID_WASHOUT_SAFE_DAYS:
        return [Finding("warn", "opioid_washout_short",
                        f"{when}: within the 7–14-day window; long-term use needs 10–14 days.",
                        OPIOID_REASON)]
    return [Finding("note", "opioid_past", f"{when}.", OPIOID_REASON)]


def judge_screening(answers: ScreeningAnswers, start_date: dt.date) -> list[Finding]:
    """Judge a screening against the plan's start date. Blocks come first, then warnings,
    then notes. Contraindications only warn: the sources list them for naltrexone at full
    dose and the app records what the clinician chose rather than picking a side."""
    findings = _judge_opioids(answers, start_date)
    findings += [
        Finding("warn", code, message, reason)
        for field, code, message, reason in WARNING_QUESTIONS
        if getattr(answers, field)
    ]
    if answers.thyroid_medication:
        findings.append(Finding("note", "thyroid_watch", THYROID_WATCH_NOTE,
                                "Thyroid caution for LDN [000, 003]."))
    return sorted(findings, key=lambda finding: LEVEL_ORDER[finding.level])


def blocks_activation(findings: Iterable[Finding]) -> bool:
    """True when any finding forbids activating the plan."""
    return any(finding.level == "block" for finding in findings)


# --- pre-filling from the medication list ------------------------------------------------


class MedicationLike(Protocol):
    name: str
    started_on: dt.date | None
    stopped_on: dt.date | None


def _is_current(medication: MedicationLike, today: dt.date) -> bool:
    """Taken today: started (or start unknown) and not yet stopped. A stop date of today
    means stopped."""
    started = medication.started_on is None or medication.started_on <= today
    return started and (medication.stopped_on is None or medication.stopped_on > today)


def _stopped_within(medication: MedicationLike, today: dt.date, days: int) -> bool:
    stopped_on = medication.stopped_on
    return stopped_on is not None and stopped_on <= today and (today - stopped_on).days <= days


def prefill_screening(medications: Iterable[MedicationLike], today: dt.date) -> ScreeningAnswers:
    """Suggested answers from the patient's medication list; the clinician confirms them.

    An opioid taken now or stopped within the last 14 days ticks opioid use and lists the
    names as typed. The stop date is the latest one, or empty when any opioid is still
    taken (which blocks activation until the clinician enters the real stop date).
    Thyroid medicines and immunosuppressants count only when taken now."""
    medications = list(medications)
    recent_opioids = [
        med for med in medications
        if MedicationCategory.OPIOID in classify_medication(med.name)
        and (_is_current(med, today) or _stopped_within(med, today, OPIOID_WASHOUT_SAFE_DAYS))
    ]
    current = [med for med in medications if _is_current(med, today)]
    current_categories = {cat for med in current for cat in classify_medication(med.name)}
    opioid_still_taken = any(_is_current(med, today) for med in recent_opioids)
    stop_dates = [med.stopped_on for med in recent_opioids if med.stopped_on is not None]
    return ScreeningAnswers(
        opioid_use_last_14_days=bool(recent_opioids),
        opioid_names=", ".join(dict.fromkeys(med.name.strip() for med in recent_opioids)),
        opioid_stopped_on=None if opioid_still_taken or not stop_dates else max(stop_dates),
        immunosuppressants_or_transplant=(
            MedicationCategory.IMMUNOSUPPRESSANT in current_categories
        ),
        thyroid_medication=MedicationCategory.THYROID in current_categories,
    )
