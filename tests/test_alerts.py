"""Email alerts go out when an item becomes public, through a real SMTP server, at most once per
address: in the subscriber's language, with one-click unsubscribe headers, no tracking, by the
worker, as a daily digest for those who chose one, and not again after a worker is killed."""

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import periodic
from core.drafts.models import Draft
from media_centre.alerts import raising, sending, tasks
from media_centre.models import (
    Alert,
    Delivery,
    DeliveryStatus,
    Frequency,
    PressRelease,
    Status,
    Subscriber,
)
from media_centre.scheduled_changes import publish_due_changes

from .conftest import make_event, make_release, make_study, make_topic, run_worker
from .test_drafts import edit, schedule_fields

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parent.parent
SITE = "https://news.example.org"
LONG_AGO = timezone.now() - dt.timedelta(days=3)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.NEWSROOM_SITE_URL = SITE


def subscribe(email: str, **kw) -> Subscriber:
    kw.setdefault("confirmed_at", timezone.now())
    topics = kw.pop("topics", [])
    subscriber = Subscriber.objects.create(email=email, **kw)
    subscriber.topics.set(topics)
    return subscriber


def make_followers(count: int, **kw) -> list[Subscriber]:
    kw.setdefault("releases", True)
    now = timezone.now()
    return Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{n}@example.org", confirmed_at=now, **kw) for n in range(count)
    )


def publish_now(client, publisher, item, django_capture_on_commit_callbacks):
    client.force_login(publisher)
    path = reverse("admin:media_centre_pressrelease_publish", args=[item.pk]) + "?when=now"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, {})
    assert response.status_code == 302, response.content.decode()[:2000]


