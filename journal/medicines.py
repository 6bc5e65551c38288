"""Medication name lists and how a typed name is matched against them.

Plain Python, shared by the screening, the safety state, the patient's medication page and
the rulebook. Sources in brackets are listed in docs/domain.md.

Matching judgement calls (see `find_medications`):
- Text is compared after Unicode normalisation (NFKC) with invisible format characters
  (soft hyphen, zero-width space, joiners) removed, so a name that looks like "Tramadol"
  on screen is read as "tramadol" — full-width letters included.
- Whole words, case-insensitive: "OXYCODONE HCL 5mg", "oxycodone/acetaminophen" and
  "Tylenol with codeine" all match; "dihydrocodeine" is reported as dihydrocodeine, never
  as codeine. A number glued to the end ("oxycodone5mg") still counts as a word end.
- A hyphen inside a listed name may be typed as a space or left out: "co-codamol",
  "co codamol" and "cocodamol" are one name.
- A term immediately followed by "free" ("codeine-free cough syrup") is not a match: the
  label says the product does NOT contain it. No other negation is understood ("no
  codeine" still matches): a false alarm that the clinician dismisses is cheaper than a
  missed opioid.
- Opioid antagonists are deliberately absent: naloxone, naltrexone, nalmefene.
  Loperamide is a mu-agonist that stays in the gut at usual doses; it gives no pain relief
  for LDN to block and causes no withdrawal, so it is left out to avoid false alarms.
  Diphenoxylate (Lomotil, co-phenotrope) is a controlled opioid that mostly acts on the gut:
  it gets its own list and a warning rather than a block.
- Corticosteroids are NOT immunosuppressants here: only high doses suppress the immune
  system and a name does not say the dose; the clinician ticks the screening box by hand.
- Thyroid medicines come in two kinds with opposite directions: replacement hormone
  (levothyroxine...) and antithyroid drugs (carbimazole, methimazole, PTU).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache

OPIOIDS: frozenset[str] = frozenset(
    {
        # generic names
        "buprenorphine",
        "butorphanol",
        "codeine",
        "diamorphine",
        "dihydrocodeine",
        "fentanyl",
        "heroin",
        "hydrocodone",
        "hydromorphone",
        "kratom",
        "levorphanol",
        "meperidine",
        "methadone",
        "morphine",
        "nalbuphine",
        "opium",
        "oxycodone",
        "oxymorphone",
        "pentazocine",
        "pethidine",
        "tapentadol",
        "tramadol",
        # brand and combination names
        "abstral",
        "actiq",
        "belbuca",
        "butrans",
        "co-codamol",
        "co-dydramol",
        "conzip",
        "demerol",
        "dilaudid",
        "dolophine",
        "duragesic",
        "durogesic",
        "endocet",
        "endone",
        "exalgo",
        "fentora",
        "hycodan",
        "hysingla",
        "kadian",
        "kapake",
        "lortab",
        "methadose",
        "ms contin",
        "mst continus",
        "norco",
        "norspan",
        "nubain",
        "nucynta",
        "nurofen plus",
        "opana",
        "oramorph",
        "oxycontin",
        "oxynorm",
        "palexia",
        "percocet",
        "percodan",
        "physeptone",
        "roxicodone",
        "sevredol",
        "solpadeine",
        "sublocade",
        "suboxone",
        "subutex",
        "targin",
        "tramacet",
        "transtec",
        "tylenol #3",
        "tylenol #4",
        "tylenol 3",
        "tylenol 4",
        "tylenol no. 3",
        "tylenol no. 4",
        "ultracet",
        "ultram",
        "vicodin",
        "xtampza",
        "zapain",
        "zohydro",
        "zomorph",
        "zubsolv",
        "zydol",
    }
)

GUT_OPIOIDS: frozenset[str] = frozenset({"co-phenotrope", "diphenoxylate", "lomotil"})

THYROID_REPLACEMENT: frozenset[str] = frozenset(
    {
        "armour",
        "armour thyroid",
        "cytomel",
        "desiccated thyroid",
        "eltroxin",
        "euthyrox",
        "levo",
        "levothyroxine",
        "levoxyl",
        "liothyronine",
        "liotrix",
        "nature-throid",
        "ndt",
        "np thyroid",
        "synthroid",
        "thyroxine",
        "tirosint",
        "unithroid",
        "wp thyroid",
    }
)

ANTITHYROID: frozenset[str] = frozenset(
    {"carbimazole", "methimazole", "propylthiouracil", "ptu", "tapazole", "thiamazole"}
)

IMMUNOSUPPRESSANTS: frozenset[str] = frozenset(
    {
        "azathioprine",
        "ciclosporin",
        "cyclosporine",
        "everolimus",
        "methotrexate",
        "mycophenolate",
        "mycophenolic acid",
        "sirolimus",
        "tacrolimus",
        # brands
        "advagraf",
        "cellcept",
        "envarsus",
        "imuran",
        "myfortic",
        "neoral",
        "prograf",
        "rapamune",
        "sandimmune",
        "trexall",
        "zortress",
    }
)


class MedicationCategory(StrEnum):
    OPIOID = "opioid"
    GUT_OPIOID = "gut-acting opioid"
    THYROID_REPLACEMENT = "thyroid hormone"
    ANTITHYROID = "antithyroid drug"
    IMMUNOSUPPRESSANT = "immunosuppressant"


NAME_LISTS: dict[MedicationCategory, frozenset[str]] = {
    MedicationCategory.OPIOID: OPIOIDS,
    MedicationCategory.GUT_OPIOID: GUT_OPIOIDS,
    MedicationCategory.THYROID_REPLACEMENT: THYROID_REPLACEMENT,
    MedicationCategory.ANTITHYROID: ANTITHYROID,
    MedicationCategory.IMMUNOSUPPRESSANT: IMMUNOSUPPRESSANTS,
}
THYROID_CATEGORIES = frozenset({MedicationCategory.THYROID_REPLACEMENT, MedicationCategory.ANTITHYROID})

_LETTER = r"[^\W\d_]"


def normalise(text: str) -> str:
    """NFKC with format characters (soft hyphen, zero-width space, joiners) removed."""
    folded = unicodedata.normalize("NFKC", text or "")
    return "".join(char for char in folded if unicodedata.category(char) != "Cf")


@dataclass(frozen=True)
class MedicationMatch:
    """One list entry found in a medication text: which list, which entry, and the words as
    they read after normalisation."""

    category: MedicationCategory
    term: str
    matched_text: str


def _term_pattern(term: str) -> str:
    words = (r"[-\s]?".join(re.escape(part) for part in word.split("-")) for word in term.split())
    body = r"\s+".join(words)
    digit_guard = r"(?!\d)" if term[-1].isdigit() else ""
    return rf"(?<!{_LETTER}){body}(?!{_LETTER}){digit_guard}(?!\s*-?\s*free(?!{_LETTER}))"


def _squashed(text: str) -> str:
    """A name with case, spaces and hyphens ignored: "Co codamol" → "cocodamol"."""
    return re.sub(r"[-\s]", "", text.lower())


@cache
def _category_regex(category: MedicationCategory) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for the whole list, and the list entry for each way of typing it."""
    # Longest terms first, so "tylenol #3" wins over a shorter term at the same position.
    terms = sorted(NAME_LISTS[category], key=len, reverse=True)
    pattern = re.compile("|".join(_term_pattern(term) for term in terms), re.IGNORECASE)
    return pattern, {_squashed(term): term for term in terms}


def find_medications(text: str) -> list[MedicationMatch]:
    """Every listed medicine named in `text`, in the order they appear. Matching rules are
    in the module docstring."""
    clean = normalise(text)
    matches = []
    for category in MedicationCategory:
        pattern, entries = _category_regex(category)
        for found in pattern.finditer(clean):
            matches.append((found.start(), MedicationMatch(category, entries[_squashed(found[0])], found[0])))
    return [match for _, match in sorted(matches, key=lambda pair: pair[0])]


def _terms_in(text: str, *categories: MedicationCategory) -> list[str]:
    terms = (m.term for m in find_medications(text) if m.category in categories)
    return list(dict.fromkeys(terms))


def find_opioids(text: str) -> list[str]:
    """Opioid list entries named in `text` (each once, in order of appearance). Opioids are
    the critical interaction: LDN blocks them and can trigger withdrawal [003]."""
    return _terms_in(text, MedicationCategory.OPIOID)


@lru_cache(maxsize=4096)
def classify_medication(name: str) -> frozenset[MedicationCategory]:
    """The categories a medication name falls in (empty for anything else). Cached: the
    safety state asks about the same few names many times."""
    return frozenset(match.category for match in find_medications(name))
