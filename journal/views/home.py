from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from journal import rulebook as rules
from journal.access import AuthenticatedRequest, clinician_required


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """Send each role to its start page."""
    role = request.user.role
    if role == "clinician":
        return redirect("roster")
    if role == "patient":
        # A new patient reads the introduction (or skips it) before their first Today.
        return redirect("today" if request.user.patient.introduced_at else "introduction_start")
    if role == "caregiver":
        return redirect("today")
    if role == "staff":
        return redirect("admin:index")
    return render(request, "journal/no_role.html", status=403)


@clinician_required
@require_GET
def rulebook(request: AuthenticatedRequest) -> HttpResponse:
    """Every rule the app applies, with its reason and source, listed from the code's tables."""
    return render(request, "journal/rulebook.html", {"sections": rules.sections()})
