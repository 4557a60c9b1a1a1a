"""Site-wide views that belong to no app: the language switcher, the favicon."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from .middleware import language_neutral
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


@require_safe
@language_neutral
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links: send them to the static file."""
    response = redirect(static("img/favicon.ico"))
    patch_cache_control(response, public=True, max_age=24 * 60 * 60)
    return response
