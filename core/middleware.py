"""Django's LocaleMiddleware, minus its language headers on responses that have no language."""

from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.middleware import locale


class LocaleMiddleware(locale.LocaleMiddleware):
    """Files and images are the same in every language: no `Vary: Accept-Language` on them, so
    shared caches keep one copy."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if getattr(response, "language_neutral", False):
            return response
        return super().process_response(request, response)


def language_neutral(view):
    """Mark a view's responses as the same in every language (files, images)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.language_neutral = True
        return response

    return wrapper
