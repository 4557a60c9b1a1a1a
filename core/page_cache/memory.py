"""What each process keeps of the current generation, and values remembered for one generation."""

import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from . import revalidation
from .generation import generation

_MISSING = object()


class ProcessMemory:
    """What this process already holds of one generation, in front of the shared cache: reading
    it costs no round trip to the file cache or Redis and no unpickling. It is only ever asked
    with the token the shared cache holds now, and empties itself when that token changes, so it
    never serves anything the shared cache would not. Bounded (least recently used goes first),
    so a worker's memory stays flat however many pages a crawler walks through."""

    def __init__(self, max_entries: int, max_bytes: int):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self.token = ""
        self.entries: OrderedDict[str, tuple[object, int]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def _follow(self, token: str) -> None:
        if token != self.token:
            self.token, self.size = token, 0
            self.entries.clear()

    def get(self, token: str, key: str, default=None):
        with self.lock:
            self._follow(token)
            found = self.entries.get(key)
            if found is None:
                return default
            self.entries.move_to_end(key)
            return found[0]

    def set(self, token: str, key: str, value, size: int = 0) -> None:
        if size > self.max_bytes:
            return
        with self.lock:
            self._follow(token)
            if (old := self.entries.pop(key, None)) is not None:
                self.size -= old[1]
            self.entries[key] = (value, size)
            self.size += size
            while len(self.entries) > self.max_entries or self.size > self.max_bytes:
                self.size -= self.entries.popitem(last=False)[1][1]


# Each process's copies, counted in bytes (a value as pickled, a page as sent).
remembered = ProcessMemory(max_entries=2_000, max_bytes=32 * 2**20)
pages = ProcessMemory(max_entries=2_000, max_bytes=64 * 2**20)


def remember[T](name: str, compute: Callable[[], T], keep: Callable[[T], bool] | None = None) -> T:
    """A value derived from the content (a list's years, its number of items), computed once per
    generation: the same invalidation as stored pages, whether the page cache is on or off.
    Each process keeps what it has read (see ProcessMemory), so the value is shared between
    requests: treat it as read-only. `keep` may refuse to remember a value (one worth little and
    costly to hold). While developing (DEBUG), nothing is remembered, so that an edited template
    shows at once.

    After a change, one process computes the value while the others wait for it, or, within an
    anonymous page request, are given the previous generation's value for a few seconds
    (see revalidation; such a page is then not stored)."""
    if settings.DEBUG:
        return compute()
    token, began = generation()
    value = remembered.get(token, name, _MISSING)
    if value is not _MISSING:
        return value
    key = "page-cache:memo:" + hashlib.sha256(name.encode()).hexdigest()
    entry = cache.get(key)
    if entry is None or entry[0] != token:
        previous = entry
        if revalidation.take_turn(key, token):
            try:
                return _compute(token, name, key, compute, keep)
            finally:
                revalidation.end_turn(key, token)
        if previous is not None and revalidation.may_serve_previous(began):
            revalidation.served_previous(name)
            return previous[1]
        if (entry := revalidation.wait_for(key, token)) is None:
            return _compute(token, name, key, compute, keep)
    remembered.set(token, name, entry[1], _size(entry[1]))
    return entry[1]


def _compute[T](token: str, name: str, key: str, compute: Callable[[], T], keep) -> T:
    value = compute()
    if keep is not None and not keep(value):
        return value
    # Kept past its generation, as the previous copy while the next one is computed.
    cache.set(key, (token, value), 2 * settings.NEWSROOM_PAGE_CACHE_SECONDS)
    remembered.set(token, name, value, _size(value))
    return value


def _size(value) -> int:
    """About what a remembered value holds, to keep each process's copy within its bytes."""
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, int | float | bool | None):
        return 0
    return len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
