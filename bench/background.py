"""Measures the work taken off the request path (README "Operations: the worker").

    .venv/bin/python bench/background.py downloads [--cache URL] [--code DIR]
    .venv/bin/python bench/background.py kills [--cache URL]
    .venv/bin/python bench/background.py full-disk [--code DIR]        (as root: mounts a tmpfs)
    .venv/bin/python bench/background.py image

`downloads`: a spike of downloads of one document (wrk, 16 connections, 10 s) against gunicorn
with production settings: downloads a second, database writes during the spike, and whether the
flush then records every download. `kills`: the same spike while gunicorn's workers and the task
worker are killed with SIGKILL again and again; downloads answered against downloads recorded.
`full-disk`: the database on a full file system; the status of each download. `image`: the
editor's save of a 39.9-megapixel JPEG through the admin, then the worker's time to process it.
`--code` runs the server from another tree (e.g. an older commit, `git archive` into a folder).
Everything runs on 127.0.0.1 in a temporary folder, and is stopped and removed afterwards.
"""

import argparse
import contextlib
import io
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jwcrypto import jwk

REPO = Path(__file__).resolve().parent.parent
PYTHON = str(REPO / ".venv" / "bin" / "python")
GUNICORN = str(REPO / ".venv" / "bin" / "gunicorn")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Site:
    """A migrated, seeded copy of the site in a temporary folder."""

    def __init__(self, root: Path, cache: str, code: Path):
        self.root, self.code = root, code
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}",
            "DJANGO_MEDIA_ROOT": str(root / "media"),
            "CACHE_URL": cache or f"filecache://{root / 'cache'}",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "bench-" + "x" * 50,
            "NEWSROOM_SIGNING_KEY": jwk.JWK.generate(kty="OKP", crv="Ed25519").export_private(),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_LOG_LEVEL": "WARNING",
        }

    def manage(self, *args: str, code: Path | None = None) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=code or REPO,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    def setup(self) -> None:
        self.manage("migrate", "--noinput", "--verbosity", "0")
        self.manage("load_seed")

    def python(self, code: str, tree: Path | None = None) -> str:
        output = self.manage("shell", "--no-imports", "-c", code, code=tree)
        return output.strip().splitlines()[-1]

    def document(self) -> tuple[int, str]:
        found = self.python(
            "from media_centre.models import Document as D; d = D.objects.public().first(); "
            "print(d.pk, d.get_absolute_url())"
        )
        pk, url = found.split()
        return int(pk), url

    def download_count(self, pk: int) -> int:
        return int(
            self.python(
                "from media_centre.models import Document as D; "
                f"print(D.objects.get(pk={pk}).download_count)"
            )
        )

    def flush(self) -> None:
        self.python(
            "from media_centre.download_counts import flush_download_counts as f; print(f.call())"
        )

    @contextlib.contextmanager
    def gunicorn(self, workers: int = 2):
        port = free_port()
        server = subprocess.Popen(
            [GUNICORN, "newsroom.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}"],
            cwd=self.code,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)):
                    break
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
            yield server, f"http://127.0.0.1:{port}"
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    def worker(self) -> subprocess.Popen:
        return subprocess.Popen(
            [PYTHON, "manage.py", "worker", "--no-reload"],
            cwd=REPO,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )


def wrk(url: str, seconds: int = 10, connections: int = 16) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    requests = int(re.search(r"(\d+) requests in", out)[1])
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "responses": requests,
        "non_2xx": int(non_2xx[1]) if non_2xx else 0,
        "socket_errors": errors[1] if errors else "none",
    }


def downloads(site: Site) -> dict:
    pk, path = site.document()
    with site.gunicorn() as (_server, base):
        before = site.download_count(pk)
        spike = wrk(base + path)
        during = site.download_count(pk)
    site.flush()
    after = site.download_count(pk)
    return {
        **spike,
        "written_to_the_database_during_the_spike": during - before,
        "recorded_after_the_flush": after - before,
    }


