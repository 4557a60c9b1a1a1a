"""Uploaded images: checked and kept as they came while the editor saves; turned upright, stripped
of metadata and made into responsive renditions by the worker; and which images the public may see.
"""

import contextlib
import datetime as dt
import hashlib
import io
import logging
import os
import re
import tempfile
import time
import warnings
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.db import models, transaction
from django.db.models import F
from django.db.models.signals import pre_save
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core import page_cache

from .models import Organisation, PendingImage, Person, PressRelease, Rendition, Study
from .uploads import decode_all_pixels

logger = logging.getLogger(__name__)

WIDTHS = (320, 640, 960, 1280, 1920)
EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp"}
MEDIA_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
}
# Names this module writes: the digest in the name is the upload's, so the file never changes.
HASHED_NAME = re.compile(r"(?:images|renditions)/[0-9a-f]{2}/(?P<digest>[0-9a-f]{20})\.[a-z]+")
# Where uploads wait, as they came (metadata and all), for the worker: never served.
UPLOADS = "uploads"
# Where the worker writes a file before moving it into place, so that no half file is ever seen.
PARTIAL = ".partial"
# A job not finished by then is taken as lost (a killed worker) and queued again.
JOB_SECONDS = 600
RETRY_SECONDS = 60  # after a failure, doubled at each attempt
MAX_ATTEMPTS = 5
ORIENTATION = 0x0112
# (model, image field, public queryset): everything that can show an uploaded image.
SHOWN_BY = (
    (PressRelease, "hero_image", lambda: PressRelease.objects.published()),
    (Person, "photo", lambda: Person.objects.published()),
    (Study, "cover_image", lambda: Study.objects.published()),
    (Organisation, "logo", lambda: Organisation.objects.all()),  # logos are always public
)


def connect() -> None:
    """Take in new uploads as they are saved, for every model that can show an image."""
    for model, _field, _public in SHOWN_BY:
        pre_save.connect(_on_save, sender=model, dispatch_uid=f"images-{model._meta.label_lower}")


def _on_save(sender, instance: models.Model, raw: bool = False, **kwargs) -> None:
    if not raw:  # fixtures hold stored names already
        prepare_images(instance)


def prepare_images(instance: models.Model) -> None:
    """Check each newly uploaded image of `instance` before it is saved, and queue its processing.

    Only cheap checks happen here (the header, the pixel cap, that the pixels decode); the field
    then holds the name the upright, metadata-free original will have, derived from the upload.
    """
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.ImageField):
            continue
        file = getattr(instance, field.attname)
        if not file or file._committed:
            continue
        try:
            data, image = _read(file)
            _check_decodes(data)
        except ValidationError as error:
            raise ValidationError({field.name: error.messages}) from None
        name = _receive(field.storage, data, image)
        replaced = _stored_value(instance, field)
        setattr(instance, field.attname, name)
        if replaced and replaced != name:
            transaction.on_commit(lambda replaced=replaced: forget_image.enqueue(replaced))


def _stored_value(instance: models.Model, field: models.Field) -> str:
    if instance._state.adding or instance.pk is None:
        return ""
    manager = type(instance)._base_manager
    return manager.filter(pk=instance.pk).values_list(field.attname, flat=True).first() or ""


def _read(file) -> tuple[bytes, Image.Image]:
    file.open("rb")
    file.seek(0)
    data = file.read()
    return data, _open(data)


def _check_decodes(data: bytes) -> None:
    try:
        decode_all_pixels(io.BytesIO(data))
    except (OSError, ValueError, SyntaxError):
        raise ValidationError(_("This image is damaged and cannot be processed.")) from None


def _upright_size(image: Image.Image) -> tuple[int, int]:
    turned = image.getexif().get(ORIENTATION) in (5, 6, 7, 8)
    return (image.height, image.width) if turned else (image.width, image.height)


def _format_of(image: Image.Image) -> str:
    return {"JPEG": "jpeg", "WEBP": "webp"}.get(image.format, "png")  # GIF and others: PNG


