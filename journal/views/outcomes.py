"""Clinic outcomes: the clinic's own results, for its clinicians, and the same figures as CSV.
The figures are computed by the worker (`journal.services.outcomes`): these views only show the
stored report of a filter, or ask for one."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh

from journal.access import AuthenticatedRequest, clinician_of, clinician_required
from journal.forms.outcomes import OutcomeFilterForm
from journal.outcome_charts import adherence_figure, responder_figure, side_effect_figure, survival_figure
from journal.outcomes import MIN_GROUP, Outcomes, outcome_csv_lines, outcomes_from_data
from journal.selectors.outcomes import CohortFilter, ShownReports, outcome_choices, outcome_reports_shown
from journal.services.outcomes import outcome_report_request

REPORT_REFRESH_SECONDS = 3  # how often the page asks (htmx) whether its figures are computed


def _filter_form(
    request: AuthenticatedRequest, data: QueryDict
) -> tuple[OutcomeFilterForm, CohortFilter | None]:
    """The filter form and the filter it asks for; None while a filter is wrong."""
    clinic = clinician_of(request).clinic
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(clinic.time_zone)).date()
    conditions, clinicians = outcome_choices(clinic)
    form = OutcomeFilterForm(data or None, conditions=conditions, clinicians=clinicians, today=today)
    return form, (form.chosen() if form.is_bound else CohortFilter())


def _filter_query(form: OutcomeFilterForm) -> str:
    """The page's address query for the form's (valid) filters, only those set."""
    query = QueryDict(mutable=True)
    for name, value in form.cleaned_data.items() if form.is_bound else ():
        if value is not None:
            query[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return query.urlencode()


def _shown(request: AuthenticatedRequest) -> tuple[OutcomeFilterForm, ShownReports | None, Outcomes | None]:
    form, chosen = _filter_form(request, request.GET)
    if chosen is None:
        return form, None, None
    shown = outcome_reports_shown(clinician_of(request).clinic_id, chosen)
    return form, shown, outcomes_from_data(shown.done.figures) if shown.done else None


@require_GET
@clinician_required
def clinic_outcomes_page(request: AuthenticatedRequest) -> HttpResponse:
    form, shown, outcomes = _shown(request)
    figures = {}
    if outcomes is not None:
        figures = {
            "condition": responder_figure(outcomes.rates_by_condition, _("Condition")),
            "dose": responder_figure(outcomes.rates_by_dose, _("Highest dose prescribed")),
            "survival": survival_figure(outcomes.survival),
            "side_effects": side_effect_figure(outcomes.side_effects),
            "adherence": adherence_figure(outcomes.adherence),
        }
    query = _filter_query(form) if shown is not None else ""
    context: dict[str, Any] = {
        "form": form,
        "outcomes": outcomes,
        "report": shown.done if shown else None,
        "newer": shown.newer if shown else None,
        "figures": figures,
        "min_group": MIN_GROUP,
        "query": query,
        "filter_values": list(QueryDict(query).items()),
        "refresh_seconds": REPORT_REFRESH_SECONDS,
    }
    if request.htmx:  # the page asking whether the figures are computed
        if shown is None or shown.newer is None or not shown.newer.in_progress:
            return HttpResponseClientRefresh()  # no longer computing: the whole page, with its charts
        return render(request, "journal/outcomes/outcomes.html#report-status", context)
    return render(request, "journal/outcomes/outcomes.html", context)


@require_POST
@clinician_required
def clinic_outcomes_compute(request: AuthenticatedRequest) -> HttpResponseBase:
    """Ask the worker for the figures of the filters sent; back to the page, which shows them
    being computed. A wrong filter asks for nothing: the page names it."""
    form, chosen = _filter_form(request, request.POST)
    page = reverse("clinic_outcomes")
    if chosen is None:
        sent = QueryDict(mutable=True)
        sent.update({name: request.POST[name][:40] for name in form.fields if name in request.POST})
        return redirect(f"{page}?{sent.urlencode()}")
    try:
        outcome_report_request(clinician=clinician_of(request), chosen=chosen)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    query = _filter_query(form)
    return redirect(f"{page}?{query}" if query else page)


@require_GET
@clinician_required
def clinic_outcomes_csv(request: AuthenticatedRequest) -> HttpResponseBase:
    """The figures the page shows (the same stored report), as CSV; back to the page while
    there are none."""
    form, shown, outcomes = _shown(request)
    if shown is None:
        context: dict[str, Any] = {"form": form, "outcomes": None, "figures": {}, "min_group": MIN_GROUP}
        return render(request, "journal/outcomes/outcomes.html", context, status=400)
    if outcomes is None:
        query = _filter_query(form)
        return redirect(f"{reverse('clinic_outcomes')}?{query}" if query else reverse("clinic_outcomes"))
    # A few dozen lines: sent whole, not streamed.
    response = HttpResponse("".join(outcome_csv_lines(outcomes)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        content_disposition_header(True, "ldn-journal-outcomes.csv") or "attachment"
    )
    response["Cache-Control"] = "no-store"  # health data: no copies in shared caches
    return response
