"""The publisher's "Give embargoed access…" page of a scheduled release or study: choose
journalists or media lists (each gets a personal link by email), see who opened what, revoke one
or all."""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .. import embargo
from ..models import EmbargoGrant, Journalist, MediaList, State


class RowChoices(forms.ModelMultipleChoiceField):
    """Rows chosen by id; an id no database could hold (a made-up 30-digit number) is a form
    error, not a query that overflows."""

    def _check_values(self, value):
        for pk in value:
            if not (isinstance(pk, str) and pk.isascii() and pk.isdigit() and len(pk) <= 18):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk[:20] if isinstance(pk, str) else pk},
                )
        return super()._check_values(value)


class GrantForm(forms.Form):
    journalists = RowChoices(
        label=_("Journalists"),
        queryset=Journalist.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    media_lists = RowChoices(
        label=_("Media lists"),
        queryset=MediaList.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone on a chosen list gets access."),
    )

    def __init__(self, *args, holders: frozenset[int] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["journalists"].label_from_instance = lambda journalist: (
            gettext("%(journalist)s — has access") % {"journalist": journalist}
            if journalist.pk in holders
            else str(journalist)
        )

    def clean(self):
        data = super().clean()
        if not data.get("journalists") and not data.get("media_lists"):
            raise ValidationError(_("Choose at least one journalist or media list."))
        return data


class EmbargoAdminMixin:
    """`<pk>/embargo/` (grant, and the access list) and `<pk>/embargo/revoke/` (POST) of a
    release's admin, for publishers only."""

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/embargo/",
                self.admin_site.admin_view(self.embargo_view),
                name=f"{prefix}_embargo",
            ),
            path(
                "<path:object_id>/embargo/revoke/",
                self.admin_site.admin_view(self.embargo_revoke_view),
                name=f"{prefix}_embargo_revoke",
            ),
            *super().get_urls(),
        ]

    def publishing_actions(self, obj):
        actions = super().publishing_actions(obj)
        state = type(obj)._base_manager.get(pk=obj.pk).state
        if state == State.SCHEDULED or obj.embargo_grants.exists():
            actions.append(
                (gettext("Give embargoed access…"), self._item_url("embargo", obj), "get")
            )
        return actions

    def _embargo_item(self, request, object_id):
        if not self.has_publish_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(gettext("This item does not exist, or was deleted."))
        return obj

    def embargo_view(self, request, object_id):
        obj = self._embargo_item(request, object_id)
        scheduled = obj.state == State.SCHEDULED
        holders = frozenset(
            EmbargoGrant.objects.of(obj).active().values_list("journalist", flat=True)
        )
        form = GrantForm(request.POST if request.method == "POST" else None, holders=holders)
        if request.method == "POST" and scheduled and form.is_valid():
            chosen = embargo.recipients(
                form.cleaned_data["journalists"], form.cleaned_data["media_lists"]
            )
            try:
                issued = embargo.grant(obj, chosen, request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                embargo.send_links(issued)  # committed: the worker finds each grant
                if issued:
                    self.log_change(
                        request,
                        obj,
                        gettext("Embargoed access given to %(names)s.")
                        % {"names": ", ".join(str(g.journalist) for g in issued)},
                    )
                skipped = len(chosen) - len(issued)
                message = ngettext(
                    "Embargoed access given to %(count)s journalist: each is emailed a personal "
                    "link.",
                    "Embargoed access given to %(count)s journalists: each is emailed a personal "
                    "link.",
                    len(issued),
                ) % {"count": len(issued)}
                if skipped:
                    message += " " + ngettext(
                        "%(count)s already had access.", "%(count)s already had access.", skipped
                    ) % {"count": skipped}
                self.message_user(request, message, messages.SUCCESS)
                return HttpResponseRedirect(request.path)
        grants = list(EmbargoGrant.objects.of(obj).with_accesses())
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Embargoed access to “%(item)s”") % {"item": obj},
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "form": form,
            "scheduled": scheduled,
            "times": embargo.embargo_times(obj.publish_at) if scheduled else None,
            "grants": grants,
            "active": [g for g in grants if not g.is_revoked()],
            "revoke_url": self._item_url("embargo_revoke", obj),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/media_centre/embargo/grants.html", context)

    def embargo_revoke_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._embargo_item(request, object_id)
        grants = EmbargoGrant.objects.of(obj)
        which = request.POST.get("grant", "")
        if which != "all":
            if not which.isdigit() or len(which) > 18:
                raise Http404
            grants = grants.filter(pk=int(which))
        count = embargo.revoke(grants, request.user)
        if count:
            self.log_change(
                request,
                obj,
                ngettext(
                    "Embargoed access revoked for %(count)s journalist.",
                    "Embargoed access revoked for %(count)s journalists.",
                    count,
                )
                % {"count": count},
            )
        self.message_user(
            request,
            ngettext(
                "%(count)s link was withdrawn: it now says access was withdrawn.",
                "%(count)s links were withdrawn: each now says access was withdrawn.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._item_url("embargo", obj))
