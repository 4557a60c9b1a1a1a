"""The publishing state every public thing shares, and the one visibility rule built on it."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Translated
from core.page_cache import InvalidatingQuerySet

# The publishing state: only publishers change it, and a draft of a live item never carries it.
PUBLISHING_FIELDS = ("status", "publish_at", "unpublish_at", "withdrawn_reason")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published (from the publication time)")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class State(models.TextChoices):
    """What the public sees, derived from the status and the clock."""

    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def published_q(now, prefix: str = "") -> Q:
    """The visibility rule as a condition: on the item itself, or with `prefix` ("event__") on
    the item a row belongs to."""
    return Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}publish_at__lte": now}) & (
        Q(**{f"{prefix}unpublish_at__isnull": True}) | Q(**{f"{prefix}unpublish_at__gt": now})
    )


def _gone_q(now, prefix: str = "") -> Q:
    """Items that were public once and are no longer: withdrawn, or past their unpublish time."""
    return Q(**{f"{prefix}publish_at__lte": now}) & (
        Q(**{f"{prefix}status": Status.WITHDRAWN})
        | Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}unpublish_at__lte": now})
    )


def linkable_q(now, preview: bool = False, prefix: str = "") -> Q:
    """The one rule for what a page links to: published items; in a staff preview also the
    drafts and scheduled items (shown marked "Not yet public"), never withdrawn ones."""
    return ~_gone_q(now, prefix) if preview else published_q(now, prefix)


def _scheduled_q(now) -> Q:
    return Q(status=Status.PUBLISHED, publish_at__gt=now)


class PublishableQuerySet(InvalidatingQuerySet):
    def published(self):
        """The only rule for what the public may see, decided when the query runs."""
        return self.filter(published_q(timezone.now()))

    def linkable(self, preview: bool = False):
        return self.filter(linkable_q(timezone.now(), preview))

    def gone(self):
        return self.filter(_gone_q(timezone.now()))

    def in_state(self, state: str):
        now = timezone.now()
        return self.filter(
            {
                State.DRAFT: Q(status=Status.DRAFT)
                | Q(status=Status.WITHDRAWN) & (Q(publish_at__isnull=True) | Q(publish_at__gt=now)),
                State.SCHEDULED: _scheduled_q(now),
                State.PUBLISHED: published_q(now),
                State.WITHDRAWN: _gone_q(now),
            }[state]
        )

    def for_link(self):
        """What a link to one of these items needs, on another item's page."""
        return self

    def for_detail(self, preview: bool = False):
        """Everything the item's own page shows, fetched with it (and remembered with it for
        the public, see views.publishing.visible_object); a staff preview links drafts too."""
        return self

    def prefetch_linked(self, relation: str, to_attr: str, preview: bool = False):
        """The items of `relation` a page may link (see `linkable_q`), as `to_attr`: a public
        page links to nothing the public cannot see."""
        related = self.model._meta.get_field(relation).related_model
        return self.prefetch_related(
            Prefetch(
                relation, queryset=related.objects.linkable(preview).for_link(), to_attr=to_attr
            )
        )


