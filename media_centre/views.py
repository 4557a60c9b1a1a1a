"""Public pages of the media centre: home, lists with filters, detail pages, downloads."""

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe
from django.views.generic import ListView

from . import page_cache
from .downloads import StoredFile, serve
from .forms import AccessibleVersionForm, ListFilterForm
from .middleware import language_neutral
from .models import (
    Document,
    Event,
    EventSpeaker,
    MoU,
    MoUParty,
    Person,
    PressRelease,
    Quote,
    Study,
)
from .models.releases import detail_prefetches
from .notifications import notify_accessibility_request
from .publishing_views import can_preview, detail_view, visible_object
from .redirects import local_path


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "media_centre/home.html",
        {
            "releases": PressRelease.objects.published().for_list()[:6],
            "events": Event.objects.published().upcoming().for_list()[:4],
            "past_events": Event.objects.published().past().for_list()[:3],
            "studies": Study.objects.published().for_list()[:3],
        },
    )


class RememberedCountPaginator(Paginator):
    def __init__(self, *args, count_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_name = count_name

    @cached_property
    def count(self) -> int:
        return page_cache.remember(self.count_name, lambda: Paginator.count.func(self))


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
        """The years that have published items, newest first (once per content change: on a
        large archive it reads every row)."""

        def years() -> list[int]:
            published = model.objects.published()
            return [d.year for d in published.dates(self.date_field, "year", "DESC")]

        return page_cache.remember(f"years:{model._meta.label}:{self.date_field}", years)

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
            self.request.GET or None, offered=self.offered, years=years, kinds=self.kinds
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
        context.update(when=self.when, tab_query=query.urlencode())
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


def _published_releases():
    # Not for_list(): a prefetch matches rows by their foreign key, which only() would defer.
    return PressRelease.objects.published().defer("body", "summary")


@detail_view
@require_safe
def release_detail(
    request: HttpRequest, year: int, month: int, day: int, slug: str
) -> HttpResponse:
    try:
        release_date = dt.date(year, month, day)
    except ValueError:
        raise Http404 from None
    release = visible_object(request, _release_for_detail(), release_date=release_date, slug=slug)
    if release.get_absolute_url() != request.path:  # e.g. /2025/6/19/ instead of /2025/06/19/
        return redirect(release, permanent=True)
    return _render_release(request, release)


@detail_view
@require_safe
def release_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff preview of a release that has no date yet, and so no public address."""
    if not can_preview(request, PressRelease):
        raise Http404
    release = visible_object(request, _release_for_detail(), pk=pk)
    if release.release_date is not None:
        return redirect(release)
    return _render_release(request, release)


def _release_for_detail() -> QuerySet:
    return PressRelease.objects.prefetch_related(*detail_prefetches())


def _render_release(request: HttpRequest, release: PressRelease) -> HttpResponse:
    return render(
        request, "media_centre/release_detail.html", {"release": release, "item": release}
    )


@detail_view
@require_safe
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = visible_object(
        request,
        Event.objects.for_detail().prefetch_related(
            Prefetch("releases", queryset=_published_releases(), to_attr="public_releases"),
            Prefetch(
                "studies_launched", queryset=Study.objects.published(), to_attr="public_studies"
            ),
            Prefetch(
                "side_events", queryset=Event.objects.published(), to_attr="public_side_events"
            ),
        ),
        slug=slug,
    )
    return render(request, "media_centre/event_detail.html", {"event": event, "item": event})


@detail_view
@require_safe
def mou_detail(request: HttpRequest, slug: str) -> HttpResponse:
    mou = visible_object(
        request,
        MoU.objects.select_related("document").prefetch_related(
            Prefetch(
                "parties", queryset=MoUParty.objects.select_related("organisation", "signatory")
            ),
            "topics",
            Prefetch("events", queryset=Event.objects.published(), to_attr="public_events"),
            Prefetch("studies", queryset=Study.objects.published(), to_attr="public_studies"),
            Prefetch("releases", queryset=_published_releases(), to_attr="public_releases"),
        ),
        slug=slug,
    )
    return render(request, "media_centre/mou_detail.html", {"mou": mou, "item": mou})


@detail_view
@require_safe
def study_detail(request: HttpRequest, slug: str) -> HttpResponse:
    study = visible_object(
        request,
        Study.objects.select_related("launch_event", "mou").prefetch_related(
            "author_organisations",
            Prefetch(
                "author_people", queryset=Person.objects.published(), to_attr="public_authors"
            ),
            "topics",
            "files",
            Prefetch("releases", queryset=_published_releases(), to_attr="public_releases"),
        ),
        slug=slug,
    )
    return render(request, "media_centre/study_detail.html", {"study": study, "item": study})


@detail_view
@require_safe
def speaker_detail(request: HttpRequest, slug: str) -> HttpResponse:
    person = visible_object(
        request,
        Person.objects.with_positions().prefetch_related(
            Prefetch(
                "event_roles",
                queryset=EventSpeaker.objects.filter(event__in=Event.objects.published())
                .select_related("event")
                .order_by("-event__start_date"),
                to_attr="public_event_roles",
            ),
            Prefetch(
                "quotes",
                queryset=Quote.objects.filter(release__in=PressRelease.objects.published())
                .select_related("release")
                .order_by("-release__release_date"),
                to_attr="public_quotes",
            ),
            Prefetch("studies", queryset=Study.objects.published(), to_attr="public_studies"),
        ),
        slug=slug,
    )
    return render(request, "media_centre/speaker_detail.html", {"person": person, "item": person})


def _visible_document(request: HttpRequest, pk: int) -> tuple[Document, bool]:
    """The document and whether the public may see it; staff may fetch any (a preview)."""
    public = Document.objects.public().filter(pk=pk).first()
    if public is not None:
        return public, True
    if can_preview(request, Document):
        document = Document.objects.filter(pk=pk).first()
        if document is not None:
            return document, False
    raise Http404


def _count_download(document: Document) -> Callable[[], None]:
    def count() -> None:
        Document.objects.filter(pk=document.pk).update(download_count=F("download_count") + 1)

    return count


@language_neutral
@require_safe
def download(request: HttpRequest, pk: int, file_name: str) -> HttpResponse:
    """A document at its stable address: the newest file, public only through a public item."""
    document, public = _visible_document(request, pk)
    if file_name != document.file_name:
        return redirect(document, permanent=True)
    stored = StoredFile(
        name=document.file.name,
        download_name=document.file_name,
        media_type=document.media_type,
        size=document.size,
        sha256=document.sha256,
        last_modified=document.file_updated_at or document.created_at,
        public=public,
    )
    return serve(request, stored, count=_count_download(document))


@language_neutral
@require_safe
def download_version(request: HttpRequest, pk: int, number: int, file_name: str) -> HttpResponse:
    """One version of a document, at an address whose content never changes."""
    document, public = _visible_document(request, pk)
    version = document.versions.filter(number=number).first()
    if version is None:
        raise Http404
    if file_name != version.file_name:
        return redirect(version, permanent=True)
    stored = StoredFile(
        name=version.file.name,
        download_name=version.file_name,
        media_type=version.media_type,
        size=version.size,
        sha256=version.sha256,
        last_modified=version.created_at,
        immutable=True,
        public=public,
    )
    return serve(request, stored, count=_count_download(document))


@require_safe
def switch_language(request: HttpRequest, code: str) -> HttpResponse:
    """Remember the visitor's choice of language, then show the same page in it."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    response = redirect(local_path(request, request.GET.get("next", ""), f"/{code}/"))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@language_neutral
@require_safe
def image(request: HttpRequest, name: str) -> HttpResponse:
    """An uploaded image or rendition, public only when something published shows it."""
    from .images import serve_image

    return serve_image(request, name)


@require_http_methods(["GET", "HEAD", "POST"])
def accessible_version_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for a document in an accessible format; the request is stored, then the desk told."""
    document = Document.objects.public().filter(pk=pk).first()
    if document is None:
        raise Http404
    form = AccessibleVersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accessibility_request = form.save(commit=False)
        accessibility_request.document = document
        accessibility_request.language = get_language()
        accessibility_request.save()
        notify_accessibility_request(accessibility_request)
        return redirect(request.path + "?sent=1")
    return render(
        request,
        "media_centre/accessible_version.html",
        {"document": document, "form": form, "sent": request.GET.get("sent") == "1"},
    )
