"""Request ids and the request log: X-Request-ID, one JSON line per request, the 500 page."""

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import get_resolver, path

from core.request_log import JsonFormatter, server_error
from newsroom import urls as newsroom_urls

from .conftest import make_release, make_staff

pytestmark = pytest.mark.django_db

REQUEST_LINE_FIELDS = {
    "time", "level", "logger", "message", "request_id",
    "method", "path", "route", "status", "duration_ms", "bytes",
}  # fmt: skip


def boom(request):
    raise RuntimeError("the view failed")


# This module doubles as a URLconf (pytest.mark.urls) with a view that raises.
urlpatterns = [path("boom/", boom, name="boom"), *newsroom_urls.urlpatterns]
handler500 = newsroom_urls.handler500


@pytest.fixture
def log_lines(caplog):
    """The JSON lines the site's console handler would write, parsed."""
    console = [h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)]
    assert console, "the root logger's console handler writes JSON lines"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(console[0].formatter)
    caplog.set_level(logging.INFO, logger="newsroom.requests")
    logging.getLogger().addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logging.getLogger().removeHandler(handler)


def request_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "newsroom.requests"]


@pytest.fixture
def quiet_client():
    """A client that gets the 500 page, as a visitor would, instead of the exception."""
    return Client(raise_request_exception=False)


def test_request_id_middleware_is_first():
    assert django_settings.MIDDLEWARE[0] == "core.request_log.RequestIdMiddleware"


def test_every_answer_carries_a_fresh_request_id(client):
    release = make_release()

    ids = [client.get(release.get_absolute_url())["X-Request-ID"] for _ in range(3)]
    ids.append(client.get("/en/no-such-page/")["X-Request-ID"])

    assert all(re.fullmatch(r"[0-9a-f]{32}", value) for value in ids)
    assert len(set(ids)) == 4


def test_a_plain_incoming_request_id_is_kept(client):
    response = client.get("/robots.txt", headers={"X-Request-ID": "lb-2f9c1a.77_AB"})

    assert response["X-Request-ID"] == "lb-2f9c1a.77_AB"


@pytest.mark.parametrize(
    "hostile",
    [
        "short",
        "x" * 65,
        "two words here",
        "abcdefgh\nforged log line",
        '"},{"status":200',
        "<script>alert(1)</script>",
        "../../etc/passwd",
        "évaluation-1234",
        "abcdefgh;rm -rf",
        "",
    ],
)
def test_a_hostile_incoming_request_id_is_replaced(client, hostile, log_lines):
    response = client.get("/robots.txt", headers={"X-Request-ID": hostile})

    request_id = response["X-Request-ID"]
    assert request_id != hostile and re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert request_lines(log_lines())[-1]["request_id"] == request_id


def test_each_request_writes_one_json_line_without_personal_data(client, log_lines):
    release = make_release()
    visitor = make_staff("Editor", username="alice-the-editor")
    client.force_login(visitor)
    client.cookies["newsroom_consent"] = "secret-cookie-value"

    response = client.get(
        release.get_absolute_url(),
        {"q": "private search terms"},
        REMOTE_ADDR="198.51.100.23",
        headers={"User-Agent": "SecretBrowser/1.0", "X-Forwarded-For": "192.0.2.99"},
    )

    (line,) = request_lines(log_lines())
    assert set(line) == REQUEST_LINE_FIELDS
    assert line["request_id"] == response["X-Request-ID"]
    assert line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"]) == (
        "GET", release.get_absolute_url(), 200,
    )  # fmt: skip
    assert line["route"] == "media_centre:release-detail"
    assert line["bytes"] == len(response.content)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["time"].endswith("+00:00")
    text = json.dumps(line)
    for personal in (
        "private search terms", "q=", "198.51.100", "192.0.2.99", "SecretBrowser",
        "secret-cookie-value", "alice-the-editor",
    ):  # fmt: skip
        assert personal not in text
    # No field names the user (the fields are fixed above), and no value is their id.
    assert all(value != visitor.pk for key, value in line.items() if key not in {"status", "bytes"})


