"""The time of one write to the production file cache as the number of files in it grows.

    .venv/bin/python -m bench.file_cache [1000 100000 1000000]

Fills a folder under /tmp with tiny entries, then times set() of new keys with Django's
FileBasedCache (lists its whole folder on every write) and core.cache.FileCache (one folder in
256, every 16th write). MAX_ENTRIES is set above the count, so only the cost of deciding is
measured, not of removing. The folders are deleted afterwards.
"""

import os
import shutil
import statistics
import sys
import tempfile
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup()

from django.core.cache.backends.filebased import FileBasedCache  # noqa: E402

from core.cache import FileCache  # noqa: E402


def fill(cache: FileBasedCache, count: int) -> None:
    """`count` entries as the backend lays them out, written directly (quicker than set())."""
    body = open(os.devnull, "rb").read()  # empty: an expired entry, never read here
    made = set()
    for n in range(count):
        path = cache._key_to_file(f"filler-{n}")
        folder = os.path.dirname(path)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        with open(path, "wb") as file:
            file.write(body)


def time_writes(cache: FileBasedCache, writes: int) -> list[float]:
    times = []
    for n in range(writes):
        start = time.perf_counter()
        cache.set(f"timed-{n}", "x" * 200, 600)
        times.append(time.perf_counter() - start)
    return times


def main(counts: list[int]) -> None:
    header = ("files", "backend", "writes", "median ms", "mean ms", "max ms")
    print("{:>9} {:<14} {:>6} {:>10} {:>9} {:>8}".format(*header))
    for count in counts:
        for backend in (FileBasedCache, FileCache):
            root = tempfile.mkdtemp(prefix="newsroom-file-cache-")
            try:
                cache = backend(root, {"OPTIONS": {"MAX_ENTRIES": 2 * count + 10_000}})
                fill(cache, count)
                writes = 2_000 if backend is FileCache else max(5, min(200, 2_000_000 // count))
                times = time_writes(cache, writes)
                print(
                    f"{count:>9} {backend.__name__:<14} {writes:>6} "
                    f"{statistics.median(times) * 1000:>10.3f} "
                    f"{statistics.fmean(times) * 1000:>9.3f} {max(times) * 1000:>8.2f}",
                    flush=True,
                )
            finally:
                shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1_000, 100_000])
