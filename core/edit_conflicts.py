"""Edit conflicts on the admin's change forms: a save based on an older version is refused.

Every change form carries, in a hidden input, the version it was opened from: the values of
the fields it edits and of its inlines' rows, signed and compressed. A save is accepted when
the item as stored (read under a row lock, inside the admin's transaction) still has those
values. Otherwise the form comes back with the editor's input, what changed since (field,
language, before and after, with who and when from the admin's log), and a box to tick to
save over those changes deliberately. Only what the user's form would write counts: a
download counted, or a publication an editor's form does not hold, is no conflict.
"""

import hashlib
import html
import json
import os
from dataclasses import dataclass, field
from datetime import datetime

from django import forms
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext

from .languages import BY_CODE
from .time_zones import in_zone

TOKEN_FIELD = "_base_version"
SEEN_FIELD = "_seen_version"
OVERWRITE_FIELD = "_overwrite"
SALT = "core.edit_conflicts"
# Around a change in a long text, this much is shown on either side.
CONTEXT = 60
LONGEST_CHANGE = 400


@dataclass
class Change:
    what: str
    before: SafeString
    after: SafeString


@dataclass
class Save:
    who: str
    when: str


@dataclass
class Conflict:
    """What the form shows when a save is refused."""

    unknown: bool  # the form did not say (validly) which version it was opened from
    seen: str  # the stored version's fingerprint: ticking the box saves over this one only
    changes: list[Change] = field(default_factory=list)
    saves: list[Save] = field(default_factory=list)
    verbose_name: str = ""

    @property
    def refusal(self) -> str:
        if self.unknown:
            return gettext(
                "Not saved: it is not known which version of this %(item)s your form was "
                "opened from. See the top of the page."
            ) % {"item": self.verbose_name}
        return gettext(
            "Not saved: someone else saved this %(item)s after you opened it. Their changes "
            "are listed at the top of the page."
        ) % {"item": self.verbose_name}


def _plain(model_field: models.Field, instance: models.Model):
    """A field's stored value as JSON can hold it (related items by their keys)."""
    if model_field.many_to_many:
        return sorted(
            str(pk) for pk in getattr(instance, model_field.name).values_list("pk", flat=True)
        )
    value = model_field.value_from_object(instance)
    if isinstance(model_field, models.FileField):
        return value.name or ""
    if value is None:
        return ""  # an empty translation is stored as NULL until a form saves it as ""
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)


def fingerprint(values: dict) -> str:
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _title(model_field: models.Field) -> str:
    """ "Headline, in Traditional Chinese": the field's name and language in plain words."""
    original = getattr(model_field, "translated_field", None)
    language = BY_CODE.get(str(getattr(model_field, "language", "")).replace("_", "-"))
    if original is None or language is None:
        return capfirst(str(model_field.verbose_name))
    return gettext("%(field)s, in %(language)s") % {
        "field": capfirst(str(original.verbose_name)),
        "language": language.name,
    }


def _row_title(row: str, row_name: str, model_field: models.Field) -> str:
    """ "Quote 1 (Ms Zhou), in English" (a quote's text is its "quote"), "Speaker 2: role"."""
    original = getattr(model_field, "translated_field", model_field)
    language = BY_CODE.get(str(getattr(model_field, "language", "")).replace("_", "-"))
    if str(original.verbose_name).lower() != row_name.lower():
        return gettext("%(row)s: %(field)s") % {"row": row, "field": _title(model_field)}
    if language is None:
        return row
    return gettext("%(field)s, in %(language)s") % {"field": row, "language": language.name}


def _readable(model_field: models.Field, value) -> str:
    """A stored value as an editor knows it: names, labels and dates, text without markup."""
    if value in (None, "", []):
        return ""
    if model_field.many_to_many or model_field.is_relation:
        keys = value if isinstance(value, list) else [value]
        related = model_field.related_model._default_manager.in_bulk(keys)
        names = [
            str(related[key]) if key in related else gettext("(an item since deleted)")
            for key in (model_field.related_model._meta.pk.to_python(key) for key in keys)
        ]
        return ", ".join(names)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return gettext("yes") if value else gettext("no")
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(value)
        return in_zone(moment) if moment else value
    if isinstance(model_field, models.DateField):
        day = parse_date(value)
        return date_format(day, "DATE_FORMAT") if day else value
    if isinstance(model_field, models.FileField):
        return os.path.basename(value)
    return " ".join(html.unescape(strip_tags(str(value))).split())


def _in_word(character: str) -> bool:
    return character.isascii() and character.isalnum()


