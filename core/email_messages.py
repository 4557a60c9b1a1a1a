"""Mail the site writes: links to its public address, and a message in plain text and HTML
from one pair of templates (`STEM.txt`, `STEM.html`)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def absolute(path: str) -> str:
    """`path` on the site's public address (NEWSROOM_SITE_URL), for a link in a message."""
    return settings.NEWSROOM_SITE_URL + path


def two_part(
    stem: str, context: dict, *, subject: str, to: str, headers: dict | None = None
) -> EmailMultiAlternatives:
    """A message to `to` whose text and HTML parts are `stem`.txt and `stem`.html rendered with
    `context` (in the active language)."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{stem}.txt", context),
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(render_to_string(f"{stem}.html", context), "text/html")
    return message
