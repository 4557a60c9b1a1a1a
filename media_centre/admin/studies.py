"""Studies and their files on the desk."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.languages import in_every_language

from ..models import Study
from .addresses import WEB_ADDRESS_FIELDSET
from .embargo import EmbargoAdminMixin
from .publishing import (
    PUBLICATION_FIELDSETS,
    PublishableAdmin,
    StateFilter,
    YearFilter,
)


class StudyFileInline(admin.TabularInline):
    model = Study.files.through
    autocomplete_fields = ["document"]
    extra = 1
    verbose_name = _("file")
    verbose_name_plural = _("files (one per language)")


@admin.register(Study)
class StudyAdmin(EmbargoAdminMixin, PublishableAdmin):
    list_display = ["title", "state_badge", "kind", "publication_date", "authoring"]
    list_filter = [StateFilter, YearFilter, "kind", "topics", "author_organisations"]
    search_fields = [
        *in_every_language("title", "abstract", "author_organisations__name"),
        *in_every_language("author_people__name"),
    ]
    date_hierarchy = "publication_date"
    autocomplete_fields = ["author_organisations", "author_people", "topics", "launch_event", "mou"]
    fieldsets = [
        *PUBLICATION_FIELDSETS,
        (None, {"fields": ["title", "kind", "publication_date", "abstract"]}),
        (_("Authors"), {"fields": ["author_organisations", "author_people"]}),
        (_("Cover"), {"fields": ["cover_image", "cover_image_alt"]}),
        (_("Related"), {"fields": ["topics", "launch_event", "mou"]}),
        WEB_ADDRESS_FIELDSET,
    ]
    inlines = [StudyFileInline]

    def get_queryset(self, request):
        return super().get_queryset(request).for_list()

    @admin.display(description=_("authoring organisations"))
    def authoring(self, obj: Study) -> str:
        return ", ".join(org.display_name for org in obj.author_organisations.all())
