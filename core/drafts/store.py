"""Keeping, showing and publishing the draft of a live item (see the package's docstring)."""

import logging
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import reversion
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.functions import Cast
from django.db.models.signals import post_delete
from django.utils import timezone
from reversion.models import Revision, Version

from .. import page_cache
from ..revisions import snapshots
from ..revisions.restore import write
from .models import Draft

logger = logging.getLogger(__name__)


def _key(obj: models.Model) -> dict:
    return {
        "content_type": ContentType.objects.get_for_model(type(obj)),
        "object_id": str(obj.pk),
    }


def draft_of(obj: models.Model) -> Draft | None:
    if obj.pk is None:
        return None
    return Draft.objects.filter(**_key(obj)).select_related("revision__user").first()


def drafts_of(model: type[models.Model], pks: Iterable) -> dict[str, Draft]:
    """The drafts of many items of one kind, by key, in one query (for lists)."""
    content_type = ContentType.objects.get_for_model(model)
    return {
        draft.object_id: draft
        for draft in Draft.objects.filter(
            content_type=content_type, object_id__in=[str(pk) for pk in pks]
        ).select_related("revision__user")
    }


def exists_for(model: type[models.Model]) -> models.Exists:
    """Whether each row of a queryset of `model` has a draft, as an annotation (lists)."""
    return models.Exists(
        Draft.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id=Cast(models.OuterRef("pk"), models.CharField()),
        )
    )


def snapshot_of(obj: models.Model, draft: Draft) -> snapshots.Snapshot:
    """The item as its draft holds it, with the draft's inline rows."""
    key = _key(obj)
    version = Version.objects.get(revision_id=draft.revision_id, **key)
    return snapshots.of_versions(version, snapshots.siblings_of([version]))


def content_of(snapshot: snapshots.Snapshot, keep: Iterable[str]) -> tuple:
    """What two snapshots must share to hold the same content, apart from the fields in `keep`."""
    item, children = snapshot.comparable()
    keep = set(keep)

    def plain(values: dict) -> dict:
        # An empty text is an empty text, whether stored as NULL (made in code) or "" (a form).
        return {k: "" if v is None else v for k, v in values.items() if k not in keep}

    return (
        plain(item),
        {name: {pk: plain(row) for pk, row in rows.items()} for name, rows in children.items()},
    )


def load(obj: models.Model, draft: Draft, *, keep: Iterable[str]) -> None:
    """Write the draft into the item's rows. Only inside a transaction that is rolled back,
    or when publishing: the caller decides."""
    write(obj, snapshot_of(obj, draft), keep=keep)


@contextmanager
def shown(obj: models.Model, *, keep: Iterable[str]):
    """Inside the block the rows hold the item's draft (if it has one); afterwards they are
    as before, whatever happened. Yields the draft or None."""
    with transaction.atomic(), page_cache.unchanged():
        draft = draft_of(obj)
        if draft is not None:
            load(obj, draft, keep=keep)
        try:
            yield draft
        finally:
            transaction.set_rollback(True)


@dataclass
class Captured:
    """A revision made inside a transaction that is rolled back, and the admin's log of it."""

    revision: dict[str, Any]
    versions: list[dict[str, Any]]
    log_entries: list[dict[str, Any]]


def _marks() -> tuple[int, int]:
    return (
        Revision.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
    )


def _capture(obj: models.Model, marks: tuple[int, int]) -> Captured | None:
    key = _key(obj)
    revision = (
        Revision.objects.filter(
            pk__gt=marks[0],
            version__content_type=key["content_type"],
            version__object_id=key["object_id"],
        )
        .order_by("-pk")
        .first()
    )
    if revision is None:
        return None
    versions = list(
        Version.objects.filter(revision=revision).values(
            "object_id", "content_type_id", "db", "format", "serialized_data", "object_repr"
        )
    )
    log_entries = list(
        LogEntry.objects.filter(pk__gt=marks[1], **key).values(
            "action_time",
            "user_id",
            "content_type_id",
            "object_id",
            "object_repr",
            "action_flag",
            "change_message",
        )
    )
    return Captured(
        {"date_created": revision.date_created, "user_id": revision.user_id,
         "comment": revision.comment},
        versions,
        log_entries,
    )  # fmt: skip


def _keep(captured: Captured) -> Revision:
    revision = Revision.objects.create(**captured.revision)
    Version.objects.bulk_create(Version(revision=revision, **v) for v in captured.versions)
    LogEntry.objects.bulk_create(LogEntry(**entry) for entry in captured.log_entries)
    return revision