class Publishable(models.Model):
    """Draft, scheduled (publish_at in the future: the embargo), published, withdrawn."""

    status = models.CharField(
        _("publication"),
        max_length=12,
        choices=Status,
        default=Status.DRAFT,
        help_text=_(
            "Drafts are never public. “Publish” makes the item public at the publication "
            "time: set a future time to schedule it (this is also the embargo)."
        ),
    )
    publish_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("When the item becomes public. Leave empty to publish now."),
    )
    unpublish_at = models.DateTimeField(
        _("withdraw at"),
        null=True,
        blank=True,
        help_text=_("Optional: the item is withdrawn automatically at this time."),
    )
    withdrawn_reason = models.TextField(
        _("reason for withdrawal"),
        blank=True,
        help_text=_("Shown to visitors at the item's address after it is withdrawn."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    objects = PublishableQuerySet.as_manager()

    # Fields (besides the publishing fields) that must be filled before publishing; a translated
    # one in at least one language.
    required_to_publish: tuple[str, ...] = ()
    # (image field, its text alternative): an image shown must say what it shows.
    image_alternatives: tuple[tuple[str, str], ...] = ()

    class Meta:
        abstract = True

    @classmethod
    def publishing_indexes(cls, prefix: str) -> list[models.Index]:
        """The next withdrawal time after now (core.page_cache.generation.next_change, on every
        new generation) from an index of the few items that have one, not a read of every row.
        Partial: a list's condition (no withdrawal time, or a later one) never picks it."""
        return [
            models.Index(
                fields=["unpublish_at"],
                condition=Q(unpublish_at__isnull=False),
                name=f"{prefix}_unpublish_at",
            )
        ]

    @classmethod
    def publishing_constraints(cls, prefix: str) -> list[models.BaseConstraint]:
        return [
            models.CheckConstraint(
                condition=~Q(status=Status.PUBLISHED) | Q(publish_at__isnull=False),
                name=f"{prefix}_published_has_time",
                violation_error_message=_("A published item needs a publication time."),
            ),
            models.CheckConstraint(
                condition=Q(unpublish_at__isnull=True)
                | Q(publish_at__isnull=True)
                | Q(unpublish_at__gt=models.F("publish_at")),
                name=f"{prefix}_unpublish_after_publish",
                violation_error_message=_(
                    "The withdrawal time must come after the publication time."
                ),
            ),
        ]

    @property
    def state(self) -> str:
        now = timezone.now()
        if self.status == Status.DRAFT or self.publish_at is None:
            return State.DRAFT
        if self.status == Status.WITHDRAWN:
            return State.WITHDRAWN if self.publish_at <= now else State.DRAFT
        if self.publish_at > now:
            return State.SCHEDULED
        if self.unpublish_at is not None and self.unpublish_at <= now:
            return State.WITHDRAWN
        return State.PUBLISHED

    def get_state_display(self) -> str:
        return State(self.state).label

    def is_published(self) -> bool:
        return self.state == State.PUBLISHED

    def is_gone(self) -> bool:
        return self.state == State.WITHDRAWN

    def is_linkable(self, preview: bool = False) -> bool:
        """`linkable_q` for one item: whether a page (a staff preview, with `preview`) links it."""
        return self.is_published() or (preview and not self.is_gone())

    def save(self, *args, **kwargs):
        if self.status == Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
        super().save(*args, **kwargs)

    def filled_in(self, name: str) -> bool:
        """Whether the field `name` has a value: a translated field in at least one language."""
        if isinstance(self, Translated) and name in self.translated_fields():
            return self.has_text(name)
        value = getattr(self, name)
        return value not in (None, "") and not (isinstance(value, str) and not value.strip())

    def content_errors(self) -> dict[str, list[str]]:
        """Problems of the item's own content; subclasses add theirs, all reported at once."""
        return {}

    def clean(self) -> None:
        super().clean()
        if self.status == Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()  # "leave empty to publish now", before constraints
        errors = self.content_errors()
        for image, alternative in self.image_alternatives:
            if getattr(self, image) and not getattr(self, alternative).strip():
                errors.setdefault(alternative, []).append(
                    _("Say what the image shows: every image on a page needs a text alternative.")
                )
        if self.status == Status.PUBLISHED:
            for name in self.required_to_publish:
                if not self.filled_in(name):
                    label = self._meta.get_field(name).verbose_name
                    errors.setdefault(name, []).append(
                        _("Fill in the %(field)s before publishing.") % {"field": label}
                    )
        if self.status == Status.WITHDRAWN and not self.withdrawn_reason.strip():
            errors.setdefault("withdrawn_reason", []).append(
                _("Say why the item is withdrawn: visitors see this reason at its address.")
            )
        if self.unpublish_at and self.publish_at and self.unpublish_at <= self.publish_at:
            errors.setdefault("unpublish_at", []).append(
                _("The withdrawal time must come after the publication time.")
            )
        if errors:
            raise ValidationError(errors)
