"""The public keys that verify manifests, at `/.well-known/jwks.json`."""

import json

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from . import keys


@require_safe
def jwks(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        json.dumps(keys.public_jwks(), indent=2), content_type="application/jwk-set+json"
    )
    patch_cache_control(response, public=True, max_age=3600)
    response["Access-Control-Allow-Origin"] = "*"  # verifiers in a browser, on any site
    return response
