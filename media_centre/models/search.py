"""The site search index: one row per item, whatever its state, with normalised text."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

KIND_NUMBERS = {"release": 0, "event": 1, "mou": 2, "study": 3, "person": 4}


def sort_key(kind: str, object_id: int, date) -> int:
    """The entry's place in the results, newest first when read in descending order: the date
    (none: last), then the item's id, then its kind. Unique, as the full-text index's row id
    (SQLite's FTS5 reads its matches in this order and stops at the page's limit). Item ids
    are below 2**32."""
    return ((date.toordinal() if date else 0) << 35) | (object_id << 3) | KIND_NUMBERS[kind]


class SearchEntry(models.Model):
    """What search matches for one item; visibility is decided when the query runs, from the
    publishing times the entry holds (so that a search reads no other table)."""

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
    public_from = models.DateTimeField(
        _("public from"),
        null=True,
        blank=True,
        help_text=_("The item's publication time while its status is published; else empty."),
    )
    public_until = models.DateTimeField(_("public until"), null=True, blank=True)
    sort_key = models.BigIntegerField(_("sort key"), unique=True)
    indexed_at = models.DateTimeField(_("indexed"), auto_now=True)

    class Meta:
        ordering = ["-sort_key"]
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"],
                name="searchentry_unique_item",
                violation_error_message=_("This item is already indexed."),
            )
        ]
        indexes = [
            models.Index(fields=["kind", "year"], name="searchentry_kind_year"),
            # What a search reads of each match, in its order: the rows' long text is never
            # read to filter, sort or count them.
            models.Index(
                fields=["-sort_key", "public_from", "public_until", "kind", "object_id", "year"],
                name="searchentry_results",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_id}"

    def get_absolute_url(self) -> str:
        return reverse("media_centre:search") + f"?kind={self.kind}"
