"""Inviting a patient: the clinician creates the record and a one-time link; the patient
opens the link and sets their password. A patient's caregiver is invited (and revoked) from the
patient page the same way."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from journal.access import AuthenticatedRequest, HtmxRequest, clinician_of, clinician_required, patient_for
from journal.forms.invitations import AcceptInvitationForm, CaregiverInviteForm, InviteForm
from journal.models import Caregiver, Patient
from journal.services.invitations import (
    acceptance_url,
    caregiver_invite,
    caregiver_revoke,
    invitation_accept,
    invitation_create,
    invitation_for_token,
    invitation_opens,
    invitee_name,
    patient_invite,
)
from journal.views.common import stash_link, take_link

SESSION_KEY = "invitation_links"


def _show_once(request: AuthenticatedRequest, patient: Patient, token: str) -> None:
    """Keep the link for the next page, which shows it once."""
    link = acceptance_url(token=token, absolute_url=request.build_absolute_uri)
    stash_link(request, SESSION_KEY, patient.pk, link)


@clinician_required
@require_http_methods(["GET", "POST"])
def invite_patient(request: AuthenticatedRequest) -> HttpResponse:
    clinician = clinician_of(request)
    form = InviteForm(request.POST or None, clinic=clinician.clinic)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            patient, token = patient_invite(
                clinician=clinician,
                name=data["name"],
                time_zone=data["time_zone"],
                email=data["email"],
                code=data["code"],
                conditions=data["conditions"],
                new_conditions=data["other_conditions"],
                symptoms=data["symptoms"],
                new_symptoms=data["other_symptoms"],
                medications=data["medications"],
                absolute_url=request.build_absolute_uri,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            _show_once(request, patient, token)
            return redirect("invitation_link", pk=patient.pk)
    return render(request, "journal/invitations/invite.html", {"form": form})


@clinician_required
@require_http_methods(["GET", "POST"])
def invitation_link(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """GET shows a link just made (once); POST makes a new link for a patient without a login."""
    patient = patient_for(request, pk)
    if request.method == "POST":
        try:
            token = invitation_create(
                patient=patient, clinician=clinician_of(request), absolute_url=request.build_absolute_uri
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("patient_detail", pk=patient.pk)
        _show_once(request, patient, token)
        return redirect("invitation_link", pk=patient.pk)
    link = take_link(request, SESSION_KEY, patient.pk)
    return render(
        request,
        "journal/invitations/invitation_link.html",
        {
            "patient": patient,
            "link": link,
            "invitation": patient.invitations.filter(caregiver=None)
            .select_related("mail")
            .order_by("-created_at")
            .first(),
        },
    )


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HtmxRequest, token: str) -> HttpResponse:
    invitation = invitation_for_token(token)
    if invitation is None or not invitation_opens(invitation):
        return render(
            request, "journal/invitations/invitation_invalid.html", status=410 if invitation else 404
        )
    email = invitation.patient.email if invitation.caregiver is None else ""
    form = AcceptInvitationForm(request.POST or None, name=invitee_name(invitation), email=email)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                token=token, username=form.cleaned_data["username"], password=form.cleaned_data["password1"]
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            login(request, user, backend="journal.auth.PasswordBackend")
            messages.success(request, _("Welcome! Your login is ready."))
            return redirect("home")
    context = {"form": form, "patient": invitation.patient, "caregiver": invitation.caregiver}
    return render(request, "journal/invitations/accept.html", context)


CAREGIVER_LINKS = "caregiver_links"


@clinician_required
@require_http_methods(["GET", "POST"])
def caregiver_invitation(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """POST invites a caregiver for the patient (a clinician of the patient's clinic); GET shows
    the link just made, once."""
    patient = patient_for(request, pk)
    if request.method == "POST":
        form = CaregiverInviteForm(request.POST)
        if not form.is_valid():
            messages.error(
                request, " ".join(str(message) for errors in form.errors.values() for message in errors)
            )
            return redirect("patient_detail", pk=patient.pk)
        try:
            _caregiver, token = caregiver_invite(
                patient=patient, clinician=clinician_of(request), name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("patient_detail", pk=patient.pk)
        link = acceptance_url(token=token, absolute_url=request.build_absolute_uri)
        stash_link(request, CAREGIVER_LINKS, patient.pk, link)
        return redirect("caregiver_invitation", pk=patient.pk)
    caregiver = patient.caregivers.filter(revoked_at=None).first()
    invitation = caregiver.invitations.order_by("-created_at").first() if caregiver else None
    context = {
        "patient": patient,
        "caregiver": caregiver,
        "invitation": invitation,
        "link": take_link(request, CAREGIVER_LINKS, patient.pk),
    }
    return render(request, "journal/invitations/caregiver_link.html", context)


@clinician_required
@require_POST
def revoke_caregiver(request: AuthenticatedRequest, pk: int, caregiver_pk: int) -> HttpResponse:
    """A clinician of the patient's clinic ends the caregiver's login."""
    patient = patient_for(request, pk)
    caregiver = Caregiver.objects.filter(patient=patient, pk=caregiver_pk).select_related("user").first()
    if caregiver is None:
        raise Http404("No such caregiver.")
    try:
        caregiver_revoke(caregiver=caregiver, clinician=clinician_of(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(name)s can no longer sign in or log for this patient.") % {"name": caregiver.name}
        )
    return redirect("patient_detail", pk=patient.pk)
