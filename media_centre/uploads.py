"""What may be uploaded: a file's kind is decided by its content, within size and pixel caps."""

import codecs
import csv
import io
import stat
import warnings
import zipfile
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
CSV = "text/csv"
ZIP = "application/zip"
HTML = "text/html"
SVG = "image/svg+xml"
PROGRAM = "application/vnd.microsoft.portable-executable"
UNKNOWN = "application/octet-stream"

# The member that makes a ZIP an Office file, besides [Content_Types].xml.
OFFICE_MARKERS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# A ZIP may unpack to this many times the upload cap, and no more.
UNPACKED_SIZE_RATIO = 20

HEAD_BYTES = 4096
PROGRAM_MAGIC = (
    b"MZ",  # Windows
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce",  # macOS, in both byte orders, 32 and 64 bit, and universal
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",  # a script
)
# Markup a browser or a server would run: HTML, XML and processing instructions (<?php), and
# server pages (<% … %>).
MARKUP_MARKERS = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<iframe", b"<?", b"<%")

ACCEPTED_DOCUMENTS = _("Upload a PDF, Word, Excel, PowerPoint, CSV or ZIP file.")
ACCEPTED_IMAGES = _("Upload a PNG, JPEG, WebP or GIF image.")
DOCUMENT_REFUSALS = {
    PROGRAM: _("This file is a program, not a document we can publish. %(accepted)s"),
    HTML: _("This file is a web page (HTML), not a document we can publish. %(accepted)s"),
    SVG: _(
        "This file is an SVG drawing, which can contain scripts, so we do not publish it. "
        "Save it as a PDF or PNG and upload that instead."
    ),
    UNKNOWN: _("We cannot tell what kind of file this is, so we cannot publish it. %(accepted)s"),
}


def sniff_document(file: File) -> str:
    """The media type of a document, read from its content; never from its name."""
    head = _head(file)
    # A script is a script after a byte-order mark or blank lines too (a shell skips neither,
    # but an editor's "Open with" and a careless server may).
    if head.startswith(PROGRAM_MAGIC) or head.removeprefix(codecs.BOM_UTF8).lstrip().startswith(
        b"#!"
    ):
        return PROGRAM
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(file)
    return _text_kind(file, head)


def validate_document_upload(file: File) -> None:
    """Refuse, with a plain-word ValidationError, anything that is not an accepted document."""
    if _already_stored(file):
        return
    _check_size(file)
    kind = sniff_document(file)
    if kind in DOCUMENT_REFUSALS:
        raise ValidationError(
            DOCUMENT_REFUSALS[kind], code="file_type", params={"accepted": ACCEPTED_DOCUMENTS}
        )
    if kind == PDF:
        _check_pdf(file)
    elif kind in {ZIP, DOCX, XLSX, PPTX}:
        _check_zip(file)


def validate_image_upload(file: File) -> None:
    """Refuse, with a plain-word ValidationError, anything that is not an accepted image."""
    if _already_stored(file):
        return
    _check_size(file)
    if b"<svg" in _head(file).lower():
        raise ValidationError(
            _(
                "This image is an SVG drawing, which can contain scripts, so we do not publish "
                "it. %(accepted)s"
            ),
            code="svg",
            params={"accepted": ACCEPTED_IMAGES},
        )
    from PIL import Image, UnidentifiedImageError

    limit = settings.MEDIA_CENTRE_MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Image.open reads only the header: the pixels are counted before any are decoded.
            with Image.open(file) as image:
                image_format, (width, height) = image.format, image.size
                if image_format in IMAGE_FORMATS and width * height <= limit:
                    image.verify()
            if image_format in IMAGE_FORMATS and width * height <= limit:
                file.seek(0)
                decode_all_pixels(file)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            _(
                "This image has too many pixels to handle safely; the limit is %(limit)s "
                "megapixels."
            ),
            code="image_pixels",
            params={"limit": _megapixels(limit)},
        ) from error
    except UnidentifiedImageError as error:
        raise ValidationError(
            _("This file is not an image we can use. %(accepted)s"),
            code="image_type",
            params={"accepted": ACCEPTED_IMAGES},
        ) from error
    except Exception as error:  # Pillow raises many kinds of error on a damaged file
        raise ValidationError(
            _("This image is damaged and cannot be opened. Save it again and upload the new file."),
            code="image_damaged",
        ) from error
    finally:
        file.seek(0)
    if image_format not in IMAGE_FORMATS:
        raise ValidationError(
            _("This image is a %(format)s file, which we do not publish. %(accepted)s"),
            code="image_type",
            params={"format": image_format, "accepted": ACCEPTED_IMAGES},
        )
    if width * height > limit:
        raise ValidationError(
            _(
                "This image is %(width)s × %(height)s pixels; the limit is %(limit)s megapixels. "
                "Make it smaller and upload it again."
            ),
            code="image_pixels",
            params={
                "width": number_format(width, force_grouping=True),
                "height": number_format(height, force_grouping=True),
                "limit": _megapixels(limit),
            },
        )


