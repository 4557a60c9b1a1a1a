"""What every publishable admin shares: the publish permission, state filter and badge, actions."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Max
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from core.create_in_place import CreateInPlaceAdmin
from core.desk_dates import DESK_DATES, time_column
from core.drafts import store as drafts
from core.drafts.admin import DraftAdmin
from core.edit_conflicts import EditConflictAdmin
from core.languages import LANGUAGES, SUFFIXES
from core.manifests.models import Manifest
from core.revisions.admin import RevisionAdmin, RevisionNoteForm
from core.time_zones import in_zone
from core.translated_fields import TranslatedFieldsAdmin
from core.translation_checks import TranslationChecksAdmin, TranslationChecksForm
from core.workflow import api as review
from core.workflow.admin import ReviewAdmin

from ..linked import unpublished_links
from ..models import PUBLISHING_FIELDS, Publishable, State, Status
from .publish import PublishViewMixin, when_in_words

# Publishing now and scheduling are their own confirmed actions (the publish page), never a
# side effect of saving the form: the form shows the state, with the buttons that lead there.
PUBLICATION_FIELDSETS = [
    (_("Publishing"), {"fields": ["state_and_preview"]}),
    (
        _("Withdrawal"),
        {"fields": ["unpublish_at", "withdrawn_reason"], "classes": ["collapse"]},
    ),
]


# Short enough for a list column; each has its full name in a title.
SHORT_NAMES = {"en": "EN", "zh-hant": "繁", "zh-hans": "简"}


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return State.choices

    def queryset(self, request, queryset):
        if self.value() in State.values:
            return queryset.in_state(self.value())
        return queryset


class YearFilter(admin.SimpleListFilter):
    """The years of the admin's date_hierarchy field that have items."""

    title = _("year")
    parameter_name = "year"

    def __init__(self, request, params, model, model_admin):
        self.date_field = model_admin.date_hierarchy
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        years = model_admin.model._default_manager.dates(self.date_field, "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isascii() and value.isdigit() and len(value) == 4:
            return queryset.filter(**{f"{self.date_field}__year": int(value)})
        return queryset


class InOrderFormSet(BaseInlineFormSet):
    """Rows keep the order they were added in, with no number to type: a new row goes last."""

    def save_new(self, form, commit=True):
        if not hasattr(self, "_next_order"):
            last = self.get_queryset().aggregate(last=Max("order"))["last"]
            self._next_order = 0 if last is None else last + 1
        form.instance.order = self._next_order
        self._next_order += 1
        return super().save_new(form, commit)


class PublishableForm(TranslationChecksForm, RevisionNoteForm):
    def add_error(self, field, error):
        # Model.clean() may name a publishing field that is read-only for this user: show its
        # message at the top of the form instead of failing.
        if field is None and hasattr(error, "error_dict"):
            moved: dict[str, list] = {}
            for name, errors in error.error_dict.items():
                moved.setdefault(name if name in self.fields else NON_FIELD_ERRORS, []).extend(
                    errors
                )
            error = ValidationError(moved)
        super().add_error(field, error)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Visitors see this reason at each item's address."),
        error_messages={"required": _("Say why the items are withdrawn.")},
    )


# Images are checked by our own validator (content, pixel cap, plain words), not by the form
# field's generic "Upload a valid image".
IMAGE_UPLOADS = {
    models.ImageField: {
        "form_class": forms.FileField,
        "widget": AdminFileWidget(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}),
    }
}


