"""sitemap.xml with language alternates, and robots.txt."""

from collections.abc import Callable, Sequence
from functools import cached_property

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Max, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from core import page_cache
from core.middleware import language_neutral

from .models import Event, MoU, Person, PressRelease, Study


class _Multilingual(Sitemap):
    """Every address in each of the three languages, each listing the others (and x-default)."""

    i18n = True
    alternates = True
    x_default = True
    limit = 5000  # entries (item × language) per page

    def get_urls(self, page=1, site=None, protocol=None):
        """x-default is the default language's address, as every page's own alternates say
        (Django's sitemaps give the address without a language prefix, a redirect)."""
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            by_language = {a["lang_code"]: a for a in url.get("alternates", [])}
            if "x-default" in by_language and settings.LANGUAGE_CODE in by_language:
                by_language["x-default"]["location"] = by_language[settings.LANGUAGE_CODE][
                    "location"
                ]
        return urls


class _InEveryLanguage(Sequence):
    """The (item, language) pairs Django's i18n sitemaps page through, counted and sliced in the
    database: Django's own builds every pair of the archive in memory first, on every request."""

    def __init__(self, items: Callable[[], QuerySet], languages: list[str], count_name: str):
        # The query is built only when needed: the index asks for the count, which is
        # remembered, and building a query costs more than reading a remembered number.
        self._items, self.languages, self.count_name = items, languages, count_name

    @cached_property
    def items(self) -> QuerySet:
        return self._items()

    def count(self) -> int:
        items = page_cache.remember(self.count_name, lambda: self.items.count())
        return items * len(self.languages)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("sitemap pages take plain slices")
        start, stop, _ = index.indices(len(self))
        per_item = len(self.languages)
        first = start // per_item
        items = self.items[first : -(-stop // per_item)]
        pairs = [(item, language) for item in items for language in self.languages]
        skip = start - first * per_item
        return pairs[skip : skip + stop - start]


class PublishedSitemap(_Multilingual):
    """The published items of one model, newest change first."""

    model = None

    @property
    def paginator(self) -> Paginator:
        label = self.model._meta.label
        pairs = _InEveryLanguage(self.items, self._languages(), f"sitemap-count:{label}")
        return Paginator(pairs, self.limit)

    def items(self):
        return self.model.objects.published().order_by("-updated_at", "-pk")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # One aggregate once per content change, rather than Django's default of loading every
        # item for the index on every request.
        return page_cache.remember(
            f"sitemap-latest:{self.model._meta.label}",
            lambda: self.model.objects.published().aggregate(latest=Max("updated_at"))["latest"],
        )


class NotedSitemap(PublishedSitemap):
    """Items that carry public notes: last modified when a note was published, else when the
    item was (a minor edit or a draft saved changes `updated_at`, not what readers see)."""

    def items(self):
        return super().items().with_noted_at()

    def lastmod(self, item):
        return item.public_modified_at

    def get_latest_lastmod(self):
        return page_cache.remember(
            f"sitemap-latest:{self.model._meta.label}",
            lambda: (
                self.model.objects.published()
                .with_noted_at()
                .aggregate(latest=Max("public_modified_at"))["latest"]
            ),
        )


class ReleaseSitemap(NotedSitemap):
    model = PressRelease

    def items(self):
        return super().items().only("pk", "slug", "release_date", "updated_at", "publish_at")


class EventSitemap(NotedSitemap):
    model = Event

    def items(self):
        return super().items().only("pk", "slug", "updated_at", "publish_at")


class MoUSitemap(NotedSitemap):
    model = MoU

    def items(self):
        return super().items().only("pk", "slug", "updated_at", "publish_at")


class StudySitemap(NotedSitemap):
    model = Study

    def items(self):
        return super().items().only("pk", "slug", "updated_at", "publish_at")


class SpeakerSitemap(PublishedSitemap):
    model = Person

    def items(self):
        return super().items().only("pk", "slug", "updated_at")


class PageSitemap(_Multilingual):
    """The home page, the lists, and the yearly archives of releases."""

    LISTS = (
        "media_centre:home",
        "media_centre:release-list",
        "media_centre:event-list",
        "media_centre:mou-list",
        "media_centre:study-list",
        "media_centre:speaker-list",
    )

    def items(self) -> list[tuple[str, dict]]:
        published = PressRelease.objects.published()
        days = page_cache.remember(
            "sitemap-release-years", lambda: list(published.dates("release_date", "year"))
        )
        years = [day.year for day in days]
        return [(name, {}) for name in self.LISTS] + [
            ("media_centre:release-year", {"year": year}) for year in reversed(years)
        ]

    def location(self, item: tuple[str, dict]) -> str:
        name, kwargs = item
        return reverse(name, kwargs=kwargs)


SITEMAPS = {
    "pages": PageSitemap,
    "releases": ReleaseSitemap,
    "events": EventSitemap,
    "mous": MoUSitemap,
    "studies": StudySitemap,
    "speakers": SpeakerSitemap,
}


@language_neutral
@require_safe
def sitemap(request: HttpRequest, section: str | None = None) -> HttpResponse:
    """The index at /sitemap.xml; one section (paginated with ?p=) at /sitemap-<section>.xml."""
    if section is None:
        return sitemap_views.index(request, SITEMAPS, sitemap_url_name="sitemap-section")
    return sitemap_views.sitemap(request, SITEMAPS, section=section)


@language_neutral
@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers may read everything public; the admin, search results and choices stay out."""
    lines = [
        "User-agent: *",
        # Every page links this stylesheet: a crawler that renders pages must fetch it. The
        # narrow rules come first for parsers that take the first match (Google takes the
        # longest, so the order does not matter to it).
        f"Allow: {reverse('consent-state')}",
        "Disallow: /admin/",
        "Disallow: /*/search/",
        "Disallow: /consent/",
        "Disallow: /language/",
        "Allow: /",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
