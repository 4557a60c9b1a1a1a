"""The second factor's pages, in the admin's look under /admin/second-factor/.

`verify` asks for the code after the password; `set_up` shows a new app's QR code and key and
takes its first code; `recovery_codes` shows the ten recovery codes once; `manage` (linked from
the admin's user tools) says where the account stands and makes new recovery codes. Each is
wrapped in `admin.site.admin_view`: staff only, never cached, CSRF-checked.
"""

import math
import re
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from django_otp import verify_token

from core import login_audit
from core.redirects import local_path

from . import devices, lockout, policy
from .forms import AppCodeForm, RecoveryCodeForm

SECRET_SESSION_KEY = "second_factor_new_secret"  # the app being set up, until its first code
CODES_SESSION_KEY = "second_factor_new_codes"  # new recovery codes, until they are put away
NEXT_SESSION_KEY = "second_factor_next"
FEW_CODES_LEFT = 3

LOCKED_OUT = object()  # what a wrong code that locked the account out returns

APP = "authenticator app"  # how the log names each method (core.login_audit)
RECOVERY = "recovery code"


def _next(request: HttpRequest) -> str:
    value = request.POST.get("next") or request.GET.get("next") or ""
    return local_path(request, value, reverse("admin:index"))


def _with_next(name: str, next_url: str) -> str:
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url != reverse("admin:index") else url


