"""The clinic admin's pages: the clinic's clinicians and each patient's care team.

A new clinician gets a login without a password and a one-time link, made with Django's
password-reset tokens, with which they set one: the token is tied to the password hash,
so it works until a password is set (or PASSWORD_RESET_TIMEOUT passes), and no token is
stored anywhere.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import PasswordResetConfirmView
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from journal.access import AuthenticatedRequest, clinic_admin_required, clinician_of, patient_for
from journal.forms.clinic import CareTeamForm, ClinicianAddForm, ClinicianChangeForm, ClinicTwoFactorForm
from journal.models import Clinician, User
from journal.selectors.account import has_two_factor
from journal.selectors.clinic import clinic_care_teams, clinic_clinicians, clinic_locked_logins
from journal.services import clinic as clinic_service
from journal.views.common import add_errors, stash_link, take_link

SESSION_KEY = "clinician_password_links"


def _clinician_for(request: AuthenticatedRequest, pk: int) -> Clinician:
    """A clinician of the admin's own clinic, else 404."""
    clinic_id = clinician_of(request).clinic_id
    clinician = Clinician.objects.select_related("user", "clinic").filter(pk=pk, clinic_id=clinic_id).first()
    if clinician is None:
        raise Http404("No such clinician.")
    return clinician


def _keep_link(request: AuthenticatedRequest, clinician: Clinician, link_args: tuple[str, str]) -> None:
    """Keep the link for the next page, which shows it once."""
    link = request.build_absolute_uri(reverse("clinician_set_password", args=link_args))
    stash_link(request, SESSION_KEY, clinician.pk, link)


def _posted(request: AuthenticatedRequest):
    # Not `request.POST or None`: a form of check boxes, all unticked, posts nothing, and must
    # still be bound.
    return request.POST if request.method == "POST" else None


@clinic_admin_required
@require_http_methods(["GET"])
def clinic_manage(request: AuthenticatedRequest) -> HttpResponse:
    clinic = clinician_of(request).clinic
    now = timezone.now()
    return render(
        request,
        "journal/clinic/manage.html",
        {
            "clinic": clinic,
            "clinicians": clinic_clinicians(clinic),
            "patients": clinic_care_teams(clinic),
            "two_factor_form": ClinicTwoFactorForm(initial={"require_two_factor": clinic.require_two_factor}),
            "locked_logins": [
                (locked, locked.refusal.state_words(now)) for locked in clinic_locked_logins(clinic, now)
            ],
        },
    )


@clinic_admin_required
@require_POST
def clinic_two_factor(request: AuthenticatedRequest) -> HttpResponse:
    form = ClinicTwoFactorForm(request.POST)
    if form.is_valid():
        required = form.cleaned_data["require_two_factor"]
        clinic_service.clinic_two_factor_set(admin=clinician_of(request), required=required)
        messages.success(
            request,
            "Two-factor sign-in is now required of clinicians and admins."
            if required
            else "Two-factor sign-in is no longer required.",
        )
    return redirect(f"{reverse('clinic_manage')}#sign-in")


@clinic_admin_required
@require_POST
def login_unlock(request: AuthenticatedRequest, user_pk: int) -> HttpResponse:
    user = User.objects.filter(pk=user_pk).first()
    if user is None:
        raise Http404("No such login.")
    try:
        clinic_service.login_unlock(admin=clinician_of(request), user=user)
    except ValidationError:
        raise Http404("No such login.") from None
    messages.success(request, f"{user.username} can sign in again.")
    return redirect(f"{reverse('clinic_manage')}#sign-in")


@clinic_admin_required
@require_POST
def clinician_two_factor_reset(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    clinician = _clinician_for(request, pk)
    clinic_service.clinician_two_factor_reset(admin=clinician_of(request), clinician=clinician)
    messages.success(request, f"Two-factor sign-in of {clinician} is off; they sign in with their password.")
    return redirect("clinician_change", pk=clinician.pk)


@clinic_admin_required
@require_http_methods(["GET", "POST"])
def clinician_add(request: AuthenticatedRequest) -> HttpResponse:
    form = ClinicianAddForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            clinician, link_args = clinic_service.clinician_add(
                admin=clinician_of(request), **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            _keep_link(request, clinician, link_args)
            return redirect("clinician_change", pk=clinician.pk)
    return render(request, "journal/clinic/clinician_add.html", {"form": form})


@clinic_admin_required
@require_http_methods(["GET", "POST"])
def clinician_change(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    clinician = _clinician_for(request, pk)
    initial = {"is_clinic_admin": clinician.is_clinic_admin, "is_active": clinician.user.is_active}
    form = ClinicianChangeForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            clinic_service.clinician_change(
                admin=clinician_of(request), clinician=clinician, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Saved the changes to {clinician}.")
            return redirect("clinic_manage")
    link = take_link(request, SESSION_KEY, clinician.pk)
    return render(
        request,
        "journal/clinic/clinician_change.html",
        {
            "clinician": clinician,
            "form": form,
            "is_self": clinician == clinician_of(request),
            "has_two_factor": has_two_factor(clinician.user),
            "link": link,
            "link_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60),
        },
    )


@clinic_admin_required
@require_POST
def clinician_password_link(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    clinician = _clinician_for(request, pk)
    try:
        link_args = clinic_service.clinician_password_link(admin=clinician_of(request), clinician=clinician)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _keep_link(request, clinician, link_args)
    return redirect("clinician_change", pk=clinician.pk)


@clinic_admin_required
@require_http_methods(["GET", "POST"])
def care_team(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    patient = patient_for(request, pk)
    admin = clinician_of(request)
    form = CareTeamForm(
        _posted(request), clinic=admin.clinic, initial={"clinicians": list(patient.clinicians.all())}
    )
    if request.method == "POST" and form.is_valid():
        try:
            clinic_service.care_team_set(
                admin=admin, patient=patient, clinicians=form.cleaned_data["clinicians"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Saved {patient.name}'s care team.")
            return redirect(f"{reverse('clinic_manage')}#patients")
    return render(request, "journal/clinic/care_team.html", {"patient": patient, "form": form})


class ClinicianSetPasswordView(SuccessMessageMixin, PasswordResetConfirmView):
    """The new clinician's one-time link: choose a password, then land logged in."""

    template_name = "journal/clinic/set_password.html"
    success_url = reverse_lazy("home")
    success_message = "Your password is set. Welcome to LDN Journal."
    post_reset_login = True
    post_reset_login_backend = "journal.auth.PasswordBackend"

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and hasattr(user, "clinician") else None


clinician_set_password = ClinicianSetPasswordView.as_view()
