"""Subscribing to email alerts: double opt-in, what the subscriber agreed to, and no way to use
the form to fill a stranger's inbox."""

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models.functions import Coalesce
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.email_messages import absolute, two_part
from core.languages import bcp47

from .models import Subscriber

logger = logging.getLogger(__name__)

# What a subscriber agrees to, shown above the form's button. Change the version with the words:
# each subscriber keeps the version and a hash of the text they were shown.
WORDING_VERSION = "2026-12-04"
WORDING = _(
    "We will email you what you choose here, and nothing else. Your address is used only for "
    "these emails and is never shared; we do not track whether you open them. Every email has "
    "a link to change or end your subscription, and ending it deletes your address."
)

_SALT = "media_centre.alerts.confirm"
MIN_GAP = dt.timedelta(minutes=10)  # between two confirmations to one address
PER_DAY = 3  # confirmations to one address in 24 hours


def wording_hash(language: str) -> str:
    with translation.override(language):
        text = str(WORDING)
    return hashlib.sha256(f"{WORDING_VERSION}\x00{text}\x00{language}".encode()).hexdigest()


def confirmation_code(subscriber: Subscriber) -> str:
    return signing.dumps({"s": subscriber.pk, "t": subscriber.token[:16]}, salt=_SALT)


class LinkExpired(Exception):
    pass


def subscriber_for_code(code: str) -> Subscriber | None:
    """The subscriber a confirmation link names; LinkExpired when it is too old, None when it
    names nobody (forged, or the subscription was deleted since)."""
    if len(code) > 300:
        return None
    try:
        payload = signing.loads(
            code, salt=_SALT, max_age=dt.timedelta(hours=settings.NEWSROOM_ALERTS_CONFIRM_HOURS)
        )
    except signing.SignatureExpired as expired:
        raise LinkExpired from expired
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), int):
        return None
    subscriber = Subscriber.objects.filter(pk=payload["s"]).first()
    if subscriber is None or subscriber.token[:16] != payload.get("t"):
        return None
    return subscriber


def _may_write_to(subscriber: Subscriber) -> bool:
    """Count one more confirmation to this address, unless it has had enough (in the
    database, so that a cache outage does not lift the limit)."""
    now = timezone.now()
    with transaction.atomic():
        row = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        last = row.confirmation_sent_at
        if last is not None and now - last < MIN_GAP:
            return False
        count = row.confirmations_sent if last is not None and now - last < dt.timedelta(1) else 0
        if count >= PER_DAY:
            return False
        Subscriber.objects.filter(pk=row.pk).update(
            confirmation_sent_at=now, confirmations_sent=count + 1
        )
    return True


def request_subscription(email: str, choices: dict, topics, language: str) -> None:
    """Someone asked, through the form, for alerts at `email`. An unconfirmed subscription takes
    the new choices and a fresh confirmation; a confirmed one is left as it is and its owner is
    sent the link to manage it. The visitor's answer is the same either way."""
    email = email.strip().lower()
    try:
        with transaction.atomic():
            subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
            if subscriber is None or subscriber.confirmed_at is None:
                if subscriber is None:
                    subscriber = Subscriber(email=email)
                for name, value in choices.items():
                    setattr(subscriber, name, value)
                subscriber.wording_version = WORDING_VERSION
                subscriber.wording_hash = wording_hash(language)
                subscriber.save()
                subscriber.topics.set(topics)
    except IntegrityError:  # the same address sent twice at once: the other request made it
        subscriber = Subscriber.objects.get(email__iexact=email)
    if subscriber.bounced_at is None and _may_write_to(subscriber):
        template = "confirm" if subscriber.confirmed_at is None else "already"
        _queue(subscriber.pk, template)


def _queue(pk: int, template: str) -> None:
    try:
        send_subscription_mail.enqueue(pk, template)
    except Exception:  # the queue: the visitor can ask again in ten minutes
        logger.exception("Could not queue the subscription email")


@task
def send_subscription_mail(pk: int, template: str) -> None:
    """The confirmation (or, for an address already subscribed, the link to manage it)."""
    subscriber = Subscriber.objects.filter(pk=pk).first()
    if subscriber is None or template not in ("confirm", "already"):
        return
    with translation.override(subscriber.language):
        context = {
            "site_name": settings.MEDIA_CENTRE_SITE_NAME,
            "language_tag": bcp47(subscriber.language),
            "subscriber": subscriber,
            "follows": follows(subscriber),
            "hours": settings.NEWSROOM_ALERTS_CONFIRM_HOURS,
            "confirm_url": absolute(
                reverse("media_centre:alerts-confirm", args=[confirmation_code(subscriber)])
            ),
            "manage_url": absolute(subscriber.get_manage_url()),
        }
        if template == "confirm":
            subject = gettext("Confirm your subscription to %(site)s alerts")
        else:
            subject = gettext("Your subscription to %(site)s alerts")
        message = two_part(
            f"email/{template}",
            context,
            subject=subject % {"site": settings.MEDIA_CENTRE_SITE_NAME},
            to=subscriber.email,
            headers={"Auto-Submitted": "auto-generated"},
        )
    try:
        message.send()
    except OSError:
        logger.exception("Could not send the subscription email to subscriber %s", pk)


def follows(subscriber: Subscriber) -> list[str]:
    """What the subscriber receives, in words of the active language."""
    kinds = [
        str(label)
        for name, label in (
            ("releases", _("All press releases")),
            ("events", _("All events")),
            ("publications", _("All publications")),
        )
        if getattr(subscriber, name)
    ]
    topics = [str(topic) for topic in subscriber.topics.all()]
    if topics:
        kinds.append(gettext("Topics: %(topics)s") % {"topics": ", ".join(topics)})
    return kinds


def confirm(subscriber: Subscriber) -> None:
    if subscriber.confirmed_at is None:
        Subscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now()
        )


@task
def prune_unconfirmed() -> None:
    """Subscriptions never confirmed are deleted once their link has expired: the table a
    visitor can write to stays bounded."""
    cutoff = timezone.now() - dt.timedelta(hours=settings.NEWSROOM_ALERTS_CONFIRM_HOURS)
    Subscriber.objects.filter(confirmed_at__isnull=True).annotate(
        asked=Coalesce("confirmation_sent_at", "subscribed_at")
    ).filter(asked__lt=cutoff).delete()
