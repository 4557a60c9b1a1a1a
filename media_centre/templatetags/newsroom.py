"""Template helpers for the public pages: rich text, datelines, the language switcher."""

from django import template
from django.urls import translate_url
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from ..richtext import sanitise

register = template.Library()


@register.filter
def richtext(html: str) -> SafeString:
    return sanitise(html)


@register.simple_tag
def body_with_dateline(release) -> SafeString:
    """The body, its first paragraph opening with the dateline (“Hong Kong, June 19, 2025 –”)."""
    body = sanitise(release.body)
    parts = [
        p
        for p in (
            release.dateline_place,
            release.release_date and date_format(release.release_date),
        )
        if p
    ]
    if not parts:
        return body
    dateline = format_html('<span class="dateline">{} – </span>', ", ".join(parts))
    if body.startswith("<p>"):
        return mark_safe("<p>" + dateline + body[3:])
    return mark_safe(format_html("<p>{}</p>", dateline) + body)


@register.simple_tag(takes_context=True)
def language_url(context, language_code: str) -> str:
    """This page in another language, with its query string."""
    request = context["request"]
    url = translate_url(request.path, language_code)
    query = request.GET.urlencode()
    return conditional_escape(f"{url}?{query}" if query else url)
