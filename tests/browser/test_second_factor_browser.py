"""Two-step sign-in in a real browser: a superuser signs in, sets up an app from the set-up page
(its key read off the page, as a person would type it), keeps the recovery codes, signs out, and
signs in again with a code; no page breaks its Content-Security-Policy or fails axe-core's WCAG
2.2 AA rules."""

import base64
import time

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django_otp.oath import TOTP

from .conftest import axe_audit, describe_violations
from .test_csp import LISTEN, violations

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long enough passphrase"


def code_for(typed_key: str, steps_ahead: int = 0) -> str:
    totp = TOTP(base64.b32decode(typed_key.replace(" ", "")))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def sign_in(page, username: str) -> None:
    page.goto(reverse("admin:login"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")


def test_setting_up_and_signing_in_with_an_authenticator_app(visitor, settings, axe_source):
    settings.NEWSROOM_SECOND_FACTOR_REQUIRED_FOR = "publishers"
    User.objects.create_superuser("chief", "chief@example.org", PASSWORD)
    page = visitor()
    page.context.add_init_script(LISTEN)
    problems: list[str] = []

    def check(name: str) -> None:
        problems.extend(f"{name}: {v}" for v in violations(page))
        found = axe_audit(page, axe_source)["violations"]
        if found:
            problems.append(f"{name}: axe\n{describe_violations(found)}")

    sign_in(page, "chief")
    assert page.url.endswith(reverse("second_factor:set-up")), page.url
    assert page.locator("svg.second-factor-qr").is_visible()
    check("set-up")
    typed_key = page.locator("#second-factor-secret").inner_text()

    code = page.get_by_label("Code from your authenticator app")
    assert code.get_attribute("autocomplete") == "one-time-code"
    code.fill("000000" if code_for(typed_key) != "000000" else "111111")
    with page.expect_navigation():
        code.press("Enter")
    assert page.locator("#id_code_error").inner_text().startswith("That code is not right")
    check("set-up, wrong code")

    page.get_by_label("Code from your authenticator app").fill(code_for(typed_key))
    with page.expect_navigation():
        page.get_by_role("button", name="Turn on two-step sign-in").click()
    assert page.url.endswith(reverse("second_factor:recovery-codes")), page.url
    assert page.locator("ol.second-factor-codes li").count() == 10
    check("recovery codes")
    with page.expect_navigation():
        page.get_by_role("button", name="I have kept my recovery codes").click()
    assert page.url.endswith(reverse("admin:index")), page.url

    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()
    sign_in(page, "chief")
    assert reverse("second_factor:verify") in page.url, page.url
    check("code")
    page.get_by_label("Code from your authenticator app").fill(code_for(typed_key, 1))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert page.url.endswith(reverse("admin:index")), page.url
    assert page.get_by_role("link", name="Two-step sign-in").is_visible()

    assert not page.watch.problems, page.watch.problems
    assert not problems, "\n".join(problems)
