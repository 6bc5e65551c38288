"""Signing in, and the user's own account: two-factor sign-in and sessions.

Signing in is two steps for a user with two-factor sign-in: the password, then a code. The
session is not logged in between the two (it only remembers, for five minutes, whose password
was right), so no page can be reached with the password alone. Both steps obey the lockout
rules (journal/lockout.py), counted by the client's address (journal.access.client_address).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from journal.access import AuthenticatedRequest, client_address, signed_in_required
from journal.forms.account import CodeForm, LanguageForm, PasswordConfirmForm, SetupCodeForm
from journal.forms.login import LoginForm
from journal.lockout import Refusal, refusal
from journal.models import User
from journal.selectors.account import (
    confirmed_totp_device,
    has_two_factor,
    recent_failures,
    recovery_codes_left,
    user_sessions,
)
from journal.services import account as account_service
from journal.sessions import printable
from journal.views.common import add_errors

PENDING_KEY = "sign_in_pending"
PENDING_FOR = dt.timedelta(minutes=5)
CODES_KEY = "recovery_codes_to_show"
SETUP_KEY = "two_factor_setup_key"
KNOWN_BROWSER_COOKIE = "known_browser"
KNOWN_BROWSER_AGE = dt.timedelta(days=180)
KNOWN_BROWSER_USERS = 5  # a shared clinic computer remembers its last few users
LOGIN_FIELD_MAX_CHARS = account_service.LOGIN_FIELD_MAX_CHARS


# --- the lockout ------------------------------------------------------------------------------


def _typed_username(raw: str) -> str:
    """The username as the login form reads it (stripped, NFKC), so that spaces or look-alike
    characters do not start a new count of failures; without control characters, which no
    username has (and PostgreSQL refuses NUL in a query)."""
    return printable(unicodedata.normalize("NFKC", raw.strip()), LOGIN_FIELD_MAX_CHARS)


def _refusal_for(request: HttpRequest, username: str) -> Refusal | None:
    now = timezone.now()
    failures = recent_failures(username, client_address(request), now)
    return refusal(failures, now, known_browser=_is_known_browser(request, username))


def _record_failure(request: HttpRequest, username: str) -> None:
    account_service.login_failure_record(
        username=username, address=client_address(request), now=timezone.now()
    )


def _refused(request: HttpRequest, refused: Refusal) -> HttpResponse:
    now = timezone.now()
    response = render(
        request,
        "journal/locked_out.html",
        {"message": refused.words(now), "is_lock": refused.is_lock},
        status=429,
    )
    response["Retry-After"] = str(refused.retry_after(now))
    return response


def _browser_mark(username: str) -> str:
    """What the known-browser cookie holds for a username: a keyed digest, so the cookie does
    not tell who uses the computer."""
    return salted_hmac(KNOWN_BROWSER_COOKIE, username).hexdigest()[:20]


def _known_browser_marks(request: HttpRequest) -> list[str]:
    value = request.get_signed_cookie(
        KNOWN_BROWSER_COOKIE, default="", salt=KNOWN_BROWSER_COOKIE, max_age=KNOWN_BROWSER_AGE
    )
    return [mark for mark in (value or "").split(",") if mark]


def _is_known_browser(request: HttpRequest, username: str) -> bool:
    return _browser_mark(username) in _known_browser_marks(request)


def _signed_in(request: HttpRequest, response: HttpResponse, username: str) -> HttpResponse:
    """After a whole sign-in: this browser's failures for the username are forgiven, and the
    browser is remembered for the username, so the per-username slow-down never holds it up."""
    account_service.login_failures_clear(username=username, address=client_address(request))
    mark = _browser_mark(username)
    marks = [mark, *(other for other in _known_browser_marks(request) if other != mark)]
    response.set_signed_cookie(
        KNOWN_BROWSER_COOKIE,
        ",".join(marks[:KNOWN_BROWSER_USERS]),
        salt=KNOWN_BROWSER_COOKIE,
        max_age=int(KNOWN_BROWSER_AGE.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


# --- signing in ---------------------------------------------------------------------------------


class SignInView(LoginView):
    """The password step; a user with two-factor sign-in goes on to the code step."""

    redirect_authenticated_user = True
    authentication_form = LoginForm

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        refused = _refusal_for(request, _typed_username(request.POST.get("username", "")))
        if refused is not None:
            return _refused(request, refused)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        if form.has_error("__all__", "invalid_login"):
            _record_failure(self.request, _typed_username(self.request.POST.get("username", "")))
        return super().form_invalid(form)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if has_two_factor(user):
            self.request.session[PENDING_KEY] = {
                "user": user.pk,
                "at": timezone.now().isoformat(),
                "next": self.get_redirect_url(),
            }
            return redirect("login_code")
        return _signed_in(self.request, super().form_valid(form), user.username)


sign_in = SignInView.as_view()


def _pending_sign_in(request: HttpRequest) -> tuple[User, str] | None:
    """The user whose password was right in this browser in the last five minutes, and where
    they were going."""
    pending = request.session.get(PENDING_KEY)
    if not pending or dt.datetime.fromisoformat(pending["at"]) < timezone.now() - PENDING_FOR:
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return (user, pending["next"]) if user is not None else None


@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app, or a recovery code."""
    pending = _pending_sign_in(request)
    if pending is None:
        request.session.pop(PENDING_KEY, None)
        messages.info(request, _("Please sign in again: the code must follow the password within 5 minutes."))
        return redirect("login")
    user, next_url = pending
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        refused = _refusal_for(request, user.username)
        if refused is not None:
            return _refused(request, refused)
        if form.is_valid():
            device = account_service.two_factor_verify(user=user, code=form.cleaned_data["code"])
            if device is not None:
                del request.session[PENDING_KEY]
                login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
                otp_login(request, device)
                if isinstance(device, StaticDevice):
                    left = recovery_codes_left(user)
                    messages.warning(
                        request,
                        ngettext(
                            "You signed in with a recovery code; %(left)d left. Make new ones on your "
                            "account page if you are running out.",
                            "You signed in with a recovery code; %(left)d left. Make new ones on your "
                            "account page if you are running out.",
                            left,
                        )
                        % {"left": left},
                    )
                safe = next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()})
                target = next_url if safe else resolve_url(settings.LOGIN_REDIRECT_URL)
                return _signed_in(request, redirect(target), user.username)
            _record_failure(request, user.username)
            form.add_error(
                "code",
                _(
                    "That code did not work. Check that your phone's clock is right; after several wrong "
                    "codes, wait a few seconds before the next."
                ),
            )
    return render(request, "journal/account/login_code.html", {"form": form})


