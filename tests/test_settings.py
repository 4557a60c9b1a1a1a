"""Settings come from the environment; production refuses to start without its secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from core.manifests import keys

ROOT = Path(__file__).resolve().parent.parent


def start(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd="/",
        env={
            **clean,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "NEWSROOM_ENV_FILE": "",  # not the developer's .env that `make run` wrote
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_SECRET_KEY": "s" * 50}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_ALLOWED_HOSTS": "news.example"}, "DJANGO_SECRET_KEY"),
    ],
)
def test_production_without_secrets_stops_with_a_clear_message(env, missing):
    result = start({"DJANGO_DEBUG": "false", **env})
    assert result.returncode != 0
    assert f"must be set: {missing}" in result.stderr


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "s" * 50,
    "DJANGO_ALLOWED_HOSTS": "news.example",
}


def test_production_with_its_variables_starts(tmp_path):
    key_file = tmp_path / "signing-key.pem"
    keys.create_key_file(key_file)
    result = start({**PRODUCTION, "NEWSROOM_SIGNING_KEY_FILE": str(key_file)})
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_production_without_a_signing_key_stops_with_a_clear_message():
    result = start(PRODUCTION)
    assert result.returncode != 0
    assert "set NEWSROOM_SIGNING_KEY_FILE (or NEWSROOM_SIGNING_KEY)" in result.stderr


def test_a_bucket_name_puts_uploads_on_object_storage():
    code = "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MEDIA_CENTRE_"))}
    env = {**clean, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    local = subprocess.run([sys.executable, "-c", code], cwd="/", env=env, capture_output=True)
    assert local.stdout.strip() == b"django.core.files.storage.FileSystemStorage"
    s3 = subprocess.run(
        [sys.executable, "-c", code],
        cwd="/",
        env={**env, "MEDIA_CENTRE_S3_BUCKET": "newsroom-files"},
        capture_output=True,
    )
    assert s3.stdout.strip() == b"storages.backends.s3.S3Storage"


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_full_sync():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert connection.settings_dict["OPTIONS"]["timeout"] >= 5


def _cache_settings(debug: str) -> list[str]:
    code = (
        "from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.NEWSROOM_PAGE_CACHE)"
    )
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CACHE_", "NEWSROOM_"))
    }
    env = {
        **clean,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DJANGO_DEBUG": debug,
        "DJANGO_SECRET_KEY": "s" * 50,
        "DJANGO_ALLOWED_HOSTS": "news.example",
        "NEWSROOM_SIGNING_KEY": keys.new_private_key().export_private(),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd="/", env=env, capture_output=True, text=True
    )
    return result.stdout.split()


def test_production_shares_its_cache_between_processes_and_serves_stored_pages():
    """Every worker process must see a publish: the default production cache is on disk, not in
    one process's memory."""
    assert _cache_settings("false") == [
        "core.cache.FileCache",
        "True",
    ]
    assert _cache_settings("true") == ["django.core.cache.backends.locmem.LocMemCache", "False"]
