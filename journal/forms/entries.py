"""The patient's daily entry. Returns domain values from clean_<field> (Decimal mg, dates)
and words its errors for the person at the keyboard."""

from __future__ import annotations

import copy
import datetime as dt
import functools
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from journal import diary
from journal.bounds import DOSE_MAX_MG, typed_number
from journal.catalogue import symptom_words
from journal.models import NOTES_MAX_CHARS, Severity, SideEffectKind, Symptom, TimingTaken
from journal.schedule import Dose
from journal.selectors.entries import DayEntry
from journal.services.entries import EMPTY_ENTRY
from journal.titration import check_dose
from journal.vocabulary import DOSE_QUESTIONS, SCORE_MAX, SCORE_MIN, TIMING_BUTTONS, DoseQuestions, local_mg

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# --- patient: daily entry ---------------------------------------------------------------

# The clinician's dose rules (journal.titration.check_dose), worded for the patient.
PATIENT_DOSE_WORDS = {
    "not_positive": gettext_lazy("The dose must be more than 0 mg."),
    "not_ldn": gettext_lazy("%(mg)s mg is a standard naltrexone dose, not LDN — check with your clinician."),
    "above_max": gettext_lazy("LDN doses go up to %(max)s mg; check the number you typed (in mg)."),
    "too_precise": gettext_lazy("Use at most 3 decimal places, e.g. 0.125."),
}
SCORE_CHOICES = [(score, str(score)) for score in range(SCORE_MIN, SCORE_MAX + 1)]
SCORE_ERROR = format_lazy(gettext_lazy("Choose a score from {low} to {high}."), low=SCORE_MIN, high=SCORE_MAX)
SIDE_EFFECT_CHOICES = [("", gettext_lazy("no")), *Severity.choices]
YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]
TIMING_CHOICES = [(timing, gettext_lazy(TIMING_BUTTONS[timing])) for timing in TimingTaken.values]


# The words at both ends of a 0–10 row. Every row runs one way, 0 at the left and 10 at the
# right, and asks how much of the named thing there was: for pain 10 is the worst, for energy
# the best (Symptom.higher_is_better), and the words at its ends say which.
SYMPTOM_ANCHORS = {
    False: (gettext_lazy("none"), gettext_lazy("worst")),
    True: (gettext_lazy("very low"), gettext_lazy("very good")),
}
SLEEP_ANCHORS = (gettext_lazy("very badly"), gettext_lazy("very well"))  # how well they slept


def score_field(label: StrOrPromise, anchors: tuple[StrOrPromise, StrOrPromise]) -> forms.TypedChoiceField:
    """A 0–10 row; `anchors` are the words at its two ends (what 0 and 10 mean), which
    `radio_group` shows under the row and reads out with the question."""
    field = forms.TypedChoiceField(
        label=label,
        choices=SCORE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": SCORE_ERROR},
    )
    field.anchors = anchors  # type: ignore[attr-defined]
    return field


@functools.lru_cache(maxsize=2000)
def _symptom_score_field(language: str | None, name: str, higher_is_better: bool) -> forms.TypedChoiceField:
    """A symptom's 0–10 row in the reader's `language` (which the label is translated into)."""
    return score_field(
        _("%(symptom)s today") % {"symptom": symptom_words(name)}, SYMPTOM_ANCHORS[higher_is_better]
    )


SIDE_EFFECT_FIELDS = {
    kind: forms.ChoiceField(
        label=label,
        choices=SIDE_EFFECT_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": gettext_lazy("Choose no, mild, moderate or severe.")},
    )
    for kind, label in SideEffectKind.choices
}


def parse_mg(raw: str) -> Decimal | None:
    """A dose as typed on a phone: "1.5", "1,5" or " 3 mg "; None when empty."""
    text = raw.strip().lower().removesuffix("mg").strip().replace(",", ".")
    if not text:
        return None
    value = typed_number(text)
    if value is None:
        raise ValidationError(_("Enter the dose as a number of mg, e.g. 1.5."))
    return value


