"""Dated public notes on a published item: corrections, clarifications and updates."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Func, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.languages import SUFFIXES
from core.models import Translated
from core.page_cache import InvalidatingQuerySet

# The items a note may belong to: one foreign key each (a prefetch per page, no content types).
NOTED_FIELDS = ("release", "event", "mou", "study")


class NoteKind(models.TextChoices):
    CORRECTION = "correction", _("Correction")
    CLARIFICATION = "clarification", _("Clarification")
    UPDATE = "update", _("Update")

    @property
    def is_correction(self) -> bool:
        """What schema.org calls a correction: the text said something it should not have."""
        return self in (NoteKind.CORRECTION, NoteKind.CLARIFICATION)


class PublicNoteQuerySet(InvalidatingQuerySet):
    def published(self):
        """Notes whose time has come, decided when the query runs."""
        return self.filter(published_at__lte=timezone.now())

    def shown(self, preview: bool = False):
        """What a page lists: the published notes; a staff preview lists those to come too."""
        return self if preview else self.published()


class PublicNote(Translated):
    release = models.ForeignKey(
        "PressRelease", on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    event = models.ForeignKey(
        "Event", on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    mou = models.ForeignKey(
        "MoU", on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    study = models.ForeignKey(
        "Study", on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NoteKind)
    text = models.TextField(
        _("note"), help_text=_("What changed and why, as readers of the page will read it.")
    )
    published_at = models.DateTimeField(
        _("shown from"), db_index=True, help_text=_("The note is public from this time.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PublicNoteQuerySet.as_manager()

    class Meta:
        ordering = ["published_at", "pk"]
        verbose_name = _("public note")
        verbose_name_plural = _("public notes")
        constraints = [
            models.CheckConstraint(
                # Exactly one item: each branch sets one key and leaves the others empty.
                condition=Q.create(
                    [
                        Q(**{f"{name}__isnull": name != chosen for name in NOTED_FIELDS})
                        for chosen in NOTED_FIELDS
                    ],
                    connector=Q.OR,
                ),
                name="public_note_belongs_to_one_item",
                violation_error_message=_("A note belongs to exactly one item."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    @property
    def item(self) -> models.Model:
        return next(getattr(self, name) for name in NOTED_FIELDS if getattr(self, f"{name}_id"))

    def get_absolute_url(self) -> str:
        return self.item.get_absolute_url() + f"#note-{self.pk}"

    def is_published(self) -> bool:
        return self.published_at <= timezone.now()

    @property
    def is_correction(self) -> bool:
        return NoteKind(self.kind).is_correction


class _JSONArrayAgg(models.Aggregate):
    """The rows' JSON values as one JSON array (SQLite's json_group_array, PostgreSQL's
    jsonb_agg): an item's notes arrive in the item's own row."""

    function = "JSON_GROUP_ARRAY"
    output_field = models.JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


class _JSONObject(JSONObject):
    """Django's JSONObject without its SQLite feature probe: the probe opens a transaction, which
    fails while a writer holds the database (transaction_mode IMMEDIATE), and the failure is kept
    for the connection's life. SQLite has had JSON built in since 3.38."""

    def as_sql(self, compiler, connection, **extra_context):
        return Func.as_sql(self, compiler, connection, **extra_context)


NOTE_FIELDS = ("id", "kind", "published_at", *(f"text_{suffix}" for suffix in SUFFIXES))


def _note_from_row(row: dict) -> PublicNote:
    """A note as read from JSON (time as text: SQLite's naive UTC or PostgreSQL's ISO form)."""
    published_at = parse_datetime(row["published_at"])
    if timezone.is_naive(published_at):
        published_at = published_at.replace(tzinfo=dt.UTC)
    note = PublicNote(**{**row, "published_at": published_at})
    note._state.adding = False  # a stored row, read for showing
    return note


class NotedQuerySet(models.QuerySet):
    """Items that carry public notes (releases, events, MoUs, studies)."""

    def _notes(self):
        owner = self.model._meta.get_field("notes").field.name
        return PublicNote.objects.filter(**{owner: OuterRef("pk")})

    def with_notes(self, preview: bool = False):
        """The notes a page lists (`PublicNote.objects.shown`), in the item's own query (the
        detail pages keep their query budgets): read as `Noted.shown_notes`."""
        owner = self.model._meta.get_field("notes").field.name
        notes = (
            self._notes()
            .shown(preview)
            .order_by()
            .values(owner)  # one group, one row per item
            .annotate(rows=_JSONArrayAgg(_JSONObject(**{name: name for name in NOTE_FIELDS})))
            .values("rows")
        )
        return self.annotate(page_notes=Subquery(notes, output_field=models.JSONField()))

    def with_last_note(self):
        """The latest published note of each item, in the same query (lists and feeds keep
        their query counts): as `last_note_<field>` annotations read by `Noted.last_note`."""
        latest = self._notes().published().order_by("-published_at", "-pk")
        return self.annotate(
            **{f"last_note_{field}": Subquery(latest.values(field)[:1]) for field in NOTE_FIELDS}
        )

    def with_noted_at(self):
        """The time of each item's latest published note as `noted_at` (None without notes),
        in the same query, and `public_modified_at`: that time, else the publication time."""
        latest = self._notes().published().order_by("-published_at", "-pk")
        return self.annotate(noted_at=Subquery(latest.values("published_at")[:1])).annotate(
            public_modified_at=Coalesce("noted_at", "publish_at")
        )


class Noted:
    """What an item that carries public notes says about its last public change."""

    @cached_property
    def shown_notes(self) -> list[PublicNote]:
        """The notes its page lists, oldest first: from `with_notes()` when the query had it."""
        if "page_notes" not in self.__dict__:
            return list(self.notes.published())
        notes = [_note_from_row(row) for row in self.page_notes or []]
        return sorted(notes, key=lambda note: (note.published_at, note.pk))

    def public_notes(self) -> list[PublicNote]:
        """Its published notes, oldest first."""
        return [note for note in self.shown_notes if note.is_published()]

    @property
    def last_note(self) -> PublicNote | None:
        """The latest published note: from `with_last_note()` when the query had it."""
        if "last_note_id" in self.__dict__:
            if self.last_note_id is None:
                return None
            return PublicNote(
                **{field: getattr(self, f"last_note_{field}") for field in NOTE_FIELDS}
            )
        notes = self.public_notes()
        return notes[-1] if notes else None

    @property
    def last_noted_at(self) -> dt.datetime | None:
        if "noted_at" in self.__dict__:
            return self.noted_at
        note = self.last_note
        return note.published_at if note else None

    @property
    def modified_at(self) -> dt.datetime | None:
        """When the public version last changed in a way readers were told of: the latest
        note, else the publication. Not `updated_at`: a minor edit or a draft saved changes that."""
        return self.last_noted_at or self.publish_at