def edit(
    obj: models.Model,
    run: Callable[[], Any],
    *,
    keep: Iterable[str],
    apply: Iterable[str] = (),
    is_live: Callable[[models.Model], bool],
) -> tuple[Any, bool]:
    """Run `run()`, which may save the item the usual way (as a revision), against its draft,
    and keep what it saved as the new draft instead of in the rows.

    Whatever `run()` returns (a response) must be complete before it returns: the rows it read
    are rolled back afterwards. The fields in `keep` (the publishing state)
    come from the rows, not the draft; those in `apply` (a publisher's change of the publishing
    state) go straight to the rows. When the item is not live afterwards (withdrawn, say), the
    draft is written into the rows and dropped: only live items keep drafts. Returns (the
    result, whether a draft is kept now)."""
    keep, apply = tuple(keep), tuple(apply)
    model = type(obj)
    with transaction.atomic():
        # Hold the item's row from reading its draft to keeping the new one: two saves at once
        # are one after the other, and the second is checked against the first's draft.
        live = model._base_manager.select_for_update().get(pk=obj.pk)
        with shown(obj, keep=keep):
            marks = _marks()
            result = run()
            captured = _capture(obj, marks)
        if captured is None:
            return result, draft_of(obj) is not None
        revision = _keep(captured)
        version = Version.objects.get(revision=revision, **_key(obj))
        drafted = snapshots.of_versions(version, snapshots.siblings_of([version]))
        changed = [
            name
            for name in apply
            if name in drafted.item.values
            and drafted.item.values[name] != getattr(live, model._meta.get_field(name).attname)
        ]
        if changed:
            for name in changed:
                setattr(live, model._meta.get_field(name).attname, drafted.item.values[name])
            live.save(update_fields=[*changed, *_auto_now(model)])
        if content_of(drafted, keep) == content_of(snapshots.of_object(live), keep):
            Draft.objects.filter(**_key(obj)).delete()
            return result, False
        if not is_live(live):
            write(live, drafted, keep=keep)
            Draft.objects.filter(**_key(obj)).delete()
            return result, False
        previous = draft_of(obj)
        if previous is not None and content_of(snapshot_of(obj, previous), keep) == content_of(
            drafted, keep
        ):
            return result, True  # the same changes: they stay as they were (and scheduled)
        Draft.objects.update_or_create(
            **_key(obj),
            defaults={
                "revision": revision,
                "saved_at": captured.revision["date_created"],
                "saved_by_id": captured.revision["user_id"],
                "publish_at": None,
                "scheduled_by": None,
                "on_publish": {},
            },
        )
    return result, True


def _auto_now(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]


def publish(obj: models.Model, *, keep: Iterable[str], user, comment: str) -> bool:
    """Write the item's draft into its rows for good, as a new revision, and drop the draft.
    Returns whether there was a draft. Runs in the caller's transaction, which should hold
    the rest of the publishing (state, time) so that all of it happens or none."""
    draft = draft_of(obj)
    if draft is None:
        return False
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        load(obj, draft, keep=keep)
        reversion.add_to_revision(obj)
        draft.delete()
    return True


def discard(obj: models.Model) -> bool:
    """Drop the item's draft; its revision stays in the history."""
    return Draft.objects.filter(**_key(obj)).delete()[0] > 0


def schedule(obj: models.Model, when, user, on_publish: dict | None = None) -> None:
    """Make the draft public at `when` (None: unschedule it). A later change to the draft
    unschedules it: what was scheduled is what a publisher read."""
    Draft.objects.filter(**_key(obj)).update(
        publish_at=when, scheduled_by=user, on_publish=on_publish or {}
    )


def due() -> list[Draft]:
    return list(
        Draft.objects.filter(publish_at__lte=timezone.now())
        .select_related("content_type")
        .order_by("publish_at")
    )


def _forget(sender, instance, **kwargs) -> None:
    if reversion.is_registered(sender) and isinstance(instance.pk, int | str):
        Draft.objects.filter(
            content_type=ContentType.objects.get_for_model(sender), object_id=str(instance.pk)
        ).delete()


def connect() -> None:
    # A deleted item's draft goes with it (SQLite may give its key to the next item).
    post_delete.connect(_forget, dispatch_uid="core.drafts.forget")
