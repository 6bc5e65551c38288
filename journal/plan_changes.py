"""What a change to a patient's plan says: a message id with its values, built by one function
per kind of change.

A change is kept as data (`PlanChange.as_data()`: the kind and its values, dates as ISO
strings, doses as decimal strings) so that it can be read later in the reader's language:
the clinician's flash message after the change, the patient's "Your plan changed" in theirs.
Its `words()` is a `journal.wording.Phrase`: English as data (the audit row's summary), in
the reader's language shown, dates in the reader's order and doses by `dose_phrase`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Self

from journal.schedule import DAILY
from journal.titration import PLAN_TEMPLATES
from journal.vocabulary import dose_phrase, format_mg
from journal.wording import (
    IsoDate,
    Listing,
    Number,
    Phrase,
    as_phrase,
    gettext,
    gettext_noop,
    ngettext_lazy,
    number_words,
    phrase,
)


class Dose(str):
    """A dose and its timing as a Phrase value: the English dose phrase as data, the reader's shown."""

    _dose_mg: Decimal
    _timing: str
    _frequency: str

    def __new__(cls, dose_mg: str, timing: str, frequency: str = DAILY) -> Self:
        dose = super().__new__(cls, dose_phrase(Decimal(dose_mg), timing, frequency, kept=True))
        dose._dose_mg, dose._timing, dose._frequency = Decimal(dose_mg), timing, frequency
        return dose

    def __str__(self) -> str:
        return dose_phrase(self._dose_mg, self._timing, self._frequency)


def _step(day: str, dose_mg: str, timing: str, frequency: str = DAILY) -> Phrase:
    return phrase(gettext_noop("{dose} from {day}"), dose=Dose(dose_mg, timing, frequency), day=IsoDate(day))


def _days(days: int) -> Phrase:
    return ngettext_lazy("{count} day", "{count} days", days)


# --- one function per kind: each takes the change's stored values ------------------------


def _created(*, template: str, steps: list[list[str]], timing: str, frequency: str = DAILY) -> Phrase:
    known = PLAN_TEMPLATES.get(template)
    return phrase(
        gettext_noop("{template} plan: {steps}."),
        template=as_phrase(known.label) if known else template,
        steps=Listing([_step(day, dose, timing, frequency) for day, dose in steps], "; "),
    )


def _step_changed(
    *,
    day: str,
    old_mg: str,
    old_timing: str,
    new_mg: str,
    new_timing: str,
    old_frequency: str = DAILY,
    new_frequency: str = DAILY,
) -> Phrase:
    return phrase(
        gettext_noop("Step changed: {old} → {new}."),
        old=_step(day, old_mg, old_timing, old_frequency),
        new=_step(day, new_mg, new_timing, new_frequency),
    )


def _held(*, steps: int, days: int, next_day: str) -> Phrase:
    return ngettext_lazy(
        "Hold: the later step moves {days} later, to {day}.",
        "Hold: the {count} later steps move {days} later; the next step is now on {day}.",
        steps,
        days=_days(days),
        day=IsoDate(next_day),
    )


def _stepped_back(
    *, day: str, from_mg: str, dose_mg: str, timing: str, shift_days: int, frequency: str = DAILY
) -> Phrase:
    values = {"previous": Dose(from_mg, timing, frequency), "step": _step(day, dose_mg, timing, frequency)}
    if shift_days:
        return phrase(
            gettext_noop("Step back: {previous} → {step}; later steps {days} later."),
            days=_days(shift_days),
            **values,
        )
    return phrase(gettext_noop("Step back: {previous} → {step}."), **values)


def _to_morning(*, day: str, dose_mg: str, later_steps: int, frequency: str = DAILY) -> Phrase:
    step = _step(day, dose_mg, "morning", frequency)
    if later_steps:
        return ngettext_lazy(
            "Timing: {step}; the later step in the morning too.",
            "Timing: {step}; the {count} later steps in the morning too.",
            later_steps,
            step=step,
        )
    return phrase(gettext_noop("Timing: {step}."), step=step)


