"""A liveness check for load balancers and the benchmark's baseline: no database, a few bytes."""

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from .middleware import language_neutral


@require_safe
@language_neutral
def healthz(request: HttpRequest) -> HttpResponse:
    """“ok” when the process answers; never stored, so every probe reaches the app."""
    response = HttpResponse(b"ok", content_type="text/plain; charset=utf-8")
    patch_cache_control(response, no_store=True)
    return response
