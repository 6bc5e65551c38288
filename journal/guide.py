"""What the app tells a patient about LDN: the introduction after the invitation and the help
pages, one topic each, in plain words (a reading age of about 12).

The words are the app's own; the facts come from the domain's tables (the response windows,
the baseline, the opioid washout, the side effects the entry form asks about), so a number
changes here when it changes there. Each topic names its sources (`journal.sources`).
"""

from __future__ import annotations

from dataclasses import dataclass

from journal.diary import EDIT_WINDOW_DAYS, ROLLOVER_HOUR
from journal.response import BASELINE_DAYS, FULL_RESPONSE_WINDOW, INITIAL_EFFECT_WINDOW
from journal.safety import OPIOID_WASHOUT_BLOCK_DAYS, OPIOID_WASHOUT_SAFE_DAYS
from journal.sources import SOURCES, Source
from journal.vocabulary import side_effect_label
from journal.wording import Text, gettext, gettext_noop, text

DAYS_A_MONTH = 30.44


@dataclass(frozen=True)
class Topic:
    slug: str
    # Marked for translation, read in the reader's language through the properties below.
    title_words: str
    summary_words: str | Text  # one sentence: the help index, and the baseline card on Today
    paragraph_words: tuple[str | Text, ...]
    source_keys: tuple[str, ...]  # `journal.sources.SOURCES`; () for the app's own how-to

    @property
    def title(self) -> str:
        return _words(self.title_words)

    @property
    def summary(self) -> str:
        return _words(self.summary_words)

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(_words(paragraph) for paragraph in self.paragraph_words)

    @property
    def sources(self) -> tuple[Source, ...]:
        return tuple(source for source in SOURCES if source.key in self.source_keys)


def _words(message: str | Text) -> str:
    """A message id in the reader's language; a Text translates itself."""
    return gettext(message) if isinstance(message, str) else str(message)


def _weeks(days: int) -> int:
    return days // 7


def _months(days: int) -> int:
    return round(days / DAYS_A_MONTH)


def _early_side_effects() -> str:
    kinds = ("vivid_dreams", "insomnia", "headache", "nausea")
    return ", ".join(f"“{side_effect_label(kind)}”" for kind in kinds)


# Opioid names a patient may know; tests/test_guide.py checks the medicine list knows each one.
OPIOID_EXAMPLES = (
    gettext_noop("codeine"),
    gettext_noop("tramadol"),
    gettext_noop("morphine"),
    gettext_noop("oxycodone"),
    gettext_noop("fentanyl"),
)


def _opioid_examples() -> str:
    """The names as the reader's language spells them ("codeína", "Kodein")."""
    return ", ".join(gettext(name) for name in OPIOID_EXAMPLES)


