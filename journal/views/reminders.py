"""The patient's reminders: the choices page, each device's push subscription, and the service
worker that shows a push on the device."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from journal.access import AuthenticatedRequest, own_patient, patient_required
from journal.bounds import DEVICE_MAX_CHARS
from journal.forms.reminders import PushEndpointForm, PushSubscriptionForm, ReminderSettingsForm
from journal.selectors.account import browser_words
from journal.selectors.reminders import push_devices, recent_reminders, reminder_settings_of
from journal.services.reminders import (
    push_expired_forget,
    push_subscribe,
    push_unsubscribe,
    reminder_settings_save,
)


@patient_required
@require_http_methods(["GET", "POST"])
def reminders(request: AuthenticatedRequest) -> HttpResponse:
    patient = own_patient(request)
    form = ReminderSettingsForm(request.POST or None, instance=reminder_settings_of(patient))
    if request.method == "POST" and form.is_valid():
        try:
            reminder_settings_save(patient=patient, actor=request.user, settings_row=form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your reminders are saved."))
            return redirect("reminders")
    context = {
        "patient": patient,
        "form": form,
        "devices": push_devices(patient),
        "recent": recent_reminders(patient),
        "vapid_public_key": settings.VAPID_PUBLIC_KEY,
    }
    return render(request, "journal/reminders/reminders.html", context, status=400 if form.errors else 200)


@patient_required
@require_POST
def push_subscription_add(request: AuthenticatedRequest) -> HttpResponse:
    """This device subscribed (static/js/reminders.js posts what the browser gave)."""
    form = PushSubscriptionForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    try:
        device = browser_words(request.headers.get("user-agent", ""))[:DEVICE_MAX_CHARS]
        push_subscribe(patient=own_patient(request), device=device, **form.cleaned_data)
    except ValidationError as error:
        return JsonResponse({"errors": {"__all__": error.messages}}, status=400)
    return JsonResponse({"ok": True}, status=201)


@patient_required
@require_POST
def push_subscription_remove(request: AuthenticatedRequest) -> HttpResponse:
    """Forget a device (its own button, or the page's script after the browser unsubscribed)."""
    form = PushEndpointForm(request.POST)
    if form.is_valid() and push_unsubscribe(
        patient=own_patient(request), endpoint=form.cleaned_data["endpoint"]
    ):
        messages.success(request, _("That device gets no more push reminders."))
    return redirect("reminders")


@patient_required
@require_POST
def push_expired_dismiss(request: AuthenticatedRequest) -> HttpResponse:
    push_expired_forget(patient=own_patient(request))
    return redirect("reminders")


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the site's root so its scope is every page: push
    reminders, and the patient's own pages kept for opening offline (journal/offline.py)."""
    response = HttpResponse(
        render_to_string("journal/reminders/service-worker.js"), content_type="text/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = "/"
    return response
