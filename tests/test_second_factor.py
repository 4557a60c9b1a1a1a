"""Staff's second factor: a code from an authenticator app after the password (django-otp).

Required of publishers and superusers in production; whoever has set one up uses it; until it is
given, every admin address leads to it and public pages treat the account as a visitor. Wrong
codes are throttled by the device and counted by django-axes like wrong passwords.
"""

import base64
import datetime as dt
import io
import logging
import os
import re
import subprocess
import sys
import time

import pytest
from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.manifests import keys
from core.second_factor import policy
from media_centre.models import Status

from .conftest import (
    force_login_verified,
    make_release,
    make_staff,
    set_up_second_factor,
)
from .test_settings import ROOT

PASSWORD = "a long enough passphrase"  # make_staff's default
ADDR = "203.0.113.7"
LOGIN = "/admin/login/"
VERIFY = "/admin/second-factor/verify/"
SET_UP = "/admin/second-factor/set-up/"
CODES = "/admin/second-factor/recovery-codes/"
MANAGE = "/admin/second-factor/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    """Production's default: publishers and superusers must give a second factor."""
    settings.NEWSROOM_SECOND_FACTOR_REQUIRED_FOR = "publishers"


def code_for(device_or_secret, steps_ahead: int = 0) -> str:
    """The app's code now (or `steps_ahead` 30-second steps later, which the site accepts for
    one step: clocks differ)."""
    key = (
        device_or_secret.bin_key
        if isinstance(device_or_secret, TOTPDevice)
        else bytes.fromhex(device_or_secret)
    )
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def sign_in(client, user, addr=ADDR):
    return client.post(
        LOGIN,
        {"username": user.username, "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR=addr,
    )


def give(client, code, addr=ADDR, next_url="/admin/"):
    return client.post(VERIFY, {"code": code, "next": next_url}, REMOTE_ADDR=addr)


def give_recovery(client, code, addr=ADDR):
    return client.post(VERIFY, {"recovery_code": code, "next": "/admin/"}, REMOTE_ADDR=addr)


def verified(client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def field_error(response, field: str) -> str:
    """The error shown for a field, after checking that the field points at it."""
    soup = BeautifulSoup(response.content, "html.parser")
    widget = soup.find(id=f"id_{field}")
    error = soup.find(id=f"id_{field}_error")
    assert widget is not None and error is not None, response.content.decode()[:3000]
    assert widget["aria-invalid"] == "true"
    assert f"id_{field}_error" in widget["aria-describedby"].split()
    return error.get_text(" ", strip=True)


def unthrottle(user):
    """As if the wait after the last wrong code had passed."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).exclude(throttling_failure_timestamp=None).update(
            throttling_failure_timestamp=timezone.now() - dt.timedelta(days=1)
        )


# Who must give it ------------------------------------------------------------------------------


def test_production_requires_it_of_publishers_and_development_of_nobody():
    assert _required_for({"DJANGO_DEBUG": "false"}) == "publishers"
    assert _required_for({"DJANGO_DEBUG": "true"}) == "none"
    staff = {"DJANGO_DEBUG": "true", "NEWSROOM_SECOND_FACTOR_REQUIRED_FOR": "staff"}
    assert _required_for(staff) == "staff"
    assert (
        _required_for({"DJANGO_DEBUG": "false", "NEWSROOM_SECOND_FACTOR_REQUIRED_FOR": "none"})
        == "none"
    )


def test_an_unknown_requirement_stops_the_start_with_a_clear_message():
    result = _start({"DJANGO_DEBUG": "true", "NEWSROOM_SECOND_FACTOR_REQUIRED_FOR": "editors"})
    assert result.returncode != 0
    assert "NEWSROOM_SECOND_FACTOR_REQUIRED_FOR must be publishers, staff or none" in result.stderr


def _start(env: dict, code: str = "print('started')"):
    """Starts Django in a fresh process with these environment variables (as test_settings)."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NEWSROOM_", "CACHE_"))
    }
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd="/",
        env={
            **clean,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DJANGO_SECRET_KEY": "s" * 50,
            "DJANGO_ALLOWED_HOSTS": "news.example",
            "NEWSROOM_SIGNING_KEY": keys.new_private_key().export_private(),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def _required_for(env: dict) -> str:
    result = _start(
        env, "from django.conf import settings; print(settings.NEWSROOM_SECOND_FACTOR_REQUIRED_FOR)"
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()[-1]


def test_publishers_and_superusers_must_use_it_editors_need_not(settings):
    superuser = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    publisher, editor = make_staff("Publisher"), make_staff("Editor")
    direct = make_staff("Editor")
    direct.user_permissions.add(Permission.objects.get(codename="publish_pressrelease"))
    cookie_notice = make_staff("Editor")
    cookie_notice.user_permissions.add(Permission.objects.get(codename="change_category"))

    def required(user) -> bool:
        return policy.is_required(User.objects.get(pk=user.pk))  # fresh permission cache

    settings.NEWSROOM_SECOND_FACTOR_REQUIRED_FOR = "publishers"
    assert required(superuser) and required(publisher)
    # A permission that makes something public, held directly, counts as much as the group.
    assert required(direct) and required(cookie_notice)
    assert not required(editor)

    settings.NEWSROOM_SECOND_FACTOR_REQUIRED_FOR = "staff"
    assert required(editor) and required(publisher) and required(superuser)

    settings.NEWSROOM_SECOND_FACTOR_REQUIRED_FOR = "none"
    assert not any(map(required, [superuser, publisher, direct, editor]))


def test_without_the_requirement_staff_sign_in_with_their_password_alone(client, publisher):
    # Development's default (`make run`): nobody is asked unless they set it up.
    assert sign_in(client, publisher).status_code == 302
    assert client.get("/admin/").status_code == 200


# Setting up, when it is required --------------------------------------------------------------


def test_a_publisher_without_an_app_is_taken_to_set_one_up(client, publisher, required):
    response = sign_in(client, publisher)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert signed_in(client) and not verified(client)

    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == SET_UP  # next=/admin/ is where it goes anyway


def test_nothing_else_in_the_admin_is_reachable_before_the_second_factor(
    client, publisher, required
):
    release = make_release()
    sign_in(client, publisher)
    for path in [
        "/admin/",
        reverse("admin:media_centre_pressrelease_changelist"),
        reverse("admin:media_centre_pressrelease_change", args=[release.pk]),
        reverse("admin:media_centre_pressrelease_add"),
        reverse("admin:password_change"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:consent_category_changelist"),
        reverse("admin:jsi18n"),
        MANAGE,
        CODES,
        "/admin/no-such-page/",
    ]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(VERIFY), path
    # A write is refused the same way, and changes nothing.
    response = client.post(
        reverse("admin:media_centre_pressrelease_change", args=[release.pk]),
        {"headline": "Words put in our mouth"},
    )
    assert response.status_code == 302 and response["Location"] == VERIFY
    release.refresh_from_db()
    assert release.headline != "Words put in our mouth"


def test_signing_out_still_works_before_the_second_factor(client, publisher, required):
    sign_in(client, publisher)
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 200
    assert not signed_in(client)


def test_public_pages_treat_a_password_alone_as_a_visitor(client, publisher, required):
    draft = make_release(headline="Embargoed news", status=Status.DRAFT)
    sign_in(client, publisher)
    assert client.get(draft.get_absolute_url()).status_code == 404  # no preview

    force_login_verified(client, publisher)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Preview — not public." in response.content.decode()


def test_set_up_shows_a_qr_code_and_the_key_and_writes_nothing_until_confirmed(
    client, publisher, required
):
    sign_in(client, publisher)
    response = client.get(SET_UP)
    assert response.status_code == 200
    page = response.content.decode()
    soup = BeautifulSoup(page, "html.parser")

    svg = soup.select_one("figure svg.second-factor-qr")
    assert svg is not None and svg.find("title").get_text() == "QR code for your authenticator app"
    assert not soup.select("img[src^='http'], script[src^='http']")  # nothing from elsewhere
    secret = soup.select_one("#second-factor-secret").get_text()
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", secret), secret
    assert publisher.username in page

    field = soup.find(id="id_code")
    assert field["autocomplete"] == "one-time-code"
    assert field["inputmode"] == "numeric"
    assert soup.find("label", attrs={"for": "id_code"}) is not None
    assert field["aria-describedby"] == "id_code_helptext"

    # The key stays the same when the page is shown again, and no device is written on a GET.
    again = BeautifulSoup(client.get(SET_UP).content, "html.parser")
    assert again.select_one("#second-factor-secret").get_text() == secret
    assert not TOTPDevice.objects.exists()


def _set_up(client, addr=ADDR) -> tuple[str, list[str]]:
    """Sets up an app on the set-up page; returns its secret (hex) and the recovery codes shown."""
    page = BeautifulSoup(client.get(SET_UP).content, "html.parser")
    secret = client.session["second_factor_new_secret"]
    assert page.select_one("#second-factor-secret").get_text().replace(" ", "") == (
        base64.b32encode(bytes.fromhex(secret)).decode()
    )
    response = client.post(SET_UP, {"code": code_for(secret), "next": "/admin/"}, REMOTE_ADDR=addr)
    assert response.status_code == 302 and response["Location"] == CODES
    page = BeautifulSoup(client.get(CODES).content, "html.parser")
    codes = [li.get_text(strip=True) for li in page.select("ol.second-factor-codes li")]
    return secret, codes


def test_set_up_confirms_the_app_then_shows_ten_recovery_codes_once(client, publisher, required):
    sign_in(client, publisher)
    secret, codes = _set_up(client)

    device = TOTPDevice.objects.get(user=publisher)
    assert device.confirmed and device.key == secret
    assert verified(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-7]{4} [a-z2-7]{4}", code) for code in codes)
    stored = set(StaticToken.objects.filter(device__user=publisher).values_list("token", flat=True))
    assert stored == {code.replace(" ", "") for code in codes}

    page = client.get(CODES).content.decode()
    assert "Keep these recovery codes somewhere safe" in page
    download = client.get(reverse("second_factor:recovery-codes-file"))
    assert download["Content-Disposition"] == 'attachment; filename="recovery-codes.txt"'
    assert download["Content-Type"] == "text/plain; charset=utf-8"
    assert all(code in download.content.decode() for code in codes)

    response = client.post(CODES)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    # Shown once: afterwards neither the page nor the file has them.
    assert client.get(CODES)["Location"] == MANAGE
    assert client.get(reverse("second_factor:recovery-codes-file")).status_code == 404
    assert client.session.get("second_factor_new_secret") is None


def test_a_wrong_code_at_set_up_is_a_form_error_and_sets_nothing_up(client, publisher, required):
    sign_in(client, publisher)
    client.get(SET_UP)
    secret = client.session["second_factor_new_secret"]
    wrong = f"{(int(code_for(secret)) + 1) % 1_000_000:06d}"
    response = client.post(SET_UP, {"code": wrong})
    assert response.status_code == 200
    assert "That code is not right" in field_error(response, "code")
    response = client.post(SET_UP, {"code": "12ab"})
    assert "Enter the six digits your authenticator app shows." in field_error(response, "code")
    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    assert client.get("/admin/").status_code == 302


def test_an_app_set_up_cannot_be_replaced_on_a_password_alone(client, publisher, required):
    set_up_second_factor(publisher)
    sign_in(client, publisher)
    response = client.get(SET_UP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    response = client.post(SET_UP, {"code": "123456"})
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=publisher).count() == 1


# Signing in with the app ----------------------------------------------------------------------


def test_sign_in_with_password_then_code(client, publisher, required, caplog):
    caplog.set_level(logging.INFO)
    device, _ = set_up_second_factor(publisher)
    response = sign_in(client, publisher)
    assert response.status_code == 302
    assert client.get("/admin/")["Location"] == f"{VERIFY}?next=%2Fadmin%2F"

    page = client.get(f"{VERIFY}?next=%2Fadmin%2F")
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    field = soup.find(id="id_code")
    assert field["autocomplete"] == "one-time-code" and field["inputmode"] == "numeric"
    assert field.has_attr("autofocus")
    assert soup.find("label", attrs={"for": "id_code"}).get_text() == (
        "Code from your authenticator app:"
    )
    assert soup.find(id="id_recovery_code")["autocomplete"] == "off"

    session_before = client.session.session_key
    code = code_for(device)
    response = give(client, f"{code[:3]} {code[3:]}")  # as some apps show it
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert verified(client)
    assert client.session.session_key != session_before
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("admin:media_centre_pressrelease_changelist")).status_code == 200

    accounts = [r.getMessage() for r in caplog.records if r.name == "newsroom.accounts"]
    assert f"Second factor: {publisher.username} (authenticator app) from 203.0.113.0" in accounts
    for record in caplog.records:
        logged = record.getMessage() + repr(record.args)
        assert code not in logged and device.key not in logged


def test_a_code_works_once(client, publisher, required):
    device, _ = set_up_second_factor(publisher)
    sign_in(client, publisher)
    code = code_for(device)
    assert give(client, code).status_code == 302
    client.post(reverse("admin:logout"))

    sign_in(client, publisher)
    response = give(client, code)  # the same code again, from someone who saw it
    assert response.status_code == 200
    assert "That code is not right" in field_error(response, "code")
    assert not verified(client)


def test_a_superuser_must_use_it_too(client, required):
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    sign_in(client, root)
    assert client.get("/admin/")["Location"].startswith(VERIFY)


def test_the_code_page_goes_only_to_addresses_on_this_site(client, publisher, required):
    device, _ = set_up_second_factor(publisher)
    sign_in(client, publisher)
    response = give(client, code_for(device), next_url="https://evil.example/admin/")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_the_code_page_is_for_signed_in_staff_only(client):
    response = client.get(VERIFY)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    "typed",
    ["", "12345", "1234567", "abcdef", "１２３４５６", "1" * 10_000, "12\x003456", "-12345"],
)
def test_malformed_codes_get_a_form_error(client, publisher, required, typed):
    set_up_second_factor(publisher)
    sign_in(client, publisher)
    response = give(client, typed)
    assert response.status_code == 200
    assert field_error(response, "code")
    assert not verified(client)


def test_a_wrong_code_is_a_form_error_counted_and_logged_without_the_code(
    client, publisher, required, caplog
):
    caplog.set_level(logging.INFO)
    device, _ = set_up_second_factor(publisher)
    sign_in(client, publisher)
    wrong = f"{(int(code_for(device)) + 500_000) % 1_000_000:06d}"
    response = give(client, wrong)
    assert response.status_code == 200
    assert "That code is not right" in field_error(response, "code")
    assert response.content.decode().count("errornote") == 1
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert AccessAttempt.objects.get(username=publisher.username).failures_since_start == 1

    failures = [
        r.getMessage()
        for r in caplog.records
        if r.name == "newsroom.accounts" and r.getMessage().startswith("Failed second factor")
    ]
    assert failures == [
        f"Failed second factor: '{publisher.username}' (authenticator app) from 203.0.113.0"
    ]
    assert not any(wrong in r.getMessage() + repr(r.args) for r in caplog.records)


# Wrong codes: the device's throttle and the lockout --------------------------------------------


def test_after_wrong_codes_even_the_right_code_must_wait(client, publisher, required):
    """django-otp's throttle: after n wrong codes in a row, no code is even checked for 2^(n-1)
    seconds, so guessing gets nowhere (twenty guesses take a week)."""
    device, _ = set_up_second_factor(publisher)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=3, throttling_failure_timestamp=timezone.now()
    )
    sign_in(client, publisher)
    response = give(client, code_for(device))
    assert response.status_code == 200
    error = field_error(response, "code")
    assert re.search(r"Too many wrong codes in a row: wait [34] seconds", error), error
    assert not verified(client)
    device.refresh_from_db()
    assert device.throttling_failure_count == 3  # the code was not even checked

    unthrottle(publisher)
    assert give(client, code_for(device)).status_code == 302
    assert verified(client)
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_the_throttle_grows_with_each_wrong_code_whatever_the_address(client, publisher, required):
    device, _ = set_up_second_factor(publisher)
    wrong = f"{(int(code_for(device)) + 500_000) % 1_000_000:06d}"
    for n, addr in enumerate(["203.0.113.1", "198.51.100.2", "192.0.2.3", "203.0.113.4"], 1):
        client.logout()
        unthrottle(publisher)
        sign_in(client, publisher, addr=addr)
        give(client, wrong, addr=addr)
        device.refresh_from_db()
        assert device.throttling_failure_count == n
        allowed, throttled = device.verify_is_allowed()
        assert not allowed
        wait = throttled["locked_until"] - device.throttling_failure_timestamp
        assert wait == dt.timedelta(seconds=2 ** (n - 1))


