"""No page breaks its own Content-Security-Policy: the browser reports no violation on any kind
of public page, in any language, nor in the admin (its login page and its change forms, whose
inline scripts carry the admin policy's nonce)."""

import importlib

import pytest
from django.urls import reverse

from tests.conftest import make_staff

from .conftest import LANGUAGES

pytestmark = pytest.mark.django_db(transaction=True)

# Runs before the page's own scripts, from the DevTools protocol (so the CSP does not apply).
LISTEN = """document.addEventListener("securitypolicyviolation", (event) => {
  (window.__cspViolations = window.__cspViolations || []).push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}` +
    ` at ${event.sourceFile || ""}:${event.lineNumber || ""}`);
});"""


def violations(page) -> list[str]:
    found = page.evaluate("() => window.__cspViolations || []")
    console = [e for e in page.watch.console_errors if "Content Security Policy" in e]
    return found + console


@pytest.fixture
def csp_visitor(visitor):
    def open_page(**options):
        page = visitor(**options)
        page.context.add_init_script(LISTEN)
        return page

    return open_page


def test_no_public_page_violates_the_content_security_policy(csp_visitor, public_pages):
    page = csp_visitor()
    problems = []
    for language in LANGUAGES:
        for name, path in public_pages[language].items():
            page.watch.console_errors.clear()
            response = page.goto(path)
            assert response.headers.get("content-security-policy"), f"{path} has no CSP"
            problems += [f"{language} {name} ({path}): {v}" for v in violations(page)]
    assert not problems, "\n".join(problems)


@pytest.fixture
def desk_groups(db):
    """The Editor and Publisher groups, as their data migrations make them: the flush after
    each transactional test empties every table, theirs too."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    apps = MigrationExecutor(connection).loader.project_state().apps
    for name, function in [
        ("0002_editor_and_publisher_groups", "make_groups"),
        ("0005_desk_permissions_for_requests_and_versions", "grant"),
    ]:
        getattr(importlib.import_module(f"media_centre.migrations.{name}"), function)(apps, None)


def test_the_admin_does_not_violate_its_content_security_policy(csp_visitor, seeded, desk_groups):
    staff = make_staff("Publisher", password="a long enough passphrase")
    page = csp_visitor()

    page.goto(reverse("admin:login"))
    login_problems = violations(page)
    page.locator("#id_username").fill(staff.username)
    page.locator("#id_password").fill("a long enough passphrase")
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    assert page.url.rstrip("/").endswith("/admin"), page.url

    problems = [f"login: {v}" for v in login_problems]
    for path in [
        reverse("admin:index"),
        reverse("admin:media_centre_pressrelease_changelist"),
        reverse("admin:media_centre_pressrelease_change", args=[seeded["release"].pk]),
        reverse("admin:media_centre_event_change", args=[seeded["event"].pk]),
        reverse("admin:media_centre_pressrelease_add"),
    ]:
        page.watch.console_errors.clear()
        response = page.goto(path)
        assert response.status == 200, path
        assert "nonce-" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
        problems += [f"{path}: {v}" for v in violations(page)]
    assert not problems, "\n".join(problems)
