"""The `{% picture %}` tag: an uploaded image in every width and WebP, for the browser to choose."""

from collections.abc import Callable

from django import template
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from ..models import PendingImage, Rendition

register = template.Library()

DEFAULT_SIZES = "(min-width: 60rem) 40rem, 100vw"
MEDIA_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
# The `src` for browsers that ignore `srcset`: good enough on a phone and on a desktop.
PLAIN_SRC_WIDTH = 960


def image_url(name: str) -> str:
    return reverse("image", kwargs={"name": name})


def _address_maker(context) -> Callable[[str], str]:
    """Image addresses: the public ones, or through a journalist's embargoed link on their copy
    (the public address shows no picture of an item that is not public yet)."""
    embargo = context.get("embargo")
    if not embargo:
        return image_url
    token = embargo["token"]
    return lambda name: reverse("media_centre:embargo-image", kwargs={"token": token, "name": name})


@register.simple_tag(takes_context=True)
def picture(
    context,
    image: FieldFile | None,
    alt: str,
    sizes: str = DEFAULT_SIZES,
    loading: str = "lazy",
    **attributes: str,
) -> SafeString:
    """`<picture>` with WebP and fallback srcsets; one query for the image's renditions."""
    if not image:
        return mark_safe("")
    extra = format_html_join("", ' {}="{}"', ((k, v) for k, v in attributes.items() if v))
    by_format: dict[str, list[Rendition]] = {}
    for rendition in Rendition.objects.filter(source=image.name).only(
        "width", "height", "format", "file"
    ):
        by_format.setdefault(rendition.format, []).append(rendition)
    fallback = next((by_format[f] for f in ("jpeg", "png") if f in by_format), None)
    url = _address_maker(context)
    if fallback is None:
        return _original(url, image.name, alt, loading, extra)
    fallback.sort(key=lambda r: r.width)
    largest = fallback[-1]
    plain = next((r for r in reversed(fallback) if r.width <= PLAIN_SRC_WIDTH), fallback[0])
    sources = format_html_join(
        "",
        '<source type="{}" srcset="{}" sizes="{}">',
        (
            (MEDIA_TYPES[format], _srcset(url, renditions), sizes)
            for format, renditions in by_format.items()
            if renditions is not fallback
        ),
    )
    return format_html(
        '<picture>{}<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"'
        ' loading="{}" decoding="async"{}></picture>',
        sources,
        url(plain.file.name),
        _srcset(url, fallback),
        sizes,
        largest.width,
        largest.height,
        alt,
        loading,
        extra,
    )


def _original(
    url: Callable[[str], str], name: str, alt: str, loading: str, extra: SafeString
) -> SafeString:
    """The original alone: while the worker makes its renditions (at the size it will have, so
    that nothing moves when they arrive), or for an image uploaded before renditions existed."""
    size = PendingImage.objects.filter(name=name).values_list("width", "height").first()
    dimensions = format_html(' width="{}" height="{}"', *size) if size else ""
    return format_html(
        '<picture><img src="{}"{} alt="{}" loading="{}" decoding="async"{}></picture>',
        url(name),
        dimensions,
        alt,
        loading,
        extra,
    )


def _srcset(url: Callable[[str], str], renditions: list[Rendition]) -> str:
    return ", ".join(
        f"{url(r.file.name)} {r.width}w" for r in sorted(renditions, key=lambda r: r.width)
    )
