"""Bounds on what a person or an address can send: the window of every date a person can
type, the range of every number, the length of every text and list — in one place, each
with its reason.

Forms show these bounds as field errors, services refuse with a ValidationError, the
database holds the fixed spans and ranges (CheckConstraints), and the rulebook lists every
bound with its reason (`INPUT_RULES`).

Rows stored before these bounds, or outside them by hand, must not break a page: the
schedule reads every date within `TREATMENT_SPAN` (`DateWindow.clamp`), so no date sum can
leave the calendar and no series runs for centuries, and `record_problems` names each such
row for the clinician, who can correct it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from journal.findings import Level, Rule, rule_table
from journal.wording import IsoDate, as_phrase, gettext_noop, ngettext_lazy, phrase
from journal.wording import gettext as _

if TYPE_CHECKING:  # the schedule reads its dates through this module: no import at run time
    from journal.schedule import PausePeriod, PlanRecord


@dataclass(frozen=True)
class DateWindow:
    """The dates from `first` to `last` (both included), and why a date outside is refused:
    `too_early` and `too_late` finish the sentence "… is before <first>: "."""

    first: dt.date
    last: dt.date
    too_early: str = ""
    too_late: str = ""

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.first <= day <= self.last

    def clamp(self, day: dt.date) -> dt.date:
        """The nearest date within the window."""
        return min(max(day, self.first), self.last)

    def problem(self, day: dt.date, what: str) -> str | None:
        """Why `day` (named `what`, e.g. "The first dose") is refused; None when it is within."""
        if day < self.first:
            return _("%(what)s, %(day)s, is before %(first)s: %(why)s.") % {
                "what": what,
                "day": day.isoformat(),
                "first": self.first.isoformat(),
                "why": _(self.too_early),
            }
        if day > self.last:
            return _("%(what)s, %(day)s, is after %(last)s: %(why)s.") % {
                "what": what,
                "day": day.isoformat(),
                "last": self.last.isoformat(),
                "why": _(self.too_late),
            }
        return None

    @property
    def words(self) -> str:
        return f"{self.first.isoformat()} to {self.last.isoformat()}"


# --- dates ------------------------------------------------------------------------------------

# Every treatment date the app stores (plans, steps, pauses, diary entries) lies in this span,
# and the database holds it (CheckConstraints). LDN Journal keeps records from 2000 on; the
# span is wide enough for any real course and narrow enough that no date sum leaves the calendar.
TREATMENT_SPAN = DateWindow(
    dt.date(2000, 1, 1),
    dt.date(2099, 12, 31),
    gettext_noop("LDN Journal keeps treatment records from 2000 on"),
    gettext_noop("LDN Journal keeps treatment records up to 2099"),
)
# A plan's end is the first day with nothing prescribed: at most the day after the span.
END_SPAN = DateWindow(
    TREATMENT_SPAN.first + dt.timedelta(days=1),
    TREATMENT_SPAN.last + dt.timedelta(days=1),
    TREATMENT_SPAN.too_early,
    TREATMENT_SPAN.too_late,
)
# Medicines and opioid use before LDN may go back decades.
HISTORY_SPAN = DateWindow(
    dt.date(1900, 1, 1),
    dt.date(2099, 12, 31),
    gettext_noop("no one alive started a medicine before 1900"),
    gettext_noop("LDN Journal keeps records up to 2099"),
)
LOOKBACK_DAYS = 365  # a course begun before the patient joined may be recorded this far back
HORIZON_DAYS = 2 * 365  # how far ahead a clinician may date a plan, a pause or a screening


def record_window(opened_on: dt.date, today: dt.date) -> DateWindow:
    """The dates a clinician may write for one patient's plans, steps, pauses and planned
    first dose: from a year before the patient's record was opened (`opened_on`, their local
    date) to two years after `today`."""
    opened = TREATMENT_SPAN.clamp(min(opened_on, today))
    return DateWindow(
        TREATMENT_SPAN.clamp(opened - dt.timedelta(days=LOOKBACK_DAYS)),
        TREATMENT_SPAN.clamp(today + dt.timedelta(days=HORIZON_DAYS)),
        gettext_noop("a plan or pause goes back at most a year before the patient's record was opened"),
        gettext_noop("a plan or pause is written at most two years ahead"),
    )


def taken_window(today: dt.date) -> DateWindow:
    """The dates a medicine may have been started or stopped on: not after today."""
    return DateWindow(
        HISTORY_SPAN.first,
        today,
        HISTORY_SPAN.too_early,
        gettext_noop("a medicine is listed once it is taken, and stopped once it is stopped"),
    )


def change_window(opened_on: dt.date, today: dt.date) -> DateWindow:
    """The dates a condition or a tracked symptom may be added or stopped on: from the day the
    patient's record was opened to today (a change is recorded once it has happened)."""
    return DateWindow(
        TREATMENT_SPAN.clamp(min(opened_on, today)),
        TREATMENT_SPAN.clamp(today),
        gettext_noop("a record changes at the earliest on the day it was opened"),
        gettext_noop("a change is recorded once it has happened"),
    )


