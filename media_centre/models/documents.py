"""Downloadable files: the release as PDF, an MoU's text, a study in each language."""

import hashlib
import mimetypes
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

MEDIA_TYPE_LABELS = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "text/csv": "CSV",
    "application/zip": "ZIP",
}


class DocumentQuerySet(models.QuerySet):
    def public(self):
        """Documents attached to at least one thing the public can see."""
        from .mous import MoU
        from .releases import PressRelease
        from .studies import Study

        return self.filter(
            Exists(PressRelease.objects.published().filter(pdf=OuterRef("pk")))
            | Exists(PressRelease.objects.published().filter(attachments=OuterRef("pk")))
            | Exists(Study.objects.published().filter(files=OuterRef("pk")))
            | Exists(MoU.objects.published().filter(document=OuterRef("pk")))
        )


def _upload_to(instance: "Document", filename: str) -> str:
    return f"documents/{instance.sha256[:2] or 'xx'}/{filename}"


class Document(models.Model):
    file = models.FileField(_("file"), upload_to=_upload_to)
    title = models.CharField(_("title"), max_length=300)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    file_name = models.CharField(
        _("download name"),
        max_length=200,
        editable=False,
        help_text=_("The name the file is saved under on a visitor's device."),
    )
    media_type = models.CharField(_("media type"), max_length=120, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0, editable=False)
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64, editable=False, db_index=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True, editable=False)
    download_count = models.PositiveBigIntegerField(_("downloads"), default=0, editable=False)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["title", "language"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return f"{self.title} ({self.get_language_display()})"

    def get_absolute_url(self) -> str:
        return reverse("download", kwargs={"pk": self.pk, "file_name": self.file_name})

    @property
    def kind_label(self) -> str:
        return MEDIA_TYPE_LABELS.get(
            self.media_type, PurePath(self.file_name).suffix.lstrip(".").upper()
        )

    def save(self, *args, **kwargs):
        if self.file and (not self.sha256 or not getattr(self.file, "_committed", True)):
            self._read_file_facts()
        extension = PurePath(self.file.name).suffix.lower() if self.file else ""
        self.file_name = (slugify(self.title, allow_unicode=True) or "document")[:180] + extension
        super().save(*args, **kwargs)

    def _read_file_facts(self) -> None:
        digest = hashlib.sha256()
        size = 0
        self.file.seek(0)
        head = b""
        for chunk in self.file.chunks():
            if not head:
                head = chunk[:8]
            digest.update(chunk)
            size += len(chunk)
        self.file.seek(0)
        self.sha256 = digest.hexdigest()
        self.size = size
        if head.startswith(b"%PDF-"):
            self.media_type = "application/pdf"
            self.page_count = _pdf_page_count(self.file)
        else:
            self.media_type = mimetypes.guess_type(self.file.name)[0] or "application/octet-stream"


def _pdf_page_count(file) -> int | None:
    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover - pypdf arrives with the downloads issue
        return None
    try:
        count = len(PdfReader(file).pages)
    except Exception:  # a PDF that does not parse has no page count; validation is elsewhere
        count = None
    file.seek(0)
    return count
