"""sitemap.xml with language alternates, and robots.txt.

Built for an archive of any size: the index asks each section for its newest change and its
lowest and highest ids (each the end of a walk down an index, not a count or a MAX over every
row), and a section's page is the published items of one range of ids (`PER_PAGE` ids a page,
counted from the lowest published id), read through the primary key: a page costs the same on
the first page or the last, at 2,000 items or 100,000.
The XML is written by string formatting, each address built from one reverse() per page (see
`_Addresses`): Django's sitemap framework reversed every address in every language and drew it
with a template, about a second for 5,000 addresses."""

import math
from collections.abc import Callable, Iterable
from urllib.parse import quote
from xml.sax.saxutils import escape as _escape

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from core import page_cache
from core.archive import newest_of, years_of
from core.middleware import language_neutral

from .models import Event, MoU, Person, PressRelease, PublicNote, Study
from .models.publishing import published_q

# Item ids a section page covers (each item listed once per language, with its alternates:
# about 600 addresses, 0.6 MB at most).
PER_PAGE = 200
CODES = [code for code, _name in settings.LANGUAGES]
URLSET = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
    'sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">'
)


class _Addresses:
    """Addresses of one URL pattern in every language, by string formatting: the pattern is
    reversed once with marker values, which become format fields; the language prefix (from
    i18n_patterns) is then the only part that differs between languages."""

    def __init__(self, name: str, **markers: tuple[object, str]):
        with translation.override(settings.LANGUAGE_CODE):
            path = reverse(name, kwargs={key: value for key, (value, _text) in markers.items()})
        prefix = f"/{settings.LANGUAGE_CODE}/"
        if not path.startswith(prefix):
            raise ValueError(f"{name} has no language prefix: {path}")
        path = path[len(prefix) :].replace("{", "{{").replace("}", "}}")
        for key, (_value, text) in markers.items():
            if path.count(text) != 1:
                raise ValueError(f"the marker of {key} is not unique in {path}")
            path = path.replace(text, "{" + key + "}")
        self.tail = path

    def paths(self, **values) -> list[str]:
        """The path in each language, in settings.LANGUAGES' order."""
        # Percent-encoded as reverse() would (slugs are ASCII letters, digits, - and _ already):
        # the result needs no XML escaping.
        tail = self.tail.format(
            **{key: quote(str(value), safe="-_") for key, value in values.items()}
        )
        return [f"/{code}/{tail}" for code in CODES]


def escape(text: str) -> str:
    return _escape(text, {'"': "&quot;"})


def _urls(root: str, entries: Iterable[tuple[list[str], str]]) -> Iterable[str]:
    """<url> elements: each address with its alternates (x-default: the default language's)."""
    default = CODES.index(settings.LANGUAGE_CODE)
    root = escape(root)  # the paths are made of slugs, digits and slashes: nothing to escape
    for paths, day in entries:
        locations = [root + path for path in paths]
        links = "".join(
            f'<xhtml:link rel="alternate" hreflang="{code}" href="{location}"/>'
            for code, location in zip(CODES, locations, strict=True)
        )
        links += f'<xhtml:link rel="alternate" hreflang="x-default" href="{locations[default]}"/>'
        lastmod = f"<lastmod>{day}</lastmod>" if day else ""
        for location in locations:
            yield f"<url><loc>{location}</loc>{lastmod}{links}</url>"


class ItemSection:
    """The published items of one model, PER_PAGE ids a page, each with its last public change."""

    model = None
    noted = True  # last public change: the latest public note, else the publication
    fields: tuple[str, ...] = ("slug",)

    def addresses(self) -> _Addresses:
        raise NotImplementedError

    def values(self, row: dict) -> dict:
        return {"slug": row["slug"]}

    @property
    def label(self) -> str:
        return self.model._meta.label

    def published(self) -> QuerySet:
        return self.model.objects.published()

    def facts(self) -> dict:
        """The highest published id and the newest public change, in one query (each the end of a
        walk down an index), once per content change."""

        def compute() -> dict:
            published = self.published()
            wanted = {"top": (published, "pk"), "bottom": (published, "-pk")}
            if self.noted:
                owner = self.model._meta.get_field("notes").field.name
                notes = PublicNote.objects.published().filter(
                    published_q(timezone.now(), f"{owner}__")
                )
                wanted.update(published=(published, "publish_at"), noted=(notes, "published_at"))
            else:
                wanted.update(published=(published, "updated_at"))
            found = newest_of(self.model, **wanted)
            times = [found[name] for name in ("published", "noted") if found.get(name)]
            return {
                "top": found["top"] or 0,
                "bottom": found["bottom"] or 1,
                "latest": max(times, default=None),
            }

        return page_cache.remember(f"sitemap-facts:{self.label}", compute)

    def _before_first(self) -> int:
        """Pages count from the lowest published id: ids that were never published, or are
        gone, make no empty pages at the start."""
        return self.facts()["bottom"] - 1

    def pages(self) -> int:
        return max(1, math.ceil((self.facts()["top"] - self._before_first()) / PER_PAGE))

    def latest(self):
        """The newest public change of the section (None when it has nothing)."""
        return self.facts()["latest"]

    def entries(self, page: int) -> list[tuple[list[str], str]]:
        start = self._before_first() + (page - 1) * PER_PAGE
        items = self.published().filter(pk__gt=start, pk__lte=start + PER_PAGE)
        if self.noted:
            items, changed = items.with_noted_at(), "public_modified_at"
        else:
            changed = "updated_at"
        addresses = self.addresses()
        zone = timezone.get_current_timezone()
        rows = items.order_by("pk").values_list(*self.fields, changed)
        return [
            (
                addresses.paths(**self.values(dict(zip(self.fields, row, strict=False)))),
                row[-1].astimezone(zone).date().isoformat() if row[-1] else "",
            )
            for row in rows
        ]


