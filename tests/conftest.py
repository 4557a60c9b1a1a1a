"""Shared fixtures and small factories that `setdefault` sensible values."""

import datetime as dt
import io
import itertools
import threading

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.manifests import keys
from core.second_factor import devices
from media_centre.models import (
    Document,
    Event,
    EventSpeaker,
    MoU,
    MoUParty,
    Organisation,
    Person,
    Position,
    PressRelease,
    Quote,
    Status,
    Study,
    Topic,
)

from .smtp import SMTPServer

_seq = itertools.count(1)


def _one_page_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


MINIMAL_PDF = _one_page_pdf()  # a real, one-page PDF that pypdf reads


@pytest.fixture(autouse=True)
def _english_unless_a_test_says_otherwise():
    """Each test starts in English, whatever language the previous test left active."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


# A test about what several processes see through one cache (invalidation reaching every
# worker) is marked `@pytest.mark.shared_cache`: it runs only when the default cache is shared
# between processes, as under `make test-redis` (CACHE_URL=redis://...), and is skipped with
# the per-process default (locmem). Such a test may open a second connection with
# `caches.create_connection("default")` to stand for another worker.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "shared_cache: needs a cache shared between processes (make test-redis)"
    )


def pytest_runtest_setup(item):
    from django.conf import settings

    if item.get_closest_marker("shared_cache") and (
        settings.CACHES["default"]["BACKEND"] in PER_PROCESS_CACHES
    ):
        pytest.skip("needs a shared cache: run with CACHE_URL=redis://... (make test-redis)")


@pytest.fixture(scope="session", autouse=True)
def _signing_key(tmp_path_factory):
    """A key of the suite's own signs what tests publish (pytest runs with DEBUG off, where
    the site refuses to make one itself); a test may override the setting with another."""
    path = tmp_path_factory.mktemp("signing") / "signing-key.pem"
    keys.create_key_file(path)
    with override_settings(NEWSROOM_SIGNING_KEY_FILE=str(path)):
        yield path


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests make staff accounts by the hundred: a fast hasher (production keeps Django's)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, so that no test sees another's cached tables."""
    from django.core.cache import cache

    from core import counters, throttle

    counters.forget_tally()
    throttle.forget()
    cache.clear()
    yield
    counters.forget_tally()
    throttle.forget()
    cache.clear()