# --- two-factor sign-in -----------------------------------------------------------------------


@signed_in_required
@require_http_methods(["GET"])
def account(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    context = {
        "two_factor_on": has_two_factor(user),
        "codes_left": recovery_codes_left(user),
        "must_use_two_factor": user.must_use_two_factor,
        "password_form": PasswordConfirmForm(user=user),
        "language_form": LanguageForm(instance=user),
    }
    return render(request, "journal/account/account.html", context)


@signed_in_required
@require_POST
def language_change(request: AuthenticatedRequest) -> HttpResponse:
    form = LanguageForm(request.POST, instance=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose one of the languages listed."))
        return redirect("account")
    account_service.language_set(user=request.user, language=form.cleaned_data["language"])
    # The next page is read in the new language; this message already is.
    translation.activate(form.cleaned_data["language"] or translation.get_language_from_request(request))
    messages.success(request, _("Your pages are now in this language."))
    return redirect("account")


@signed_in_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if confirmed_totp_device(user) is not None:
        # django-otp's middleware gives the user is_verified().
        if user.is_verified():  # type: ignore[attr-defined]
            return redirect("account")
        # Set up elsewhere after this session began: this session must show a code too.
        logout(request)
        messages.info(request, _("Two-factor sign-in is on for your login: sign in again with a code."))
        return redirect("login")
    # The new key waits in the session until a code shows the app has it: nothing is stored
    # for a set-up that is never finished.
    key = request.session.setdefault(SETUP_KEY, random_hex(20))
    form = SetupCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = account_service.two_factor_enable(
                user=user, key=key, code=form.cleaned_data["code"], keep_session=request.session.session_key
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            del request.session[SETUP_KEY]
            otp_login(request, confirmed_totp_device(user))
            request.session[CODES_KEY] = codes
            return redirect("recovery_codes")
    device = TOTPDevice(user=user, key=key)
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(
            scale=5, border=4, light="#fff", omitsize=True
        ),
        "key_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "app_link": device.config_url,  # otpauth://: opens the phone's authenticator app
        "must_use_two_factor": user.must_use_two_factor,
    }
    return render(request, "journal/account/two_factor_setup.html", context)


@signed_in_required
@never_cache
@require_http_methods(["GET"])
def recovery_codes(request: AuthenticatedRequest) -> HttpResponse:
    """The new recovery codes, shown once: they are taken out of the session as they are shown."""
    codes = request.session.pop(CODES_KEY, None)
    if not codes:
        return redirect("account")
    return render(request, "journal/account/recovery_codes.html", {"codes": codes})


def _password_confirmed(request: AuthenticatedRequest) -> bool:
    """Whether the posted password is the user's; a wrong one counts as a failed sign-in."""
    username = request.user.username
    refused = _refusal_for(request, username)
    if refused is not None:
        messages.error(request, refused.words(timezone.now()))
        return False
    form: Form = PasswordConfirmForm(request.POST, user=request.user)
    if form.is_valid():
        return True
    if form.has_error("password", "wrong_password"):
        _record_failure(request, username)
    messages.error(request, _("That was not your password: nothing was changed."))
    return False


@signed_in_required
@require_POST
def recovery_codes_new(request: AuthenticatedRequest) -> HttpResponse:
    if not _password_confirmed(request):
        return redirect("account")
    try:
        request.session[CODES_KEY] = account_service.recovery_codes_renew(user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("account")
    return redirect("recovery_codes")


@signed_in_required
@require_POST
def two_factor_off(request: AuthenticatedRequest) -> HttpResponse:
    if not _password_confirmed(request):
        return redirect("account")
    account_service.two_factor_disable(user=request.user, actor=request.user)
    messages.success(request, _("Two-factor sign-in is off: signing in needs your password only."))
    return redirect("account")


# --- sessions -----------------------------------------------------------------------------------


@signed_in_required
@require_http_methods(["GET"])
def sessions(request: AuthenticatedRequest) -> HttpResponse:
    rows = user_sessions(request.user, request.session.session_key, timezone.now())
    return render(request, "journal/account/sessions.html", {"sessions": rows})


@signed_in_required
@require_POST
def session_end(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    if account_service.sessions_end(user=request.user, references=[reference]):
        messages.success(request, _("That session has ended: the browser must sign in again."))
    return redirect("sessions")


@signed_in_required
@require_POST
def sessions_end_others(request: AuthenticatedRequest) -> HttpResponse:
    ended = account_service.sessions_end_others(user=request.user, keep_session=request.session.session_key)
    messages.success(
        request,
        ngettext(
            "Signed out everywhere else (%(count)d session).",
            "Signed out everywhere else (%(count)d sessions).",
            ended,
        )
        % {"count": ended},
    )
    return redirect("sessions")


class OwnPasswordChangeView(SuccessMessageMixin, PasswordChangeView):
    """The user's new password ends their other sessions (journal.models.User.save); this one
    goes on."""

    template_name = "journal/account/password_change.html"
    success_url = reverse_lazy("account")
    success_message = gettext_lazy("Your password is changed, and every other session has ended.")

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        refused = _refusal_for(request, request.user.get_username())
        if refused is not None:
            return _refused(request, refused)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form) -> HttpResponse:
        if form.has_error("old_password", "password_incorrect"):
            _record_failure(self.request, self.request.user.get_username())
        return super().form_invalid(form)


password_change = signed_in_required(OwnPasswordChangeView.as_view())
