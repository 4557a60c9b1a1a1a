"""Every public page, feed, calendar and sitemap makes a small, constant number of queries,
whatever the amount of content: with its parts remembered (warm) and without (cold)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core import page_cache
from media_centre.models import EventSpeaker

from .conftest import (
    make_document,
    make_event,
    make_mou,
    make_organisation,
    make_person,
    make_quote,
    make_release,
    make_speaker,
    make_study,
    make_topic,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    """Budgets are for the pages themselves; a stored page makes no query at all."""
    settings.NEWSROOM_PAGE_CACHE = False


BUDGETS = {
    "home": 5,
    "release-list": 5,
    "release-list-filtered": 7,
    "event-list": 6,
    "past-event-list": 6,
    "mou-list": 6,
    "study-list": 6,
    "speaker-list": 4,
    "release": 6,
    "event": 9,
    "mou": 6,
    "study": 6,
    "speaker": 5,
    "download": 2,
    "release-feed-rss": 2,
    "release-feed-atom": 2,
    "topic-feed": 3,
    "search": 4,
    "sitemap-index": 11,
    "sitemap-releases": 1,
    "sitemap-events": 1,
    "sitemap-speakers": 1,
    "event-calendar": 3,
    "event-ics": 2,
}
# The same pages visited cold: the shared cache emptied and nothing remembered in the process.
# Higher (the parts are computed again, the consent banner's tables read again), but as flat;
# a list's years are two short queries (core.archive.years_of), whatever the number of items.
COLD_BUDGETS = {
    "home": 8,
    "release-list": 9,
    "release-list-filtered": 11,
    "event-list": 10,
    "past-event-list": 10,
    "mou-list": 10,
    "study-list": 10,
    "speaker-list": 7,
    "release": 13,
    "event": 12,
    "mou": 9,
    "study": 9,
    "speaker": 8,
    "download": 2,
    "release-feed-rss": 3,
    "release-feed-atom": 3,
    "topic-feed": 4,
    "search": 12,
    "sitemap-index": 12,
    "sitemap-releases": 3,
    "sitemap-events": 3,
    "sitemap-speakers": 3,
    "event-calendar": 4,
    "event-ics": 3,
}


class Site:
    """A central release, event, MoU, study and speaker, with `n` of everything around them."""

    def __init__(self):
        self.topic = make_topic()
        self.organisation = make_organisation()
        self.mou = make_mou()
        self.event = make_event(mou=self.mou, start_date=dt.date(2025, 6, 19))
        self.study = make_study(launch_event=self.event, mou=self.mou)
        self.person = make_person()
        self.document = make_document()
        self.release = make_release(
            event=self.event, mou=self.mou, study=self.study, pdf=self.document
        )
        self.n = 0

    def grow(self, n: int) -> None:
        for i in range(self.n, n):
            day = dt.date(2020, 1, 1) + dt.timedelta(days=i)
            release = make_release(
                release_date=day, event=self.event, mou=self.mou, study=self.study
            )
            release.topics.add(self.topic)
            release.organisations.add(self.organisation)
            self.release.topics.add(make_topic())
            self.release.organisations.add(make_organisation())
            self.release.attachments.add(make_document())
            speaker = make_person(positions=2)
            make_quote(self.release, speaker, order=i)
            make_quote(release, self.person)
            make_speaker(self.event, speaker, role=EventSpeaker.Role.PANELLIST, order=i)
            event = make_event(start_date=day, mou=self.mou, part_of=self.event)
            event.organisers.add(self.organisation, make_organisation())
            make_speaker(event, self.person)
            upcoming = make_event(start_date=dt.date.today() + dt.timedelta(days=i + 1))
            upcoming.organisers.add(make_organisation())
            study = make_study(publication_date=day, mou=self.mou, launch_event=self.event)
            study.author_organisations.add(self.organisation, make_organisation())
            study.author_people.add(self.person)
            study.topics.add(self.topic)
            self.study.files.add(make_document())
            self.study.author_organisations.add(make_organisation())
            self.mou.topics.add(make_topic())
            make_mou(signed_on=day)
        self.n = n

    def urls(self) -> dict[str, str]:
        return {
            "home": reverse("media_centre:home"),
            "release-list": reverse("media_centre:release-list"),
            "release-list-filtered": reverse("media_centre:release-list")
            + f"?year=2020&topic={self.topic.slug}&organisation={self.organisation.slug}",
            "event-list": reverse("media_centre:event-list"),
            "past-event-list": reverse("media_centre:event-list") + "?when=past",
            "mou-list": reverse("media_centre:mou-list"),
            "study-list": reverse("media_centre:study-list"),
            "speaker-list": reverse("media_centre:speaker-list"),
            "release": self.release.get_absolute_url(),
            "event": self.event.get_absolute_url(),
            "mou": self.mou.get_absolute_url(),
            "study": self.study.get_absolute_url(),
            "speaker": self.person.get_absolute_url(),
            "download": self.document.get_absolute_url(),
            "release-feed-rss": reverse("media_centre:release-feed-rss"),
            "release-feed-atom": reverse("media_centre:release-feed-atom"),
            "topic-feed": reverse("media_centre:release-feed-rss") + f"?topic={self.topic.slug}",
            "search": reverse("media_centre:search") + "?q=release",
            "sitemap-index": reverse("sitemap"),
            "sitemap-releases": reverse("sitemap-section", args=["releases"]),
            "sitemap-events": reverse("sitemap-section", args=["events"]),
            "sitemap-speakers": reverse("sitemap-section", args=["speakers"]),
            "event-calendar": reverse("event-calendar"),
            "event-ics": reverse("media_centre:event-ics", args=[self.event.slug]),
        }


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def count_cold_queries(client, url: str) -> int:
    """The queries of a visit that finds nothing remembered: an emptied shared cache, and a
    process that holds no remembered part or stored page (a restart, a deploy)."""
    cache.clear()
    page_cache.remembered.entries.clear()
    page_cache.pages.entries.clear()
    return count_queries(client, url)


LANGUAGES = ("en", "zh-hant", "zh-hans")


def test_every_public_page_keeps_its_budget_warm_and_cold_with_3_or_300_items_in_every_language(
    client, django_assert_max_num_queries
):
    site = Site()
    site.grow(3)
    urls = {}
    for language in LANGUAGES:
        with translation.override(language):
            urls.update({(language, name): url for name, url in site.urls().items()})
    cold = {}
    for (language, name), url in urls.items():
        with django_assert_max_num_queries(COLD_BUDGETS[name]):
            cold[language, name] = count_cold_queries(client, url)
    small = {}
    for url in urls.values():  # warm the shared caches (consent banner's tables), as in service
        client.get(url)
    for (language, name), url in urls.items():
        with django_assert_max_num_queries(BUDGETS[name]):
            small[language, name] = count_queries(client, url)
    site.grow(300)
    for key, url in urls.items():
        with django_assert_max_num_queries(COLD_BUDGETS[key[1]]):
            assert count_cold_queries(client, url) == cold[key], key
    for url in urls.values():  # the first visit after a change starts a generation and counts
        client.get(url)  # the lists' items and years (once per change, not per request)
    for key, url in urls.items():
        with django_assert_max_num_queries(BUDGETS[key[1]]):
            assert count_queries(client, url) == small[key], key
