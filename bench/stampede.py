"""The first requests after a change, and a made-up session cookie, against gunicorn.

    .venv/bin/python bench/stampede.py [--root DIR] [--workers 2] [--rounds 3]

Uses the database `make bench` built (bench/.work/bench-20000-1.sqlite3) with production
settings and the page cache on (the file cache in a new folder). Prints, as requests per second
and as a share of /healthz in the same run (wrk -c16 -d5s): a release page, and the same page
with a made-up `sessionid` cookie. Then, for each of a release, the release list and home, ends
the generation `--rounds` times (as a publish does) and sends 16 requests at once: how many
rendered the page (`X-Page-Cache: miss`), were given the previous copy (`stale`) or the new one
(`hit`). `--root` runs another checkout of the code (e.g. the commit before) on the same data.
"""

import argparse
import contextlib
import hashlib
import os
import re
import secrets
import signal
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

from run import PYTHON, ROOT, WORK, environment, free_port  # bench/run.py, beside this script

GENERATION_KEY = ":1:page-cache:generation"  # Django's key for page_cache.GENERATION_KEY


@contextlib.contextmanager
def serve(root: Path, database: Path, cache_dir: Path, workers: int):
    port = free_port()
    env = environment(
        database,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        NEWSROOM_PAGE_CACHE="true",
        DJANGO_CACHE_DIR=str(cache_dir),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS=str(workers),
        DJANGO_LOG_LEVEL="ERROR",
        PYTHONPATH=str(root),
    )
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", str(root / "gunicorn.conf.py")],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            with contextlib.suppress(OSError):
                if get(base + "/healthz")[0] == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def get(address: str, cookie: str = "") -> tuple[int, str, bytes]:
    headers = {"X-Forwarded-Proto": "https"}
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(address, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, response.headers.get("X-Page-Cache", "-"), response.read()


def wrk(address: str, cookie: str = "") -> float:
    command = ["wrk", "-t2", "-c16", "-d5s", "-H", "X-Forwarded-Proto: https"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*command, address], capture_output=True, text=True, check=True).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def end_generation(cache_dir: Path) -> None:
    """What a publish does to the shared cache, in either file layout (Django's or ours)."""
    name = hashlib.md5(GENERATION_KEY.encode(), usedforsecurity=False).hexdigest() + ".djcache"
    for path in (cache_dir / name, cache_dir / name[:2] / name):
        path.unlink(missing_ok=True)


def at_once(address: str, count: int = 16) -> tuple[Counter, float]:
    states, start = Counter(), threading.Barrier(count)
    began = time.monotonic()

    def one():
        start.wait()
        states[get(address)[1]] += 1

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return states, time.monotonic() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-wrk", action="store_true")
    args = parser.parse_args()
    database = WORK / "bench-20000-1.sqlite3"
    if not database.exists():
        raise SystemExit("run `make bench` once first: it builds bench/.work/")
    cache_dir = Path(tempfile.mkdtemp(prefix="newsroom-stampede-"))
    with serve(args.root.resolve(), database, cache_dir, args.workers) as base:
        listing = get(base + "/en/media-centre/press-releases/")[2].decode()
        release = re.search(r'href="(/en/media-centre/press-releases/\d{4}/[^"]+)"', listing)[1]
        pages = {"release": release, "list": "/en/media-centre/press-releases/", "home": "/en/"}
        print(f"root {args.root}, {args.workers} workers")
        if not args.no_wrk:
            forged = f"sessionid={secrets.token_hex(20)}"  # 40 characters, as ours
            get(base + release), get(base + release, forged)
            healthz = wrk(base + "/healthz")
            plain = wrk(base + release)
            cookie = wrk(base + release, forged)
            print(f"/healthz {healthz:.0f}/s; release {plain:.0f}/s ({plain / healthz:.2f});")
            print(f"  with a made-up sessionid {cookie:.0f}/s ({cookie / healthz:.2f})")
        for name, path in pages.items():
            for round_ in range(args.rounds):
                get(base + path)
                end_generation(cache_dir)
                states, seconds = at_once(base + path)
                print(f"{name:8} round {round_ + 1}: {dict(states)} in {seconds * 1000:.0f} ms")
    subprocess.run(["rm", "-rf", str(cache_dir)], check=False)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
