"""schema.org JSON-LD for the public pages, built from what each page has already loaded."""

import datetime as dt
import functools
import json
import mimetypes
from dataclasses import dataclass

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image

from core import page_cache
from core.languages import bcp47

from .models import Event, MoU, Organisation, Person, PressRelease, Rendition, Study

CONTEXT = "https://schema.org"
# The characters that could end the <script> element or open a comment, as Django's json_script.
_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
EVENT_STATUS = {
    Event.EventStatus.AS_PLANNED: "https://schema.org/EventScheduled",
    Event.EventStatus.POSTPONED: "https://schema.org/EventPostponed",
    Event.EventStatus.CANCELLED: "https://schema.org/EventCancelled",
}


def script(data: dict) -> SafeString:
    """`data` as a `<script type="application/ld+json">` that no string inside can break out of."""
    text = json.dumps(data, ensure_ascii=False).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


# Link previews ask for 1200 pixels across (Facebook, LinkedIn); the nearest rendition width.
SHARE_WIDTH = 1280
SHARE_FORMATS = {"jpeg": "image/jpeg", "png": "image/png"}  # what every preview reads


def image_url(request: HttpRequest, image: FieldFile | None) -> str:
    """The absolute address of an uploaded image, or "" when there is none."""
    if not image:
        return ""
    return request.build_absolute_uri(reverse("image", kwargs={"name": image.name}))


def item_image(item) -> FieldFile | None:
    """The image an item shows at the top of its page, if any."""
    for field, _alt in getattr(item, "image_alternatives", ()):
        image = getattr(item, field)
        if image:
            return image
    return None


@dataclass(frozen=True)
class ShareImage:
    """The picture a link preview shows for a page: `url` is absolute; the size when known."""

    url: str
    alt: str
    media_type: str = ""
    width: int | None = None
    height: int | None = None


def _share_rendition(source: str) -> tuple[str, int, int, str] | None:
    """(name, width, height, format) of the widest JPEG or PNG rendition of `source` up to
    SHARE_WIDTH, remembered with the content (one query to find)."""

    def read():
        rendition = (
            Rendition.objects.filter(
                source=source, format__in=SHARE_FORMATS, width__lte=SHARE_WIDTH
            )
            .order_by("-width")
            .only("file", "width", "height", "format")
            .first()
        )
        if rendition is None:
            return None
        return rendition.file.name, rendition.width, rendition.height, rendition.format

    return page_cache.remember(f"share-rendition:{source}", read)


@functools.cache
def _static_image_size(name: str) -> tuple[int, int] | None:
    path = finders.find(name)
    if not path:
        return None
    with Image.open(path) as image:
        return image.size


def site_share_image(request: HttpRequest) -> ShareImage:
    """The site's own card (MEDIA_CENTRE_SHARE_IMAGE), for pages without a picture of their own."""
    name = settings.MEDIA_CENTRE_SHARE_IMAGE
    width, height = _static_image_size(name) or (None, None)
    return ShareImage(
        url=request.build_absolute_uri(static(name)),
        alt=f"{settings.MEDIA_CENTRE_SITE_NAME} · {gettext('Media centre')}",
        media_type=mimetypes.guess_type(name)[0] or "",
        width=width,
        height=height,
    )


def own_share_image(request: HttpRequest, item) -> ShareImage | None:
    """The item's own picture (hero, cover, photo) at the width previews use, if it has one."""
    image = item_image(item)
    if not image:
        return None
    alt = getattr(item, dict(item.image_alternatives)[image.field.name])
    found = _share_rendition(image.name)
    if found is None:  # uploaded before renditions existed: the original itself
        return ShareImage(image_url(request, image), alt, mimetypes.guess_type(image.name)[0] or "")
    name, width, height, format = found
    url = request.build_absolute_uri(reverse("image", kwargs={"name": name}))
    return ShareImage(url, alt, SHARE_FORMATS[format], width, height)


def share_image(request: HttpRequest, item=None) -> ShareImage:
    """What a link preview of this page shows: the item's picture, else the site's."""
    return (item is not None and own_share_image(request, item)) or site_share_image(request)


