"""Exports: the CSV a clinician opens before an appointment, and its data dictionary.

Plain Python: the views and selectors hand in plain records (`ExportDay`), this module
turns them into text. One list of `Column`s drives the CSV header, every row and the data
dictionary, so the three can never disagree.

Safe to open in a spreadsheet:
- RFC 4180 quoting (the `csv` module's excel dialect: CRLF line ends, fields with commas,
  quotes or line breaks quoted).
- A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula
  to Excel, LibreOffice and Google Sheets; it gets a leading single quote (OWASP "CSV
  injection", ASVS 1.2.10). Numbers are written as numbers and never prefixed, and a text
  cell that is nothing but a plain number ("-2", "-0.5") is left alone: a spreadsheet
  reads it as that number, not as a formula.
- UTF-8, with an optional byte-order mark so that Excel shows accents right.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

from journal.bounds import SERIES_MAX_DAYS, export_window
from journal.caregiving import Logger
from journal.compounding import FILLERS, RELEASES
from journal.safety import MedicationPeriod, SafetyState
from journal.schedule import DAY, Dose, PausePeriod, course_day
from journal.vocabulary import (
    FREQUENCIES,
    PRESCRIBED_TIMINGS,
    SCORE_MAX,
    SCORE_MIN,
    SEVERITIES,
    SIDE_EFFECTS,
    TIMING_WORDS,
    format_mg,
    side_effect_label,
    worst_severity,
)

DEFAULT_DAYS = 90  # the default range when a patient was never exported before
PREVIOUS_VISIT_FALLBACK_DAYS = 30
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
BYTE_ORDER_MARK = "\ufeff"
CHUNK_CHARS = 32 * 1024  # stream in pieces of about 32 KB rather than line by line
ROWS_AT_ONCE = 500  # rows whose cells are built together, column by column

Cell = str | int | Decimal | None


# --- plain records ------------------------------------------------------------------------


class SymptomLike(Protocol):
    pk: int
    name: str
    higher_is_better: bool
    clinic_id: int | None


NOTHING: Mapping[Any, Any] = MappingProxyType({})


class EntryRecord(NamedTuple):
    """What the patient logged on one day. (Named tuples: an export makes hundreds of
    thousands, and a tuple is made several times faster than a frozen dataclass.)"""

    dose_taken: bool
    dose_mg: Decimal | None = None
    timing_taken: str = ""
    time_taken: dt.time | None = None
    sleep_quality: int | None = None
    notes: str = ""
    edit_count: int = 0
    side_effects: Mapping[str, str] = NOTHING  # kind → severity
    other_side_effect: str = ""
    scores: Mapping[int, int] = NOTHING  # symptom pk → score
    logged_by: Logger = Logger.PATIENT  # who saved it (`journal.caregiving.logger_of`)


class ExportDay(NamedTuple):
    """One row of the export: one patient on one date, with or without an entry."""

    patient_label: str
    day: dt.date
    first_dose: dt.date | None = None
    prescribed: Dose | None = None
    entry: EntryRecord | None = None
    medications: Sequence[MedicationPeriod] = ()
    safety: SafetyState | None = None
    pause: PausePeriod | None = None  # the recorded pause covering the date
    plan_reasons: Sequence[str] = ()  # the reasons told with the plan changes made on the date
    questions: Sequence[str] = ()  # the questions asked on the date, each with its answer (`question_cell`)
    lab_results: Sequence[
        str
    ] = ()  # the lab results of samples taken on the date (`journal.labs.result_words`)
    questionnaires: Sequence[str] = ()  # the questionnaires answered on the date (`answer_cell`)
    step: Dose | None = None  # the step the patient is on (`Schedule.step_on`), with or without a dose
    treatment_ends_on: dt.date | None = None  # `Schedule.treatment_ends_on`

    @property
    def day_on_ldn(self) -> int | None:
        return course_day(self.day, self.first_dose, self.treatment_ends_on)


# --- safe cells and CSV text --------------------------------------------------------------


def neutralise(text: str) -> str:
    """Prefix a text cell that a spreadsheet would run as a formula with a single quote."""
    if text.startswith(FORMULA_TRIGGERS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def cell(value: Cell) -> str:
    """Numbers as numbers (mg with a dot, never an exponent), text neutralised, None blank."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_mg(value)
    if isinstance(value, int):
        return str(value)
    return neutralise(value)


