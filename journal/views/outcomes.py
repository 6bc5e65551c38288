"""Clinic outcomes: the clinic's own results, for its clinicians, and the same figures as CSV."""

from __future__ import annotations

import zoneinfo

from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from journal.access import AuthenticatedRequest, clinician_of, clinician_required, visible_patients
from journal.forms.outcomes import OutcomeFilterForm
from journal.outcome_charts import adherence_figure, responder_figure, side_effect_figure, survival_figure
from journal.outcomes import (
    MIN_GROUP,
    Outcomes,
    clinic_outcomes,
    outcome_csv_lines,
)
from journal.selectors.outcomes import CohortFilter, outcome_choices, outcome_cohort


def _outcomes(request: AuthenticatedRequest) -> tuple[OutcomeFilterForm, Outcomes | None]:
    """The filter form and the figures it asks for; no figures while a filter is wrong."""
    clinic = clinician_of(request).clinic
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(clinic.time_zone)).date()
    conditions, clinicians = outcome_choices(clinic)
    form = OutcomeFilterForm(request.GET or None, conditions=conditions, clinicians=clinicians, today=today)
    chosen = form.chosen() if form.is_bound else CohortFilter()
    if chosen is None:
        return form, None
    return form, clinic_outcomes(outcome_cohort(visible_patients(request.user), chosen))


@require_GET
@clinician_required
def clinic_outcomes_page(request: AuthenticatedRequest) -> HttpResponse:
    form, outcomes = _outcomes(request)
    figures = {}
    if outcomes is not None:
        figures = {
            "condition": responder_figure(outcomes.rates_by_condition, _("Condition")),
            "dose": responder_figure(outcomes.rates_by_dose, _("Highest dose prescribed")),
            "survival": survival_figure(outcomes.survival),
            "side_effects": side_effect_figure(outcomes.side_effects),
            "adherence": adherence_figure(outcomes.adherence),
        }
    context = {
        "form": form,
        "outcomes": outcomes,
        "figures": figures,
        "min_group": MIN_GROUP,
        "query": request.GET.urlencode(),
    }
    return render(request, "journal/outcomes/outcomes.html", context)


@require_GET
@clinician_required
def clinic_outcomes_csv(request: AuthenticatedRequest) -> HttpResponseBase:
    form, outcomes = _outcomes(request)
    if outcomes is None:
        return render(
            request,
            "journal/outcomes/outcomes.html",
            {"form": form, "outcomes": None, "figures": {}, "min_group": MIN_GROUP},
            status=400,
        )
    # A few dozen lines: sent whole, not streamed.
    response = HttpResponse("".join(outcome_csv_lines(outcomes)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        content_disposition_header(True, "ldn-journal-outcomes.csv") or "attachment"
    )
    response["Cache-Control"] = "no-store"  # health data: no copies in shared caches
    return response
