"""Restore an earlier revision as the item's current content, one function for every caller."""

from collections.abc import Iterable

import reversion
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from .snapshots import Snapshot, follows


class RestoreError(Exception):
    """The revision cannot be restored as it is (said in plain words)."""


def restore(
    obj: models.Model, snapshot: Snapshot, *, keep: Iterable[str], user, comment: str
) -> None:
    """Put the content `snapshot` holds back into `obj` and its inline rows, as a new revision.

    The fields named in `keep` (the publishing state, a stored file) stay as they are now, so a
    restore changes content, never whether or when the item is public.
    """
    try:
        with transaction.atomic(), reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(comment)
            write(obj, snapshot, keep=keep)
            reversion.add_to_revision(obj)
    except ValidationError as error:
        raise RestoreError(" ".join(error.messages)) from error
    except (IntegrityError, models.ProtectedError) as error:
        raise RestoreError(str(error)) from error


def write(obj: models.Model, snapshot: Snapshot, *, keep: Iterable[str] = ()) -> None:
    """Put the content `snapshot` holds into `obj` and its inline rows, checked as the form
    checks it (ValidationError otherwise); the fields in `keep` stay as they are.

    An inline row that no longer belongs to the item (deleted since, or never committed: a
    draft's new row) is saved as a new row, never over someone else's row with that key."""
    keep = set(keep)
    item = snapshot.item
    carried = set(getattr(type(obj), "revision_carries", ()))
    for model_field in obj._meta.concrete_fields:
        written = model_field.editable or model_field.name in carried
        if written and not model_field.primary_key and model_field.name not in keep:
            if model_field.attname in item.values:
                setattr(obj, model_field.attname, item.values[model_field.attname])
    _check(obj, exclude=keep)
    obj.save()
    for model_field in obj._meta.many_to_many:
        if model_field.name in item.values and model_field.name not in keep:
            related = model_field.related_model._base_manager
            getattr(obj, model_field.name).set(related.filter(pk__in=item.values[model_field.name]))
    for name, child_model, key in follows(type(obj)):
        rows = snapshot.children.get(name, {})
        manager = getattr(obj, name)
        own = {str(pk) for pk in manager.values_list("pk", flat=True)}
        manager.exclude(pk__in=[pk for pk in rows if pk in own]).delete()
        taken = {
            str(pk)
            for pk in child_model._base_manager.filter(
                pk__in=[pk for pk in rows if pk not in own]
            ).values_list("pk", flat=True)
        }
        for pk, row in rows.items():
            instance = row.instance
            setattr(instance, key, obj.pk)
            if pk in taken:
                instance.pk = None
            instance._state.adding = pk not in own
            _check(instance)
            instance.save()


def _check(instance: models.Model, exclude: Iterable[str] = ()) -> None:
    # What the form would check: related things still exist, addresses stay unique.
    instance.full_clean(exclude=list(exclude), validate_constraints=True)
