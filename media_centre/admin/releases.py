"""Press releases (with their quotes) and media contacts on the desk."""

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline

from core.create_in_place import CreateInPlaceAdmin
from core.languages import in_every_language
from core.translated_fields import TranslatedFieldsAdmin

from ..models import MediaContact, PressRelease, Quote
from .addresses import WEB_ADDRESS_FIELDSET
from .embargo import EmbargoAdminMixin
from .publishing import (
    PUBLICATION_FIELDSETS,
    InOrderFormSet,
    PublishableAdmin,
    StateFilter,
    YearFilter,
)


@admin.register(MediaContact)
class MediaContactAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "phone"]
    search_fields = ["name", "email"]
    view_on_site = False


class QuoteInline(CreateInPlaceAdmin, TranslatedFieldsAdmin, TranslationStackedInline):
    model = Quote
    fields = ["person", "text"]
    formset = InOrderFormSet
    autocomplete_fields = ["person"]
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "person":
            # The box asks for the speakers of the event chosen above first.
            field.widget.attrs["data-nr-speakers-of"] = "id_event"
        return field


@admin.register(PressRelease)
class PressReleaseAdmin(EmbargoAdminMixin, PublishableAdmin):
    languages_together = True  # NEWSROOM_REQUIRE_ALL_LANGUAGES
    list_display = ["headline", "state_badge", "release_date", "publication_time", "last_modified"]
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

    def get_urls(self):
        return [
            path(
                "<path:object_id>/duplicate/",
                self.admin_site.admin_view(self.duplicate_view),
                name="media_centre_pressrelease_duplicate",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and self.has_add_permission(request):
            context["duplicate_url"] = self._item_url("duplicate", obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def duplicate_view(self, request, object_id):
        """A new draft from this release (for the next one like it), at a fresh address."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        release = self.get_object(request, unquote(object_id))
        if release is None:
            raise Http404(gettext("This item does not exist, or was deleted."))
        with self._revision(request), transaction.atomic():
            copy = release.duplicate()
            reversion.add_to_revision(copy)
            for quote in copy.quotes.all():
                reversion.add_to_revision(quote)
            self.log_addition(
                request, copy, gettext("Duplicated from “%(item)s”.") % {"item": release}
            )
        self.message_user(
            request,
            gettext(
                "This is a new draft copied from “%(item)s”, with its own address. Change what "
                "differs, then save. The original is unchanged."
            )
            % {"item": release},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._change_url(copy))
