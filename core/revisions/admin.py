"""The desk's side of revisions: a note on every save, the History page, compare, restore."""

from contextlib import contextmanager

import reversion
from django import forms
from django.contrib import messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from ..time_zones import in_zone
from . import snapshots
from .diff import compare
from .restore import RestoreError, restore

NOTE_FIELD = "revision_note"
HISTORY_PAGE_SIZE = 50


class RevisionNoteForm(forms.ModelForm):
    revision_note = forms.CharField(
        label=_("Note about this change"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: a sentence on what you changed and why. It is kept in the history."),
    )


class RestoreForm(forms.Form):
    note = forms.CharField(
        label=_("Note about this change"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm_public = forms.BooleanField(
        label=_("I understand that the restored content will be public at once."),
        required=False,
    )

    def __init__(self, *args, public: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.public = public
        if not public:
            del self.fields["confirm_public"]

    def clean_confirm_public(self):
        if self.public and not self.cleaned_data.get("confirm_public"):
            raise forms.ValidationError(
                _("This item is public: tick the box to confirm that the restored content "
                  "replaces what visitors see.")
            )  # fmt: skip
        return True


def when(version: Version) -> str:
    return in_zone(version.revision.date_created)


def who(version: Version) -> str:
    user = version.revision.user
    if user is None:
        return gettext("(unknown)")
    return user.get_full_name() or user.get_username()


class RevisionAdmin:
    """Mix into a ModelAdmin whose model is registered with reversion (before the ModelAdmin)."""

    # Fields a restore leaves as they are now (e.g. the publishing state).
    restore_keeps: tuple[str, ...] = ()

    # Hooks the app fills in.

    def live_object(self, obj):
        """What the public sees of `obj` now (None when it is not public)."""
        return None

    def restore_changes_public(self, obj) -> bool:
        """Whether restoring into `obj` would change (or schedule) what the public sees."""
        return False

    def may_restore_public(self, request, obj) -> bool:
        """Whether this user may change what the public sees by restoring."""
        return False

    def current_snapshot(self, obj) -> snapshots.Snapshot:
        """The item's content as the desk edits it now (a restore's starting point)."""
        return snapshots.of_object(obj)

    def restores_as_draft(self, obj) -> bool:
        """Whether a restore into `obj` becomes its draft rather than its stored content."""
        return False

    def restore_revision(self, request, obj, run) -> None:
        """Run the restore (`run()`); an app may keep it elsewhere (core.drafts does)."""
        run()

    # Every save is a revision, with the user and the note.

    @contextmanager
    def _revision(self, request):
        with reversion.create_revision():
            reversion.set_user(request.user)
            yield

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with self._revision(request):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        # Actions (publish, withdraw) and list edits save through here.
        with self._revision(request):
            return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if reversion.is_active():
            reversion.set_comment(form.cleaned_data.get(NOTE_FIELD, ""))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if reversion.is_active():
            # Again after the inline rows and many-to-many links are saved, so that the
            # revision holds them as saved.
            reversion.add_to_revision(form.instance)

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if reversion.is_active() and not isinstance(message, list) and not reversion.get_comment():
            reversion.set_comment(str(message))  # an action's own words ("Published …")
        return entry

    def get_fieldsets(self, request, obj=None):
        return with_note(super().get_fieldsets(request, obj))

    # Pages.

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/history/compare/",
                view(self.compare_view),
                name=f"{prefix}_compare",
            ),
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                view(self.restore_view),
                name=f"{prefix}_restore",
            ),
            *super().get_urls(),
        ]

    def _url(self, name: str, *args) -> str:
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{name}", args=args
        )

    def _object_or_404(self, request, object_id, permission):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(gettext("This item does not exist, or was deleted."))
        if not permission(request, obj):
            raise PermissionDenied
        return obj

    def _context(self, request, obj, title, **context):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "media": self.media,
            "history_url": self._url("history", obj.pk),
            "compare_url": self._url("compare", obj.pk),
            **context,
        }

    def history_view(self, request, object_id, extra_context=None):
        """Every revision, who made it, when and why; pick two to compare, or one to restore."""
        obj = self._object_or_404(request, object_id, self.has_view_or_change_permission)
        page = Paginator(snapshots.versions_of(obj), HISTORY_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        versions = list(page.object_list)
        live = self.live_object(obj)
        live_id = None
        if live is not None and page.number == 1 and versions:
            newest = snapshots.of_versions(versions[0], snapshots.siblings_of(versions[:1]))
            if newest.comparable() == snapshots.of_object(live).comparable():
                live_id = versions[0].pk
        may_restore = self.has_change_permission(request, obj)
        entries = [
            {
                "version": version,
                "when": when(version),
                "who": who(version),
                "note": version.revision.comment,
                "is_live": version.pk == live_id,
                "restore_url": self._url("restore", obj.pk, version.pk) if may_restore else "",
            }
            for version in versions
        ]
        context = self._context(
            request,
            obj,
            _("History of %(item)s") % {"item": obj},
            entries=entries,
            page=page,
            is_public=live is not None,
            live_is_listed=live_id is not None,
            **(extra_context or {}),
        )
        return TemplateResponse(request, "admin/revisions/history.html", context)

    def _version(self, obj, value) -> Version:
        if not (isinstance(value, str) and value.isascii() and value.isdigit()):
            raise Http404(gettext("Choose revisions from the list."))
        version = snapshots.versions_of(obj).filter(pk=int(value)).first()
        if version is None:
            raise Http404(gettext("This revision is not one of this item’s."))
        return version

    def compare_view(self, request, object_id):
        """The changes from one revision to another, or to what is public now."""
        obj = self._object_or_404(request, object_id, self.has_view_or_change_permission)
        if not request.GET.get("from") or not request.GET.get("to"):
            self.message_user(
                request, gettext("Choose two revisions to compare."), messages.WARNING
            )
            return HttpResponseRedirect(self._url("history", obj.pk))
        first = self._version(obj, request.GET.get("from"))
        other = request.GET.get("to", "")
        if other == "live":
            live = self.live_object(obj)
            if live is None:
                raise Http404(gettext("This item is not public, so there is nothing to compare."))
            siblings = snapshots.siblings_of([first])
            before = snapshots.of_versions(first, siblings)
            after = snapshots.of_object(live)
            before_label = _("Revision of %(when)s by %(who)s") % {
                "when": when(first),
                "who": who(first),
            }
            after_label = _("What is public now")
        else:
            second = self._version(obj, other)
            if (second.revision.date_created, second.pk) < (first.revision.date_created, first.pk):
                first, second = second, first
            siblings = snapshots.siblings_of([first, second])
            before = snapshots.of_versions(first, siblings)
            after = snapshots.of_versions(second, siblings)
            before_label, after_label = (
                _("Revision of %(when)s by %(who)s") % {"when": when(v), "who": who(v)}
                for v in (first, second)
            )
        context = self._context(
            request,
            obj,
            _("Changes to %(item)s") % {"item": obj},
            comparison=compare(before, after),
            before_label=before_label,
            after_label=after_label,
        )
        return TemplateResponse(request, "admin/revisions/compare.html", context)

    def restore_view(self, request, object_id, version_id):
        """Restore an earlier revision's content; what is public changes only by a publisher."""
        obj = self._object_or_404(request, object_id, self.has_change_permission)
        version = self._version(obj, str(version_id))
        snapshot = snapshots.of_versions(version, snapshots.siblings_of([version]))
        public = self.restore_changes_public(obj)
        allowed = not public or self.may_restore_public(request, obj)
        if request.method == "POST":
            if not allowed:
                raise PermissionDenied
            form = RestoreForm(request.POST, public=public)
            if form.is_valid():
                comment = gettext("Restored the revision of %(when)s by %(who)s.") % {
                    "when": when(version),
                    "who": who(version),
                }
                if note := form.cleaned_data["note"].strip():
                    comment = f"{comment} {note}"
                try:
                    self.restore_revision(
                        request,
                        obj,
                        lambda: restore(
                            obj,
                            snapshot,
                            keep=self.restore_keeps,
                            user=request.user,
                            comment=comment,
                        ),
                    )
                except RestoreError as error:
                    form.add_error(
                        None,
                        gettext("This revision could not be restored: %(problem)s")
                        % {"problem": error},
                    )
                else:
                    self.message_user(request, comment, messages.SUCCESS)
                    return HttpResponseRedirect(self._url("change", obj.pk))
        else:
            form = RestoreForm(public=public)
        context = self._context(
            request,
            obj,
            _("Restore an earlier revision of %(item)s") % {"item": obj},
            comparison=compare(self.current_snapshot(obj), snapshot),
            before_label=_("Stored now"),
            after_label=_("Revision of %(when)s by %(who)s")
            % {"when": when(version), "who": who(version)},
            form=form,
            public=public,
            allowed=allowed,
            as_draft=self.restores_as_draft(obj),
            version=version,
        )
        return TemplateResponse(request, "admin/revisions/restore.html", context)


def with_note(fieldsets):
    """The fieldsets with the note about the change at the end, once."""
    fieldsets = list(fieldsets)
    if NOTE_FIELD not in flatten_fieldsets(fieldsets):
        fieldsets.append((_("About this change"), {"fields": [NOTE_FIELD]}))
    return fieldsets
