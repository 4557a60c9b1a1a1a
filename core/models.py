"""Content in three languages: which language a reader sees, and Chinese script conversion.

Abstract only: core has no tables of its own."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator

from . import translation_sources
from .chinese_script import SIMPLIFIED, TRADITIONAL, sync_scripts
from .languages import LANGUAGES, SUFFIXES, choices, field_suffix


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
        stored = self.stored_row(fields)
        self.derived_translations = sorted(
            sync_scripts(fields, values, stored, set(self.derived_translations))
        )
        for key, value in values.items():
            if value == "" and self._meta.get_field(key).unique:
                value = None  # unique in each language: an empty text is no text, not a clash
            setattr(self, key, value)
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *keys, "derived_translations"}
        self.before_write(kwargs, stored)
        super().save(*args, **kwargs)

    def stored_row(self, fields: list[str]) -> dict:
        """The row as stored before this save, as far as a save needs it: the Chinese texts,
        when some were converted (empty for a new item)."""
        if not (self.pk and self.derived_translations):
            return {}
        keys = [f"{field}_{suffix}" for field in fields for suffix in (TRADITIONAL, SIMPLIFIED)]
        return type(self)._base_manager.filter(pk=self.pk).values(*keys).first() or {}

    def before_write(self, kwargs: dict, stored: dict) -> None:
        """After the scripts are in step, before the row is written (see SourceTracked)."""


class SourceTracked(Translated):
    """Translated content whose translations remember their source (core.translation_sources):
    a change to the source marks the others out of date, in the desk and on the page."""

    authoritative_language = models.CharField(
        _("prevailing language"),
        max_length=10,
        choices=choices(),
        default="en",
        help_text=_(
            "If the languages differ, this version prevails: pages in the other languages say "
            "so, and its changes mark the other languages out of date."
        ),
    )
    translation_sources = models.JSONField(
        _("what its translations were made from"), default=dict, blank=True, editable=False
    )
    # The languages out of date, as " zh-hant zh-hans ": for lists and counts in the desk.
    out_of_date = models.CharField(
        _("translations out of date"), max_length=30, blank=True, default="", editable=False
    )

    # A restore or a draft's publication carries these with the texts: an editor's "checked" is
    # a change like any other, public when published.
    revision_carries = ("translation_sources",)

    class Meta:
        abstract = True

    def source_language(self) -> str:
        """The language the others are translated from."""
        return self.authoritative_language or settings.LANGUAGE_CODE

    def stored_row(self, fields: list[str]) -> dict:
        # Every language's texts and the records, whatever was converted: one read per save.
        if not self.pk:
            return {}
        keys = [f"{field}_{suffix}" for field in fields for suffix in SUFFIXES]
        row = type(self)._base_manager.filter(pk=self.pk).values(*keys, "translation_sources")
        return row.first() or {}

    def before_write(self, kwargs: dict, stored: dict) -> None:
        fields = self.translated_fields()
        keys = [f"{field}_{suffix}" for field in fields for suffix in SUFFIXES]
        self.translation_sources = translation_sources.track(
            fields,
            self.source_language(),
            {key: getattr(self, key) for key in keys},
            stored,
            self.translation_sources or {},
            stored.get("translation_sources") or {},
            set(self.derived_translations),
        )
        stale = translation_sources.stale_languages(self.translation_sources)
        self.out_of_date = f" {' '.join(stale)} " if stale else ""
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "translation_sources",
                "out_of_date",
            }

    @property
    def out_of_date_names(self) -> str:
        """The languages behind, by name ("Traditional Chinese, Simplified Chinese")."""
        codes = self.out_of_date.split()
        return ", ".join(str(language.name) for language in LANGUAGES if language.code in codes)

    def stale_fields(self) -> list[str]:
        """The texts ("body_zh_hant") out of date, to show and to mark checked."""
        return translation_sources.stale_keys(self.translation_sources or {})

    def mark_checked(self, keys) -> None:
        """An editor read these translations against their source as it is now: up to date."""
        source = field_suffix(self.source_language())
        records = dict(self.translation_sources or {})
        for key in keys:
            if key in records:
                base = next(
                    f for f in self.translated_fields() if key in {f"{f}_{s}" for s in SUFFIXES}
                )
                source_text = getattr(self, f"{base}_{source}") or ""
                records[key] = {**records[key], "text": source_text, "since": None}
        self.translation_sources = records

    def stale_since(self, language: str) -> dt.datetime | None:
        """When `language`'s text fell behind its source (its earliest field), or None; a text
        converted from the other Chinese script is as far behind as that script."""
        suffix = field_suffix(language)
        found = []
        for field in self.translated_fields():
            key = f"{field}_{suffix}"
            if key in self.derived_translations:
                other = SIMPLIFIED if suffix == TRADITIONAL else TRADITIONAL
                key = f"{field}_{other}"
            record = (self.translation_sources or {}).get(key) or {}
            if record.get("since"):
                found.append(parse_datetime(record["since"]))
        return min(found) if found else None
