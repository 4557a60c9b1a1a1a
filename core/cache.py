"""The shared cache's backends: Django's file cache whose writes cost the same however many files
it holds (`FileCache`, production's default), and Django's Redis cache that serves as an empty
cache while the server is gone or frozen (`ResilientRedisCache`).

Django's file cache lists its whole folder on every write, to decide whether to cull: 61 ms at
20,000 files. `FileCache` spreads its files over 256 folders (by the first two characters of the
name Django gives each file) and keeps them within MAX_ENTRIES one folder at a time: every
CULL_EVERY-th write of a process (an OPTION, 16 unless set) looks at the folder it just wrote to
and, past its share of MAX_ENTRIES, removes the oldest files. A write never lists the whole cache.

The cache is an optimisation: stored pages, remembered parts, throttling counts. When Redis
stops, every call would raise, and a frozen server would hold each call until the socket's
timeout. This backend answers as a cache that holds nothing instead (`get` misses, `set` and
`add` store nothing, `incr` raises `CacheUnavailable`, a `ValueError` as for a missing key), so
pages are rendered without it. After a failure it does not ask the server again for
`RETRY_SECONDS` (a circuit breaker, per process and shared by its threads), so a frozen server
costs one timeout per interval, not one per call; the first call after the interval tries
again, and service returns by itself. An outage is logged once when it starts (and at most once
per `LOG_SECONDS` while it lasts), and once when the server answers again.

    CACHES = {"default": {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": "redis://…",
              "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}}}

`newsroom.settings` does this for every `CACHE_URL=redis://…`.

What was written while the server was away (an invalidation of the stored pages) is lost, so
what it still holds may be out of date when it answers again: `on_recovery` hooks run in each
process that saw the outage, as soon as it sees the server back (the page cache ends its
generation there).
"""

import functools
import itertools
import logging
import math
import os
import tempfile
import threading
import time
from collections.abc import Callable

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
LOG_SECONDS = 60.0
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


_recovery_hooks: list[Callable[[], object]] = []


def on_recovery(hook: Callable[[], object]) -> None:
    """Run `hook` whenever a cache server this process could not reach answers again."""
    if hook not in _recovery_hooks:
        _recovery_hooks.append(hook)


class CacheUnavailable(ValueError):
    """`incr`/`decr` while the cache server is unreachable: nothing could be counted."""


class _Breaker:
    """Whether a cache server is worth asking, for every thread of this process."""

    def __init__(self, location: str):
        self.location = location
        self.lock = threading.Lock()
        self.closed_until = 0.0  # monotonic time before which the server is not asked
        self.down_since: float | None = None
        self.logged_at = float("-inf")

    def open(self) -> bool:
        return time.monotonic() < self.closed_until

    def failed(self, error: BaseException) -> None:
        now = time.monotonic()
        with self.lock:
            self.closed_until = now + RETRY_SECONDS
            if self.down_since is None:
                self.down_since = now
            if now - self.logged_at < LOG_SECONDS:
                return
            self.logged_at = now
        logger.error(
            "Cache server %s unreachable (%s: %s); serving without it, retrying every %g s",
            self.location,
            type(error).__name__,
            error,
            RETRY_SECONDS,
        )

    def succeeded(self) -> None:
        if self.down_since is None:
            return
        with self.lock:
            if self.down_since is None:
                return
            seconds, self.down_since = time.monotonic() - self.down_since, None
            self.logged_at = float("-inf")
        logger.warning("Cache server %s reachable again after %.1f s", self.location, seconds)
        for hook in _recovery_hooks:
            hook()


_breakers: dict[str, _Breaker] = {}
_breakers_lock = threading.Lock()


def _breaker(location: str) -> _Breaker:
    with _breakers_lock:
        return _breakers.setdefault(location, _Breaker(location))