def test_an_unresolved_address_is_logged_without_a_route(client, log_lines):
    client.get("/en/no-such-page/?search=private")

    line = request_lines(log_lines())[-1]
    assert (line["path"], line["status"], line["route"]) == ("/en/no-such-page/", 404, None)


def test_other_log_records_written_during_a_request_carry_its_id(client, log_lines):
    editor = make_staff("Editor")

    response = client.post(
        "/admin/login/",
        {"username": editor.username, "password": "a long enough passphrase"},
        REMOTE_ADDR="203.0.113.7",
    )

    sign_in = [line for line in log_lines() if line["logger"] == "newsroom.accounts"]
    assert sign_in and sign_in[0]["request_id"] == response["X-Request-ID"]


def test_a_record_outside_any_request_has_no_request_id(log_lines):
    logging.getLogger("newsroom.requests").info("started", extra={"workers": 2})

    (line,) = log_lines()
    assert line["request_id"] is None and line["workers"] == 2 and line["message"] == "started"


def test_the_500_handler_is_the_one_that_shows_the_request_id():
    assert get_resolver().resolve_error_handler(500) is server_error


@pytest.mark.urls(__name__)
def test_a_failing_view_gives_a_500_page_quoting_the_request_id(quiet_client, log_lines):
    response = quiet_client.get("/boom/?token=private")

    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    page = response.content.decode()
    assert f"Reference: <code>{request_id}</code>" in page
    assert "Something went wrong on our side" in page
    assert "the view failed" not in page and "Traceback" not in page
    # The strict policy applies to the 500 page too, and it needs nothing inline.
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "<style" not in page and "style=" not in page and "<script" not in page

    lines = log_lines()
    (error,) = [line for line in lines if line["logger"] == "django.request"]
    assert error["level"] == "ERROR" and error["request_id"] == request_id
    assert "RuntimeError: the view failed" in error["exception"]
    assert "private" not in json.dumps(error)
    (line,) = request_lines(lines)
    assert (line["status"], line["route"], line["request_id"]) == (500, "boom", request_id)


def test_a_public_page_that_fails_answers_in_the_visitors_language(quiet_client, monkeypatch):
    release = make_release()

    def broken(html):
        raise RuntimeError("sanitiser down")

    monkeypatch.setattr("media_centre.templatetags.newsroom.sanitise", broken)
    url = release.get_absolute_url().replace("/en/", "/zh-hant/", 1)

    response = quiet_client.get(url)

    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="zh-Hant">' in page
    assert response["X-Request-ID"] in page


@pytest.mark.urls(__name__)
def test_the_500_page_falls_back_to_plain_text_when_its_template_fails(quiet_client, monkeypatch):
    def broken(name, *args, **kwargs):
        raise RuntimeError("no templates today")

    monkeypatch.setattr("core.request_log.loader.get_template", broken)

    response = quiet_client.get("/boom/")

    assert response.status_code == 500
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert f"Reference: {response['X-Request-ID']}" in response.content.decode()


LOG_FROM_A_FRESH_PROCESS = """
import logging, django
django.setup()
logging.getLogger("newsroom.requests").info("GET /en/ 200", extra={"status": 200})
logging.getLogger("django.request").error("Internal Server Error: /en/")
"""


LOGGERS = {"newsroom.requests", "django.request"}  # axes also says hello at start-up


@pytest.mark.parametrize(
    ("level", "loggers"),
    [(None, ["newsroom.requests", "django.request"]), ("WARNING", ["django.request"])],
)
def test_logs_are_json_lines_on_stderr_at_the_level_the_environment_sets(level, loggers):
    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(PYTHONPATH=str(root), DJANGO_SETTINGS_MODULE="newsroom.settings")
    if level:
        env["DJANGO_LOG_LEVEL"] = level

    result = subprocess.run(
        [sys.executable, "-c", LOG_FROM_A_FRESH_PROCESS],
        cwd="/", env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert [line["logger"] for line in lines if line["logger"] in LOGGERS] == loggers
    assert all(line["request_id"] is None for line in lines)
