"""sitemap.xml and robots.txt, read as a crawler reads them."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from media_centre.models import Status

from .conftest import make_event, make_mou, make_person, make_release, make_study

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
SECTIONS = ("pages", "releases", "events", "mous", "studies", "speakers")


def parse(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def entries(client, section: str) -> dict[str, ET.Element]:
    root = parse(client, reverse("sitemap-section", kwargs={"section": section}))
    return {url.findtext("sm:loc", namespaces=NS): url for url in root.findall("sm:url", NS)}


def alternates(entry: ET.Element) -> dict[str, str]:
    return {
        link.get("hreflang"): link.get("href")
        for link in entry.findall("xhtml:link", NS)
        if link.get("rel") == "alternate"
    }


def test_index_lists_every_section(client):
    make_release()
    root = parse(client, "/sitemap.xml")
    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    locations = [loc.text for loc in root.findall("sm:sitemap/sm:loc", NS)]
    assert locations == [f"http://testserver/sitemap-{section}.xml" for section in SECTIONS]
    release_entry = root.findall("sm:sitemap", NS)[1]
    assert release_entry.findtext("sm:lastmod", namespaces=NS)


def test_release_section_lists_each_language_with_lastmod_and_alternates(client):
    release = make_release(release_date=dt.date(2025, 6, 19), slug="green-finance")
    urls = entries(client, "releases")
    path = "/media-centre/press-releases/2025/06/19/green-finance/"
    assert set(urls) == {f"http://testserver/{code}{path}" for code in ("en", "zh-hant", "zh-hans")}
    entry = urls[f"http://testserver/en{path}"]
    release.refresh_from_db()
    lastmod = dt.date.fromisoformat(entry.findtext("sm:lastmod", namespaces=NS))
    # The publication (or the latest public note: tests/test_public_notes.py), not the last save.
    assert lastmod == timezone.localdate(release.publish_at)
    assert alternates(entry) == {
        "en": f"http://testserver/en{path}",
        "zh-hant": f"http://testserver/zh-hant{path}",
        "zh-hans": f"http://testserver/zh-hans{path}",
        "x-default": f"http://testserver/en{path}",
    }


def test_the_sitemaps_x_default_is_the_one_the_page_itself_names(client):
    release = make_release(release_date=dt.date(2025, 6, 19), slug="green-finance")
    for code in ("en", "zh-hant"):
        entry = entries(client, "releases")[
            f"http://testserver/{code}/media-centre/press-releases/2025/06/19/green-finance/"
        ]
        page = client.get(release.get_absolute_url().replace("/en/", f"/{code}/", 1))
        named = re.search(r'hreflang="x-default" href="([^"]+)"', page.content.decode())[1]
        assert alternates(entry)["x-default"] == named


@pytest.mark.parametrize(
    "section, factory",
    [
        ("releases", make_release),
        ("events", make_event),
        ("mous", make_mou),
        ("studies", make_study),
        ("speakers", make_person),
    ],
)
def test_only_published_items_are_listed(client, section, factory):
    now = timezone.now()
    public = factory()
    hidden = [
        factory(status=Status.DRAFT),
        factory(status=Status.PUBLISHED, publish_at=now + dt.timedelta(days=1)),  # scheduled
        factory(status=Status.WITHDRAWN, publish_at=now - dt.timedelta(days=2)),
        factory(publish_at=now - dt.timedelta(days=2), unpublish_at=now - dt.timedelta(days=1)),
    ]
    listed = entries(client, section)
    assert f"http://testserver{public.get_absolute_url()}" in listed
    for item in hidden:
        assert f"http://testserver{item.get_absolute_url()}" not in listed
    assert len(listed) == 3  # the public item, once per language


def test_pages_section_lists_the_lists_and_the_years_with_releases(client):
    make_release(release_date=dt.date(2024, 3, 1))
    make_release(release_date=dt.date(2023, 3, 1), status=Status.DRAFT)
    urls = entries(client, "pages")
    assert "http://testserver/en/" in urls
    assert "http://testserver/zh-hant/media-centre/press-releases/" in urls
    assert "http://testserver/en/media-centre/press-releases/2024/" in urls
    assert "http://testserver/en/media-centre/press-releases/2023/" not in urls
    assert len(alternates(urls["http://testserver/en/speakers/"])) == 4


def test_unknown_section_and_empty_page_are_404(client):
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert client.get("/sitemap-releases.xml?p=9").status_code == 404


def test_large_sections_are_paginated_in_the_index(client, monkeypatch):
    from media_centre import sitemaps

    monkeypatch.setattr(sitemaps, "PER_PAGE", 1)
    first = make_release()
    top = make_release()
    root = parse(client, "/sitemap.xml")
    locations = [loc.text for loc in root.findall("sm:sitemap/sm:loc", NS)]
    # Pages count from the lowest published id (ids in a test database need not start at 1).
    last = top.pk - first.pk + 1
    assert f"http://testserver/sitemap-releases.xml?p={last}" in locations
    assert f"http://testserver/sitemap-releases.xml?p={last + 1}" not in locations
    assert len(entries(client, "releases")) <= 3


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def grow(n: int) -> None:
    for i in range(n):
        day = dt.date(2020, 1, 1) + dt.timedelta(days=i)
        make_release(release_date=day)
        make_event(start_date=day)
        make_mou(signed_on=day, parties=0)
        make_study(publication_date=day)
        make_person(positions=0)


def test_query_count_is_the_same_for_3_or_30_items(client, django_assert_max_num_queries):
    urls = ["/sitemap.xml", "/robots.txt"] + [f"/sitemap-{section}.xml" for section in SECTIONS]
    grow(3)
    small = {url: count_queries(client, url) for url in urls}
    grow(27)
    for url in urls:
        # The index: one query a section; the pages section: the years' two (core.archive).
        budget = {"/sitemap.xml": len(SECTIONS), "/sitemap-pages.xml": 2}.get(url, 1)
        with django_assert_max_num_queries(budget):
            assert count_queries(client, url) == small[url], url


def test_robots_txt_keeps_private_pages_out_and_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    for rule in ("/admin/", "/*/search/", "/consent/", "/language/"):
        assert f"Disallow: {rule}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /" not in lines


def test_robots_txt_lets_crawlers_fetch_the_stylesheet_every_page_needs(client):
    from urllib.robotparser import RobotFileParser

    robots = RobotFileParser()
    robots.parse(client.get("/robots.txt").content.decode().splitlines())
    assert robots.can_fetch("Googlebot", "http://testserver/consent/state.css")
    assert robots.can_fetch("Googlebot", "http://testserver/en/media-centre/press-releases/")
    for private in ("/consent/", "/admin/", "/language/en/"):  # (no wildcards in this parser)
        assert not robots.can_fetch("Googlebot", "http://testserver" + private), private


def test_a_section_too_long_for_one_page_is_split_with_every_address_once(client, monkeypatch):
    """A page is the published items of one range of ids (never the whole archive in memory,
    never an OFFSET): every item in every language appears exactly once, in order of id, across
    the pages, and the index lists each page."""
    from media_centre import sitemaps

    monkeypatch.setattr(sitemaps, "PER_PAGE", 2)
    releases = [
        make_release(release_date=dt.date(2024, 1, 1) + dt.timedelta(days=i), slug=f"split-{i}")
        for i in range(5)
    ]
    pages = -(-(releases[-1].pk - releases[0].pk + 1) // 2)  # from the lowest published id
    index = parse(client, "/sitemap.xml")
    listed = [loc.text for loc in index.findall("sm:sitemap/sm:loc", NS) if "releases" in loc.text]
    assert listed == [
        "http://testserver/sitemap-releases.xml",
        *(f"http://testserver/sitemap-releases.xml?p={p}" for p in range(2, pages + 1)),
    ]
    seen = []
    for page in range(1, pages + 1):
        root = parse(client, reverse("sitemap-section", args=["releases"]) + f"?p={page}")
        seen += [url.findtext("sm:loc", namespaces=NS) for url in root.findall("sm:url", NS)]
    assert len(seen) == 15 == len(set(seen))
    assert [loc for loc in seen if loc.startswith("http://testserver/en/")] == [
        f"http://testserver{release.get_absolute_url()}" for release in releases
    ]
    assert {loc.split("/")[3] for loc in seen} == {"en", "zh-hant", "zh-hans"}
    after = reverse("sitemap-section", args=["releases"]) + f"?p={pages + 1}"
    assert client.get(after).status_code == 404
    for nonsense in ("0", "-1", "x", "²", ""):
        assert (
            client.get(reverse("sitemap-section", args=["releases"]) + f"?p={nonsense}").status_code
            == 404
        )


def test_a_page_keeps_its_items_when_newer_ones_are_published(client, monkeypatch):
    """Pages are ranges of ids, not positions in a changing order: publishing or editing other
    items does not move an address to another page (a crawler's copy of a page stays right)."""
    from media_centre import sitemaps

    monkeypatch.setattr(sitemaps, "PER_PAGE", 2)
    first = make_release(slug="first")
    url = reverse("sitemap-section", args=["releases"]) + "?p=1"  # from the lowest published id
    before = set(entries_at(client, url))
    for i in range(3):
        make_release(slug=f"later-{i}")
    first.summary = "Edited"
    first.save()
    assert before <= set(entries_at(client, url))  # newer items join the last page, if any
    assert f"http://testserver{first.get_absolute_url()}" in before


def test_a_section_page_reads_one_range_of_ids(client):
    make_release()
    with CaptureQueriesContext(connection) as queries:
        parse(client, reverse("sitemap-section", args=["releases"]) + "?p=1")
    read = queries.captured_queries[-1]["sql"]  # after the section's facts
    assert '"media_centre_pressrelease"."id" <=' in read
    assert '"media_centre_pressrelease"."id" >' in read and "OFFSET" not in read


def entries_at(client, url: str) -> dict[str, ET.Element]:
    root = parse(client, url)
    return {url.findtext("sm:loc", namespaces=NS): url for url in root.findall("sm:url", NS)}


def section_lastmods(client) -> dict[str, str]:
    """Each section's <lastmod> as the index says it."""
    root = parse(client, "/sitemap.xml")
    return {
        entry.findtext("sm:loc", namespaces=NS): entry.findtext("sm:lastmod", namespaces=NS)
        for entry in root.findall("sm:sitemap", NS)
    }


@pytest.mark.parametrize(
    "section, factory, title",
    [
        ("releases", make_release, "headline"),
        ("events", make_event, "title"),
        ("mous", make_mou, "title"),
        ("studies", make_study, "title"),
        ("speakers", make_person, "name"),
    ],
)
@pytest.mark.parametrize(
    "unpublished",
    [
        {"status": Status.DRAFT},
        {"status": Status.DRAFT, "publish_at": timezone.now() - dt.timedelta(days=3)},
        {
            "status": Status.WITHDRAWN,
            "withdrawn_reason": "Issued in error.",
            "publish_at": timezone.now() - dt.timedelta(days=3),
        },
    ],
    ids=["draft", "dated draft", "withdrawn"],
)
def test_editing_an_unpublished_item_does_not_move_its_sections_lastmod(
    client, section, factory, title, unpublished
):
    public = factory()
    last_public_change = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    type(public).objects.filter(pk=public.pk).update(
        updated_at=last_public_change, publish_at=last_public_change
    )
    hidden = factory(**unpublished)
    location = f"http://testserver/sitemap-{section}.xml"
    before = section_lastmods(client)[location]
    assert dt.datetime.fromisoformat(before) == last_public_change

    setattr(hidden, title, "Edited while unpublished")
    hidden.save()

    hidden.refresh_from_db()
    assert hidden.updated_at > last_public_change
    assert section_lastmods(client)[location] == before
