"""Events, their programme and their speakers on the desk."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline

from core.languages import in_every_language

from ..models import Event, EventSession, EventSpeaker
from .addresses import WEB_ADDRESS_FIELDSET
from .publishing import (
    PUBLICATION_FIELDSETS,
    PublishableAdmin,
    StateFilter,
    YearFilter,
)


class EventSessionInline(TranslationStackedInline):
    model = EventSession
    fields = [("title", "order"), ("start_time", "end_time"), "description"]
    extra = 0


class EventSpeakerInline(admin.TabularInline):
    model = EventSpeaker
    fields = ["person", "role", "session", "order"]
    autocomplete_fields = ["person"]
    extra = 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # A speaker's session is one of this event's own sessions (saved ones: add sessions
        # first, save, then pick them here).
        sessions = formset.form.base_fields["session"]
        sessions.queryset = obj.sessions.all() if obj else EventSession.objects.none()
        sessions.help_text = _("One of this event’s programme sessions, once saved.")
        return formset


@admin.register(Event)
class EventAdmin(PublishableAdmin):
    list_display = ["title", "state_badge", "kind", "start_date", "city", "event_status"]
    list_filter = [StateFilter, YearFilter, "kind", "event_status", "topics", "organisers"]
    search_fields = in_every_language("title", "summary", "venue", "city", "occasion")
    date_hierarchy = "start_date"
    autocomplete_fields = ["part_of", "organisers", "topics", "mou"]
    fieldsets = [
        *PUBLICATION_FIELDSETS,
        (None, {"fields": ["title", "kind", "event_status", "summary"]}),
        (
            _("When"),
            {"fields": [("start_date", "start_time"), ("end_date", "end_time"), "time_zone"]},
        ),
        (
            _("Where"),
            {
                "fields": [
                    "venue",
                    "street_address",
                    "city",
                    "region",
                    "postal_code",
                    "country",
                    "part_of",
                    "occasion",
                ],
                "description": _(
                    "Give the address only as far as it was announced; search engines show it."
                ),
            },
        ),
        (_("Related"), {"fields": ["organisers", "topics", "mou", "registration_url"]}),
        WEB_ADDRESS_FIELDSET,
    ]
    inlines = [EventSessionInline, EventSpeakerInline]
