"""The site's three languages, written once: Django's codes, BCP 47 tags, field suffixes."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


def field_suffix(code: str) -> str:
    return code.replace("-", "_")


@dataclass(frozen=True)
class Language:
    code: str  # Django's, in addresses and settings: zh-hant
    name: Promise
    tag: str  # BCP 47, for `lang`, `hreflang` and structured data: zh-Hant
    og_locale: str  # OpenGraph's og:locale: zh_HK

    @property
    def suffix(self) -> str:
        """The ending of a translated field's column (django-modeltranslation): zh_hant."""
        return field_suffix(self.code)


LANGUAGES = (
    Language("en", _("English"), "en", "en_HK"),
    Language("zh-hant", _("Traditional Chinese"), "zh-Hant", "zh_HK"),
    Language("zh-hans", _("Simplified Chinese"), "zh-Hans", "zh_CN"),
)
BY_CODE = {language.code: language for language in LANGUAGES}
CODES = tuple(BY_CODE)
SUFFIXES = tuple(language.suffix for language in LANGUAGES)


def choices() -> list[tuple[str, Promise]]:
    """settings.LANGUAGES."""
    return [(language.code, language.name) for language in LANGUAGES]


def bcp47(code: str) -> str:
    """The language tag for `lang` and `hreflang`: zh-Hant rather than Django's zh-hant."""
    language = BY_CODE.get(code)
    return language.tag if language else code


def in_every_language(*fields: str) -> list[str]:
    """Each language's column of translated fields (for admin search fields)."""
    return [f"{field}_{suffix}" for field in fields for suffix in SUFFIXES]
