"""The publisher's publish page: what goes public, when, what kind of change, and with what.

One page for every way something becomes public from its form: a new item, the draft of a
live item (its changes), now or at a time. It shows the changes against what is public, asks
whether a change to something public is a minor edit or a correction, clarification or
update (with a dated public note), and lists every unpublished thing the item links, to
publish together or to leave out knowingly.
"""

import datetime as dt

import reversion
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import translation_checks
from core.desk_dates import DeskSplitDateTimeField, DeskSplitDateTimeWidget
from core.drafts import store as drafts
from core.languages import LANGUAGES
from core.revisions import snapshots
from core.revisions.diff import compare
from core.time_zones import zone_label

from .. import notes
from ..alerts import tasks as alerts
from ..linked import unpublished_links
from ..models import PUBLISHING_FIELDS, Publishable, State, Status

MINOR = "minor"


def _when(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{date_format(local, 'DATETIME_FORMAT')} ({local.tzname()})"


def when_in_words(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return gettext("%(day)s at %(time)s, %(zone)s") % {
        "day": f"{date_format(local, 'l')}, {date_format(local, 'DATE_FORMAT')}",
        "time": date_format(local, "TIME_FORMAT"),
        "zone": zone_label(moment),
    }


def _link_key(obj) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


class PublishForm(forms.Form):
    when = forms.ChoiceField(
        label=_("When"),
        choices=[("now", _("Now")), ("later", _("At a time I choose"))],
        initial="now",
        widget=forms.RadioSelect,
    )
    at = DeskSplitDateTimeField(
        label=_("Publication time"),
        required=False,
        widget=DeskSplitDateTimeWidget,
        help_text=_("Only when publishing at a time: the date, then the time."),
    )
    kind = forms.ChoiceField(
        label=_("What kind of change is this?"),
        choices=[(MINOR, _("A minor edit: no note to readers")), *notes.NOTE_KINDS],
        initial=MINOR,
        widget=forms.RadioSelect,
        help_text=_(
            "A correction, clarification or update carries a dated note that readers see on "
            "the page, and marks the item updated in the feeds."
        ),
    )
    together = forms.MultipleChoiceField(
        label=_("Publish these with it"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Anything you untick stays unpublished and is left out of the public page."),
    )
    log_note = forms.CharField(
        label=_("Note for the log"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args,
        public: bool,
        links: list,
        mode: str | None = None,
        alertable: bool = False,
        language_gaps: list[str] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.public = public
        self.mode = mode
        self.language_gaps = language_gaps or []
        if self.language_gaps:
            self.fields["languages_override"] = forms.CharField(
                label=_("Publish without them, because"),
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_(
                    "This site publishes releases in every language together. Only with a "
                    "reason, which the log keeps, does it go public without them."
                ),
            )
        if mode in ("now", "later"):
            # "Publish now…" and "Schedule…" are two actions: each page does only its own.
            self.fields["when"].initial = mode
            self.fields["when"].required = False
            self.fields["when"].widget = forms.HiddenInput()
        if mode == "later":
            self.fields["at"].help_text = _("The date, then the time.")
        elif mode == "now":
            del self.fields["at"]
        if not public:
            del self.fields["kind"]
        else:
            for language in LANGUAGES:
                self.fields[f"note_{language.suffix}"] = forms.CharField(
                    label=_("Note to readers (%(language)s)") % {"language": language.name},
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
            if alertable:
                self.fields["alert"] = forms.BooleanField(
                    label=_("Email the note to the subscribers who follow this"),
                    required=False,
                    help_text=_(
                        "Only for a correction, clarification or update: they get one message "
                        "with the note and a link to the page, when it becomes public."
                    ),
                )
        self.fields["together"].choices = [
            (_link_key(obj), f"{capfirst(obj._meta.verbose_name)}: {obj}") for obj in links
        ]
        self.fields["together"].initial = [_link_key(obj) for obj in links]
        if not links:
            del self.fields["together"]

    def note_fields(self):
        return [self[name] for name in self.fields if name.startswith("note_")]

    def clean(self):
        data = super().clean()
        if self.mode in ("now", "later"):
            data["when"] = self.mode
        if data.get("when") == "later":
            at = data.get("at")
            if at is None:
                self.add_error("at", _("Give the date and time it becomes public."))
            elif at <= timezone.now():
                self.add_error("at", _("That time has passed: choose a later one, or “Now”."))
        if self.public and data.get("kind") not in (None, MINOR):
            if not any(data.get(f"note_{lang.suffix}", "").strip() for lang in LANGUAGES):
                self.add_error(
                    None,
                    _("Write the note readers will see, in at least one language."),
                )
        if self.language_gaps and not data.get("languages_override", "").strip():
            self.add_error(
                "languages_override",
                _("Give the reason to publish before every language is ready, or complete them."),
            )
        if data.get("alert") and data.get("kind") in (None, MINOR):
            self.add_error(
                "alert",
                _("A minor edit carries no note: choose a correction, clarification or update."),
            )
        return data

    def texts(self) -> dict[str, str]:
        texts = {lang.code: self.cleaned_data.get(f"note_{lang.suffix}", "") for lang in LANGUAGES}
        return {code: text.strip() for code, text in texts.items() if text.strip()}


class PublishViewMixin:
    """The `<pk>/publish/` page of a publishable admin (publishers only)."""

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name=f"{prefix}_publish",
            ),
            path(
                "<path:object_id>/unschedule/",
                self.admin_site.admin_view(self.unschedule_view),
                name=f"{prefix}_unschedule",
            ),
            path(
                "<path:object_id>/withdraw/",
                self.admin_site.admin_view(self.withdraw_view),
                name=f"{prefix}_withdraw",
            ),
            *super().get_urls(),
        ]

    def _item_url(self, name: str, obj) -> str:
        """The address of this admin's `name` page for `obj` (change, publish, withdraw…)."""
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{name}", args=[obj.pk]
        )

    def publish_url(self, obj, mode: str | None = None) -> str:
        url = self._item_url("publish", obj)
        return f"{url}?when={mode}" if mode else url

    def _change_url(self, obj) -> str:
        return self._item_url("change", obj)

    def _then_publish(self, request, obj):
        if not self.has_publish_permission(request):
            return None
        for button, mode in (("_publish", "now"), ("_schedule", "later")):
            if button in request.POST:
                return HttpResponseRedirect(self.publish_url(obj, mode))
        return None

    def response_change(self, request, obj):
        return self._then_publish(request, obj) or super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        return self._then_publish(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["show_publish"] = self.has_publish_permission(request)
        if obj is not None and obj.pk and context["show_publish"]:
            context["publishing_actions"] = self.publishing_actions(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def publishing_actions(self, obj: Publishable) -> list[tuple[str, str, str]]:
        """(label, address, method) of what a publisher can do next with `obj`'s state."""
        # As stored: a form shown again after an error carries the withdrawal time it posted.
        state = type(obj)._base_manager.get(pk=obj.pk).state
        now = (gettext("Publish now…"), self.publish_url(obj, "now"), "get")
        later = (gettext("Schedule…"), self.publish_url(obj, "later"), "get")
        if state == State.SCHEDULED:
            return [
                now,
                (gettext("Change the time…"), self.publish_url(obj, "later"), "get"),
                (gettext("Cancel the schedule"), self._item_url("unschedule", obj), "post"),
            ]
        if state == State.PUBLISHED:
            return [(gettext("Withdraw…"), self._item_url("withdraw", obj), "get")]
        if state == State.WITHDRAWN:
            return [(gettext("Publish again now…"), self.publish_url(obj, "now"), "get")]
        return [now, later]

    def _what(self, obj: Publishable):
        """(the draft, the changes it makes to what is public, the unpublished links, what keeps
        it from every language) as the item will be when published: read with the draft in the
        rows, then rolled back."""
        with drafts.shown(obj, keep=PUBLISHING_FIELDS) as draft:
            current = type(obj)._base_manager.get(pk=obj.pk)
            links = [(type(link), link.pk) for link in unpublished_links(current)]
            gaps = self.language_gaps(current)
            comparison = None
            if draft is not None:
                comparison = snapshots.of_object(current)
        if draft is not None:
            live = type(obj)._base_manager.get(pk=obj.pk)
            comparison = compare(snapshots.of_object(live), comparison)
        linked = [model._base_manager.get(pk=pk) for model, pk in links]
        return draft, comparison, linked, gaps

    def publish_view(self, request, object_id):
        if not self.has_publish_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(gettext("This item does not exist, or was deleted."))
        # Per request: the admin is one object that every thread of the server shares.
        draft, comparison, linked, gaps = self._what(obj)
        state = obj.state
        if draft is None and state == State.PUBLISHED:
            self.message_user(
                request,
                gettext("“%(item)s” is already %(state)s and has no unpublished changes.")
                % {"item": obj, "state": obj.get_state_display().lower()},
                messages.INFO,
            )
            return HttpResponseRedirect(self._change_url(obj))
        public = state == State.PUBLISHED
        mode = request.GET.get("when")
        mode = mode if mode in ("now", "later") else None
        # Only what carries public notes is asked what kind of change it is (not a person).
        form = PublishForm(
            request.POST if request.method == "POST" else None,
            public=public and type(obj) in notes.NOTED_MODELS,
            links=linked,
            mode=mode,
            alertable=alerts.alertable(obj),
            language_gaps=gaps,
        )
        confirm_time = None
        if request.method == "POST" and form.is_valid() and form.cleaned_data["when"] == "later":
            # A schedule is confirmed in plain words, for the exact time shown, before it is set.
            confirm_time = when_in_words(form.cleaned_data["at"])
            if request.POST.get("confirmed") != form.cleaned_data["at"].isoformat():
                form.confirming = form.cleaned_data["at"].isoformat()
        if request.method == "POST" and form.is_valid() and not getattr(form, "confirming", None):
            try:
                with self._revision(request):
                    message, log, later = self._publish(request, obj, form, linked)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                # After the revision is stored, so that the step names it.
                self.published(request, obj, log, scheduled=later)
                self.message_user(request, message, messages.SUCCESS)
                return HttpResponseRedirect(self._change_url(obj))
        chosen = set(form["together"].value() or []) if "together" in form.fields else set()
        left_out = [o for o in linked if _link_key(o) not in chosen] if form.is_bound else []
        context = {
            **self.admin_site.each_context(request),
            "title": {
                "now": gettext("Publish “%(item)s” now"),
                "later": gettext("Schedule “%(item)s”"),
            }.get(mode, gettext("Publish “%(item)s”"))
            % {"item": obj},
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "media": self.media + form.media,
            "form": form,
            "state": state,
            "draft": draft,
            "comparison": comparison,
            "before_label": gettext("What is public now"),
            "after_label": gettext("The changes"),
            "linked": linked,
            "left_out": left_out,
            "public": public,
            "time_zone": timezone.localtime().tzname(),
            "zone_name": zone_label(),
            "now_in_words": when_in_words(timezone.now()),
            "mode": mode,
            "confirming": getattr(form, "confirming", None),
            "confirm_time": confirm_time,
            "blockers": self.publish_blockers(obj),
            "language_gaps": gaps,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/media_centre/publish.html", context)

    def unschedule_view(self, request, object_id):
        """A scheduled item goes back to being a draft: nothing becomes public."""
        if not self.has_publish_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(gettext("This item does not exist, or was deleted."))
        with self._revision(request), transaction.atomic():
            obj = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
            if obj.state != State.SCHEDULED:
                self.message_user(
                    request,
                    gettext("“%(item)s” is not scheduled, so there was nothing to cancel.")
                    % {"item": obj},
                    messages.WARNING,
                )
                return HttpResponseRedirect(self._change_url(obj))
            obj.status = Status.DRAFT
            obj.publish_at = None
            obj.save()
            reversion.add_to_revision(obj)
            log = gettext("Schedule cancelled: it is a draft again.")
            self.log_change(request, obj, log)
            self.unscheduled(request, obj, log)
        self.message_user(
            request,
            gettext("“%(item)s” is no longer scheduled. It is a draft, and nothing was published.")
            % {"item": obj},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._change_url(obj))

    def unscheduled(self, request, obj, log: str) -> None:
        """After a schedule is cancelled (inside its transaction)."""

    def withdraw_view(self, request, object_id):
        """The list's "Withdraw…" action, for this one item, from its form."""
        if not self.has_publish_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(gettext("This item does not exist, or was deleted."))
        with self._revision(request):
            response = self.withdraw(request, type(obj)._base_manager.filter(pk=obj.pk))
        return response or HttpResponseRedirect(self._change_url(obj))

    def publish_blockers(self, obj) -> list[str]:
        """Reasons (in plain words) that publishing must wait, e.g. a sign-off."""
        return []

    def languages_required(self) -> bool:
        """Whether this kind goes public only in every language together (a site's choice)."""
        return settings.NEWSROOM_REQUIRE_ALL_LANGUAGES and getattr(
            self, "languages_together", False
        )

    def language_gaps(self, obj) -> list[str]:
        """What keeps `obj` (as it will be published) from being public in every language."""
        return translation_checks.language_gaps(obj) if self.languages_required() else []

    @transaction.atomic
    def _publish(self, request, obj: Publishable, form: PublishForm, linked):
        blockers = self.publish_blockers(obj)
        if blockers:
            raise ValidationError(blockers)
        model = type(obj)
        obj = model._base_manager.select_for_update().get(pk=obj.pk)
        now = timezone.now()
        later = form.cleaned_data["when"] == "later"
        moment = form.cleaned_data["at"] if later else now
        state = obj.state
        kind = form.cleaned_data.get("kind") or MINOR
        user = request.user
        log_note = form.cleaned_data.get("log_note", "").strip()
        if reason := form.cleaned_data.get("languages_override", "").strip():
            without = gettext("Published without every language (%(gaps)s), because: %(reason)s")
            log_note = " ".join(
                filter(None, [without % {"gaps": "; ".join(form.language_gaps), "reason": reason},
                              log_note])
            )  # fmt: skip
        has_draft = drafts.draft_of(obj) is not None
        chosen = set(form.cleaned_data.get("together") or [])
        together = [item for item in linked if _link_key(item) in chosen]

        if state == State.PUBLISHED and has_draft and later:
            # Public now; its changes become public at the chosen time (core.periodic).
            with drafts.shown(obj, keep=PUBLISHING_FIELDS):
                self._check(model._base_manager.get(pk=obj.pk), public_at=obj.publish_at)
            # A correction's note goes public with the changes, and not if they are unscheduled.
            note = (
                {"kind": kind, "texts": form.texts(), "alert": form.cleaned_data.get("alert")}
                if kind != MINOR
                else None
            )
            drafts.schedule(obj, moment, user, on_publish={"note": note} if note else None)
            self._publish_linked(request, obj, together, moment)
            what = gettext("Its changes become public on %(time)s.") % {"time": _when(moment)}
        else:
            if has_draft:
                drafts.publish(
                    obj,
                    keep=PUBLISHING_FIELDS,
                    user=user,
                    comment=gettext("Published the unpublished changes."),
                )
                obj.refresh_from_db()
            if state != State.PUBLISHED:
                obj.status = Status.PUBLISHED
                obj.publish_at = moment
                obj.withdrawn_reason = ""
                if obj.unpublish_at is not None and obj.unpublish_at <= moment:
                    obj.unpublish_at = None
            self._check(obj, public_at=obj.publish_at)
            obj.save()
            reversion.add_to_revision(obj)
            self._publish_linked(request, obj, together, obj.publish_at)
            if kind != MINOR:
                note = notes.add_public_note(obj, kind, form.texts(), user, at=max(moment, now))
                if form.cleaned_data.get("alert"):
                    alerts.announce(obj, note)
            if obj.publish_at > now:
                what = gettext("It becomes public on %(time)s.") % {"time": _when(obj.publish_at)}
            else:
                what = gettext("It is public now.")
        kinds = dict(form.fields["kind"].choices) if "kind" in form.fields else {}
        log = gettext("Published (%(kind)s). %(what)s") % {
            "kind": kinds.get(kind, gettext("new")),
            "what": what,
        }
        if log_note:
            log = f"{log} {log_note}"
        self.log_change(request, obj, log)
        left = [item for item in linked if item not in together]
        message = gettext("“%(item)s” was published. %(what)s") % {"item": obj, "what": what}
        if together:
            message += " " + gettext("Published with it: %(items)s.") % {
                "items": ", ".join(f"“{item}”" for item in together)
            }
        if left:
            message += " " + gettext("Left unpublished, and so not on its page: %(items)s.") % {
                "items": ", ".join(f"“{item}”" for item in left)
            }
        return message, log, later

    def published(self, request, obj, log: str, *, scheduled: bool) -> None:
        """After publishing (inside its transaction): e.g. a step in the review log."""

    def _check(self, obj: Publishable, *, public_at) -> None:
        saved = obj.status, obj.publish_at
        obj.status, obj.publish_at = Status.PUBLISHED, public_at
        try:
            obj.full_clean()
            problems = self.publish_problems(obj)
            if problems:
                raise ValidationError(problems)
        except ValidationError as error:
            raise ValidationError(
                gettext("“%(item)s” cannot be published yet: %(problems)s")
                % {"item": obj, "problems": " ".join(error.messages)}
            ) from error
        finally:
            obj.status, obj.publish_at = saved

    def _publish_linked(self, request, main, items, moment) -> None:
        for item in items:
            item = type(item)._base_manager.select_for_update().get(pk=item.pk)
            if not isinstance(item, Publishable) or item.state == State.PUBLISHED:
                continue
            if item.state == State.SCHEDULED and item.publish_at <= moment:
                continue
            item.status = Status.PUBLISHED
            item.publish_at = moment
            item.withdrawn_reason = ""
            self._check(item, public_at=moment)
            item.save()
            self.log_change(
                request, item, gettext("Published together with “%(item)s”.") % {"item": main}
            )
