"""Uploaded files on the desk; the facts about each file are read on upload."""

from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ..models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "language", "kind", "file_size", "page_count", "created_at"]
    list_filter = ["language", "media_type"]
    search_fields = ["title", "file_name"]
    date_hierarchy = "created_at"
    fields = [
        "file",
        "title",
        "language",
        "file_name",
        "media_type",
        "size",
        "page_count",
        "sha256",
        "download_count",
    ]
    readonly_fields = [
        "file_name",
        "media_type",
        "size",
        "page_count",
        "sha256",
        "download_count",
    ]

    @admin.display(description=_("kind"), ordering="media_type")
    def kind(self, obj: Document) -> str:
        return obj.kind_label

    @admin.display(description=_("size"), ordering="size")
    def file_size(self, obj: Document) -> str:
        return filesizeformat(obj.size)
