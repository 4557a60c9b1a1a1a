"""Consent in templates: the banner's texts, the Consent Mode configuration, gated markup.

Everything here renders the same for every visitor, so that public pages stay cacheable: the
visitor's choice is applied by `/consent/state.css` (the banner) and by the browser scripts
(Consent Mode, gated scripts and blocks), never by the page's HTML.
"""

import re

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape, format_html, json_script
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language

from core import page_cache

from ..models import Category, PolicyVersion
from ..state import max_age

register = template.Library()

SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")


def banner_policy() -> dict:
    """The policy in force as the banner needs it, remembered per language and content change
    (one query to fill). A version coming into force ends the page cache's generation at that
    moment (consent registers `published_at` as a clock column), so it shows at once."""

    def read() -> dict:
        current = PolicyVersion.objects.current()
        return {
            "version": current.version if current else 0,
            "last_updated": current.last_updated if current else None,
            "banner_text": current.banner_text if current else "",
            "banner_language": current.shown_language("banner_text") if current else language,
        }

    language = get_language() or settings.LANGUAGE_CODE
    return page_cache.remember(f"consent:banner-policy:{language}", read)


@register.simple_tag
def consent_policy() -> dict:
    """`{% consent_policy as policy %}`: version, banner text (and its language), last update."""
    return banner_policy()


@register.simple_tag
def consent_categories() -> list[dict]:
    """`{% consent_categories as categories %}`: the cached category table of this language."""
    return Category.objects.table()


@register.filter
def first_sentence(text: str, length: int = 200) -> str:
    """A category's description shortened for the banner: its first sentence, at most `length`."""
    first = SENTENCE_END.split(str(text).strip(), maxsplit=1)[0]
    return Truncator(first).chars(length)


@register.simple_tag
def consent_config() -> SafeString:
    """The browser scripts' configuration, as a non-executable JSON block (CSP-safe).

    The same for every visitor: the visitor's choice is read from the cookie in the browser.
    """
    return json_script(
        {
            "cookieName": settings.CONSENT_COOKIE_NAME,
            "version": banner_policy()["version"],
            "maxAge": max_age(),
            "signals": settings.CONSENT_GTAG_SIGNALS,
            "chooseUrl": reverse("consent-choose"),
        },
        "consent-config",
    )


def _loadable(src: str) -> bool:
    return isinstance(src, str) and src.startswith(("https://", "http://", "/"))


@register.simple_tag
def consent_script(category: str, src: str = "") -> SafeString:
    """An inert script that consent.js loads once `category` is accepted.

    `{% consent_script "performance" src="https://…" %}`
    """
    if not category or not _loadable(src):
        return mark_safe("")
    # escape(), not format_html's escaping alone: a template's string literals arrive marked safe.
    return format_html(
        '<script type="text/plain" data-consent-category="{}" data-src="{}"></script>',
        escape(category),
        escape(src),
    )


@register.simple_tag
def consent_scripts() -> SafeString:
    """The operator's `CONSENT_SCRIPTS` (analytics and the like), each gated by its category."""
    tags = [
        consent_script(item.get("category", ""), item.get("src", ""))
        for item in settings.CONSENT_SCRIPTS
        if isinstance(item, dict)
    ]
    return mark_safe("\n".join(tag for tag in tags if tag))


class ConsentBlockNode(template.Node):
    def __init__(self, category: template.base.FilterExpression, nodelist: template.NodeList):
        self.category = category
        self.nodelist = nodelist

    def render(self, context) -> SafeString:
        return format_html(
            '<template data-consent-category="{}">{}</template>',
            escape(self.category.resolve(context)),
            self.nodelist.render(context),
        )


@register.tag
def consent_block(parser, token) -> ConsentBlockNode:
    """Markup (an embed, an iframe) kept inert in a `<template>` until `category` is accepted.

    `{% consent_block "targeting" %}…{% endconsent_block %}`
    """
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument: the category")
    nodelist = parser.parse(("endconsent_block",))
    parser.delete_first_token()
    return ConsentBlockNode(parser.compile_filter(bits[1]), nodelist)
