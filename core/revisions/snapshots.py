"""An item and its inline rows as plain values: as a revision stored them, or as stored now."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core import serializers
from django.db import models
from reversion.models import Version
from reversion.revisions import _get_options


@dataclass
class Row:
    """One stored object: its values by field name (many-to-many as lists of keys)."""

    model: type[models.Model]
    pk: str
    label: str
    values: dict[str, Any]
    instance: models.Model  # unsaved: what a restore saves


@dataclass
class Snapshot:
    item: Row
    # follow relation name (e.g. "quotes") -> the rows, by primary key
    children: dict[str, dict[str, Row]] = field(default_factory=dict)

    def comparable(self) -> tuple:
        """What two snapshots must share to hold the same content."""
        return (
            _comparable(self.item),
            {name: {pk: _comparable(row) for pk, row in rows.items()} for name, rows in
             self.children.items()},
        )  # fmt: skip


IGNORED = frozenset({"created_at", "updated_at", "derived_translations", "out_of_date"})
# Part of the content (an editor's "checked" is a change to publish), not shown as a change.
UNSHOWN = frozenset({"translation_sources"})


def _comparable(row: Row) -> dict:
    return {k: _plain(v) for k, v in row.values.items() if k not in IGNORED}


def _plain(value: Any) -> Any:
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    if isinstance(value, list):
        return sorted(map(str, value))
    return value


def follows(model: type[models.Model]) -> list[tuple[str, type[models.Model], str]]:
    """The inline relations a revision of `model` holds: (name, row model, its key to the item)."""
    relations = []
    for name in _get_options(model).follow:
        relation = model._meta.get_field(name)
        relations.append((name, relation.related_model, relation.field.attname))
    return relations


def _row(model: type[models.Model], deserialized, label: str) -> Row:
    instance = deserialized.object
    values: dict[str, Any] = {}
    for name in _get_options(model).fields:
        model_field = model._meta.get_field(name)
        if model_field.many_to_many:
            values[name] = list((deserialized.m2m_data or {}).get(name, []))
        else:
            values[model_field.attname] = getattr(instance, model_field.attname)
    return Row(model, str(instance.pk), label, values, instance)


def _from_version(version: Version) -> Row:
    return _row(version._model, version._object_version, version.object_repr)


def of_versions(version: Version, siblings: Iterable[Version]) -> Snapshot:
    """The item as `version` holds it, with the inline rows of the same revision (`siblings`)."""
    item = _from_version(version)
    snapshot = Snapshot(item)
    siblings = [v for v in siblings if v.revision_id == version.revision_id]
    for name, child_model, key in follows(item.model):
        rows = {}
        for sibling in siblings:
            if sibling._model is not child_model:
                continue
            row = _from_version(sibling)
            if str(row.values.get(key)) == item.pk:
                rows[row.pk] = row
        snapshot.children[name] = rows
    return snapshot


def of_object(obj: models.Model) -> Snapshot:
    """The item and its inline rows as stored now, in the shape a revision keeps them."""

    def row(instance: models.Model) -> Row:
        model = type(instance)
        data = serializers.serialize("json", [instance], fields=_get_options(model).fields)
        return _row(model, next(serializers.deserialize("json", data)), str(instance))

    snapshot = Snapshot(row(obj))
    for name, _model, _key in follows(type(obj)):
        snapshot.children[name] = {str(child.pk): row(child) for child in getattr(obj, name).all()}
    return snapshot


def versions_of(obj: models.Model):
    """The item's versions, newest first, with who saved them."""
    return (
        Version.objects.get_for_object(obj)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def siblings_of(versions: Iterable[Version]) -> list[Version]:
    """Every version stored in the same revisions as `versions`, in one query."""
    return list(Version.objects.filter(revision_id__in={v.revision_id for v in versions}))
