"""Proof of consent on the desk: read-only records, CSV export, acceptance chart."""

import csv
import json
import math
import uuid
from datetime import UTC, timedelta

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import TruncMonth, TruncWeek
from django.http import HttpRequest, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.desk_dates import time_column
from core.read_only_admin import ReadOnlyAdmin

from ..models import (
    Action,
    Category,
    ConsentRecord,
    PolicyVersion,
)


class PolicyVersionFilter(admin.SimpleListFilter):
    """The versions from the policy table: no DISTINCT over a million records."""

    title = _("policy version")
    parameter_name = "policy_version"

    def lookups(self, request, model_admin):
        versions = PolicyVersion.objects.order_by("-version").values_list("version", flat=True)
        return [(str(version), str(version)) for version in versions]

    def queryset(self, request, queryset):
        if self.value() and self.value().isascii() and self.value().isdigit():
            return queryset.filter(policy_version=int(self.value()))
        return queryset


class LanguageFilter(admin.SimpleListFilter):
    title = _("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        return settings.LANGUAGES

    def queryset(self, request, queryset):
        if self.value() in dict(settings.LANGUAGES):
            return queryset.filter(language=self.value())
        return queryset


class _Echo:
    """A file-like object whose write() hands the line back, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


CSV_FIELDS = ["consent_id", "created_at", "action", "method", "policy_version", "language", "page"]
CSV_HASHES = ["text_hash", "ip_prefix", "user_agent_hash"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PERIOD_VAR = "period"
CHART_WIDTH, CHART_HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 720, 300, 48, 32, 16, 40
LINE_STYLES = [
    ("#205493", ""),
    ("#c0392b", "8 4"),
    ("#1e7b34", "2 4"),
    ("#8e44ad", "12 4 2 4"),
    ("#b35c00", "4 4"),
]


def _state(value) -> str:
    return {True: "accepted", False: "refused"}.get(value, "")


def csv_lines(records, slugs: list[str]):
    """The header, then the records in batches of lines; memory stays flat however many."""
    writer = csv.writer(_Echo())
    yield writer.writerow([*CSV_FIELDS, *slugs, *CSV_HASHES])
    batch = []
    for row in records.values_list(*CSV_FIELDS, "categories", *CSV_HASHES).iterator(
        chunk_size=2000
    ):
        consent_id, created_at, action, method, version, language, page, states, *hashes = row
        if page.startswith(FORMULA_STARTS):
            page = "'" + page  # a spreadsheet must not run a visitor-supplied formula
        states = states if isinstance(states, dict) else {}
        batch.append(
            writer.writerow(
                [
                    consent_id,
                    created_at.astimezone(UTC).isoformat(),
                    action,
                    method,
                    version,
                    language,
                    page,
                    *(_state(states.get(slug)) for slug in slugs),
                    *hashes,
                ]
            )
        )
        if len(batch) == 500:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    """Proof of consent, shown and exported but never written here."""

    list_display = [
        "consent_id",
        "time",
        "action",
        "method",
        "policy_version",
        "language",
        "categories_summary",
    ]
    list_filter = ["action", "method", PolicyVersionFilter, LanguageFilter]
    date_hierarchy = "created_at"
    time = time_column("created_at", _("time"))
    search_fields = ["consent_id"]
    search_help_text = _("Paste a consent id, as the visitor’s cookie page shows it.")
    fields = [
        "consent_id",
        "created_at",
        "action",
        "method",
        "categories_json",
        "policy_version",
        "language",
        "page",
        "text_hash",
        "ip_prefix",
        "user_agent_hash",
    ]
    readonly_fields = fields
    actions = None
    view_on_site = False
    # A million rows: no second COUNT, no facet counts, short pages.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        try:
            consent_id = uuid.UUID(term)
        except ValueError:
            return queryset.none(), False
        return queryset.filter(consent_id=consent_id), False

    @admin.display(description=_("categories"))
    def categories_summary(self, record: ConsentRecord) -> str:
        states = record.categories if isinstance(record.categories, dict) else {}
        table = Category.objects.table()
        necessary = {row["slug"] for row in table if row["is_necessary"]}
        order = [row["slug"] for row in table if row["slug"] in states]
        order += sorted(set(states) - set(order))
        return " ".join(
            f"{slug} {'✓' if states[slug] else '✗'}" for slug in order if slug not in necessary
        )

    @admin.display(description=_("categories"))
    def categories_json(self, record: ConsentRecord) -> str:
        text = json.dumps(record.categories, indent=2, ensure_ascii=False, sort_keys=True)
        return format_html("<pre>{}</pre>", text)

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("export/", view(self.export_view), name=f"{name}_export"),
            path("chart/", view(self.chart_view), name=f"{name}_chart"),
            *super().get_urls(),
        ]

    def listed_records(self, request: HttpRequest):
        """The records the list shows for the request's filters and search, in its order."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self.get_changelist_instance(request).queryset

    def export_view(self, request: HttpRequest):
        try:
            records = self.listed_records(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:consent_consentrecord_changelist") + "?e=1")
        slugs = list(Category.objects.order_by("order", "pk").values_list("slug", flat=True))
        response = StreamingHttpResponse(
            csv_lines(records, slugs), content_type="text/csv; charset=utf-8"
        )
        filename = f"consent-records-{timezone.localdate():%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def chart_view(self, request: HttpRequest):
        request.GET = request.GET.copy()
        asked = request.GET.pop(PERIOD_VAR, [""])[-1]
        try:
            records = self.listed_records(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:consent_consentrecord_changelist") + "?e=1")
        # An expiry is recorded, but nobody chose anything.
        choices = records.exclude(action=Action.EXPIRED).order_by()
        period = asked if asked in ("week", "month") else "week"
        if not asked:
            span = choices.aggregate(first=Min("created_at"), last=Max("created_at"))
            if span["first"] and span["last"] - span["first"] > timedelta(days=183):
                period = "month"
        categories = list(Category.objects.filter(is_necessary=False).order_by("order", "pk"))
        counts = {
            f"accepted_{i}": Count("pk", filter=Q(**{f"categories__{category.slug}__exact": True}))
            for i, category in enumerate(categories)
        }
        truncate = TruncMonth if period == "month" else TruncWeek
        rows = list(
            choices.annotate(period=truncate("created_at"))
            .values("period")
            .annotate(choices=Count("pk"), **counts)
            .order_by("period")
        )
        query = request.GET.urlencode()
        per_week, per_month = request.GET.copy(), request.GET.copy()
        per_week[PERIOD_VAR], per_month[PERIOD_VAR] = "week", "month"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Acceptance by category"),
            "period": period,
            "week_url": "?" + per_week.urlencode(),
            "month_url": "?" + per_month.urlencode(),
            "list_url": reverse("admin:consent_consentrecord_changelist") + "?" + query,
            **acceptance_chart(rows, categories, period),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/consent/consentrecord/chart.html", context)


def acceptance_chart(rows: list[dict], categories: list[Category], period: str) -> dict:
    """Lines on a time axis, grid and table rows for each category's share of choices."""
    plot_width, plot_height = CHART_WIDTH - LEFT - RIGHT, CHART_HEIGHT - TOP - BOTTOM
    days = [timezone.localtime(row["period"]).date() for row in rows]
    span = (days[-1] - days[0]).days if days else 0

    def y(share: float) -> str:
        return f"{TOP + plot_height * (1 - share / 100):.1f}"

    table = []
    for day, row in zip(days, rows, strict=True):
        if period == "month":
            label, tick = date_format(day, "YEAR_MONTH_FORMAT"), date_format(day, "M Y")
        else:
            label = _("Week of %(date)s") % {"date": date_format(day)}
            tick = date_format(day, "j M")
        x = LEFT + plot_width * ((day - days[0]).days / span if span else 0.5)
        shares = [
            round(100 * row[f"accepted_{n}"] / row["choices"], 1) for n in range(len(categories))
        ]
        table.append(
            {
                "label": label,
                "tick": tick,
                "x": f"{x:.1f}",
                "choices": row["choices"],
                "shares": shares,
            }
        )
    series = []
    for n, category in enumerate(categories):
        colour, dash = LINE_STYLES[n % len(LINE_STYLES)]
        points = [
            {
                "x": row["x"],
                "y": y(row["shares"][n]),
                "label": row["label"],
                "share": row["shares"][n],
            }
            for row in table
        ]
        polyline = " ".join(f"{point['x']},{point['y']}" for point in points)
        series.append(
            {
                "name": category.name,
                "colour": colour,
                "dash": dash,
                "points": points,
                "polyline": polyline,
            }
        )
    return {
        "categories": categories,
        "series": series,
        "table": table,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": LEFT,
        "right": CHART_WIDTH - RIGHT,
        "baseline": CHART_HEIGHT - BOTTOM + 18,
        "grid": [{"y": y(share), "label": f"{share}%"} for share in (0, 25, 50, 75, 100)],
        "ticks": table[:: max(1, math.ceil(len(table) / 8))],
        "choices": sum(row["choices"] for row in rows),
    }
