"""iCalendar: a feed of events and one .ics per event, with time zones and a stable UID."""

import datetime as dt
from functools import lru_cache

import icalendar
from django.conf import settings
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from core.middleware import language_neutral

from .models import Event

# The feed holds what a calendar needs, not the whole history: the events from a year back
# onward, at most CALENDAR_LENGTH of them, the nearest to today first (the upcoming ones, then
# the latest past ones). Its cost stays the same however large the archive grows.
CALENDAR_PAST_DAYS = 365
CALENDAR_LENGTH = 100

STATUS = {
    Event.EventStatus.CANCELLED: "CANCELLED",
    Event.EventStatus.POSTPONED: "TENTATIVE",
}


def _description(event: Event) -> str:
    lines = [event.summary] if event.summary else []
    organisers = [organisation.name for organisation in event.organisers.all()]
    if organisers:
        lines.append(gettext("Organisers: %(names)s") % {"names": ", ".join(organisers)})
    return "\n\n".join(lines)


def _vevent(request: HttpRequest, event: Event) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", f"event-{event.pk}@{request.get_host()}")
    vevent.add("dtstamp", event.updated_at)
    vevent.add("last-modified", event.updated_at)
    vevent.add("summary", event.title)
    if event.starts_at:
        vevent.add("dtstart", event.starts_at)
        if event.ends_at:
            vevent.add("dtend", event.ends_at)
    else:
        # Times unknown: an all-day event; DTEND is exclusive (RFC 5545, 3.6.1).
        vevent.add("dtstart", event.start_date)
        vevent.add("dtend", event.last_day + dt.timedelta(days=1))
    location = ", ".join(text for _field, text in event.place)
    if location:
        vevent.add("location", location)
    description = _description(event)
    if description:
        vevent.add("description", description)
    vevent.add("url", request.build_absolute_uri(event.get_absolute_url()))
    vevent.add("status", STATUS.get(event.event_status, "CONFIRMED"))
    return vevent


def _calendar(request: HttpRequest, events: list[Event], name: str) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{settings.MEDIA_CENTRE_SITE_NAME}//Media centre//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(_vevent(request, event))
    if events:
        days = [event.start_date for event in events]
        first, last = min(days).year - 1, max(days).year + 1
        for position, tzid in enumerate(sorted(calendar.get_missing_tzids())):
            zone = _time_zone(tzid, first, last)
            if zone is not None:
                calendar.subcomponents.insert(position, zone)
    return calendar.to_ical()


@lru_cache(maxsize=64)
def _time_zone(tzid: str, first_year: int, last_year: int) -> icalendar.Timezone | None:
    """A VTIMEZONE for whole years, made once per process: icalendar computes its transitions
    hour by hour (about 0.1 s a zone), and they do not change. Read only, shared by calendars."""
    try:
        return icalendar.Timezone.from_tzid(
            tzid, first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year, 12, 31)
        )
    except ValueError:
        return None


def _response(content: bytes) -> HttpResponse:
    return HttpResponse(content, content_type="text/calendar; charset=utf-8")


def _public_events():
    return Event.objects.published().filter(start_date__isnull=False).prefetch_related("organisers")


@language_neutral
@require_safe
def event_calendar(request: HttpRequest) -> HttpResponse:
    """Upcoming and recent published events (see CALENDAR_LENGTH), in English: the address has
    no language. Two short walks of the events' date index, from today forward and back."""
    with translation.override(settings.LANGUAGE_CODE):
        today = timezone.localdate()
        events = Event.objects.published().filter(start_date__isnull=False).order_by()
        upcoming = list(
            events.filter(start_date__gte=today).order_by("start_date", "pk")[:CALENDAR_LENGTH]
        )
        since = today - dt.timedelta(days=CALENDAR_PAST_DAYS)
        past = events.filter(start_date__gte=since, start_date__lt=today)
        past = list(past.order_by("-start_date", "-pk")[:CALENDAR_LENGTH])
        # Newest first, as before: the upcoming ones, then as many past ones as fit.
        events = [*reversed(upcoming), *past[: CALENDAR_LENGTH - len(upcoming)]]
        prefetch_related_objects(events, "organisers")
        name = f"{settings.MEDIA_CENTRE_SITE_NAME} · {gettext('Events')}"
        return _response(_calendar(request, events, name))


@require_safe
def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(_public_events(), slug=slug)
    response = _response(_calendar(request, [event], event.title))
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response
