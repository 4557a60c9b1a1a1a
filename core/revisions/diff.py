"""What changed between two snapshots, per field and per language, in plain words."""

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from django.db import models
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from modeltranslation.translator import NotRegistered, translator

from ..languages import LANGUAGES
from ..time_zones import in_zone
from .snapshots import IGNORED, UNSHOWN, Row, Snapshot, follows


@dataclass
class FieldChange:
    label: str
    language: str  # the language's name, or "" for a field that is not translated
    html: SafeString


@dataclass
class RowChange:
    label: str
    kind: str  # "added", "removed", "changed"
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class Section:
    title: str
    rows: list[RowChange]


@dataclass
class Comparison:
    fields: list[FieldChange]
    sections: list[Section]

    @property
    def is_empty(self) -> bool:
        return not self.fields and not self.sections


def _translated(model: type[models.Model]) -> dict[str, tuple[str, str]]:
    """Each language's column -> (the field it translates, the language's name)."""
    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return {}
    return {
        f"{base}_{language.suffix}": (base, str(language.name))
        for base in options.fields
        for language in LANGUAGES
    }


def _fields(model: type[models.Model], names) -> list[tuple[str, models.Field, str]]:
    """(value key, field, language name) in the model's order, translations after their field."""
    translated = _translated(model)
    bases = {base for base, _language in translated.values()}
    result = []
    for name in names:
        model_field = model._meta.get_field(name)
        if name in IGNORED or name in UNSHOWN or name in bases or name in translated:
            continue
        key = name if model_field.many_to_many else model_field.attname
        result.append((key, model_field, ""))
    for column, (base, language) in translated.items():
        result.append((column, model._meta.get_field(base), language))
    order = {f.name: i for i, f in enumerate(model._meta.get_fields())}
    return sorted(result, key=lambda entry: order.get(entry[1].name, 0))


class Names:
    """The names of related things, read once per kind of thing for a whole comparison."""

    def __init__(self, rows: list[Row]):
        wanted: dict[type[models.Model], set] = {}
        for row in rows:
            for name in row.values:
                model_field = _field_for_key(row.model, name)
                if model_field is None or not model_field.is_relation:
                    continue
                value = row.values[name]
                keys = value if isinstance(value, list) else [value]
                wanted.setdefault(model_field.related_model, set()).update(
                    k for k in keys if k is not None
                )
        self.names = {
            model: {str(pk): str(obj) for pk, obj in model._base_manager.in_bulk(keys).items()}
            for model, keys in wanted.items()
            if keys
        }

    def __call__(self, model: type[models.Model], pk) -> str:
        return self.names.get(model, {}).get(str(pk)) or _("(deleted, number %(pk)s)") % {"pk": pk}


def _field_for_key(model, key):
    for model_field in model._meta.concrete_fields + model._meta.many_to_many:
        if key in (model_field.name, model_field.attname):
            return model_field
    return None


def _shown(model_field: models.Field, value: Any, names: Names) -> str:
    if value in (None, "") or (isinstance(value, list) and not value):
        return ""
    if isinstance(model_field, models.FileField):
        return getattr(value, "name", value) or ""
    if model_field.is_relation:
        return names(model_field.related_model, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return in_zone(value)
    if isinstance(value, dt.date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


def _empty() -> SafeString:
    return format_html('<span class="nr-diff-empty">{}</span>', _("(empty)"))


def _value_change(before: str, after: str) -> SafeString:
    return format_html(
        '<del>{}</del> <span aria-hidden="true">→</span> <ins>{}</ins>',
        before or _empty(),
        after or _empty(),
    )


def _set_change(model_field, before: list, after: list, names: Names) -> SafeString:
    old, new = {str(k) for k in before}, {str(k) for k in after}
    parts = []
    added = sorted(names(model_field.related_model, k) for k in new - old)
    removed = sorted(names(model_field.related_model, k) for k in old - new)
    if added:
        parts.append(format_html("{} <ins>{}</ins>", _("Added:"), "; ".join(added)))
    if removed:
        parts.append(format_html("{} <del>{}</del>", _("Removed:"), "; ".join(removed)))
    return format_html_join(mark_safe("<br>"), "{}", ((part,) for part in parts))


BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|pre|div)>|<br\s*/?>", re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")
# One token per Chinese character or word, space or other sign: changes show at that grain.
TOKEN = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|\w+|\s+|[^\w\s]")


