"""Email alert subscribers in the desk: who follows what, and marking addresses that bounce."""

import csv
import io
import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.desk_dates import time_column

from ..models import Subscriber

MAX_BOUNCE_FILE = 2 * 1024 * 1024
_ADDRESS = re.compile(r"[^\s,;<>\"']+@[^\s,;<>\"']+\.[^\s,;<>\"']+")


class BounceFileForm(forms.Form):
    file = forms.FileField(
        label=_("File of addresses"),
        help_text=_(
            "A CSV file or plain text with the addresses that bounced, in any column, one or "
            "more a line (2 MB at most)."
        ),
    )
    reason = forms.CharField(
        label=_("Why they bounced"),
        max_length=200,
        initial=_("Bounced"),
        help_text=_("Kept with each address, e.g. “mailbox does not exist”."),
    )

    def clean_file(self) -> list[str]:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BOUNCE_FILE:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        raw = upload.read(MAX_BOUNCE_FILE + 1)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                _("The file is not text in UTF-8: export it as CSV (UTF-8) or plain text.")
            ) from error
        if "\x00" in text:
            raise forms.ValidationError(_("The file is not text: upload a CSV or text file."))
        addresses = {
            match.group(0).strip(".").lower()
            for row in csv.reader(io.StringIO(text))
            for cell in row
            for match in _ADDRESS.finditer(cell)
        }
        if not addresses:
            raise forms.ValidationError(_("The file holds no email address."))
        return sorted(addresses)


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "language", "follows", "frequency", "confirmed", "bounced"]
    list_filter = ["language", "frequency", "releases", "events", "publications", "topics"]
    search_fields = ["email"]
    actions = ["mark_bouncing"]
    fields = [
        "email",
        "language",
        "releases",
        "events",
        "publications",
        "topics",
        "frequency",
        "subscribed",
        "confirmed",
        "wording_version",
        "wording_hash",
        "bounced",
        "bounce_reason",
    ]
    readonly_fields = [f for f in fields if f not in ("bounce_reason",)]
    subscribed = time_column("subscribed_at", _("subscribed"))
    confirmed = time_column("confirmed_at", _("confirmed"))
    bounced = time_column("bounced_at", _("bounced"))

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("topics")

    def has_add_permission(self, request) -> bool:
        return False  # people subscribe themselves, and confirm it

    @admin.display(description=_("follows"))
    def follows(self, obj: Subscriber) -> str:
        kinds = [
            str(label)
            for name, label in (
                ("releases", _("press releases")),
                ("events", _("events")),
                ("publications", _("publications")),
            )
            if getattr(obj, name)
        ]
        return ", ".join(kinds + [str(topic) for topic in obj.topics.all()])

    @admin.action(permissions=["change"], description=_("Mark as bouncing"))
    def mark_bouncing(self, request, queryset):
        count = queryset.filter(bounced_at__isnull=True).update(
            bounced_at=timezone.now(), bounce_reason=gettext("Marked in the desk")
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d address marked as bouncing: nothing more is sent to it.",
                "%(count)d addresses marked as bouncing: nothing more is sent to them.",
                count,
            )
            % {"count": count},
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_mark_bounces": self.has_change_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [
            path(
                "bounces/",
                self.admin_site.admin_view(self.bounces_view),
                name="media_centre_subscriber_bounces",
            ),
            *super().get_urls(),
        ]

    def bounces_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = BounceFileForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            addresses = form.cleaned_data["file"]
            matched = Subscriber.objects.filter(email__in=addresses, bounced_at__isnull=True)
            count = matched.update(
                bounced_at=timezone.now(), bounce_reason=form.cleaned_data["reason"]
            )
            self.message_user(
                request,
                gettext(
                    "%(found)d of the file's %(given)d addresses were subscribers and are now "
                    "marked as bouncing."
                )
                % {"found": count, "given": len(addresses)},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:media_centre_subscriber_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Mark addresses that bounce"),
            "opts": self.opts,
            "form": form,
        }
        return TemplateResponse(request, "admin/media_centre/subscriber_bounces.html", context)
