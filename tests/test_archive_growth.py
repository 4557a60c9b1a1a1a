"""Pages whose cost does not grow with the archive: the sitemap index and its pages, the events
calendar, a list's years and its organisation filter. Cost is counted in SQLite's virtual
machine instructions (a progress handler), which do not depend on the machine's speed."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core import page_cache
from core.archive import years_of
from media_centre.models import PressRelease, Status

from .conftest import make_event, make_organisation, make_person, make_release

pytestmark = pytest.mark.django_db


def cold_steps(client, url: str) -> int:
    """The database's work for one visit that finds nothing remembered (right after a save)."""
    cache.clear()
    page_cache.remembered.entries.clear()
    page_cache.pages.entries.clear()
    connection.ensure_connection()
    raw = connection.connection
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    raw.set_progress_handler(count, 100)
    try:
        assert client.get(url).status_code == 200, url
    finally:
        raw.set_progress_handler(None, 100)
    return steps[0]


def grow(n: int, start: int = 0) -> None:
    """`n` published releases (over three years), events (around today) and speakers."""
    today = timezone.localdate()
    for i in range(start, start + n):
        make_release(release_date=dt.date(2022, 1, 1) + dt.timedelta(days=(i * 7) % 1000))
        make_event(start_date=today + dt.timedelta(days=(i % 200) - 100))
        make_person(positions=0)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="counts SQLite's instructions")
def test_sitemaps_and_calendar_cost_the_same_for_30_or_300_items(client, settings, monkeypatch):
    from media_centre import calendars, sitemaps

    settings.NEWSROOM_PAGE_CACHE = False
    monkeypatch.setattr(sitemaps, "PER_PAGE", 10)
    monkeypatch.setattr(calendars, "CALENDAR_LENGTH", 10)

    def urls() -> dict[str, str]:
        last = PressRelease.objects.order_by("-pk").first().pk // 10  # a full page
        section = reverse("sitemap-section", args=["releases"])
        return {
            "sitemap index": reverse("sitemap"),
            "sitemap pages": reverse("sitemap-section", args=["pages"]),
            "a full releases page": f"{section}?p={last}",
            "speakers page 1": reverse("sitemap-section", args=["speakers"]),
            "calendar": reverse("event-calendar"),
        }

    grow(30)
    small = {name: cold_steps(client, url) for name, url in urls().items()}
    grow(270, start=30)
    large = {name: cold_steps(client, url) for name, url in urls().items()}
    for name in small:
        assert large[name] <= 1.5 * small[name] + 20, (name, small[name], large[name])


def test_years_of_lists_the_years_with_rows_newest_first():
    make_release(release_date=dt.date(2019, 12, 31))
    make_release(release_date=dt.date(2021, 1, 1))
    make_release(release_date=dt.date(2024, 6, 1))
    make_release(release_date=dt.date(2024, 7, 1))
    make_release(release_date=dt.date(2020, 5, 5), status=Status.DRAFT)
    published = PressRelease.objects.published()
    assert years_of(published, "release_date") == [2024, 2021, 2019]
    assert years_of(published.filter(release_date__year=2020), "release_date") == []
    assert years_of(PressRelease.objects.all(), "release_date") == [2024, 2021, 2020, 2019]


def organisation_options(client, url: str) -> list[str]:
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    select = soup.find("select", attrs={"name": "organisation"})
    return [option["value"] for option in select.find_all("option") if option["value"]]


def test_the_organisation_filter_offers_the_organisations_the_list_shows(client, monkeypatch):
    """Not every organisation in the directory: those of the newest published items, the most
    frequent first, at most OFFERED_ORGANISATIONS; one chosen from elsewhere is still shown."""
    from media_centre.views import lists

    frequent, usual, rare = (make_organisation(slug=s) for s in ("frequent", "usual", "rare"))
    unused = make_organisation(slug="unused")
    on_a_draft = make_organisation(slug="on-a-draft")
    for i in range(3):
        make_release().organisations.add(frequent, *([usual] if i < 2 else []))
    make_release().organisations.add(rare)
    make_release(status=Status.DRAFT).organisations.add(on_a_draft)
    url = reverse("media_centre:release-list")

    assert set(organisation_options(client, url)) == {"frequent", "usual", "rare"}

    monkeypatch.setattr(lists, "OFFERED_ORGANISATIONS", 2)
    page_cache.invalidate()
    page_cache.remembered.entries.clear()
    assert set(organisation_options(client, url)) == {"frequent", "usual"}

    # Chosen from its own page (Organisation.get_absolute_url): filtered, and shown as chosen.
    response = client.get(unused.get_absolute_url())
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    chosen = soup.find("select", attrs={"name": "organisation"}).find("option", selected=True)
    assert chosen["value"] == "unused"
    response = client.get(f"{url}?organisation=rare")
    assert response.status_code == 200
    assert "rare" in organisation_options(client, f"{url}?organisation=rare")
    assert client.get(f"{url}?organisation=no-such-organisation").status_code == 404


def test_each_list_offers_its_own_organisations(client):
    on_releases, on_events = make_organisation(slug="on-releases"), make_organisation(slug="on-ev")
    make_release().organisations.add(on_releases)
    make_event().organisers.add(on_events)
    assert organisation_options(client, reverse("media_centre:release-list")) == ["on-releases"]
    events = reverse("media_centre:event-list") + "?when=past"
    assert organisation_options(client, events) == ["on-ev"]


def test_a_list_pages_through_its_newest_items_and_the_years_reach_the_rest(client, monkeypatch):
    """Counting stops at LIST_MAX_ITEMS (a walk of the list's index, not a COUNT of every row):
    the unfiltered list pages through the newest ones; a year's filter reaches the older ones."""
    from media_centre.views import lists

    monkeypatch.setattr(lists, "LIST_MAX_ITEMS", 3)
    monkeypatch.setattr(lists.ReleaseList, "paginate_by", 2)
    releases = [make_release(release_date=dt.date(2020 + i, 1, 1)) for i in range(5)]
    url = reverse("media_centre:release-list")

    def shown(address: str) -> list[str]:
        response = client.get(address)
        assert response.status_code == 200, address
        return [a["href"] for a in BeautifulSoup(response.content, "html.parser").select("a")]

    on_pages = shown(url) + shown(f"{url}?page=2")
    newest, oldest = releases[-1].get_absolute_url(), releases[0].get_absolute_url()
    assert newest in on_pages and oldest not in on_pages
    assert client.get(f"{url}?page=3").status_code == 404
    assert oldest in shown(f"{url}?year=2020")
