"""One door for every detail page: the public sees published items, staff may preview the rest."""

from collections.abc import Callable
from functools import wraps

from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from .models import Publishable


class Withdrawn(Exception):
    """The item was public once and has been withdrawn: answer 410 with the reason."""

    def __init__(self, item: Publishable):
        self.item = item


def can_preview(request: HttpRequest, model: type[models.Model]) -> bool:
    user = request.user
    opts = model._meta
    return bool(
        user.is_active
        and user.is_staff
        and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
    )


def visible_object(request: HttpRequest, queryset: models.QuerySet, **lookup) -> Publishable:
    """The item at this address as this visitor may see it, or 404 / 410."""
    if can_preview(request, queryset.model):
        try:
            return queryset.get(**lookup)
        except queryset.model.DoesNotExist:
            raise Http404 from None
    try:
        return queryset.published().get(**lookup)
    except queryset.model.DoesNotExist:
        gone = queryset.model.objects.gone().filter(**lookup).first()
        if gone is not None:
            raise Withdrawn(gone) from None
        raise Http404 from None


def detail_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answers a withdrawal with 410 and keeps staff previews out of every cache."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Withdrawn as withdrawn:
            return render(
                request, "media_centre/gone.html", {"withdrawn_item": withdrawn.item}, status=410
            )
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response

    return wrapper