def _guarded(default, *, raises: type[Exception] | None = None):
    """Run the call unless the server is known to be away; on an unreachable server, answer
    `default` (or raise `raises`) and keep away for RETRY_SECONDS."""

    def decorate(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            breaker = self._breaker
            if not breaker.open():
                try:
                    if breaker.down_since is not None:
                        # Back? Its recovery hooks run before the call, whose answer may be
                        # what they make out of date.
                        self._cache.get_client(write=True).ping()
                        breaker.succeeded()
                    result = method(self, *args, **kwargs)
                except UNREACHABLE as error:
                    breaker.failed(error)
                else:
                    breaker.succeeded()
                    return result
            if raises is not None:
                raise raises("The cache server is unreachable")
            return default(*args, **kwargs) if callable(default) else default

        return call

    return decorate


def _default_of_get(key, default=None, version=None):
    return default


class ResilientRedisCache(RedisCache):
    """RedisCache that serves as an empty cache while the server is unreachable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._breaker = _breaker(",".join(self._servers))

    def available(self) -> bool:
        """Whether the server answers now (asks it, unless it failed in the last interval)."""
        return self._ping()

    @_guarded(False)
    def _ping(self) -> bool:
        return bool(self._cache.get_client(write=False).ping())

    add = _guarded(False)(RedisCache.add)
    get = _guarded(_default_of_get)(RedisCache.get)
    set = _guarded(None)(RedisCache.set)
    touch = _guarded(False)(RedisCache.touch)
    delete = _guarded(False)(RedisCache.delete)
    get_many = _guarded(lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _guarded(False)(RedisCache.has_key)
    incr = _guarded(None, raises=CacheUnavailable)(RedisCache.incr)
    set_many = _guarded(lambda keys, *args, **kwargs: list(keys))(RedisCache.set_many)
    delete_many = _guarded(None)(RedisCache.delete_many)
    clear = _guarded(False)(RedisCache.clear)


class FileCache(FileBasedCache):
    """Django's file cache, in 256 folders, culled one folder at a time (see the module's text).

        CACHES = {"default": {"BACKEND": "core.cache.FileCache", "LOCATION": "/var/cache/…",
                  "OPTIONS": {"MAX_ENTRIES": 20_000, "CULL_EVERY": 16}}}

    `newsroom.settings` does this for every `CACHE_URL=filecache://…`. Files an older layout left
    at the top of the folder are read by nobody; `clear()` removes them too."""

    FOLDERS = 256

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._cull_every = max(1, int(params.get("OPTIONS", {}).get("CULL_EVERY", 16)))
        self._writes = itertools.count(1)

    def _key_to_file(self, key, version=None):
        path = super()._key_to_file(key, version)
        name = os.path.basename(path)
        return os.path.join(self._dir, name[:2], name)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        path = self._key_to_file(key, version)
        folder = os.path.dirname(path)
        try:
            descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".")
        except FileNotFoundError:  # its first file, or the cache was deleted meanwhile
            os.makedirs(folder, mode=0o700, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".")
        try:
            with open(descriptor, "wb") as file:
                self._write_content(file, timeout, value)
            os.replace(temporary, path)
        except BaseException:
            os.remove(temporary)
            raise
        if next(self._writes) % self._cull_every == 0:
            self._cull_folder(folder)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Stores only if the key holds nothing, atomically across processes (Django's reads,
        then writes: two processes could both add), so that it can serve as a lock."""
        path = self._key_to_file(key, version)
        if self.has_key(key, version):
            return False
        folder = os.path.dirname(path)
        os.makedirs(folder, mode=0o700, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".")
        try:
            with open(descriptor, "wb") as file:
                self._write_content(file, timeout, value)
            os.link(temporary, path)  # fails if another process has just added it
        except FileExistsError:
            return False
        finally:
            os.remove(temporary)
        return True

    def _cull(self):
        """Django's set() would call it; ours culls one folder (`_cull_folder`)."""

    def _cull_folder(self, folder: str) -> None:
        """Keep this folder within its share of MAX_ENTRIES: past it, remove the oldest files
        (those written longest ago), down to the share less 1/CULL_FREQUENCY of it."""
        share = math.ceil(self._max_entries / self.FOLDERS)
        try:
            names = [name for name in os.listdir(folder) if name.endswith(self.cache_suffix)]
        except FileNotFoundError:
            return
        if len(names) <= share:
            return
        if self._cull_frequency == 0:
            keep = 0
        else:
            keep = share - share // self._cull_frequency
        aged = []
        for name in names:
            path = os.path.join(folder, name)
            try:
                aged.append((os.stat(path).st_mtime, path))
            except FileNotFoundError:
                continue
        aged.sort()
        for _, path in aged[: max(0, len(aged) - keep)]:
            self._delete(path)

    def _list_cache_files(self):
        """Every file of the cache, in its folders and at the top (an older layout's)."""
        found = []
        for folder in ("", *(f"{n:02x}" for n in range(self.FOLDERS))):
            path = os.path.join(self._dir, folder)
            try:
                names = os.listdir(path)
            except FileNotFoundError:
                continue
            found.extend(os.path.join(path, n) for n in names if n.endswith(self.cache_suffix))
        return found