# --- columns ------------------------------------------------------------------------------


Row = TypeVar("Row")
Cells = Callable[[Sequence[Row]], Iterable[Cell]]


@dataclass(frozen=True)
class Column(Generic[Row]):
    """One column: its header, its entry in the data dictionary, its values and how they are
    written.

    `cells` gives the column's value for each of a run of rows: a whole column at a time, since
    an export is hundreds of thousands of rows and one comprehension per column is several
    times faster than one call per cell. `written` turns a value into text: `cell` by default,
    safe for any value; `None` for a column whose values are already finished text that cannot
    start a formula (a date, a word of the app's own, a whole number), which `csv.writer`
    writes as they are. A blank (None) is never passed to `written`."""

    name: str
    unit: str
    allowed: str
    description: str
    cells: Cells[Row]
    written: Callable[[Any], str] | None = cell


def each(value: Callable[[Row], Cell]) -> Cells[Row]:
    """A column's cells from a function of one row, for tables where speed does not matter."""
    return lambda rows: [value(row) for row in rows]


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _choices(values: Iterable[str]) -> str:
    return ", ".join(values)


BLANK_NO_ENTRY = "Blank on days without an entry."

# The columns of an export below read a run of `ExportDay`s. Those that read the day's entry
# are blank on a day without one, so gaps show as gaps: `None if (entry := day.entry) is None`.


