"""The shared catalogues every clinic starts with (DOMAIN.md, "Conditions it is used for").
Data, not code: clinics add their own conditions and symptoms next to these."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

from journal.questionnaires import BUILT_IN

CONDITIONS = (
    "ALS",
    "Autism",
    "Cancer (adjunct)",
    "CRPS",
    "Crohn's disease",
    "Depression (adjunct)",
    "Eczema",
    "Fibromyalgia",
    "Graves' disease",
    "Hailey-Hailey disease",
    "Hashimoto's thyroiditis",
    "IBS",
    "Long COVID",
    "Lupus",
    "MCAS",
    "ME/CFS",
    "Multiple sclerosis",
    "Neuropathic pain",
    "Parkinson's disease",
    "POTS",
    "Psoriasis",
    "PTSD",
    "Rheumatoid arthritis",
    "SIBO",
    "Systemic sclerosis",
    "Ulcerative colitis",
)

# (name, higher_is_better): pain falls when better; energy rises when better.
SYMPTOMS = (
    (gettext_noop("Pain"), False),
    (gettext_noop("Fatigue"), False),
    (gettext_noop("Brain fog"), False),
    (gettext_noop("Joint stiffness"), False),
    (gettext_noop("Abdominal pain"), False),
    (gettext_noop("Bowel urgency"), False),
    (gettext_noop("Itch"), False),
    (gettext_noop("Numbness or tingling"), False),
    (gettext_noop("Energy"), True),
    (gettext_noop("Mood"), True),
)
SYMPTOM_NAMES = frozenset(name for name, _higher in SYMPTOMS)


def symptom_words(name: str) -> str:
    """A catalogue symptom in the reader's language ("Dolor"); a clinic's own name as typed."""
    return gettext(name) if name in SYMPTOM_NAMES else name


def load_catalogue(condition_model, symptom_model) -> None:
    """Add any catalogue row that is missing. Takes the models as arguments so the data
    migration can pass its historical models."""
    for name in CONDITIONS:
        condition_model.objects.get_or_create(name=name, clinic=None)
    for name, higher_is_better in SYMPTOMS:
        symptom_model.objects.get_or_create(
            name=name, clinic=None, defaults={"higher_is_better": higher_is_better}
        )


# The lab tests the sources name (thyroid function, inflammatory markers, thyroid antibodies
# [000, 001, 004]): (key, name, usual unit, typical reference low, high). The range is only a
# reminder on the form: each result keeps the range its laboratory printed.
LAB_TESTS = (
    ("tsh", "TSH", "mIU/L", "0.4", "4.0"),
    ("free_t4", "Free T4", "pmol/L", "12", "22"),
    ("esr", "ESR", "mm/h", "0", "20"),
    ("crp", "CRP", "mg/L", "0", "5"),
    ("tpo_antibodies", "Thyroid peroxidase antibodies", "IU/mL", "0", "34"),
)


def load_lab_tests(lab_test_model) -> None:
    """Add any built-in lab test that is missing (the data migration passes its historical model)."""
    for key, name, unit, low, high in LAB_TESTS:
        lab_test_model.objects.get_or_create(
            key=key,
            clinic=None,
            defaults={"name": name, "unit": unit, "reference_low": low, "reference_high": high},
        )


def load_questionnaires(clinics, questionnaire_model, version_model) -> None:
    """Give each of `clinics` the built-in questionnaires it lacks (`journal.questionnaires.BUILT_IN`;
    the data migration passes its historical models, a new clinic gets them when it is saved)."""
    for key, (definition, _licence) in BUILT_IN.items():
        for clinic in clinics:
            questionnaire, created = questionnaire_model.objects.get_or_create(clinic=clinic, key=key)
            if created:
                timing = definition.timing
                version_model.objects.create(
                    questionnaire=questionnaire,
                    number=1,
                    title=definition.title,
                    items=[{"text": item.text, "anchors": list(item.anchors)} for item in definition.items],
                    higher_is_better=definition.higher_is_better,
                    scoring=definition.scoring.value,
                    at_baseline=timing.at_baseline,
                    every_weeks=timing.every_weeks,
                    at_weeks=list(timing.at_weeks),
                    at_review=timing.at_review,
                )