def test_five_wrong_codes_sign_out_and_lock_the_account(client, publisher, required):
    device, _ = set_up_second_factor(publisher)
    wrong = f"{(int(code_for(device)) + 500_000) % 1_000_000:06d}"
    sign_in(client, publisher)
    statuses = []
    for _ in range(4):
        unthrottle(publisher)
        statuses.append(give(client, wrong).status_code)
    assert statuses == [200, 200, 200, 200]
    unthrottle(publisher)
    response = give(client, wrong)
    assert response.status_code == 429
    assert "Account locked" in response.content.decode()
    assert not signed_in(client)

    # Locked like five wrong passwords: the right password and code are refused for the cool-off.
    response = sign_in(client, publisher)
    assert response.status_code == 429
    assert "Account locked" in response.content.decode()
    assert not signed_in(client)

    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    unthrottle(publisher)
    assert sign_in(client, publisher).status_code == 302
    assert give(client, code_for(device)).status_code == 302
    assert not AccessAttempt.objects.filter(username=publisher.username).exists()


def test_signing_in_again_with_the_password_does_not_clear_wrong_codes(client, publisher, required):
    device, _ = set_up_second_factor(publisher)
    wrong = f"{(int(code_for(device)) + 500_000) % 1_000_000:06d}"
    sign_in(client, publisher)
    for _ in range(4):
        unthrottle(publisher)
        assert give(client, wrong).status_code == 200
    client.post(reverse("admin:logout"))

    assert sign_in(client, publisher).status_code == 302  # the password is right...
    unthrottle(publisher)
    assert give(client, wrong).status_code == 429  # ...but the count goes on
    assert not signed_in(client)