def birth_window(today: dt.date) -> DateWindow:
    """The dates a patient may be born on: from 1900 to today."""
    return DateWindow(
        HISTORY_SPAN.first,
        today,
        gettext_noop("no one alive was born before 1900"),
        gettext_noop("a date of birth is not in the future"),
    )


def measured_window(born: dt.date | None, today: dt.date) -> DateWindow:
    """The dates a weight may have been measured on: from birth (or 1900) to today."""
    return DateWindow(
        max(born or HISTORY_SPAN.first, HISTORY_SPAN.first),
        today,
        gettext_noop("a weight is measured at the earliest on the day of birth"),
        gettext_noop("a weight is recorded once it has been measured"),
    )


def opioid_window(today: dt.date) -> DateWindow:
    """The dates a screening's last opioid dose may be on: a planned stop may lie ahead."""
    return DateWindow(
        HISTORY_SPAN.first,
        today + dt.timedelta(days=HORIZON_DAYS),
        HISTORY_SPAN.too_early,
        gettext_noop("a planned last dose is at most two years ahead"),
    )


def export_window(today: dt.date) -> DateWindow:
    """The dates an export may cover: the treatment span, up to today."""
    return DateWindow(
        TREATMENT_SPAN.first, today, TREATMENT_SPAN.too_early, gettext_noop("the latest date is today")
    )


def sample_window(opened_on: dt.date, today: dt.date) -> DateWindow:
    """The dates a lab sample may have been taken on: from the start of the patient's
    `record_window` (a year before their record was opened) to today."""
    return DateWindow(
        record_window(opened_on, today).first,
        TREATMENT_SPAN.clamp(today),
        gettext_noop("a lab result goes back at most a year before the patient's record was opened"),
        gettext_noop("a sample is recorded once it has been taken"),
    )


LATE_PAUSE_NEEDS_REASON = as_phrase(
    gettext_noop(
        "The first paused day is before today: say why the pause is recorded afterwards. The CSV "
        "marks those days as paused."
    )
)

# The longest run of days one export, chart or dose calendar works through (three years).
SERIES_MAX_DAYS = 3 * 365 + 1


# --- numbers ----------------------------------------------------------------------------------

DOSE_DECIMALS = 3  # 0.001 mg, the smallest dose used [003]
DOSE_MAX_MG = Decimal("16")  # the highest LDN dose in the literature [003]
INCREMENT_MAX_MG = DOSE_MAX_MG  # a step up
STRENGTH_MAX_MG = DOSE_MAX_MG  # in one capsule, or one mL of liquid
CHANGE_DAYS_MAX = 90  # a step interval, a hold, a move of later steps
PLAN_STEPS_MAX = 60  # steps of one plan
ID_MAX = 2**63 - 1  # the largest row id both databases store
NUMBER_MAX_CHARS = 20  # a number typed into a form


