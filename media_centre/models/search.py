"""The site search index: one row per item, whatever its state, with normalised text."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """What search matches for one item; visibility is decided when the query runs."""

    class Kind(models.TextChoices):
        RELEASE = "release", _("Press release")
        EVENT = "event", _("Event")
        MOU = "mou", _("MoU")
        STUDY = "study", _("Publication")
        PERSON = "person", _("Speaker")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    object_id = models.PositiveBigIntegerField(_("item"))
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    title = models.TextField(_("title"), blank=True, help_text=_("Normalised for matching."))
    text = models.TextField(
        _("text"),
        blank=True,
        help_text=_("All languages' text, lowercased, in Simplified script."),
    )
    document_text = models.TextField(
        _("document text"), blank=True, help_text=_("The attached documents' text, normalised.")
    )
    documents = models.JSONField(
        _("documents"),
        default=list,
        blank=True,
        help_text=_("Each document's id, title, checksum and extracted text."),
    )
    indexed_at = models.DateTimeField(_("indexed"), auto_now=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"],
                name="searchentry_unique_item",
                violation_error_message=_("This item is already indexed."),
            )
        ]
        indexes = [models.Index(fields=["kind", "year"], name="searchentry_kind_year")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_id}"

    def get_absolute_url(self) -> str:
        return reverse("media_centre:search") + f"?kind={self.kind}"