def test_attempts_while_waiting_count_towards_the_lockout(client, publisher, required):
    device, _ = set_up_second_factor(publisher)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=12, throttling_failure_timestamp=timezone.now()
    )
    sign_in(client, publisher)
    statuses = [give(client, f"{n:06d}").status_code for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


def test_a_wrong_password_and_wrong_codes_add_up(client, publisher, required):
    device, _ = set_up_second_factor(publisher)
    wrong = f"{(int(code_for(device)) + 500_000) % 1_000_000:06d}"
    for _ in range(3):
        client.post(LOGIN, {"username": publisher.username, "password": "no" * 8}, REMOTE_ADDR=ADDR)
    sign_in(client, publisher)
    unthrottle(publisher)
    assert give(client, wrong).status_code == 200
    unthrottle(publisher)
    assert give(client, wrong).status_code == 429


def test_an_editor_without_a_second_factor_clears_the_failures_at_the_password(client, editor):
    for _ in range(4):
        client.post(LOGIN, {"username": editor.username, "password": "nope" * 4}, REMOTE_ADDR=ADDR)
    assert sign_in(client, editor).status_code == 302
    assert not AccessAttempt.objects.filter(username=editor.username).exists()


# Recovery codes --------------------------------------------------------------------------------


def test_a_recovery_code_signs_in_once(client, publisher, required, caplog):
    caplog.set_level(logging.INFO)
    _, codes = set_up_second_factor(publisher)
    sign_in(client, publisher)
    typed = f"{codes[0][:4].upper()}-{codes[0][4:].upper()}"  # as a person may type it
    response = give_recovery(client, typed)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert verified(client)
    assert StaticToken.objects.filter(device__user=publisher).count() == 9
    assert any(
        r.getMessage()
        == f"Second factor: {publisher.username} (recovery code, 9 recovery codes left) "
        "from 203.0.113.0"
        for r in caplog.records
    )
    assert not any(codes[0] in r.getMessage() for r in caplog.records)
    client.post(reverse("admin:logout"))

    sign_in(client, publisher)
    response = give_recovery(client, codes[0])
    assert response.status_code == 200
    assert "That recovery code is not right, or it has been used already." in field_error(
        response, "recovery_code"
    )
    assert BeautifulSoup(response.content, "html.parser").select_one("details").has_attr("open")
    assert not verified(client)


def test_few_recovery_codes_left_are_announced(client, publisher, required):
    _, codes = set_up_second_factor(publisher)
    StaticToken.objects.filter(token__in=codes[2:]).delete()
    sign_in(client, publisher)
    response = give_recovery(client, codes[0])
    page = client.get(response["Location"]).content.decode()
    assert "You have 1 recovery code left." in page


def test_new_recovery_codes_replace_the_old_ones(client, publisher, required):
    _, old = set_up_second_factor(publisher)
    force_login_verified(client, publisher)
    page = client.get(MANAGE).content.decode()
    assert "You have 10 unused recovery codes." in page
    response = client.post(MANAGE)
    assert response["Location"] == CODES
    new = [
        li.get_text(strip=True).replace(" ", "")
        for li in BeautifulSoup(client.get(CODES).content, "html.parser").select(
            "ol.second-factor-codes li"
        )
    ]
    assert len(new) == 10 and not set(new) & set(old)
    stored = StaticToken.objects.filter(device__user=publisher).values_list("token", flat=True)
    assert set(stored) == set(new)


# Editors: voluntary, and binding once set up ---------------------------------------------------


def test_an_editor_may_set_it_up_and_then_must_use_it(client, editor, required):
    assert sign_in(client, editor).status_code == 302
    index = client.get("/admin/")
    assert index.status_code == 200
    tools = BeautifulSoup(index.content, "html.parser").select_one("#user-tools")
    link = tools.find("a", href=MANAGE)
    assert link is not None and link.get_text() == "Two-step sign-in"

    manage = client.get(MANAGE).content.decode()
    assert "Two-step sign-in is off for your account." in manage
    _secret, codes = _set_up(client)
    assert len(codes) == 10
    client.post(CODES)
    client.post(reverse("admin:logout"))

    sign_in(client, editor)
    assert client.get("/admin/")["Location"].startswith(VERIFY)
    device = TOTPDevice.objects.get(user=editor)
    assert give(client, code_for(device, steps_ahead=1)).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_staff_setting_requires_it_of_editors(client, editor, settings):
    settings.NEWSROOM_SECOND_FACTOR_REQUIRED_FOR = "staff"
    sign_in(client, editor)
    assert client.get("/admin/")["Location"].startswith(VERIFY)


# A lost phone: a superuser's reset --------------------------------------------------------------


def test_the_reset_command_removes_the_app_and_codes_and_is_logged(
    client, publisher, required, caplog
):
    caplog.set_level(logging.INFO)
    set_up_second_factor(publisher)
    force_login_verified(client, publisher)
    assert client.get("/admin/").status_code == 200

    out = io.StringIO()
    call_command("reset_second_factor", publisher.username, stdout=out)
    assert "they set up a new authenticator app at their next sign-in" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=publisher).exists()
    assert not StaticDevice.objects.filter(user=publisher).exists()
    assert any(
        r.name == "newsroom.accounts"
        and r.getMessage()
        == f"Second factor reset: {publisher.username} by the reset_second_factor command "
        "(2 devices removed)"
        for r in caplog.records
    )
    # The open session no longer counts as verified: it sets up a new app.
    response = client.get("/admin/")
    assert response["Location"].startswith(VERIFY)
    assert client.get(response["Location"])["Location"].startswith(SET_UP)

    with pytest.raises(CommandError, match="There is no account"):
        call_command("reset_second_factor", "nobody-here")


