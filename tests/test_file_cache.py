"""Production's default cache, on disk: a write costs the same however many files it holds."""

import os
import threading

import pytest

from core.cache import FileCache


def make_cache(tmp_path, **options) -> FileCache:
    return FileCache(str(tmp_path / "cache"), {"OPTIONS": {"MAX_ENTRIES": 20_000, **options}})


@pytest.fixture
def listings(monkeypatch):
    """The folders listed (os.listdir, os.scandir, glob) while the test runs."""
    listed = []
    for module, name in ((os, "listdir"), (os, "scandir")):
        original = getattr(module, name)

        def counting(path=".", _original=original):
            listed.append(os.fspath(path))
            return _original(path)

        monkeypatch.setattr(module, name, counting)
    import glob

    monkeypatch.setattr(glob, "glob", lambda *a, **k: listed.append("glob") or [])
    return listed


def test_a_write_never_lists_the_whole_cache(tmp_path, listings):
    """Before: Django's file cache listed its whole folder on every write (61 ms at 20,000)."""
    cache = make_cache(tmp_path, CULL_EVERY=16)
    for n in range(320):
        cache.set(f"page-{n}", "x" * 100, 60)
    root = str(tmp_path / "cache")
    # One folder in 256 is looked at every 16th write; the cache's own folder never is.
    assert len(listings) == 320 // 16
    assert "glob" not in listings and root not in listings
    assert all(os.path.dirname(path) == root for path in listings)
    assert all(cache.get(f"page-{n}") == "x" * 100 for n in range(320))


def test_the_cache_stays_within_its_entries_and_keeps_the_newest(tmp_path):
    cache = make_cache(tmp_path, MAX_ENTRIES=512, CULL_EVERY=1)
    for n in range(3_000):
        cache.set(f"page-{n}", n, 600)
    assert len(cache._list_cache_files()) <= 512
    # What goes first is what was written longest ago.
    assert sum(cache.get(f"page-{n}") == n for n in range(2_950, 3_000)) == 50
    assert sum(cache.get(f"page-{n}") is not None for n in range(500)) < 100


def test_add_stores_only_once_across_racing_writers(tmp_path):
    cache = make_cache(tmp_path)
    assert cache.add("lock", 1, 5) is True
    assert cache.add("lock", 2, 5) is False and cache.get("lock") == 1
    cache.set("expired", 1, -1)
    assert cache.add("expired", 2, 5) is True and cache.get("expired") == 2
    won, start = [], threading.Barrier(8)

    def race():
        other = make_cache(tmp_path)  # another process's view of the same folder
        start.wait()
        won.append(other.add("contended", threading.get_ident(), 5))

    threads = [threading.Thread(target=race) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert won.count(True) == 1
    assert not [name for _, _, names in os.walk(tmp_path) for name in names if name[0] == "."]


def test_clear_removes_every_file_and_an_older_layouts(tmp_path):
    cache = make_cache(tmp_path)
    for n in range(50):
        cache.set(f"key-{n}", n)
    (tmp_path / "cache" / "0123abcd.djcache").write_bytes(b"")  # Django's flat layout
    cache.clear()
    assert not [name for _, _, names in os.walk(tmp_path) for name in names]
    cache.set("again", 1)
    assert cache.get("again") == 1
