"""Downloadable files: the release as PDF, an MoU's text, a study in each language."""

import hashlib
import operator
from functools import reduce
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.languages import CODES, field_suffix

from ..uploads import sniff_document, validate_document_upload

MEDIA_TYPE_LABELS = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "text/csv": "CSV",
    "application/zip": "ZIP",
}


# The download name's extension follows the content, whatever the uploaded file was called.
EXTENSIONS = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "text/csv": ".csv",
    "application/zip": ".zip",
}


# Where a document is linked from: (its reverse relation, the linking model's field). The
# linking models are reached through the relations, as they import this module.
LINKED_FROM = (
    ("release_pdf_of", "pdf"),
    ("release_attachments", "attachments"),
    ("studies", "files"),
    ("mous", "document"),
)


# The name of each linking item, as the desk names it in the document's state.
LINK_NAMES = {"release_pdf_of": "headline", "release_attachments": "headline"}


def _linking_model(relation: str) -> type[models.Model]:
    return Document._meta.get_field(relation).related_model


def _published_links(relation: str, field: str) -> models.QuerySet:
    return _linking_model(relation).objects.published().filter(**{field: OuterRef("pk")})


def _name_in_current_language(name: str) -> Coalesce:
    """A translated column in the language of the request, else the first language that has it."""
    current = get_language() or settings.LANGUAGE_CODE
    codes = sorted(CODES, key=lambda code: code != current)
    text = models.CharField()
    columns = (F(f"{name}_{field_suffix(code)}") for code in codes)
    return Coalesce(*(NullIf(c, Value(""), output_field=text) for c in columns), output_field=text)


class DocumentQuerySet(models.QuerySet):
    def _public_q(self):
        return reduce(operator.or_, [Exists(_published_links(*link)) for link in LINKED_FROM])

    def public(self):
        """Documents attached to at least one thing the public can see."""
        return self.filter(self._public_q())

    def not_public(self):
        return self.exclude(self._public_q())

    def with_public_link(self):
        """Each document with `public_via`: the name of a published item that links it (None
        when none does), in the one query."""
        names = [
            Subquery(
                _published_links(relation, field)
                .order_by("-publish_at")
                .annotate(link_name=_name_in_current_language(LINK_NAMES.get(relation, "title")))
                .values("link_name")[:1],
                output_field=models.CharField(),
            )
            for relation, field in LINKED_FROM
        ]
        return self.annotate(public_via=Coalesce(*names, output_field=models.CharField()))


def _upload_to(instance: "Document", filename: str) -> str:
    return f"documents/{instance.sha256[:2] or 'xx'}/{filename}"


class Document(models.Model):
    file = models.FileField(
        _("file"),
        upload_to=_upload_to,
        validators=[validate_document_upload],
        help_text=_(
            "PDF, Word, Excel, PowerPoint, CSV or ZIP. Uploading a new file keeps the old one "
            "as an earlier version."
        ),
    )
    title = models.CharField(_("title"), max_length=300)
    is_accessible = models.BooleanField(
        _("accessible format"),
        default=False,
        help_text=_(
            "Tick if the file is accessible: a tagged PDF, or a Word or Excel file with "
            "headings and text alternatives. Visitors can ask for an accessible version "
            "of any other file."
        ),
    )
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
    file_updated_at = models.DateTimeField(_("file last changed"), null=True, editable=False)
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
        new_file = bool(self.file) and (
            not self.sha256 or not getattr(self.file, "_committed", True)
        )
        if new_file:
            self._read_file_facts()
            self.file_updated_at = timezone.now()
        extension = EXTENSIONS.get(self.media_type) or (
            PurePath(self.file.name).suffix.lower() if self.file else ""
        )
        self.file_name = (slugify(self.title, allow_unicode=True) or "document")[:180] + extension
        super().save(*args, **kwargs)
        self.file_replaced = new_file  # for those who keep what was published (verification)
        if new_file:
            self._record_version()

    def _record_version(self) -> None:
        """Keep this file at an immutable address of its own, with the editor's note."""
        last = self.versions.aggregate(last=models.Max("number"))["last"] or 0
        self.version_of_file(last + 1, getattr(self, "version_note", "")).save()

    def version_of_file(self, number: int, note: str) -> "DocumentVersion":
        """The current file as version `number` (unsaved): what a version keeps of it."""
        return DocumentVersion(
            document=self,
            number=number,
            file=self.file.name,
            file_name=self.file_name,
            media_type=self.media_type,
            size=self.size,
            sha256=self.sha256,
            page_count=self.page_count,
            note=note,
        )

    def usages(self) -> list[models.Model]:
        """Everything that links this document, published or not."""
        conditions: dict[type[models.Model], models.Q] = {}
        for relation, field in LINKED_FROM:
            model = _linking_model(relation)
            conditions[model] = conditions.get(model, models.Q()) | models.Q(**{field: self})
        return [
            item
            for model, condition in conditions.items()
            for item in model.objects.filter(condition).distinct()
        ]

    def _read_file_facts(self) -> None:
        digest = hashlib.sha256()
        size = 0
        self.file.seek(0)
        for chunk in self.file.chunks():
            digest.update(chunk)
            size += len(chunk)
        self.file.seek(0)
        self.sha256 = digest.hexdigest()
        self.size = size
        self.media_type = sniff_document(self.file)
        is_pdf = self.media_type == "application/pdf"
        self.page_count = _pdf_page_count(self.file) if is_pdf else None


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


class DocumentVersion(models.Model):
    """Every file a document has had, each at an immutable address of its own."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=_upload_to, max_length=255)
    file_name = models.CharField(_("download name"), max_length=200)
    media_type = models.CharField(_("media type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    note = models.TextField(_("what changed"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["document", "-number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"],
                name="document_version_unique_number",
                violation_error_message=_("This version number is taken."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.document.title} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse(
            "download-version",
            kwargs={"pk": self.document_id, "number": self.number, "file_name": self.file_name},
        )


class AccessibilityRequest(models.Model):
    """A visitor's request for an accessible version of a document, kept until answered."""

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="accessibility_requests"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    message = models.TextField(_("what format would help"), blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    answered = models.BooleanField(_("answered"), default=False)

    class Meta:
        ordering = ["answered", "-created_at"]
        verbose_name = _("accessible version request")
        verbose_name_plural = _("accessible version requests")

    def __str__(self) -> str:
        return f"{self.name} — {self.document.title}"

    def get_absolute_url(self) -> str:
        return reverse("admin:media_centre_accessibilityrequest_change", args=[self.pk])


class DownloadLogPosition(models.Model):
    """How far the worker has counted the front server's log of downloads (one row a log file,
    MEDIA_CENTRE_DOWNLOAD_LOG): moved in the transaction that adds the counts, so no line is
    counted twice or skipped."""

    path = models.CharField(max_length=500, unique=True)
    inode = models.PositiveBigIntegerField(default=0)
    offset = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("download log position")
        verbose_name_plural = _("download log positions")

    def __str__(self) -> str:
        return f"{self.path} @ {self.offset}"
