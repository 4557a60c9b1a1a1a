"""The desk's consent texts: categories, declared cookies and policy versions."""

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Max
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from core.desk_dates import DESK_DATES, time_column
from core.languages import in_every_language
from core.translated_fields import TranslatedFieldsAdmin

from ..models import (
    Category,
    DeclaredCookie,
    PolicyVersion,
)


class DeclaredCookieInline(TranslatedFieldsAdmin, TranslationTabularInline):
    model = DeclaredCookie
    fields = ["name", "provider", "purpose", "expiry", "opt_out_url", "order"]
    extra = 0


@admin.register(Category)
class CategoryAdmin(TranslatedFieldsAdmin, TranslationAdmin):
    list_display = ["name", "slug", "order", "is_necessary", "cookie_count"]
    list_editable = ["order"]
    search_fields = [*in_every_language("name"), "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DeclaredCookieInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(cookie_total=Count("cookies"))

    @admin.display(description=_("cookies"), ordering="cookie_total")
    def cookie_count(self, category: Category) -> int:
        return category.cookie_total

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # Records and visitors' cookies name categories by code, and a category's nature
            # is what visitors agreed to: neither changes once the category exists.
            fields.extend(["slug", "is_necessary"])
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        return super().get_prepopulated_fields(request, obj) if obj is None else {}

    def has_delete_permission(self, request, obj=None) -> bool:
        # "Delete selected" asks again for each object, and refuses the whole deletion.
        if obj is not None and obj.is_necessary:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(DeclaredCookie)
class DeclaredCookieAdmin(TranslatedFieldsAdmin, TranslationAdmin):
    list_display = ["name", "provider", "category", "expiry"]
    list_filter = ["category"]
    list_select_related = ["category"]
    search_fields = ["name", "provider"]
    fields = ["name", "category", "provider", "purpose", "expiry", "opt_out_url", "order"]


class PolicyState(models.TextChoices):
    IN_FORCE = "in-force", _("in force")
    SCHEDULED = "scheduled", _("scheduled")
    DRAFT = "draft", _("draft")
    SUPERSEDED = "superseded", _("superseded")


PUBLISHING_HELP = _(
    "Publishing asks every visitor again: from this time, earlier choices no longer count and "
    "the banner asks each visitor to choose again. Their earlier choices stay on record under "
    "the older version. Leave empty while drafting; “Publish now” in the list publishes at once."
)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(TranslatedFieldsAdmin, TranslationAdmin):
    formfield_overrides = DESK_DATES
    list_display = ["version", "last_updated", "in_force_from", "state"]
    in_force_from = time_column("published_at", _("in force from"))
    fields = ["version", "last_updated", "published_at", "banner_text", "introduction", "details"]
    actions = ["publish_now"]

    def get_queryset(self, request):
        in_force = self.model.objects.current()
        return (
            super()
            .get_queryset(request)
            .annotate(
                policy_state=models.Case(
                    models.When(published_at__isnull=True, then=models.Value(PolicyState.DRAFT)),
                    models.When(published_at__gt=Now(), then=models.Value(PolicyState.SCHEDULED)),
                    models.When(
                        version=in_force.version if in_force else None,
                        then=models.Value(PolicyState.IN_FORCE),
                    ),
                    default=models.Value(PolicyState.SUPERSEDED),
                )
            )
        )

    @admin.display(description=_("state"))
    def state(self, policy: PolicyVersion) -> str:
        return PolicyState(policy.policy_state).label

    def get_changeform_initial_data(self, request):
        latest = self.model.objects.aggregate(latest=Max("version"))["latest"] or 0
        return {
            "version": latest + 1,
            "last_updated": timezone.localdate(),
            **super().get_changeform_initial_data(request),
        }

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "published_at":
            kwargs["help_text"] = PUBLISHING_HELP
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.action(permissions=["change"], description=_("Publish now"))
    def publish_now(self, request, queryset):
        in_force = self.model.objects.current()
        now = timezone.now()
        published, left = [], []
        for policy in queryset.order_by("version"):
            if policy.published_at is not None:
                left.append(policy)
            elif in_force is not None and policy.version < in_force.version:
                self.message_user(
                    request,
                    _(
                        "“%(policy)s” is older than the version in force, so publishing it "
                        "would change nothing: it stays a draft."
                    )
                    % {"policy": policy},
                    messages.ERROR,
                )
            else:
                policy.published_at = now
                policy.save(update_fields=["published_at"])
                self.log_change(request, policy, _("Published with “Publish now”."))
                published.append(policy)
        if published:
            self.message_user(
                request,
                _("Published: %(policies)s. Every visitor is asked to choose again.")
                % {"policies": ", ".join(f"“{policy}”" for policy in published)},
                messages.SUCCESS,
            )
        if left:
            self.message_user(
                request,
                _("Already published or scheduled, left as they are: %(policies)s.")
                % {"policies": ", ".join(f"“{policy}”" for policy in left)},
                messages.INFO,
            )