def _marked(before: str, after: str) -> tuple[SafeString, SafeString]:
    """Both texts with the part that changed marked, and only a little around it."""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    # A change inside a word marks the whole word: "Sh<del>anghai</del>" reads badly.
    if any(_in_word(text[start]) for text in (before, after) if start < len(text)):
        while start > 0 and _in_word(before[start - 1]):
            start -= 1
    end = 0
    longest = min(len(before), len(after)) - start
    while end < longest and before[-1 - end] == after[-1 - end]:
        end += 1
    if end and _in_word(before[-end]):
        if any(_in_word(t[-end - 1]) for t in (before, after) if len(t) - end - 1 >= start):
            while end > 0 and _in_word(before[-end]):
                end -= 1

    def mark(text: str, tag: str) -> SafeString:
        if not text:
            return format_html("<em>{}</em>", gettext("(empty)"))
        middle = text[start : len(text) - end]
        lead = text[max(0, start - CONTEXT) : start]
        if start > CONTEXT:  # cut at a space, not inside a word
            lead = "…" + (lead.split(" ", 1)[1] if " " in lead[:20] else lead)
        tail = text[len(text) - end :][:CONTEXT]
        if end > CONTEXT:
            tail = (tail.rsplit(" ", 1)[0] if " " in tail[-20:] else tail) + "…"
        if len(middle) > LONGEST_CHANGE:
            middle = middle[:LONGEST_CHANGE] + "…"
        if not middle:
            return format_html("{}{}", lead, tail)
        return format_html("{}<{}>{}</{}>{}", lead, SafeString(tag), middle, SafeString(tag), tail)

    return mark(before, "del"), mark(after, "ins")


def _row_labels(n: int, row: models.Model, fields: list[models.Field]) -> dict:
    """How a row is named in the list of changes: its place, and whom or what it names."""
    related = next((f for f in fields if f.is_relation), None)
    name = str(getattr(row, related.name) or "") if related is not None else ""
    return {"place": n + 1, "name": name[:80], "text": str(row)[:160]}


