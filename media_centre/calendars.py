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
CALENDAR_LENGTH = 50

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


def _text(value: str) -> str:
    """A TEXT value (RFC 5545, 3.3.11): backslash, semicolon, comma and line ends escaped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _line(name: str, value: str) -> str:
    """A content line folded at 75 octets (RFC 5545, 3.1), never inside a UTF-8 character."""
    line = f"{name}:{value}"
    data = line.encode()
    if len(data) <= 75:
        return line + "\r\n"
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:  # a continuation byte
            end -= 1
        parts.append(data[start:end].decode())
        start, limit = end, 74  # the space that continues a line counts
    return "\r\n ".join(parts) + "\r\n"


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _moment(name: str, moment: dt.datetime) -> str:
    """A time in its own zone, which the calendar's VTIMEZONE of that name describes."""
    zone = str(moment.tzinfo)
    if zone in ("UTC", "Etc/UTC"):
        return _line(name, _utc(moment))
    return _line(f"{name};TZID={zone}", moment.strftime("%Y%m%dT%H%M%S"))


def _vevent(request: HttpRequest, event: Event) -> str:
    lines = [
        "BEGIN:VEVENT\r\n",
        _line("UID", f"event-{event.pk}@{request.get_host()}"),
        _line("DTSTAMP", _utc(event.updated_at)),
        _line("LAST-MODIFIED", _utc(event.updated_at)),
        _line("SUMMARY", _text(event.title)),
    ]
    if event.starts_at:
        lines.append(_moment("DTSTART", event.starts_at))
        if event.ends_at:
            lines.append(_moment("DTEND", event.ends_at))
    else:
        # Times unknown: an all-day event; DTEND is exclusive (RFC 5545, 3.6.1).
        lines.append(_line("DTSTART;VALUE=DATE", event.start_date.strftime("%Y%m%d")))
        end = event.last_day + dt.timedelta(days=1)
        lines.append(_line("DTEND;VALUE=DATE", end.strftime("%Y%m%d")))
    location = ", ".join(text for _field, text in event.place)
    if location:
        lines.append(_line("LOCATION", _text(location)))
    description = _description(event)
    if description:
        lines.append(_line("DESCRIPTION", _text(description)))
    lines.append(_line("URL", request.build_absolute_uri(event.get_absolute_url())))
    lines.append(_line("STATUS", STATUS.get(event.event_status, "CONFIRMED")))
    lines.append("END:VEVENT\r\n")
    return "".join(lines)


def _calendar(request: HttpRequest, events: list[Event], name: str) -> bytes:
    """Written line by line (icalendar's objects took about half a millisecond an event); the
    time zones are icalendar's, made once per process."""
    parts = [
        "BEGIN:VCALENDAR\r\n",
        _line("VERSION", "2.0"),
        _line("PRODID", _text(f"-//{settings.MEDIA_CENTRE_SITE_NAME}//Media centre//EN")),
        _line("CALSCALE", "GREGORIAN"),
        _line("METHOD", "PUBLISH"),
        _line("X-WR-CALNAME", _text(name)),
    ]
    if events:
        days = [event.start_date for event in events]
        first, last = min(days).year - 1, max(days).year + 1
        zones = {str(event.starts_at.tzinfo) for event in events if event.starts_at}
        for tzid in sorted(zones - {"UTC", "Etc/UTC"}):
            parts.append(_time_zone(tzid, first, last))
    parts.extend(_vevent(request, event) for event in events)
    parts.append("END:VCALENDAR\r\n")
    return "".join(parts).encode()


@lru_cache(maxsize=64)
def _time_zone(tzid: str, first_year: int, last_year: int) -> str:
    """A VTIMEZONE for whole years, made once per process: icalendar computes its transitions
    hour by hour (about 0.1 s a zone), and they do not change."""
    try:
        zone = icalendar.Timezone.from_tzid(
            tzid, first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year, 12, 31)
        )
    except ValueError:
        return ""
    return zone.to_ical().decode()


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
            events.filter(start_date__gte=today).order_by("start_date", "start_time", "pk")[
                :CALENDAR_LENGTH
            ]
        )
        since = today - dt.timedelta(days=CALENDAR_PAST_DAYS)
        past = events.filter(start_date__gte=since, start_date__lt=today)
        # In the order of the list's index (event_list_order), so the walk stops at the limit.
        past = list(past.order_by("-start_date", "-start_time", "-pk")[:CALENDAR_LENGTH])
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
