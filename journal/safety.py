"""A patient's safety: the screening questions, the opioid washout, the medication list
over time, thyroid status, and the one safety state every surface shows.

Plain Python only (no requests, no queries). Sources in brackets are listed in
docs/domain.md. The rules:

- Opioids are the critical interaction: LDN blocks them and can trigger withdrawal. A start
  of LDN — a first plan, a later plan, a dose raised, a resumption after a pause — needs the
  last opioid dose at least 7 days before (10 after long-term use); up to 14 days warns
  [003, 004]. An opioid taken while LDN is prescribed blocks.
- A medication counts from its start date (or, when none was given, from the day it was
  listed) to its stop date, the last day it was taken.
- The screening's yes/no questions are declared once, in `SCREENING_QUESTIONS`: the model's
  fields, the form, the judgement and the pages all come from that table.
- `safety_state` is the one function that says what a clinician must keep in mind about a
  patient on a given day; the roster, the patient page, the summary, the CSV, the patient's
  own pages and the advice all read it.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from journal.findings import Finding, Level, Rule, ordered, rule_table, worst_level
from journal.medicines import (
    THYROID_CATEGORIES,
    MedicationCategory,
    classify_medication,
    find_opioids,
)
from journal.schedule import DAY, Schedule
from journal.wording import as_phrase, date_words, gettext_noop, phrase
from journal.wording import gettext as _

OPIOID_WASHOUT_BLOCK_DAYS = 7  # stop opioids at least 7 days before LDN [003, 004]
OPIOID_WASHOUT_LONG_TERM_DAYS = 10  # 10 days–2 weeks after long-term use [004]
OPIOID_WASHOUT_SAFE_DAYS = 14

OPIOID_REASON = gettext_noop(
    "LDN blocks opioids and can trigger withdrawal. Stop opioids 7–14 days before starting "
    "LDN (10 days–2 weeks after long-term use), and stop LDN before surgery that needs "
    "opioid pain relief [003, 004]."
)
GUT_OPIOID_REASON = gettext_noop(
    "Diphenoxylate is a controlled opioid that acts mostly on the gut; at usual doses little "
    "reaches the brain, but it is an opioid agonist and LDN may blunt it or cause discomfort. "
    "The app's own caution, from the opioid interaction [003, 004]."
)
THYROID_REASON = gettext_noop(
    "LDN may improve thyroid function; the thyroid medicine's dose may then need adjusting, and "
    "heat intolerance, poor sleep and palpitations are the signs to watch [000, 003]."
)
NO_SCREENING_REASON = gettext_noop(
    "A safety screening is recorded before a patient's plan becomes active: opioids are the "
    "critical interaction, and some conditions are contraindications [001, 003, 004]."
)

SAFETY_RULES: dict[str, Rule] = rule_table(
    Rule(
        "opioid_current",
        Level.BLOCK,
        gettext_noop("Opioid use on record with no last dose: still taking, or unknown."),
        OPIOID_REASON,
        short=gettext_noop("opioid: no last dose"),
    ),
    Rule(
        "opioid_recent",
        Level.BLOCK,
        gettext_noop(
            "LDN starts, resumes or rises fewer than 7 days after the last opioid dose "
            "(10 after long-term use)."
        ),
        OPIOID_REASON,
        short=gettext_noop("opioid too recent"),
    ),
    Rule(
        "opioid_washout_short",
        Level.WARN,
        gettext_noop("The last opioid dose 7 (or 10) to 14 days before."),
        OPIOID_REASON,
        short=gettext_noop("short opioid washout"),
    ),
    Rule(
        "opioid_past",
        Level.NOTE,
        gettext_noop("The last opioid dose more than 14 days before."),
        OPIOID_REASON,
        short=gettext_noop("opioid in the past"),
    ),
    Rule(
        "opioid_with_ldn",
        Level.BLOCK,
        gettext_noop("An opioid on the medication list on a day LDN is prescribed, or before a plan starts."),
        OPIOID_REASON,
        short=gettext_noop("opioid with LDN"),
    ),
    Rule(
        "opioid_during_pause",
        Level.WARN,
        gettext_noop("An opioid on the medication list during an LDN pause."),
        OPIOID_REASON,
        short=gettext_noop("opioid in LDN pause"),
    ),
    Rule(
        "gut_opioid",
        Level.WARN,
        gettext_noop("Diphenoxylate (Lomotil, co-phenotrope) on the medication list."),
        GUT_OPIOID_REASON,
        short=gettext_noop("gut-acting opioid"),
    ),
    Rule(
        "thyroid_watch",
        Level.NOTE,
        gettext_noop(
            "Thyroid medication, from the screening or the medication list: what to watch for, in the "
            "direction of the medicine (replacement hormone or antithyroid drug)."
        ),
        THYROID_REASON,
        short=gettext_noop("thyroid medicine"),
    ),
    Rule(
        "no_screening",
        Level.BLOCK,
        gettext_noop("A plan with no safety screening on record: blocks a new plan, warns on a running one."),
        NO_SCREENING_REASON,
        short=gettext_noop("no screening"),
    ),
)


# --- the screening questions ------------------------------------------------------------


@dataclass(frozen=True)
class ScreeningQuestion:
    """One yes/no question of the safety screening. A "yes" gives a finding at `level`
    (None: the answer changes another rule, as long-term opioid use does the washout)."""

    field: str
    label: str
    group: str  # "opioids", "contraindications" or "cautions"
    level: Level | None
    message: str
    reason: str

    def __post_init__(self) -> None:
        for name in ("label", "message", "reason"):
            object.__setattr__(self, name, as_phrase(getattr(self, name)))


SCREENING_QUESTIONS: tuple[ScreeningQuestion, ...] = (
    ScreeningQuestion(
        "long_term_opioid_use",
        gettext_noop("Long-term opioid use (weeks or more) before the last dose"),
        "opioids",
        None,
        gettext_noop("Long-term opioid use: the washout is at least 10 days."),
        gettext_noop("People who used opioids long-term may need 10 days to 2 weeks before LDN [004]."),
    ),
    ScreeningQuestion(
        "acute_opioid_withdrawal",
        gettext_noop("In acute opioid withdrawal now"),
        "contraindications",
        Level.BLOCK,
        gettext_noop("In acute opioid withdrawal."),
        gettext_noop(
            "LDN is contraindicated in acute opioid withdrawal [003]: blocking opioid receptors can deepen "
            "it [003, 004]."
        ),
    ),
    ScreeningQuestion(
        "naltrexone_hypersensitivity",
        gettext_noop("Known allergy or hypersensitivity to naltrexone"),
        "contraindications",
        Level.BLOCK,
        gettext_noop("Known hypersensitivity to naltrexone."),
        gettext_noop(
            "LDN must not be given with a known allergy or hypersensitivity to naltrexone [001, 003]."
        ),
    ),
    ScreeningQuestion(
        "acute_hepatitis",
        gettext_noop("Acute hepatitis"),
        "contraindications",
        Level.WARN,
        gettext_noop("Acute hepatitis."),
        gettext_noop(
            "Listed as a contraindication to LDN [001, 003]. Recorded as a warning: the clinician "
            "weighs it and decides."
        ),
    ),
    ScreeningQuestion(
        "severe_liver_disease",
        gettext_noop("Severe liver disease"),
        "contraindications",
        Level.WARN,
        gettext_noop("Severe liver disease."),
        gettext_noop(
            "Listed as a contraindication to LDN [001]; liver monitoring is not usually needed at low "
            "dose without existing liver disease [003]. The clinician weighs it and decides."
        ),
    ),
    ScreeningQuestion(
        "severe_kidney_disease",
        gettext_noop("Severe kidney disease"),
        "contraindications",
        Level.WARN,
        gettext_noop("Severe kidney disease."),
        gettext_noop("Listed as a contraindication to LDN [001]. The clinician weighs it and decides."),
    ),
    ScreeningQuestion(
        "pregnancy_or_breastfeeding",
        gettext_noop("Pregnant or breastfeeding"),
        "contraindications",
        Level.WARN,
        gettext_noop("Pregnant or breastfeeding."),
        gettext_noop("Listed as a contraindication to LDN [001]. The clinician weighs it and decides."),
    ),
    ScreeningQuestion(
        "immunosuppressants_or_transplant",
        gettext_noop("Immunosuppressants or an organ transplant"),
        "cautions",
        Level.WARN,
        gettext_noop("Takes immunosuppressants or has had an organ transplant."),
        gettext_noop("Immunosuppressants and organ transplant are cautions with LDN [003, 004]."),
    ),
    ScreeningQuestion(
        "chemotherapy",
        gettext_noop("Chemotherapy now"),
        "cautions",
        Level.WARN,
        gettext_noop("Receives chemotherapy."),
        gettext_noop("Special consideration is needed with certain chemotherapy agents [003]."),
    ),
    ScreeningQuestion(
        "thyroid_medication",
        gettext_noop("Thyroid medication"),
        "cautions",
        Level.NOTE,
        gettext_noop("Takes thyroid medication."),
        gettext_noop(
            "As thyroid function changes on LDN the thyroid medicine's dose may need adjusting [000, 003]."
        ),
    ),
)
QUESTIONS_BY_FIELD = {question.field: question for question in SCREENING_QUESTIONS}
OPIOID_FIELDS = ("opioid_use_last_14_days", "opioid_names", "opioid_stopped_on")
ANSWER_FIELDS = (*OPIOID_FIELDS, *(question.field for question in SCREENING_QUESTIONS))  # as stored


@dataclass(frozen=True)
class ScreeningAnswers:
    """A screening's answers: the opioid history and the yes/no questions answered yes."""

    opioid_use_last_14_days: bool = False
    opioid_names: str = ""
    opioid_stopped_on: dt.date | None = None
    yes: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        unknown = set(self.yes) - set(QUESTIONS_BY_FIELD)
        if unknown:
            raise ValueError(f"Not screening questions: {sorted(unknown)}")
        object.__setattr__(self, "yes", frozenset(self.yes))

    @classmethod
    def from_record(cls, record: object) -> ScreeningAnswers:
        """The answers read off anything with the questions' attribute names, such as a
        `journal.models.Screening` row."""
        return cls.from_fields({name: getattr(record, name) for name in ANSWER_FIELDS})

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> ScreeningAnswers:
        """The answers from every answer by field name, as `as_fields` gives them."""
        return cls(
            **{name: fields[name] for name in OPIOID_FIELDS},
            yes=frozenset(q.field for q in SCREENING_QUESTIONS if fields[q.field]),
        )

    def as_fields(self) -> dict[str, object]:
        """Every answer by field name, as the `Screening` model stores them."""
        return {
            **{name: getattr(self, name) for name in OPIOID_FIELDS},
            **{question.field: question.field in self.yes for question in SCREENING_QUESTIONS},
        }

    @property
    def opioids_named(self) -> list[str]:
        return find_opioids(self.opioid_names)

    @property
    def long_term_opioids(self) -> bool:
        return "long_term_opioid_use" in self.yes


