"""Messages tied to care, the patient's side: questions asked from Today, My plan or a day of
the history, read with their answers on one page (the clinician answers from the patient page,
`views.review`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from journal.access import AuthenticatedRequest, own_patient, patient_required
from journal.forms.messages import QuestionForm
from journal.models import Patient, Question, QuestionTopic
from journal.selectors.messages import question_threads
from journal.services.messages import question_ask as ask_question
from journal.views.common import add_errors


def _questions_page(request: AuthenticatedRequest, patient: Patient, form: QuestionForm, status: int = 200):
    context = {"patient": patient, "threads": question_threads(patient), "question_form": form}
    return render(request, "journal/messages/questions.html", context, status=status)


def _back_to(question: Question) -> str:
    """The page the question was asked from, where its thread shows."""
    if question.topic == QuestionTopic.PLAN:
        return reverse("my_plan") + "#questions"
    if question.topic == QuestionTopic.ENTRY and question.entry_date is not None:
        return reverse("day_detail", args=[question.entry_date.isoformat()]) + "#questions"
    return reverse("my_questions")


@patient_required
@require_GET
def my_questions(request: AuthenticatedRequest) -> HttpResponse:
    patient = own_patient(request)
    return _questions_page(request, patient, QuestionForm(initial={"topic": QuestionTopic.GENERAL}))


@patient_required
@require_POST
def question_ask(request: AuthenticatedRequest) -> HttpResponse:
    patient = own_patient(request)
    form = QuestionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            question = ask_question(
                patient=patient,
                topic=data["topic"],
                entry_date=data["entry_date"],
                text=data["text"],
                today=patient.local_today(),
                request_key=data["request_key"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Your question is with your care team. Their answer will show here."))
            return redirect(_back_to(question))
    return _questions_page(request, patient, form, status=400)
