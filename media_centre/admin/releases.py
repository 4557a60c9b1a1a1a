"""Press releases (with their quotes) and media contacts on the desk."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline

from core.languages import in_every_language

from ..models import MediaContact, PressRelease, Quote
from .addresses import WEB_ADDRESS_FIELDSET
from .publishing import (
    PUBLICATION_FIELDSETS,
    PublishableAdmin,
    StateFilter,
    YearFilter,
)


@admin.register(MediaContact)
class MediaContactAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "phone"]
    search_fields = ["name", "email"]
    view_on_site = False


class QuoteInline(TranslationStackedInline):
    model = Quote
    fields = ["person", "text", "order"]
    autocomplete_fields = ["person"]
    extra = 0


@admin.register(PressRelease)
class PressReleaseAdmin(PublishableAdmin):
    list_display = ["headline", "state_badge", "release_date", "publish_at", "updated_at"]
    list_filter = [StateFilter, YearFilter, "topics", "organisations"]
    search_fields = [*in_every_language("headline", "summary"), "slug"]
    date_hierarchy = "release_date"
    autocomplete_fields = [
        "topics",
        "organisations",
        "event",
        "mou",
        "study",
        "pdf",
        "attachments",
        "media_contact",
    ]
    fieldsets = [
        *PUBLICATION_FIELDSETS,
        (
            None,
            {"fields": ["headline", "dateline_place", "release_date", "summary", "body"]},
        ),
        (_("Image"), {"fields": ["hero_image", "hero_image_alt"]}),
        (
            _("Related"),
            {"fields": ["topics", "organisations", "event", "mou", "study", "media_contact"]},
        ),
        (_("Files"), {"fields": ["pdf", "attachments"]}),
        WEB_ADDRESS_FIELDSET,
    ]
    inlines = [QuoteInline]
