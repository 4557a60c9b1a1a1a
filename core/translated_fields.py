"""Translated fields on the desk: labelled in words, one language at a time, marked when needed.

django-modeltranslation gives each translated field a column per language and labels them
"Headline [zh-hant]". Here each label reads "Headline", with its language in words for screen
readers and for pages without script, and each input carries its `lang` (so the browser
spell-checks and chooses the input method for that language). `js/desk-languages.js` then
shows one language at a time, with a bar that says which languages are complete. Fields a
model needs before it can be published (its `required_to_publish`) say so in their label.
"""

from django import forms
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .languages import BY_CODE


def needed_to_publish(model) -> tuple[str, ...]:
    return getattr(model, "required_to_publish", ())


class TranslatedFieldsAdmin:
    """For a modeltranslation admin or inline: plain labels, `lang` on inputs, needed marks."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is None:
            return None
        original = getattr(db_field, "translated_field", None)
        name = original.name if original is not None else db_field.name
        language = BY_CODE.get(getattr(db_field, "language", None) or "")
        label = capfirst((original or db_field).verbose_name)
        attrs = field.widget.attrs
        if language is not None:
            attrs["lang"] = language.tag
            attrs["data-nr-lang"] = language.code
            if isinstance(field.widget, (forms.TextInput, forms.Textarea)):
                attrs["spellcheck"] = "true"
            label = format_html('{}<span class="nr-lang-name"> ({})</span>', label, language.name)
        if name in needed_to_publish(db_field.model):
            attrs["data-nr-needed"] = "1"
            label = format_html(
                '{} <span class="nr-needed">{}</span>', label, _("needed to publish")
            )
        if language is not None or name in needed_to_publish(db_field.model):
            field.label = label
        return field

    @property
    def media(self):
        return super().media + forms.Media(js=["js/desk-languages.js"])
