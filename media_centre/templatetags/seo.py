"""Link previews and search results: canonical address, OpenGraph, Twitter card, JSON-LD."""

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import languages, page_cache

from .. import structured_data
from ..models import Event, MoU, Person, PressRelease, Study

register = template.Library()

SECTIONS = {
    "releases": _("Press releases"),
    "events": _("Events"),
    "mous": _("MoUs"),
    "studies": _("Publications"),
    "speakers": _("Speakers"),
}


def _is_error_page(context) -> bool:
    # The 404 handler passes `exception`; a withdrawn item's 410 page passes `withdrawn_item`.
    return "exception" in context or "withdrawn_item" in context


def _description(item) -> str:
    if isinstance(item, PressRelease | Event | MoU):
        text = item.summary
    elif isinstance(item, Study):
        text = item.abstract
    elif isinstance(item, Person):
        text = "; ".join(position.title for position in item.positions.all()) or item.bio
    else:
        text = ""
    return text or gettext("Press releases, events, memoranda of understanding and publications.")


def _title(context, item) -> str:
    if context.get("seo_title"):
        return str(context["seo_title"])
    if item:
        return item.full_name if isinstance(item, Person) else str(item)
    if context.get("section") in SECTIONS:
        return str(SECTIONS[context["section"]])
    return gettext("Media centre")


def canonical_url(context) -> str:
    """This page's absolute address in its language; lists keep what makes them another list
    (`canonical_query`: the past events) and their page number."""
    request = context["request"]
    url = request.build_absolute_uri(request.path)
    query = dict(context.get("canonical_query") or {})
    page = context.get("page_obj")
    if page is not None and page.number > 1:
        query["page"] = page.number
    return f"{url}?{urlencode(query)}" if query else url


@register.simple_tag(takes_context=True)
def seo_meta(context) -> SafeString:
    """`<link rel="canonical">`, OpenGraph and Twitter card tags for this page."""
    request = context.get("request")
    if request is None or _is_error_page(context):
        return mark_safe("")
    item = context.get("item") or None
    url = canonical_url(context)
    language = translation.get_language() or settings.LANGUAGE_CODE
    title = _title(context, item)
    if page_cache.is_preview(request):
        return _seo_meta(request, item, url, language, title)
    # The same for every request to this canonical address until the content changes.
    label = f"{item._meta.label}:{item.pk}" if item is not None else ""
    key = f"seo-meta:{language}:{url}:{label}:{title}"
    return mark_safe(
        page_cache.remember(key, lambda: str(_seo_meta(request, item, url, language, title)))
    )


def _seo_meta(request, item, url: str, language: str, title: str) -> SafeString:
    properties = [
        ("og:site_name", settings.MEDIA_CENTRE_SITE_NAME),
        ("og:title", title),
        ("og:description", Truncator(_description(item)).words(50)),
        ("og:url", url),
        ("og:type", "article" if isinstance(item, PressRelease) else "website"),
        ("og:locale", languages.BY_CODE.get(language, languages.LANGUAGES[0]).og_locale),
        *(
            ("og:locale:alternate", other.og_locale)
            for other in languages.LANGUAGES
            if other.code != language
        ),
    ]
    image = structured_data.share_image(request, item)
    properties += [
        (key, value)
        for key, value in (
            ("og:image", image.url),
            ("og:image:type", image.media_type),
            ("og:image:width", image.width),
            ("og:image:height", image.height),
            ("og:image:alt", image.alt),
        )
        if value
    ]
    if isinstance(item, PressRelease) and item.publish_at:
        properties.append(("article:published_time", structured_data.iso(item.publish_at)))
        properties.append(("article:modified_time", structured_data.iso(item.modified_at)))
    names = [("twitter:card", "summary_large_image")]
    if image.alt:
        names.append(("twitter:image:alt", image.alt))
    return format_html(
        '<link rel="canonical" href="{}">\n{}\n{}',
        url,
        format_html_join("\n", '<meta property="{}" content="{}">', properties),
        format_html_join("\n", '<meta name="{}" content="{}">', names),
    )


@register.simple_tag(takes_context=True, name="structured_data")
def structured_data_tag(context, item=None) -> SafeString:
    """The page's schema.org JSON-LD: the item and its breadcrumbs, or the site on the home page."""
    request = context.get("request")
    if request is None or _is_error_page(context):
        return mark_safe("")
    if item:
        # Remembered with the item's page until the content changes (it reads related rows).
        site = request.build_absolute_uri("/")
        key = f"json-ld:{item._meta.label}:{item.pk}:{translation.get_language()}:{site}"
        objects = page_cache.remember(key, lambda: structured_data.for_item(request, item))
    else:
        match = request.resolver_match
        is_home = match is not None and match.view_name == "media_centre:home"
        objects = (
            [{"@context": structured_data.CONTEXT, **structured_data.site_organisation(request)}]
            if is_home
            else []
        )
    return mark_safe("\n".join(structured_data.script(data) for data in objects))
