"""Subscribing to email alerts: double opt-in through a real SMTP server, the same answer for
every address, limits that stop the form being used against a stranger's inbox, managing and
one-click unsubscribing (RFC 8058), and bounces marked in the desk."""

import datetime as dt
import re
import time

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from media_centre import subscriptions
from media_centre.alerts.tasks import raise_alerts
from media_centre.models import Frequency, PressRelease, Status, Subscriber

from .conftest import all_at_once, make_release, make_staff, make_topic

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"
SUBSCRIBE = "/en/alerts/"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.NEWSROOM_SITE_URL = SITE


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def link_in(message, pattern: str) -> str:
    """The path of the first link to this site matching `pattern` in the message's text."""
    url = re.search(re.escape(SITE) + r"(\S*" + pattern + r"\S*)", text_of(message))
    assert url, text_of(message)
    return url.group(1)


def ask(client, email="ann@example.org", path=SUBSCRIBE, **fields):
    data = {"email": email, "language": "en", "frequency": "immediate", "releases": "on"}
    data.update(fields)
    return client.post(path, {k: v for k, v in data.items() if v is not None})


def page_text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


def test_subscribing_sends_only_a_confirmation_whose_link_confirms_after_a_click(
    client, smtp_server
):
    response = ask(client, "Ann@Example.org", path="/zh-hant/alerts/", language="zh-hant")

    assert response.status_code == 302
    sent = client.get(response["Location"])
    assert "請查看您的郵箱" in page_text(sent)
    (message,) = smtp_server.messages
    assert message["To"] == "ann@example.org"
    assert "確認" in message["Subject"]
    subscriber = Subscriber.objects.get()
    assert subscriber.language == "zh-hant" and subscriber.releases
    assert subscriber.confirmed_at is None
    assert subscriber.wording_version == subscriptions.WORDING_VERSION
    assert subscriber.wording_hash == subscriptions.wording_hash("zh-hant")

    confirm_path = link_in(message, "/alerts/confirm/")
    assert confirm_path.startswith("/zh-hant/")
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None  # a link scanner following it confirms nothing

    confirmed = client.post(confirm_path)
    assert confirmed.status_code == 302
    assert confirmed["Location"].startswith(subscriber.get_manage_url())
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None
    assert len(smtp_server.messages) == 1


