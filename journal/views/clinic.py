"""The clinic admin's pages: the clinic's clinicians, each patient's care team, and the access
report (who opened which patient's record).

A new clinician gets a login without a password and a one-time link, made with Django's
password-reset tokens, with which they set one: the token is tied to the password hash,
so it works until a password is set (or PASSWORD_RESET_TIMEOUT passes), and no token is
stored anywhere.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import PasswordResetConfirmView
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from journal.access import AuthenticatedRequest, clinic_admin_required, clinician_of, patient_for
from journal.exports import Column, csv_lines, each, export_filename
from journal.forms.clinic import (
    AccessReportForm,
    ApiTokenForm,
    CareTeamForm,
    ClinicFhirNamesForm,
    ClinicianAddForm,
    ClinicianChangeForm,
    ClinicTwoFactorForm,
    EmergencyLineForm,
)
from journal.forms.labs import LabTestForm
from journal.models import AccessEvent, ApiToken, Clinic, Clinician, User
from journal.selectors.account import has_two_factor
from journal.selectors.api_tokens import clinic_api_tokens
from journal.selectors.clinic import clinic_care_teams, clinic_clinicians, clinic_locked_logins, clinic_reads
from journal.selectors.labs import lab_tests_of
from journal.services import clinic as clinic_service
from journal.services.api_tokens import api_token_create, api_token_revoke
from journal.services.labs import lab_test_add
from journal.views.common import add_errors, csv_response, stash_link, take_link

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
    return render(request, "journal/clinic/manage.html", _manage_context(clinician_of(request).clinic))


def _manage_context(clinic: Clinic, lab_test_form: LabTestForm | None = None) -> dict[str, object]:
    now = timezone.now()
    return {
        "clinic": clinic,
        "clinicians": clinic_clinicians(clinic),
        "patients": clinic_care_teams(clinic),
        "two_factor_form": ClinicTwoFactorForm(initial={"require_two_factor": clinic.require_two_factor}),
        "emergency_form": EmergencyLineForm(initial={"emergency_line": clinic.emergency_line}),
        "fhir_names_form": ClinicFhirNamesForm(initial={"fhir_names_patients": clinic.fhir_names_patients}),
        "locked_logins": [
            (locked, locked.refusal.state_words(now)) for locked in clinic_locked_logins(clinic, now)
        ],
        "lab_tests": list(lab_tests_of(clinic)),
        "lab_test_form": lab_test_form or LabTestForm(),
    }


@clinic_admin_required
@require_POST
def clinic_lab_test_add(request: AuthenticatedRequest) -> HttpResponse:
    """The clinic's own lab test, next to the shared catalogue's."""
    admin = clinician_of(request)
    form = LabTestForm(request.POST)
    if form.is_valid():
        try:
            test = lab_test_add(admin=admin, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Added %(test)s to the clinic's lab tests.") % {"test": test.name})
            return redirect(f"{reverse('clinic_manage')}#lab-tests")
    return render(request, "journal/clinic/manage.html", _manage_context(admin.clinic, form), status=400)


@clinic_admin_required
@require_POST
def clinic_two_factor(request: AuthenticatedRequest) -> HttpResponse:
    form = ClinicTwoFactorForm(request.POST)
    if form.is_valid():
        required = form.cleaned_data["require_two_factor"]
        clinic_service.clinic_two_factor_set(admin=clinician_of(request), required=required)
        messages.success(
            request,
            _("Two-factor sign-in is now required of clinicians and admins.")
            if required
            else _("Two-factor sign-in is no longer required."),
        )
    return redirect(f"{reverse('clinic_manage')}#sign-in")


@clinic_admin_required
@require_POST
def clinic_emergency_line(request: AuthenticatedRequest) -> HttpResponse:
    form = EmergencyLineForm(request.POST)
    if form.is_valid():
        clinic_service.clinic_emergency_line_set(
            admin=clinician_of(request), line=form.cleaned_data["emergency_line"]
        )
        messages.success(request, _("Saved: patients read the new emergency line with every question form."))
    else:
        messages.error(request, " ".join(str(error) for error in form.errors["emergency_line"]))
    return redirect(f"{reverse('clinic_manage')}#messages")


@clinic_admin_required
@require_POST
def clinic_fhir_names(request: AuthenticatedRequest) -> HttpResponse:
    form = ClinicFhirNamesForm(request.POST)
    if form.is_valid():
        named = form.cleaned_data["fhir_names_patients"]
        clinic_service.clinic_fhir_names_set(admin=clinician_of(request), named=named)
        messages.success(
            request,
            _("FHIR records now give each patient's name and date of birth.")
            if named
            else _("FHIR records now give each patient's record code only, no name."),
        )
    return redirect(f"{reverse('clinic_manage')}#api")


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
    messages.success(request, _("%(username)s can sign in again.") % {"username": user.username})
    return redirect(f"{reverse('clinic_manage')}#sign-in")


@clinic_admin_required
@require_POST
def clinician_two_factor_reset(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    clinician = _clinician_for(request, pk)
    clinic_service.clinician_two_factor_reset(admin=clinician_of(request), clinician=clinician)
    messages.success(
        request,
        _("Two-factor sign-in of %(clinician)s is off; they sign in with their password.")
        % {"clinician": clinician},
    )
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
            messages.success(request, _("Saved the changes to %(clinician)s.") % {"clinician": clinician})
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
            messages.success(request, _("Saved %(patient)s's care team.") % {"patient": patient.name})
            return redirect(f"{reverse('clinic_manage')}#patients")
    return render(request, "journal/clinic/care_team.html", {"patient": patient, "form": form})


# --- the FHIR API's tokens -----------------------------------------------------------------


@clinic_admin_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: AuthenticatedRequest) -> HttpResponse:
    """The clinic's API tokens; a new one's secret is shown in the answer to its form, once
    (never kept, so never shown again: no redirect)."""
    admin = clinician_of(request)
    form = ApiTokenForm(_posted(request))
    made = None
    if request.method == "POST" and form.is_valid():
        try:
            made = api_token_create(
                admin=admin,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                request_key=form.cleaned_data["request_key"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            form = ApiTokenForm()
    status = 400 if form.errors else 200
    context = {
        "clinic": admin.clinic,
        "tokens": clinic_api_tokens(admin.clinic, timezone.now()),
        "form": form,
        "made": made,
        "fhir_base": request.build_absolute_uri(reverse("fhir_metadata")).removesuffix("/metadata"),
    }
    return render(request, "journal/clinic/api_tokens.html", context, status=status)


@clinic_admin_required
@require_POST
def api_token_revoke_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    admin = clinician_of(request)
    token = ApiToken.objects.select_related("clinic").filter(pk=pk, clinic_id=admin.clinic_id).first()
    if token is None:
        raise Http404("No such token.")
    if api_token_revoke(admin=admin, token=token):
        messages.success(
            request, _("Revoked “%(name)s”: it opens nothing from now on.") % {"name": token.name}
        )
    return redirect("api_tokens")


# --- the access report ----------------------------------------------------------------------

READS_PER_PAGE = 50
REPORT_DAYS = 30  # the range shown until the admin picks another


def _report_filters(request: AuthenticatedRequest, clinic: Clinic) -> AccessReportForm:
    """The filters asked for, on top of the defaults: anyone, any patient, anything, the last 30 days."""
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(clinic.time_zone)).date()
    defaults = {"start": (today - dt.timedelta(days=REPORT_DAYS - 1)).isoformat(), "end": today.isoformat()}
    return AccessReportForm({**defaults, **request.GET.dict()}, clinic=clinic, today=today)


def _report_page(request: AuthenticatedRequest, form: AccessReportForm, clinic: Clinic) -> HttpResponse:
    reads = clinic_reads(clinic, **form.filters()) if form.is_valid() else AccessEvent.objects.none()
    page = Paginator(reads, READS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "journal/clinic/access_report.html", {"form": form, "page": page})


@clinic_admin_required
@require_GET
def access_report(request: AuthenticatedRequest) -> HttpResponse:
    clinic = clinician_of(request).clinic
    return _report_page(request, _report_filters(request, clinic), clinic)


def _column(name: str, getter) -> Column[AccessEvent]:
    return Column(name, "", "", "", each(getter))


def _report_columns(zone: zoneinfo.ZoneInfo) -> list[Column[AccessEvent]]:
    return [
        _column("at", lambda read: read.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")),
        _column("clinician", lambda read: read.actor.get_full_name()),
        _column("username", lambda read: read.actor.username),
        _column("patient", lambda read: read.patient.name),
        _column("patient_code", lambda read: read.patient.export_label),
        _column("what", lambda read: read.get_what_display()),
        _column("client_address", lambda read: read.client_address),
        _column("api_token", lambda read: read.api_token.name if read.api_token else ""),
    ]


@clinic_admin_required
@require_GET
def access_report_csv(request: AuthenticatedRequest) -> HttpResponseBase:
    """Every read of the filters, streamed (the range is at most an export's); the download goes
    on the audit log. Bad filters show the report page with what is wrong."""
    admin = clinician_of(request)
    clinic = admin.clinic
    form = _report_filters(request, clinic)
    if not form.is_valid():
        return _report_page(request, form, clinic)
    filters = form.filters()
    reads = clinic_reads(clinic, **filters)
    clinic_service.access_report_exported(admin=admin, **filters, count=reads.count())
    lines = csv_lines(_report_columns(zoneinfo.ZoneInfo(clinic.time_zone)), reads.iterator(chunk_size=2000))
    filename = export_filename("access", filters["first"], filters["last"])
    return csv_response(lines, filename, byte_order_mark=form.cleaned_data["byte_order_mark"])


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