def _fixed_columns_before() -> list[Column[ExportDay]]:
    return [
        Column(
            "patient_code",
            "",
            "text",
            "The patient's pseudonymous code, or patient-<number> when no code is set.",
            lambda days: [day.patient_label for day in days],
            neutralise,
        ),
        Column(
            "date",
            "date",
            "YYYY-MM-DD (ISO 8601)",
            "The patient's local date. Every date in the range has a row, with or without an entry.",
            lambda days: [day.day.isoformat() for day in days],
            None,
        ),
        Column(
            "day_on_ldn",
            "days",
            "1 and up",
            "Days since the first prescribed dose; day 1 is the first dose date. Blank before it, "
            "and from the day the last plan ended (no plan after it).",
            lambda days: [day.day_on_ldn for day in days],
            None,
        ),
        Column(
            "prescribed_dose_mg",
            "mg",
            "number with a dot as decimal separator",
            "The dose the plan prescribed on this date. Blank before the first dose, during a pause "
            "or after the plan ended.",
            lambda days: [day.prescribed.dose_mg if day.prescribed else None for day in days],
            format_mg,
        ),
        Column(
            "prescribed_timing",
            "",
            _choices(PRESCRIBED_TIMINGS),
            "When the plan said to take the dose. Blank when nothing was prescribed.",
            lambda days: [day.prescribed.timing if day.prescribed else None for day in days],
            neutralise,
        ),
        Column(
            "prescribed_frequency",
            "",
            _choices(FREQUENCIES),
            "How often the step in force is taken: daily, or every_other_day counted from the step's "
            "start date. On a day between two doses of an every_other_day step, prescribed_dose_mg is "
            "blank and this column says every_other_day. Blank when no step is in force (before the "
            "first dose, during a pause, after the plan ended).",
            lambda days: [day.step.frequency if day.step else None for day in days],
            neutralise,
        ),
        Column(
            "prescribed_release",
            "",
            _choices(RELEASES),
            "How the plan in force is compounded: immediate (immediate-release, as the sources "
            "insist) or slow (slow-release, which the app warns about). Blank when no step is in force.",
            lambda days: [day.step.release if day.step else None for day in days],
            neutralise,
        ),
        Column(
            "prescribed_filler",
            "",
            _choices(FILLERS),
            "The capsules' filler recorded with the plan in force (calcium_carbonate is warned about). "
            "Blank when none is recorded or no step is in force.",
            lambda days: [(day.step.filler or None) if day.step else None for day in days],
            neutralise,
        ),
        Column(
            "paused",
            "",
            "yes",
            "A recorded LDN pause covers this date: nothing is prescribed on it. Blank otherwise.",
            lambda days: ["yes" if day.pause else None for day in days],
            None,
        ),
        Column(
            "pause_recorded_on",
            "date",
            "YYYY-MM-DD (ISO 8601)",
            "On a paused date, the patient's local date the pause was recorded. A later date than the "
            "row's own means the pause was recorded afterwards, with a reason kept in the audit log.",
            lambda days: [
                day.pause.recorded_on.isoformat() if day.pause and day.pause.recorded_on else None
                for day in days
            ],
            None,
        ),
        Column(
            "dose_taken",
            "",
            "yes, no",
            f"Whether the patient took their LDN dose. {BLANK_NO_ENTRY}",
            lambda days: [
                None if (entry := day.entry) is None else _yes_no(entry.dose_taken) for day in days
            ],
            None,
        ),
        Column(
            "dose_taken_mg",
            "mg",
            "number with a dot as decimal separator",
            f"The dose the patient says they took. Blank when not taken or not given. {BLANK_NO_ENTRY}",
            lambda days: [None if (entry := day.entry) is None else entry.dose_mg for day in days],
            format_mg,
        ),
        Column(
            "timing_taken",
            "",
            _choices(TIMING_WORDS),
            f"When the patient took the dose. {BLANK_NO_ENTRY}",
            lambda days: [
                None if (entry := day.entry) is None else entry.timing_taken or None for day in days
            ],
            neutralise,
        ),
        Column(
            "time_taken",
            "local time",
            "HH:MM (24-hour)",
            f"The clock time the patient gave, if any. {BLANK_NO_ENTRY}",
            lambda days: [
                entry.time_taken.strftime("%H:%M") if (entry := day.entry) and entry.time_taken else None
                for day in days
            ],
            None,
        ),
    ]


def _severities(kind: str) -> Cells[ExportDay]:
    return lambda days: [
        None if (entry := day.entry) is None else entry.side_effects.get(kind) for day in days
    ]


def _scores(symptom_pk: int) -> Cells[ExportDay]:
    return lambda days: [
        None if (entry := day.entry) is None else entry.scores.get(symptom_pk) for day in days
    ]


def _side_effect_columns() -> list[Column[ExportDay]]:
    columns = [
        Column(
            f"side_effect_{kind}",
            "severity",
            _choices(SEVERITIES),
            f"{words.label}: the severity the patient reported. Blank when not reported. {BLANK_NO_ENTRY}",
            _severities(kind),
            neutralise,
        )
        for kind, words in SIDE_EFFECTS.items()
    ]
    columns.append(
        Column(
            "side_effect_other_text",
            "",
            "text",
            f"What the patient named as the other side effect. {BLANK_NO_ENTRY}",
            lambda days: [
                None if (entry := day.entry) is None else entry.other_side_effect or None for day in days
            ],
            neutralise,
        )
    )
    return columns


def _symptom_column(symptom: SymptomLike, name: str) -> Column[ExportDay]:
    direction = "higher is better" if symptom.higher_is_better else "lower is better"  # English, as the CSV
    return Column(
        name,
        "score",
        f"{SCORE_MIN}–{SCORE_MAX} (whole numbers)",
        f"The patient's {symptom.name} score ({direction}). Blank when not scored. {BLANK_NO_ENTRY}",
        _scores(symptom.pk),
        None,
    )


