"""Each item's own page: one `for_detail()` query per kind, through the one visibility door."""

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from ..linked import not_yet_public_on_page
from ..models import Event, MoU, Person, PressRelease, Publishable, Study
from ..permissions import can_preview
from .publishing import detail_view, visible_object


def render_detail(request: HttpRequest, template: str, name: str, item: Publishable):
    context = {name: item, "item": item}
    if can_preview(request, type(item)):
        context["not_yet_public"] = not_yet_public_on_page(item)
    return render(request, template, context)


@detail_view
@require_safe
def release_detail(
    request: HttpRequest, year: int, month: int, day: int, slug: str
) -> HttpResponse:
    try:
        release_date = dt.date(year, month, day)
    except ValueError:
        raise Http404 from None
    release = visible_object(request, PressRelease, release_date=release_date, slug=slug)
    if release.get_absolute_url() != request.path and not getattr(release, "draft_preview", False):
        # e.g. /2025/6/19/ instead of /2025/06/19/ (a draft may move it: preview it here)
        return redirect(release, permanent=True)
    return _render_release(request, release)


@detail_view
@require_safe
def release_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff preview of a release that has no date yet, and so no public address."""
    if not can_preview(request, PressRelease):
        raise Http404
    release = visible_object(request, PressRelease, pk=pk)
    if release.release_date is not None:
        return redirect(release)
    return _render_release(request, release)


def _render_release(request: HttpRequest, release: PressRelease) -> HttpResponse:
    return render_detail(request, "media_centre/release_detail.html", "release", release)


@detail_view
@require_safe
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = visible_object(request, Event, slug=slug)
    return render_detail(request, "media_centre/event_detail.html", "event", event)


@detail_view
@require_safe
def mou_detail(request: HttpRequest, slug: str) -> HttpResponse:
    mou = visible_object(request, MoU, slug=slug)
    return render_detail(request, "media_centre/mou_detail.html", "mou", mou)


@detail_view
@require_safe
def study_detail(request: HttpRequest, slug: str) -> HttpResponse:
    study = visible_object(request, Study, slug=slug)
    return render_detail(request, "media_centre/study_detail.html", "study", study)


@detail_view
@require_safe
def speaker_detail(request: HttpRequest, slug: str) -> HttpResponse:
    person = visible_object(request, Person, slug=slug)
    return render_detail(request, "media_centre/speaker_detail.html", "person", person)
