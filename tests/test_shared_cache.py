"""The cache that several processes of the site share in production (make test-redis)."""

import environ
import pytest
from django.core.cache import cache, caches


def test_a_redis_cache_url_uses_djangos_own_redis_backend():
    for url in ("redis://127.0.0.1:6379/0", "rediss://cache.internal:6380/1"):
        config = environ.Env.cache_url_config(url)
        assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
        assert config["LOCATION"] == url


@pytest.mark.shared_cache
def test_another_worker_sees_a_write_and_a_clear():
    other_worker = caches.create_connection("default")
    cache.set("consent-categories", ["necessary"], 60)
    assert other_worker.get("consent-categories") == ["necessary"]
    other_worker.clear()
    assert cache.get("consent-categories") is None
