"""Languages in templates: tags for `lang` and `hreflang`, the switcher, translated content."""

from contextlib import suppress

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from .. import languages, page_cache

register = template.Library()


@register.filter
def bcp47(language: str) -> str:
    """The language tag for `lang` and `hreflang`: zh-Hant rather than Django's zh-hant."""
    return languages.bcp47(language)


@register.filter
def lang_attr(item, field: str) -> SafeString:
    """` lang="en"` when `item`'s `field` is shown in another language than the page's."""
    return lang_if_other(item.shown_language(field))


@register.filter
def lang_if_other(language: str) -> SafeString:
    """` lang="en"` for text in `language` when the page is in another language (for texts
    whose language was noted beside them, as in a remembered table)."""
    if not language or language == translation.get_language():
        return mark_safe("")
    return format_html(' lang="{}"', bcp47(language))


@register.simple_tag
def shown_language(item, field: str) -> str:
    return item.shown_language(field)


@register.simple_tag
def url_in(item, language: str) -> str:
    """`item`'s address in `language` (its page there), with no query."""
    with translation.override(language):
        return item.get_absolute_url()


@register.filter
def stale_since(item, language: str):
    """When `item`'s text in `language` fell behind its prevailing language, or None."""
    check = getattr(item, "stale_since", None)
    return check(language) if check else None


@register.filter
def converted_from(item, field: str) -> str:
    """The Chinese script `item`'s `field` was converted from for this reader, or ""."""
    if not item.is_converted(field):
        return ""
    return "zh-hant" if item.shown_language(field) == "zh-hans" else "zh-hans"


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


def _remembered_for_page(context, name: str, render) -> SafeString:
    """What a tag renders for this address, once per content change: only for a page that was
    found (the error handlers pass `exception`), at an address with no query (any address and
    query can be asked for, so those are rendered each time), and never in a preview."""
    request = context["request"]
    if "exception" in context or request.GET or page_cache.is_preview(request):
        return render()
    key = (
        f"{name}:{translation.get_language()}:{request.scheme}://{request.get_host()}{request.path}"
    )
    return mark_safe(page_cache.remember(key, lambda: str(render())))


@register.simple_tag(takes_context=True)
def language_links(context) -> SafeString:
    """The switcher's items: each language in its own name, the current one marked."""
    return _remembered_for_page(context, "language-links", lambda: _language_links(context))


def _language_links(context) -> SafeString:
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


@register.simple_tag(takes_context=True)
def alternate_links(context) -> SafeString:
    """`<link rel="alternate" hreflang>` for this page in every language, and x-default."""
    request = context["request"]
    return _remembered_for_page(context, "alternates", lambda: _alternate_links(request))


def _alternate_links(request) -> SafeString:
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