def _ended(
    *,
    ended_on: str,
    removed_steps: int,
    taper_from: str = "",
    taper_mg: str = "",
    timing: str = "",
    frequency: str = DAILY,
) -> Phrase:
    end = IsoDate(ended_on)
    if taper_from:
        taper = _step(taper_from, taper_mg, timing, frequency)
        if removed_steps:
            return ngettext_lazy(
                "Plan ends on {day} (nothing prescribed from that day); taper to {taper}; "
                "the later step removed.",
                "Plan ends on {day} (nothing prescribed from that day); taper to {taper}; "
                "{count} later steps removed.",
                removed_steps,
                day=end,
                taper=taper,
            )
        return phrase(
            gettext_noop("Plan ends on {day} (nothing prescribed from that day); taper to {taper}."),
            day=end,
            taper=taper,
        )
    if removed_steps:
        return ngettext_lazy(
            "Plan ends on {day} (nothing prescribed from that day); the later step removed.",
            "Plan ends on {day} (nothing prescribed from that day); {count} later steps removed.",
            removed_steps,
            day=end,
        )
    return phrase(gettext_noop("Plan ends on {day} (nothing prescribed from that day)."), day=end)


def _paused(*, first: str, last: str, reason: str, recorded_on: str = "", late_reason: str = "") -> Phrase:
    # The reasons are the clinician's words: shown as typed.
    if late_reason:
        return phrase(
            gettext_noop(
                "LDN paused from {first} to {last}: {reason}. Recorded afterwards, on {day}: {late_reason}"
            ),
            first=IsoDate(first),
            last=IsoDate(last),
            reason=reason,
            day=IsoDate(recorded_on),
            late_reason=late_reason,
        )
    return phrase(
        gettext_noop("LDN paused from {first} to {last}: {reason}"),
        first=IsoDate(first),
        last=IsoDate(last),
        reason=reason,
    )


def _corrected(*, row: str, first: str, last: str = "", dose_mg: str = "") -> Phrase:
    if row == "step":
        return phrase(
            gettext_noop(
                "Record corrected: the step of {mg} mg dated {day}, outside the dates this patient's "
                "record may have, was removed."
            ),
            mg=Number(dose_mg),
            day=IsoDate(first),
        )
    if row == "pause":
        return phrase(
            gettext_noop(
                "Record corrected: the pause from {first} to {last}, outside the dates this patient's "
                "record may have, was removed."
            ),
            first=IsoDate(first),
            last=IsoDate(last),
        )
    return phrase(
        gettext_noop(
            "Record corrected: the plan's end date {day}, outside the dates this patient's record may "
            "have, was cleared (end the plan on the right day)."
        ),
        day=IsoDate(first),
    )


_WORDS: dict[str, Callable[..., Phrase]] = {
    "created": _created,
    "step_changed": _step_changed,
    "held": _held,
    "stepped_back": _stepped_back,
    "to_morning": _to_morning,
    "ended": _ended,
    "paused": _paused,
    "corrected": _corrected,
}


@dataclass(frozen=True)
class PlanChange:
    """One change to a plan as data: its kind and the values its words need (JSON)."""

    kind: str
    values: dict[str, Any] = field(default_factory=dict)

    def words(self) -> Phrase:
        return _WORDS[self.kind](**self.values)

    def as_data(self) -> dict[str, Any]:
        return {"kind": self.kind, "values": self.values}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> PlanChange | None:
        """A stored change, or None for a row written before changes were kept as data."""
        if data.get("kind") not in _WORDS:
            return None
        return cls(data["kind"], dict(data.get("values", {})))


# --- the changes, from the services' values -------------------------------------------------


def _iso(day: dt.date) -> str:
    return day.isoformat()


def _frequency(name: str, frequency: str) -> dict[str, str]:
    """A step's frequency among a change's values: kept only when not daily (so a daily
    change's data reads as it did before steps had a frequency)."""
    return {} if frequency == DAILY else {name: frequency}


def created(
    template: str, steps: Sequence[tuple[dt.date, Decimal]], timing: str, frequency: str = DAILY
) -> PlanChange:
    return PlanChange(
        "created",
        {
            "template": template,
            "steps": [[_iso(d), format_mg(m)] for d, m in steps],
            "timing": timing,
            **_frequency("frequency", frequency),
        },
    )


def step_changed(day: dt.date, old: tuple[Decimal, str, str], new: tuple[Decimal, str, str]) -> PlanChange:
    """`old` and `new`: the step's dose, timing and frequency."""
    return PlanChange(
        "step_changed",
        {
            "day": _iso(day),
            "old_mg": format_mg(old[0]),
            "old_timing": old[1],
            "new_mg": format_mg(new[0]),
            "new_timing": new[1],
            **_frequency("old_frequency", old[2]),
            **_frequency("new_frequency", new[2]),
        },
    )


