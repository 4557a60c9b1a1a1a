"""An alert or a digest as a message: plain text and HTML, in the subscriber's language, with
the list headers mail clients need for one-click unsubscribe (RFC 2369, RFC 8058)."""

import datetime as dt
from dataclasses import dataclass
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import translation
from django.utils.translation import gettext, ngettext

from core.email_messages import absolute, two_part
from core.languages import bcp47

from ..models import Alert, AlertKind, Event, PressRelease, Subscriber


@dataclass(frozen=True)
class Entry:
    """What a message says about one alert, in one language."""

    kind: str  # "Press release", "Correction"…
    title: str
    date: dt.date | None
    summary: str
    url: str
    note: str


def entry(alert: Alert, language: str) -> Entry:
    """`alert` as a subscriber of `language` reads it; text falls back as the pages do."""
    item = alert.item
    with translation.override(language):
        if isinstance(item, PressRelease):
            kind, title, date, summary = (
                gettext("Press release"),
                item.headline,
                item.release_date,
                item.summary,
            )
        elif isinstance(item, Event):
            kind, title, date, summary = gettext("Event"), item.title, item.start_date, item.summary
        else:
            kind, title, date, summary = (
                gettext("Publication"),
                item.title,
                item.publication_date,
                item.abstract,
            )
        note = ""
        if alert.kind == AlertKind.CORRECTION and alert.note is not None:
            kind, note = alert.note.get_kind_display(), alert.note.text
        return Entry(str(kind), title, date, summary, absolute(item.get_absolute_url()), note)


def _host() -> str:
    return urlsplit(settings.NEWSROOM_SITE_URL).hostname or "localhost"


def _list_headers(subscriber: Subscriber) -> dict[str, str]:
    unsubscribe = absolute(subscriber.get_unsubscribe_url())
    return {
        "List-Id": f"{settings.MEDIA_CENTRE_SITE_NAME} alerts <alerts.{_host()}>",
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
        "Precedence": "bulk",
    }


def _message(subscriber: Subscriber, subject: str, template: str, context: dict):
    language = subscriber.language
    with translation.override(language):
        context = {
            **context,
            "site_name": settings.MEDIA_CENTRE_SITE_NAME,
            "language_tag": bcp47(language),
            "manage_url": absolute(subscriber.get_manage_url()),
            "unsubscribe_url": absolute(subscriber.get_unsubscribe_url()),
            "subscriber": subscriber,
        }
        headers = {**_list_headers(subscriber), "Message-ID": make_msgid(domain=_host())}
        return two_part(
            f"email/{template}", context, subject=subject, to=subscriber.email, headers=headers
        )


def alert_message(subscriber: Subscriber, shown: Entry) -> EmailMultiAlternatives:
    with translation.override(subscriber.language):
        # Translators: an alert's subject, e.g. "Press release: Seminar held in Shanghai".
        subject = gettext("%(kind)s: %(title)s") % {"kind": shown.kind, "title": shown.title}
    return _message(subscriber, subject, "alert", {"entry": shown})


def digest_message(subscriber: Subscriber, entries: list[Entry]) -> EmailMultiAlternatives:
    with translation.override(subscriber.language):
        subject = ngettext(
            "%(site)s: %(count)d new item today",
            "%(site)s: %(count)d new items today",
            len(entries),
        ) % {"site": settings.MEDIA_CENTRE_SITE_NAME, "count": len(entries)}
    return _message(subscriber, subject, "digest", {"entries": entries})
