"""The release feeds, read by a real feed parser: RSS and Atom, per language and per topic."""

import datetime as dt
from xml.etree import ElementTree

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone, translation

from core import page_cache
from media_centre.models import Status

from .conftest import make_document, make_release, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """`headline=` fills the active language's field, which an earlier request may have left."""
    with translation.override("en"):
        yield


def feed_url(kind: str, language: str = "en", query: str = "") -> str:
    with translation.override(language):
        return reverse(f"media_centre:release-feed-{kind}") + query


def fetch(client, kind: str, language: str = "en", query: str = ""):
    response = client.get(feed_url(kind, language, query))
    assert response.status_code == 200
    return response, feedparser.parse(response.content)


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feed_lists_published_releases_newest_first(client, kind):
    older = make_release(headline="Older news", release_date=dt.date(2025, 1, 2))
    newer = make_release(headline="Newer news", release_date=dt.date(2025, 3, 4))

    response, feed = fetch(client, kind)

    assert not feed.bozo, feed.get("bozo_exception")
    expected_version = "rss20" if kind == "rss" else "atom10"
    assert feed.version == expected_version
    assert "Newsroom" in feed.feed.title and "Press releases" in feed.feed.title
    assert [entry.title for entry in feed.entries] == ["Newer news", "Older news"]
    entry = feed.entries[1]
    assert entry.link == "http://testserver" + older.get_absolute_url()
    assert entry.id == "http://testserver" + older.get_absolute_url()
    assert entry.summary == older.summary
    assert entry.published_parsed[:6] == older.publish_at.astimezone(dt.UTC).timetuple()[:6]
    assert newer.get_absolute_url() in feed.entries[0].link
    assert not response.cookies


def test_rss_guid_is_a_permalink(client):
    release = make_release()
    response, _ = fetch(client, "rss")
    guid = ElementTree.fromstring(response.content).find("channel/item/guid")
    assert guid.text == "http://testserver" + release.get_absolute_url()
    assert guid.get("isPermaLink") == "true"


def test_atom_entry_has_updated_date_the_publication_time_without_notes(client):
    """Not the last save (updated_at): a minor edit or a draft saved is no news to a reader;
    tests/test_public_notes.py covers an entry with notes."""
    release = make_release()
    _, feed = fetch(client, "atom")
    assert (
        feed.entries[0].updated_parsed[:6] == release.publish_at.astimezone(dt.UTC).timetuple()[:6]
    )


def test_atom_feed_names_its_author_for_every_entry(client, settings):
    settings.MEDIA_CENTRE_SITE_NAME = "FSDC Newsroom"
    make_release()
    response, feed = fetch(client, "atom")
    atom = "{http://www.w3.org/2005/Atom}"
    author = ElementTree.fromstring(response.content).find(f"{atom}author")
    assert author.find(f"{atom}name").text == "FSDC Newsroom"
    assert author.find(f"{atom}uri").text == "http://testserver/en/"
    assert feed.feed.author == "FSDC Newsroom"  # entries inherit it, as RFC 4287 says


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feed_is_in_the_language_of_its_address(client, kind):
    make_release(headline="Green finance week", headline_zh_hant="綠色金融周")

    _, english = fetch(client, kind, "en")
    _, chinese = fetch(client, kind, "zh-hant")

    assert english.entries[0].title == "Green finance week"
    assert chinese.entries[0].title == "綠色金融周"
    assert chinese.entries[0].link.startswith("http://testserver/zh-hant/")


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_summary_is_plain_text_never_markup(client, kind):
    make_release(summary="Rates <b>not</b> < 5% & rising")
    _, feed = fetch(client, kind)
    assert feed.entries[0].summary == "Rates &lt;b&gt;not&lt;/b&gt; &lt; 5% &amp; rising"


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_topic_feed_has_only_that_topic(client, kind):
    green = make_topic(name="Green finance", slug="green-finance")
    make_topic(name="Fintech", slug="fintech")
    tagged = make_release(headline="Green bonds")
    tagged.topics.add(green)
    make_release(headline="Something else")

    _, feed = fetch(client, kind, query="?topic=green-finance")

    assert "Green finance" in feed.feed.title
    assert [entry.title for entry in feed.entries] == ["Green bonds"]
    assert [tag.term for tag in feed.entries[0].tags] == ["Green finance"]


