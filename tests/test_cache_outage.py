"""The cache server stops or freezes mid-run (make test-redis): the site keeps serving.

These tests stop, freeze and restart the very Redis that `bin/with-redis` started for the suite
(it hands over REDIS_PIDFILE and REDIS_SERVER_ARGS); elsewhere they are skipped. Each leaves the
server running again.
"""

import logging
import os
import shlex
import signal
import subprocess
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from consent.models import ConsentRecord
from core import cache as resilient

from .conftest import make_release
from .test_consent_visitor import tables  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("tables"),
    pytest.mark.skipif(
        not os.environ.get("REDIS_PIDFILE"),
        reason="stops a real Redis: run under bin/with-redis (make test-redis)",
    ),
]

LIST = "/en/media-centre/press-releases/"
PAGES = ["/en/", LIST, "/zh-hant/media-centre/press-releases/", "/consent/state.css"]


def redis_pid() -> int:
    with open(os.environ["REDIS_PIDFILE"]) as pidfile:
        return int(pidfile.read())


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def start_redis() -> None:
    subprocess.run(["redis-server", *shlex.split(os.environ["REDIS_SERVER_ARGS"])], check=True)
    for _ in range(100):
        if (
            subprocess.run(
                ["redis-cli", "-p", port(), "ping"], capture_output=True, text=True
            ).stdout.strip()
            == "PONG"
        ):
            return
        time.sleep(0.05)
    raise AssertionError("Redis did not start again")


def port() -> str:
    args = shlex.split(os.environ["REDIS_SERVER_ARGS"])
    return args[args.index("--port") + 1]


def stop_redis() -> None:
    pid = redis_pid()
    os.kill(pid, signal.SIGTERM)
    for _ in range(100):
        if not alive(pid):
            return
        time.sleep(0.05)
    raise AssertionError("Redis did not stop")


@pytest.fixture(autouse=True)
def _production_caching(settings, monkeypatch):
    assert settings.CACHES["default"]["BACKEND"] == "core.cache.ResilientRedisCache"
    settings.NEWSROOM_PAGE_CACHE = True
    settings.CONSENT_CHOICES_PER_MINUTE = 1000
    # Tried again after half a second rather than five, so that the test need not wait.
    monkeypatch.setattr(resilient, "RETRY_SECONDS", 0.5)
    resilient._breakers.clear()
    yield
    if os.path.exists(os.environ["REDIS_PIDFILE"]) and alive(pid := redis_pid()):
        os.kill(pid, signal.SIGCONT)
    else:  # stopped (Redis removes its pid file as it goes)
        start_redis()
    resilient._breakers.clear()


def visit_everything(client: Client) -> list[int]:
    statuses = [client.get(url).status_code for url in PAGES]
    statuses.append(client.get("/readyz").status_code)
    statuses.append(client.get("/healthz").status_code)
    statuses.append(
        client.post(
            reverse("consent-choose"),
            {"action": "reject-all", "next": "/en/", "page": "/en/"},
            headers={"sec-fetch-site": "same-origin"},
        ).status_code
    )
    return statuses


def cache_errors(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "core.cache" and r.levelno >= logging.ERROR]


def test_a_stopped_redis_costs_speed_not_service_and_service_returns_with_it(client, caplog):
    make_release(headline="Before the outage")
    assert client.get(LIST)["X-Page-Cache"] == "miss"
    assert client.get(LIST)["X-Page-Cache"] == "hit"

    stop_redis()
    caplog.set_level(logging.INFO, logger="core.cache")
    for _ in range(5):
        assert visit_everything(Client()) == [200, 200, 200, 200, 200, 200, 303]
    # Pages are rendered, not served stale from the stopped cache's last generation.
    assert client.get(LIST)["X-Page-Cache"] == "miss"
    # Every visitor's choice is still on record.
    assert ConsentRecord.objects.count() == 5
    ready = client.get("/readyz").json()
    assert ready == {"status": "degraded", "database": "ok", "cache": "unavailable"}
    # Logged once for the outage, not per request.
    assert len(cache_errors(caplog)) == 1
    # Written while Redis is away: the invalidation cannot reach it.
    make_release(headline="Published during the outage")

    start_redis()
    time.sleep(resilient.RETRY_SECONDS + 0.1)
    first = client.get(LIST)
    assert "Published during the outage" in first.text, "a stale stored page came back"
    assert first["X-Page-Cache"] == "miss"
    assert client.get(LIST)["X-Page-Cache"] == "hit"
    assert client.get("/readyz").json()["status"] == "ready"
    assert any("reachable again" in r.getMessage() for r in caplog.records)


def test_a_frozen_redis_holds_one_request_briefly_not_every_request(client, caplog):
    make_release(headline="Frozen")
    client.get(LIST)
    timeout = settings.CACHES["default"]["OPTIONS"]["socket_timeout"]

    os.kill(redis_pid(), signal.SIGSTOP)
    caplog.set_level(logging.INFO, logger="core.cache")
    started = time.monotonic()
    statuses = []
    for _ in range(10):
        statuses += visit_everything(Client())
    elapsed = time.monotonic() - started
    assert set(statuses) == {200, 303}
    assert ConsentRecord.objects.count() == 10
    # Before: each of the 70 requests waited 5 s and failed. Now the breaker keeps calls away
    # from the frozen server but for one try each half-second: a few timeouts in all.
    assert elapsed < 70 * timeout, elapsed
    assert len(cache_errors(caplog)) == 1

    os.kill(redis_pid(), signal.SIGCONT)
    time.sleep(resilient.RETRY_SECONDS + 0.1)
    assert client.get(LIST)["X-Page-Cache"] == "miss"
    assert client.get(LIST)["X-Page-Cache"] == "hit"
    assert cache.get("page-cache:generation") is not None


def test_throttling_lets_visitors_through_while_the_cache_cannot_count(client, settings):
    settings.CONSENT_CHOICES_PER_MINUTE = 2
    stop_redis()
    for _ in range(4):
        assert visit_everything(Client())[-1] == 303