def test_a_superuser_resets_it_from_the_staff_list(client, publisher, required, caplog):
    caplog.set_level(logging.INFO)
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    set_up_second_factor(publisher)
    force_login_verified(client, root)
    changelist = reverse("admin:auth_user_changelist")
    page = client.get(changelist).content.decode()
    assert 'value="reset_second_factor"' in page
    response = client.post(
        changelist,
        {"action": "reset_second_factor", "_selected_action": [publisher.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Two-step sign-in was reset for 1 account" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=publisher).exists()
    assert TOTPDevice.objects.filter(user=root).exists()
    assert any(
        r.getMessage().startswith(f"Second factor reset: {publisher.username} by root (admin)")
        for r in caplog.records
    )


def test_django_otp_device_pages_are_not_in_the_desk(client):
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    force_login_verified(client, root)
    page = client.get("/admin/").content.decode()
    assert "otp_totp" not in page and "otp_static" not in page


# Languages --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "title", "label"),
    [
        ("zh-hant", "兩步驟登入", "驗證程式的代碼"),
        ("zh-hans", "两步骤登录", "验证器应用的代码"),
    ],
)
def test_the_code_and_set_up_pages_are_translated(
    client, publisher, required, language, title, label
):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    sign_in(client, publisher)
    page = client.get(SET_UP).content.decode()
    assert label in page
    set_up_second_factor(publisher)
    page = client.get(VERIFY).content.decode()
    assert title in page and label in page


def test_only_a_superuser_may_reset_it(client, publisher):
    manager = make_staff("Publisher")
    manager.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    set_up_second_factor(publisher)
    force_login_verified(client, manager)
    changelist = reverse("admin:auth_user_changelist")
    assert 'value="reset_second_factor"' not in client.get(changelist).content.decode()
    client.post(changelist, {"action": "reset_second_factor", "_selected_action": [publisher.pk]})
    assert TOTPDevice.objects.filter(user=publisher).exists()


def test_a_session_waiting_for_its_code_ends_when_the_account_is_locked_meanwhile(
    client, publisher, required
):
    set_up_second_factor(publisher)
    sign_in(client, publisher)
    other = type(client)()
    for _ in range(5):  # wrong passwords for the same account from the same address
        other.post(LOGIN, {"username": publisher.username, "password": "no" * 8}, REMOTE_ADDR=ADDR)
    response = client.get(VERIFY, REMOTE_ADDR=ADDR)
    assert response.status_code == 429
    assert "Account locked" in response.content.decode()
    assert not signed_in(client)