def held(steps: int, days: int, next_day: dt.date) -> PlanChange:
    return PlanChange("held", {"steps": steps, "days": days, "next_day": _iso(next_day)})


def stepped_back(
    day: dt.date, from_mg: Decimal, dose_mg: Decimal, timing: str, shift_days: int, frequency: str = DAILY
) -> PlanChange:
    return PlanChange(
        "stepped_back",
        {
            "day": _iso(day),
            "from_mg": format_mg(from_mg),
            "dose_mg": format_mg(dose_mg),
            "timing": timing,
            "shift_days": shift_days,
            **_frequency("frequency", frequency),
        },
    )


def to_morning(day: dt.date, dose_mg: Decimal, later_steps: int, frequency: str = DAILY) -> PlanChange:
    return PlanChange(
        "to_morning",
        {
            "day": _iso(day),
            "dose_mg": format_mg(dose_mg),
            "later_steps": later_steps,
            **_frequency("frequency", frequency),
        },
    )


def ended(
    ended_on: dt.date, removed_steps: int, taper: tuple[dt.date, Decimal, str, str] | None = None
) -> PlanChange:
    """`taper`: the taper step's date, dose, timing and frequency."""
    values: dict[str, Any] = {"ended_on": _iso(ended_on), "removed_steps": removed_steps}
    if taper is not None:
        values |= {"taper_from": _iso(taper[0]), "taper_mg": format_mg(taper[1]), "timing": taper[2]}
        values |= _frequency("frequency", taper[3])
    return PlanChange("ended", values)


def paused(
    first: dt.date, last: dt.date, reason: str, *, recorded_on: dt.date, late_reason: str = ""
) -> PlanChange:
    values = {"first": _iso(first), "last": _iso(last), "reason": reason}
    if late_reason:
        values |= {"recorded_on": _iso(recorded_on), "late_reason": late_reason}
    return PlanChange("paused", values)


def corrected(
    row: str, first: dt.date, last: dt.date | None = None, dose_mg: Decimal | None = None
) -> PlanChange:
    """A stored row outside the record's dates corrected: a step (its date and dose) or a pause
    (its dates) removed, or a plan's end date cleared."""
    values = {"row": row, "first": _iso(first)}
    if last is not None:
        values["last"] = _iso(last)
    if dose_mg is not None:
        values["dose_mg"] = format_mg(dose_mg)
    return PlanChange("corrected", values)


# The reason the patient reads with a correction when the clinician gives none: stored in
# English like a typed reason, shown in the reader's language by `reason_words`.
CORRECTION_REASON = gettext_noop("Your clinic corrected a date that was stored by mistake in your plan.")


def reason_words(reason: str) -> str:
    """The reason told with a change: the app's own in the reader's language, a clinician's as typed."""
    return gettext(reason) if reason == CORRECTION_REASON else reason


# --- the notes the app writes on a step it changes ------------------------------------------

# Stored in English on the step (a clinician's own note sits in the same field, as typed) and
# shown in the reader's language by `step_note_words`.
TAPER_NOTE = gettext_noop("Taper")
MORNING_NOTE = gettext_noop("Moved to the morning")
_STEPPED_BACK_NOTE = gettext_noop("Stepped back from {mg} mg")
_STEPPED_BACK_PREFIX, _STEPPED_BACK_SUFFIX = _STEPPED_BACK_NOTE.split("{mg}")


def stepped_back_note(from_mg: Decimal) -> str:
    """The note on a step that steps back: "Stepped back from 3 mg", as stored."""
    return _STEPPED_BACK_NOTE.format(mg=format_mg(from_mg))


def step_note_words(note: str) -> str:
    """A step's note in the reader's language when the app wrote it; a clinician's as typed."""
    if note in (TAPER_NOTE, MORNING_NOTE):
        return gettext(note)
    if note.startswith(_STEPPED_BACK_PREFIX) and note.endswith(_STEPPED_BACK_SUFFIX):
        mg = note.removeprefix(_STEPPED_BACK_PREFIX).removesuffix(_STEPPED_BACK_SUFFIX)
        if _is_decimal(mg):
            return gettext(_STEPPED_BACK_NOTE).format(mg=number_words(mg))
    return note


def _is_decimal(text: str) -> bool:
    return text.replace(".", "", 1).isdigit()