def row_id(text: str) -> int | None:
    """A row id as a form or an address sends it: ASCII digits, from 1 to `ID_MAX`."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(ID_MAX)):
        return None
    number = int(text)
    return number if 0 < number <= ID_MAX else None


def typed_number(text: str) -> Decimal | None:
    """The number a person typed, or None when it is none a dose, strength or step could be:
    not a finite number, longer than `NUMBER_MAX_CHARS`, or more than nine digits before or
    after the point (1e99999999 would overflow every sum and every shown figure)."""
    if len(text) > NUMBER_MAX_CHARS:
        return None
    try:
        value = Decimal(text)
    except ArithmeticError:
        return None
    return value if value.is_finite() and -9 <= value.adjusted() < 9 else None


# A lab result's value: no result of the catalogue's tests is negative, and none reaches
# 100,000 (thyroid peroxidase antibodies, the largest, are reported up to a few thousand IU/mL).
LAB_VALUE_MAX = Decimal("99999")
LAB_DECIMALS = 4  # 0.0001, finer than any laboratory reports


# --- texts and lists ----------------------------------------------------------------------------

NAME_MAX_CHARS = 120  # a condition's or a symptom's name
MEDICINE_MAX_CHARS = 200  # a medicine's name or dose, a reason, a note
CONDITIONS_MAX = 20  # conditions of one patient, chosen and typed
SYMPTOMS_MAX = 12  # tracked symptoms of one patient: each is a panel of the chart
MEDICINES_MAX = 30  # medicines typed in one form
WEIGHT_MIN_KG = Decimal("0.5")  # a premature newborn
WEIGHT_MAX_KG = Decimal("350")
WEIGHT_DECIMALS = 1  # 100 g, as clinic scales show
REASON_MAX_CHARS = 300  # a clinician's reason for a plan change, told to the patient
QUESTION_MAX_CHARS = 500  # a patient's question to the care team
ANSWER_MAX_CHARS = 1000  # the care team's answer
OPEN_QUESTIONS_MAX = 3  # questions of one patient waiting for an answer
EMERGENCY_LINE_MAX_CHARS = 200  # the clinic's "for an emergency, call …" line
LAB_UNIT_MAX_CHARS = 30  # a lab unit: "mIU/L", "mm/h", "x10^9/L"
LABORATORY_MAX_CHARS = 120  # the laboratory's name, as on its report
SEARCH_MAX_CHARS = 100  # a roster search: a patient's name or code
FILTER_NAME_MAX_CHARS = 60  # the name of a clinician's saved roster filter
SAVED_FILTERS_MAX = 20  # saved roster filters of one clinician
API_TOKEN_NAME_MAX_CHARS = 80  # what an API token is for: "EHR nightly import"
API_TOKEN_DAYS_MIN = 1  # an API token's life: at least a day,
API_TOKEN_DAYS_MAX = 365  # at most a year: a token that never expires is one nobody revokes
API_TOKENS_MAX = 20  # a clinic's tokens in force at once: one per system that reads, and a few spare
FHIR_SEARCH_MAX_DAYS = 366  # a FHIR search's date range: a year at a time, as an export's range is bounded
FHIR_PAGE_DEFAULT = 50  # resources on one page of a FHIR search (`_count`)
FHIR_PAGE_MAX = 200
FHIR_PAGES_MAX = 1000  # pages of one search (`_page`): past it a system narrows the dates


def list_problem(items: Sequence[str], *, most: int, max_chars: int, what: str) -> str | None:
    """Why a typed list is refused: too many items (`what`: the message, with %(most)s and
    %(count)s), or one too long."""
    if len(items) > most:
        return _(what) % {"most": most, "count": len(items)}
    long = next((item for item in items if len(item) > max_chars), None)
    if long is not None:
        return _("“%(name)s…” is longer than %(most)s characters: shorten it.") % {
            "name": long[:40],
            "most": max_chars,
        }
    return None


# An invitation's lists, each of every name chosen and typed: (most names, longest name, words).
INVITATION_LISTS = {
    "conditions": (
        CONDITIONS_MAX,
        NAME_MAX_CHARS,
        gettext_noop("At most %(most)s conditions: this list has %(count)s."),
    ),
    "symptoms": (
        SYMPTOMS_MAX,
        NAME_MAX_CHARS,
        gettext_noop("At most %(most)s tracked symptoms: this list has %(count)s."),
    ),
    "medications": (
        MEDICINES_MAX,
        MEDICINE_MAX_CHARS,
        gettext_noop("At most %(most)s medicines: this list has %(count)s."),
    ),
}


def invitation_problems(**lists: Sequence[str]) -> dict[str, str]:
    """What is wrong with an invitation's lists (`conditions`, `symptoms`, `medications`:
    the names of every one chosen and typed), by list; empty when nothing is."""
    problems = {}
    for kind, names in lists.items():
        most, max_chars, what = INVITATION_LISTS[kind]
        if problem := list_problem(names, most=most, max_chars=max_chars, what=what):
            problems[kind] = problem
    return problems


# --- reminders -----------------------------------------------------------------------------

SUPPLY_MAX_DOSES = 400  # doses on hand: over a year of daily doses is a mistyped number
SUPPLY_COUNT_MAX_DAYS = 365  # a supply counted longer ago than this says nothing about today
REFILL_DAYS_MAX = 60  # warn this many days ahead at most: a refill is ordered weeks ahead, not months
PUSH_ENDPOINT_MAX_CHARS = 500  # a push service's address: the browsers' are under 300 characters
PUSH_KEY_MAX_CHARS = 200  # a subscription's public key (87 characters) or secret (22)
DEVICE_MAX_CHARS = 120  # the browser's own name for the device, shown in the list
PUSH_DEVICES_MAX = 10  # push subscriptions of one patient: a phone, a tablet, a computer or two


def supply_window(today: dt.date) -> DateWindow:
    """The dates a supply may have been counted on: the last `SUPPLY_COUNT_MAX_DAYS` days."""
    return DateWindow(
        today - dt.timedelta(days=SUPPLY_COUNT_MAX_DAYS),
        today,
        too_early=gettext_noop("a count that old says nothing about what is left; count again"),
        too_late=gettext_noop("count what you have today"),
    )


def dispensing_window(plan_first_day: dt.date, last_dispensed: dt.date | None, today: dt.date) -> DateWindow:
    """The dates a refill of a plan may have been dispensed on: from the plan's first day (the
    earlier of its first dose and the day it was written), and not before the dispensing
    already recorded, to today."""
    first = max(plan_first_day, last_dispensed) if last_dispensed is not None else plan_first_day
    return DateWindow(
        min(first, today),
        today,
        too_early=gettext_noop(
            "a refill comes after the plan began and after the dispensing already recorded"
        ),
        too_late=gettext_noop("record a refill once it has been dispensed"),
    )


INPUT_RULES: dict[str, Rule] = rule_table(
    Rule(
        "record_window",
        Level.REFUSE,
        gettext_noop(
            "A date of a plan, a step, a pause, a plan's end or a planned first dose more than a "
            "year before the patient's record was opened, or more than two years ahead."
        ),
        gettext_noop(
            "A course begun before the patient joined can be recorded; a plan is reviewed within "
            "months [003], so a date years away is a mistyped year (the app's own rule)."
        ),
    ),
    Rule(
        "backdated_pause",
        Level.REFUSE,
        gettext_noop(
            "A pause whose first day is before today, without a reason for recording it afterwards."
        ),
        gettext_noop(
            "A pause takes the dose off its days: recorded afterwards, it changes what the CSV says "
            "was prescribed on days already past, so the reason is kept with the pause, in the "
            "audit log and in the CSV's pause column (the app's own rule)."
        ),
    ),
    Rule(
        "history_window",
        Level.REFUSE,
        gettext_noop(
            "A medicine started or stopped before 1900 or after today; a last opioid dose before "
            "1900 or more than two years ahead."
        ),
        gettext_noop(
            "A medicine is listed once it is taken; a planned last opioid dose may lie ahead of "
            "the screening (the app's own rule)."
        ),
    ),
    Rule(
        "export_range",
        Level.REFUSE,
        phrase(
            gettext_noop("An export before {first}, after today or longer than {series_max_days} days."),
            first=TREATMENT_SPAN.first.isoformat(),
            series_max_days=SERIES_MAX_DAYS,
        ),
        gettext_noop(
            "An export streams one row per patient and day; longer ranges go in parts (the app's own rule)."
        ),
    ),
    Rule(
        "plan_size",
        Level.REFUSE,
        phrase(
            gettext_noop(
                "A plan of more than {plan_steps_max} steps; a step up above {increment_max_mg} mg or "
                "with more than {dose_decimals} decimals; a strength above {strength_max_mg} mg; an "
                "interval, hold or move of more than {change_days_max} days."
            ),
            plan_steps_max=PLAN_STEPS_MAX,
            increment_max_mg=INCREMENT_MAX_MG,
            dose_decimals=DOSE_DECIMALS,
            strength_max_mg=STRENGTH_MAX_MG,
            change_days_max=CHANGE_DAYS_MAX,
        ),
        gettext_noop(
            "Even the gentlest template reaches its target in a few steps [000, 003]: more steps, "
            "finer amounts or longer intervals are a mistyped number, and the preview would draw "
            "every step (the app's own rule)."
        ),
    ),
    Rule(
        "lab_result",
        Level.REFUSE,
        f"A lab result below 0 or above {LAB_VALUE_MAX}, or with more than {LAB_DECIMALS} decimals; "
        f"a reference range whose low end is above its high end; a sample taken after today or "
        f"more than a year before the patient's record was opened; a unit longer than "
        f"{LAB_UNIT_MAX_CHARS} characters, a laboratory's or a test's name longer than "
        f"{LABORATORY_MAX_CHARS}.",
        "Each result keeps its laboratory's own unit and range (ranges differ between "
        "laboratories); a value outside these bounds is a mistyped number (the app's own rule).",
    ),
    Rule(
        "list_size",
        Level.REFUSE,
        phrase(
            gettext_noop(
                "More than {conditions_max} conditions, {symptoms_max} tracked symptoms or "
                "{medicines_max} medicines in one form; a name longer than {name_max_chars} "
                "(condition, symptom) or {medicine_max_chars} characters (medicine)."
            ),
            conditions_max=CONDITIONS_MAX,
            symptoms_max=SYMPTOMS_MAX,
            medicines_max=MEDICINES_MAX,
            name_max_chars=NAME_MAX_CHARS,
            medicine_max_chars=MEDICINE_MAX_CHARS,
        ),
        gettext_noop(
            "Each tracked symptom is a panel of the chart and a column of the CSV; longer names do "
            "not fit the database (the app's own rule)."
        ),
    ),
    Rule(
        "message_size",
        Level.REFUSE,
        phrase(
            gettext_noop(
                "A reason for a plan change longer than {reason_max_chars} characters, or missing when "
                "the change alters what is prescribed; a question longer than {question_max_chars} "
                "characters, or more than {open_questions_max} waiting for an answer; an answer longer "
                "than {answer_max_chars} characters; an emergency line longer than "
                "{emergency_line_max_chars} characters."
            ),
            reason_max_chars=REASON_MAX_CHARS,
            question_max_chars=QUESTION_MAX_CHARS,
            open_questions_max=OPEN_QUESTIONS_MAX,
            answer_max_chars=ANSWER_MAX_CHARS,
            emergency_line_max_chars=EMERGENCY_LINE_MAX_CHARS,
        ),
        gettext_noop(
            "Messages are short notes tied to the patient's care, not a chat: a patient who needs "
            "more is seen, and an emergency goes to the number the clinic gives (the app's own rule)."
        ),
    ),
    Rule(
        "fhir_api",
        Level.REFUSE,
        phrase(
            gettext_noop(
                "An API token whose name is longer than {name_max_chars} characters, that is valid for "
                "less than {days_min} day or longer than {days_max} days, or that would make more than "
                "{tokens_max} tokens in force in one clinic; a FHIR search of more than {search_max_days} "
                "days, of more than {page_max} resources a page, or with a parameter the API does not know."
            ),
            name_max_chars=API_TOKEN_NAME_MAX_CHARS,
            days_min=API_TOKEN_DAYS_MIN,
            days_max=API_TOKEN_DAYS_MAX,
            tokens_max=API_TOKENS_MAX,
            search_max_days=FHIR_SEARCH_MAX_DAYS,
            page_max=FHIR_PAGE_MAX,
        ),
        gettext_noop(
            "A token that never expires is one nobody revokes; a search is answered in pages, a year "
            "at a time, so no request reads a whole clinic's history (the app's own rule)."
        ),
    ),
    Rule(
        "roster_search",
        Level.REFUSE,
        phrase(
            gettext_noop(
                "A roster search longer than {search_max_chars} characters; "
                "more than {saved_filters_max} "
                "saved filters of one clinician, or a filter's name longer than {filter_name_max_chars}."
            ),
            search_max_chars=SEARCH_MAX_CHARS,
            saved_filters_max=SAVED_FILTERS_MAX,
            filter_name_max_chars=FILTER_NAME_MAX_CHARS,
        ),
        gettext_noop(
            "A search matches part of a patient's name or code, both shorter than that; a saved "
            "filter is a shortcut, and a list past a screenful is no shortcut (the app's own rule)."
        ),
    ),
    Rule(
        "reminder_settings",
        Level.REFUSE,
        phrase(
            gettext_noop(
                "A supply of more than {supply_max_doses} doses, counted in the future or more than "
                "{supply_count_max_days} days ago; a refill warning more than {refill_days_max} days "
                "ahead; a reminder time inside the quiet hours; a push address longer than "
                "{push_endpoint_max_chars} characters, not https, "
                "or more than {push_devices_max} devices."
            ),
            supply_max_doses=SUPPLY_MAX_DOSES,
            supply_count_max_days=SUPPLY_COUNT_MAX_DAYS,
            refill_days_max=REFILL_DAYS_MAX,
            push_endpoint_max_chars=PUSH_ENDPOINT_MAX_CHARS,
            push_devices_max=PUSH_DEVICES_MAX,
        ),
        gettext_noop(
            "A reminder is sent by the worker every day it is due: a mistyped supply or a time the "
            "patient asked to be left alone would send the wrong one, or none (the app's own rule)."
        ),
    ),
    Rule(
        "record_needs_attention",
        Level.WARN,
        gettext_noop(
            "A stored step, plan end, pause or diary entry dated outside the patient's window "
            "(saved before these bounds, or by hand)."
        ),
        gettext_noop(
            "The pages read such a date as the nearest date from 2000 to 2099, so they still "
            "open; the clinician corrects the record (the app's own rule)."
        ),
    ),
)


# --- rows already stored ---------------------------------------------------------------------


@dataclass(frozen=True)
class RecordProblem:
    """One stored row outside its window. `row` names it for a correction ("step", "pause",
    "plan_end"; "entries" cannot be corrected by a clinician) and `row_id` is its id."""

    row: str
    row_id: int | None
    message: str

    @property
    def reason(self) -> str:
        return INPUT_RULES["record_needs_attention"].reason

    @property
    def key(self) -> str:
        """The value a correction form posts: "step:12"."""
        return f"{self.row}:{self.row_id}"

    @property
    def correction(self) -> str | None:
        """The button's words, when the clinician can correct the row."""
        words = CORRECTIONS.get(self.row)
        return None if words is None else as_phrase(words)


