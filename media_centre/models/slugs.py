"""Slugs made from titles, unique where the address needs them to be."""

from django.db import models
from django.utils.crypto import get_random_string
from django.utils.text import slugify


def unique_slug(instance: models.Model, source: str, max_length: int = 100, **scope) -> str:
    """A slug for `source` not used by another row of the same model within `scope`."""
    base = slugify(source)[:max_length].strip("-") or get_random_string(8, "abcdefghjkmnpqrstuvwxyz")
    manager = type(instance)._default_manager
    others = manager.filter(**scope).exclude(pk=instance.pk)
    slug, n = base, 2
    while others.filter(slug=slug).exists():
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)] + suffix
        n += 1
    return slug