def _render(request, template: str, title: str, **context) -> HttpResponse:
    return render(
        request,
        template,
        {
            **admin.site.each_context(request),
            "title": title,
            "issuer": devices.issuer(),
            **context,
        },
    )


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the app, or a recovery code."""
    user = request.user
    next_url = _next(request)
    if user.is_verified():
        return redirect(next_url)
    authenticator = policy.authenticator(user)
    if authenticator is None:
        return redirect(_with_next("second_factor:set-up", next_url))
    if lockout.is_locked_out(request, user):
        lockout.lock_out(request, user)
        return HttpResponse(status=429)  # AxesMiddleware answers with its lockout page

    app_form, recovery_form = AppCodeForm(), RecoveryCodeForm()
    if request.method == "POST":
        if "recovery_code" in request.POST:
            recovery_form = RecoveryCodeForm(request.POST)
            form, field, method = recovery_form, "recovery_code", RECOVERY
            device = devices.recovery_device(user)
        else:
            app_form = AppCodeForm(request.POST)
            form, field, method, device = app_form, "code", APP, authenticator
        if form.is_valid():
            verified = _attempt(request, user, device, form, field, method)
            if verified is LOCKED_OUT:
                return HttpResponse(status=429)  # AxesMiddleware answers with its lockout page
            if verified is not None:
                _signed_in(request, user, verified, method)
                return redirect(next_url)
    if not recovery_form.is_bound:
        app_form.fields["code"].widget.attrs["autofocus"] = True
    return _render(
        request,
        "admin/second_factor/verify.html",
        _("Two-step sign-in"),
        app_form=app_form,
        recovery_form=recovery_form,
        next=next_url,
        username=user.get_username(),
    )


def _attempt(request, user, device, form, field: str, method: str):
    """The device that accepted the code; None (with the form's error) or LOCKED_OUT if not."""
    allowed, throttled = device.verify_is_allowed() if device is not None else (True, None)
    if allowed and device is not None:
        verified = verify_token(user, device.persistent_id, form.cleaned_data[field])
        if verified is not None:
            return verified
    # A wrong code, or any code while the device makes the account wait: a failed sign-in.
    if lockout.record_failure(request, user, method):
        return LOCKED_OUT
    if not allowed:
        seconds = max(1, math.ceil((throttled["locked_until"] - timezone.now()).total_seconds()))
        error = ngettext(
            "Too many wrong codes in a row: wait %(seconds)d second, then try the newest code.",
            "Too many wrong codes in a row: wait %(seconds)d seconds, then try the newest code.",
            seconds,
        ) % {"seconds": seconds}
    elif method == APP:
        error = _(
            "That code is not right. Enter the newest code your app shows for this site; "
            "if it is still refused, check that your phone's clock is set automatically."
        )
    else:
        error = _("That recovery code is not right, or it has been used already.")
    form.add_error(field, error)
    return None


def _signed_in(request, user, device, method: str) -> None:
    request.session.cycle_key()  # a new session key for the session that now has both factors
    otp_login(request, device)
    lockout.clear_failures(request, user)
    codes_left = devices.recovery_codes_left(user) if method == RECOVERY else None
    login_audit.second_factor_given(request, user, method, codes_left)
    if codes_left is not None and codes_left <= FEW_CODES_LEFT:
        messages.warning(
            request,
            ngettext(
                "You have %(count)d recovery code left. Make new ones under “Two-step sign-in”.",
                "You have %(count)d recovery codes left. Make new ones under “Two-step sign-in”.",
                codes_left,
            )
            % {"count": codes_left},
        )


@require_http_methods(["GET", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    """A new authenticator app: its QR code and key, confirmed by its first code."""
    user = request.user
    next_url = _next(request)
    if policy.authenticator(user) is not None:
        # Set up already: a second app is not added here (it would let a password alone
        # replace the phone). A lost phone is reset by a superuser.
        if user.is_verified():
            return redirect("second_factor:manage")
        return redirect(_with_next("second_factor:verify", next_url))

    secret = request.session.get(SECRET_SESSION_KEY)
    if not _is_secret(secret):
        secret = request.session[SECRET_SESSION_KEY] = devices.new_secret()
    form = AppCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        device = devices.confirm_authenticator(user, secret, form.cleaned_data["code"])
        if device is not None:
            del request.session[SECRET_SESSION_KEY]
            codes = devices.new_recovery_codes(user)
            _signed_in(request, user, device, APP)
            login_audit.second_factor_set_up(request, user)
            request.session[CODES_SESSION_KEY] = codes
            request.session[NEXT_SESSION_KEY] = next_url
            return redirect("second_factor:recovery-codes")
        form.add_error(
            "code",
            _(
                "That code is not right. Check that you scanned the code on this page (or typed "
                "its key), then enter the newest code your app shows."
            ),
        )
    unsaved = devices.unsaved_authenticator(user, secret)
    return _render(
        request,
        "admin/second_factor/set_up.html",
        _("Set up two-step sign-in"),
        form=form,
        next=next_url,
        qr_code=devices.qr_code_svg(unsaved),
        secret=devices.secret_for_typing(secret),
        required=policy.is_required(user),
        username=user.get_username(),
        verified=user.is_verified(),
    )


def _is_secret(value) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[0-9a-f]{40}", value) is not None


@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown until the person says they have kept them."""
    codes = request.session.get(CODES_SESSION_KEY)
    if not codes:
        return redirect("second_factor:manage")
    if request.method == "POST":
        del request.session[CODES_SESSION_KEY]
        next_url = request.session.pop(NEXT_SESSION_KEY, "") or reverse("admin:index")
        return redirect(local_path(request, next_url, reverse("admin:index")))
    return _render(
        request,
        "admin/second_factor/recovery_codes.html",
        _("Your recovery codes"),
        codes=[devices.for_display(code) for code in codes],
    )


@require_GET
def recovery_codes_file(request: HttpRequest) -> HttpResponse:
    """The same codes as a text file to keep."""
    codes = request.session.get(CODES_SESSION_KEY)
    if not codes:
        raise Http404
    text = render(
        request,
        "admin/second_factor/recovery_codes.txt",
        {
            "codes": [devices.for_display(code) for code in codes],
            "issuer": devices.issuer(),
            "username": request.user.get_username(),
            "made": timezone.localtime(),
        },
        content_type="text/plain; charset=utf-8",
    )
    text["Content-Disposition"] = 'attachment; filename="recovery-codes.txt"'
    return text


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    """Where the account stands; new recovery codes."""
    user = request.user
    authenticator = policy.authenticator(user)
    if request.method == "POST":
        if authenticator is None:
            return redirect("second_factor:set-up")
        request.session[CODES_SESSION_KEY] = devices.new_recovery_codes(user)
        request.session[NEXT_SESSION_KEY] = reverse("second_factor:manage")
        login_audit.recovery_codes_replaced(request, user)
        return redirect("second_factor:recovery-codes")
    return _render(
        request,
        "admin/second_factor/manage.html",
        _("Two-step sign-in"),
        authenticator=authenticator,
        codes_left=devices.recovery_codes_left(user) if authenticator else 0,
        required=policy.is_required(user),
    )
