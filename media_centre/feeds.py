"""RSS 2.0 and Atom feeds of press releases: all, per topic, in the language of the URL."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.validators import slug_re
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.translation import gettext

from core import page_cache

from .models import PressRelease, Topic

FEED_LENGTH = 20


@dataclass
class FeedScope:
    """What one request asks for: an optional topic, and the request for absolute URLs."""

    request: HttpRequest
    topic: Topic | None

    def query(self) -> str:
        return f"?topic={self.topic.slug}" if self.topic else ""


class ReleaseFeed(Feed):
    feed_type = Rss201rev2Feed
    url_name = "media_centre:release-feed-rss"

    def get_object(self, request: HttpRequest, *args, **kwargs) -> FeedScope:
        slug = request.GET.get("topic")
        if slug and not slug_re.match(slug):
            # Not an address a topic can have (PostgreSQL refuses some, e.g. a NUL byte).
            raise Http404(gettext("No such topic."))
        topic = get_object_or_404(Topic, slug=slug) if slug else None
        return FeedScope(request=request, topic=topic)

    def title(self, obj: FeedScope) -> str:
        parts = [settings.MEDIA_CENTRE_SITE_NAME, gettext("Press releases")]
        if obj.topic:
            parts.append(obj.topic.name)
        return " · ".join(parts)

    def description(self, obj: FeedScope) -> str:
        if obj.topic:
            return gettext("The latest press releases on %(topic)s.") % {"topic": obj.topic.name}
        return gettext("The latest press releases.")

    def link(self, obj: FeedScope) -> str:
        return reverse("media_centre:release-list") + obj.query()

    def feed_url(self, obj: FeedScope) -> str:
        return reverse(self.url_name) + obj.query()

    def items(self, obj: FeedScope) -> list[PressRelease]:
        """The newest releases (of the topic), read once per content change: every feed reader
        polls the same few feeds."""

        def read() -> list[PressRelease]:
            releases = (
                PressRelease.objects.published()
                .with_last_note()
                .select_related("pdf")
                .prefetch_related("topics")
            )
            if obj.topic:
                releases = releases.filter(topics=obj.topic)
            releases = list(releases[:FEED_LENGTH])
            for release in releases:
                # Enclosure URLs are not made absolute by the framework, so do it here.
                release.feed_pdf_url = (
                    obj.request.build_absolute_uri(release.pdf.get_absolute_url())
                    if release.pdf
                    else None
                )
            return releases

        site = obj.request.build_absolute_uri("/")
        return page_cache.remember(f"feed-items:{obj.topic.pk if obj.topic else ''}:{site}", read)

    def item_title(self, item: PressRelease) -> str:
        return item.headline

    def item_description(self, item: PressRelease) -> str:
        """The summary, after the latest correction, clarification or update when there is one:
        RSS has no element for "updated", and readers show the description. Readers treat RSS
        descriptions and Atom summaries as HTML: the plain texts are escaped."""
        note = item.last_note
        if note is None:
            return escape(item.summary)
        label = gettext("%(kind)s, %(date)s:") % {
            "kind": note.get_kind_display(),
            "date": date_format(timezone.localtime(note.published_at), "DATE_FORMAT"),
        }
        return format_html("<p><strong>{}</strong> {}</p><p>{}</p>", label, note.text, item.summary)

    def item_guid_is_permalink(self, item: PressRelease) -> bool:
        return True

    def item_pubdate(self, item: PressRelease) -> dt.datetime | None:
        if item.publish_at:
            return item.publish_at
        if item.release_date:
            return dt.datetime.combine(item.release_date, dt.time())  # local midnight
        return None

    def item_updateddate(self, item: PressRelease) -> dt.datetime | None:
        """Atom's <updated>: the latest public note, else the publication (not the last save:
        a minor edit or a draft is no news to a reader)."""
        return item.modified_at or self.item_pubdate(item)

    def item_categories(self, item: PressRelease) -> list[str]:
        return [topic.name for topic in item.topics.all()]

    def item_enclosures(self, item: PressRelease) -> list[Enclosure]:
        if not item.feed_pdf_url:
            return []
        return [
            Enclosure(
                url=item.feed_pdf_url,
                length=str(item.pdf.size),
                mime_type=item.pdf.media_type or "application/octet-stream",
            )
        ]


class AtomReleaseFeed(ReleaseFeed):
    feed_type = Atom1Feed
    url_name = "media_centre:release-feed-atom"

    def subtitle(self, obj: FeedScope) -> str:
        return self.description(obj)

    def author_name(self, obj: FeedScope) -> str:
        """Atom needs an author (RFC 4287 4.1.1); the institution is each entry's, inherited."""
        return settings.MEDIA_CENTRE_SITE_NAME

    def author_link(self, obj: FeedScope) -> str:
        return obj.request.build_absolute_uri(reverse("media_centre:home"))


rss_feed = ReleaseFeed()
atom_feed = AtomReleaseFeed()


def release_feed(request: HttpRequest, **kwargs) -> HttpResponse:
    """RSS or Atom, as the URL's name says; the language is the URL prefix's, already active."""
    is_atom = request.resolver_match.url_name == "release-feed-atom"
    return (atom_feed if is_atom else rss_feed)(request, **kwargs)
