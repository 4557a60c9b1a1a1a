"""Editors' accounts: throttled admin login, idle timeout, session rotation, logged sign-ins."""

import datetime as dt
import logging

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from .conftest import make_staff

PASSWORD = "a long enough passphrase"  # make_staff's default
WRONG = "not-the-passphrase-xyzzy"
LOGIN = "/admin/login/"

pytestmark = pytest.mark.django_db


def _login(client, username, password, addr="203.0.113.7"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=addr,
    )


def _logged_in(client) -> bool:
    return SESSION_KEY in client.session


def _fail(client, username, times, addr="203.0.113.7"):
    return [_login(client, username, WRONG, addr).status_code for _ in range(times)]


def test_axes_settings():
    assert django_settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert django_settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert django_settings.AXES_FAILURE_LIMIT == 5
    assert django_settings.AXES_COOLOFF_TIME == dt.timedelta(minutes=15)
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    # A sign-in clears the failures once it is complete, password and second factor
    # (core.second_factor.lockout), not at the password alone.
    assert django_settings.AXES_RESET_ON_SUCCESS is False


def test_five_failures_lock_the_account_even_with_the_right_password(client, editor):
    # Four failures show the form again; the fifth locks.
    assert _fail(client, editor.username, 4) == [200, 200, 200, 200]
    assert _login(client, editor.username, WRONG).status_code == 429

    response = _login(client, editor.username, PASSWORD)
    assert response.status_code == 429
    assert not _logged_in(client)
    text = response.content.decode()
    assert "Account locked" in text
    assert "Too many failed sign-in attempts: this account is locked for 15 minutes." in text


def test_lockout_is_by_username_and_address_combined(client, editor):
    other = make_staff("Editor")
    _fail(client, editor.username, 5)

    # Another account from the same address is not locked...
    assert _login(client, other.username, PASSWORD).status_code == 302
    assert _logged_in(client)
    client.logout()
    # ...nor the same account from another address.
    assert _login(client, editor.username, PASSWORD, addr="198.51.100.9").status_code == 302
    client.logout()
    # The locked pair still is.
    assert _login(client, editor.username, PASSWORD).status_code == 429


def test_login_works_again_after_the_cool_off(client, editor):
    _fail(client, editor.username, 5)
    assert _login(client, editor.username, PASSWORD).status_code == 429

    # 16 minutes later (the attempts are dated back past the 15-minute cool-off).
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert _login(client, editor.username, PASSWORD).status_code == 302
    assert _logged_in(client)


def test_an_administrator_can_unlock(client, editor):
    _fail(client, editor.username, 5)
    assert reset(username=editor.username) >= 1
    assert _login(client, editor.username, PASSWORD).status_code == 302


def test_a_successful_login_resets_the_failure_count(client, editor):
    _fail(client, editor.username, 4)
    assert _login(client, editor.username, PASSWORD).status_code == 302
    client.logout()
    assert not AccessAttempt.objects.filter(username=editor.username).exists()

    # Four more failures do not lock: the earlier four were forgotten.
    assert _fail(client, editor.username, 4) == [200, 200, 200, 200]
    assert _login(client, editor.username, PASSWORD).status_code == 302


def test_failures_and_lockout_are_logged_without_the_password(client, editor, caplog):
    caplog.set_level(logging.INFO)
    _fail(client, editor.username, 5, addr="203.0.113.77")
    _login(client, editor.username, PASSWORD)
    reset(username=editor.username)
    _login(client, editor.username, PASSWORD)

    accounts = [r.getMessage() for r in caplog.records if r.name == "newsroom.accounts"]
    failures = [m for m in accounts if m.startswith("Failed sign-in")]
    assert len(failures) >= 5
    assert all(editor.username in m and "203.0.113.0" in m for m in failures)
    assert "203.0.113.77" not in "\n".join(accounts)  # the address is truncated
    assert any(m.startswith(f"Sign-in: {editor.username}") for m in accounts)
    assert any(
        r.name.startswith("axes") and "Locking out" in r.getMessage() for r in caplog.records
    )

    for record in caplog.records:
        logged = record.getMessage() + repr(record.args) + repr(record.__dict__)
        assert WRONG not in logged
        assert PASSWORD not in logged


def test_a_failed_attempt_logs_a_truncated_username(client, caplog):
    caplog.set_level(logging.INFO)
    _login(client, "x" * 500, WRONG)
    failures = [
        r.getMessage()
        for r in caplog.records
        if r.name == "newsroom.accounts" and r.getMessage().startswith("Failed sign-in")
    ]
    assert failures
    assert "x" * 150 in failures[0]
    assert "x" * 151 not in failures[0]


def test_an_overlong_username_is_refused_and_its_failure_recorded_cut(client):
    response = _login(client, "x" * 500, WRONG)
    assert response.status_code == 200  # the form again, with its error; no 500 on PostgreSQL
    assert AccessAttempt.objects.get().username == "x" * 150


def test_logout_is_logged(client, editor, caplog):
    caplog.set_level(logging.INFO)
    _login(client, editor.username, PASSWORD)
    client.post(reverse("admin:logout"), REMOTE_ADDR="203.0.113.7")
    assert any(
        r.name == "newsroom.accounts" and r.getMessage().startswith(f"Sign-out: {editor.username}")
        for r in caplog.records
    )


def test_the_session_key_changes_at_login(client, editor):
    session = client.session
    session["before-login"] = True
    session.save()
    before = session.session_key
    assert before

    assert _login(client, editor.username, PASSWORD).status_code == 302
    after = client.session.session_key
    assert after and after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.session[SESSION_KEY] == str(editor.pk)


def test_an_idle_admin_session_expires(client, editor):
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is True
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True

    _login(client, editor.username, PASSWORD)
    key = client.session.session_key
    expiry = Session.objects.get(session_key=key).expire_date
    assert dt.timedelta(minutes=29) < expiry - timezone.now() <= dt.timedelta(minutes=30)

    # 20 idle minutes later a request pushes the expiry back to a full 30 minutes.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + dt.timedelta(minutes=10)
    )
    assert client.get(reverse("admin:index")).status_code == 200
    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry - timezone.now() > dt.timedelta(minutes=29)

    # After 30 idle minutes the session is gone: back to the login page.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_public_pages_set_no_session_cookie(client):
    response = client.get("/en/")
    assert response.status_code == 200
    assert django_settings.SESSION_COOKIE_NAME not in response.cookies


@pytest.mark.parametrize("password", ["Zq8#mW2!pL", "password123456"])
def test_weak_passwords_are_refused(password, monkeypatch):
    with pytest.raises(ValidationError):
        validate_password(password)
    monkeypatch.setenv("NEW_DESK_PASSWORD", password)
    with pytest.raises(CommandError, match="refused"):
        call_command(
            "create_staff", "newdesk", role="editor", password_from_env="NEW_DESK_PASSWORD"
        )


def test_a_strong_password_is_accepted():
    validate_password("a long enough passphrase")
