"""Counts kept in Django's shared cache and moved to the database in batches by a periodic task,
so that counting costs a request no database write and a database that cannot be written to
costs no request.

Redis and the in-process cache add atomically. Django's file cache does not (it reads, then
writes a new file), so here each counter is changed under an exclusive lock on a file beside
it: every process on the machine counts exactly. A flush adds what it read to the database,
then takes exactly that off the counter, never resetting it, so counts that arrive meanwhile
stay for the next flush.

A busy page counts with `add_soon`: the count goes to a tally in the process's memory, and a
thread of the process adds the tally to the cache about once a second (and when the process
exits), so a request costs no cache write. A process killed outright loses its last second.
"""

import atexit
import contextlib
import fcntl
import hashlib
import logging
import os
import secrets
import threading
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator
from itertools import islice

from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache

logger = logging.getLogger(__name__)

# A flush that has not finished by then is taken for dead, and another may start.
FLUSH_LOCK_SECONDS = 300
BATCH = 500
# How often each process adds its tally of `add_soon` counts to the cache.
TALLY_SECONDS = 1.0


def _cache_key(name: str, key: Hashable) -> str:
    return f"counter:{name}:{key}"


@contextlib.contextmanager
def _exclusive(cache, cache_key: str) -> Iterator[None]:
    """Serialise changes to one counter of a file cache across processes; elsewhere a no-op."""
    if not isinstance(cache, FileBasedCache):
        yield
        return
    digest = hashlib.sha256(cache_key.encode()).hexdigest()[:32]
    os.makedirs(cache._dir, exist_ok=True)
    descriptor = os.open(os.path.join(cache._dir, f"counter-{digest}.lock"), os.O_CREAT | os.O_RDWR)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _change(cache, cache_key: str, amount: int) -> None:
    with _exclusive(cache, cache_key):
        if isinstance(cache, FileBasedCache):
            # Its incr() would also give the counter the default timeout: it must not expire.
            cache.set(cache_key, (cache.get(cache_key) or 0) + amount, timeout=None)
            return
        try:
            cache.incr(cache_key, amount)
        except ValueError:  # nothing counted since the last flush
            if not cache.add(cache_key, amount, timeout=None):
                cache.incr(cache_key, amount)  # another process added it first


def add(name: str, key: Hashable, amount: int = 1) -> bool:
    """Count `amount` more for `key`. When the cache cannot count, the count is lost and logged,
    and False is returned: the request it counts goes on."""
    cache = caches["default"]
    try:
        _change(cache, _cache_key(name, key), amount)
    except Exception:
        logger.warning("Could not count %s %s in the cache", name, key, exc_info=True)
        return False
    return True


class _Tally:
    """This process's counts not yet in the cache, and the thread that moves them there."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, Hashable]] = Counter()
        self.lock = threading.Lock()
        # Held for a whole move: a reader that moves the tally first (pending) waits for the
        # thread's move under way, instead of finding the counts neither here nor in the cache.
        self.moving = threading.Lock()
        self.wake = threading.Event()
        self.pid = 0  # the process whose thread runs: a forked worker starts its own

    def add(self, name: str, key: Hashable, amount: int) -> None:
        with self.lock:
            self.counts[name, key] += amount
            if self.pid != os.getpid():
                self.pid = os.getpid()
                self.counts = Counter({(name, key): amount})  # a parent's tally is the parent's
                threading.Thread(target=self._run, name="counter-tally", daemon=True).start()

    def _run(self) -> None:
        while True:
            self.wake.wait(TALLY_SECONDS)
            self.wake.clear()
            self.move()

    def move(self) -> None:
        """Add the tally to the cache now; what the cache refuses is lost and logged."""
        with self.moving:
            with self.lock:
                counts, self.counts = self.counts, Counter()
            for (name, key), amount in counts.items():
                add(name, key, amount)


_tally = _Tally()
atexit.register(_tally.move)


def add_soon(name: str, key: Hashable, amount: int = 1) -> None:
    """Count `amount` more for `key` within about a second, without waiting for the cache."""
    _tally.add(name, key, amount)


def forget_tally() -> None:
    """Drop this process's counts not yet in the cache (tests start each with none)."""
    with _tally.lock:
        _tally.counts.clear()


def pending(name: str, keys: Iterable[Hashable]) -> dict[Hashable, int]:
    """What is counted for each of `keys` and not yet flushed (keys without any are left out)."""
    _tally.move()
    by_cache_key = {_cache_key(name, key): key for key in keys}
    if not by_cache_key:
        return {}
    try:
        found = caches["default"].get_many(list(by_cache_key))
    except Exception:
        logger.warning("Could not read the %s counts from the cache", name, exc_info=True)
        return {}
    return {by_cache_key[k]: value for k, value in found.items() if value}


def flush(name: str, keys: Iterable[Hashable], write: Callable[[dict[Hashable, int]], None]) -> int:
    """Move the pending counts of `keys` to the database: `write(counts)` adds them there (in
    one transaction), then each is taken off its counter. Returns how many were moved.

    If `write` fails, nothing is taken off, and the next flush moves the counts. A process that
    dies after `write` and before the counters are lowered moves that batch twice. One flush
    runs at a time (a lock in the cache), so two workers never move the same counts."""
    cache = caches["default"]
    lock = f"counter:{name}:flushing"
    try:
        if not cache.add(lock, secrets.token_hex(8), timeout=FLUSH_LOCK_SECONDS):
            logger.info("Another flush of the %s counts is under way", name)
            return 0
    except Exception:  # the counts are in the cache: while it is away, there is nothing to move
        logger.warning("Could not reach the cache to move the %s counts", name, exc_info=True)
        return 0
    moved = 0
    try:
        keys = iter(keys)
        while batch := list(islice(keys, BATCH)):
            counts = pending(name, batch)
            if not counts:
                continue
            write(counts)
            for key, amount in counts.items():
                _change(cache, _cache_key(name, key), -amount)
            moved += sum(counts.values())
    finally:
        cache.delete(lock)
    return moved