def symptom_column_names(symptoms: Sequence[SymptomLike]) -> list[str]:
    """ "Pain score"; a clinic's own symptom that shares its name with one of the shared
    catalogue's is told apart as "Pain (clinic's own) score"."""
    names = [symptom.name for symptom in symptoms]
    return [
        f"{symptom.name} (clinic's own) score"
        if names.count(symptom.name) > 1 and symptom.clinic_id is not None
        else f"{symptom.name} score"
        for symptom in symptoms
    ]


def _medications_cell(day: ExportDay) -> str | None:
    return "; ".join(m.label for m in day.medications if m.taken_on(day.day)) or None


def _safety_cell(day: ExportDay) -> str | None:
    concerns = day.safety.concerns if day.safety else ()
    return "; ".join(f"{finding.level}:{finding.code}" for finding in concerns) or None


def _fixed_columns_after() -> list[Column[ExportDay]]:
    return [
        Column(
            "sleep_quality",
            "score",
            f"{SCORE_MIN}–{SCORE_MAX} (whole numbers), higher is better",
            f"How well the patient slept. Blank when not given. {BLANK_NO_ENTRY}",
            lambda days: [None if (entry := day.entry) is None else entry.sleep_quality for day in days],
            None,
        ),
        Column(
            "other_medications",
            "",
            'text; several separated by "; "',
            "Other medicines taken on this date: from their start date (or, when none was given, "
            "the day they were listed) to their last day.",
            lambda days: [_medications_cell(day) if day.medications else None for day in days],
            neutralise,
        ),
        Column(
            "safety",
            "",
            'level:code; several separated by "; "',
            "The patient's safety findings on this date that block or warn (opioids, contraindications, "
            "cautions), most serious first; the rulebook explains each code.",
            lambda days: [_safety_cell(day) if day.safety and day.safety.findings else None for day in days],
            None,
        ),
        Column(
            "notes",
            "",
            "text",
            f"The patient's own notes. {BLANK_NO_ENTRY}",
            lambda days: [None if (entry := day.entry) is None else entry.notes or None for day in days],
            neutralise,
        ),
        Column(
            "edited",
            "",
            "yes, no",
            f"Whether the patient changed the entry after first saving it. {BLANK_NO_ENTRY}",
            lambda days: [
                None if (entry := day.entry) is None else _yes_no(entry.edit_count > 0) for day in days
            ],
            None,
        ),
        Column(
            "logged_by",
            "",
            _choices(Logger),
            "Who saved the entry (its latest version): the patient, or the caregiver a clinician invited "
            f"to log for them (a parent of a child, a carer). {BLANK_NO_ENTRY}",
            lambda days: [None if (entry := day.entry) is None else entry.logged_by.value for day in days],
            None,
        ),
    ]


def question_cell(text: str, answer: str) -> str:
    """A question in the CSV, with its answer or that none was given when the file was made."""
    return f"{text} — answer: {answer}" if answer else f"{text} — not answered yet"


def _message_columns() -> list[Column[ExportDay]]:
    return [
        Column(
            "plan_change_reasons",
            "",
            'text; several separated by "; "',
            "The clinician's reasons for the changes to the plan made on this date (the patient's local "
            "date), as the patient read them. Blank when none was made or none needed a reason.",
            lambda days: ["; ".join(day.plan_reasons) if day.plan_reasons else None for day in days],
            neutralise,
        ),
        Column(
            "questions",
            "",
            'text; several separated by "; "',
            "The patient's questions to the care team asked on this date, each followed by the answer "
            "(“— answer: …”) or “— not answered yet” when the file was made.",
            lambda days: ["; ".join(day.questions) if day.questions else None for day in days],
            neutralise,
        ),
    ]


