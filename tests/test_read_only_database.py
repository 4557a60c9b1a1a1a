"""The database's disk turns read-only: pages that read are served, writes get a plain 503.

The database is copied to a folder that is then mounted read-only (as a failing or protected
disk is), and a separate process serves it, as the site would after a restart. Mounting needs
root (CI runs as root); elsewhere the test is skipped.
"""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from .conftest import make_event, make_release

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="a SQLite database on a read-only disk"
    ),
]

ROOT = Path(__file__).resolve().parent.parent

# Run in the serving process: each request with Django's test client, answered as JSON.
VISIT = """
import json, sys
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
answers = {}
for url in sys.argv[1:]:
    if url.startswith("POST "):
        url = url[5:]
        response = client.post(url, {"action": "reject-all", "next": "/en/"},
                               headers={"sec-fetch-site": "same-origin"})
    else:
        response = client.get(url)
    answers[url] = [response.status_code, response.content.decode(errors="replace")]
print(json.dumps(answers))
"""

READS = [
    "/en/",
    "/zh-hant/",
    "/en/media-centre/press-releases/",
    "/en/media-centre/events/",
    "/en/search/?q=harbour",
    "/en/cookies/",
    "/consent/state.css",
    "/sitemap.xml",
    "/readyz",
    "/admin/login/",
]


def mount_read_only(source: Path, target: Path) -> bool:
    target.mkdir()
    if os.geteuid() != 0:
        return False
    bound = subprocess.run(["mount", "--bind", str(source), str(target)], capture_output=True)
    if bound.returncode != 0:
        return False
    remounted = subprocess.run(["mount", "-o", "remount,ro,bind", str(target)], capture_output=True)
    if remounted.returncode != 0:
        subprocess.run(["umount", str(target)])
        return False
    return True


@pytest.fixture
def read_only_copy(tmp_path):
    """Copies the test database as it stands (in WAL mode, as the site keeps it) to a folder
    mounted read-only; answers the copy's path."""
    source, target = tmp_path / "disk", tmp_path / "read-only"
    mounted = []

    def make() -> Path:
        source.mkdir()
        copy = sqlite3.connect(source / "db.sqlite3")
        with sqlite3.connect(connection.settings_dict["NAME"]) as original:
            original.backup(copy)
        copy.execute("PRAGMA journal_mode=WAL")
        copy.close()
        if not mount_read_only(source, target):
            pytest.skip("mounting a folder read-only needs root")
        mounted.append(target)
        return target / "db.sqlite3"

    yield make
    for folder in mounted:
        subprocess.run(["umount", str(folder)], check=True)


def serve(database: Path, tmp_path: Path, *urls: str) -> dict[str, list]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CACHE_"))},
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_DEBUG": "true",
        "DJANGO_CACHE_DIR": str(tmp_path / "cache"),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    result = subprocess.run(
        [sys.executable, "-c", VISIT, *urls],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a SQLite database on a read-only disk")
def test_on_a_read_only_disk_pages_that_read_are_served_and_writes_get_a_plain_503(
    read_only_copy, tmp_path
):
    release = make_release(headline="Harbour release")
    make_event(title="Harbour event")
    reads = [*READS, release.get_absolute_url()]
    answers = serve(read_only_copy(), tmp_path, *reads, "POST /consent/")
    for url in reads:
        assert answers[url][0] == 200, (url, answers[url][1][-2000:])
    assert "Harbour release" in answers["/en/media-centre/press-releases/"][1]
    assert json.loads(answers["/readyz"][1])["database"] == "ok"
    status, page = answers["/consent/"]
    assert status == 503
    assert "Changes cannot be saved right now" in page and "Traceback" not in page


@pytest.fixture
def read_only_connection():
    """The database refuses writes on this connection: PostgreSQL as a standby or during
    maintenance (default_transaction_read_only), SQLite as with query_only."""
    statement = {
        "postgresql": "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
        "sqlite": "PRAGMA query_only = ON",
    }[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(statement)
    yield
    connection.close()  # the next test opens a writable one


def test_a_database_that_refuses_writes_reads_on_and_answers_writes_503(
    client, read_only_connection
):
    for url in ("/en/", "/en/media-centre/press-releases/", "/consent/state.css", "/readyz"):
        assert client.get(url).status_code == 200, url
    response = client.post(
        "/consent/",
        {"action": "accept-all", "next": "/en/"},
        headers={"sec-fetch-site": "same-origin"},
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "300"
    assert "no-store" in response["Cache-Control"]
    assert "Changes cannot be saved right now" in response.text
