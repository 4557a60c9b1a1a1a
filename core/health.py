"""Probes for load balancers and orchestrators.

`/healthz` (liveness): the process answers; no database, a few bytes, the benchmark's baseline.
`/readyz` (readiness): whether this server can serve pages now. It asks the database and the
cache and reports each; it answers 503 only when the database cannot be read. A cache that is
down costs speed, not availability (core.cache), and every server shares it, so taking them
all out of the pool over it would turn a slower site into no site.
"""

import logging
import secrets

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from .middleware import language_neutral

logger = logging.getLogger(__name__)

READY_KEY = "health:ready"


@require_safe
@language_neutral
def healthz(request: HttpRequest) -> HttpResponse:
    """“ok” when the process answers; never stored, so every probe reaches the app."""
    response = HttpResponse(b"ok", content_type="text/plain; charset=utf-8")
    patch_cache_control(response, no_store=True)
    return response


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Readiness: the database cannot be read")
        return "unavailable"
    return "ok"


def _cache() -> str:
    """A value written and read back: what the page cache needs of it."""
    probe = secrets.token_hex(8)
    try:
        cache.set(READY_KEY, probe, 10)
        found = cache.get(READY_KEY)
    except Exception:  # any backend's failure: the cache is optional
        logger.exception("Readiness: the cache failed")
        return "unavailable"
    return "ok" if found == probe else "unavailable"


@require_safe
@language_neutral
def readyz(request: HttpRequest) -> HttpResponse:
    """{"status": "ready" | "degraded" | "unavailable", "database": …, "cache": …}."""
    checks = {"database": _database(), "cache": _cache()}
    if checks["database"] != "ok":
        status = "unavailable"
    elif checks["cache"] != "ok":
        status = "degraded"
    else:
        status = "ready"
    response = JsonResponse(
        {"status": status, **checks}, status=503 if status == "unavailable" else 200
    )
    patch_cache_control(response, no_store=True)
    return response
