"""Find or create in place: an autocomplete box on the desk that also offers "Add “…” as new".

An editor building a release meets organisations, people and topics that do not exist yet.
Rather than a trip to another list (or a pop-up for each), the box they are typing in offers
to add what they typed. The new row is made from that text when the form is saved, by the
related model's `desk_create(text)` (so the model says what a name makes: an honorific split
off, the language of the script, a web address). A name that exists already is found rather
than made twice, so a form shown again after an error does not make duplicates.
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NEW = "new:"


def _is_new(value) -> bool:
    return isinstance(value, str) and value.startswith(NEW)


def _named(model, value):
    """The row an "Add as new" value makes (or found)."""
    text = " ".join(value[len(NEW) :].split())
    if not text:
        raise ValidationError(_("Type a name to add."), code="empty")
    return model.desk_create(text[:200])


class _Resolving:
    """Shows a just-added row (or one typed again after an error) by its pk, and leaves out a
    value that names no row (a made-up one is a form error, not a failed page)."""

    creatable = True

    def optgroups(self, name, value, attr=None):
        model = self.choices.queryset.model
        resolved = []
        for item in value:
            if _is_new(item):
                found = model.desk_find(" ".join(item[len(NEW) :].split()))
                if found is not None:
                    resolved.append(str(found.pk))
                continue
            try:
                model._meta.pk.to_python(item)
            except ValidationError:
                continue
            resolved.append(item)
        return super().optgroups(name, resolved, attr)

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        if self.creatable:
            attrs["data-nr-create"] = str(_("Add “%s” as new"))
        return attrs

    @property
    def media(self):
        return super().media + forms.Media(js=["js/desk-create.js"])


class CreatingAutocompleteSelect(_Resolving, AutocompleteSelect):
    pass


class CreatingAutocompleteSelectMultiple(_Resolving, AutocompleteSelectMultiple):
    pass


class ChooseOrCreateField(forms.ModelChoiceField):
    def to_python(self, value):
        if _is_new(value):
            return _named(self.queryset.model, value)
        return super().to_python(value)


class ChooseOrCreateMultipleField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        value = self.prepare_value(value)
        if not value:
            return super().clean(value)
        made = [_named(self.queryset.model, item) for item in value if _is_new(item)]
        chosen = super().clean([item for item in value if not _is_new(item)] or None)
        if not made:
            return chosen
        pks = {obj.pk for obj in made} | {obj.pk for obj in chosen}
        return self.queryset.filter(pk__in=pks)


class CreateInPlaceAdmin:
    """For a ModelAdmin or inline: autocomplete fields whose model has `desk_create` offer to
    add what the editor typed, to editors who may add that kind of thing."""

    def _creatable(self, db_field, request) -> bool | None:
        """None: not an autocomplete box here; else whether it may add what is typed."""
        model = db_field.remote_field.model
        if db_field.name not in self.autocomplete_fields or not hasattr(model, "desk_create"):
            return None
        opts = model._meta
        return request.user.has_perm(f"{opts.app_label}.add_{opts.model_name}")

    def _in_place(self, db_field, request, kwargs, widget_class, field_class) -> None:
        """Give an autocomplete box of a `desk_create` model its widget, and to those who may
        add that kind of thing, the field that adds what they typed."""
        creatable = self._creatable(db_field, request)
        if creatable is None:
            return
        widget = widget_class(db_field, self.admin_site, using=kwargs.get("using"))
        widget.creatable = creatable
        kwargs["widget"] = widget
        if creatable:
            kwargs["form_class"] = field_class

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._in_place(db_field, request, kwargs, CreatingAutocompleteSelect, ChooseOrCreateField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._in_place(
            db_field,
            request,
            kwargs,
            CreatingAutocompleteSelectMultiple,
            ChooseOrCreateMultipleField,
        )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