@pytest.fixture(autouse=True)
def _isolated_media_and_static(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def all_at_once(visitors: int, visit) -> list[str]:
    """Runs `visit(client, n)` in `visitors` threads that start together, each with its own
    client and database connection; returns what failed (a visit's own messages, and any
    exception such as "database is locked")."""
    failures: list[str] = []
    start = threading.Barrier(visitors)

    def visitor(n: int) -> None:
        try:
            start.wait()
            failures.extend(visit(Client(), n))
        except Exception as error:
            failures.append(f"{n}: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=visitor, args=(n,)) for n in range(visitors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a visitor never finished"
    return failures


def _published(kw: dict) -> dict:
    kw.setdefault("status", Status.PUBLISHED)
    if kw["status"] == Status.PUBLISHED:
        kw.setdefault("publish_at", timezone.now() - dt.timedelta(days=1))
    return kw


def make_organisation(**kw) -> Organisation:
    n = next(_seq)
    kw.setdefault("name", f"Organisation {n}")
    kw.setdefault("slug", f"organisation-{n}")
    return Organisation.objects.create(**kw)


def make_topic(**kw) -> Topic:
    n = next(_seq)
    kw.setdefault("name", f"Topic {n}")
    kw.setdefault("slug", f"topic-{n}")
    return Topic.objects.create(**kw)


def make_person(positions: int = 1, **kw) -> Person:
    n = next(_seq)
    kw.setdefault("honorific", "Ms")
    kw.setdefault("name", f"Speaker {n}")
    kw.setdefault("slug", f"speaker-{n}")
    person = Person.objects.create(**_published(kw))
    for i in range(positions):
        Position.objects.create(
            person=person, title=f"Director {i}", organisation=make_organisation(), order=i
        )
    return person


def make_document(**kw) -> Document:
    n = next(_seq)
    kw.setdefault("title", f"Document {n}")
    content = kw.pop("content", MINIMAL_PDF)
    doc = Document(file=ContentFile(content, name=f"document-{n}.pdf"), **kw)
    doc.save()
    return doc


def make_release(**kw) -> PressRelease:
    n = next(_seq)
    kw.setdefault("headline", f"Release number {n}")
    kw.setdefault("slug", f"release-{n}")
    kw.setdefault("release_date", dt.date(2025, 6, 19))
    kw.setdefault("dateline_place", "Hong Kong")
    kw.setdefault("summary", f"Summary of release {n}.")
    kw.setdefault("body", f"<p>Body of release {n}.</p>")
    return PressRelease.objects.create(**_published(kw))


def make_event(**kw) -> Event:
    n = next(_seq)
    kw.setdefault("title", f"Seminar {n}")
    kw.setdefault("slug", f"seminar-{n}")
    kw.setdefault("start_date", dt.date(2025, 6, 19))
    kw.setdefault("time_zone", "Asia/Shanghai")
    kw.setdefault("city", "Shanghai")
    return Event.objects.create(**_published(kw))


def make_mou(parties: int = 2, **kw) -> MoU:
    n = next(_seq)
    kw.setdefault("title", f"Memorandum {n}")
    kw.setdefault("slug", f"memorandum-{n}")
    kw.setdefault("signed_on", dt.date(2024, 10, 1))
    mou = MoU.objects.create(**_published(kw))
    for i in range(parties):
        MoUParty.objects.create(mou=mou, organisation=make_organisation(), order=i)
    return mou


def make_study(**kw) -> Study:
    n = next(_seq)
    kw.setdefault("title", f"Study {n}")
    kw.setdefault("slug", f"study-{n}")
    kw.setdefault("publication_date", dt.date(2025, 6, 19))
    return Study.objects.create(**_published(kw))


def make_quote(release: PressRelease, person: Person, **kw) -> Quote:
    kw.setdefault("text", "We will work together.")
    return Quote.objects.create(release=release, person=person, **kw)


def make_speaker(event: Event, person: Person, **kw) -> EventSpeaker:
    kw.setdefault("role", EventSpeaker.Role.OPENING_REMARKS)
    return EventSpeaker.objects.create(event=event, person=person, **kw)


def make_staff(role: str, **kw) -> User:
    """A staff user in the Editor or Publisher group (made by a migration)."""
    n = next(_seq)
    user = User.objects.create_user(
        username=kw.pop("username", f"{role.lower()}{n}"),
        password=kw.pop("password", "a long enough passphrase"),
        is_staff=True,
        **kw,
    )
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor(db) -> User:
    return make_staff("Editor")


@pytest.fixture
def publisher(db) -> User:
    return make_staff("Publisher")


def set_up_second_factor(user):
    """The account's authenticator app (confirmed) and its ten recovery codes, as set-up makes
    them; returns (device, codes)."""
    device = devices.unsaved_authenticator(user, devices.new_secret())
    device.confirmed = True
    device.save()
    return device, devices.new_recovery_codes(user)


def force_login_verified(client, user):
    """`client.force_login` past both factors: force_login gives no second factor, so the
    session is marked as verified by the account's app (set up here when it has none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device, _ = set_up_second_factor(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (tests/smtp.py) that Django's default mailer sends to."""
    server = SMTPServer()
    server.start()
    settings.MAILERS = server.mailers()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Background tasks run as they are queued, so that a test sees their result without a
    worker; a test about the queue itself uses `task_queue` and runs the worker (`run_worker`)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def task_queue(settings):
    """Tasks wait in the database queue, as in production, until `run_worker()`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    """The worker, until the queue is empty (as `manage.py worker --batch`), in this test's
    connection: it would otherwise close the connection that holds the test's transaction."""
    import signal
    from unittest import mock

    from django.core.management import call_command

    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    target = "django_tasks_db.management.commands.db_worker.close_old_connections"
    try:
        with mock.patch(target):
            call_command("worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def downloads_counted(document: Document) -> int:
    """The document's downloads once the worker has moved the counts to the database."""
    from media_centre.download_counts import flush_download_counts

    flush_download_counts.call()
    document.refresh_from_db()
    return document.download_count