def _receive(storage: Storage, data: bytes, image: Image.Image) -> str:
    """Keep the upload for the worker and queue its processing; the original's name."""
    digest = hashlib.sha256(data).hexdigest()
    name = f"images/{digest[:2]}/{digest[:20]}.{EXTENSIONS[_format_of(image)]}"
    if Rendition.objects.filter(source=name).exists():
        return name  # the same picture was uploaded and processed before
    upload = ""
    if not storage.exists(name):
        upload = f"{UPLOADS}/{digest[:2]}/{digest}"
        _write(storage, upload, data)
    width, height = _upright_size(image)
    PendingImage.objects.update_or_create(
        name=name,
        defaults={
            "upload": upload,
            "width": width,
            "height": height,
            "retry_at": timezone.now() + dt.timedelta(seconds=JOB_SECONDS),
        },
    )
    process_image.enqueue(name)  # with the database queue: when, and only if, the save commits
    return name


@task
def process_image(name: str) -> str:
    """Make the original and the renditions of a pending image; idempotent. A failure removes
    what this attempt wrote, and the image is tried again later (`finish_images`)."""
    pending = PendingImage.objects.filter(name=name).first()
    if pending is None:
        return "already made"
    PendingImage.objects.filter(pk=pending.pk).update(
        attempts=F("attempts") + 1,
        retry_at=timezone.now() + dt.timedelta(seconds=JOB_SECONDS),
    )
    written: list[str] = []
    try:
        made = _make(pending, written)
    except Exception as error:
        _discard(pending, written)
        attempts = pending.attempts + 1
        delay = RETRY_SECONDS * 2 ** (attempts - 1)
        PendingImage.objects.filter(pk=pending.pk).update(
            error=f"{type(error).__name__}: {error}"[:2000],
            retry_at=timezone.now() + dt.timedelta(seconds=delay),
        )
        log = logger.error if attempts >= MAX_ATTEMPTS else logger.warning
        log("Could not process image %s (attempt %d of %d)", name, attempts, MAX_ATTEMPTS)
        raise
    return f"{made} files written"


def _make(pending: PendingImage, written: list[str]) -> int:
    storage = default_storage
    name = pending.name
    if pending.upload and storage.exists(pending.upload):
        with storage.open(pending.upload, "rb") as handle:
            data = handle.read()
        if hashlib.sha256(data).hexdigest() != pending.upload.rsplit("/", 1)[1]:
            raise ValueError(f"The kept upload {pending.upload} is incomplete")
    else:  # made before, or being made again from its original
        with storage.open(name, "rb") as handle:
            data = handle.read()
    image, format = _upright_without_metadata(_open(data))
    files = {}
    if not storage.exists(name):
        files[name] = _encode(image, format)
    renditions = _renditions(name, image, format)
    files.update((rendition.file.name, data) for rendition, data in renditions)
    # Everything is encoded before anything is written: a job killed while encoding (nearly
    # all of its time) leaves no file behind.
    for file_name, content in files.items():
        if _write(storage, file_name, content):
            written.append(file_name)
    with transaction.atomic():
        # A concurrent job for the same image may have made some already: theirs are as good.
        Rendition.objects.bulk_create([r for r, _data in renditions], ignore_conflicts=True)
        PendingImage.objects.filter(pk=pending.pk).delete()
    page_cache.invalidate()  # bulk_create sends no signal; pages now offer the renditions
    if pending.upload:
        storage.delete(pending.upload)
    return len(written)


def _discard(pending: PendingImage, written: list[str]) -> None:
    """Remove the files a failed attempt wrote, unless another job has used them since."""
    used = set(Rendition.objects.filter(file__in=written).values_list("file", flat=True))
    if not PendingImage.objects.filter(pk=pending.pk).exists():
        used.add(pending.name)  # another job finished the image meanwhile
    for file_name in written:
        if file_name not in used:
            with contextlib.suppress(OSError):
                default_storage.delete(file_name)


