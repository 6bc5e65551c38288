"""A clinic's questionnaire (written by a clinician, each save a new version) and a patient's
answer to the one due."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from journal import questionnaires as q

DIRECTIONS = [("worse", _("A higher score is worse")), ("better", _("A higher score is better"))]
SCORINGS = [(kind.value, _(q.SCORING_LABELS[kind])) for kind in q.Scoring]  # noqa: INT001
LINES_MAX_CHARS = q.ITEMS_MAX * (q.ITEM_MAX_CHARS + 2)
ANCHORS_MAX_CHARS = q.SCALE_POINTS_MAX * (q.ANCHOR_MAX_CHARS + 2)
AT_WEEKS_MAX_CHARS = 60


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class QuestionnaireForm(forms.Form):
    """The questions one per line, sharing one response scale whose words are one per line,
    lowest point (scored 1) first."""

    title = forms.CharField(label=_("Title"), max_length=q.TITLE_MAX_CHARS)
    questions = forms.CharField(
        label=_("Questions, one per line (at most 20)"),
        max_length=LINES_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    anchors = forms.CharField(
        label=_("Answer words, one per line: the first is scored 1, the next 2, and so on (2 to 11)"),
        max_length=ANCHORS_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    direction = forms.ChoiceField(label=_("Direction"), choices=DIRECTIONS)
    scoring = forms.ChoiceField(label=_("Score"), choices=SCORINGS)
    at_baseline = forms.BooleanField(label=_("At baseline (the week before the first dose)"), required=False)
    every_weeks = forms.IntegerField(
        label=_("Every how many weeks after the first dose (empty: not repeated)"),
        min_value=1,
        max_value=q.EVERY_WEEKS_MAX,
        required=False,
    )
    at_weeks = forms.CharField(
        label=_("At these weeks after the first dose, separated by commas (e.g. 8, 13, 26)"),
        max_length=AT_WEEKS_MAX_CHARS,
        required=False,
    )
    at_review = forms.BooleanField(label=_("At each clinician review"), required=False)

    def clean_questions(self) -> list[str]:
        lines = _lines(self.cleaned_data["questions"])
        if not 1 <= len(lines) <= q.ITEMS_MAX:
            raise ValidationError(_("Write 1 to 20 questions, one per line."))
        if any(len(line) > q.ITEM_MAX_CHARS for line in lines):
            raise ValidationError(_("Each question has at most 300 characters."))
        return lines

    def clean_anchors(self) -> list[str]:
        lines = _lines(self.cleaned_data["anchors"])
        if not q.SCALE_POINTS_MIN <= len(lines) <= q.SCALE_POINTS_MAX:
            raise ValidationError(_("Write 2 to 11 answer words, one per line."))
        if any(len(line) > q.ANCHOR_MAX_CHARS for line in lines):
            raise ValidationError(_("Each answer word has at most 40 characters."))
        return lines

    def clean_at_weeks(self) -> tuple[int, ...]:
        parts = [part.strip() for part in self.cleaned_data["at_weeks"].split(",") if part.strip()]
        if not all(part.isdigit() and len(part) <= 3 for part in parts):
            raise ValidationError(_("Write whole weeks separated by commas, e.g. 8, 13, 26."))
        weeks = tuple(sorted({int(part) for part in parts}))
        if len(weeks) > q.AT_WEEKS_COUNT_MAX or any(not 1 <= week <= q.AT_WEEKS_MAX for week in weeks):
            raise ValidationError(_("At most 10 fixed weeks, each from 1 to 104."))
        return weeks

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if problems := q.definition_problems(self.definition()):
            raise ValidationError(problems)
        return cleaned

    def definition(self) -> q.Definition:
        data = self.cleaned_data
        anchors = tuple(data["anchors"])
        return q.Definition(
            title=data["title"].strip(),
            items=tuple(q.Item(text, anchors) for text in data["questions"]),
            higher_is_better=data["direction"] == "better",
            scoring=q.Scoring(data["scoring"]),
            timing=q.Timing(
                at_baseline=data["at_baseline"],
                every_weeks=data["every_weeks"],
                at_weeks=data["at_weeks"],
                at_review=data["at_review"],
            ),
        )

    @staticmethod
    def initial_from(definition: q.Definition) -> dict:
        timing = definition.timing
        return {
            "title": definition.title,
            "questions": "\n".join(item.text for item in definition.items),
            "anchors": "\n".join(definition.items[0].anchors),
            "direction": "better" if definition.higher_is_better else "worse",
            "scoring": definition.scoring.value,
            "at_baseline": timing.at_baseline,
            "every_weeks": timing.every_weeks,
            "at_weeks": ", ".join(str(week) for week in timing.at_weeks),
            "at_review": timing.at_review,
        }


class QuestionnaireAnswerForm(forms.Form):
    """One required choice per item of the due questionnaire, each a column of tap targets."""

    def __init__(self, *args, definition: q.Definition, **kwargs):
        super().__init__(*args, **kwargs)
        for index, item in enumerate(definition.items):
            self.fields[f"item_{index}"] = forms.TypedChoiceField(
                label=item.text,
                choices=[(point, words) for point, words in zip(item.points, item.anchors, strict=True)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose one answer.")},
            )

    def values(self) -> list[int]:
        return [self.cleaned_data[name] for name in self.fields]
