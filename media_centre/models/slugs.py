"""Web addresses (slugs) made from titles: readable pinyin for Chinese, cut at a word, unique
where the address needs them to be."""

import hashlib
import re

from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.languages import SUFFIXES

# The field's name on the desk, and what editors are told about it, by the field it is made from.
WEB_ADDRESS = _("web address")
WEB_ADDRESS_HELP = {
    "headline": _(
        "Made from the headline when left empty; change it only to fix a bad address. "
        "Changing it for a published item breaks links to it."
    ),
    "title": _(
        "Made from the title when left empty; change it only to fix a bad address. "
        "Changing it for a published item breaks links to it."
    ),
    "name": _(
        "Made from the name when left empty; change it only to fix a bad address. "
        "Changing it for a published item breaks links to it."
    ),
}

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_LETTERS = "abcdefghjkmnpqrstuvwxyz"


def _romanised(text: str) -> str:
    """`text` with its Chinese characters in toneless pinyin, one word a syllable."""
    if not _HAN.search(text):
        return text
    # Imported here, and only for Chinese text: its dictionaries take some 50 MB and most of
    # a second to load, which no process serving pages should pay for.
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(text))


def slug_for(text: str, max_length: int = 100) -> str:
    """The slug of `text` (Chinese in pinyin), cut at a word boundary to fit `max_length`."""
    slug = slugify(_romanised(text))
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else slug[:max_length]
    return slug.strip("-")


def stable_id(text: str) -> str:
    """A short id that is the same each time for the same `text`: the address of a title that
    makes no letters (emoji, symbols)."""
    digest = hashlib.sha256(text.encode()).digest()
    return "".join(_LETTERS[byte % len(_LETTERS)] for byte in digest[:8])


def unique_slug(instance: models.Model, source: str, max_length: int = 120, **scope) -> str:
    """A slug for `source` not used by another row of the same model within `scope`."""
    base = slug_for(source, max_length) or stable_id(source)
    manager = type(instance)._default_manager
    others = manager.filter(**scope).exclude(pk=instance.pk)
    slug, n = base, 2
    while others.filter(slug=slug).exists():
        suffix = f"-{n}"
        slug = slug_for(base, max_length - len(suffix)) + suffix
        n += 1
    return slug


class MadeAddress:
    """A model whose `slug` is made from a translated field (`slug_source`) when left empty,
    from its English text, else its Traditional, else its Simplified; a new item given an
    address that is taken (a copy of another) gets a fresh one ("-2") instead of an error."""

    slug_source = "title"

    def slug_scope(self) -> dict:
        """Where the address must be unique: the whole model unless a model says otherwise."""
        return {}

    def source_text(self) -> str:
        for suffix in SUFFIXES:
            value = getattr(self, f"{self.slug_source}_{suffix}", None)
            if value and value.strip():
                return value
        return ""

    def fill_slug(self) -> None:
        max_length = self._meta.get_field("slug").max_length
        if not self.slug:
            source = self.source_text()
            if source:
                self.slug = unique_slug(self, source, max_length, **self.slug_scope())
        elif self._state.adding:
            self.slug = unique_slug(self, self.slug, max_length, **self.slug_scope())

    def clean(self) -> None:
        self.fill_slug()  # before the uniqueness checks that follow clean()
        super().clean()

    def save(self, *args, **kwargs):
        self.fill_slug()
        if not self.slug:  # no text in any language (a save that skipped clean())
            self.slug = unique_slug(self, "", self._meta.get_field("slug").max_length)
        super().save(*args, **kwargs)