def paragraphs(text: str) -> list[str]:
    """The text as a reader sees it, one entry per paragraph (rich text loses its tags)."""
    if "<" in text and ">" in text:
        text = TAG.sub("", BLOCK_END.sub("\n", text))
        text = html.unescape(text)
    return [line.strip() for line in text.splitlines() if line.strip()]


def _tokens_change(before: str, after: str) -> SafeString:
    a, b = TOKEN.findall(before), TOKEN.findall(after)
    out = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old, new = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if op == "equal":
            out.append(old)
        if op in ("delete", "replace"):
            out.append(f"<del>{old}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{new}</ins>")
    return mark_safe("".join(out))  # every piece escaped above


def text_change(before: str, after: str) -> SafeString:
    """The new text with deletions and insertions marked; unchanged paragraphs are counted."""
    if not before or not after:
        return _value_change(before, after)
    a, b = paragraphs(before), paragraphs(after)
    out = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            count = i2 - i1
            out.append(
                format_html(
                    '<p class="nr-diff-same">{}</p>',
                    ngettext(
                        "… %(count)d paragraph unchanged …",
                        "… %(count)d paragraphs unchanged …",
                        count,
                    )
                    % {"count": count},
                )
                if len(a) > 1
                else format_html("<p>{}</p>", a[i1])
            )
        elif op == "replace" and i2 - i1 == j2 - j1:
            out.extend(
                format_html("<p>{}</p>", _tokens_change(a[i], b[j]))
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
        else:
            out.extend(format_html("<p><del>{}</del></p>", p) for p in a[i1:i2])
            out.extend(format_html("<p><ins>{}</ins></p>", p) for p in b[j1:j2])
    return mark_safe("".join(out))


def _is_text(model_field: models.Field) -> bool:
    return isinstance(model_field, models.CharField | models.TextField) and not model_field.choices


def field_changes(before: Row | None, after: Row | None, names: Names) -> list[FieldChange]:
    row = after or before
    changes = []
    for key, model_field, language in _fields(row.model, row.values):
        old = before.values.get(key) if before else None
        new = after.values.get(key) if after else None
        if model_field.many_to_many:
            if {str(k) for k in old or []} == {str(k) for k in new or []}:
                continue
            shown = _set_change(model_field, old or [], new or [], names)
        else:
            old_shown = _shown(model_field, old, names)
            new_shown = _shown(model_field, new, names)
            if old_shown == new_shown:
                continue
            if _is_text(model_field):
                shown = text_change(old_shown, new_shown)
            else:
                shown = _value_change(old_shown, new_shown)
        changes.append(FieldChange(str(capfirst(model_field.verbose_name)), language, shown))
    return changes


def compare(before: Snapshot, after: Snapshot) -> Comparison:
    """From `before` to `after`: the item's fields, then its inline rows, added, removed or
    changed."""
    rows = [before.item, after.item]
    for snapshot in (before, after):
        for children in snapshot.children.values():
            rows.extend(children.values())
    names = Names(rows)
    comparison = Comparison(field_changes(before.item, after.item, names), [])
    for name, child_model, _key in follows(after.item.model):
        old, new = before.children.get(name, {}), after.children.get(name, {})
        changes = []
        for pk in [*old, *(pk for pk in new if pk not in old)]:
            if pk not in new:
                changes.append(
                    RowChange(old[pk].label, "removed", field_changes(old[pk], None, names))
                )
            elif pk not in old:
                changes.append(
                    RowChange(new[pk].label, "added", field_changes(None, new[pk], names))
                )
            elif fields := field_changes(old[pk], new[pk], names):
                changes.append(RowChange(new[pk].label, "changed", fields))
        if changes:
            title = capfirst(child_model._meta.verbose_name_plural)
            comparison.sections.append(Section(str(title), changes))
    return comparison
