"""Medication name lists and matching (journal.medicines): whole words after Unicode
normalisation, hyphen-insensitive names, and the kinds of medicine the safety rules use."""

from __future__ import annotations

import pytest

from journal.medicines import (
    NAME_LISTS,
    THYROID_CATEGORIES,
    MedicationCategory,
    classify_medication,
    find_medications,
    find_opioids,
    normalise,
)

OPIOID = MedicationCategory.OPIOID
GUT_OPIOID = MedicationCategory.GUT_OPIOID
REPLACEMENT = MedicationCategory.THYROID_REPLACEMENT
ANTI = MedicationCategory.ANTITHYROID
IMMUNO = MedicationCategory.IMMUNOSUPPRESSANT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("codeine", ["codeine"]),
        ("Percocet", ["percocet"]),
        ("OXYCODONE HCL 5mg", ["oxycodone"]),
        ("oxycodone5mg tablets", ["oxycodone"]),
        ("oxycodone/acetaminophen", ["oxycodone"]),
        ("Tylenol with codeine", ["codeine"]),
        ("Tylenol #3", ["tylenol #3"]),
        ("MS  Contin 30 mg", ["ms contin"]),
        ("Suboxone (buprenorphine/naloxone)", ["suboxone", "buprenorphine"]),
        ("dihydrocodeine 30mg", ["dihydrocodeine"]),
        ("Hydromorphone", ["hydromorphone"]),
        ("co-codamol 30/500", ["co-codamol"]),
        ("tramadol, then morphine, then tramadol again", ["tramadol", "morphine"]),
        ("Pethidine", ["pethidine"]),
        # look-alikes and antagonists are not opioid agonists to warn about
        ("naltrexone 4.5 mg", []),
        ("naloxone nasal spray", []),
        ("nalmefene", []),
        ("loperamide 2mg", []),
        ("Imodium", []),
        # a gut-acting opioid is its own kind, not an opioid that blocks
        ("Lomotil", []),
        ("diphenoxylate with atropine", []),
        # "-free" means the product does not contain it
        ("codeine-free cough syrup", []),
        ("Codeine free linctus", []),
        ("codeine - free", []),
        ("codeine-free syrup, then codeine linctus", ["codeine"]),
        ("co-codamol-free", []),
        # whole words only
        ("morphinelike", []),
        ("Tylenol 30", []),
        ("Nurofen", []),
        ("", []),
    ],
)
def test_find_opioids(text, expected):
    assert find_opioids(text) == expected


@pytest.mark.parametrize(
    ("text", "term"),
    [
        # names the issue found missing (issue 9)
        ("kratom", "kratom"),
        ("nalbuphine 10 mg", "nalbuphine"),
        ("Nubain", "nubain"),
        ("OxyNorm 5mg", "oxynorm"),
        ("MST Continus 10 mg", "mst continus"),
        ("Tramacet", "tramacet"),
        ("Zapain", "zapain"),
        ("Kapake 30/500", "kapake"),
        ("Solpadeine Max", "solpadeine"),
        ("Nurofen Plus", "nurofen plus"),
        ("Palexia SR", "palexia"),
        ("Norspan patch", "norspan"),
        ("Transtec", "transtec"),
        ("Durogesic DTrans", "durogesic"),
        ("Physeptone", "physeptone"),
        ("Targin", "targin"),
        ("Endone", "endone"),
        ("Percodan", "percodan"),
        ("Endocet", "endocet"),
        ("Hycodan syrup", "hycodan"),
        # a listed hyphen may be typed as a space or left out
        ("cocodamol", "co-codamol"),
        ("co codamol 8/500", "co-codamol"),
        ("Co-Codamol", "co-codamol"),
        ("CO CODAMOL", "co-codamol"),
        ("codydramol", "co-dydramol"),
    ],
)
def test_missed_opioid_names_are_found(text, term):
    assert find_opioids(text) == [term]