class EditGuard:
    """The versions of one item as one user's change form sees it."""

    def __init__(self, model_admin, request, obj: models.Model, form_class):
        self.model_admin = model_admin
        self.request = request
        self.obj = obj
        self.model = type(obj)
        self.field_names = list(form_class.base_fields)

    @property
    def _label(self) -> str:
        return f"{self.model._meta.label_lower}:{self.obj.pk}"

    def _own_fields(self) -> list[models.Field]:
        by_name = {f.name: f for f in self.model._meta.get_fields() if f.concrete}
        return [by_name[name] for name in self.field_names if name in by_name]

    def _inlines(self):
        """(prefix, what one row is called, its model fields, the key to this item)."""
        for inline in self.model_admin.get_inline_instances(self.request, self.obj):
            if not inline.has_change_permission(self.request, self.obj):
                continue
            formset = inline.get_formset(self.request, self.obj)
            skip = {formset.fk.name, inline.model._meta.pk.name}
            by_name = {f.name: f for f in inline.model._meta.get_fields() if f.concrete}
            fields = [
                by_name[name]
                for name in formset.form.base_fields
                if name in by_name and name not in skip
            ]
            if fields:
                yield formset.get_default_prefix(), inline, fields, formset.fk

    def snapshot(self, *, lock: bool = False) -> dict | None:
        """The stored values the form edits, with the rows of its inlines (None if gone)."""
        items = self.model._default_manager.filter(pk=self.obj.pk)
        stored = (items.select_for_update() if lock else items).first()
        if stored is None:
            return None
        values = {f.name: _plain(f, stored) for f in self._own_fields()}
        inlines, labels = {}, {}
        for prefix, inline, fields, fk in self._inlines():
            rows = inline.model._default_manager.filter(**{fk.name: stored})
            if related := [f.name for f in fields if f.many_to_one]:
                rows = rows.select_related(*related)
            # In the order the form lists them, so that "Quote 2" is the second on the page.
            rows = list(rows.order_by(*inline.model._meta.ordering, "pk"))
            inlines[prefix] = {str(r.pk): {f.name: _plain(f, r) for f in fields} for r in rows}
            labels[prefix] = {str(r.pk): _row_labels(n, r, fields) for n, r in enumerate(rows)}
        return {"values": values, "inlines": inlines, "labels": labels}

    @staticmethod
    def _fingerprint(snapshot: dict) -> str:
        return fingerprint({"values": snapshot["values"], "inlines": snapshot["inlines"]})

    def token(self) -> str:
        """The hidden input's value for a form opened now."""
        at = timezone.now().isoformat()  # before reading: a save meanwhile is listed as such
        payload = {"item": self._label, "at": at, "snapshot": self.snapshot()}
        return signing.dumps(payload, salt=SALT, compress=True)

    def _read(self, token: str) -> dict | None:
        try:
            payload = signing.loads(token, salt=SALT)
        except signing.BadSignature:
            return None
        if not isinstance(payload, dict) or payload.get("item") != self._label:
            return None
        return payload

    def check(self, data) -> Conflict | None:
        """None when a save of the form posted as `data` overwrites nothing unseen."""
        stored = self.snapshot(lock=True)
        if stored is None:
            return None  # deleted meanwhile: the admin answers that itself
        current = self._fingerprint(stored)
        base = self._read(data.get(TOKEN_FIELD, ""))
        if base is not None and not isinstance(base.get("snapshot"), dict):
            base = None
        if base is not None and self._fingerprint(base["snapshot"]) == current:
            return None
        if data.get(OVERWRITE_FIELD) and data.get(SEEN_FIELD) == current:
            return None
        conflict = Conflict(
            unknown=base is None, seen=current, verbose_name=str(self.model._meta.verbose_name)
        )
        if base is not None:
            conflict.changes = self._changes(base["snapshot"], stored)
            conflict.saves = self._saves_since(datetime.fromisoformat(base["at"]))
        return conflict

    def _changes(self, before: dict, after: dict) -> list[Change]:
        changes = []
        for model_field in self._own_fields():
            old = before["values"].get(model_field.name)
            new = after["values"].get(model_field.name)
            if old != new:
                marked = _marked(_readable(model_field, old), _readable(model_field, new))
                changes.append(Change(_title(model_field), *marked))
        for prefix, inline, fields, _fk in self._inlines():
            old_rows = before["inlines"].get(prefix, {})
            new_rows = after["inlines"].get(prefix, {})
            labels = {**before["labels"].get(prefix, {}), **after["labels"].get(prefix, {})}
            row_name = capfirst(str(inline.verbose_name))
            empty = format_html("<em>{}</em>", gettext("(none)"))
            for key in sorted({*old_rows, *new_rows}, key=lambda k: (len(k), k)):
                label = labels.get(key, {"place": "", "name": "", "text": ""})
                if key not in old_rows:
                    what = gettext("%(row)s added") % {"row": row_name}
                    changes.append(Change(what, empty, format_html("<ins>{}</ins>", label["text"])))
                    continue
                if key not in new_rows:
                    what = gettext("%(row)s removed") % {"row": row_name}
                    changes.append(Change(what, format_html("<del>{}</del>", label["text"]), empty))
                    continue
                row = f"{row_name} {label['place']}"
                if label["name"]:
                    row = gettext("%(row)s (%(name)s)") % {"row": row, "name": label["name"]}
                for model_field in fields:
                    old = old_rows[key].get(model_field.name)
                    new = new_rows[key].get(model_field.name)
                    if old == new:
                        continue
                    changes.append(
                        Change(
                            _row_title(row, row_name, model_field),
                            *_marked(_readable(model_field, old), _readable(model_field, new)),
                        )
                    )
        return changes

    def _saves_since(self, moment: datetime) -> list[Save]:
        entries = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model),
            object_id=str(self.obj.pk),
            action_time__gt=moment,
        ).select_related("user")
        saves = []
        for entry in entries.order_by("action_time"):
            if entry.user_id == self.request.user.pk:
                who = gettext("you, in another window or tab")
            else:
                who = entry.user.get_full_name() or entry.user.get_username()
            when = in_zone(entry.action_time)
            saves.append(Save(who, when))
        return saves


class GuardedForm(forms.ModelForm):
    """Refuses, as a form error, a save that would overwrite changes unseen."""

    edit_guard: EditGuard | None = None
    edit_conflict: Conflict | None = None

    def clean(self):
        cleaned_data = super().clean()
        if self.edit_guard is not None:
            self.edit_conflict = self.edit_guard.check(self.data)
            if self.edit_conflict is not None:
                self.add_error(None, self.edit_conflict.refusal)
        return cleaned_data


class EditConflictAdmin:
    """ModelAdmin mixin: change forms carry their version and refuse saves over newer ones.

    The template `admin/edit_conflicts/form_top.html` (included in the app's change form's
    `form_top` block) writes the version and, after a refusal, what changed."""

    @property
    def media(self):
        return super().media + forms.Media(
            js=["js/unsaved-changes.js"], css={"all": ["admin/edit-conflicts.css"]}
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = kwargs.pop("form", self.form)
        if not issubclass(base, GuardedForm):
            base = type(base.__name__, (GuardedForm, base), {})
        form = super().get_form(request, obj, change=change, form=base, **kwargs)
        if obj is not None and obj.pk is not None:
            form.edit_guard = EditGuard(self, request, obj, form)  # a new class per call
        return form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        guard = getattr(form, "edit_guard", None)
        if guard is not None and not add:
            # A form shown again keeps the version it was first opened from.
            version = form.data.get(TOKEN_FIELD, "") if form.is_bound else guard.token()
            context.update(
                edit_guarded=True,
                edit_version=version,
                edit_conflict=form.edit_conflict,
                edit_fields=(TOKEN_FIELD, SEEN_FIELD, OVERWRITE_FIELD),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)
