from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..append_only import AppendOnly, AppendOnlyModel, AppendOnlyQuerySet

__all__ = ["AppendOnly", "Step"]


class Step(AppendOnlyModel):
    """One step in an item's review and publication: who did what, when, to which revision."""

    append_only_name = "review log"

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        SENT_BACK = "sent_back", _("Sent back")
        SIGNED_OFF = "signed_off", _("Signed off")
        PUBLISHED = "published", _("Published")
        SCHEDULED = "scheduled", _("Scheduled")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        UNSCHEDULED = "unscheduled", _("Schedule cancelled")

    # Keys without database constraints: the log outlives the items, users and revisions it
    # names, and names them in words too.
    content_type = models.ForeignKey(
        ContentType, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    object_id = models.CharField(max_length=191)
    object_repr = models.CharField(_("item"), max_length=300)
    action = models.CharField(_("step"), max_length=20, choices=Action)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    user_repr = models.CharField(_("by"), max_length=150)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    revision = models.ForeignKey(
        "reversion.Revision",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("review step")
        verbose_name_plural = _("review log")
        indexes = [models.Index(fields=["content_type", "object_id", "-id"], name="step_item")]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.object_repr}"
