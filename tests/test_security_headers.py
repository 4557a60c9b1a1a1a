"""Security headers: a strict CSP without nonces on public pages, a nonce in the admin only,
the Observatory's headers, production cookie flags, and a clean `check --deploy`."""

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command

from core.manifests import keys
from media_centre.models import PressRelease

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k7#Qm2vL9xR4pT8wZ1cF6hJ3nB5yD0gS-aE_uWq!oIeXrV@tNz",
    "DJANGO_ALLOWED_HOSTS": "news.example",
    "NEWSROOM_SIGNING_KEY": keys.new_private_key().export_private(),
}
DATA_BLOCK_TYPES = {"application/json", "application/ld+json"}


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        assert name not in directives, f"{name} given twice"
        directives[name] = values
    return directives


class Scripts(HTMLParser):
    """Every <script> and <style> element's attributes, and whether it has inline content."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict, str]] = []
        self._open = None

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._open = [tag, dict(attrs), ""]

    def handle_data(self, data):
        if self._open is not None:
            self._open[2] += data

    def handle_endtag(self, tag):
        if self._open is not None and tag == self._open[0]:
            self.elements.append(tuple(self._open))
            self._open = None


def elements(html: str) -> list[tuple[str, dict, str]]:
    parser = Scripts()
    parser.feed(html)
    return parser.elements


@pytest.fixture
def release_response(db, client):
    call_command("load_seed", stdout=open(os.devnull, "w"))
    release = PressRelease.objects.get()
    response = client.get(release.get_absolute_url())
    assert response.status_code == 200
    return response


EXPECTED_HEADERS = {
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=(), interest-cohort=()"
    ),
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


@pytest.mark.parametrize(("header", "value"), EXPECTED_HEADERS.items())
def test_the_seed_release_sends_each_security_header(release_response, header, value):
    assert release_response.headers[header] == value


def test_the_public_policy_is_strict_and_has_no_nonce(release_response):
    header = release_response.headers["Content-Security-Policy"]
    print(header)
    csp = parse_csp(header)
    assert csp == {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
        "manifest-src": ["'self'"],
    }
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "nonce-" not in header
    assert "unsafe" not in header


def test_the_public_policy_is_the_same_on_every_request(release_response, client):
    again = client.get(release_response.wsgi_request.path)
    assert (
        again.headers["Content-Security-Policy"]
        == release_response.headers["Content-Security-Policy"]
    )


def test_the_seed_release_runs_no_inline_script(release_response):
    html = release_response.content.decode()
    scripts = [e for e in elements(html) if e[0] == "script"]
    assert any("src" in attrs for _, attrs, _ in scripts)
    for _, attrs, body in scripts:
        if "src" in attrs:
            assert not body.strip()
            continue
        assert attrs.get("type") in DATA_BLOCK_TYPES, f"inline script {attrs}: {body[:80]}"
        json.loads(body)  # a data block, not code
    assert not [e for e in elements(html) if e[0] == "style"]
    assert "nonce=" not in html
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert "javascript:" not in html


def test_the_admin_login_has_a_nonce_that_every_inline_script_carries(db, client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    csp = parse_csp(response.headers["Content-Security-Policy"])
    nonces = [v for v in csp["script-src"] if v.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    assert csp["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    for directive in ("default-src", "frame-ancestors", "base-uri", "object-src"):
        assert csp[directive] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    for tag, attrs, body in elements(response.content.decode()):
        if tag == "script" and "src" not in attrs and attrs.get("type") not in DATA_BLOCK_TYPES:
            assert attrs.get("nonce") == nonce, f"inline script without the nonce: {body[:80]}"
    # A fresh nonce each request.
    again = client.get("/admin/login/")
    assert nonce not in again.headers["Content-Security-Policy"]
    assert again.headers["Permissions-Policy"] == EXPECTED_HEADERS["Permissions-Policy"]


def test_the_admin_release_editor_gives_its_import_map_the_nonce(admin_client, db):
    call_command("load_seed", stdout=open(os.devnull, "w"))
    release = PressRelease.objects.get()
    response = admin_client.get(f"/admin/media_centre/pressrelease/{release.pk}/change/")
    assert response.status_code == 200
    csp = parse_csp(response.headers["Content-Security-Policy"])
    nonce = next(v for v in csp["script-src"] if v.startswith("'nonce-"))[len("'nonce-") : -1]
    inline = [
        (attrs, body)
        for tag, attrs, body in elements(response.content.decode())
        if tag == "script" and "src" not in attrs and attrs.get("type") not in DATA_BLOCK_TYPES
    ]
    assert any(attrs.get("type") == "importmap" for attrs, _ in inline)
    for attrs, body in inline:
        assert attrs.get("nonce") == nonce, f"inline script without the nonce: {attrs} {body[:80]}"


def run_in_production(args: list[str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, *args],
        cwd="/",  # away from the repository's .env
        env={
            **clean,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            **PRODUCTION,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_in_production_with_no_warning():
    result = run_in_production(
        [str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"]
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output and "(security." not in output, output
    assert "System check identified no issues (0 silenced)." in output


def test_production_cookies_are_secure_and_lax():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({n: getattr(s, n) for n in ["
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'LANGUAGE_COOKIE_SECURE', "
        "'CONSENT_COOKIE_SECURE', 'SESSION_COOKIE_SAMESITE', 'CSRF_COOKIE_SAMESITE', "
        "'LANGUAGE_COOKIE_SAMESITE', 'CSRF_COOKIE_HTTPONLY', 'SESSION_COOKIE_HTTPONLY', "
        "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SILENCED_SYSTEM_CHECKS']}))"
    )
    result = run_in_production(["-c", code])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_SECURE": True,
        "CONSENT_COOKIE_SECURE": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SAMESITE": "Lax",
        "LANGUAGE_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SILENCED_SYSTEM_CHECKS": [],
    }


def test_consent_gated_scripts_origins_join_script_src_without_a_nonce(
    release_response, client, settings
):
    settings.CONSENT_SCRIPTS = [
        {"category": "performance", "src": "https://www.googletagmanager.com/gtag/js?id=G-X"}
    ]
    response = client.get(release_response.wsgi_request.path)
    csp = parse_csp(response.headers["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'", "https://www.googletagmanager.com"]
    assert csp["default-src"] == ["'none'"]
    assert "nonce-" not in response.headers["Content-Security-Policy"]
