"""Changes to a live item that a publisher scheduled become public when their time comes."""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext

from core.drafts import store as drafts
from core.workflow import api as review

from .alerts import tasks as alerts
from .models import PUBLISHING_FIELDS
from .notes import add_public_note

logger = logging.getLogger(__name__)


@task
def publish_due_changes() -> None:
    """Publish every draft whose time has come (the worker runs this every minute). Safe to
    run twice at once: each item is locked and its draft read again before it is published."""
    for due in drafts.due():
        model = due.content_type.model_class()
        if model is None:
            continue
        try:
            with transaction.atomic():
                obj = model._base_manager.select_for_update().filter(pk=due.object_id).first()
                draft = drafts.draft_of(obj) if obj is not None else None
                if draft is None or draft.publish_at is None:
                    continue
                if draft.publish_at > timezone.now():
                    continue
                user, note, when = (
                    draft.scheduled_by,
                    draft.on_publish.get("note"),
                    draft.publish_at,
                )
                drafts.publish(
                    obj,
                    keep=PUBLISHING_FIELDS,
                    user=user,
                    comment=gettext("Published the changes scheduled for this time."),
                )
                if note:
                    public_note = add_public_note(obj, note["kind"], note["texts"], user, at=when)
                    if note.get("alert"):
                        alerts.announce(obj, public_note)
                review.record(
                    obj, review.Action.PUBLISHED, user, gettext("Scheduled changes published.")
                )
            logger.info("Published the scheduled changes of %s %s", model.__name__, obj.pk)
        except (ValidationError, IntegrityError):
            # Something they link was deleted meanwhile, say: they stay a draft, unscheduled,
            # and the desk shows them so.
            logger.exception("Could not publish the scheduled changes of %s", due)
            drafts.schedule(obj, None, None)
