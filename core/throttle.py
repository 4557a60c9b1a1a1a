"""Counting a client's requests in Django's cache, shared by every server, so floods get a 429."""

import hashlib
import logging
import threading
import time
from collections import OrderedDict

from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def client_key(request: HttpRequest) -> str:
    """The client as the server sees it (kept only as a hash in the cache, for the window)."""
    return request.META.get("REMOTE_ADDR", "")


# Each process counts a client's requests in its memory between visits to the shared cache, at
# most this long: a busy client costs a cache write a second per process, not one a request.
# The shared count is exact whenever a client nears its limit (each refusal is decided by the
# cache); other processes may each have let through up to this long of requests unseen.
SYNC_SECONDS = 1.0
_REMEMBERED_CLIENTS = 10_000


class _Seen:
    __slots__ = ("shared", "synced_at", "unsent")

    def __init__(self) -> None:
        self.shared, self.unsent, self.synced_at = 0, 0, float("-inf")


_seen: OrderedDict[str, _Seen] = OrderedDict()
_lock = threading.Lock()


def forget() -> None:
    """Drop this process's counts (tests start each with none)."""
    with _lock:
        _seen.clear()


def allow(scope: str, key: str, limit: int, seconds: int) -> bool:
    """Whether one more request of `key` in `scope` stays within `limit` per `seconds` (a fixed
    window). When the cache cannot count, the request is allowed: a cache is an optimisation,
    and losing it must not lock out real visitors."""
    window = int(time.time() // seconds)
    digest = hashlib.sha256(f"{scope}\x00{key}".encode()).hexdigest()[:32]
    name = f"throttle:{scope}:{digest}:{window}"
    now = time.monotonic()
    with _lock:
        seen = _seen.get(name)
        if seen is None:
            seen = _seen[name] = _Seen()
            while len(_seen) > _REMEMBERED_CLIENTS:
                _seen.popitem(last=False)
        _seen.move_to_end(name)
        if now - seen.synced_at < SYNC_SECONDS and seen.shared + seen.unsent + 1 <= limit:
            seen.unsent += 1
            return True
        amount, seen.unsent, seen.synced_at = seen.unsent + 1, 0, now
    try:
        if cache.add(name, amount, timeout=seconds + 1):
            total = amount
        else:
            total = cache.incr(name, amount)
    except ValueError:  # the window's counter expired between add and incr
        return True
    except Exception:  # the cache server is down or refused: count nothing, serve
        logger.warning("Could not count requests for %s; not throttling", scope, exc_info=True)
        return True
    with _lock:
        seen.shared = total
    return total <= limit
