"""Questionnaires: a clinician of the clinic adds and edits them (each save a new version); a
patient answers the one due (`journal.questionnaires.first_due`, read through
`due_questionnaire`), once per occasion."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from journal.access import (
    AuthenticatedRequest,
    clinician_of,
    clinician_required,
    logged_patient,
    patient_side_required,
)
from journal.forms.questionnaires import QuestionnaireAnswerForm, QuestionnaireForm
from journal.models import Questionnaire
from journal.selectors.questionnaires import (
    clinic_questionnaires,
    current_versions,
    due_questionnaire,
    questionnaire_of_clinic,
    shown_definition,
)
from journal.selectors.records import schedule_of
from journal.services.questionnaires import questionnaire_answer, questionnaire_save
from journal.views.common import add_errors


@clinician_required
@require_http_methods(["GET", "POST"])
def clinic_questionnaires_page(request: AuthenticatedRequest) -> HttpResponse:
    """The clinic's questionnaires, and a form to add one."""
    clinician = clinician_of(request)
    form = QuestionnaireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = questionnaire_save(clinician=clinician, definition=form.definition())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Added the questionnaire “%(title)s”.") % {"title": version.title})
            return redirect("clinic_questionnaires")
    context = {"questionnaires": clinic_questionnaires(clinician.clinic_id), "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "journal/questionnaires/clinic.html", context, status=status)


def _questionnaire_for(request: AuthenticatedRequest, pk: int) -> Questionnaire:
    """A questionnaire of the clinician's own clinic, else 404."""
    questionnaire = questionnaire_of_clinic(clinician_of(request).clinic_id, pk)
    if questionnaire is None:
        raise Http404("No such questionnaire.")
    return questionnaire


@clinician_required
@require_http_methods(["GET", "POST"])
def questionnaire_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Edit a clinic's own questionnaire: saving makes its next version; answers keep theirs."""
    questionnaire = _questionnaire_for(request, pk)
    version = current_versions(questionnaire.clinic_id)[questionnaire.pk]
    definition = shown_definition(version)
    form = QuestionnaireForm(request.POST or None, initial=QuestionnaireForm.initial_from(definition))
    if request.method == "POST" and form.is_valid():
        try:
            saved = questionnaire_save(
                clinician=clinician_of(request), definition=form.definition(), questionnaire=questionnaire
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Saved “%(title)s” as version %(number)d; earlier answers keep the version they answered.")
                % {"title": saved.title, "number": saved.number},
            )
            return redirect("clinic_questionnaires")
    context = {"version": version, "definition": definition, "form": form, "built_in": questionnaire.built_in}
    status = 400 if request.method == "POST" else 200
    return render(request, "journal/questionnaires/edit.html", context, status=status)


@patient_side_required
@require_http_methods(["GET", "POST"])
def questionnaire_answer_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The patient answers the questionnaire due today, one tap per question. Another clinic's
    questionnaire is 404; one not due now says so."""
    patient = logged_patient(request)
    if questionnaire_of_clinic(patient.clinic_id, pk) is None:
        raise Http404("No such questionnaire.")
    today = patient.local_today()
    schedule = schedule_of(patient)
    due = due_questionnaire(patient, schedule, today)
    if due is None or due.version.questionnaire_id != pk:
        return render(request, "journal/questionnaires/answer.html", {"due": None})
    form = QuestionnaireAnswerForm(request.POST or None, definition=due.definition)
    if request.method == "POST" and form.is_valid():
        try:
            questionnaire_answer(
                patient=patient,
                schedule=schedule,
                questionnaire_id=pk,
                values=form.values(),
                today=today,
                actor=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Thank you: your clinic will see your answer."))
            return redirect(reverse("today"))
    status = 400 if request.method == "POST" else 200
    return render(request, "journal/questionnaires/answer.html", {"due": due, "form": form}, status=status)