def _renditions(source: str, image: Image.Image, format: str) -> list[tuple[Rendition, bytes]]:
    """Each width of `image` not made yet, in WebP and a widely supported format, encoded."""
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
            data = _encode(resized, kind)
            file = _hashed_name("renditions", data, kind)
            made.append(
                (Rendition(source=source, width=width, height=height, format=kind, file=file), data)
            )
    return made


@task(priority=5)
def finish_images() -> int:
    """Queue again each pending image whose job failed or was lost (its worker killed), until
    it has had its attempts; remove half-written files that killed jobs left. How many queued."""
    now = timezone.now()
    due = PendingImage.objects.filter(retry_at__lte=now, attempts__lt=MAX_ATTEMPTS)
    names = list(due.values_list("name", flat=True)[:100])
    for name in names:
        # Not queued again by the next sweep while this job waits its turn.
        PendingImage.objects.filter(name=name).update(
            retry_at=now + dt.timedelta(seconds=JOB_SECONDS)
        )
        process_image.enqueue(name)
    _remove_partial_files(older_than=time.time() - JOB_SECONDS)
    _remove_abandoned_uploads(older_than=now - dt.timedelta(days=1))
    return len(names)


@task
def forget_image(name: str) -> int:
    """Remove the renditions of an image that nothing shows any more (it was replaced); the
    original stays. How many files were removed."""
    with transaction.atomic():
        if shown(name, public=False) or PendingImage.objects.filter(name=name).exists():
            return 0
        files = list(Rendition.objects.filter(source=name).values_list("file", flat=True))
        Rendition.objects.filter(source=name).delete()
        for file_name in files:
            with contextlib.suppress(OSError):
                default_storage.delete(file_name)
    return len(files)


def _open(data: bytes) -> Image.Image:
    """The uploaded image, its size checked before any pixel is decoded."""
    cap = settings.MEDIA_CENTRE_MAX_IMAGE_PIXELS
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
    format = _format_of(image)
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


def _hashed_name(folder: str, data: bytes, format: str) -> str:
    digest = hashlib.sha256(data).hexdigest()
    return f"{folder}/{digest[:2]}/{digest[:20]}.{EXTENSIONS.get(format, format)}"


def _write(storage: Storage, name: str, data: bytes) -> bool:
    """Store `data` as `name` whole or not at all, unless it is there already; whether it wrote.

    On the local disk the file is written under .partial/ and moved into place; object storage
    stores an object whole by itself."""
    if storage.exists(name):
        return False
    if not isinstance(storage, FileSystemStorage):
        storage.save(name, ContentFile(data))
        return True
    final = Path(storage.path(name))
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(storage.path(PARTIAL))
    partial.mkdir(exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=partial)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, storage.file_permissions_mode or 0o644)
        os.replace(temporary, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return True


def _remove_abandoned_uploads(older_than: dt.datetime) -> None:
    """Uploads kept for an image that no pending image names: its save was rolled back."""
    storage = default_storage
    with contextlib.suppress(OSError):
        folders, _files = storage.listdir(UPLOADS)
        for folder in folders:
            for file_name in storage.listdir(f"{UPLOADS}/{folder}")[1]:
                name = f"{UPLOADS}/{folder}/{file_name}"
                if (
                    storage.get_modified_time(name) < older_than
                    and not PendingImage.objects.filter(upload=name).exists()
                ):
                    storage.delete(name)


def _remove_partial_files(older_than: float) -> None:
    storage = default_storage
    if not isinstance(storage, FileSystemStorage):
        return
    partial = Path(storage.path(PARTIAL))
    for path in partial.glob("*") if partial.is_dir() else ():
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < older_than:
                path.unlink()


def shown(source: str, *, public: bool) -> bool:
    """Whether an item (a public one, when `public`) shows the image stored as `source`."""
    first, *rest = (
        (public_queryset() if public else model.objects.all())
        .filter(**{field: source})
        .values_list("pk")
        for model, field, public_queryset in SHOWN_BY
    )
    return first.union(*rest, all=True).exists()