def test_a_topic_feed_read_after_the_whole_feed_still_has_only_that_topic(client):
    """The feed's items are remembered per topic: the whole feed's must not be served for one."""
    green = make_topic(name="Green finance", slug="green-finance")
    tagged = make_release(headline="Green bonds")
    tagged.topics.add(green)
    make_release(headline="Something else")
    _, whole = fetch(client, "rss")
    _, topic = fetch(client, "rss", query="?topic=green-finance")
    assert len(whole.entries) == 2
    assert [entry.title for entry in topic.entries] == ["Green bonds"]


def test_unknown_topic_is_404(client):
    assert client.get(feed_url("rss", query="?topic=no-such-topic")).status_code == 404
    assert client.get(feed_url("atom", query="?topic=no-such-topic")).status_code == 404


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_release_pdf_is_an_enclosure(client, kind):
    pdf = make_document()
    make_release(pdf=pdf)

    _, feed = fetch(client, kind)

    (enclosure,) = feed.entries[0].enclosures
    assert enclosure.href == "http://testserver" + pdf.get_absolute_url()
    assert int(enclosure.length) == pdf.size > 0
    assert enclosure.type == "application/pdf"


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_unpublished_releases_are_absent(client, kind):
    make_release(headline="Public")
    make_release(headline="Draft", status=Status.DRAFT)
    make_release(headline="Embargoed", publish_at=timezone.now() + dt.timedelta(hours=2))
    make_release(
        headline="Withdrawn",
        status=Status.WITHDRAWN,
        publish_at=timezone.now() - dt.timedelta(days=2),
        withdrawn_reason="Issued in error.",
    )
    make_release(
        headline="Expired",
        publish_at=timezone.now() - dt.timedelta(days=2),
        unpublish_at=timezone.now() - dt.timedelta(hours=1),
    )

    _, feed = fetch(client, kind)

    assert [entry.title for entry in feed.entries] == ["Public"]


def test_feed_is_limited_to_twenty_items(client):
    for _ in range(22):
        make_release()
    _, feed = fetch(client, "rss")
    assert len(feed.entries) == 20


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_pages_advertise_the_feeds_and_calendar(client, language):
    with translation.override(language):
        page = reverse("media_centre:release-list")
    soup = BeautifulSoup(client.get(page).content, "html.parser")

    links = {link["type"]: link for link in soup.head.find_all("link", rel="alternate", type=True)}

    assert links["application/rss+xml"]["href"] == feed_url("rss", language)
    assert links["application/atom+xml"]["href"] == feed_url("atom", language)
    assert links["text/calendar"]["href"] == reverse("event-calendar")
    assert all(links[kind]["title"] for kind in links)
    response = client.get(links["application/rss+xml"]["href"])
    assert feedparser.parse(response.content).version == "rss20"


def _make_releases(count: int):
    shared = make_topic()
    for _ in range(count):
        release = make_release(pdf=make_document())
        release.topics.add(shared, make_topic())
    return shared


@pytest.mark.parametrize("kind", ["rss", "atom"])
@pytest.mark.parametrize("count", [3, 30])
def test_feed_query_count_is_constant(client, django_assert_max_num_queries, kind, count):
    topic = _make_releases(count)
    page_cache.generation()  # started once after the writes (one query), not by every feed
    with django_assert_max_num_queries(2):
        _, feed = fetch(client, kind)
    assert len(feed.entries) == min(count, 20)
    assert all(entry.enclosures for entry in feed.entries)
    with django_assert_max_num_queries(3):
        _, feed = fetch(client, kind, query=f"?topic={topic.slug}")
    assert len(feed.entries) == min(count, 20)


@pytest.mark.parametrize("topic", ["\x00", "a b", "x'--", "../etc"])
def test_a_topic_no_topic_could_have_is_404(client, topic):
    # On PostgreSQL a NUL byte reached the database and failed there (a 500).
    response = client.get(reverse("media_centre:release-feed-rss"), {"topic": topic})

    assert response.status_code == 404
