"""Content in three languages: which language a reader sees, and Chinese script conversion.

Abstract only: core has no tables of its own."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator

from .chinese_script import SIMPLIFIED, TRADITIONAL, sync_scripts
from .languages import SUFFIXES, field_suffix


def fallbacks(language: str) -> tuple[str, ...]:
    table = settings.MODELTRANSLATION_FALLBACK_LANGUAGES
    return (language, *table.get(language, table["default"]))


class Translated(models.Model):
    """A model whose registered fields exist once per language (django-modeltranslation)."""

    derived_translations = models.JSONField(
        _("converted by script"),
        default=list,
        blank=True,
        editable=False,
        help_text=_("Chinese versions made from the other script, until an editor changes them."),
    )

    # Fields that need text in at least one language; any one language alone may be empty.
    required_translations: tuple[str, ...] = ()

    class Meta:
        abstract = True

    @classmethod
    def translated_fields(cls) -> list[str]:
        return sorted(translator.get_options_for_model(cls).all_fields)

    def shown_language(self, field: str) -> str:
        """The language whose text a reader of the current language sees for `field`."""
        current = get_language() or settings.LANGUAGE_CODE
        for language in dict.fromkeys(fallbacks(current)):
            if getattr(self, f"{field}_{field_suffix(language)}", None):
                return language
        return current

    def has_text(self, field: str) -> bool:
        """Whether `field` has text in any language."""
        return any(
            (value := getattr(self, f"{field}_{suffix}", None)) and str(value).strip()
            for suffix in SUFFIXES
        )

    def translation_errors(self) -> dict[str, list]:
        """A required field with no text in any language, said next to the field of the
        language the editor works in."""
        suffix = field_suffix(get_language() or settings.LANGUAGE_CODE)
        if suffix not in SUFFIXES:
            suffix = field_suffix(settings.LANGUAGE_CODE)
        return {
            f"{field}_{suffix}": [
                _("Give the %(field)s in at least one language.")
                % {"field": self._meta.get_field(field).verbose_name}
            ]
            for field in self.required_translations
            if not self.has_text(field)
        }

    def clean(self) -> None:
        errors = self.translation_errors()
        try:
            super().clean()
        except ValidationError as error:
            if not errors:
                raise
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def is_converted(self, field: str) -> bool:
        """Whether the reader sees `field` as converted from the other Chinese script."""
        language = self.shown_language(field)
        return f"{field}_{field_suffix(language)}" in self.derived_translations

    def save(self, *args, **kwargs):
        fields = self.translated_fields()
        keys = [f"{field}_{suffix}" for field in fields for suffix in (TRADITIONAL, SIMPLIFIED)]
        values = {key: getattr(self, key) for key in keys}
        stored = {}
        if self.pk and self.derived_translations:
            stored = type(self)._base_manager.filter(pk=self.pk).values(*keys).first() or {}
        self.derived_translations = sorted(
            sync_scripts(fields, values, stored, set(self.derived_translations))
        )
        for key, value in values.items():
            if value == "" and self._meta.get_field(key).unique:
                value = None  # unique in each language: an empty text is no text, not a clash
            setattr(self, key, value)
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *keys, "derived_translations"}
        super().save(*args, **kwargs)
