"""Site-wide views that belong to no app: the language switcher."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_safe

from .redirects import local_path


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
