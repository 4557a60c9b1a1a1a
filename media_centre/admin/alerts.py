"""The desk's record of alerts: what went to subscribers, when, and how many got it (read-only)."""

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.desk_dates import time_column
from core.read_only_admin import ReadOnlyAdmin

from ..models import Alert, Delivery, DeliveryStatus


def _count(status: str) -> Count:
    return Count("deliveries", filter=Q(deliveries__status=status))


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["what", "kind", "raised", "recipients", "sent", "waiting", "not_sent"]
    list_display_links = None  # the first column links the item itself
    list_filter = ["kind", "created_at"]
    date_hierarchy = "created_at"
    list_select_related = ["release", "event", "study", "note"]
    fields = ["what", "kind", "note", "raised", "recipients", "sent"]
    raised = time_column("created_at", _("raised"))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_recipients=Count("deliveries"),
                n_sent=_count(DeliveryStatus.SENT),
                n_waiting=Count(
                    "deliveries",
                    filter=Q(
                        deliveries__status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]
                    ),
                ),
                n_not_sent=Count(
                    "deliveries",
                    filter=Q(
                        deliveries__status__in=[
                            DeliveryStatus.FAILED,
                            DeliveryStatus.UNKNOWN,
                            DeliveryStatus.SKIPPED,
                        ]
                    ),
                ),
            )
        )

    @admin.display(description=_("about"))
    def what(self, obj: Alert) -> str:
        item = obj.item
        opts = item._meta
        link = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])
        return format_html('{}: <a href="{}">{}</a>', opts.verbose_name.capitalize(), link, item)

    @admin.display(description=_("recipients"), ordering="n_recipients")
    def recipients(self, obj: Alert) -> int:
        return obj.n_recipients

    @admin.display(description=_("sent"), ordering="n_sent")
    def sent(self, obj: Alert) -> str:
        link = reverse("admin:media_centre_delivery_changelist") + f"?alert__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', link, obj.n_sent)

    @admin.display(description=_("waiting"), ordering="n_waiting")
    def waiting(self, obj: Alert) -> int:
        return obj.n_waiting

    @admin.display(description=_("not sent"), ordering="n_not_sent")
    def not_sent(self, obj: Alert) -> int:
        return obj.n_not_sent


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["subscriber", "alert", "digest", "status", "sent", "error"]
    list_filter = ["status", "digest"]
    list_select_related = ["subscriber", "alert__release", "alert__event", "alert__study"]
    search_fields = ["subscriber__email"]
    fields = ["subscriber", "alert", "digest", "status", "sent", "error"]
    sent = time_column("sent_at", _("sent"))
