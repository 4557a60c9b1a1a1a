"""Template helpers for the public pages: rich text, datelines, languages, remembered parts."""

from contextlib import suppress

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from .. import page_cache
from ..richtext import sanitise

register = template.Library()

BCP47 = {"en": "en", "zh-hant": "zh-Hant", "zh-hans": "zh-Hans"}


@register.filter
def richtext(html: str) -> SafeString:
    return sanitise(html)


@register.filter
def bcp47(language: str) -> str:
    """The language tag for `lang` and `hreflang`: zh-Hant rather than Django's zh-hant."""
    return BCP47.get(language, language)


@register.filter
def lang_attr(item, field: str) -> SafeString:
    """` lang="en"` when `item`'s `field` is shown in another language than the page's."""
    shown = item.shown_language(field)
    if shown == translation.get_language():
        return mark_safe("")
    return format_html(' lang="{}"', bcp47(shown))


@register.simple_tag
def shown_language(item, field: str) -> str:
    return item.shown_language(field)


@register.filter
def converted_from(item, field: str) -> str:
    """The Chinese script `item`'s `field` was converted from for this reader, or ""."""
    if not item.is_converted(field):
        return ""
    return "zh-hant" if item.shown_language(field) == "zh-hans" else "zh-hans"


@register.simple_tag
def body_with_dateline(release) -> SafeString:
    """The body, its first paragraph opening with the dateline (“Hong Kong, June 19, 2025 –”),
    written in the body's own language."""
    body = sanitise(release.body)
    language = release.shown_language("body")
    with translation.override(language):
        place = getattr(release, f"dateline_place_{language.replace('-', '_')}") or ""
        when = date_format(release.release_date) if release.release_date else ""
    parts = [part for part in (place, when) if part]
    if not parts:
        return body
    separator = "，" if language.startswith("zh") else ", "
    dateline = format_html('<span class="dateline">{} – </span>', separator.join(parts))
    if body.startswith("<p>"):
        return mark_safe("<p>" + dateline + body[3:])
    return mark_safe(format_html("<p>{}</p>", dateline) + body)


def _translated_path(request, language: str) -> str:
    """This page in `language`, worked out once per request (the switcher and the head's
    alternates both need it)."""
    paths = request.__dict__.setdefault("_translated_paths", {})
    if language not in paths:
        url, match = None, request.resolver_match
        if match is not None:
            # translate_url() without resolving the address again.
            with translation.override(language), suppress(NoReverseMatch):
                url = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        if url is None:
            url = translate_url(request.path, language)
        query = request.GET.urlencode()
        paths[language] = f"{url}?{query}" if query else url
    return paths[language]


@register.simple_tag(takes_context=True)
def language_url(context, language: str) -> str:
    """The switcher's link: remembers the choice, then shows this page in `language`."""
    target = _translated_path(context["request"], language)
    return reverse("switch-language", kwargs={"code": language}) + "?" + urlencode({"next": target})


@register.simple_tag(takes_context=True)
def language_links(context) -> SafeString:
    """The switcher's items: each language in its own name, the current one marked."""
    current = translation.get_language()
    items = []
    for code, _name in settings.LANGUAGES:
        name = translation.get_language_info(code)["name_local"]
        if code == current:
            item = format_html('<span aria-current="true" lang="{}">{}</span>', bcp47(code), name)
        else:
            url = language_url(context, code)
            item = format_html('<a href="{}" lang="{}">{}</a>', url, bcp47(code), name)
        items.append(format_html("<li>{}</li>", item))
    return mark_safe("".join(items))


class RememberedNode(template.Node):
    def __init__(self, nodelist, name, vary, unless=None):
        self.nodelist, self.name, self.vary, self.unless = nodelist, name, vary, unless

    def render(self, context) -> str:
        if self.unless is not None and self.unless.resolve(context):
            return self.nodelist.render(context)
        parts = [self.name.resolve(context), *(part.resolve(context) for part in self.vary)]
        key = ":".join(["fragment", translation.get_language() or "", *map(str, parts)])
        return page_cache.remember(key, lambda: self.nodelist.render(context))


@register.tag
def remembered(parser, token) -> RememberedNode:
    """`{% remembered "name" [vary …] [unless condition] %}…{% endremembered %}`: a part of the
    page rendered once per language and content change (page_cache.remember), like Django's
    `{% cache %}` but with the page cache's invalidation. It must not depend on the request
    beyond the language and the `vary` values, and variables it sets stay inside it (they are not
    set when it is recalled). With `unless`, a true condition (a form with errors: a page not
    worth keeping) renders it afresh without remembering it.
    """
    bits = token.split_contents()
    unless = None
    if len(bits) >= 2 and bits[-2] == "unless":
        unless = parser.compile_filter(bits[-1])
        bits = bits[:-2]
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'remembered' needs a name")
    nodelist = parser.parse(("endremembered",))
    parser.delete_first_token()
    name, *vary = (parser.compile_filter(bit) for bit in bits[1:])
    return RememberedNode(nodelist, name, vary, unless)


@register.simple_tag(takes_context=True)
def alternate_links(context) -> SafeString:
    """`<link rel="alternate" hreflang>` for this page in every language, and x-default."""
    request = context["request"]
    links = [
        format_html(
            '<link rel="alternate" hreflang="{}" href="{}">',
            bcp47(code),
            request.build_absolute_uri(_translated_path(request, code)),
        )
        for code, _name in settings.LANGUAGES
    ]
    links.append(
        format_html(
            '<link rel="alternate" hreflang="x-default" href="{}">',
            request.build_absolute_uri(_translated_path(request, settings.LANGUAGE_CODE)),
        )
    )
    return mark_safe("\n".join(links))