class PublishableAdmin(
    TranslationChecksAdmin,
    CreateInPlaceAdmin,
    TranslatedFieldsAdmin,
    ReviewAdmin,
    PublishViewMixin,
    DraftAdmin,
    EditConflictAdmin,
    RevisionAdmin,
    TranslationAdmin,
):
    """Publishing needs the model's `publish_<model>` permission, on every path; every save
    is a revision (core.revisions); a save over someone else's newer one is refused
    (core.edit_conflicts); a change to a live item is kept as its draft until a publisher
    publishes it (core.drafts, the publish page)."""

    restore_keeps = PUBLISHING_FIELDS
    draft_keeps = PUBLISHING_FIELDS

    formfield_overrides = {**IMAGE_UPLOADS, **DESK_DATES}
    publication_time = time_column("publish_at", _("publication time"))
    withdrawal_time = time_column("unpublish_at", _("withdraw at"))
    last_modified = time_column("updated_at", _("last modified"))

    form = PublishableForm
    actions = ["publish_now", "withdraw"]
    save_on_top = True

    class Media:
        css = {"all": ["admin/newsroom-admin.css"]}

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm(f"{self.opts.app_label}.publish_{self.opts.model_name}")

    def has_delete_permission(self, request, obj=None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or obj.status == Status.DRAFT or self.has_publish_permission(request)

    def live_object(self, obj: Publishable):
        # The rows hold what is public; the next version waits in the item's draft.
        return obj if obj.state == State.PUBLISHED else None

    def is_live(self, obj: Publishable) -> bool:
        # A scheduled item becomes public without another look, so it counts as live.
        return obj.state in (State.PUBLISHED, State.SCHEDULED)

    def draft_applies(self, request) -> tuple[str, ...]:
        return PUBLISHING_FIELDS if self.has_publish_permission(request) else ()

    def restore_changes_public(self, obj: Publishable) -> bool:
        return False  # a restore into a live item becomes its draft

    def publish_blockers(self, obj: Publishable) -> list[str]:
        return review.publish_blockers(obj)

    def published(self, request, obj, log: str, *, scheduled: bool) -> None:
        action = review.Action.SCHEDULED if scheduled else review.Action.PUBLISHED
        review.record(obj, action, request.user, log)

    def unscheduled(self, request, obj, log: str) -> None:
        review.record(obj, review.Action.UNSCHEDULED, request.user, log)

    def may_restore_public(self, request, obj: Publishable) -> bool:
        return self.has_publish_permission(request)

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if not self.has_publish_permission(request):
            # Bulk delete would reach published items, which only publishers may delete.
            actions.pop("delete_selected", None)
        return actions

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_publish_permission(request):
            return fieldsets
        # The state line says it better than the read-only choice ("Publish at the time below");
        # read-only times are shown with their zone.
        zoned = {"publish_at": "publication_time", "unpublish_at": "withdrawal_time"}
        return [
            (
                name,
                {
                    **options,
                    "fields": [zoned.get(f, f) for f in options["fields"] if f != "status"],
                },
            )
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "state_and_preview"]
        if not self.has_publish_permission(request):
            fields.extend([*PUBLISHING_FIELDS, "publication_time", "withdrawal_time"])
        return fields

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        before = self._stored_state(object_id)
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if request.method == "POST" and object_id is not None and "_saveasnew" not in request.POST:
            after = self._stored_state(object_id)
            if after is not None and after != before:
                self._record_state(request, after[0])
        return response

    def response_add(self, request, obj, post_url_continue=None):
        if obj.state != State.DRAFT:
            self._record_state(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def _stored_state(self, object_id):
        if object_id is None:
            return None
        obj = self.get_object_for_state(object_id)
        return (obj, obj.state, obj.publish_at) if obj is not None else None

    def get_object_for_state(self, object_id):
        try:
            return self.model._base_manager.filter(pk=unquote(object_id)).first()
        except (ValueError, ValidationError):
            return None

    def _record_state(self, request, obj: Publishable) -> None:
        """A publisher changed the state in the form: the review log keeps the step."""
        actions = {
            State.PUBLISHED: review.Action.PUBLISHED,
            State.SCHEDULED: review.Action.SCHEDULED,
            State.WITHDRAWN: review.Action.WITHDRAWN,
        }
        if obj.state in actions:
            review.record(obj, actions[obj.state], request.user, _("Changed in the form."))
        if obj.state in (State.PUBLISHED, State.SCHEDULED):
            self._tell_missing_links(request, [obj])

    def _tell_missing_links(self, request, published) -> None:
        """No public page loses a link without the publisher being told."""
        for obj in published:
            missing = unpublished_links(obj)
            if missing:
                self.message_user(
                    request,
                    _(
                        "“%(item)s” links items that are not public, so its page leaves them "
                        "out: %(items)s. Publish them to show them, or use “Publish…” on the "
                        "item to publish them together."
                    )
                    % {"item": obj, "items": _list(missing)},
                    messages.WARNING,
                )

    def save_model(self, request, obj, form, change):
        if not self.has_publish_permission(request):
            if change:
                stored = (
                    type(obj)._default_manager.filter(pk=obj.pk).values(*PUBLISHING_FIELDS).get()
                )
                for name, value in stored.items():
                    setattr(obj, name, value)
            else:
                obj.status = Status.DRAFT
                obj.publish_at = obj.unpublish_at = None
                obj.withdrawn_reason = ""
        super().save_model(request, obj, form, change)

    @admin.display(description=_("state"), ordering="status")
    def state_badge(self, obj: Publishable) -> str:
        state = obj.state
        title = ""
        if state == State.SCHEDULED:
            when = in_zone(obj.publish_at)
            title = format_html(' title="{}"', _("Public from %(time)s") % {"time": when})
        badge = format_html(
            '<span class="nr-badge nr-badge--{}"{}>{}</span>', state, title, State(state).label
        )
        if getattr(obj, "has_draft", False):
            badge = format_html(
                '{} <span class="nr-badge nr-badge--changes">{}</span>',
                badge,
                _("Unpublished changes"),
            )
        return badge

    def get_list_display(self, request):
        return [*super().get_list_display(request), "languages"]

    @admin.display(description=_("languages"))
    def languages(self, obj: Publishable) -> str:
        """Which languages have everything publishing needs (from the row: no query)."""
        needed = [name for name in obj.required_to_publish if hasattr(obj, f"{name}_{SUFFIXES[0]}")]
        marks = []
        for language in LANGUAGES:
            complete = bool(needed) and all(
                str(getattr(obj, f"{name}_{language.suffix}", "") or "").strip() for name in needed
            )
            state = _("complete") if complete else _("not complete")
            marks.append(
                format_html(
                    '<span class="nr-lang-mark nr-lang-mark--{}" title="{}: {}">{}</span>',
                    "complete" if complete else "missing",
                    language.name,
                    state,
                    SHORT_NAMES[language.code],
                )
            )
        return format_html_join(" ", "{}", ((mark,) for mark in marks))

    def get_queryset(self, request):
        # The list says which live items have unpublished changes, in its one query.
        return super().get_queryset(request).annotate(has_draft=drafts.exists_for(self.model))

    @admin.display(description=_("state"))
    def state_and_preview(self, obj: Publishable) -> str:
        # The form's instance carries what a failed save posted: read the item as stored.
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None
        if stored is None:
            return _("Not saved yet: editors’ new items are always drafts.")
        obj = stored
        badge = self.state_badge(obj)
        # When it went or goes public, with the zone (the form itself holds no publishing time).
        moments = {
            State.PUBLISHED: _("public since %(time)s"),
            State.SCHEDULED: _("becomes public on %(time)s"),
        }
        if obj.state in moments:
            badge = format_html(
                '{} <span class="nr-state-time">{}</span>',
                badge,
                moments[obj.state] % {"time": in_zone(obj.publish_at)},
            )
        try:
            url = obj.get_absolute_url()
        except NoReverseMatch:
            return badge
        draft = drafts.draft_of(obj)
        if obj.state == State.PUBLISHED and draft is None:
            text = _("Open its public page")
        else:
            text = _("Preview at its public address")
        line = format_html(
            '{} <a class="nr-preview-link" href="{}" target="_blank" rel="noopener">{}</a>{}',
            badge,
            url,
            text,
            self._signed(obj),
        )
        if draft is None:
            return line
        return format_html("{}{}", line, self._draft_note(obj, draft))

    def _signed(self, obj: Publishable) -> str:
        """Its signed record, for a public item that keeps one (media_centre.verification)."""
        if obj.state != State.PUBLISHED or not hasattr(obj, "get_verify_url"):
            return ""
        latest = Manifest.objects.of(obj).order_by("-version").first()
        if latest is None:
            return format_html(" · {}", _("its signed version is being prepared"))
        return format_html(
            ' · <a href="{}" target="_blank" rel="noopener">{}</a>',
            obj.get_verify_url(),
            _("signed version %(version)s: its Verify page") % {"version": latest.version},
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        draft = drafts.draft_of(obj) if obj is not None else None
        if draft is not None:
            context["draft_actions"] = self._draft_actions(request, obj, draft)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _draft_note(self, obj: Publishable, draft) -> str:
        user = draft.saved_by
        who = (user.get_full_name() or user.get_username()) if user else _("(unknown)")
        when = date_format(timezone.localtime(draft.saved_at), "DATETIME_FORMAT")
        text = _(
            "Unpublished changes, saved on %(when)s (%(tz)s) by %(who)s: the public sees the "
            "published version until a publisher publishes them."
        ) % {"when": when, "tz": timezone.localtime(draft.saved_at).tzname(), "who": who}
        if draft.publish_at:
            text += " " + _("They are scheduled to become public on %(when)s (%(tz)s).") % {
                "when": date_format(timezone.localtime(draft.publish_at), "DATETIME_FORMAT"),
                "tz": timezone.localtime(draft.publish_at).tzname(),
            }
        return format_html('<p class="nr-draft-note">{}</p>', text)

    def _draft_actions(self, request, obj: Publishable, draft) -> str:
        version = drafts.Version.objects.filter(
            revision_id=draft.revision_id, **drafts._key(obj)
        ).first()
        links = []
        if version is not None and obj.state == State.PUBLISHED:
            links.append(
                format_html(
                    '<a href="{}?from={}&amp;to=live">{}</a>',
                    self._url("compare", obj.pk),
                    version.pk,
                    _("See the changes"),
                )
            )
        if self.has_publish_permission(request):
            links.append(
                format_html('<a href="{}">{}</a>', self.publish_url(obj), _("Publish them…"))
            )
        links.append(
            format_html(
                '<button type="submit" class="nr-link-button" formaction="{}" formnovalidate>'
                "{}</button>",
                self._url("discard_draft", obj.pk),
                _("Discard them"),
            )
        )
        return format_html_join(" · ", "{}", ((link,) for link in links))

    def publish_problems(self, obj: Publishable) -> list[str]:
        """What stops `obj` from being published, besides its own clean()."""
        return []

    @admin.action(permissions=["publish"], description=_("Publish now…"))
    def publish_now(self, request, queryset):
        chosen = list(queryset)
        if "confirm" not in request.POST:
            # Publishing is never a side effect: the list says what goes public, and when.
            request.current_app = self.admin_site.name
            context = {
                **self.admin_site.each_context(request),
                "title": _("Publish %(items)s now") % {"items": self.opts.verbose_name_plural},
                "opts": self.opts,
                "to_publish": [obj for obj in chosen if obj.state != State.PUBLISHED],
                "left": [obj for obj in chosen if obj.state == State.PUBLISHED],
                "now_in_words": when_in_words(timezone.now()),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "media": self.media,
            }
            return TemplateResponse(
                request, "admin/media_centre/publish_confirmation.html", context
            )
        now = timezone.now()
        published, already = [], []
        for obj in chosen:
            state = obj.state
            if state == State.PUBLISHED:
                already.append(obj)
                continue
            if review_blockers := self.publish_blockers(obj):
                self.message_user(
                    request,
                    _("“%(item)s” was not published: %(problems)s")
                    % {"item": obj, "problems": " ".join(review_blockers)},
                    messages.ERROR,
                )
                continue
            if gaps := self.language_gaps(obj):
                self.message_user(
                    request,
                    _(
                        "“%(item)s” was not published: it goes public in every language together "
                        "(%(gaps)s). To publish it without them, use “Publish…” on the item and "
                        "give the reason."
                    )
                    % {"item": obj, "gaps": "; ".join(gaps)},
                    messages.ERROR,
                )
                continue
            obj.status = Status.PUBLISHED
            obj.publish_at = now
            obj.withdrawn_reason = ""
            problems = self.publish_problems(obj)
            try:
                obj.full_clean()
            except ValidationError as error:
                problems = [*error.messages, *problems]
            if problems:
                self.message_user(
                    request,
                    _("“%(item)s” was not published: %(problems)s")
                    % {"item": obj, "problems": " ".join(problems)},
                    messages.ERROR,
                )
                continue
            obj.save(update_fields=[*PUBLISHING_FIELDS, "updated_at"])
            self.log_change(request, obj, _("Published with “Publish now”."))
            review.record(obj, review.Action.PUBLISHED, request.user, _("Publish now"))
            published.append(obj)
        self._tell_missing_links(request, published)
        if published:
            self.message_user(
                request,
                ngettext(
                    "Published %(count)d item: %(items)s.",
                    "Published %(count)d items: %(items)s.",
                    len(published),
                )
                % {"count": len(published), "items": _list(published)},
                messages.SUCCESS,
            )
        if already:
            self.message_user(
                request,
                ngettext(
                    "Already public, left as it is: %(items)s.",
                    "Already public, left as they are: %(items)s.",
                    len(already),
                )
                % {"items": _list(already)},
                messages.INFO,
            )

    @admin.action(permissions=["publish"], description=_("Withdraw…"))
    def withdraw(self, request, queryset):
        chosen = list(queryset)
        to_withdraw = [obj for obj in chosen if obj.status == Status.PUBLISHED]
        left = [obj for obj in chosen if obj.status != Status.PUBLISHED]
        if not to_withdraw:
            self.message_user(
                request,
                _("None of the selected items is published, so there is nothing to withdraw."),
                messages.WARNING,
            )
            return None
        form = WithdrawForm(request.POST if "confirm" in request.POST else None)
        if not form.is_valid():
            request.current_app = self.admin_site.name
            context = {
                **self.admin_site.each_context(request),
                "title": _("Withdraw %(items)s") % {"items": self.opts.verbose_name_plural},
                "opts": self.opts,
                "to_withdraw": to_withdraw,
                "left": left,
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "media": self.media,
            }
            return TemplateResponse(
                request, "admin/media_centre/withdraw_confirmation.html", context
            )
        reason = form.cleaned_data["reason"]
        for obj in to_withdraw:
            # No longer live, it keeps no draft: its rows take the unpublished changes.
            if drafts.publish(
                obj, keep=PUBLISHING_FIELDS, user=request.user, comment=str(_("Withdrawn."))
            ):
                obj.refresh_from_db()
            obj.status = Status.WITHDRAWN
            obj.withdrawn_reason = reason
            obj.save(update_fields=["status", "withdrawn_reason", "updated_at"])
            self.log_change(request, obj, _("Withdrawn: %(reason)s") % {"reason": reason})
            review.record(obj, review.Action.WITHDRAWN, request.user, reason)
        self.message_user(
            request,
            ngettext(
                "Withdrew %(count)d item: %(items)s.",
                "Withdrew %(count)d items: %(items)s.",
                len(to_withdraw),
            )
            % {"count": len(to_withdraw), "items": _list(to_withdraw)},
            messages.SUCCESS,
        )
        return None


def _list(objects) -> str:
    return ", ".join(f"“{obj}”" for obj in objects)
