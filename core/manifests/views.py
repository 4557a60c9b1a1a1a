"""TEMPORARY: the JWKS (replaced by the keys helper's view)."""

from django.http import JsonResponse
from django.views.decorators.http import require_safe

from . import keys


@require_safe
def jwks(request):
    return JsonResponse(keys.public_jwks())
