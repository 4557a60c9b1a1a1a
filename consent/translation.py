"""The consent texts that exist once per language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Category, DeclaredCookie, PolicyVersion


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "description")


@register(DeclaredCookie)
class DeclaredCookieTranslation(TranslationOptions):
    fields = ("purpose", "expiry")


@register(PolicyVersion)
class PolicyVersionTranslation(TranslationOptions):
    fields = ("banner_text", "introduction", "details")
