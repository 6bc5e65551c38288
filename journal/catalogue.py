"""The shared catalogues every clinic starts with (DOMAIN.md, "Conditions it is used for").
Data, not code: clinics add their own conditions and symptoms next to these."""

from __future__ import annotations

CONDITIONS = (
    "ALS", "Autism", "Cancer (adjunct)", "CRPS", "Crohn's disease", "Depression (adjunct)",
    "Eczema", "Fibromyalgia", "Graves' disease", "Hailey-Hailey disease", "Hashimoto's thyroiditis",
    "IBS", "Long COVID", "Lupus", "MCAS", "ME/CFS", "Multiple sclerosis", "Neuropathic pain",
    "Parkinson's disease", "POTS", "Psoriasis", "PTSD", "Rheumatoid arthritis", "SIBO",
    "Systemic sclerosis", "Ulcerative colitis",
)

# (name, higher_is_better): pain falls when better; energy rises when better.
SYMPTOMS = (
    ("Pain", False),
    ("Fatigue", False),
    ("Brain fog", False),
    ("Joint stiffness", False),
    ("Abdominal pain", False),
    ("Bowel urgency", False),
    ("Itch", False),
    ("Numbness or tingling", False),
    ("Energy", True),
    ("Mood", True),
)