def _lab_columns() -> list[Column[ExportDay]]:
    return [
        Column(
            "lab_results",
            "",
            'text: test value unit (reference range); several separated by "; "',
            "The lab results of samples taken on this date, as the clinician recorded them from the "
            "laboratory's report, e.g. “TSH 2.1 mIU/L (0.4–4.0)”: each with its laboratory's own unit "
            "and reference range (none in brackets when the report gave none). Blank on other dates.",
            lambda days: ["; ".join(day.lab_results) if day.lab_results else None for day in days],
            neutralise,
        )
    ]


def answer_cell(title: str, words: str, version: int, answered_by: Logger = Logger.PATIENT) -> str:
    """ "Patient Global Impression of Change (PGIC) v1: 2 (Much improved)", and "[caregiver]" after
    an answer the caregiver gave (a proxy's view of the patient, as `logged_by` marks an entry)."""
    cell = f"{title} v{version}: {words}"
    return cell if answered_by is Logger.PATIENT else f"{cell} [{answered_by.value}]"


def _questionnaire_columns() -> list[Column[ExportDay]]:
    return [
        Column(
            "questionnaires",
            "",
            'text: title vversion: score (answer words); several separated by "; "',
            "The questionnaires the patient answered on this date, each with the version answered and "
            "its score, e.g. “Patient Global Impression of Change (PGIC) v1: 2 (Much improved)” (the "
            "PGIC scores 1 very much improved to 7 very much worse; a sum-scored questionnaire gives "
            "the sum of its items), and “[caregiver]” after one the caregiver answered for the "
            "patient. Blank on other dates.",
            lambda days: ["; ".join(day.questionnaires) if day.questionnaires else None for day in days],
            neutralise,
        )
    ]


def columns_for(symptoms: Sequence[SymptomLike]) -> list[Column[ExportDay]]:
    """Every column of an export whose patients track `symptoms` (in that order)."""
    symptom_columns = [
        _symptom_column(symptom, name)
        for symptom, name in zip(symptoms, symptom_column_names(symptoms), strict=True)
    ]
    return (
        _fixed_columns_before()
        + _side_effect_columns()
        + symptom_columns
        + _fixed_columns_after()
        + _message_columns()
        + _lab_columns()
        + _questionnaire_columns()
    )


# --- CSV text -----------------------------------------------------------------------------


def csv_lines(columns: Sequence[Column[Row]], records: Iterable[Row]) -> Iterator[str]:
    """The header line, then the records' lines a run of `ROWS_AT_ONCE` at a time (each piece
    of text holds that many lines): each column's cells built at once, written, and put
    together into rows by `csv.writer`."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([neutralise(column.name) for column in columns])
    yield _taken(text)
    remaining = iter(records)
    while run := list(itertools.islice(remaining, ROWS_AT_ONCE)):
        writer.writerows(zip(*(_written(column, run) for column in columns), strict=True))
        yield _taken(text)


def _written(column: Column[Row], rows: Sequence[Row]) -> Iterable[Cell]:
    """The column's cells as text; a value that repeats (a code, a dose) is written once."""
    values = column.cells(rows)
    if (write := column.written) is None:
        return values
    texts: dict[Cell, str] = {}
    return [
        value if value is None else texts[value] if value in texts else texts.setdefault(value, write(value))
        for value in values
    ]


def _taken(text: io.StringIO) -> str:
    """What was written to `text`, which is then emptied."""
    written = text.getvalue()
    text.seek(0)
    text.truncate()
    return written


def encoded_chunks(
    lines: Iterable[str], *, byte_order_mark: bool = False, chunk_chars: int = CHUNK_CHARS
) -> Iterator[bytes]:
    """UTF-8 bytes in pieces of about `chunk_chars`, so memory stays flat however many lines."""
    pending: list[str] = [BYTE_ORDER_MARK] if byte_order_mark else []
    size = 0
    for line in lines:
        pending.append(line)
        size += len(line)
        if size >= chunk_chars:
            yield "".join(pending).encode()
            pending, size = [], 0
    if pending:
        yield "".join(pending).encode()


# --- the data dictionary ------------------------------------------------------------------

