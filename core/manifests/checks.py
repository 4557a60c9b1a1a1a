"""`manage.py check`: the signing key and the retired keys can be read, before anything is
published with them."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from . import keys


@checks.register(checks.Tags.security)
def signing_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    try:
        keys.public_jwks()
    except ImproperlyConfigured as error:
        return [
            checks.Error(
                str(error),
                hint="README: Signing keys.",
                id="manifests.E001",
            )
        ]
    return []
