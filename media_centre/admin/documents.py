"""Uploaded files on the desk; the facts about each file are read on upload."""

import hashlib

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as delete_selected_action
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.desk_dates import time_column
from core.edit_conflicts import EditConflictAdmin
from core.revisions.admin import RevisionAdmin, RevisionNoteForm, with_note

from .. import download_counts
from ..models import AccessibilityRequest, Document, DocumentVersion, State
from ..models.documents import MEDIA_TYPE_LABELS

FILE_FACTS = [
    "kind_and_media_type",
    "size_in_words",
    "page_count",
    "sha256",
    "downloads",
    "file_updated_at",
    "file_name",
    "public_address",
]


def _may(request, action: str, model: type[models.Model]) -> bool:
    opts = model._meta
    return request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")


def _change_url(obj: models.Model) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def _usage_link(obj: models.Model) -> str:
    # The same form Django gives protected objects, so that each usage is listed once.
    return format_html(
        '{}: <a href="{}">{}</a>', capfirst(obj._meta.verbose_name), _change_url(obj), obj
    )


def _sha256(file: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


class DocumentForm(RevisionNoteForm):
    version_note = forms.CharField(
        label=_("What changed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "When you upload a new file, say in a sentence what changed. The note is kept with "
            "the new version."
        ),
    )

    class Meta:
        model = Document
        fields = ["file", "title", "language", "is_accessible"]

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if not isinstance(file, UploadedFile):
            return file
        digest = _sha256(file)
        if self.instance.pk and digest == self.instance.sha256:
            # The file this document already has: nothing to store, no new version.
            return self.instance.file
        twins = Document.objects.filter(Q(sha256=digest) | Q(versions__sha256=digest))
        if self.instance.pk:
            twins = twins.exclude(pk=self.instance.pk)
        twin = twins.distinct().first()
        if twin is not None:
            link = format_html('<a href="{}">{}</a>', _change_url(twin), twin)
            raise ValidationError(
                format_html(
                    gettext(
                        "This exact file is already uploaded as “{link}”. Use that document "
                        "instead of uploading it twice."
                    ),
                    link=link,
                ),
                code="duplicate",
            )
        return file

    def clean(self):
        cleaned_data = super().clean()
        new_file = isinstance(cleaned_data.get("file"), UploadedFile)
        if cleaned_data.get("version_note") and not new_file and "file" not in self.errors:
            self.add_error(
                "version_note",
                _("A note is kept only with a new file. Upload a new file, or leave this empty."),
            )
        return cleaned_data


class MediaTypeFilter(admin.SimpleListFilter):
    """The media types that documents have, by their plain names."""

    title = _("media type")
    parameter_name = "type"

    def lookups(self, request, model_admin):
        present = Document.objects.order_by("media_type").values_list("media_type", flat=True)
        return [(value, MEDIA_TYPE_LABELS.get(value, value)) for value in present.distinct()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(media_type=self.value())
        return queryset


class PublicFilter(admin.SimpleListFilter):
    """Public (something published links it) or not."""

    title = _("state")
    parameter_name = "public"

    def lookups(self, request, model_admin):
        return [("yes", _("Public")), ("no", _("Not public"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.public()
        if self.value() == "no":
            return queryset.not_public()
        return queryset


class DocumentVersionInline(admin.TabularInline):
    """Every file the document has had; history is not edited."""

    model = DocumentVersion
    fields = ["number", "created_at", "version_size", "short_sha256", "note", "address"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    view_on_site = False  # the address column links each version

    def has_view_permission(self, request, obj=None) -> bool:
        # Versions are part of their document: whoever may see the document sees them.
        return _may(request, "view", Document) or _may(request, "change", Document)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("size"))
    def version_size(self, version: DocumentVersion) -> str:
        return filesizeformat(version.size)

    @admin.display(description=_("SHA-256 checksum"))
    def short_sha256(self, version: DocumentVersion) -> str:
        return format_html('<code title="{}">{}…</code>', version.sha256, version.sha256[:12])

    @admin.display(description=_("address"))
    def address(self, version: DocumentVersion) -> str:
        return format_html('<a href="{}">{}</a>', version.get_absolute_url(), version.file_name)


@admin.register(Document)
class DocumentAdmin(EditConflictAdmin, RevisionAdmin, admin.ModelAdmin):
    form = DocumentForm
    restore_keeps = ("file",)  # a file comes back by uploading it again, as a new version
    list_display = [
        "title",
        "public_state",
        "language",
        "kind",
        "file_size",
        "page_count",
        "downloads",
        "is_accessible",
        "file_last_changed",
    ]
    file_last_changed = time_column("file_updated_at", _("file last changed"))
    list_filter = [PublicFilter, "language", MediaTypeFilter, "is_accessible"]
    search_fields = ["title", "file_name", "sha256"]
    date_hierarchy = "created_at"
    readonly_fields = [*FILE_FACTS, "public_links"]
    inlines = [DocumentVersionInline]
    actions = ["delete_selected"]

    class Media:
        css = {"all": ["admin/newsroom-admin.css"]}

    def get_queryset(self, request):
        # The list names a published item linking each document, in its one query.
        return super().get_queryset(request).with_public_link()

    @admin.display(description=_("state"))
    def public_state(self, obj: Document) -> str:
        """On the list: the name of one published item that links it, found by its query."""
        if obj.public_via is None:
            return gettext("Not public: no published item links it")
        return gettext("Public — linked from: %(items)s") % {"items": obj.public_via}

    @admin.display(description=_("state"))
    def public_links(self, obj: Document) -> str:
        """On the form: every item that links it, each linked to its form."""
        usages = obj.usages() if obj.pk else []
        public = [usage for usage in usages if usage.is_published()]
        if public:
            return format_html(
                "{} {}",
                gettext("Public — linked from:"),
                format_html_join(", ", "{}", ((_usage_link(usage),) for usage in public)),
            )
        waiting = [usage for usage in usages if not usage.is_gone()]
        if not waiting:
            return gettext("Not public: no published item links it")
        return format_html(
            "{}. {} {}",
            gettext("Not public: no published item links it"),
            gettext("It becomes public when one of these is published:"),
            format_html_join(
                ", ",
                "{} ({})",
                ((_usage_link(usage), usage.get_state_display()) for usage in waiting),
            ),
        )

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return with_note([(None, {"fields": ["file", "title", "language", "is_accessible"]})])
        return with_note(
            [
                (
                    None,
                    {
                        "fields": [
                            "public_links",
                            "file",
                            "version_note",
                            "title",
                            "language",
                            "is_accessible",
                        ]
                    },
                ),
                (_("About the file"), {"fields": FILE_FACTS}),
            ]
        )

    def save_model(self, request, obj, form, change):
        # The model records the note on the version it makes for a new file.
        obj.version_note = form.cleaned_data.get("version_note", "")
        super().save_model(request, obj, form, change)
        if reversion.is_active() and not reversion.get_comment() and obj.version_note:
            reversion.set_comment(obj.version_note)

    def _public_usages(self, obj: Document) -> list:
        return [
            usage for usage in obj.usages() if usage.state in (State.PUBLISHED, State.SCHEDULED)
        ]

    def live_object(self, obj: Document):
        return obj if self._public_usages(obj) else None

    def restore_changes_public(self, obj: Document) -> bool:
        return bool(self._public_usages(obj))

    def may_restore_public(self, request, obj: Document) -> bool:
        return all(
            request.user.has_perm(f"{usage._meta.app_label}.publish_{usage._meta.model_name}")
            for usage in self._public_usages(obj)
        )

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        usages = [_usage_link(usage) for document in objs for usage in document.usages()]
        if usages:
            # Refused because it is in use, not for want of permission: list the usages.
            perms_needed = set()
            protected = [*protected, *(usage for usage in usages if usage not in protected)]
        return deleted, model_count, perms_needed, protected

    def delete_view(self, request, object_id, extra_context=None):
        document = self.get_object(request, unquote(object_id))
        if document is not None and self.has_delete_permission(request, document):
            if usages := document.usages():
                self.message_user(
                    request,
                    format_html(
                        gettext(
                            "This document is used by: {usages}. Remove it from those items "
                            "first; then it can be deleted."
                        ),
                        usages=format_html_join(
                            "; ", "{}", ((_usage_link(usage),) for usage in usages)
                        ),
                    ),
                    messages.ERROR,
                )
        return super().delete_view(request, object_id, extra_context)

    @admin.action(permissions=["delete"], description=delete_selected_action.short_description)
    def delete_selected(self, request, queryset):
        """Django's bulk delete, skipping the documents that something still uses."""
        in_use = [document for document in queryset if document.usages()]
        if in_use:
            self.message_user(
                request,
                format_html(
                    ngettext(
                        "{documents} is still used, so it was not deleted. Open it to see where.",
                        "{documents} are still used, so they were not deleted. Open each to see "
                        "where.",
                        len(in_use),
                    ),
                    documents=format_html_join(
                        ", ",
                        '“<a href="{}">{}</a>”',
                        ((_change_url(document), document) for document in in_use),
                    ),
                ),
                messages.WARNING,
            )
            queryset = queryset.exclude(pk__in=[document.pk for document in in_use])
            if not queryset.exists():
                return None
        return delete_selected_action(self, request, queryset)

    @admin.display(description=_("kind"), ordering="media_type")
    def kind(self, obj: Document) -> str:
        return obj.kind_label

    @admin.display(description=_("size"), ordering="size")
    def file_size(self, obj: Document) -> str:
        return filesizeformat(obj.size)

    @admin.display(description=_("media type"))
    def kind_and_media_type(self, obj: Document) -> str:
        return f"{obj.kind_label} ({obj.media_type})"

    @admin.display(description=_("downloads"), ordering="download_count")
    def downloads(self, obj: Document) -> int:
        # Those the worker has not yet moved from the shared cache to the database count too.
        return obj.download_count + download_counts.pending([obj.pk]).get(obj.pk, 0)

    @admin.display(description=_("size"))
    def size_in_words(self, obj: Document) -> str:
        return filesizeformat(obj.size)

    @admin.display(description=_("public address"))
    def public_address(self, obj: Document) -> str:
        url = obj.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)


@admin.register(AccessibilityRequest)
class AccessibilityRequestAdmin(admin.ModelAdmin):
    """Visitors' requests for an accessible version: read them, answer them, mark them answered."""

    list_display = ["document", "name", "email", "language", "received", "answered"]
    received = time_column("created_at", _("received"))
    list_filter = ["answered"]
    search_fields = ["name", "email", "document__title"]
    list_select_related = ["document"]
    fields = ["document", "name", "email", "language", "message", "created_at", "answered"]
    readonly_fields = ["document", "name", "email", "language", "message", "created_at"]
    actions = ["mark_answered"]
    view_on_site = False

    # Whoever looks after documents answers the requests about them.
    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) or _may(request, "change", Document)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) or _may(request, "change", Document)

    def has_add_permission(self, request) -> bool:
        return False  # visitors make requests on the document's page

    @admin.action(permissions=["change"], description=_("Mark as answered"))
    def mark_answered(self, request, queryset):
        count = queryset.filter(answered=False).update(answered=True)
        self.message_user(
            request,
            ngettext(
                "%(count)d request marked as answered.",
                "%(count)d requests marked as answered.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
