"""The fields that exist once per language (django-modeltranslation); slugs stay one per item."""

from modeltranslation.translator import TranslationOptions, register

from .models import (
    Event,
    EventSession,
    MoU,
    Organisation,
    Person,
    Position,
    PressRelease,
    PublicNote,
    Quote,
    Study,
    Topic,
)


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name", "short_name", "city")


@register(Topic)
class TopicTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Person)
class PersonTranslation(TranslationOptions):
    fields = ("honorific", "name", "bio")


@register(Position)
class PositionTranslation(TranslationOptions):
    fields = ("title",)


@register(PressRelease)
class PressReleaseTranslation(TranslationOptions):
    fields = ("headline", "dateline_place", "summary", "body")


@register(Quote)
class QuoteTranslation(TranslationOptions):
    fields = ("text",)


@register(Event)
class EventTranslation(TranslationOptions):
    fields = (
        "title",
        "summary",
        "venue",
        "street_address",
        "city",
        "region",
        "country",
        "occasion",
    )


@register(EventSession)
class EventSessionTranslation(TranslationOptions):
    fields = ("title", "description")


@register(MoU)
class MoUTranslation(TranslationOptions):
    fields = ("title", "summary", "signed_place")


@register(Study)
class StudyTranslation(TranslationOptions):
    fields = ("title", "abstract")


@register(PublicNote)
class PublicNoteTranslation(TranslationOptions):
    fields = ("text",)
