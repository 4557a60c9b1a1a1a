"""The visitor's side of consent: the choice, the banner's state, the cookie page, GPC."""

from django.http import Http404, HttpRequest, HttpResponse


def choose(request: HttpRequest) -> HttpResponse:
    raise Http404


def state_css(request: HttpRequest) -> HttpResponse:
    raise Http404


def cookie_page(request: HttpRequest) -> HttpResponse:
    raise Http404


def gpc_json(request: HttpRequest) -> HttpResponse:
    raise Http404
