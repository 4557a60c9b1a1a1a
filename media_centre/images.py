"""Uploaded images: orientation applied, metadata stripped, responsive renditions made once."""

import hashlib
import io
import re
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import add_never_cache_headers
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import Organisation, Person, PressRelease, Rendition, Study
from .publishing_views import can_preview

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


def serve_image(request: HttpRequest, name: str) -> HttpResponse:
    """An original or a rendition, to anyone when something public shows it, else to staff."""
    parts = name.split("/")
    if name.startswith("/") or "\\" in name or "\x00" in name or {"", ".", ".."} & set(parts):
        raise Http404
    extension = name.rpartition(".")[2].lower()
    if name.startswith("renditions/"):
        rendition = Rendition.objects.filter(file=name).values_list("source", "format").first()
        if rendition is None:
            raise Http404
        source, format = rendition
        media_type = MEDIA_TYPES[EXTENSIONS[format]]
    elif extension in MEDIA_TYPES:
        source, media_type = name, MEDIA_TYPES[extension]
    else:
        raise Http404
    if _shown(source, public=True):
        public = True
    elif _may_preview(request) and _shown(source, public=False):
        public = False
    else:
        raise Http404

    storage = default_storage
    try:
        size = storage.size(name)
    except (FileNotFoundError, OSError):
        raise Http404 from None
    hashed = HASHED_NAME.fullmatch(name)
    etag = '"{}"'.format(
        hashed["digest"] if hashed else hashlib.sha256(f"{name}:{size}".encode()).hexdigest()[:20]
    )
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    elif request.method == "HEAD":
        response = HttpResponse(content_type=media_type)
    else:
        try:
            handle = storage.open(name, "rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        response = FileResponse(handle, content_type=media_type)
    if not isinstance(response, HttpResponseNotModified):
        response["Content-Length"] = str(size)
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    if not public:
        add_never_cache_headers(response)
    elif hashed:
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        # Uploaded before names were content-hashed: such a name could be reused one day.
        response["Cache-Control"] = "public, max-age=86400"
    return response


def _shown(source: str, *, public: bool) -> bool:
    """Whether an item (a public one, when `public`) shows the image stored as `source`."""
    first, *rest = (
        (public_queryset() if public else model.objects.all())
        .filter(**{field: source})
        .values_list("pk")
        for model, field, public_queryset in SHOWN_BY
    )
    return first.union(*rest, all=True).exists()


def _may_preview(request: HttpRequest) -> bool:
    return any(can_preview(request, model) for model, _field, _public in SHOWN_BY)