# --- the opioid washout -------------------------------------------------------------------


def washout_findings(
    label: str, last_dose: dt.date | None, start: dt.date, *, long_term: bool, what: str = ""
) -> list[Finding]:
    """The opioid washout before LDN starts (or resumes) on `start`, counted from the last
    opioid dose: still taking (no last dose) or fewer than 7 days — 10 after long-term use —
    blocks; up to 14 days warns; longer leaves a note."""
    what = what or phrase(gettext_noop("the start date"))
    if last_dose is None:
        return [
            SAFETY_RULES["opioid_current"].finding(
                phrase(
                    gettext_noop(
                        "Opioid use ({label}) with no last dose given: still taking, or the date is unknown."
                    ),
                    label=label,
                )
            )
        ]
    gap = (start - last_dose).days
    needed = OPIOID_WASHOUT_LONG_TERM_DAYS if long_term else OPIOID_WASHOUT_BLOCK_DAYS
    when = phrase(
        gettext_noop("{label}: last dose on {day}, {gap} days before {what}"),
        label=label,
        day=last_dose.isoformat(),
        gap=gap,
        what=what,
    )
    if gap < needed:
        needs = (
            gettext_noop("{when} (at least {needed} needed after long-term use).")
            if long_term
            else gettext_noop("{when} (at least {needed} needed).")
        )
        return [SAFETY_RULES["opioid_recent"].finding(phrase(needs, when=when, needed=needed))]
    if gap <= OPIOID_WASHOUT_SAFE_DAYS:
        return [
            SAFETY_RULES["opioid_washout_short"].finding(
                phrase(
                    gettext_noop("{when}: within the 7–14-day window; long-term use needs 10–14 days."),
                    when=when,
                )
            )
        ]
    return [SAFETY_RULES["opioid_past"].finding(phrase("{when}.", when=when))]


