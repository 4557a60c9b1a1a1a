"""Editors' sign-ins and failures, logged without secrets.

Each record names the account and the client's network (the address truncated as consent
records are, to /24 or /48, by core.privacy); never the password, nor the credentials Django
passes with a failure. Axes logs lockouts itself, under the logger "axes". The second factor
(core.second_factor) logs here too: codes given, wrong codes, set-ups and resets, never a code,
a recovery code or a secret key.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from .privacy import truncated_ip

logger = logging.getLogger("newsroom.accounts")

USERNAME_MAX_LENGTH = 150  # as long as Django's username field; longer attempts are cut


def _network(request) -> str:
    if request is None:
        return ""
    return truncated_ip(request.META.get("REMOTE_ADDR", ""))


def _logged_in(sender, request, user, **kwargs) -> None:
    logger.info(
        "Sign-in: %s from %s", user.get_username(), _network(request) or "an unknown address"
    )


def _logged_out(sender, request, user, **kwargs) -> None:
    username = user.get_username() if user is not None else "(no user)"
    logger.info("Sign-out: %s from %s", username, _network(request) or "an unknown address")


def _login_failed(sender, credentials, request=None, second_factor=None, **kwargs) -> None:
    # Only the attempted username is read from the credentials; nothing else of them is kept.
    attempted = str(credentials.get(get_user_model().USERNAME_FIELD) or "")
    attempted = attempted[:USERNAME_MAX_LENGTH]
    if second_factor:  # a wrong code after the right password (core.second_factor)
        logger.warning(
            "Failed second factor: %r (%s) from %s",
            attempted,
            second_factor,
            _network(request) or "an unknown address",
        )
        return
    logger.warning(
        "Failed sign-in: %r from %s",
        attempted,
        _network(request) or "an unknown address",
    )


def second_factor_given(request, user, method: str, codes_left: int | None = None) -> None:
    """The right code: `method` is "authenticator app" or "recovery code"."""
    left = "" if codes_left is None else f", {codes_left} recovery codes left"
    logger.info(
        "Second factor: %s (%s%s) from %s",
        user.get_username(),
        method,
        left,
        _network(request) or "an unknown address",
    )


def second_factor_set_up(request, user) -> None:
    logger.info(
        "Second factor set up: %s from %s",
        user.get_username(),
        _network(request) or "an unknown address",
    )


def recovery_codes_replaced(request, user) -> None:
    logger.info(
        "Recovery codes replaced: %s from %s",
        user.get_username(),
        _network(request) or "an unknown address",
    )


def second_factor_reset(user, by: str, devices: int) -> None:
    logger.warning(
        "Second factor reset: %s by %s (%d devices removed)", user.get_username(), by, devices
    )


def axes_username(request, credentials: dict | None = None) -> str | None:
    """The attempted username as axes stores it (AXES_USERNAME_CALLABLE): cut like the log's."""
    # The login form does not limit the username's length; PostgreSQL, unlike SQLite, refuses
    # a value longer than axes' 255-character column, which answered an overlong attempt with
    # a 500 and recorded no failure.
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    source = credentials or getattr(request, "POST", None) or {}
    attempted = source.get(field)
    return None if attempted is None else str(attempted)[:USERNAME_MAX_LENGTH]


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="newsroom.accounts.logged_in")
    user_logged_out.connect(_logged_out, dispatch_uid="newsroom.accounts.logged_out")
    user_login_failed.connect(_login_failed, dispatch_uid="newsroom.accounts.login_failed")