@pytest.mark.parametrize(
    "text",
    [
        "Tra\u00admadol",  # soft hyphen
        "Tram\u200badol",  # zero-width space
        "\u200dTramadol\u200c",  # zero-width joiners around it
        "Ｔｒａｍａｄｏｌ",  # full-width letters
        "ＴＲＡＭＡＤＯＬ ５０ｍｇ",
    ],
)
def test_a_name_that_looks_like_tramadol_is_tramadol(text):
    assert find_opioids(text) == ["tramadol"]


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("Tra\u00admadol", "Tramadol"),
        ("Tram\u200badol", "Tramadol"),
        ("Ｔｒａｍａｄｏｌ", "Tramadol"),
        ("", ""),
    ],
)
def test_normalise(text, clean):
    assert normalise(text) == clean


def test_the_matched_text_is_the_normalised_text():
    (match,) = find_medications("Ｔｒａｍａｄｏｌ")
    assert match.matched_text == "Tramadol"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Levothyroxine 50 mcg", ["levothyroxine"]),
        ("Levo 100", ["levo"]),
        ("Armour Thyroid 60mg", ["armour thyroid"]),
        ("Armour", ["armour"]),
        ("NP thyroid", ["np thyroid"]),
        ("Carbimazole", ["carbimazole"]),
        ("methimazole", ["methimazole"]),
        ("PTU 50 mg", ["ptu"]),
        ("propylthiouracil", ["propylthiouracil"]),
        ("thyroid-stimulating hormone test", []),
        ("Levocetirizine", []),  # "levo" only as a whole word
    ],
)
def test_find_thyroid_medicines(text, expected):
    found = [match.term for match in find_medications(text) if match.category in THYROID_CATEGORIES]
    assert found == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tacrolimus 1mg", ["tacrolimus"]),
        ("ciclosporin", ["ciclosporin"]),
        ("Mycophenolate mofetil", ["mycophenolate"]),
        ("methotrexate weekly", ["methotrexate"]),
        ("prednisolone 5mg", []),  # steroids: dose decides, the clinician ticks the box
    ],
)
def test_find_immunosuppressants(text, expected):
    found = [match.term for match in find_medications(text) if match.category is IMMUNO]
    assert found == expected


@pytest.mark.parametrize(
    ("name", "categories"),
    [
        ("Oxycodone", {OPIOID}),
        ("Lomotil", {GUT_OPIOID}),
        ("diphenoxylate", {GUT_OPIOID}),
        ("co-phenotrope", {GUT_OPIOID}),
        ("Synthroid", {REPLACEMENT}),
        ("Levo", {REPLACEMENT}),
        ("Armour Thyroid", {REPLACEMENT}),
        ("PTU", {ANTI}),
        ("Carbimazole 5 mg", {ANTI}),
        ("Prograf", {IMMUNO}),
        ("levothyroxine + tramadol", {REPLACEMENT, OPIOID}),
        ("naloxone", set()),
        ("naltrexone", set()),
        ("loperamide", set()),
        ("sertraline", set()),
    ],
)
def test_classify_medication(name, categories):
    assert classify_medication(name) == categories


def test_find_medications_keeps_order_and_text():
    matches = find_medications("Tramadol and LEVOTHYROXINE, then PTU")
    assert [(m.category, m.term, m.matched_text) for m in matches] == [
        (OPIOID, "tramadol", "Tramadol"),
        (REPLACEMENT, "levothyroxine", "LEVOTHYROXINE"),
        (ANTI, "ptu", "PTU"),
    ]


@pytest.mark.parametrize("category", list(MedicationCategory))
def test_every_listed_name_is_lowercase_and_found_as_itself_in_its_own_list_only(category):
    for name in NAME_LISTS[category]:
        assert name == name.lower(), name
        assert [(m.category, m.term) for m in find_medications(name)] == [(category, name)], name


@pytest.mark.parametrize("antagonist", ["naloxone", "naltrexone", "nalmefene", "loperamide"])
def test_antagonists_and_loperamide_are_on_no_list(antagonist):
    assert all(antagonist not in names for names in NAME_LISTS.values())
