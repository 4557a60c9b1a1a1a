"""schema.org JSON-LD for the public pages, built from what each page has already loaded."""

import datetime as dt
import json

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.languages import bcp47

from .models import Event, MoU, Organisation, Person, PressRelease, Study

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


def release(request: HttpRequest, item: PressRelease) -> dict:
    url = request.build_absolute_uri(item.get_absolute_url())
    organisations = [organisation(request, org) for org in item.organisations.all()]
    image = image_url(request, item.hero_image)
    return _compact(
        {
            "@context": CONTEXT,
            "@type": "NewsArticle",
            "headline": item.headline,
            "description": item.summary,
            "datePublished": iso(item.publish_at),
            "dateModified": iso(item.updated_at),
            "author": organisations or [site_organisation(request)],
            "publisher": organisations[0] if organisations else site_organisation(request),
            "image": [image] if image else [],
            "inLanguage": bcp47(item.shown_language("headline")),
            "url": url,
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        }
    )


def _event_moment(event: Event, day: dt.date | None, time: dt.time | None) -> str | None:
    if day is None:
        return None
    if time is None:
        return day.isoformat()
    return dt.datetime.combine(day, time, event.tz).isoformat(timespec="seconds")


def event(request: HttpRequest, item: Event) -> dict:
    performers, seen = [], set()
    for speaker in item.speakers.all():
        if speaker.role == speaker.Role.ATTENDEE or speaker.person_id in seen:
            continue
        seen.add(speaker.person_id)
        performers.append(_person(request, speaker.person))
    end_day = item.end_date or (item.start_date if item.end_time else None)
    return _compact(
        {
            "@context": CONTEXT,
            "@type": "Event",
            "name": item.title,
            "description": item.summary,
            "startDate": _event_moment(item, item.start_date, item.start_time),
            "endDate": _event_moment(item, end_day, item.end_time),
            "eventStatus": EVENT_STATUS.get(item.event_status),
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "location": _compact(
                {
                    "@type": "Place",
                    "name": item.venue or item.city,
                    "address": _compact({"@type": "PostalAddress", "addressLocality": item.city}),
                }
            )
            if item.venue or item.city
            else None,
            "organizer": [organisation(request, org) for org in item.organisers.all()],
            "performer": performers,
            "inLanguage": bcp47(item.shown_language("title")),
            "url": request.build_absolute_uri(item.get_absolute_url()),
        }
    )


def study(request: HttpRequest, item: Study) -> dict:
    authors = [organisation(request, org) for org in item.author_organisations.all()]
    authors += [_person(request, person) for person in getattr(item, "public_authors", [])]
    image = image_url(request, item.cover_image)
    return _compact(
        {
            "@context": CONTEXT,
            "@type": "Report",
            "name": item.title,
            "headline": item.title,
            "description": item.abstract,
            "datePublished": item.publication_date.isoformat() if item.publication_date else None,
            "dateModified": iso(item.updated_at),
            "author": authors,
            "publisher": site_organisation(request),
            "about": [{"@type": "Thing", "name": topic.name} for topic in item.topics.all()],
            "image": [image] if image else [],
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
            "image": image_url(request, item.photo),
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
