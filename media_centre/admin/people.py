"""Organisations, topics and people (with their positions) on the desk."""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from core.create_in_place import CreateInPlaceAdmin
from core.desk_dates import DESK_DATES
from core.languages import in_every_language
from core.translated_fields import TranslatedFieldsAdmin

from ..models import EventSpeaker, Organisation, Person, Position, Topic
from .addresses import WEB_ADDRESS_FIELDSET
from .publishing import (
    IMAGE_UPLOADS,
    PUBLICATION_FIELDSETS,
    InOrderFormSet,
    PublishableAdmin,
    StateFilter,
)


@admin.register(Organisation)
class OrganisationAdmin(TranslatedFieldsAdmin, TranslationAdmin):
    formfield_overrides = IMAGE_UPLOADS
    list_display = ["name", "short_name", "kind", "city"]
    list_filter = ["kind"]
    search_fields = in_every_language("name", "short_name", "city")
    fieldsets = [
        (None, {"fields": ["name", "short_name", "kind", "city", "website", "logo", "logo_alt"]}),
        WEB_ADDRESS_FIELDSET,
    ]


@admin.register(Topic)
class TopicAdmin(TranslatedFieldsAdmin, TranslationAdmin):
    list_display = ["name", "slug"]
    search_fields = in_every_language("name")
    fieldsets = [(None, {"fields": ["name", "description"]}), WEB_ADDRESS_FIELDSET]


class PositionInline(CreateInPlaceAdmin, TranslatedFieldsAdmin, TranslationTabularInline):
    model = Position
    fields = ["title", "organisation", "start_date", "end_date"]
    formset = InOrderFormSet
    autocomplete_fields = ["organisation"]
    extra = 1
    formfield_overrides = DESK_DATES


@admin.register(Person)
class PersonAdmin(PublishableAdmin):
    list_display = ["__str__", "state_badge", "current_positions", "last_modified"]
    list_filter = [StateFilter, ("positions__organisation", admin.RelatedOnlyFieldListFilter)]
    search_fields = [
        *in_every_language("name", "positions__title"),
        *in_every_language("positions__organisation__name"),
    ]
    fieldsets = [
        *PUBLICATION_FIELDSETS,
        (None, {"fields": ["honorific", "name", "bio"]}),
        (_("Photo"), {"fields": ["photo", "photo_alt"]}),
        WEB_ADDRESS_FIELDSET,
    ]
    inlines = [PositionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_positions()

    def get_search_results(self, request, queryset, search_term):
        """Choosing who is quoted in a release, the speakers of its event come first."""
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        event = request.GET.get("speakers_of", "")
        if request.GET.get("model_name") == "quote" and event.isascii() and event.isdigit():
            speaks = EventSpeaker.objects.filter(event_id=int(event), person=OuterRef("pk"))
            queryset = queryset.annotate(speaks=Exists(speaks)).order_by(
                "-speaks", *(queryset.query.order_by or Person._meta.ordering)
            )
        return queryset, distinct

    @admin.display(description=_("positions"))
    def current_positions(self, obj: Person) -> str:
        return "; ".join(
            ", ".join(filter(None, [p.title, p.organisation and p.organisation.display_name]))
            for p in obj.positions.all()
            if p.is_current()
        )