def by_recipient(smtp_server) -> dict[str, list]:
    received: dict[str, list] = {}
    for message in smtp_server.messages:
        received.setdefault(message["To"], []).append(message)
    return received


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def test_publishing_alerts_each_follower_once_in_their_language_with_list_headers(
    client, publisher, smtp_server, django_capture_on_commit_callbacks
):
    green = make_topic(name="Green finance", name_zh_hant="綠色金融")
    release = make_release(
        status=Status.DRAFT,
        headline="Seminar on financial connectivity held in Shanghai",
        headline_zh_hant="金融互聯互通研討會在上海舉行",
        summary="The FSDC co-organised a seminar.",
        summary_zh_hant="金發局合辦研討會。",
    )
    release.topics.add(green)
    english = subscribe("ann@example.org", releases=True)
    subscribe("bo@example.org", language="zh-hant", releases=True)
    subscribe("cy@example.org", language="zh-hans", topics=[green])
    subscribe("events-only@example.org", events=True)
    subscribe("unconfirmed@example.org", releases=True, confirmed_at=None)
    subscribe("bounced@example.org", releases=True, bounced_at=timezone.now())

    publish_now(client, publisher, release, django_capture_on_commit_callbacks)

    received = by_recipient(smtp_server)
    assert sorted(received) == ["ann@example.org", "bo@example.org", "cy@example.org"]
    assert all(len(messages) == 1 for messages in received.values())

    message = received["ann@example.org"][0]
    assert message["Subject"] == "Press release: Seminar on financial connectivity held in Shanghai"
    page = SITE + release.get_absolute_url()
    assert page in text_of(message)
    assert "The FSDC co-organised a seminar." in text_of(message)
    unsubscribe = SITE + reverse("media_centre:alerts-unsubscribe", args=[english.token])
    assert message["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in text_of(message)
    assert SITE + english.get_manage_url() in text_of(message)
    html = html_of(message)
    assert '<html lang="en">' in html
    assert f'href="{page}"' in html
    # No tracking: no image at all, and every link goes straight to the site's own pages.
    assert "<img" not in html
    assert "?" not in page

    chinese = received["bo@example.org"][0]
    assert "/zh-hant/alerts/unsubscribe/" in chinese["List-Unsubscribe"]
    if folder := os.environ.get("SCREENSHOT_DIR"):  # to look at, as a mail client shows it
        Path(folder, "alert-en.html").write_text(html)
        Path(folder, "alert-zh-hant.html").write_text(html_of(chinese))
        Path(folder, "alert-en.txt").write_text(text_of(message))
    assert chinese["Subject"] == "新聞稿：金融互聯互通研討會在上海舉行"
    assert "/zh-hant/" in text_of(chinese)
    assert '<html lang="zh-Hant">' in html_of(chinese)
    simplified = received["cy@example.org"][0]
    assert "/zh-hans/" in text_of(simplified)
    assert '<html lang="zh-Hans">' in html_of(simplified)

    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 3


def test_edits_and_a_second_publication_do_not_alert_again(
    client, publisher, smtp_server, django_capture_on_commit_callbacks
):
    release = make_release(status=Status.DRAFT)
    subscribe("ann@example.org", releases=True)
    publish_now(client, publisher, release, django_capture_on_commit_callbacks)
    assert len(smtp_server.messages) == 1

    with django_capture_on_commit_callbacks(execute=True):
        release.summary = "A better summary."
        release.save()
    tasks.raise_alerts.call()

    assert len(smtp_server.messages) == 1
    assert Alert.objects.count() == 1


def test_an_item_published_long_ago_raises_no_alert(smtp_server):
    subscribe("ann@example.org", releases=True)
    make_release(publish_at=timezone.now() - dt.timedelta(days=30))

    tasks.raise_alerts.call()

    assert smtp_server.messages == []
    assert not Alert.objects.exists()


def test_events_and_publications_alert_those_who_follow_them(smtp_server):
    subscribe("events@example.org", events=True)
    subscribe("studies@example.org", publications=True)
    make_event(title="Forum on maritime finance", publish_at=timezone.now())
    make_study(title="Synergistic Development", publish_at=timezone.now())

    tasks.raise_alerts.call()

    received = by_recipient(smtp_server)
    assert received["events@example.org"][0]["Subject"] == "Event: Forum on maritime finance"
    assert received["studies@example.org"][0]["Subject"] == "Publication: Synergistic Development"


def test_a_scheduled_release_alerts_when_its_time_passes_with_nobody_saving(
    task_queue, smtp_server
):
    subscribe("ann@example.org", releases=True)
    release = make_release(publish_at=timezone.now() + dt.timedelta(hours=2))
    clock = periodic.Clock()
    clock.tick(0)  # a worker starting queues its periodic tasks, raising alerts among them
    run_worker()
    assert smtp_server.messages == []  # still embargoed

    # Time passes: nothing is saved, the row is as the publisher left it.
    PressRelease.objects.filter(pk=release.pk).update(publish_at=timezone.now())
    assert "media_centre.alerts.tasks.raise_alerts" not in clock.tick(30)  # not due yet
    assert "media_centre.alerts.tasks.raise_alerts" in clock.tick(61)
    run_worker()

    assert [m["To"] for m in smtp_server.messages] == ["ann@example.org"]


def test_a_mail_server_that_is_down_keeps_the_alerts_until_it_is_back(smtp_server):
    subscribe("ann@example.org", releases=True)
    subscribe("bo@example.org", releases=True)
    make_release(publish_at=timezone.now())
    smtp_server.stop()

    tasks.raise_alerts.call()  # no error reaches the worker

    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.PENDING}
    smtp_server.start()
    tasks.send_alerts.call()
    assert sorted(m["To"] for m in smtp_server.messages) == ["ann@example.org", "bo@example.org"]
    tasks.send_alerts.call()
    assert len(smtp_server.messages) == 2


def test_an_address_the_server_refuses_is_not_tried_again_and_others_still_get_theirs(
    smtp_server,
):
    subscribe("ann@example.org", releases=True)
    subscribe("gone@example.org", releases=True)
    smtp_server.refuse("gone@example.org")
    make_release(publish_at=timezone.now())

    tasks.raise_alerts.call()
    tasks.send_alerts.call()

    assert [m["To"] for m in smtp_server.messages] == ["ann@example.org"]
    failed = Delivery.objects.get(subscriber__email="gone@example.org")
    assert failed.status == DeliveryStatus.FAILED
    assert "550" in failed.error


