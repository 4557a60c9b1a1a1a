"""The cache that several processes of the site share in production (make test-redis)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import environ
import pytest
from django.core.cache import cache, caches

ROOT = Path(__file__).resolve().parent.parent


def test_a_redis_cache_url_uses_djangos_own_redis_backend():
    for url in ("redis://127.0.0.1:6379/0", "rediss://cache.internal:6380/1"):
        config = environ.Env.cache_url_config(url)
        assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
        assert config["LOCATION"] == url


def test_a_redis_cache_gets_no_option_its_client_would_refuse():
    code = "from django.conf import settings; import json; print(json.dumps(settings.CACHES))"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CACHE_"))},
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "CACHE_URL": "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd="/", env=env, capture_output=True, text=True, check=True
    )
    default = json.loads(result.stdout.splitlines()[-1])["default"]
    # Django's own Redis backend, answering as an empty cache while the server is away.
    assert default["BACKEND"] == "core.cache.ResilientRedisCache"
    assert "MAX_ENTRIES" not in default.get("OPTIONS", {})
    # A frozen server holds a call a quarter of a second, not redis-py's default of forever.
    assert default["OPTIONS"]["socket_timeout"] == default["OPTIONS"]["socket_connect_timeout"]
    assert 0 < default["OPTIONS"]["socket_timeout"] <= 0.5


@pytest.mark.shared_cache
def test_another_worker_sees_a_write_and_a_clear():
    other_worker = caches.create_connection("default")
    cache.set("consent-categories", ["necessary"], 60)
    assert other_worker.get("consent-categories") == ["necessary"]
    other_worker.clear()
    assert cache.get("consent-categories") is None
