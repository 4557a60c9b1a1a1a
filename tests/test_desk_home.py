"""The desk home: where to start, my drafts, what is scheduled or embargoed, what was published
lately and which visitors wait for an accessible version; each line leads to its item."""

import datetime as dt
import zoneinfo

import pytest
import reversion
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from reversion.models import Version

from core.drafts.models import Draft
from media_centre.models import AccessibilityRequest, Event, PressRelease, Status

from .conftest import (
    make_document,
    make_event,
    make_mou,
    make_person,
    make_release,
    make_staff,
    make_study,
)

pytestmark = pytest.mark.django_db

HK = zoneinfo.ZoneInfo("Asia/Hong_Kong")


def home(client, user) -> BeautifulSoup:
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def section(soup: BeautifulSoup, heading: str):
    title = soup.find("h2", string=heading)
    assert title is not None, f"no section {heading!r}"
    return title.find_parent("section")


def words(tag) -> str:
    return " ".join(tag.get_text().split())


def lines(soup: BeautifulSoup, heading: str) -> list[str]:
    return [words(li) for li in section(soup, heading).find_all("li")]


def shown(when: dt.datetime) -> str:
    """A time as the desk prints it, in Hong Kong."""
    return date_format(timezone.localtime(when, HK), "DATETIME_FORMAT")


def change_url(obj) -> str:
    return reverse(f"admin:media_centre_{obj._meta.model_name}_change", args=[obj.pk])


def saved_by(user, obj, at: dt.datetime | None = None):
    """Save `obj` as the desk does: a revision by `user`; `at` sets its last-modified time."""
    with reversion.create_revision():
        reversion.set_user(user)
        obj.save()
    if at is not None:
        type(obj).objects.filter(pk=obj.pk).update(updated_at=at)
    return obj


def draft_of_live(obj, user, saved_at: dt.datetime, publish_at: dt.datetime | None = None):
    """The unpublished changes of a live item, as core.drafts keeps them."""
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.add_to_revision(obj)
    version = Version.objects.get_for_object(obj).order_by("-pk").first()
    return Draft.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        revision=version.revision,
        saved_at=saved_at,
        saved_by=user,
        publish_at=publish_at,
    )


def test_start_offers_what_the_user_may_add(client, editor):
    start = section(home(client, editor), "Start")
    links = {words(a): a["href"] for a in start.find_all("a")}
    assert links == {
        "Write a press release": reverse("admin:media_centre_pressrelease_add"),
        "Add an event": reverse("admin:media_centre_event_add"),
        "Record an MoU": reverse("admin:media_centre_mou_add"),
        "Add a study": reverse("admin:media_centre_study_add"),
        "Add a person": reverse("admin:media_centre_person_add"),
    }


