"""The clinician's review of one patient: dismissing advice, marking the patient reviewed."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from journal.access import clinician_of, clinician_required, patient_for
from journal.advice import AdviceCard
from journal.selectors import patient_overview
from journal.services import advice_dismiss as dismiss_card
from journal.services import patient_mark_reviewed


class AdviceDismissalForm(forms.Form):
    key = forms.CharField(max_length=120)
    note = forms.CharField(
        max_length=500,
        error_messages={"required": "Write a short note: why is this advice set aside?"},
    )

    def __init__(self, *args, cards: tuple[AdviceCard, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.cards = {card.key: card for card in cards}

    def clean_key(self) -> AdviceCard:
        card = self.cards.get(self.cleaned_data["key"])
        if card is None:
            raise forms.ValidationError(
                "That advice is no longer open: it was dismissed already or the data behind it "
                "changed. The cards below are up to date."
            )
        return card


@require_POST
@clinician_required
def advice_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    patient = patient_for(request, pk)
    overview = patient_overview(patient)
    form = AdviceDismissalForm(request.POST, cards=overview.assessment.open_cards)
    if form.is_valid():
        card = form.cleaned_data["key"]
        dismiss_card(patient=patient, clinician=clinician_of(request), card=card,
                     note=form.cleaned_data["note"])
        if not request.htmx:
            messages.success(request, f"Advice dismissed: {card.title}.")
            return redirect(reverse("patient_detail", args=[patient.pk]) + "#advice")
        overview = patient_overview(patient)
        form = None
    elif not request.htmx:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(reverse("patient_detail", args=[patient.pk]) + "#advice")
    context = {"patient": patient, "overview": overview, "dismiss_form": form}
    return render(request, "journal/clinician/assessment.html#advice", context)


@require_POST
@clinician_required
def patient_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    patient = patient_for(request, pk)
    overview = patient_overview(patient)
    patient_mark_reviewed(patient=patient, clinician=clinician_of(request),
                          open_advice_keys=[card.key for card in overview.assessment.open_cards])
    messages.success(request, f"{patient.name} marked reviewed.")
    return redirect(reverse("patient_detail", args=[patient.pk]) + "#review")