CORRECTIONS = {
    "step": gettext_noop("Remove this step"),
    "pause": gettext_noop("Remove this pause"),
    "plan_end": gettext_noop("Clear this end date"),
}


def record_problems(
    *,
    plans: Iterable[PlanRecord],
    pauses: Iterable[PausePeriod],
    entry_days: Iterable[dt.date],
    window: DateWindow,
) -> tuple[RecordProblem, ...]:
    """Every stored step, plan end and pause dated outside `window` (the patient's
    `record_window`), and the diary entries dated outside it (one problem for them all)."""
    first, last = IsoDate(window.first.isoformat()), IsoDate(window.last.isoformat())
    problems = []
    for plan in plans:
        for step in plan.steps:
            if step.start_date not in window:
                message = phrase(
                    gettext_noop(
                        "The step of {mg} mg dated {day} is outside {first} to {last}, the dates this "
                        "patient's record may have."
                    ),
                    mg=step.dose_mg,
                    day=IsoDate(step.start_date.isoformat()),
                    first=first,
                    last=last,
                )
                problems.append(RecordProblem("step", step.step_id, message))
        if plan.ended_on is not None and plan.ended_on not in window:
            message = phrase(
                gettext_noop(
                    "A plan's end date, {day}, is outside {first} to {last}, the dates this patient's "
                    "record may have."
                ),
                day=IsoDate(plan.ended_on.isoformat()),
                first=first,
                last=last,
            )
            problems.append(RecordProblem("plan_end", plan.plan_id, message))
    for pause in pauses:
        if pause.start_date not in window or pause.end_date not in window:
            message = phrase(
                gettext_noop(
                    "The pause from {start} to {end} is outside {first} to {last}, the dates this "
                    "patient's record may have."
                ),
                start=IsoDate(pause.start_date.isoformat()),
                end=IsoDate(pause.end_date.isoformat()),
                first=first,
                last=last,
            )
            problems.append(RecordProblem("pause", pause.pause_id, message))
    stray = sorted(day for day in entry_days if day not in window)
    if stray:
        message = ngettext_lazy(
            "{count} diary entry is dated outside {first} to {last}, the dates this patient's record "
            "may have (from {day}); the chart does not show them. An administrator can correct them.",
            "{count} diary entries are dated outside {first} to {last}, the dates this patient's record "
            "may have (from {day}); the chart does not show them. An administrator can correct them.",
            len(stray),
            day=IsoDate(stray[0].isoformat()),
            first=first,
            last=last,
        )
        problems.append(RecordProblem("entries", None, message))
    return tuple(problems)
