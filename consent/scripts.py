"""The operator's consent-gated scripts (settings.CONSENT_SCRIPTS) and where they load from."""

from urllib.parse import urlsplit

from django.conf import settings


def script_origins() -> list[str]:
    """The origins of the consent-gated scripts served from elsewhere, for the CSP."""
    origins = []
    for item in getattr(settings, "CONSENT_SCRIPTS", []):
        if not isinstance(item, dict):
            continue  # a malformed entry is ignored here as the template tag ignores it
        parts = urlsplit(str(item.get("src", "")))
        if parts.scheme in ("https", "http") and parts.netloc:
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in origins:
                origins.append(origin)
    return origins
