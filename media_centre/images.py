"""Uploaded images: orientation applied, metadata stripped, responsive renditions made once;
and which images the public may see."""

import hashlib
import io
import re
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import models
from django.db.models.signals import pre_save
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import Organisation, Person, PressRelease, Rendition, Study

WIDTHS = (320, 640, 960, 1280, 1920)
EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp"}
MEDIA_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
}
# Names this module writes: the digest in the name is the content's, so the file never changes.
HASHED_NAME = re.compile(r"(?:images|renditions)/[0-9a-f]{2}/(?P<digest>[0-9a-f]{20})\.[a-z]+")
# (model, image field, public queryset): everything that can show an uploaded image.
SHOWN_BY = (
    (PressRelease, "hero_image", lambda: PressRelease.objects.published()),
    (Person, "photo", lambda: Person.objects.published()),
    (Study, "cover_image", lambda: Study.objects.published()),
    (Organisation, "logo", lambda: Organisation.objects.all()),  # logos are always public
)


def connect() -> None:
    """Process new uploads as they are saved, for every model that can show an image."""
    for model, _field, _public in SHOWN_BY:
        pre_save.connect(_on_save, sender=model, dispatch_uid=f"images-{model._meta.label_lower}")


def _on_save(sender, instance: models.Model, raw: bool = False, **kwargs) -> None:
    if not raw:  # fixtures hold stored names already
        prepare_images(instance)


def prepare_images(instance: models.Model) -> None:
    """Normalise newly uploaded images of `instance` before it is saved, and make renditions.

    Each new upload is turned upright, re-encoded without metadata and stored under a name
    derived from its content; the field then holds that stored name.
    """
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.ImageField):
            continue
        file = getattr(instance, field.attname)
        if not file or file._committed:
            continue
        try:
            image = _open(file)
            image, format = _upright_without_metadata(image)
        except ValidationError as error:
            raise ValidationError({field.name: error.messages}) from None
        name = _store(field.storage, "images", _encode(image, format), format)
        setattr(instance, field.attname, name)
        make_renditions(name, image, format)


def make_renditions(source: str, image: Image.Image, format: str) -> None:
    """Store each width of `image` in WebP and a widely supported format, once per source."""
    storage = Rendition._meta.get_field("file").storage
    existing = set(Rendition.objects.filter(source=source).values_list("width", "format"))
    fallback = format if format != "webp" else "png" if image.has_transparency_data else "jpeg"
    made = []
    for width in sorted({w for w in WIDTHS if w < image.width} | {image.width}):
        wanted = [f for f in ("webp", fallback) if (width, f) not in existing]
        if not wanted:
            continue
        height = max(1, round(image.height * width / image.width))
        resized = image
        if width != image.width:
            resized = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        for kind in wanted:
            name = _store(storage, "renditions", _encode(resized, kind), kind)
            made.append(
                Rendition(source=source, width=width, height=height, format=kind, file=name)
            )
    # A concurrent save of the same image may have made some already: theirs are as good.
    Rendition.objects.bulk_create(made, ignore_conflicts=True)


def _open(file) -> Image.Image:
    """The uploaded image, its size checked before any pixel is decoded."""
    cap = settings.MEDIA_CENTRE_MAX_IMAGE_PIXELS
    file.open("rb")
    file.seek(0)
    data = file.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ValidationError(_("This image has too many pixels to be processed.")) from None
    except (UnidentifiedImageError, OSError):
        raise ValidationError(_("This file is not an image that can be shown.")) from None
    if image.width * image.height > cap:
        raise ValidationError(_("This image has too many pixels to be processed."))
    return image


def _upright_without_metadata(image: Image.Image) -> tuple[Image.Image, str]:
    """The image turned as the camera meant, with no EXIF, GPS, XMP or ICC left; its format."""
    format = {"JPEG": "jpeg", "WEBP": "webp"}.get(image.format, "png")  # GIF and others: PNG
    try:
        image = ImageOps.exif_transpose(image)  # always a new image: the upload stays untouched
    except (OSError, ValueError, SyntaxError):
        raise ValidationError(_("This image is damaged and cannot be processed.")) from None
    if format == "jpeg":
        if image.mode not in ("L", "RGB"):
            image = image.convert("RGB")
    elif image.mode not in ("L", "LA", "RGB", "RGBA"):
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    image.info = {}  # nothing from the upload's metadata may reach an encoder
    return image, format


def _encode(image: Image.Image, format: str) -> bytes:
    buffer = io.BytesIO()
    if format == "jpeg":
        if image.mode not in ("L", "RGB"):
            image = image.convert("RGB")
        image.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    elif format == "webp":
        image.save(buffer, "WEBP", quality=80, method=4)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _store(storage: Storage, folder: str, data: bytes, format: str) -> str:
    """Save `data` under a name made from its hash; the same content is stored once."""
    digest = hashlib.sha256(data).hexdigest()
    name = f"{folder}/{digest[:2]}/{digest[:20]}.{EXTENSIONS[format]}"
    if storage.exists(name):
        return name
    return storage.save(name, ContentFile(data))


def shown(source: str, *, public: bool) -> bool:
    """Whether an item (a public one, when `public`) shows the image stored as `source`."""
    first, *rest = (
        (public_queryset() if public else model.objects.all())
        .filter(**{field: source})
        .values_list("pk")
        for model, field, public_queryset in SHOWN_BY
    )
    return first.union(*rest, all=True).exists()
