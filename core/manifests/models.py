from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..append_only import AppendOnly, AppendOnlyModel, AppendOnlyQuerySet

__all__ = ["AppendOnly", "Manifest"]


class ManifestQuerySet(AppendOnlyQuerySet):
    def of(self, obj: models.Model):
        return self.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
        )

    def public(self):
        """What the public may see: versions whose publication time has come."""
        return self.filter(published_at__lte=timezone.now())


class Manifest(AppendOnlyModel):
    """One published version of an item: the signed manifest (a JWS) and the texts it hashes."""

    append_only_name = "signed record"

    class Change(models.TextChoices):
        FIRST = "first", _("First published")
        MINOR = "minor", _("Minor edit")
        CORRECTION = "correction", _("Correction")
        CLARIFICATION = "clarification", _("Clarification")
        UPDATE = "update", _("Update")
        FILE = "file", _("A document replaced")
        AGAIN = "again", _("Published again")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Keys without database constraints: the record outlives the items it names (as the review
    # log does), and names them in words too.
    content_type = models.ForeignKey(
        ContentType, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    object_id = models.CharField(max_length=191)
    object_repr = models.CharField(_("item"), max_length=300)
    version = models.PositiveIntegerField(_("version"))
    change = models.CharField(_("change"), max_length=20, choices=Change)
    published_at = models.DateTimeField(_("public from"), db_index=True)
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)
    kid = models.CharField(_("key"), max_length=100)
    token = models.TextField(_("signed manifest (JWS)"))
    sha256 = models.CharField(_("SHA-256 of the signed manifest"), max_length=64, unique=True)
    # The canonical texts the manifest hashes, by language code: what pasted text is checked
    # against, and what a journalist downloads to hash.
    texts = models.JSONField(_("texts"), default=dict)
    # The document hashes the manifest lists, for looking an uploaded file up.
    documents = models.JSONField(_("documents"), default=list)

    objects = ManifestQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("signed manifest")
        verbose_name_plural = _("signed record")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "version"], name="manifest_one_per_version"
            )
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-version"], name="manifest_item")
        ]
        permissions = [("export_manifest", _("Can export the signed record"))]

    def __str__(self) -> str:
        return f"{self.object_repr} (v{self.version})"