def _screened_opioids(answers: ScreeningAnswers, start: dt.date) -> list[Finding]:
    """An opioid is on record when the box is ticked, when the names given include one from
    the list (even with the box left empty), or when a last dose is given."""
    named = answers.opioids_named
    if not (answers.opioid_use_last_14_days or named or answers.opioid_stopped_on):
        return []
    typed = answers.opioid_names.strip()
    label = typed[0].upper() + typed[1:] if typed else phrase(gettext_noop("An opioid"))
    return washout_findings(label, answers.opioid_stopped_on, start, long_term=answers.long_term_opioids)


def judge_screening(
    answers: ScreeningAnswers, start: dt.date, medications: Iterable[MedicationPeriod] = ()
) -> list[Finding]:
    """A screening judged against a start of LDN on `start`: the opioid washout, then every
    question answered yes at its level, the thyroid from the answers and the `medications`
    listed (which name its kind). Most serious first."""
    findings = _screened_opioids(answers, start)
    findings += [
        Finding(question.level, question.field, question.message, question.reason, question.label)
        for question in SCREENING_QUESTIONS
        if question.field in answers.yes
        and question.level is not None
        and question.field != "thyroid_medication"
    ]
    if (thyroid := thyroid_status(answers, medications, start).finding()) is not None:
        findings.append(thyroid)
    return ordered(findings)


