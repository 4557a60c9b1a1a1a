"""One door for every detail page: the public sees published items, staff may preview the rest."""

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from core import page_cache
from core.drafts import store as drafts

from ..models import PUBLISHING_FIELDS, Publishable
from ..permissions import can_preview


class _HasDraft(Exception):
    """A staff preview found an item with unpublished changes: show the page again with them."""

    def __init__(self, item: Publishable):
        self.item = item


class Withdrawn(Exception):
    """The item was public once and has been withdrawn: answer 410 with the reason."""

    def __init__(self, item: Publishable):
        self.item = item


def visible_object(request: HttpRequest, model: type[Publishable], **lookup) -> Publishable:
    """The item at this address as this visitor may see it, or 404 / 410, with everything its
    page shows (`model.objects.for_detail()`).

    What the public sees at an address is looked up once per content change and remembered
    under the view's name; the query is not even built until then (building one costs more
    than a whole remembered page). Addresses that find nothing are not remembered, so a
    crawler trying made-up addresses cannot fill the cache."""
    if can_preview(request, model):
        page_cache.mark_preview(request)  # staff see the item as it is now: keep nothing
        queryset = model.objects.for_detail(preview=True)
        try:
            item = queryset.get(**lookup)
        except model.DoesNotExist:
            raise Http404 from None
        shown = getattr(request, "_draft_shown", None)
        if shown == (model, item.pk):
            # The rows hold the draft now (detail_view rolls it back): fetch it as the page would.
            item = queryset.get(pk=item.pk)
            item.draft_preview = True
            return item
        if shown is None and drafts.draft_of(item) is not None:
            raise _HasDraft(item)
        return item

    def find() -> tuple[bool, Publishable | None]:
        return public_or_gone(model.objects.for_detail(), **lookup)

    match = request.resolver_match
    name = f"visible:{match.view_name if match else model._meta.label}:{lookup}"
    published, item = page_cache.remember(name, find, keep=lambda found: found[1] is not None)
    return _shown_or_refused(published, item)


def public_or_gone(queryset, **lookup) -> tuple[bool, Publishable | None]:
    """(True, the published item) or (False, the withdrawn one at this address, or None)."""
    try:
        return True, queryset.published().get(**lookup)
    except queryset.model.DoesNotExist:
        return False, queryset.model.objects.gone().filter(**lookup).first()


def public_object(model: type[Publishable], **lookup) -> Publishable:
    """The published item at this address, for everyone alike (staff see no preview): 410 for
    a withdrawn one, 404 otherwise."""
    return _shown_or_refused(*public_or_gone(model.objects.all(), **lookup))


def _shown_or_refused(published: bool, item: Publishable | None) -> Publishable:
    if published:
        return item
    if item is not None:
        raise Withdrawn(item)
    raise Http404


def gone(request: HttpRequest, item: Publishable) -> HttpResponse:
    """410, with the reason visitors are given for the withdrawal."""
    return render(request, "media_centre/gone.html", {"withdrawn_item": item}, status=410)


def detail_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answers a withdrawal with 410 and keeps staff previews out of every cache."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            try:
                response = view(request, *args, **kwargs)
            except _HasDraft as found:
                response = _with_draft(request, found.item, view, *args, **kwargs)
        except Withdrawn as withdrawn:
            return gone(request, withdrawn.item)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response

    return wrapper


def _with_draft(request: HttpRequest, item: Publishable, view, *args, **kwargs) -> HttpResponse:
    """The page as it will be with the item's unpublished changes, which only staff see: the
    draft is put in the rows for this one rendering and rolled back (core.drafts)."""
    with drafts.shown(item, keep=PUBLISHING_FIELDS):
        request._draft_shown = (type(item), item.pk)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
    return response