def test_someone_who_unsubscribes_or_bounces_before_the_batch_goes_gets_nothing(smtp_server):
    ann = subscribe("ann@example.org", releases=True)
    bo = subscribe("bo@example.org", releases=True)
    raising.raise_alert(make_release(publish_at=timezone.now()))
    ann.delete()
    Subscriber.objects.filter(pk=bo.pk).update(bounced_at=timezone.now())

    tasks.send_alerts.call()

    assert smtp_server.messages == []
    assert Delivery.objects.get().status == DeliveryStatus.SKIPPED


def test_daily_subscribers_get_one_digest_for_three_releases(smtp_server, settings):
    settings.NEWSROOM_ALERTS_DIGEST_HOUR = 8
    subscribe("daily@example.org", releases=True, frequency=Frequency.DAILY)
    subscribe("now@example.org", releases=True)
    for n in range(3):
        make_release(headline=f"Release {n} of the day", publish_at=timezone.now())

    tasks.raise_alerts.call()
    assert sorted(m["To"] for m in smtp_server.messages) == ["now@example.org"] * 3

    tomorrow = timezone.now() + dt.timedelta(days=1)
    assert sending.send_digests(tomorrow) == 1
    assert sending.send_digests(tomorrow + dt.timedelta(hours=1)) == 0  # once a day

    digests = by_recipient(smtp_server)["daily@example.org"]
    assert len(digests) == 1
    assert digests[0]["Subject"] == "Newsroom: 3 new items today"
    body = text_of(digests[0])
    assert all(f"Release {n} of the day" in body for n in range(3))
    assert digests[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_digest_waits_for_the_digest_hour(smtp_server, settings):
    settings.NEWSROOM_ALERTS_DIGEST_HOUR = 8
    subscribe("daily@example.org", releases=True, frequency=Frequency.DAILY)
    make_release(publish_at=timezone.now())
    tasks.raise_alerts.call()

    assert sending.send_digests(timezone.now()) == 0
    assert smtp_server.messages == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_at_once_never_send_an_alert_twice(smtp_server):
    make_followers(60)
    raising.raise_alert(make_release(publish_at=LONG_AGO))  # (not sent on its save's commit)
    smtp_server.slow_down(0.01)
    failures = []

    def worker():
        try:
            sending.send_immediate()
        except Exception as error:  # noqa: BLE001 (reported below)
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    addresses = [m["To"] for m in smtp_server.messages]
    assert len(set(Delivery.objects.values_list("claim", flat=True))) >= 3  # batches
    assert len(addresses) == 60
    assert len(set(addresses)) == 60
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 60


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _worker(tmp_path: Path, smtp_port: int, name: str, **environment) -> subprocess.Popen:
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay"],
        cwd=REPO,
        env={
            **os.environ,
            "DATABASE_URL": _database_url(),
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "NEWSROOM_SITE_URL": SITE,
            **environment,
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait(predicate, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_is_resumed_by_the_next_without_duplicates(smtp_server, tmp_path):
    make_followers(40)
    raising.raise_alert(make_release(publish_at=LONG_AGO))  # (not sent on its save's commit)
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING).count() == 40
    smtp_server.slow_down(0.1)

    first = _worker(tmp_path, smtp_server.port, "first")
    try:
        _wait(lambda: len(smtp_server.messages) >= 8, 120)
    finally:
        first.send_signal(signal.SIGKILL)  # no chance to tidy up
        first.wait(timeout=30)
    statuses = set(Delivery.objects.values_list("status", flat=True))
    assert DeliveryStatus.SENDING in statuses  # its batch was left half sent
    received_before = len(smtp_server.messages)
    assert received_before < 40

    # The next worker finds the abandoned batch (old enough at once here) and finishes.
    second = _worker(tmp_path, smtp_server.port, "second", NEWSROOM_ALERTS_CLAIM_SECONDS="0")
    try:
        _wait(
            lambda: (
                not Delivery.objects.filter(
                    status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]
                ).exists()
            ),
            120,
        )
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=60)

    addresses = [m["To"] for m in smtp_server.messages]
    assert len(addresses) == len(set(addresses)), "an address got the alert twice"
    sent = Delivery.objects.filter(status=DeliveryStatus.SENT).count()
    unknown = Delivery.objects.filter(status=DeliveryStatus.UNKNOWN).count()
    assert sent + unknown == 40
    assert unknown <= 1  # only the one being sent when the worker died is in doubt
    assert sent <= len(addresses) <= sent + unknown


