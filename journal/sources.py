"""The sources the app's rules cite, by the number in brackets ([000]–[004]).

Each rule's reason names its sources; docs/domain.md summarises what the app takes from
each, and the rulebook page lists them. Two further references are cited by name: IMMPACT
(Dworkin et al.) for responder thresholds and the Patient Global Impression of Change.
"""

from __future__ import annotations

from dataclasses import dataclass

from journal.wording import gettext_noop as _


@dataclass(frozen=True)
class Source:
    key: str
    title: str  # a work's own title as published; the app's description of an untitled one
    by: str
    kind: str
    used_for: str


SOURCES: tuple[Source, ...] = (
    Source(
        "000",
        "Low-Dose Naltrexone (LDN) as a Treatment for Autoimmune Disease",
        "Chris Kresser, Revolution Health Radio",
        _("podcast transcript"),
        _(
            'Starting at 1–1.25 mg and building up slowly; settling doses of 1.5–3 mg; "give it three '
            'months"; thyroid medicine that may need lowering; opioids not taken together.'
        ),
    ),
    Source(
        "001",
        "Exploring Low Dose Naltrexone for Autoimmunity: A Comprehensive Guide",
        "Angelica Clark",
        _("article"),
        _(
            "Who should not take LDN: opioid users, pregnancy or breastfeeding, severe liver or kidney "
            "disease, acute hepatitis, known hypersensitivity; immediate-release capsules; evening dosing."
        ),
    ),
    Source(
        "002",
        _("An article on Bihari's discovery of LDN and the trials that followed"),
        _("unsigned"),
        _("article"),
        _(
            "Bihari's discovery at about 3 mg; the 2007 Crohn's trial (response and remission rates, "
            "sleep disturbance as the common side effect)."
        ),
    ),
    Source(
        "003",
        "The Wide-Ranging Benefits of Low-Dose Naltrexone Therapy",
        _("a clinic's website"),
        _("article"),
        _(
            "Doses from 0.001 to 16 mg, usual 1.5–4.5 mg; start very low (0.5 mg) and raise every few weeks; "
            "when benefit shows (8–10 weeks, 3–6 months); side effects on starting or increasing; the "
            "opioid washout of 7–14 days; contraindications and cautions (acute opioid withdrawal, "
            "hepatitis, allergy, immunosuppressants, chemotherapy, thyroid medicine)."
        ),
    ),
    Source(
        "004",
        _("An article on LDN's mechanism, potential uses, side effects and dosing"),
        _("a health-science website"),
        _("article"),
        _(
            "The named dose bands (ultra-low, very-low, low); Bihari's 1.75–4.5 mg and his preference for "
            "lowering the dose over a morning dose; 10 days–2 weeks off opioids after long-term use; "
            "transplant and immunosuppressant caution."
        ),
    ),
)
