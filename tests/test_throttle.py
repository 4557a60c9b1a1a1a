"""The flood limit counts in each process's memory between visits to the shared cache."""

from core import throttle


class _CountingCache:
    def __init__(self, cache):
        self.cache, self.writes = cache, 0

    def add(self, *args, **kwargs):
        self.writes += 1
        return self.cache.add(*args, **kwargs)

    def incr(self, *args, **kwargs):
        self.writes += 1
        return self.cache.incr(*args, **kwargs)


def test_a_busy_client_costs_one_cache_write_until_it_nears_its_limit(monkeypatch):
    counting = _CountingCache(throttle.cache)
    monkeypatch.setattr(throttle, "cache", counting)

    assert all(throttle.allow("test", "client", 10, 60) for _ in range(10))
    assert counting.writes == 1  # the first request; the next nine counted in memory

    assert not throttle.allow("test", "client", 10, 60)  # the eleventh: the cache decides
    assert counting.writes == 3  # its add found the counter, then its incr
    assert throttle.cache.cache.get(next(iter(throttle._seen))) == 11  # nothing lost


def test_another_process_sees_the_counts_once_they_are_sent(monkeypatch):
    assert all(throttle.allow("test", "client", 5, 60) for _ in range(3))
    monkeypatch.setattr(throttle, "SYNC_SECONDS", 0)  # each request now goes to the cache
    throttle.forget()  # as a process that has seen none of them
    assert throttle.allow("test", "client", 5, 60)  # 1 sent earlier + 1: the other 2 unsent
    assert throttle.allow("test", "client", 5, 60)
    assert throttle.allow("test", "client", 5, 60)
    assert throttle.allow("test", "client", 5, 60)
    assert not throttle.allow("test", "client", 5, 60)
