"""Events, their programme and their speakers on the desk."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline

from core.create_in_place import CreateInPlaceAdmin
from core.desk_dates import DESK_DATES
from core.languages import in_every_language
from core.time_zones import time_zone_formfield
from core.translated_fields import TranslatedFieldsAdmin

from ..models import Event, EventSession, EventSpeaker
from .addresses import WEB_ADDRESS_FIELDSET
from .publishing import (
    PUBLICATION_FIELDSETS,
    InOrderFormSet,
    PublishableAdmin,
    StateFilter,
    YearFilter,
)

TIME_ZONE_HELP = _("Where the event takes place: its times are in this zone.")


class EventSessionInline(TranslatedFieldsAdmin, TranslationStackedInline):
    model = EventSession
    fields = ["title", ("start_time", "end_time"), "description"]
    formset = InOrderFormSet
    extra = 0
    formfield_overrides = DESK_DATES


class EventSpeakerInline(CreateInPlaceAdmin, admin.TabularInline):
    model = EventSpeaker
    fields = ["person", "role", "session"]
    formset = InOrderFormSet
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

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "time_zone":  # chosen by place, stored by its IANA name
            return time_zone_formfield(db_field, help_text=TIME_ZONE_HELP)
        return super().formfield_for_dbfield(db_field, request, **kwargs)