class EntryForm(forms.Form):
    """One day of the patient's diary. `today` is the patient's local date; `prescribed`
    tells what the plan says for a date, so a different dose can be shown as a deviation."""

    entry_date = forms.DateField(
        widget=forms.HiddenInput, error_messages={"invalid": gettext_lazy("Pick a date.")}
    )
    dose_taken = forms.TypedChoiceField(
        label=gettext_lazy(DOSE_QUESTIONS[False].done),
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,  # not asked in the baseline week: `clean` asks for it on other days
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose yes or no."),
            "invalid_choice": gettext_lazy("Choose yes or no."),
        },
    )
    dose_mg = forms.CharField(
        label=gettext_lazy(DOSE_QUESTIONS[False].amount),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 6}),
    )
    timing_taken = forms.ChoiceField(
        label=gettext_lazy(DOSE_QUESTIONS[False].when),
        choices=TIMING_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": gettext_lazy("Choose bedtime, morning, evening or another time.")},
    )
    time_taken = forms.TimeField(
        label=gettext_lazy("Clock time (optional)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": gettext_lazy("Enter a time like 22:30.")},
    )
    sleep_quality = score_field(gettext_lazy("How well did you sleep last night?"), SLEEP_ANCHORS)
    side_other_text = forms.CharField(
        label=gettext_lazy("Other side effect: what was it?"),
        required=False,
        max_length=200,
        error_messages={"max_length": gettext_lazy("Keep it under 200 characters.")},
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes (optional)"),
        required=False,
        max_length=NOTES_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": gettext_lazy(
                "Notes can be up to 2,000 characters; these have %(show_value)d. Please shorten them."
            )
        },
    )
    confirm_deviation = forms.BooleanField(
        label=gettext_lazy("Yes, that is the dose I took."), required=False
    )

    def __init__(
        self,
        *args,
        symptoms: Iterable[Symptom],
        today: dt.date,
        prescribed: Callable[[dt.date], Dose | None],
        asks_dose: Callable[[dt.date], bool],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.today = today
        self.prescribed = prescribed
        self.asks_dose = asks_dose
        self.symptoms = list(symptoms)
        self.deviation: str | None = None
        # A shallow copy of a field built once: building a choice field is most of a form's
        # making, and these fields' labels, choices and widgets are never changed per form.
        language = translation.get_language()
        for symptom in self.symptoms:
            row = _symptom_score_field(language, symptom.name, symptom.higher_is_better)
            self.fields[f"score_{symptom.pk}"] = copy.copy(row)
        for kind, side_effect in SIDE_EFFECT_FIELDS.items():
            self.fields[f"side_{kind}"] = copy.copy(side_effect)

    def ask_about(self, step: Dose | None) -> None:
        """Word the dose questions for the day's step: a cream is applied, not taken."""
        questions = questions_for(step)
        self.fields["dose_taken"].label = _(questions.done)
        self.fields["dose_mg"].label = _(questions.amount)
        self.fields["timing_taken"].label = _(questions.when)

    @property
    def score_fields(self) -> list[forms.BoundField]:
        return [self[f"score_{symptom.pk}"] for symptom in self.symptoms]

    @property
    def side_effect_fields(self) -> list[forms.BoundField]:
        return [self[f"side_{kind}"] for kind in SideEffectKind.values]

    @property
    def side_effects_open(self) -> bool:
        """Show the side effects when any is chosen or wrong; else keep the form short."""
        return bool(self["side_other_text"].errors) or any(
            field.value() or field.errors for field in self.side_effect_fields
        )

    def clean_entry_date(self) -> dt.date:
        day = self.cleaned_data["entry_date"]
        problem = diary.date_problem(day, self.today)
        if problem:
            raise ValidationError(problem)
        return day

    def clean_dose_mg(self) -> Decimal | None:
        dose = parse_mg(self.cleaned_data["dose_mg"])
        if dose is None:
            return None
        refusals = [finding for finding in check_dose(dose) if finding.level.stops_save]
        if refusals:
            words = PATIENT_DOSE_WORDS[refusals[0].code]
            raise ValidationError(str(words) % {"mg": local_mg(dose), "max": local_mg(DOSE_MAX_MG)})
        return dose

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        day = data.get("entry_date")
        if day is not None and not self.asks_dose(day):
            data["dose_taken"] = False  # baseline or a day without a dose: nothing due, nothing asked
        elif data.get("dose_taken") is None and "dose_taken" not in self.errors:
            self.add_error("dose_taken", gettext("Choose yes or no."))
        if data.get("dose_taken") is True:
            questions = questions_for(day and self.prescribed(day))
            if "dose_mg" in data and data["dose_mg"] is None:
                self.add_error("dose_mg", _(questions.amount_missing))
            if not data.get("timing_taken"):
                self.add_error("timing_taken", _(questions.when_missing))
            self._check_deviation(data)
        elif data.get("dose_taken") is False:
            data.update(dose_mg=None, timing_taken="", time_taken=None, confirm_deviation=False)
        if data.get("side_other") and not data.get("side_other_text", "").strip():
            self.add_error("side_other_text", _("Say what the other side effect was."))
        if day is not None and not self.errors and self._is_empty(day):
            raise ValidationError(EMPTY_ENTRY, code="empty")
        return data

    def _is_empty(self, day: dt.date) -> bool:
        return diary.entry_is_empty(
            dose_taken=self.cleaned_data["dose_taken"],
            sleep_quality=self.cleaned_data["sleep_quality"],
            scores=self.scores(),
            side_effects=self.side_effects(),
            notes=self.cleaned_data["notes"],
            dose_prescribed=lambda: self.prescribed(day) is not None,
        )

    def dose_details_open(self, step: Dose | None) -> bool:
        """Whether the dose, timing and clock time are shown open: when nothing is prescribed,
        when one of them is wrong or differs from the plan, or a deviation was confirmed.
        Otherwise they stay folded under the plan's dose, taken as planned (the usual day)."""
        if step is None or self.deviation or self["confirm_deviation"].value():
            return True
        if any(self[name].errors for name in ("dose_mg", "timing_taken", "time_taken", "confirm_deviation")):
            return True
        typed = str(self["dose_mg"].value() or "")
        try:
            differs = parse_mg(typed) != step.dose_mg
        except ValidationError:
            differs = True
        timing = self["timing_taken"].value() or ""
        return differs or timing != step.timing or bool(self["time_taken"].value())

    def deviation_words(self, day: dt.date, typed: str) -> str:
        """Why a dose needs confirming: `typed` (in mg) differs from what is prescribed on
        `day`. The page's script fills in the typed dose as the patient types it."""
        step = self.prescribed(day)
        if step is None:
            return gettext("No dose is prescribed for %(day)s, and you logged %(typed)s mg.") % {
                "day": date_format(day, _("j F")),
                "typed": typed,
            }
        return gettext(
            "You logged %(typed)s mg; your plan says %(planned)s mg for %(day)s. A different dose "
            "is fine to record — your clinician will see it."
        ) % {"typed": typed, "planned": local_mg(step.dose_mg), "day": date_format(day, _("j F"))}

    def _check_deviation(self, data: dict) -> None:
        """A dose other than the plan's is allowed, but the patient confirms it was no typo."""
        day, dose = data.get("entry_date"), data.get("dose_mg")
        if day is None or dose is None:
            return
        step = self.prescribed(day)
        if step is None or dose != step.dose_mg:
            self.deviation = self.deviation_words(day, local_mg(dose))
        if self.deviation and not data.get("confirm_deviation"):
            self.add_error("confirm_deviation", _("Tick the box to confirm this dose, or correct it."))

    def scores(self) -> dict[int, int]:
        """symptom id → score, for the symptoms scored."""
        return {
            symptom.pk: self.cleaned_data[f"score_{symptom.pk}"]
            for symptom in self.symptoms
            if self.cleaned_data[f"score_{symptom.pk}"] is not None
        }

    def side_effects(self) -> dict[str, tuple[str, str]]:
        """kind → (severity, text), for the side effects reported."""
        other_text = self.cleaned_data["side_other_text"].strip()
        return {
            kind: (self.cleaned_data[f"side_{kind}"], other_text if kind == SideEffectKind.OTHER else "")
            for kind in SideEffectKind.values
            if self.cleaned_data[f"side_{kind}"]
        }


def questions_for(step: Dose | None) -> DoseQuestions:
    """How the entry asks about a day's dose (a day without a step asks as for a capsule)."""
    return step.questions if step else DOSE_QUESTIONS[False]


def entry_initial(logged: DayEntry | None, step: Dose | None, day: dt.date) -> dict:
    """What the form shows first: the logged entry, or else the prescription for `day`
    (dose taken is left for the patient to answer, unless nothing is prescribed)."""
    if logged is None:
        return {
            "entry_date": day,
            "dose_taken": None if step else "no",
            "dose_mg": local_mg(step.dose_mg) if step else "",
            "timing_taken": step.timing if step else "",
        }
    entry = logged.entry
    initial = {
        "entry_date": day,
        "dose_taken": "yes" if entry.dose_taken else "no",
        "dose_mg": local_mg(entry.dose_mg)
        if entry.dose_mg is not None
        else (local_mg(step.dose_mg) if step else ""),
        "timing_taken": entry.timing_taken or (step.timing if step else ""),
        "time_taken": entry.time_taken,
        "sleep_quality": entry.sleep_quality,
        "notes": entry.notes,
        "confirm_deviation": entry.dose_deviation_confirmed,
    }
    initial.update({f"score_{symptom_id}": score for symptom_id, score in logged.scores.items()})
    for kind, (severity, other_text) in logged.side_effects.items():
        initial[f"side_{kind}"] = severity
        if kind == SideEffectKind.OTHER:
            initial["side_other_text"] = other_text
    return initial