# --- the medication list over time ----------------------------------------------------------


@dataclass(frozen=True)
class MedicationPeriod:
    """A medicine on the patient's list: taken from `started_on` (or, unknown, from the day
    it was listed) to `stopped_on`, the last day taken."""

    name: str
    dose_text: str = ""
    started_on: dt.date | None = None
    stopped_on: dt.date | None = None
    listed_on: dt.date | None = None

    @property
    def first_day(self) -> dt.date | None:
        return self.started_on or self.listed_on

    def taken_on(self, day: dt.date) -> bool:
        first = self.first_day
        return (first is None or first <= day) and (self.stopped_on is None or day <= self.stopped_on)

    def taken_within(self, first: dt.date, last: dt.date) -> bool:
        begun = self.first_day is None or self.first_day <= last
        return begun and (self.stopped_on is None or self.stopped_on >= first)

    @property
    def categories(self) -> frozenset[MedicationCategory]:
        return classify_medication(self.name)

    @property
    def label(self) -> str:
        return f"{self.name} {self.dose_text}" if self.dose_text else self.name


def _opioids(medications: Iterable[MedicationPeriod]) -> list[MedicationPeriod]:
    return [med for med in medications if MedicationCategory.OPIOID in med.categories]


def prefill_screening(medications: Iterable[MedicationPeriod], today: dt.date) -> ScreeningAnswers:
    """Suggested answers from the medication list; the clinician confirms them.

    An opioid taken today or in the last 14 days ticks opioid use and lists the names as
    typed. The last dose is the latest stop date, or empty when one is still taken (which
    blocks until the clinician enters the real date). Thyroid medicines and
    immunosuppressants count when taken today."""
    medications = list(medications)
    recent = [
        med
        for med in _opioids(medications)
        if med.taken_within(today - OPIOID_WASHOUT_SAFE_DAYS * DAY, today)
    ]
    still_taken = any(med.stopped_on is None for med in recent)
    stop_dates = [med.stopped_on for med in recent if med.stopped_on is not None]
    current = {category for med in medications if med.taken_on(today) for category in med.categories}
    yes = set()
    if MedicationCategory.IMMUNOSUPPRESSANT in current:
        yes.add("immunosuppressants_or_transplant")
    if current & THYROID_CATEGORIES:
        yes.add("thyroid_medication")
    return ScreeningAnswers(
        opioid_use_last_14_days=bool(recent),
        opioid_names=", ".join(dict.fromkeys(med.name.strip() for med in recent)),
        opioid_stopped_on=None if still_taken or not stop_dates else max(stop_dates),
        yes=frozenset(yes),
    )


# --- thyroid status -----------------------------------------------------------------------


class ThyroidKind(StrEnum):
    NONE = "none"
    REPLACEMENT = "replacement"
    ANTITHYROID = "antithyroid"
    UNSPECIFIED = "unspecified"  # ticked in the screening, no medicine named on the list