def iso(value: dt.datetime | None) -> str | None:
    """A moment in the site's time zone, with its offset: 2025-06-19T10:00:00+08:00."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _compact(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def organisation(request: HttpRequest, org: Organisation) -> dict:
    return _compact(
        {
            "@type": "Organization",
            "name": org.name,
            "alternateName": org.short_name,
            "url": org.website,
            "logo": image_url(request, org.logo),
        }
    )


def site_organisation(request: HttpRequest) -> dict:
    return {
        "@type": "Organization",
        "name": settings.MEDIA_CENTRE_SITE_NAME,
        "url": request.build_absolute_uri(reverse("media_centre:home")),
    }


def _person(request: HttpRequest, person: Person) -> dict:
    return _compact(
        {
            "@type": "Person",
            "name": person.full_name,
            "url": request.build_absolute_uri(person.get_absolute_url())
            if person.is_published()
            else "",
        }
    )


def corrections(item) -> list[dict]:
    """schema.org `correction`: the item's published corrections and clarifications (an update
    adds news rather than mending the text: it moves dateModified only)."""
    return [
        {"@type": "CorrectionComment", "text": note.text, "datePublished": iso(note.published_at)}
        for note in item.public_notes()
        if note.is_correction
    ]


def release(request: HttpRequest, item: PressRelease) -> dict:
    url = request.build_absolute_uri(item.get_absolute_url())
    organisations = [organisation(request, org) for org in item.organisations.all()]
    return _compact(
        {
            "@context": CONTEXT,
            "@type": "NewsArticle",
            "headline": item.headline,
            "description": item.summary,
            "datePublished": iso(item.publish_at),
            "dateModified": iso(item.modified_at),
            "correction": corrections(item),
            "author": organisations or [site_organisation(request)],
            "publisher": organisations[0] if organisations else site_organisation(request),
            "image": [share_image(request, item).url],
            "inLanguage": bcp47(item.shown_language("headline")),
            "url": url,
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        }
    )


def _event_dates(item: Event) -> tuple[str | None, str | None]:
    """startDate and endDate: with the offset of the event's own time zone where the time is
    known, the bare day where it is not. An end on the start day with an unknown time is left
    out: a bare day could read as before a start given with its time."""
    starts = item.starts_at or item.start_date
    start = starts.isoformat() if starts else None
    if item.ends_at:
        end = item.ends_at.isoformat()
    elif item.last_day and not (item.starts_at and item.last_day == item.start_date):
        end = item.last_day.isoformat()
    else:
        end = None
    return start, end


def _place(item: Event) -> dict | None:
    """A Place with a PostalAddress of the parts the editors gave; with no part but the venue's
    name, that name is the address (search engines take a text address)."""
    if not item.place:
        return None
    address = _compact(
        {
            "@type": "PostalAddress",
            "streetAddress": item.street_address,
            "addressLocality": item.city,
            "addressRegion": item.region,
            "postalCode": item.postal_code,
            "addressCountry": item.country,
        }
    )
    return {
        "@type": "Place",
        "name": item.venue or item.city or item.place[0][1],
        "address": address if len(address) > 1 else item.venue,
    }


def event(request: HttpRequest, item: Event) -> dict:
    performers, seen = [], set()
    for speaker in item.speakers.all():
        if speaker.role == speaker.Role.ATTENDEE or speaker.person_id in seen:
            continue
        seen.add(speaker.person_id)
        performers.append(_person(request, speaker.person))
    start, end = _event_dates(item)
    return _compact(
        {
            "@context": CONTEXT,
            "@type": "Event",
            "name": item.title,
            "description": item.summary,
            "startDate": start,
            "endDate": end,
            "eventStatus": EVENT_STATUS.get(item.event_status),
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "location": _place(item),
            "image": [share_image(request, item).url],
            "organizer": [organisation(request, org) for org in item.organisers.all()],
            "performer": performers,
            "inLanguage": bcp47(item.shown_language("title")),
            "url": request.build_absolute_uri(item.get_absolute_url()),
        }
    )


def study(request: HttpRequest, item: Study) -> dict:
    authors = [organisation(request, org) for org in item.author_organisations.all()]
    authors += [_person(request, person) for person in getattr(item, "public_authors", [])]
    image = own_share_image(request, item)
    return _compact(
        {
            "@context": CONTEXT,
            "@type": "Report",
            "name": item.title,
            "headline": item.title,
            "description": item.abstract,
            "datePublished": item.publication_date.isoformat() if item.publication_date else None,
            "dateModified": iso(item.modified_at),
            "correction": corrections(item),
            "author": authors,
            "publisher": site_organisation(request),
            "about": [{"@type": "Thing", "name": topic.name} for topic in item.topics.all()],
            "image": [image.url] if image else [],
            "inLanguage": bcp47(item.shown_language("title")),
            "url": request.build_absolute_uri(item.get_absolute_url()),
        }
    )


def person(request: HttpRequest, item: Person) -> dict:
    positions = [position for position in item.positions.all() if position.is_current()]
    affiliations = {
        position.organisation_id: organisation(request, position.organisation)
        for position in positions
        if position.organisation_id
    }
    return _compact(
        {
            "@context": CONTEXT,
            "@type": "Person",
            "name": item.full_name,
            "honorificPrefix": item.honorific,
            "jobTitle": [position.title for position in positions],
            "affiliation": list(affiliations.values()),
            "description": item.bio,
            "image": image.url if (image := own_share_image(request, item)) else "",
            "url": request.build_absolute_uri(item.get_absolute_url()),
        }
    )


def _title(item) -> str:
    return item.full_name if isinstance(item, Person) else str(item)


# Each kind: its main JSON-LD (or None), and the list it belongs to with that list's name.
KINDS = {
    PressRelease: (release, "media_centre:release-list", _("Press releases")),
    Event: (event, "media_centre:event-list", _("Events")),
    MoU: (None, "media_centre:mou-list", _("MoUs")),
    Study: (study, "media_centre:study-list", _("Publications")),
    Person: (person, "media_centre:speaker-list", _("Speakers")),
}


def section_label(item) -> str:
    return str(KINDS[type(item)][2])


def breadcrumbs(request: HttpRequest, item) -> dict:
    """Media centre → the item's list → the item."""
    _builder, list_name, _label = KINDS[type(item)]
    trail = [
        (gettext("Media centre"), reverse("media_centre:home")),
        (section_label(item), reverse(list_name)),
        (_title(item), item.get_absolute_url()),
    ]
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": request.build_absolute_uri(url),
            }
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def for_item(request: HttpRequest, item) -> list[dict]:
    """The JSON-LD objects of a detail page: the item itself (where schema.org has a type for
    it) and its breadcrumb trail."""
    if type(item) not in KINDS:
        return []
    builder = KINDS[type(item)][0]
    main = [builder(request, item)] if builder else []
    return [*main, breadcrumbs(request, item)]
