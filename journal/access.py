"""Who may see what. Every view that touches a patient goes through this module.

- A patient sees only their own record.
- A caregiver (`models.Caregiver`) opens the patient-side pages of the one patient they log
  for (`logged_patient`; the rule is `journal.caregiving.logs_for`), never a clinician's page,
  another patient, or what is the patient's own (reminders, calendar feed, questions, their
  CSV, medications, the introduction).
- A clinician sees the patients of their own clinic; the roster defaults to the patients
  assigned to them, a clinic admin sees the whole clinic.
- Anyone else (including another clinic's staff) gets a 404, never a hint that the
  patient exists.

It also says where a request came from (`client_address`), for the lockout, the list of
sessions and the audit; and who did see: a view that shows a clinician a patient's record
notes the read (`note_read`); `middleware.ReadAuditMiddleware` writes the request's reads to
the access log once the view has answered.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from journal.caregiving import Login, logs_for
from journal.models import AccessEvent, ApiToken, Caregiver, Clinician, Patient, User


class HtmxRequest(HttpRequest):
    """A request that has been through django-htmx's middleware."""

    htmx: HtmxDetails


class AuthenticatedRequest(HtmxRequest):
    """A request that reached a view through one of the role decorators below: its user is
    logged in (never AnonymousUser)."""

    user: User


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent `request`: REMOTE_ADDR, or, behind
    TRUSTED_PROXY_COUNT proxies, the address the farthest trusted proxy saw, read from the
    right of X-Forwarded-For (entries further left are whatever the client chose to send).
    A header with fewer entries than trusted proxies, or an entry that is not an address,
    is not trusted: the answer is then REMOTE_ADDR. "" when there is no address at all
    (a Unix socket)."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies == 0:
        return remote or ""
    forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",")]
    if len(forwarded) < proxies:
        return remote or ""
    return _address(forwarded[-proxies]) or remote or ""


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def visible_patients(user) -> QuerySet[Patient]:
    if not user.is_authenticated:
        return Patient.objects.none()
    if hasattr(user, "clinician"):
        return Patient.objects.filter(clinic_id=user.clinician.clinic_id)
    if hasattr(user, "patient"):
        return Patient.objects.filter(pk=user.patient.pk)
    return Patient.objects.none()


def patient_for(request: HttpRequest, pk: int, queryset: QuerySet[Patient] | None = None) -> Patient:
    """The patient `pk` if the requesting user may see them, else 404."""
    queryset = queryset if queryset is not None else Patient.objects.all()
    allowed = visible_patients(request.user).values("pk")
    patient = queryset.filter(pk=pk, pk__in=allowed).select_related("clinic").first()
    if patient is None:
        raise Http404("No such patient.")
    return patient


def clinician_of(request: HttpRequest) -> Clinician:
    clinician = getattr(request.user, "clinician", None)
    if clinician is None:
        raise PermissionDenied("Clinicians only.")
    return clinician


def own_patient(request: HttpRequest) -> Patient:
    patient = getattr(request.user, "patient", None)
    if patient is None:
        raise PermissionDenied("Patients only.")
    return patient


def logged_patient(request: HttpRequest) -> Patient:
    """The patient whose patient-side pages (Today, entry, history, My plan, My chart,
    questionnaires) the requester opens: their own record, or, for a caregiver, the patient
    they log for; anyone else gets 403. A caregiver's request keeps their caregiving in
    `request.logging_for` (the "Logging for …" banner)."""
    user = request.user
    own = getattr(user, "patient", None)
    caregiver: Caregiver | None = None if own is not None else getattr(user, "caregiver", None)
    login = Login(
        active=user.is_active,
        own_patient=own.pk if own is not None else None,
        cares_for=caregiver.patient_id if caregiver is not None else None,
        revoked=caregiver is not None and caregiver.revoked_at is not None,
    )
    if logs_for(login) is None:
        raise PermissionDenied("Patients and their caregivers only.")
    if own is not None:
        return own
    assert caregiver is not None
    request.logging_for = caregiver  # type: ignore[attr-defined]
    return caregiver.patient


def caregiving_of(request: HttpRequest) -> Caregiver | None:
    """The requester's caregiving while it lasts (the banner's source on any page), else None."""
    caregiver = getattr(request, "logging_for", None)
    if caregiver is None and getattr(request.user, "role", None) == "caregiver":
        caregiver = request.user.caregiver  # type: ignore[union-attr]
    return caregiver


def _role_required(check):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated and request.htmx:
                # An htmx request would swap the login page into a fragment: load it whole.
                return HttpResponseClientRedirect(f"{resolve_url(settings.LOGIN_URL)}?next={request.path}")
            return login_required(_checked(view, check))(request, *args, **kwargs)

        return wrapped

    return decorator


def _checked(view, check):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        check(request)
        return view(request, *args, **kwargs)

    return wrapped


signed_in_required = _role_required(lambda request: None)
clinician_required = _role_required(clinician_of)
patient_required = _role_required(own_patient)
patient_side_required = _role_required(logged_patient)


def _clinic_admin(request: HttpRequest) -> None:
    if not clinician_of(request).is_clinic_admin:
        raise PermissionDenied("Clinic admins only.")


clinic_admin_required = _role_required(_clinic_admin)


def note_reads(
    request: AuthenticatedRequest, what: str, *, clinic_id: int, patient_ids: Iterable[int]
) -> None:
    """The requesting user read these patients' records (`AccessEvent.What`): kept on the request
    until the view has answered (`middleware.ReadAuditMiddleware`)."""
    reads = request.__dict__.setdefault("reads", [])
    address = client_address(request) or None  # None: no address (a Unix socket)
    reads.extend(
        AccessEvent(clinic_id=clinic_id, patient_id=pk, actor=request.user, what=what, client_address=address)
        for pk in patient_ids
    )


def note_read(request: AuthenticatedRequest, what: str, patient: Patient) -> None:
    note_reads(request, what, clinic_id=patient.clinic_id, patient_ids=[patient.pk])


def note_api_reads(request: HttpRequest, token: ApiToken, patient_ids: Iterable[int]) -> None:
    """The FHIR API token read these patients' records: the token, and as actor the admin who
    made it (who answers for it), written as `note_reads`'s are."""
    reads = request.__dict__.setdefault("reads", [])
    address = client_address(request) or None
    reads.extend(
        AccessEvent(
            clinic_id=token.clinic_id,
            patient_id=pk,
            actor_id=token.created_by_id,
            api_token=token,
            what=AccessEvent.What.FHIR_API,
            client_address=address,
        )
        for pk in patient_ids
    )


def noted_reads(request: HttpRequest) -> list[AccessEvent]:
    return request.__dict__.get("reads", [])
