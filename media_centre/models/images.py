"""Renditions of uploaded images: each width and format made once, under a content-hashed name."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Rendition(models.Model):
    class Format(models.TextChoices):
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"

    source = models.CharField(_("original image"), max_length=255, db_index=True)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    format = models.CharField(_("format"), max_length=4, choices=Format)
    file = models.ImageField(_("file"), upload_to="renditions/", max_length=255, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source", "format", "width"]
        verbose_name = _("image rendition")
        verbose_name_plural = _("image renditions")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "width", "format"], name="rendition_unique_size_format"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.width}w {self.format}"

    def get_absolute_url(self) -> str:
        return reverse("image", kwargs={"name": self.file.name})


class PendingImage(models.Model):
    """An uploaded image whose original and renditions the worker has yet to make.

    The upload is kept privately as it came until then; pages show the original at its final
    address, with these dimensions, until the renditions exist."""

    name = models.CharField(_("original image"), max_length=255, unique=True)
    upload = models.CharField(_("upload as received"), max_length=255, blank=True)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When the worker should have finished by: past it, the job is taken as lost and queued again.
    retry_at = models.DateTimeField(_("try again at"), db_index=True)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("image being processed")
        verbose_name_plural = _("images being processed")

    def __str__(self) -> str:
        return self.name