DICTIONARY_COLUMNS: list[Column[Column[ExportDay]]] = [
    Column("column", "", "text", "The column's name in the export's header.", each(lambda c: c.name)),
    Column("unit", "", "text", "The unit of the column's values, if any.", each(lambda c: c.unit)),
    Column(
        "allowed_values",
        "",
        "text",
        "What a value may be; blank cells are always allowed.",
        each(lambda c: c.allowed),
    ),
    Column("description", "", "text", "What the column holds.", each(lambda c: c.description)),
]


def dictionary_lines(columns: Sequence[Column[ExportDay]]) -> Iterator[str]:
    """The data dictionary as CSV: one row per export column."""
    return csv_lines(DICTIONARY_COLUMNS, columns)


# --- ranges and names ---------------------------------------------------------------------


def dates(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + offset * DAY for offset in range((last - first).days + 1)]


def default_range(today: dt.date, previous_export: dt.date | None) -> tuple[dt.date, dt.date]:
    """Since the previous export (that day included: it may not have been complete), else
    the last 90 days; never longer than an export may be."""
    first = previous_export or today - (DEFAULT_DAYS - 1) * DAY
    return max(first, today - (SERIES_MAX_DAYS - 1) * DAY), today


def range_problems(first: dt.date, last: dt.date, today: dt.date) -> dict[str, str]:
    """What is wrong with a requested range, by form field; empty when it may be exported."""
    problems = {}
    if last > today:
        problems["end"] = f"The end date is in the future: the latest date is today, {today.isoformat()}."
    if first > today:
        problems["start"] = f"The start date is in the future: the latest date is today, {today.isoformat()}."
    elif too_early := export_window(today).problem(first, "The start date"):
        problems["start"] = too_early
    elif first > last:
        problems["start"] = "The start date is after the end date: swap them or pick an earlier start."
    elif (last - first).days + 1 > SERIES_MAX_DAYS:
        problems["start"] = (
            f"The range is longer than {SERIES_MAX_DAYS} days (three years): "
            "export it in parts, or pick a later start."
        )
    return problems


def previous_visit(
    today: dt.date, reviewed_on: dt.date | None, exported_on: dt.date | None
) -> tuple[dt.date, str]:
    """The day the "since the previous visit" sections start, and what it is: the later of
    the last review and the previous export (each before today), else 30 days ago."""
    known = [
        (day, what)
        for day, what in ((reviewed_on, "last review"), (exported_on, "previous export"))
        if day is not None and day < today
    ]
    if known:
        return max(known)
    return today - PREVIOUS_VISIT_FALLBACK_DAYS * DAY, f"last {PREVIOUS_VISIT_FALLBACK_DAYS} days"