TOPICS: tuple[Topic, ...] = (
    Topic(
        "what-is-ldn",
        gettext_noop("What LDN is"),
        gettext_noop("LDN is a very small dose of a medicine called naltrexone."),
        (
            gettext_noop(
                "LDN stands for low-dose naltrexone. Naltrexone is an old medicine. At its usual dose "
                "(50 mg or more) it helps people stop using opioids or alcohol."
            ),
            gettext_noop(
                "LDN is the same medicine at about a tenth of that dose, usually a few milligrams a day. "
                "Clinics use it for long-lasting illnesses such as pain, tiredness and immune conditions."
            ),
            gettext_noop(
                "A pharmacy makes it up for you, often as capsules or a liquid. "
                "You usually take it once a day."
            ),
        ),
        ("001", "003", "004"),
    ),
    Topic(
        "start-low",
        gettext_noop("Start low, go slow"),
        gettext_noop("You start on a tiny dose, and your clinician raises it slowly, step by step."),
        (
            gettext_noop(
                "Your first dose is very small. Every few weeks your clinician may raise it a little, "
                "until you reach the dose that suits you."
            ),
            gettext_noop(
                "Going slowly gives your body time to get used to LDN, so side effects are fewer and milder."
            ),
            gettext_noop(
                "Your plan shows each step and its date. Only your clinician changes it: this app never "
                "changes your dose. If a step feels wrong, ask your clinician."
            ),
        ),
        ("000", "003"),
    ),
    Topic(
        "when-it-helps",
        gettext_noop("When it may help"),
        text(
            gettext_noop("Most people who are helped notice a first change after {low} to {high} weeks."),
            low=_weeks(INITIAL_EFFECT_WINDOW[0]),
            high=_weeks(INITIAL_EFFECT_WINDOW[1]),
        ),
        (
            text(
                gettext_noop(
                    "LDN works slowly. A first change often shows after {low} to {high} weeks. "
                    "The full effect can take {low_months} to {high_months} months."
                ),
                low=_weeks(INITIAL_EFFECT_WINDOW[0]),
                high=_weeks(INITIAL_EFFECT_WINDOW[1]),
                low_months=_months(FULL_RESPONSE_WINDOW[0]),
                high_months=_months(FULL_RESPONSE_WINDOW[1]),
            ),
            gettext_noop(
                "Some people feel a change within days, others only after three months. How ill you are "
                "does not tell how fast it works, so give it time before you judge it."
            ),
            gettext_noop(
                "Small changes are easy to miss. Your daily entries let you and your clinician see them."
            ),
        ),
        ("000", "003"),
    ),
    Topic(
        "side-effects",
        gettext_noop("Early side effects"),
        gettext_noop(
            "Side effects are usually mild, come when you start or raise the dose, and fade within a "
            "couple of weeks."
        ),
        (
            text(
                gettext_noop(
                    "The most common ones are {side_effects}. You can mark each one, and how strong it "
                    "was, in your daily entry."
                ),
                side_effects=_early_side_effects,
            ),
            gettext_noop(
                "They usually come when you start LDN or move up a step, and fade within a couple of weeks."
            ),
            gettext_noop(
                "If your sleep suffers, taking LDN in the morning helps some people. Ask your clinician "
                "before you change the time or the dose: they decide, not the app."
            ),
            gettext_noop("If a side effect is strong or does not go away, tell your clinician."),
        ),
        ("002", "003", "004"),
    ),
    Topic(
        "opioids-and-surgery",
        gettext_noop("Opioids and surgery"),
        gettext_noop(
            "LDN blocks opioid painkillers: never take them together, and tell every doctor and surgeon "
            "you take LDN."
        ),
        (
            text(
                gettext_noop(
                    "Opioids are strong painkillers, such as {examples}. LDN blocks them: "
                    "they will not ease your pain, and taking both can make you very unwell (withdrawal)."
                ),
                examples=_opioid_examples,
            ),
            text(
                gettext_noop(
                    "If you took opioids, you need to stop them {low} to {high} days before your first "
                    "dose of LDN. Your clinician will tell you when."
                ),
                low=OPIOID_WASHOUT_BLOCK_DAYS,
                high=OPIOID_WASHOUT_SAFE_DAYS,
            ),
            gettext_noop(
                "Before any operation, tell your surgeon and the anaesthetist (the doctor who puts you to "
                "sleep) that you take LDN. You may need to stop LDN for some days before surgery: "
                "do it the way your clinician tells you."
            ),
            gettext_noop(
                "Add every medicine you take to your list on the Medications page. The app warns you and "
                "your clinician when one is an opioid."
            ),
        ),
        ("000", "003", "004"),
    ),
    Topic(
        "logging",
        gettext_noop("Logging in 30 seconds"),
        gettext_noop("Once a day, open Entry, tap what you took and how you felt, and save."),
        (
            gettext_noop("Open Entry from the menu, or press the “Log today” button on Today."),
            gettext_noop(
                "Tap whether you took your dose, and when. Mark any side effects. Tap a score from 0 to 10 "
                "for each symptom and for your sleep. Notes are optional. Then save."
            ),
            text(
                gettext_noop(
                    "Forgot a day? You can fill in any of the last {days} days. Until "
                    "{hour} in the morning, the entry is for the evening before."
                ),
                days=EDIT_WINDOW_DAYS,
                hour=ROLLOVER_HOUR,
            ),
            gettext_noop("Logging every day, even on good days, is what shows whether LDN helps you."),
        ),
        ("003",),
    ),
    Topic(
        "baseline-week",
        gettext_noop("Your baseline week"),
        text(
            gettext_noop(
                "Before your first dose, you log how you feel for about {days} days: "
                "this is your baseline, the yardstick for “better”."
            ),
            days=BASELINE_DAYS,
        ),
        (
            text(
                gettext_noop(
                    "Your baseline week is the {days} days before your first dose. You take no LDN yet. "
                    "You just log your symptoms and sleep each day."
                ),
                days=BASELINE_DAYS,
            ),
            gettext_noop(
                "Later, the app compares how you feel on LDN with this week. Without a baseline, nobody can "
                "tell whether you got better."
            ),
            gettext_noop("Log on bad days and good days alike: a true picture is what counts."),
        ),
        ("003",),
    ),
)

TOPICS_BY_SLUG: dict[str, Topic] = {topic.slug: topic for topic in TOPICS}
# Explained on Today while the phase is baseline: what the week is (the summary) and what it is for.
BASELINE_WEEK = TOPICS_BY_SLUG["baseline-week"]
BASELINE_WHY = BASELINE_WEEK.paragraph_words[1]


def baseline_why() -> str:
    """What the baseline week is for, in the reader's language."""
    return _words(BASELINE_WHY)


# The introduction after the invitation, screen by screen; every topic is also a help page.
INTRODUCTION: tuple[Topic, ...] = tuple(
    TOPICS_BY_SLUG[slug]
    for slug in (
        "what-is-ldn",
        "start-low",
        "when-it-helps",
        "side-effects",
        "opioids-and-surgery",
        "logging",
    )
)


def topic(slug: str) -> Topic | None:
    return TOPICS_BY_SLUG.get(slug)