@dataclass(frozen=True)
class ThyroidStatus:
    kind: ThyroidKind
    medicines: tuple[str, ...] = ()

    @property
    def on_thyroid_medication(self) -> bool:
        return self.kind is not ThyroidKind.NONE

    @property
    def watch_for(self) -> str:
        """The signs the clinician and patient watch for, in the medicine's direction."""
        return as_phrase(THYROID_WATCH[self.kind])

    def finding(self) -> Finding | None:
        if not self.on_thyroid_medication:
            return None
        title, watch = as_phrase(THYROID_TITLES[self.kind]), as_phrase(self.watch_for)
        if self.medicines:
            words = phrase(
                gettext_noop("{title} ({medicines}): {watch}"),
                title=title,
                medicines=", ".join(self.medicines),
                watch=watch,
            )
        else:
            words = phrase(gettext_noop("{title}: {watch}"), title=title, watch=watch)
        return SAFETY_RULES["thyroid_watch"].finding(words)


THYROID_TITLES = {
    ThyroidKind.REPLACEMENT: gettext_noop("Thyroid hormone replacement"),
    ThyroidKind.ANTITHYROID: gettext_noop("Antithyroid medicine"),
    ThyroidKind.UNSPECIFIED: gettext_noop("Thyroid medication"),
}
THYROID_WATCH = {
    ThyroidKind.NONE: "",
    ThyroidKind.REPLACEMENT: gettext_noop(
        "as thyroid function improves the dose may become too high — watch for "
        "heat intolerance, poor sleep and palpitations."
    ),
    ThyroidKind.ANTITHYROID: gettext_noop(
        "as the thyroid settles the antithyroid dose may need review — check thyroid "
        "function; heat intolerance, poor sleep or palpitations mean it is still "
        "overactive."
    ),
    ThyroidKind.UNSPECIFIED: gettext_noop(
        "the dose may need adjusting as thyroid function changes — check which medicine "
        "and watch the thyroid signs."
    ),
}


def thyroid_status(
    answers: ScreeningAnswers | None, medications: Iterable[MedicationPeriod], day: dt.date
) -> ThyroidStatus:
    """One thyroid status from the screening or the medication list: the list names the
    kind (replacement or antithyroid); a screening "yes" without a listed medicine leaves it
    unspecified."""
    listed = [med for med in medications if med.taken_on(day) and med.categories & THYROID_CATEGORIES]
    names = tuple(dict.fromkeys(med.name for med in listed))
    if any(MedicationCategory.ANTITHYROID in med.categories for med in listed):
        return ThyroidStatus(ThyroidKind.ANTITHYROID, names)
    if listed:
        return ThyroidStatus(ThyroidKind.REPLACEMENT, names)
    if answers is not None and "thyroid_medication" in answers.yes:
        return ThyroidStatus(ThyroidKind.UNSPECIFIED)
    return ThyroidStatus(ThyroidKind.NONE)


# --- judging a start of LDN -------------------------------------------------------------------


def listed_opioid_findings(
    medications: Iterable[MedicationPeriod],
    start: dt.date,
    *,
    long_term: bool = False,
    what: str = "the start date",
) -> list[Finding]:
    """The medication list's opioids against a start of LDN on `start`: each one taken on
    or after the day before is still being taken; one stopped within 14 days is judged by
    the washout."""
    findings: list[Finding] = []
    for med in _opioids(medications):
        if med.taken_on(start):
            findings += washout_findings(med.name, None, start, long_term=long_term, what=what)
        elif med.stopped_on is not None and start - OPIOID_WASHOUT_SAFE_DAYS * DAY <= med.stopped_on < start:
            findings += washout_findings(med.name, med.stopped_on, start, long_term=long_term, what=what)
    return findings


def judge_start(
    answers: ScreeningAnswers | None,
    medications: Sequence[MedicationPeriod],
    start: dt.date,
    *,
    what: str = "the start date",
) -> list[Finding]:
    """What stands in the way of LDN starting, resuming or rising on `start`: the latest
    screening (none at all blocks) and the medication list's opioids."""
    if answers is None:
        return [SAFETY_RULES["no_screening"].finding(gettext_noop("No safety screening is recorded yet."))]
    findings = judge_screening(answers, start, medications)
    findings += listed_opioid_findings(medications, start, long_term=answers.long_term_opioids, what=what)
    return ordered(findings)


# --- the safety state -----------------------------------------------------------------------