def test_a_correction_alerts_only_when_the_publisher_asks(
    client, editor, publisher, smtp_server, django_capture_on_commit_callbacks
):
    live = make_release(headline="Seminar held", publish_at=LONG_AGO)
    subscribe("ann@example.org", releases=True)
    publish_page = reverse("admin:media_centre_pressrelease_publish", args=[live.pk])

    client.force_login(editor)
    edit(client, live, summary_en="Corrected summary.")
    client.force_login(publisher)
    page = client.get(publish_page + "?when=now")
    assert "Email the note to the subscribers who follow this" in page.content.decode()
    minor = client.post(publish_page, {"when": "now", "kind": "minor", "alert": "on"})
    assert "A minor edit carries no note" in minor.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            publish_page,
            {"when": "now", "kind": "correction", "note_en": "The date was wrong.", "alert": "on"},
        )

    (message,) = smtp_server.messages
    assert message["Subject"] == "Correction: Seminar held"
    assert "The date was wrong." in text_of(message)

    client.force_login(editor)
    edit(client, live, summary_en="Corrected again.")
    client.force_login(publisher)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(publish_page, {"when": "now", "kind": "update", "note_en": "Photos added."})
    assert len(smtp_server.messages) == 1  # not asked: no alert


def test_a_scheduled_correction_alerts_when_its_changes_go_public(
    client, editor, publisher, smtp_server, django_capture_on_commit_callbacks
):
    live = make_release(headline="Seminar held", publish_at=LONG_AGO)
    subscribe("ann@example.org", releases=True)
    client.force_login(editor)
    edit(client, live, summary_en="Corrected summary.")
    client.force_login(publisher)
    soon = timezone.now() + dt.timedelta(hours=2)
    response = client.post(
        reverse("admin:media_centre_pressrelease_publish", args=[live.pk]),
        {
            **schedule_fields(soon),
            "kind": "correction",
            "note_en": "The summary was corrected.",
            "alert": "on",
        },
    )
    assert response.status_code == 302
    assert smtp_server.messages == []

    Draft.objects.update(publish_at=timezone.now() - dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        publish_due_changes.call()

    (message,) = smtp_server.messages
    assert message["Subject"] == "Correction: Seminar held"
    assert "The summary was corrected." in text_of(message)


def test_the_desk_lists_each_alert_with_how_many_got_it(admin_client, client, editor, smtp_server):
    subscribe("ann@example.org", releases=True)
    subscribe("gone@example.org", releases=True)
    smtp_server.refuse("gone@example.org")
    make_release(headline="Seminar held", publish_at=timezone.now())
    tasks.raise_alerts.call()

    page = admin_client.get(reverse("admin:media_centre_alert_changelist"))
    assert page.status_code == 200
    cells = [
        " ".join(td.get_text().split())
        for td in BeautifulSoup(page.content, "html.parser").select("#result_list tbody td")
    ]
    assert cells[0] == "Press release: Seminar held"
    assert cells[1] == "Newly published"
    assert cells[2].endswith("HKT")
    assert cells[3:] == ["2", "1", "0", "1"]  # recipients, sent, waiting, not sent
    soup = BeautifulSoup(page.content, "html.parser")
    assert "Press release: Seminar held" in " ".join(
        soup.select_one("#result_list").get_text().split()
    )
    deliveries = admin_client.get(reverse("admin:media_centre_delivery_changelist"))
    assert "Refused by the mail server" in deliveries.content.decode()

    client.force_login(editor)
    assert client.get(reverse("admin:media_centre_alert_changelist")).status_code == 403


def test_saves_of_public_items_queue_one_look_for_new_alerts_not_one_each(
    task_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            make_release(headline=f"Release {n}", publish_at=timezone.now())

    waiting = DBTaskResult.objects.filter(task_path="media_centre.alerts.tasks.raise_alerts")
    assert waiting.count() == 1