def export_filename(label: str, first: dt.date, last: dt.date, suffix: str = "csv") -> str:
    """ldn-journal_<code>_<first>_<last>.csv, with only safe characters from the code; one date
    for a single day (a whole record written on that day, as the FHIR export is)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", label).strip("-.") or "export"
    days = first.isoformat() if first == last else f"{first.isoformat()}_{last.isoformat()}"
    return f"ldn-journal_{safe}_{days}.{suffix}"


# --- the appointment summary --------------------------------------------------------------


class ReportLike(Protocol):
    @property
    def day(self) -> dt.date: ...
    @property
    def kind(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def text(self) -> str: ...


@dataclass(frozen=True)
class SideEffectTally:
    """One side effect kind over a period: on how many days, how bad at worst, when."""

    kind: str
    label: str
    days: int
    worst: str
    first_day: dt.date
    last_day: dt.date
    texts: tuple[str, ...] = ()


def tally_side_effects(reports: Iterable[ReportLike], first: dt.date, last: dt.date) -> list[SideEffectTally]:
    """Side effects reported from `first` to `last`, most days first (then by kind)."""
    by_kind: dict[str, list[ReportLike]] = {}
    for report in reports:
        if first <= report.day <= last:
            by_kind.setdefault(report.kind, []).append(report)
    tallies = [
        SideEffectTally(
            kind=kind,
            label=side_effect_label(kind),
            days=len({report.day for report in found}),
            worst=worst_severity(report.severity for report in found),
            first_day=min(report.day for report in found),
            last_day=max(report.day for report in found),
            texts=tuple(sorted({report.text for report in found if report.text})),
        )
        for kind, found in by_kind.items()
    ]
    return sorted(tallies, key=lambda tally: (-tally.days, tally.kind))


PRINT_CHART_WIDTH_PX = 690  # fits A4 and Letter between 12 mm margins
PRINT_PANEL_SCALE = 0.45  # of each panel's screen height; a side-effect strip keeps more (rows of text)
PRINT_STRIP_SCALE = 0.7
PRINT_MIN_PANEL_PX = 34
PRINT_GAP_PX = 14  # between panels: each panel's title sits in the gap above it, over no data
PRINT_MAX_PLOT_PX = 380  # with many measures the panels shrink further, to leave room on two pages
PRINT_LABEL_ROW_SHIFT_PX = 13  # the windows' labels sit above the top panel's title
PRINT_MARGIN = {"l": 60, "r": 10, "t": 46, "b": 100}


def print_figure(figure: dict[str, Any]) -> dict[str, Any]:
    """The clinician's chart (`journal.charts.patient_figure`) made for paper: panels at
    under half their screen height, each with its title above it as on the screen, a fixed
    width that fits A4 and Letter, and no hover."""
    layout = dict(figure["layout"])
    margin = layout["margin"]
    plot_px = layout["height"] - margin["t"] - margin["b"]
    axes = sorted(
        (key for key in layout if key.startswith("yaxis")), key=lambda key: -layout[key]["domain"][1]
    )
    heights = []
    for key in axes:
        bottom, top = layout[key]["domain"]
        scale = PRINT_STRIP_SCALE if "ticktext" in layout[key] else PRINT_PANEL_SCALE
        heights.append(max((top - bottom) * plot_px * scale, PRINT_MIN_PANEL_PX))
    gaps = PRINT_GAP_PX * (len(heights) - 1)
    if sum(heights) + gaps > PRINT_MAX_PLOT_PX:
        heights = [height * (PRINT_MAX_PLOT_PX - gaps) / sum(heights) for height in heights]
    print_px = sum(heights) + gaps
    moved: dict[float, float] = {}
    top = print_px
    for key, height in zip(axes, heights, strict=True):
        domain = [round((top - height) / print_px, 4), round(top / print_px, 4)]
        moved[layout[key]["domain"][1]] = domain[1]
        layout[key] = {**layout[key], "domain": domain}
        top -= height + PRINT_GAP_PX
    layout["annotations"] = [_print_annotation(note, moved) for note in layout.get("annotations", ())]
    layout.update(
        height=round(print_px) + PRINT_MARGIN["t"] + PRINT_MARGIN["b"],
        width=PRINT_CHART_WIDTH_PX,
        autosize=False,
        margin=PRINT_MARGIN,
        hovermode=False,
        font={**layout.get("font", {}), "size": 9},
        legend={**layout.get("legend", {}), "font": {"size": 9}, "tracegroupgap": 2},
    )
    return {**figure, "layout": layout}


def _print_annotation(note: dict[str, Any], moved: dict[float, float]) -> dict[str, Any]:
    """Panel titles (placed on the paper) go to their panel's new top, above it (inside it,
    they hid the first weeks' data); the window labels (placed on dates) above the top one's."""
    if note.get("xref") == "paper" and note.get("y") in moved:
        return {
            **note,
            "y": moved[note["y"]],
            "yanchor": "bottom",
            "font": {**note.get("font", {}), "size": 10},
        }
    if note.get("xref") == "x":
        return {**note, "yshift": PRINT_LABEL_ROW_SHIFT_PX, "font": {**note.get("font", {}), "size": 9}}
    return note