@dataclass(frozen=True)
class SafetyState:
    """What a clinician must keep in mind about a patient on one day, most serious first,
    and what the patient is told."""

    findings: tuple[Finding, ...]
    thyroid: ThyroidStatus
    notice_for_patient: str = field(default="")

    @property
    def worst(self) -> Level | None:
        return worst_level(self.findings)

    @property
    def concerns(self) -> tuple[Finding, ...]:
        """Findings that block or warn (not the standing notes)."""
        return tuple(finding for finding in self.findings if finding.level in (Level.BLOCK, Level.WARN))

    @property
    def alerts(self) -> tuple[Finding, ...]:
        """Findings that block: the roster's alerts and the advice's safety card."""
        return tuple(finding for finding in self.findings if finding.level is Level.BLOCK)


def _course_start(schedule: Schedule, day: dt.date) -> dt.date | None:
    """The start date of the plan in force on `day`, else of the next, else of the last."""
    dose = schedule.in_force(day) or schedule.next_step(day) or schedule.last_dose_before(day)
    if dose is None:
        return None
    return next(d.start_date for d in schedule.effective if d.plan_id == dose.plan_id)


def _opioid_state(
    medications: Sequence[MedicationPeriod], schedule: Schedule, day: dt.date, long_term: bool
) -> tuple[list[Finding], str]:
    """Opioids on the list on `day`, against the LDN around it: taken with LDN prescribed (or
    still ahead) blocks; taken during a pause is judged against the resumption; stopped
    within 14 days is judged against the next LDN dose. Also what the patient is told."""
    findings: list[Finding] = []
    taken_with_ldn: list[str] = []
    too_soon: list[MedicationPeriod] = []
    upcoming = schedule.step_on(day) or schedule.next_step(day)
    for med in _opioids(medications):
        if med.taken_on(day):
            pause = schedule.pause_on(day)
            if pause is not None:
                # LDN resumes on the next prescribed day: not at all when the plan ends in the pause
                resumes = schedule.next_dose_day(day)
                if resumes is not None:
                    findings.append(
                        SAFETY_RULES["opioid_during_pause"].finding(
                            phrase(
                                gettext_noop(
                                    "{medicine} during the LDN pause; LDN resumes on {day}: the last opioid "
                                    "dose must come at least 7 days before (10 after long-term use)."
                                ),
                                medicine=med.name,
                                day=resumes.isoformat(),
                            )
                        )
                    )
            elif upcoming is not None or schedule.first_dose is None:
                taken_with_ldn.append(med.name)
                findings.append(
                    SAFETY_RULES["opioid_with_ldn"].finding(
                        _opioid_listed_words(med, prescribed_now=schedule.step_on(day) is not None)
                    )
                )
        elif med.stopped_on is not None and day - OPIOID_WASHOUT_SAFE_DAYS * DAY <= med.stopped_on < day:
            next_day = schedule.next_dose_day(day)
            if next_day is not None:
                washout = washout_findings(
                    med.name,
                    med.stopped_on,
                    next_day,
                    long_term=long_term,
                    what=phrase(gettext_noop("the next LDN dose")),
                )
                findings += washout
                too_soon += [med for finding in washout if finding.level is Level.BLOCK]
    return findings, patient_notice(taken_with_ldn, too_soon)


def _opioid_listed_words(med: MedicationPeriod, *, prescribed_now: bool) -> str:
    started = med.first_day
    if started is None:
        message = (
            gettext_noop("Opioid on the medication list, while LDN is prescribed: {medicine}.")
            if prescribed_now
            else gettext_noop("Opioid on the medication list, before LDN starts: {medicine}.")
        )
        return phrase(message, medicine=med.label)
    message = (
        gettext_noop("Opioid on the medication list since {day}, while LDN is prescribed: {medicine}.")
        if prescribed_now
        else gettext_noop("Opioid on the medication list since {day}, before LDN starts: {medicine}.")
    )
    return phrase(message, medicine=med.label, day=started.isoformat())


def _listed_cautions(
    medications: Sequence[MedicationPeriod], answers: ScreeningAnswers | None, day: dt.date
) -> list[Finding]:
    taken = [med for med in medications if med.taken_on(day)]
    findings = []
    immuno = [med.name for med in taken if MedicationCategory.IMMUNOSUPPRESSANT in med.categories]
    if immuno and (answers is None or "immunosuppressants_or_transplant" not in answers.yes):
        question = QUESTIONS_BY_FIELD["immunosuppressants_or_transplant"]
        findings.append(
            Finding(
                Level.WARN,
                question.field,
                phrase(
                    gettext_noop("Immunosuppressant on the medication list: {names}."),
                    names=", ".join(immuno),
                ),
                question.reason,
                gettext_noop("immunosuppressant"),
            )
        )
    findings += [
        SAFETY_RULES["gut_opioid"].finding(
            phrase(gettext_noop("Gut-acting opioid on the medication list: {medicine}."), medicine=med.label)
        )
        for med in taken
        if MedicationCategory.GUT_OPIOID in med.categories
    ]
    return findings


