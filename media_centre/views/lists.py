"""The media centre's home and its lists: published items only, filtered, paginated."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from core import page_cache
from core.archive import years_of

from ..forms import ListFilterForm
from ..models import Event, MoU, Organisation, Person, PressRelease, Study


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    # Built when first used: the home's content is remembered, so while it is, these queries are
    # not even put together.
    return render(
        request,
        "media_centre/home.html",
        {
            "releases": SimpleLazyObject(lambda: PressRelease.objects.published().for_list()[:6]),
            "events": SimpleLazyObject(lambda: Event.objects.published().upcoming().for_list()[:4]),
            "past_events": SimpleLazyObject(
                lambda: Event.objects.published().past().for_list()[:3]
            ),
            "studies": SimpleLazyObject(lambda: Study.objects.published().for_list()[:3]),
        },
    )


# A list pages through at most this many items (the newest); older ones are reached through the
# year filter and the yearly archives (and sitemaps, search). Counting stops there, so a list's
# count costs the same at 20,000 items or 100,000 (COUNT(*) read every published row).
LIST_MAX_ITEMS = 10_000


class RememberedCountPaginator(Paginator):
    def __init__(self, *args, count_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_name = count_name

    @cached_property
    def count(self) -> int:
        """The number of items, up to LIST_MAX_ITEMS: a walk of the list's index that stops
        there, once per content change."""
        return page_cache.remember(
            self.count_name, lambda: self.object_list[:LIST_MAX_ITEMS].count()
        )


RECENT_ITEMS = 300  # the newest published items whose organisations a filter offers
OFFERED_ORGANISATIONS = 50


class FilteredList(ListView):
    """A public list: published items only, filtered by a validated form, paginated."""

    offered: tuple[str, ...] = ("year", "topic", "organisation")
    date_field = ""
    kinds = None
    topic_lookup = "topics"
    organisation_lookup = "organisations"
    paginate_by = settings.MEDIA_CENTRE_PAGE_SIZE
    http_method_names = ["get", "head"]

    def public_queryset(self) -> QuerySet:
        raise NotImplementedError

    def published_years(self, model) -> list[int]:
        """The years that have published items, newest first (once per content change, from the
        date's index: core.archive.years_of)."""
        return page_cache.remember(
            f"years:{model._meta.label}:{self.date_field}",
            lambda: years_of(model.objects.published(), self.date_field),
        )

    def offered_organisations(self) -> QuerySet:
        """The organisations the filter offers: those of the newest published items of this
        list (RECENT_ITEMS of them), the most frequent first, at most OFFERED_ORGANISATIONS; not
        every organisation in the directory. Any organisation's address still filters (its own
        page links it), and the one chosen is always shown."""
        model = self.public_queryset().model
        recent = model.objects.published().order_by(*model._meta.ordering)[:RECENT_ITEMS]
        lookup = self.organisation_lookup
        frequent = (
            model.objects.filter(pk__in=recent.values("pk"), **{f"{lookup}__isnull": False})
            .order_by()
            .values(lookup)
            .annotate(n=Count("pk", distinct=True))
            .order_by("-n", lookup)
            .values_list(lookup, flat=True)[:OFFERED_ORGANISATIONS]
        )
        return Organisation.objects.filter(pk__in=frequent)

    @cached_property
    def filter_query(self) -> str:
        """The query as sent, without the page number: what the pagination links carry."""
        query = self.request.GET.copy()
        query.pop("page", None)
        return query.urlencode()

    def get_paginator(self, queryset, per_page, **kwargs):
        """The number of matching items is counted once per content change and filter."""
        if self.form.is_bound and not self.form.is_valid():
            return super().get_paginator(queryset, per_page, **kwargs)  # nothing worth keeping
        name = f"count:{type(self).__name__}:{sorted(self.kwargs.items())}:{self.filter_query}"
        return RememberedCountPaginator(queryset, per_page, count_name=name, **kwargs)

    def get_queryset(self) -> QuerySet:
        base = self.public_queryset()
        years = self.published_years(base.model) if "year" in self.offered else []
        self.form = ListFilterForm(
            self.request.GET or None,
            offered=self.offered,
            years=years,
            kinds=self.kinds,
            organisations=(type(self).__name__, self.offered_organisations),
        )
        if not self.form.is_bound:
            return base
        if not self.form.is_valid():
            return base.none()
        data = self.form.cleaned_data
        if data.get("year"):
            base = base.filter(**{f"{self.date_field}__year": data["year"]})
        if data.get("topic"):
            base = base.filter(**{self.topic_lookup: data["topic"]})
        if data.get("organisation"):
            base = base.filter(**{self.organisation_lookup: data["organisation"]}).distinct()
        if data.get("kind"):
            base = base.filter(kind=data["kind"])
        return base

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(filter_form=self.form, filter_query=self.filter_query)
        return context

    def render_to_response(self, context, **kwargs):
        if self.form.is_bound and not self.form.is_valid():
            # The list still renders, with the reason, but the address is not a real page.
            kwargs["status"] = 404
        return super().render_to_response(context, **kwargs)


class ReleaseList(FilteredList):
    template_name = "media_centre/release_list.html"
    date_field = "release_date"

    def public_queryset(self) -> QuerySet:
        return PressRelease.objects.published().for_list()


class ReleaseYearArchive(ReleaseList):
    """Releases of one year, as the institution's old site offered; 404 for a year without any."""

    template_name = "media_centre/release_year.html"
    offered = ()  # the year is in the address; the full list keeps the other filters

    def get(self, request, *args, **kwargs):
        self.years = self.published_years(PressRelease)
        if kwargs["year"] not in self.years:
            raise Http404(_("No press releases were published in that year."))
        return super().get(request, *args, **kwargs)

    def public_queryset(self) -> QuerySet:
        return super().public_queryset().filter(release_date__year=self.kwargs["year"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.kwargs["year"]
        context.update(
            year=year,
            years=self.years,
            seo_title=_("Press releases of %(year)s") % {"year": year},
        )
        return context


class EventList(FilteredList):
    template_name = "media_centre/event_list.html"
    offered = ("year", "topic", "organisation", "kind")
    date_field = "start_date"
    kinds = Event.Kind.choices
    organisation_lookup = "organisers"

    def get(self, request, *args, **kwargs):
        self.when = request.GET.get("when", "upcoming")
        if self.when not in ("upcoming", "past"):
            raise Http404(_("Choose upcoming or past events."))
        return super().get(request, *args, **kwargs)

    def public_queryset(self) -> QuerySet:
        events = Event.objects.published().for_list()
        return events.upcoming() if self.when == "upcoming" else events.past()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        for name in ("page", "when"):
            query.pop(name, None)
        context.update(
            when=self.when,
            tab_query=query.urlencode(),
            canonical_query={"when": "past"} if self.when == "past" else {},
        )
        return context


class MoUList(FilteredList):
    template_name = "media_centre/mou_list.html"
    date_field = "signed_on"
    organisation_lookup = "parties__organisation"

    def public_queryset(self) -> QuerySet:
        return MoU.objects.published().for_list()


class StudyList(FilteredList):
    template_name = "media_centre/study_list.html"
    offered = ("year", "topic", "organisation", "kind")
    date_field = "publication_date"
    kinds = Study.Kind.choices
    organisation_lookup = "author_organisations"

    def public_queryset(self) -> QuerySet:
        return Study.objects.published().for_list()


class SpeakerList(FilteredList):
    template_name = "media_centre/speaker_list.html"
    offered = ("organisation",)
    organisation_lookup = "positions__organisation"
    paginate_by = 24

    def public_queryset(self) -> QuerySet:
        return Person.objects.published().with_positions()
