"""The desk's side of drafts: edits to a live item are kept as its draft; preview, discard."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext

from . import store


class DraftAdmin:
    """Mix into a ModelAdmin before core.revisions' RevisionAdmin: saving a live item (as
    `is_live` says) keeps the change as the item's draft, and its form shows the draft."""

    # Fields that stay as the rows have them whatever the draft holds (the publishing state).
    draft_keeps: tuple[str, ...] = ()

    def is_live(self, obj) -> bool:
        """Whether what is stored for `obj` is (or will become, unseen) public."""
        return False

    def draft_applies(self, request) -> tuple[str, ...]:
        """Fields this user's save changes in the rows at once, even of a live item."""
        return ()

    def keeps_draft(self, obj) -> bool:
        return self.is_live(obj) or store.draft_of(obj) is not None

    def _in_draft(self, request, obj, run):
        result, kept = store.edit(
            obj,
            run,
            keep=self.draft_keeps,
            apply=self.draft_applies(request),
            is_live=self.is_live,
        )
        return result, kept

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is None or "_saveasnew" in request.POST:
            return super().changeform_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.keeps_draft(obj):
            return super().changeform_view(request, object_id, form_url, extra_context)

        def run():
            response = super(DraftAdmin, self).changeform_view(
                request, object_id, form_url, extra_context
            )
            if hasattr(response, "render"):
                response.render()  # now, while the rows hold the draft
            return response

        before = store.draft_of(obj)
        # The admin's "was changed successfully" waits until it is known where the change went.
        request._draft_held_messages = held = []
        try:
            response, kept = self._in_draft(request, obj, run)
        finally:
            del request._draft_held_messages
        after = store.draft_of(obj)
        saved_draft = (
            request.method == "POST"
            and kept
            and (before is None or after is None or after.revision_id != before.revision_id)
        )
        if saved_draft and held:
            self.message_user(
                request,
                gettext(
                    "Saved as a draft of the next version. The public still sees the published "
                    "version until a publisher publishes these changes."
                ),
                messages.SUCCESS,
            )
        else:
            for args, kwargs in held:
                super().message_user(*args, **kwargs)
        if saved_draft:
            if before is not None and before.publish_at is not None:
                self.message_user(
                    request,
                    gettext(
                        "These changes had been scheduled to become public; changed again, "
                        "they are no longer scheduled, and wait for a publisher."
                    ),
                    messages.WARNING,
                )
        return response

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        held = getattr(request, "_draft_held_messages", None)
        if held is not None and level == messages.SUCCESS:
            held.append(((request, message, level, *args), kwargs))
            return
        super().message_user(request, message, level, *args, **kwargs)

    def current_snapshot(self, obj):
        draft = store.draft_of(obj)
        if draft is None:
            return super().current_snapshot(obj)
        return store.snapshot_of(obj, draft)

    def restores_as_draft(self, obj) -> bool:
        return self.keeps_draft(obj)

    def restore_revision(self, request, obj, run) -> None:
        if self.keeps_draft(obj):
            self._in_draft(request, obj, run)
        else:
            run()

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/draft/discard/",
                self.admin_site.admin_view(self.discard_draft_view),
                name=f"{prefix}_discard_draft",
            ),
            *super().get_urls(),
        ]

    def discard_draft_view(self, request, object_id):
        """Drop the unpublished changes (POST): the item stays as the public sees it."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(gettext("This item does not exist, or was deleted."))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        if store.discard(obj):
            self.log_change(request, obj, gettext("Discarded the unpublished changes."))
            self.message_user(
                request,
                gettext("The unpublished changes were discarded; they stay in the history."),
                messages.SUCCESS,
            )
        opts = self.opts
        return HttpResponseRedirect(
            reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                args=[obj.pk],
            )
        )