def test_the_whole_path_subscribe_confirm_publish_alert_one_click_unsubscribe(
    client, publisher, smtp_server, django_capture_on_commit_callbacks
):
    green = make_topic(name="Green finance", name_zh_hant="綠色金融")
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, "bo@example.org", path="/zh-hant/alerts/", language="zh-hant",
            releases=None, topics=[green.pk])  # fmt: skip
    client.post(link_in(smtp_server.messages[0], "/alerts/confirm/"))

    release = make_release(status=Status.DRAFT, headline_zh_hant="綠色金融研討會")
    release.topics.add(green)
    client.force_login(publisher)
    publish = reverse("admin:media_centre_pressrelease_publish", args=[release.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(publish + "?when=now", {}).status_code == 302

    alert = smtp_server.messages[1]
    assert alert["To"] == "bo@example.org"
    assert alert["Subject"] == "新聞稿：綠色金融研討會"
    assert "/zh-hant/media-centre/press-releases/" in text_of(alert)
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = alert["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith(SITE + "/zh-hant/alerts/unsubscribe/")

    # What a mail client does on "Unsubscribe": one POST, no cookie, no CSRF token, no login.
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        unsubscribe.removeprefix(SITE),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscriber.objects.exists()

    another = make_release(status=Status.DRAFT, headline_zh_hant="另一篇")
    another.topics.add(green)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:media_centre_pressrelease_publish", args=[another.pk]) + "?when=now",
            {},
        )
    assert len(smtp_server.messages) == 2  # nothing more arrives


def test_nothing_is_sent_to_an_address_that_has_not_confirmed(client, smtp_server):
    ask(client)
    make_release(publish_at=timezone.now())

    raise_alerts.call()
    assert len(smtp_server.messages) == 1  # the confirmation only


def test_an_expired_confirmation_link_is_refused_and_offers_to_subscribe_again(
    client, smtp_server, settings, monkeypatch
):
    ask(client)
    path = link_in(smtp_server.messages[0], "/alerts/confirm/")
    later = time.time() + (settings.NEWSROOM_ALERTS_CONFIRM_HOURS + 1) * 3600
    monkeypatch.setattr(time, "time", lambda: later)

    response = client.post(path)

    assert response.status_code == 410
    assert "This link has expired" in page_text(response)
    assert SUBSCRIBE in response.content.decode()
    assert Subscriber.objects.get().confirmed_at is None


@pytest.mark.parametrize(
    "code", ["forged", "a" * 5000, "eyJzIjoxfQ:1wQ:xx", "%00", "..", "ünïcode"]
)
def test_a_forged_confirmation_link_is_not_found(client, code):
    assert client.get(f"/en/alerts/confirm/{code}/").status_code == 404


def test_the_form_answers_the_same_whether_or_not_the_address_is_subscribed(client, smtp_server):
    first = ask(client, "new@example.org")
    Subscriber.objects.create(
        email="old@example.org", events=True, confirmed_at=timezone.now(), language="en"
    )
    second = ask(client, "old@example.org", releases="on", events=None)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert page_text(client.get(first["Location"])) == page_text(client.get(second["Location"]))
    old = Subscriber.objects.get(email="old@example.org")
    assert old.events and not old.releases  # a stranger cannot change a confirmed subscription
    already = next(m for m in smtp_server.messages if m["To"] == "old@example.org")
    assert "already subscribed" in text_of(already)
    assert SITE + old.get_manage_url() in text_of(already)


def test_an_address_gets_at_most_one_confirmation_in_ten_minutes_and_three_a_day(
    client, smtp_server
):
    for _ in range(3):
        assert ask(client).status_code == 302
    assert len(smtp_server.messages) == 1

    subscriber = Subscriber.objects.get()
    for _ in range(3):
        Subscriber.objects.filter(pk=subscriber.pk).update(
            confirmation_sent_at=timezone.now() - dt.timedelta(minutes=11)
        )
        ask(client)
    assert len(smtp_server.messages) == 3  # three in a day, then no more

    Subscriber.objects.filter(pk=subscriber.pk).update(
        confirmation_sent_at=timezone.now() - dt.timedelta(days=1, minutes=1)
    )
    ask(client)
    assert len(smtp_server.messages) == 4


def test_one_client_may_ask_only_so_often(client, smtp_server, settings):
    settings.NEWSROOM_ALERTS_SUBSCRIBE_PER_HOUR = 3
    for n in range(3):
        assert ask(client, f"person{n}@example.org").status_code == 302

    refused = ask(client, "person9@example.org")

    assert refused.status_code == 429
    assert "Too many requests" in page_text(refused)
    assert not Subscriber.objects.filter(email="person9@example.org").exists()


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"email": "not an address"}, "Enter a valid email address."),
        ({"email": "a" * 300 + "@example.org"}, "Ensure this value has at most 254"),
        ({"releases": None}, "Choose what to receive"),
        ({"topics": ["999999"]}, "Select a valid choice"),
        ({"topics": ["x' OR 1=1"]}, "is not a valid value"),
        ({"language": "fr"}, "Select a valid choice"),
        ({"frequency": "hourly"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_saved(client, smtp_server, fields, error):
    response = ask(client, **fields)

    assert response.status_code == 200
    assert error in page_text(response)
    assert not Subscriber.objects.exists()
    assert smtp_server.messages == []


def test_unconfirmed_subscriptions_are_deleted_once_their_link_has_expired(settings):
    old = Subscriber.objects.create(email="old@example.org", releases=True)
    Subscriber.objects.filter(pk=old.pk).update(
        confirmation_sent_at=timezone.now() - dt.timedelta(hours=49)
    )
    Subscriber.objects.create(email="recent@example.org", releases=True)
    Subscriber.objects.create(
        email="confirmed@example.org", releases=True, confirmed_at=timezone.now()
    )
    Subscriber.objects.filter(email="confirmed@example.org").update(
        subscribed_at=timezone.now() - dt.timedelta(days=30)
    )

    subscriptions.prune_unconfirmed.call()

    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "confirmed@example.org",
        "recent@example.org",
    ]


@pytest.fixture
def confirmed(db) -> Subscriber:
    return Subscriber.objects.create(
        email="ann@example.org", releases=True, confirmed_at=timezone.now()
    )


def test_the_manage_page_changes_choices_privately(client, confirmed):
    topic = make_topic(name="Fintech")
    path = confirmed.get_manage_url()

    page = client.get(path)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert page["Referrer-Policy"] == "no-referrer"
    assert "ann@example.org" in page_text(page)

    saved = client.post(
        path,
        {"action": "save", "language": "zh-hans", "frequency": "daily", "topics": [topic.pk]},
    )
    assert saved.status_code == 200
    assert "Your choices are saved." in page_text(saved)
    confirmed.refresh_from_db()
    assert confirmed.language == "zh-hans" and confirmed.frequency == Frequency.DAILY
    assert not confirmed.releases
    assert list(confirmed.topics.all()) == [topic]

    nothing = client.post(path, {"action": "save", "language": "en", "frequency": "daily"})
    assert "Choose what to receive" in page_text(nothing)


def test_deleting_from_the_manage_page_removes_the_address(client, confirmed):
    response = client.post(confirmed.get_manage_url(), {"action": "delete"})

    assert response.status_code == 200
    assert "Your address has been deleted" in page_text(response)
    assert not Subscriber.objects.exists()
    assert client.get(confirmed.get_manage_url()).status_code == 404


def test_the_unsubscribe_link_only_asks_on_a_get_and_unsubscribes_with_one_post(client, confirmed):
    path = confirmed.get_unsubscribe_url()

    asked = client.get(path)
    assert asked.status_code == 200
    assert Subscriber.objects.exists()  # link scanners follow links
    form = BeautifulSoup(asked.content, "html.parser").find("form", method="post")
    assert form.find("button").get_text(strip=True) == "Unsubscribe"

    done = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "You are unsubscribed" in page_text(done)
    assert not Subscriber.objects.exists()
    again = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200  # used twice: the same answer


@pytest.mark.parametrize("token", ["nope", "x" * 500, "%F0%9F"])
def test_made_up_subscriber_links_are_not_found(client, token):
    assert client.get(f"/en/alerts/manage/{token}/").status_code == 404
    assert client.get(f"/en/alerts/unsubscribe/{token}/").status_code == 404


def test_every_page_has_the_short_form_and_it_leads_to_the_full_one(client):
    for path in ("/en/", "/en/media-centre/press-releases/", "/en/media-centre/events/"):
        soup = BeautifulSoup(client.get(path).content, "html.parser")
        form = soup.select_one("footer form.signup")
        assert form["method"] == "get"  # no CSRF token: stored pages stay shareable
        assert form["action"] == SUBSCRIBE
        assert form.find("input", {"type": "email"})["name"] == "email"
    release_list = BeautifulSoup(
        client.get("/en/media-centre/press-releases/").content, "html.parser"
    )
    assert release_list.find("a", href=f"{SUBSCRIBE}?follow=releases")

    full = client.get(SUBSCRIBE, {"email": "ann@example.org", "follow": "events"})
    soup = BeautifulSoup(full.content, "html.parser")
    assert soup.find("input", {"name": "email"})["value"] == "ann@example.org"
    assert soup.find("input", {"name": "events"}).has_attr("checked")
    assert not soup.find("input", {"name": "releases"}).has_attr("checked")


# The desk


def test_publishers_see_subscribers_and_editors_do_not(client, confirmed):
    client.force_login(make_staff("Editor"))
    assert client.get(reverse("admin:media_centre_subscriber_changelist")).status_code == 403
    client.force_login(make_staff("Publisher"))
    page = client.get(reverse("admin:media_centre_subscriber_changelist"))
    assert page.status_code == 200
    assert "ann@example.org" in page_text(page)
    assert "Mark addresses that bounce" in page_text(page)


def test_a_publisher_marks_an_address_as_bouncing_and_it_gets_nothing_more(
    client, confirmed, smtp_server
):
    client.force_login(make_staff("Publisher"))
    client.post(
        reverse("admin:media_centre_subscriber_changelist"),
        {"action": "mark_bouncing", "_selected_action": [confirmed.pk]},
    )
    confirmed.refresh_from_db()
    assert confirmed.bounced_at is not None

    make_release(publish_at=timezone.now())
    raise_alerts.call()
    assert smtp_server.messages == []


def test_bounces_are_marked_from_a_file(client, confirmed):
    Subscriber.objects.create(email="bo@example.org", releases=True, confirmed_at=timezone.now())
    Subscriber.objects.create(email="cy@example.org", releases=True, confirmed_at=timezone.now())
    client.force_login(make_staff("Publisher"))
    upload = SimpleUploadedFile(
        "bounces.csv",
        b"\xef\xbb\xbfaddress,reason\nANN@example.org,550 no such user\n"
        b"stranger@example.org,550\n<bo@example.org>; other\n",
        content_type="text/csv",
    )

    response = client.post(
        reverse("admin:media_centre_subscriber_bounces"),
        {"file": upload, "reason": "Mailbox does not exist"},
        follow=True,
    )

    assert "2 of the file's 3 addresses were subscribers" in page_text(response)
    bounced = Subscriber.objects.filter(bounced_at__isnull=False)
    assert sorted(bounced.values_list("email", flat=True)) == ["ann@example.org", "bo@example.org"]
    assert set(bounced.values_list("bounce_reason", flat=True)) == {"Mailbox does not exist"}


@pytest.mark.parametrize(
    "content, error",
    [
        (b"\xff\xfe\x00n\x00o", "not text in UTF-8"),
        (b"no addresses here\n", "holds no email address"),
        (b"a@b.org\x00\x00", "not text"),
    ],
)
def test_a_bad_bounce_file_is_a_form_error(client, content, error):
    client.force_login(make_staff("Publisher"))
    response = client.post(
        reverse("admin:media_centre_subscriber_bounces"),
        {"file": SimpleUploadedFile("x.csv", content), "reason": "Bounced"},
    )
    assert response.status_code == 200
    assert error in page_text(response)


def test_editors_cannot_mark_bounces(client):
    client.force_login(make_staff("Editor"))
    assert client.get(reverse("admin:media_centre_subscriber_bounces")).status_code == 403


def test_alerts_are_not_sent_for_an_item_still_a_draft(client, confirmed, smtp_server):
    make_release(status=Status.DRAFT)
    raise_alerts.call()
    assert smtp_server.messages == []
    assert PressRelease.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_address_sent_many_times_at_once_makes_one_subscription(smtp_server):
    def visit(client, n):
        response = ask(client, "Ann@example.org" if n % 2 else "ann@example.org")
        return [] if response.status_code == 302 else [f"{n}: {response.status_code}"]

    assert all_at_once(8, visit) == []
    assert Subscriber.objects.count() == 1
    assert len(smtp_server.messages) == 1
