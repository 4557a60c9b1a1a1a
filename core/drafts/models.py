from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from reversion.models import Revision


class Draft(models.Model):
    """The unpublished next version of a live item: the revision that holds it."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=191)
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    saved_at = models.DateTimeField(_("saved"), default=timezone.now)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A publisher chose when these changes become public (None: not yet decided).
    publish_at = models.DateTimeField(_("changes public at"), null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the app does when scheduled changes become public (e.g. a correction's note): kept
    # with them, so that it is dropped with the schedule when someone changes the draft again.
    on_publish = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="one_draft_per_item")
        ]
        indexes = [models.Index(fields=["publish_at"], name="draft_publish_at")]

    def __str__(self) -> str:
        return f"{self.content_type} {self.object_id}"