def test_a_reader_of_events_sees_only_events_and_nothing_to_start(client):
    reader = User.objects.create_user("reader", password="a long enough passphrase", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_event"))
    make_event(title="Seminar in view", publish_at=timezone.now() - dt.timedelta(days=1))
    make_release(headline="Release out of view", publish_at=timezone.now() - dt.timedelta(days=1))

    soup = home(client, reader)

    assert soup.find("h2", string="Start") is None
    assert [line.split(" Event ")[0] for line in lines(soup, "Recently published")] == [
        "Seminar in view"
    ]
    assert "Release out of view" not in words(soup)
    assert soup.find("h2", string="Accessibility requests") is None


def test_my_drafts_newest_first_with_kind_time_and_zone(client, editor):
    other = make_staff("Editor")
    older = saved_by(
        editor,
        make_release(status=Status.DRAFT, headline="Older draft"),
        at=dt.datetime(2025, 6, 18, 9, 5, tzinfo=HK),
    )
    newer = saved_by(
        editor,
        make_event(status=Status.DRAFT, title="Newer draft"),
        at=dt.datetime(2025, 6, 19, 13, 22, tzinfo=HK),
    )
    saved_by(other, make_release(status=Status.DRAFT, headline="Someone else's draft"))
    newer.refresh_from_db()
    # Mine once, then someone else saved it last: no longer on my list.
    taken = saved_by(editor, make_study(status=Status.DRAFT, title="Taken over"))
    saved_by(other, taken)
    # A live item whose unpublished changes I saved.
    live = make_release(headline="Live release")
    draft_of_live(live, editor, saved_at=dt.datetime(2025, 6, 20, 8, 0, tzinfo=HK))

    soup = home(client, editor)

    mine = lines(soup, "My drafts")
    assert [line.split(" ")[0:2] for line in mine] == [
        ["Live", "release"],
        ["Newer", "draft"],
        ["Older", "draft"],
    ]
    assert "Press release" in mine[0] and "Unpublished changes" in mine[0]
    assert "Event" in mine[1] and f"{shown(newer.updated_at)} HKT" in mine[1]
    assert "1:22 p.m." in mine[1] and "9:05 a.m. HKT" in mine[2]
    links = [a["href"] for a in section(soup, "My drafts").find_all("a")]
    assert links == [change_url(live), change_url(newer), change_url(older)]
    assert "Someone else" not in words(section(soup, "My drafts"))
    assert "Taken over" not in words(section(soup, "My drafts"))


def test_scheduled_soonest_first_with_live_items_scheduled_changes(client, editor, publisher):
    now = timezone.now()
    later = make_release(headline="Embargoed release", publish_at=now + dt.timedelta(days=3))
    sooner = make_mou(title="MoU to be announced", publish_at=now + dt.timedelta(hours=5))
    make_release(headline="Already out", publish_at=now - dt.timedelta(hours=1))
    make_release(headline="Still a draft", status=Status.DRAFT)
    live = make_study(title="Study with a correction")
    draft_of_live(live, publisher, saved_at=now, publish_at=now + dt.timedelta(days=1))

    scheduled = section(home(client, editor), "Scheduled and embargoed")

    items = scheduled.find_all("li")
    assert [li.a["href"] for li in items] == [
        change_url(sooner), change_url(live), change_url(later)
    ]  # fmt: skip
    first = words(items[0])
    assert f"{shown(sooner.publish_at)} HKT" in first
    assert "MoU" in first
    assert "Changes" in words(items[1])
    assert "Already out" not in words(scheduled) and "Still a draft" not in words(scheduled)


def test_recently_published_is_the_last_fortnight_newest_first(client, editor):
    now = timezone.now()
    old = make_release(headline="Last month", publish_at=now - dt.timedelta(days=20))
    week = make_person(name="Speaker of the week", publish_at=now - dt.timedelta(days=7))
    today = make_release(headline="Out today", publish_at=now - dt.timedelta(hours=2))

    published = section(home(client, editor), "Recently published")

    assert [a["href"] for a in published.find_all("a")] == [change_url(today), change_url(week)]
    assert change_url(old) not in str(published)
    assert "HKT" in words(published)


def test_unanswered_accessibility_requests_are_listed(client, editor):
    document = make_document(title="Annual report")
    waiting = AccessibilityRequest.objects.create(
        document=document, name="Wong Tai Sin", email="w@example.org", language="en"
    )
    AccessibilityRequest.objects.create(
        document=document, name="Already helped", email="a@example.org", language="en",
        answered=True,
    )  # fmt: skip

    requests = section(home(client, editor), "Accessibility requests")

    assert [a["href"] for a in requests.find_all("li")[0].find_all("a")] == [
        reverse("admin:media_centre_accessibilityrequest_change", args=[waiting.pk])
    ]
    assert "Annual report" in words(requests) and "Wong Tai Sin" in words(requests)
    assert "Already helped" not in words(requests)


def test_empty_sections_say_so(client, publisher):
    soup = home(client, publisher)
    assert "You have no drafts." in words(section(soup, "My drafts"))
    assert "Nothing is scheduled." in words(section(soup, "Scheduled and embargoed"))
    assert "Nothing was published in the last 14 days." in words(
        section(soup, "Recently published")
    )
    assert "No request is waiting for an answer." in words(section(soup, "Accessibility requests"))
    assert "Nothing is waiting for your review." in words(section(soup, "Awaiting review"))


def test_django_app_list_stays_below_the_desk(client, editor):
    soup = home(client, editor)
    everything = soup.find("h2", string="Everything")
    assert everything is not None
    app_list = soup.find("a", href=reverse("admin:media_centre_pressrelease_changelist"))
    assert app_list is not None
    page = str(soup)
    assert page.index("My drafts") < page.index("Everything") < page.index(str(app_list))


def _fill(editor, publisher, n: int) -> None:
    now = timezone.now()
    for i in range(n):
        saved_by(editor, make_release(status=Status.DRAFT, headline=f"Draft {i}"))
        saved_by(editor, make_event(status=Status.DRAFT, title=f"Draft event {i}"))
        make_release(headline=f"Scheduled {i}", publish_at=now + dt.timedelta(hours=i + 1))
        make_mou(parties=0, title=f"Published {i}", publish_at=now - dt.timedelta(hours=i + 1))
        make_study(title=f"Study {i}", publish_at=now - dt.timedelta(hours=i + 1))
        make_person(positions=0, name=f"Person {i}", publish_at=now - dt.timedelta(hours=i + 1))
        live = make_event(title=f"Live {i}")
        draft_of_live(live, editor, saved_at=now, publish_at=now + dt.timedelta(days=1))
        AccessibilityRequest.objects.create(
            document=make_document(), name=f"Visitor {i}", email="v@example.org", language="en"
        )


def test_the_home_makes_as_many_queries_with_thirty_more_items(client, editor, publisher):
    _fill(editor, publisher, 2)
    client.force_login(editor)
    client.get(reverse("admin:index"))  # content types and the like, cached once
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("admin:index")).status_code == 200

    _fill(editor, publisher, 30)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("admin:index"))

    assert len(many) <= len(few), [q["sql"] for q in many]
    assert len(few) <= 40
    # A handful each, not everything.
    soup = BeautifulSoup(response.content, "html.parser")
    assert 0 < len(lines(soup, "My drafts")) <= 10
    assert 0 < len(lines(soup, "Scheduled and embargoed")) <= 10


def test_a_made_up_user_cannot_see_the_desk(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_the_scheduled_release_count_does_not_leak_to_editors_of_other_kinds(client):
    writer = User.objects.create_user("writer", password="a long enough passphrase", is_staff=True)
    writer.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_event", "view_event", "change_event"])
    )
    make_release(headline="Secret embargo", publish_at=timezone.now() + dt.timedelta(days=1))
    event = make_event(title="Open event", publish_at=timezone.now() + dt.timedelta(days=1))

    soup = home(client, writer)

    assert [words(a) for a in section(soup, "Start").find_all("a")] == ["Add an event"]
    scheduled = section(soup, "Scheduled and embargoed")
    assert [a["href"] for a in scheduled.find_all("a")] == [change_url(event)]
    assert "Secret embargo" not in words(soup)
    assert PressRelease.objects.count() == 1 and Event.objects.count() == 1


def test_the_desk_home_speaks_chinese(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hant")
    page = " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())
    assert "我的草稿" in page and "撰寫新聞稿" in page and "你沒有草稿。" in page