def patient_notice(taken: Sequence[str], too_soon: Sequence[MedicationPeriod] = ()) -> str:
    """Plain words for the patient: an opioid taken now, or stopped too recently for LDN."""
    if taken:
        return _(
            "Do not take LDN together with %(names)s: LDN blocks opioids and can bring on "
            "withdrawal. Contact your clinic before your next LDN dose."
        ) % {"names": ", ".join(taken)}
    if too_soon:
        last = max(med.stopped_on for med in too_soon if med.stopped_on is not None)
        names = ", ".join(med.name for med in too_soon)
        return _(
            "You took %(names)s until %(day)s. LDN so soon after an "
            "opioid can bring on withdrawal: contact your clinic before your next LDN dose."
        ) % {"names": names, "day": date_words(last, "j F")}
    return ""


def safety_state(
    *,
    answers: ScreeningAnswers | None,
    medications: Sequence[MedicationPeriod],
    schedule: Schedule,
    day: dt.date,
) -> SafetyState:
    """The one safety state of a patient on `day`: the latest screening judged against the
    start of the current (or next) plan, the opioids on the medication list around the LDN
    prescribed, other cautions from the list, the thyroid status, and a plan without any
    screening on record."""
    long_term = answers.long_term_opioids if answers else False
    findings, notice = _opioid_state(medications, schedule, day, long_term)
    start = _course_start(schedule, day)
    if answers is not None:  # the thyroid note comes from the one thyroid status below
        findings += [f for f in judge_screening(answers, start or day) if f.code != "thyroid_watch"]
    elif schedule.first_dose is not None:  # on a running plan it warns; a new plan it blocks
        findings.append(
            Finding(
                Level.WARN,
                "no_screening",
                gettext_noop("No safety screening on record."),
                NO_SCREENING_REASON,
                gettext_noop("no screening"),
            )
        )
    findings += _listed_cautions(medications, answers, day)
    thyroid = thyroid_status(answers, medications, day)
    if (note := thyroid.finding()) is not None:
        findings.append(note)
    return SafetyState(findings=tuple(ordered(findings)), thyroid=thyroid, notice_for_patient=notice)


def _change_days(medications: Sequence[MedicationPeriod], schedule: Schedule) -> set[dt.date]:
    """The days on which anything `safety_state` depends on may change: a medicine's first
    day, and each of the 15 days after its last (the washout is counted day by day); a
    pause's start and the day after; a run's or step's start and end."""
    days: set[dt.date] = set()
    for med in medications:
        if med.first_day is not None:
            days.add(med.first_day)
        if med.stopped_on is not None:
            days.update(med.stopped_on + offset * DAY for offset in range(1, OPIOID_WASHOUT_SAFE_DAYS + 2))
    for pause in schedule.pauses:
        days.update((pause.start_date, pause.end_date + DAY))
    for run in schedule.runs:
        days.update(day for day in (run.first, run.last and run.last + DAY) if day)
    for dose in schedule.doses:
        days.update(day for day in (dose.start_date, dose.until) if day)
    return days


def safety_by_day(
    *,
    answers: ScreeningAnswers | None,
    medications: Sequence[MedicationPeriod],
    schedule: Schedule,
    days: Iterable[dt.date],
) -> Iterator[tuple[dt.date, SafetyState]]:
    """`safety_state` for each of `days` (in date order), worked out again only on the days
    something it depends on changes: an export of a year asks a few times, not 365."""
    changes = sorted(_change_days(medications, schedule))
    # With no plan the screening's washout is judged against the day itself: it changes daily.
    daily = schedule.first_dose is None and answers is not None and answers.opioid_stopped_on is not None
    state, valid_until = None, None  # the state holds until the day before the next change
    for day in days:
        if state is None or daily or (valid_until is not None and day >= valid_until):
            state = safety_state(answers=answers, medications=medications, schedule=schedule, day=day)
            later = bisect.bisect_right(changes, day)
            valid_until = changes[later] if later < len(changes) else None
        yield day, state
