"""Wrong codes count as failed sign-ins for django-axes, as wrong passwords do.

Each wrong code (or an attempt made while the device still makes the account wait) is sent as
Django's `user_login_failed` for the account's username from the client's address, so that axes
counts it with the wrong passwords: at AXES_FAILURE_LIMIT the session is signed out and that
username is locked out from that address for AXES_COOLOFF_TIME, its password refused too. The
count is cleared when a sign-in is complete (AXES_RESET_ON_SUCCESS is off): at the right code,
or at the password for an account that owes no second factor.
"""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address
from axes.utils import reset
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_login_failed

from . import policy


def _credentials(user) -> dict:
    return {"username": user.get_username()}


def is_locked_out(request, user) -> bool:
    return AxesProxyHandler.is_locked(request, _credentials(user))


def record_failure(request, user, method: str) -> bool:
    """Counts a wrong code; True when that locked the account out (the session is then ended,
    and AxesMiddleware answers with the lockout page)."""
    user_login_failed.send(
        sender=__name__, credentials=_credentials(user), request=request, second_factor=method
    )
    if getattr(request, "axes_locked_out", False):
        logout(request)
        return True
    return False


def lock_out(request, user) -> None:
    """Ends the session of an account locked out meanwhile; AxesMiddleware answers 429."""
    request.axes_locked_out = True
    request.axes_credentials = _credentials(user)
    logout(request)


def clear_failures(request, user) -> None:
    """The sign-in is complete: this username's failures from this address are forgotten."""
    reset(ip=get_client_ip_address(request), username=user.get_username())


def _signed_in(sender, request, user, **kwargs) -> None:
    if request is not None and not (
        policy.is_required(user) or policy.authenticator(user) is not None
    ):
        clear_failures(request, user)


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="newsroom.second_factor.signed_in")
