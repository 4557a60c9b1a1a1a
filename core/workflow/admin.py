"""The review in the desk: the panel on each form, the submit / send back / sign off pages, the
log (read-only, exportable as CSV), and what is waiting on the admin home."""

import csv

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..desk_dates import time_column
from ..read_only_admin import ReadOnlyAdmin
from . import api
from .models import Step

RECENT_STEPS = 5


class StepForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
    )

    def __init__(self, *args, required: bool, label, help_text, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["note"]
        field.required, field.label, field.help_text = required, label, help_text
        field.error_messages["required"] = _("Write a comment: it tells the editor what to change.")


def item_url(step: Step) -> str:
    try:
        return reverse(
            f"admin:{step.content_type.app_label}_{step.content_type.model}_change",
            args=[step.object_id],
        )
    except NoReverseMatch:
        return ""


class ReviewAdmin:
    """Mix into a ModelAdmin that has `has_publish_permission(request)` (and, for the changes
    link, core.revisions' History)."""

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/review/<slug:step>/",
                self.admin_site.admin_view(self.review_view),
                name=f"{prefix}_review",
            ),
            *super().get_urls(),
        ]

    def _review_url(self, obj, step: str) -> str:
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_review",
            args=[obj.pk, step],
        )

    def _review_steps(self, request, obj, state: api.ReviewState) -> dict[str, bool]:
        """Which steps this user may take now."""
        return {
            "submit": self.has_change_permission(request, obj) and state.awaiting is None,
            "send-back": self.has_publish_permission(request) and state.awaiting is not None,
            "sign-off": api.in_sign_off_group(request.user)
            and state.signed_off is None
            and self.has_view_or_change_permission(request, obj),
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            state = api.review_state(obj)
            allowed = self._review_steps(request, obj, state)
            steps = list(api.steps_of(obj).order_by("-pk")[:RECENT_STEPS])
            context["review"] = {
                "state": state,
                "links": {name: self._review_url(obj, name) for name, ok in allowed.items() if ok},
                "steps": steps,
                "log_url": self._log_url(obj) if self._may_read_log(request) else "",
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _may_read_log(self, request) -> bool:
        return request.user.has_perm("workflow.view_step")

    def _log_url(self, obj) -> str:
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_model(type(obj))
        return (
            reverse("admin:workflow_step_changelist")
            + f"?content_type__id__exact={content_type.pk}&object_id={obj.pk}"
        )

    def review_view(self, request, object_id, step):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(gettext("This item does not exist, or was deleted."))
        if step not in ("submit", "send-back", "sign-off"):
            raise Http404
        state = api.review_state(obj)
        allowed = self._review_steps(request, obj, state)
        if not allowed[step]:
            if step == "submit" and state.awaiting is not None:
                self.message_user(
                    request, gettext("It is already waiting for review."), messages.INFO
                )
                return HttpResponseRedirect(self._change_url(obj))
            raise PermissionDenied
        texts = {
            "submit": (
                _("Submit for review"),
                _("Note for the publisher"),
                _("Optional: what you changed, and anything the publisher should check."),
                False,
            ),
            "send-back": (
                _("Send back to the editor"),
                _("Comment"),
                _("What should change before it is published. The editor sees this."),
                True,
            ),
            "sign-off": (
                _("Sign off"),
                _("Note"),
                _("Optional. Your sign-off is for this version: a later change needs another."),
                False,
            ),
        }
        title, label, help_text, required = texts[step]
        form = StepForm(
            request.POST if request.method == "POST" else None,
            required=required,
            label=label,
            help_text=help_text,
        )
        if request.method == "POST" and form.is_valid():
            note = form.cleaned_data["note"].strip()
            links = {
                "change": request.build_absolute_uri(self._change_url(obj)),
                "changes": request.build_absolute_uri(self._changes_url(obj)),
            }
            if step == "submit":
                api.submit(obj, request.user, note, links=links)
                done = gettext("Submitted for review: the publishers have been told by email.")
            elif step == "send-back":
                api.send_back(obj, request.user, note, links=links)
                done = gettext("Sent back to the editor with your comment.")
            else:
                api.sign_off(obj, request.user, note)
                done = gettext("Signed off.")
            self.message_user(request, done, messages.SUCCESS)
            return HttpResponseRedirect(self._change_url(obj))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{title}: {obj}",
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "form": form,
            "step_title": title,
            "state": state,
            "change_url": self._change_url(obj),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/workflow/step.html", context)

    def _change_url(self, obj) -> str:
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]
        )

    def _changes_url(self, obj) -> str:
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]
        )


def _cell(value) -> str:
    # A spreadsheet runs a cell that starts like a formula: keep it text.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@admin.register(Step)
class StepAdmin(ReadOnlyAdmin):
    """The review log: read by publishers, never changed by anyone."""

    list_display = ["when", "action", "item", "user_repr", "note", "revision_id"]
    list_filter = ["action", "content_type", ("at", admin.DateFieldListFilter)]
    search_fields = ["object_repr", "note", "user_repr"]
    list_select_related = ["content_type"]
    date_hierarchy = "at"
    when = time_column("at", _("when"))

    def get_urls(self):
        return [
            path(
                "export.csv",
                self.admin_site.admin_view(self.export_view),
                name="workflow_step_export",
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        object_id = request.GET.get("object_id")
        if object_id and len(object_id) <= 191:
            queryset = queryset.filter(object_id=object_id)
        return queryset

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        return lookup == "object_id" or super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("item"), ordering="object_repr")
    def item(self, step: Step) -> str:
        url = item_url(step)
        label = f"{capfirst(step.content_type.name)}: {step.object_repr}"
        return format_html('<a href="{}">{}</a>', url, label) if url else label

    def changelist_view(self, request, extra_context=None):
        query = request.GET.urlencode()
        export = reverse("admin:workflow_step_export") + (f"?{query}" if query else "")
        return super().changelist_view(request, {**(extra_context or {}), "export_url": export})

    def export_view(self, request):
        """The log as CSV, as filtered on the list (UTF-8 with a BOM, so spreadsheets read
        Chinese)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest(
                gettext("These filters are not ones the log offers."), content_type="text/plain"
            )
        steps = changelist.get_queryset(request).select_related("content_type")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="review-log-{stamp}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            [gettext("When"), gettext("Step"), gettext("Kind"), gettext("Item"),
             gettext("Item key"), gettext("By"), gettext("Revision"), gettext("Note")]
        )  # fmt: skip
        for step in steps.iterator(chunk_size=1000):
            writer.writerow(
                _cell(value)
                for value in [
                    timezone.localtime(step.at).isoformat(),
                    step.get_action_display(),
                    step.content_type.name,
                    step.object_repr,
                    step.object_id,
                    step.user_repr,
                    step.revision_id or "",
                    step.note,
                ]
            )
        return response