def decode_all_pixels(file: File) -> None:
    """Decode every pixel (a JPEG at an eighth of its size, which still reads all its data), so
    that a truncated or corrupt image is refused here and not when the worker processes it."""
    from PIL import Image

    with Image.open(file) as image:
        if image.format == "JPEG":
            image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
        image.load()


def _already_stored(file: File) -> bool:
    # A file already in storage passed these checks when it was uploaded; reading it back
    # from storage on every save of its document would be slow and could fail.
    return getattr(file, "_committed", False) is True


def _head(file: File) -> bytes:
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    return head


def _check_size(file: File) -> None:
    size = file.size
    if not size:
        raise ValidationError(
            _("This file is empty. Choose the file again and upload it."), code="empty"
        )
    limit = settings.MEDIA_CENTRE_MAX_UPLOAD_BYTES
    if size > limit:
        raise ValidationError(
            _("This file is %(size)s; the limit is %(limit)s."),
            code="file_size",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )


def _megapixels(pixels: int) -> str:
    megapixels = pixels / 1_000_000
    return number_format(int(megapixels) if megapixels.is_integer() else round(megapixels, 2))


def _check_pdf(file: File) -> None:
    from pypdf import PdfReader

    damaged = ValidationError(
        _(
            "This PDF is damaged and cannot be opened. Save or export it again and upload the "
            "new file."
        ),
        code="pdf_damaged",
    )
    try:
        reader = PdfReader(file)
        if reader.is_encrypted:
            raise ValidationError(
                _(
                    "This PDF is protected (by a password, or by limits on copying or printing). "
                    "Save a copy without protection and upload that."
                ),
                code="pdf_encrypted",
            )
        pages = len(reader.pages)
    except ValidationError:
        raise
    except Exception as error:  # pypdf raises many kinds of error on a damaged file
        raise damaged from error
    finally:
        file.seek(0)
    if not pages:
        raise damaged


def _zip_kind(file: File) -> str:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError):
        return ZIP  # it says it is a ZIP; validation finds it damaged
    finally:
        file.seek(0)
    if "[Content_Types].xml" in names:
        for marker, media_type in OFFICE_MARKERS.items():
            if marker in names:
                return media_type
    return ZIP


def _check_zip(file: File) -> None:
    limit = settings.MEDIA_CENTRE_MAX_UPLOAD_BYTES * UNPACKED_SIZE_RATIO
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ValidationError(
            _(
                "This file is a damaged ZIP archive and cannot be opened. Make it again and "
                "upload the new file."
            ),
            code="zip_damaged",
        ) from error
    finally:
        file.seek(0)
    for member in members:
        if _unsafe_member(member):
            raise ValidationError(
                _(
                    "This file contains a packed file whose name could put it outside the folder "
                    "it is unpacked into (“%(name)s”), so we cannot publish it."
                ),
                code="zip_unsafe_name",
                params={"name": member.filename},
            )
    unpacked = sum(member.file_size for member in members)
    if unpacked > limit:
        raise ValidationError(
            _(
                "This file unpacks to %(size)s; the limit is %(limit)s. Split it into smaller "
                "files."
            ),
            code="zip_too_large",
            params={"size": filesizeformat(unpacked), "limit": filesizeformat(limit)},
        )


def _unsafe_member(member: zipfile.ZipInfo) -> bool:
    name = member.filename
    if "\x00" in name or stat.S_ISLNK(member.external_attr >> 16):
        return True
    for path in (PurePosixPath(name), PureWindowsPath(name)):
        if path.is_absolute() or path.drive or path.root or ".." in path.parts:
            return True
    return False


def _text_kind(file: File, head: bytes) -> str:
    """HTML, SVG or CSV for a text file; UNKNOWN for anything else."""
    start = head.removeprefix(codecs.BOM_UTF8).lstrip().lower()
    if b"<svg" in head.lower():
        return SVG
    if any(marker in start[:1024] for marker in MARKUP_MARKERS):
        return HTML
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    sample = ""
    tail = ""  # the end of the previous chunk, so that "<svg" split across chunks is found
    try:
        file.seek(0)
        for chunk in file.chunks():
            text = decoder.decode(chunk)
            if "\x00" in text:
                return UNKNOWN
            if "<svg" in (tail + text).lower():
                return SVG
            tail = text[-3:]
            if len(sample) < 65536:
                sample += text
        sample += decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return UNKNOWN
    finally:
        file.seek(0)
    return CSV if sample.strip() and _reads_as_csv(sample[:65536]) else UNKNOWN


def _reads_as_csv(sample: str) -> bool:
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1:
        lines = lines[:-1]  # the sample may end mid-row
    sample = "".join(lines)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel  # one column has no delimiter to find
    try:
        for _row in csv.reader(io.StringIO(sample), dialect, strict=True):
            pass
    except csv.Error:
        return False
    return True
