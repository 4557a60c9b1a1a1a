"""Email alert subscriptions: subscribe, confirm, manage, and one-click unsubscribe (RFC 8058)."""

from django.http import Http404, HttpRequest, HttpResponse


def subscribe(request: HttpRequest) -> HttpResponse:
    raise Http404


def confirm(request: HttpRequest, signed: str) -> HttpResponse:
    raise Http404


def manage(request: HttpRequest, token: str) -> HttpResponse:
    raise Http404


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    raise Http404
