"""Counting a client's requests in Django's cache, shared by every server, so floods get a 429."""

import hashlib
import logging
import time

from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def client_key(request: HttpRequest) -> str:
    """The client as the server sees it (kept only as a hash in the cache, for the window)."""
    return request.META.get("REMOTE_ADDR", "")


def allow(scope: str, key: str, limit: int, seconds: int) -> bool:
    """Whether one more request of `key` in `scope` stays within `limit` per `seconds` (a fixed
    window). When the cache cannot count, the request is allowed: a cache is an optimisation,
    and losing it must not lock out real visitors."""
    window = int(time.time() // seconds)
    digest = hashlib.sha256(f"{scope}\x00{key}".encode()).hexdigest()[:32]
    name = f"throttle:{scope}:{digest}:{window}"
    try:
        if cache.add(name, 1, timeout=seconds + 1):
            return limit >= 1
        return cache.incr(name) <= limit
    except ValueError:  # the window's counter expired between add and incr
        return True
    except Exception:  # the cache server is down or refused: count nothing, serve
        logger.warning("Could not count requests for %s; not throttling", scope, exc_info=True)
        return True
