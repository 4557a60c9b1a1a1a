"""Site-wide middleware: Django's LocaleMiddleware minus its language headers on responses that
have no language, Django's SessionMiddleware minus the sessions it would make of made-up keys,
and a 503 for writes a read-only database refuses."""

import logging
from functools import wraps

from django.conf import settings
from django.contrib.sessions import middleware as sessions
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.middleware import locale
from django.shortcuts import render
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)


class LocaleMiddleware(locale.LocaleMiddleware):
    """Files and images are the same in every language: no `Vary: Accept-Language` on them, so
    shared caches keep one copy."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if getattr(response, "language_neutral", False):
            return response
        return super().process_response(request, response)


def language_neutral(view):
    """Mark a view's responses as the same in every language (files, images)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.language_neutral = True
        return response

    return wrapper


# How the database says it refuses writes: SQLite's SQLITE_READONLY, PostgreSQL's SQLSTATE 25006
# (a read-only transaction: a standby, or default_transaction_read_only during maintenance).
READ_ONLY_MESSAGES = ("attempt to write a readonly database", "read-only transaction")
READ_ONLY_SQLSTATE = "25006"


def _read_only(error: BaseException) -> bool:
    if not isinstance(error, DatabaseError):
        return False
    cause = error.__cause__ or error
    if getattr(cause, "sqlstate", None) == READ_ONLY_SQLSTATE:
        return True
    return any(message in str(error).lower() for message in READ_ONLY_MESSAGES)


class ReadOnlyDatabaseMiddleware:
    """A write the database refuses because it is read-only is a 503 with a plain page that
    asks to try again later, not a 500: nothing is wrong with the request, and nothing that was
    saved is lost. Pages that only read keep being served (core.sqlite for SQLite)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _read_only(exception):
            return None
        logger.error("A write was refused: the database is read-only (%s)", request.path)
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "300"
        patch_cache_control(response, no_store=True)
        return response


class SessionMiddleware(sessions.SessionMiddleware):
    """Django's, saving only sessions that exist. Sessions are saved at every request (the
    desk's idle timeout, SESSION_SAVE_EVERY_REQUEST), and Django's middleware would save a
    cookie's unknown or expired key as a new, empty session: a row written and a cookie set
    for every request that carries a made-up one. Such a cookie is deleted instead."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            session is not None
            and settings.SESSION_COOKIE_NAME in request.COOKIES
            and not session.modified
        ):
            session.keys()  # loads it: an unknown key becomes no key, so the cookie goes
        return super().process_response(request, response)
