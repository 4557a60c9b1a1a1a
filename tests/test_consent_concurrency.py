"""Many visitors choosing at once: every choice is recorded, none lost or failed."""

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from consent import records
from consent.models import Category, ConsentRecord, PolicyVersion

from .conftest import all_at_once

THREADS, CHOICES_EACH = 8, 15
REPO = Path(__file__).resolve().parent.parent


@pytest.mark.django_db(transaction=True)
def test_concurrent_choices_lose_no_record(settings):
    settings.CONSENT_CHOICES_PER_MINUTE = 10_000  # every visitor here posts from 127.0.0.1
    Category.objects.create(slug="necessary", name="Necessary", description="x", is_necessary=True)
    Category.objects.create(slug="performance", name="Performance", description="x", order=1)
    PolicyVersion.objects.create(
        version=1, last_updated="2021-06-02", published_at="2021-06-02T00:00Z",
        banner_text="b", introduction="i",
    )  # fmt: skip

    def choose(client, n: int) -> list[str]:
        failures = []
        for i in range(CHOICES_EACH):
            action = ("accept-all", "reject-all")[(n + i) % 2]
            response = client.post(
                "/consent/",
                {"action": action, "next": "/en/"},
                headers={"sec-fetch-site": "same-origin"},
            )
            if response.status_code != 303:
                failures.append(f"{n}/{i}: {response.status_code}")
        return failures

    commits = []
    write = records._records._write

    def counted_write(batch):
        write(batch)
        commits.append(len(batch))

    records._records._write = counted_write
    try:
        failures = all_at_once(THREADS, choose)
    finally:
        records._records._write = write
    assert not failures
    assert ConsentRecord.objects.count() == THREADS * CHOICES_EACH
    assert ConsentRecord.objects.values("consent_id").distinct().count() == THREADS
    # Choices made while another commit was under way shared the next one (core.group_commit).
    assert sum(commits) == THREADS * CHOICES_EACH
    assert len(commits) < THREADS * CHOICES_EACH and max(commits) > 1


def _worker_pids(master: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{master}/task").iterdir():
        with contextlib.suppress(OSError):
            found += [int(pid) for pid in (task / "children").read_text().split()]
    return found


@pytest.mark.django_db(transaction=True)
def test_every_answered_choice_is_on_disk_when_the_worker_is_killed_mid_batch(tmp_path):
    """gunicorn with threaded workers, as GUNICORN_THREADS sets it up; visitors keep choosing
    while the worker is killed outright (SIGKILL): every choice that was answered is in the
    database, because a choice is answered only after its batch committed."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the server reads the test database by its file name")
    Category.objects.create(slug="necessary", name="Necessary", description="x", is_necessary=True)
    PolicyVersion.objects.create(
        version=1, last_updated="2021-06-02", published_at="2021-06-02T00:00Z",
        banner_text="b", introduction="i",
    )  # fmt: skip
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{connection.settings_dict['NAME']}",
        "CACHE_URL": "filecache://" + str(tmp_path / "cache"),
        "DJANGO_DEBUG": "true",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "8",
        "CONSENT_CHOICES_PER_MINUTE": "1000000",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    answered: list[str] = []
    stop = threading.Event()

    def visitor() -> None:
        while not stop.is_set():
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/consent/",
                data=b"action=accept-all&next=%2Fen%2F",
                headers={"Sec-Fetch-Site": "same-origin", "Accept": "application/json"},
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as answer:
                    answered.append(json.load(answer)["consentId"])
            except (OSError, ValueError, http.client.HTTPException):  # cut off as the worker died
                time.sleep(0.01)

    try:
        for _ in range(200):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            time.sleep(0.1)
        visitors = [threading.Thread(target=visitor) for _ in range(8)]
        for thread in visitors:
            thread.start()
        time.sleep(1.5)
        killed = _worker_pids(server.pid)
        before = len(answered)
        for pid in killed:
            os.kill(pid, signal.SIGKILL)
        time.sleep(2)  # the master starts a new worker, which answers again
        stop.set()
        for thread in visitors:
            thread.join(30)
    finally:
        server.terminate()
        server.wait(20)

    assert killed and before > 0 and len(answered) > before
    stored = {str(c) for c in ConsentRecord.objects.values_list("consent_id", flat=True)}
    assert set(answered) <= stored