def kills(site: Site) -> dict:
    """Kill gunicorn workers and the task worker (SIGKILL) throughout a 20 s spike."""
    pk, path = site.document()
    killed = {"gunicorn workers": 0, "task worker": 0}
    worker = site.worker()
    with site.gunicorn(workers=3) as (server, base):
        before = site.download_count(pk)
        spike = subprocess.Popen(
            ["wrk", "-t2", "-c16", "-d20s", base + path],
            stdout=subprocess.PIPE,
            text=True,
        )
        rng = random.Random(1)
        while spike.poll() is None:
            time.sleep(rng.uniform(0.5, 1.5))
            children = subprocess.run(
                ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
            ).stdout.split()
            if children:
                os.kill(int(rng.choice(children)), signal.SIGKILL)
                killed["gunicorn workers"] += 1
            if rng.random() < 0.4:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
                killed["task worker"] += 1
                worker = site.worker()
        out = spike.stdout.read()
    os.killpg(worker.pid, signal.SIGTERM)
    worker.wait(timeout=30)
    site.flush()
    answered = int(re.search(r"(\d+) requests in", out)[1])
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    answered -= int(non_2xx[1]) if non_2xx else 0
    recorded = site.download_count(pk) - before
    return {
        "killed": killed,
        "downloads_answered_200": answered,
        "downloads_recorded": recorded,
        "lost": max(0, answered - recorded),
        "socket_errors": (re.search(r"Socket errors: (.*)", out) or [None, "none"])[1],
    }


def full_disk(site: Site) -> dict:
    """The database and the file cache on one file system with no room left: what do downloads
    answer? A connection stays open meanwhile, as on a serving site: SQLite keeps its -wal and
    -shm files only while one is (with none, even opening the database needs a few kilobytes)."""
    mount = site.root / "full"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], check=True)
    held = None
    try:
        pk, path = site.document()
        shutil.copy(site.root / "db.sqlite3", mount / "db.sqlite3")
        site.env["DATABASE_URL"] = f"sqlite:///{mount / 'db.sqlite3'}"
        site.env["CACHE_URL"] = f"filecache://{mount / 'cache'}"
        held = sqlite3.connect(mount / "db.sqlite3")
        held.execute("PRAGMA journal_mode=WAL").fetchall()
        with open(mount / "filler", "wb") as filler:  # every byte left
            with contextlib.suppress(OSError):
                while True:
                    filler.write(b"\0" * 65536)
                    filler.flush()
        statuses: dict[int, int] = {}
        with site.gunicorn() as (_server, base):
            for _ in range(50):
                status = subprocess.run(
                    ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", base + path],
                    capture_output=True,
                    text=True,
                ).stdout
                statuses[int(status)] = statuses.get(int(status), 0) + 1
        return {"statuses_of_50_downloads": statuses, "document": pk}
    finally:
        if held is not None:
            held.close()
        subprocess.run(["umount", "-l", str(mount)], check=False)


def image(site: Site) -> dict:
    """An editor saves a release with a 39.9-megapixel JPEG; then the worker processes it."""
    code = """
import io, time
from PIL import Image
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
try:
    from django_tasks_db.models import DBTaskResult
    queued = DBTaskResult.objects.count
except (ImportError, RuntimeError):  # code from before the worker
    queued = lambda: 0

noise = Image.effect_noise((913, 684), 60).convert("RGB").resize((7300, 5466))
buffer = io.BytesIO(); noise.save(buffer, "JPEG", quality=90)
user = User.objects.create_superuser("bench-editor", password="bench-password-123")
from tests.test_admin import form_data
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(user)
data = form_data(client.get("/admin/media_centre/pressrelease/add/"))
data.update(headline_en="Large picture", hero_image_alt="Noise")
data["hero_image"] = SimpleUploadedFile("large.jpg", buffer.getvalue())
started = time.perf_counter()
response = client.post("/admin/media_centre/pressrelease/add/", data)
took = time.perf_counter() - started
print({"status": response.status_code, "save_seconds": round(took, 2),
        "bytes": len(buffer.getvalue()), "queued": queued()})
"""
    site.env["DJANGO_DEBUG"] = "true"  # the admin's pages without collectstatic
    saved = site.python(code, tree=site.code)
    if site.code != REPO:
        return {"save": saved}
    started = time.perf_counter()
    site.manage("worker", "--batch", "--no-reload", "--no-startup-delay", "--verbosity", "0")
    processed = time.perf_counter() - started
    files = sorted(p.name for p in (site.root / "media").rglob("*") if p.is_file())
    return {"save": saved, "worker_seconds": round(processed, 1), "files": len(files)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["downloads", "kills", "full-disk", "image"])
    parser.add_argument(
        "--cache", default=os.environ.get("CACHE_URL", ""), help="default: CACHE_URL, else files"
    )
    parser.add_argument("--code", default=str(REPO), help="the tree gunicorn serves from")
    options = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="newsroom-background-"))
    try:
        site = Site(root, options.cache, Path(options.code))
        site.setup()
        measure = {"downloads": downloads, "kills": kills, "full-disk": full_disk}
        result = measure.get(options.what, image)(site)
        print(json.dumps({options.what: result, "code": options.code}, indent=2))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.stdout = io.TextIOWrapper(sys.stdout.buffer, line_buffering=True)
    main()
