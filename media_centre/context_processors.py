"""What every page's chrome needs: the site's name, the section the page belongs to, and whether
staff are previewing it."""

from django.conf import settings
from django.http import HttpRequest

from core import page_cache

SECTIONS = {
    "release": "releases",
    "event": "events",
    "mou": "mous",
    "study": "studies",
    "speaker": "speakers",
}


def site(request: HttpRequest) -> dict:
    match = getattr(request, "resolver_match", None)
    url_name = (match.url_name or "") if match else ""
    return {
        "site_name": settings.MEDIA_CENTRE_SITE_NAME,
        "section": SECTIONS.get(url_name.split("-")[0], ""),
        # Set by the view before rendering: links to items not yet public are shown, marked.
        "preview": page_cache.is_preview(request),
    }