class ReleaseSection(ItemSection):
    model = PressRelease
    fields = ("slug", "release_date")

    def addresses(self) -> _Addresses:
        return _Addresses(
            "media_centre:release-detail",
            year=(9001, "9001"),
            month=(98, "98"),
            day=(97, "97"),
            slug=("s-l-u-g", "s-l-u-g"),
        )

    def values(self, row: dict) -> dict:
        day = row["release_date"]
        return {
            "slug": row["slug"],
            "year": f"{day.year:04d}",
            "month": f"{day.month:02d}",
            "day": f"{day.day:02d}",
        }

    def published(self) -> QuerySet:
        return super().published().filter(release_date__isnull=False)


def _by_slug(name: str) -> Callable[[], _Addresses]:
    return lambda self: _Addresses(name, slug=("s-l-u-g", "s-l-u-g"))


class EventSection(ItemSection):
    model = Event
    addresses = _by_slug("media_centre:event-detail")


class MoUSection(ItemSection):
    model = MoU
    addresses = _by_slug("media_centre:mou-detail")


class StudySection(ItemSection):
    model = Study
    addresses = _by_slug("media_centre:study-detail")


class SpeakerSection(ItemSection):
    model = Person
    noted = False  # last change: the last save of a published person
    addresses = _by_slug("media_centre:speaker-detail")


class PageSection:
    """The home page, the lists, and the yearly archives of releases: one page."""

    LISTS = (
        "media_centre:home",
        "media_centre:release-list",
        "media_centre:event-list",
        "media_centre:mou-list",
        "media_centre:study-list",
        "media_centre:speaker-list",
    )

    def pages(self) -> int:
        return 1

    def latest(self):
        return None

    def years(self) -> list[int]:
        return page_cache.remember(
            "sitemap-release-years",
            lambda: years_of(PressRelease.objects.published(), "release_date"),
        )

    def entries(self, page: int) -> list[tuple[list[str], str]]:
        prefix = f"/{settings.LANGUAGE_CODE}/"
        with translation.override(settings.LANGUAGE_CODE):
            paths = [reverse(name) for name in self.LISTS]
            archive = _Addresses("media_centre:release-year", year=(9001, "9001"))
        tails = [path.removeprefix(prefix) for path in paths]
        entries = [([f"/{code}/{tail}" for code in CODES], "") for tail in tails]
        entries += [(archive.paths(year=f"{year:04d}"), "") for year in reversed(self.years())]
        return entries


SECTIONS = {
    "pages": PageSection(),
    "releases": ReleaseSection(),
    "events": EventSection(),
    "mous": MoUSection(),
    "studies": StudySection(),
    "speakers": SpeakerSection(),
}


def _xml(parts: Iterable[str]) -> HttpResponse:
    response = HttpResponse("".join(parts), content_type="application/xml")
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def _index(request: HttpRequest) -> HttpResponse:
    root = f"{request.scheme}://{request.get_host()}"
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    ]
    for name, section in SECTIONS.items():
        location = escape(root + reverse("sitemap-section", kwargs={"section": name}))
        latest = section.latest()
        lastmod = f"<lastmod>{timezone.localtime(latest).isoformat()}</lastmod>" if latest else ""
        parts.append(f"<sitemap><loc>{location}</loc>{lastmod}</sitemap>")
        parts.extend(
            f"<sitemap><loc>{location}?p={page}</loc>{lastmod}</sitemap>"
            for page in range(2, section.pages() + 1)
        )
    parts.append("</sitemapindex>\n")
    return _xml(parts)


@language_neutral
@require_safe
def sitemap(request: HttpRequest, section: str | None = None) -> HttpResponse:
    """The index at /sitemap.xml; one section (paginated with ?p=) at /sitemap-<section>.xml."""
    if section is None:
        return _index(request)
    chosen = SECTIONS.get(section)
    if chosen is None:
        raise Http404("No such sitemap section.")
    page = request.GET.get("p", "1")
    if not (page.isascii() and page.isdigit() and 1 <= int(page) <= chosen.pages()):
        raise Http404("No such page of the sitemap.")
    root = f"{request.scheme}://{request.get_host()}"
    entries = chosen.entries(int(page))
    return _xml([URLSET, *_urls(root, entries), "</urlset>\n"])


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
