"""Template helpers for the media centre's pages: rich text, datelines, moments, links."""

import datetime as dt

from django import template
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core.languages import field_suffix

from ..richtext import sanitise

register = template.Library()


@register.filter
def richtext(html: str) -> SafeString:
    return sanitise(html)


@register.filter
def moment(value: dt.datetime | None) -> str:
    """A `<time datetime>` for a moment in its own time zone: 2025-06-19T14:30+08:00. (The
    `date` filter would first move it into the site's time zone.)"""
    return value.isoformat(timespec="minutes") if value else ""


@register.simple_tag
def site_moment(value: dt.datetime) -> SafeString:
    """A moment as a reader of the page reads it: date and time in the site's time zone, in the
    page's language, with the zone named (“June 20, 2025, 9:30 a.m. Asia/Hong_Kong time
    (UTC+08:00)”), inside a `<time datetime>`."""
    local = timezone.localtime(value)
    minutes = int(local.utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    offset = f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    zone = gettext("%(tz)s time (%(offset)s)") % {
        "tz": timezone.get_current_timezone_name(),
        "offset": offset,
    }
    return format_html(
        '<time datetime="{}">{} {}</time>',
        local.isoformat(timespec="minutes"),
        date_format(local, "DATETIME_FORMAT"),
        zone,
    )


@register.filter
def linkable(item, preview: bool = False) -> bool:
    """Whether the page links `item` (a staff preview, with `preview`, also links what is not
    public yet): `Publishable.is_linkable`, the rule the detail querysets apply to lists."""
    return bool(item) and item.is_linkable(bool(preview))


@register.simple_tag
def body_with_dateline(release) -> SafeString:
    """The body, its first paragraph opening with the dateline (“Hong Kong, June 19, 2025 –”),
    written in the body's own language."""
    body = sanitise(release.body)
    language = release.shown_language("body")
    with translation.override(language):
        place = getattr(release, f"dateline_place_{field_suffix(language)}") or ""
        when = date_format(release.release_date) if release.release_date else ""
    parts = [part for part in (place, when) if part]
    if not parts:
        return body
    separator = "，" if language.startswith("zh") else ", "
    dateline = format_html('<span class="dateline">{} – </span>', separator.join(parts))
    if body.startswith("<p>"):
        return mark_safe("<p>" + dateline + body[3:])
    return mark_safe(format_html("<p>{}</p>", dateline) + body)
