"""Slugs made from titles, unique where the address needs them to be."""

from django.db import models
from django.utils.crypto import get_random_string
from django.utils.text import slugify


def slug_for(text: str, max_length: int = 100) -> str:
    """The slug of `text`, cut at a word boundary to fit `max_length`."""
    slug = slugify(text)
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else slug[:max_length]
    return slug.strip("-")


def unique_slug(instance: models.Model, source: str, max_length: int = 120, **scope) -> str:
    """A slug for `source` not used by another row of the same model within `scope`."""
    base = slug_for(source, max_length) or get_random_string(8, "abcdefghjkmnpqrstuvwxyz")
    manager = type(instance)._default_manager
    others = manager.filter(**scope).exclude(pk=instance.pk)
    slug, n = base, 2
    while others.filter(slug=slug).exists():
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)] + suffix
        n += 1
    return slug
