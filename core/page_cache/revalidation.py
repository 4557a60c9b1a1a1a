"""One process makes a page or value anew after a change; the others serve the previous copy.

Each publish ends the generation every stored page and remembered value is keyed by, so right
after one every request misses. Without a turn, each would render the same page at once (a
stampede). Instead, stored entries are kept under a key without the generation, holding the
token they were made for: the first request to miss takes a short turn in the shared cache
(`cache.add`, so it holds across processes, with the file cache and Redis alike) and makes the
entry anew; meanwhile anonymous page requests are served the previous generation's copy, for at
most NEWSROOM_PAGE_CACHE_STALE_SECONDS after the generation began, and requests that may not be
served it (signed-in staff, or too late) wait for the new one, briefly (TURN_SECONDS at most).
"""

import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache

# How long one process's turn lasts: it makes a page or value in far less. If it has not
# finished by then (it failed, or its process died), another may take the turn.
TURN_SECONDS = 5
POLL_SECONDS = 0.05

# Set by the page cache middleware for an anonymous page request: the names of the previous
# copies it was served (a list), or None when it may not be served any (staff, the worker).
_previous: ContextVar[list[str] | None] = ContextVar("page_cache_previous", default=None)


def allow_previous() -> object:
    """This request may be served previous copies; pass the result to `disallow`."""
    return _previous.set([])


def disallow(reset: object) -> None:
    _previous.reset(reset)


def previous_served() -> list[str]:
    """What this request was served of a previous generation (empty: all of it is current)."""
    return _previous.get() or []


def may_serve_previous(began: int) -> bool:
    """Whether this request may be served a previous copy of something the current generation,
    begun at `began` (a timestamp), has not made yet."""
    return _previous.get() is not None and recent(began)


def recent(began: int) -> bool:
    """Whether a generation begun at `began` (a timestamp) is new enough that a previous copy
    may stand in for what it has not made yet."""
    return time.time() - began < settings.NEWSROOM_PAGE_CACHE_STALE_SECONDS


def served_previous(name: str) -> None:
    if (served := _previous.get()) is not None:
        served.append(name)


def _turn_key(key: str, token: str) -> str:
    return f"page-cache:turn:{token}:{key}"


def take_turn(key: str, token: str) -> bool:
    """Whether this process is the one to make `key` for generation `token` now: it took the
    turn, or nobody holds it (the cache server is away: each process makes its own)."""
    turn = _turn_key(key, token)
    return cache.add(turn, 1, timeout=TURN_SECONDS) or not cache.has_key(turn)


def end_turn(key: str, token: str) -> None:
    cache.delete(_turn_key(key, token))


def wait_for(key: str, token: str):
    """The entry another process is making for `token`, once it has stored it; None when it
    stores none (a page that is not public, a value not worth keeping) or takes too long."""
    deadline = time.monotonic() + TURN_SECONDS
    turn = _turn_key(key, token)
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        entry = cache.get(key)
        if entry is not None and entry[0] == token:
            return entry
        if not cache.has_key(turn):
            entry = cache.get(key)  # stored just before the turn ended?
            return entry if entry is not None and entry[0] == token else None
    return None
