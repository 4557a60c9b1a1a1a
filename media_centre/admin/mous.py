"""MoUs and their parties on the desk."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.create_in_place import CreateInPlaceAdmin
from core.languages import in_every_language

from ..models import MoU, MoUParty, Status
from .addresses import WEB_ADDRESS_FIELDSET
from .publishing import (
    PUBLICATION_FIELDSETS,
    InOrderFormSet,
    PublishableAdmin,
    StateFilter,
    YearFilter,
)

TOO_FEW_PARTIES = _(
    "An MoU has at least two parties. Add the other party (or parties) before publishing, "
    "or keep the MoU as a draft."
)


class MoUPartyFormSet(InOrderFormSet):
    def clean(self):
        super().clean()
        if self.instance.status != Status.PUBLISHED:
            return
        parties = [
            form
            for form in self.forms
            if form.cleaned_data.get("organisation") and not self._should_delete_form(form)
        ]
        if len(parties) < 2:
            raise ValidationError(TOO_FEW_PARTIES)


class MoUPartyInline(CreateInPlaceAdmin, admin.TabularInline):
    model = MoUParty
    formset = MoUPartyFormSet
    fields = ["organisation", "signatory"]
    autocomplete_fields = ["organisation", "signatory"]

    def get_extra(self, request, obj=None, **kwargs):
        existing = obj.parties.count() if obj else 0
        return max(2 - existing, 1)


@admin.register(MoU)
class MoUAdmin(PublishableAdmin):
    list_display = ["title", "state_badge", "signed_on", "party_names"]
    list_filter = [StateFilter, YearFilter, "topics", "parties__organisation"]
    search_fields = [
        *in_every_language("title", "summary", "signed_place"),
        *in_every_language("parties__organisation__name"),
    ]
    date_hierarchy = "signed_on"
    autocomplete_fields = ["topics", "document"]
    fieldsets = [
        *PUBLICATION_FIELDSETS,
        (
            None,
            {
                "fields": [
                    "title",
                    ("signed_on", "signed_on_precision"),
                    "signed_place",
                    "summary",
                    "topics",
                    "document",
                ]
            },
        ),
        WEB_ADDRESS_FIELDSET,
    ]
    inlines = [MoUPartyInline]

    def get_queryset(self, request):
        return super().get_queryset(request).for_list()

    @admin.display(description=_("parties"))
    def party_names(self, obj: MoU) -> str:
        return ", ".join(party.organisation.display_name for party in obj.parties.all())

    def publish_problems(self, obj: MoU) -> list[str]:
        return [str(TOO_FEW_PARTIES)] if obj.parties.count() < 2 else []
