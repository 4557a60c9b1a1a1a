"""The media list on the desk: journalists (imported from a CSV file or typed in) and lists of
them, to whom publishers give embargoed access."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.languages import choices as language_choices

from ..media_list import COLUMNS, MAX_BYTES, import_journalists
from ..models import Journalist, MediaList


class JournalistForm(forms.ModelForm):
    other_languages = forms.MultipleChoiceField(
        label=_("also reads"),
        choices=language_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Other languages this journalist reads."),
    )

    class Meta:
        model = Journalist
        fields = [
            "name",
            "outlet",
            "email",
            "language",
            "other_languages",
            "topics",
            "basis",
            "basis_note",
        ]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "A spreadsheet saved as “CSV UTF-8”, with the columns name, outlet, email, "
            "languages, topics, basis. Languages: en, zh-hant, zh-hans, the main one first. "
            "Topics: their names or web addresses, separated by “;”. Basis: consent, "
            "professional or public_role."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                gettext("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // 2**20}
            )
        return upload


@admin.register(Journalist)
class JournalistAdmin(admin.ModelAdmin):
    form = JournalistForm
    list_display = ["name", "outlet", "email", "languages_display", "basis"]
    list_filter = ["basis", "language", "topics", "media_lists"]
    search_fields = ["name", "outlet", "email"]
    autocomplete_fields = ["topics"]
    view_on_site = False
    change_list_template = "admin/media_centre/journalist/change_list.html"
    fieldsets = [
        (None, {"fields": ["name", "outlet", "email", "language", "other_languages", "topics"]}),
        (_("Data protection"), {"fields": ["basis", "basis_note"]}),
    ]

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="media_centre_journalist_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            result = import_journalists(upload.read(MAX_BYTES + 1))
            if not result.errors:
                self.message_user(
                    request,
                    gettext("Imported: %(created)s new, %(updated)s updated.")
                    % {"created": result.created, "updated": result.updated},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:media_centre_journalist_changelist"))
            errors = result.errors
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import journalists from a CSV file"),
            "subtitle": None,
            "opts": self.opts,
            "form": form,
            "import_errors": errors[:200],
            "more_errors": max(0, len(errors) - 200),
            "columns": COLUMNS,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/media_centre/journalist/import.html", context)


@admin.register(MediaList)
class MediaListAdmin(admin.ModelAdmin):
    list_display = ["name", "description"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["members"]
    view_on_site = False
