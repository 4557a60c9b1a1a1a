"""What every page's chrome needs: the site's name and the section the page belongs to."""

from django.conf import settings
from django.http import HttpRequest

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
    }
