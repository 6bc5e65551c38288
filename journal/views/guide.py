"""What the app tells a patient about LDN: the introduction after the invitation, screen by
screen, and the help pages, one per topic (`journal.guide`)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from journal.access import AuthenticatedRequest, own_patient, patient_required, signed_in_required
from journal.forms.guide import IntroductionForm
from journal.guide import INTRODUCTION, TOPICS, topic
from journal.services.guide import introduction_read, introduction_skip


@patient_required
@require_GET
def introduction_start(request: AuthenticatedRequest) -> HttpResponse:
    """Where the patient left the introduction (the first screen for a new patient); Today
    once they finished or skipped it."""
    patient = own_patient(request)
    if patient.introduced_at is not None:
        return redirect("today")
    return redirect("introduction", screen=min(patient.introduction_seen + 1, len(INTRODUCTION)))


@patient_required
@require_http_methods(["GET", "POST"])
def introduction(request: AuthenticatedRequest, screen: int) -> HttpResponse:
    if not 1 <= screen <= len(INTRODUCTION):
        raise Http404("No such screen.")
    patient = own_patient(request)
    if request.method == "POST":
        if IntroductionForm(request.POST).skips:
            introduction_skip(patient=patient)
            return redirect("today")
        introduction_read(patient=patient, screen=screen)
        return (
            redirect("introduction", screen=screen + 1) if screen < len(INTRODUCTION) else redirect("today")
        )
    context = {
        "topic": INTRODUCTION[screen - 1],
        "screen": screen,
        "screens": len(INTRODUCTION),
        "last": screen == len(INTRODUCTION),
        "finished": patient.introduced_at is not None,
    }
    return render(request, "journal/guide/introduction.html", context)


@signed_in_required
@require_GET
def help_index(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "journal/guide/help_index.html", {"topics": TOPICS})


@signed_in_required
@require_GET
def help_topic(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    shown = topic(slug)
    if shown is None:
        raise Http404("No such help topic.")
    return render(request, "journal/guide/help_topic.html", {"topic": shown, "topics": TOPICS})
