"""The signed record in the desk: read by publishers, exported with its public keys, kept."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.desk_dates import time_column
from core.read_only_admin import ReadOnlyAdmin

from . import export
from .models import Manifest


@admin.register(Manifest)
class ManifestAdmin(ReadOnlyAdmin):
    list_display = ["object_repr", "version", "change", "public_from", "kid"]
    list_filter = ["change", "content_type"]
    search_fields = ["object_repr", "sha256"]
    list_select_related = ["content_type"]
    fields = ["object_repr", "version", "change", "published_at", "signed_at", "kid", "sha256",
              "token"]  # fmt: skip
    public_from = time_column("published_at", _("public from"))

    def get_urls(self):
        return [
            path(
                "export.json",
                self.admin_site.admin_view(self.export_view),
                name="manifests_manifest_export",
            ),
            *super().get_urls(),
        ]

    def may_export(self, request) -> bool:
        return request.user.has_perm("manifests.export_manifest")

    def changelist_view(self, request, extra_context=None):
        extra = {"export_url": reverse("admin:manifests_manifest_export")}
        return super().changelist_view(
            request, {**(extra_context or {}), **(extra if self.may_export(request) else {})}
        )

    def export_view(self, request):
        if not self.may_export(request):
            raise PermissionDenied
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(export.chunks(), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="signed-record-{stamp}.json"'
        return response
