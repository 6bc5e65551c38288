"""The patient's question to their care team and the clinician's answer."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from journal.bounds import ANSWER_MAX_CHARS, QUESTION_MAX_CHARS
from journal.forms.fields import OnceForm
from journal.models import QuestionTopic


class QuestionForm(OnceForm):
    """Asked from Today (general), My plan (the plan) or a day of the history (that entry):
    the page sets the topic and the day."""

    topic = forms.ChoiceField(choices=QuestionTopic.choices, widget=forms.HiddenInput)
    entry_date = forms.DateField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        max_length=QUESTION_MAX_CHARS,
        label=gettext_lazy("Your question"),
        help_text=format_lazy(
            gettext_lazy(
                "Short, at most {QUESTION_MAX_CHARS} characters. Your care team answers here, "
                "usually within a few working days."
            ),
            QUESTION_MAX_CHARS=QUESTION_MAX_CHARS,
        ),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": QUESTION_MAX_CHARS}),
    )


class AnswerForm(OnceForm):
    answer = forms.CharField(
        max_length=ANSWER_MAX_CHARS,
        label=gettext_lazy("Your answer"),
        help_text=format_lazy(
            gettext_lazy(
                "The patient reads it under their question (at most {ANSWER_MAX_CHARS} characters)."
            ),
            ANSWER_MAX_CHARS=ANSWER_MAX_CHARS,
        ),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": ANSWER_MAX_CHARS}),
    )
