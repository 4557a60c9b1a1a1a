"""Sending recorded deliveries: claimed in small batches, each sent at most once.

A delivery is `pending` until a worker claims it with a batch of others (`sending`, one
transaction, rows another worker holds are skipped), then `sent` the moment the mail server
accepts it. A worker killed mid-batch leaves its batch `sending`: once the batch is older than
`NEWSROOM_ALERTS_CLAIM_SECONDS`, the first unsent delivery of it (the one that may have gone
out) is marked `unknown` and never sent again, and the rest go back to `pending`.
"""

import datetime as dt
import logging
import smtplib
import uuid
import zoneinfo

from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from ..models import Delivery, DeliveryStatus, Subscriber
from ..models.alerts import ALERTED_FIELDS
from . import messages

logger = logging.getLogger(__name__)

BATCH = 20  # deliveries a worker claims at once; a killed worker leaves at most one in doubt


class MailServerDown(Exception):
    """The mail server could not be reached: what was claimed waits for the next run."""


def recover_abandoned(now: dt.datetime | None = None) -> int:
    """Release the batches of workers that died while sending; how many were released."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.NEWSROOM_ALERTS_CLAIM_SECONDS)
    released = 0
    abandoned = (
        Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lte=cutoff)
        .values("claim")
        .annotate(first=Min("pk"))
        .order_by()
    )
    for batch in abandoned:
        with transaction.atomic():
            stuck = Delivery.objects.filter(claim=batch["claim"], status=DeliveryStatus.SENDING)
            stuck.filter(pk=batch["first"]).update(status=DeliveryStatus.UNKNOWN)
            released += stuck.exclude(pk=batch["first"]).update(
                status=DeliveryStatus.PENDING, claim="", claimed_at=None
            )
        logger.warning("A worker died sending alerts: released batch %s", batch["claim"])
    return released


def claim(queryset, limit: int) -> str | None:
    """Mark up to `limit` pending deliveries of `queryset` as being sent by this worker; the
    claim's name, or None when nothing waits."""
    name = uuid.uuid4().hex
    with transaction.atomic():
        chosen = list(
            queryset.filter(status=DeliveryStatus.PENDING)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not chosen:
            return None
        Delivery.objects.filter(pk__in=chosen, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SENDING, claim=name, claimed_at=timezone.now()
        )
    return name


def _mark(pks: list[int], status: str, error: str = "") -> None:
    changes = {"status": status, "error": error[:300]}
    if status == DeliveryStatus.SENT:
        changes["sent_at"] = timezone.now()
    if status == DeliveryStatus.PENDING:
        changes.update(claim="", claimed_at=None)
    Delivery.objects.filter(pk__in=pks).update(**changes)


def _may_receive(subscriber: Subscriber) -> bool:
    return subscriber.confirmed_at is not None and subscriber.bounced_at is None


def _send(connection, message, pks: list[int], rest: list[int]) -> None:
    """Send one message for the deliveries `pks`; `rest` are this batch's unsent others."""
    try:
        connection.send_messages([message])
    except smtplib.SMTPResponseException as refusal:
        if refusal.smtp_code >= 500:  # refused for good: this address, not the others
            _mark(pks, DeliveryStatus.FAILED, str(refusal))
            return
        _mark(pks + rest, DeliveryStatus.PENDING)  # "try again later"
        raise MailServerDown from refusal
    except smtplib.SMTPRecipientsRefused as refusal:
        _mark(pks, DeliveryStatus.FAILED, str(refusal.recipients)[:300])
        return
    except (OSError, smtplib.SMTPException) as failure:
        # Cut off mid-message: it may have gone out, so it is not sent again.
        _mark(pks, DeliveryStatus.UNKNOWN, str(failure))
        _mark(rest, DeliveryStatus.PENDING)
        raise MailServerDown from failure
    _mark(pks, DeliveryStatus.SENT)


def _open():
    connection = mailers.default
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as failure:
        raise MailServerDown from failure
    return connection


def _claimed(name: str):
    """The deliveries claim `name` is sending, with what their messages need."""
    return Delivery.objects.filter(claim=name, status=DeliveryStatus.SENDING).select_related(
        "subscriber", "alert__note", *(f"alert__{field}" for field in ALERTED_FIELDS)
    )


def send_batch(name: str) -> int:
    """Send the immediate alerts of claim `name`; how many went out."""
    batch = list(_claimed(name).order_by("pk"))
    try:
        connection = _open()
    except MailServerDown:
        _mark([d.pk for d in batch], DeliveryStatus.PENDING)
        raise
    entries: dict[tuple[int, str], messages.Entry] = {}
    sent = 0
    try:
        for index, delivery in enumerate(batch):
            subscriber = delivery.subscriber
            if not _may_receive(subscriber):
                _mark([delivery.pk], DeliveryStatus.SKIPPED)
                continue
            key = (delivery.alert_id, subscriber.language)
            if key not in entries:
                entries[key] = messages.entry(delivery.alert, subscriber.language)
            message = messages.alert_message(subscriber, entries[key])
            _send(connection, message, [delivery.pk], [d.pk for d in batch[index + 1 :]])
            sent += 1
    finally:
        connection.close()
    return sent


def send_immediate() -> int:
    """Send every waiting immediate alert, a batch at a time; how many were sent."""
    recover_abandoned()
    waiting = Delivery.objects.filter(digest=False)
    sent = 0
    while name := claim(waiting, BATCH):
        sent += send_batch(name)
    return sent


def digest_due(now: dt.datetime) -> dt.datetime:
    """Today's digest time (site's zone) if it has passed, else yesterday's."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    local = now.astimezone(zone)
    today = local.replace(
        hour=settings.NEWSROOM_ALERTS_DIGEST_HOUR, minute=0, second=0, microsecond=0
    )
    return today if local >= today else today - dt.timedelta(days=1)


def send_digests(now: dt.datetime | None = None) -> int:
    """Send each daily subscriber, at the digest hour, one message with everything published for
    them before it and not yet sent; how many digests were sent."""
    now = now or timezone.now()
    recover_abandoned(now)
    due = digest_due(now)
    # What was raised before the digest hour goes in that day's digest; later, the next day's.
    for_today = Delivery.objects.filter(digest=True, alert__created_at__lt=due)
    waiting = (
        for_today.filter(status=DeliveryStatus.PENDING)
        .values_list("subscriber", flat=True)
        .distinct()
        .order_by()
    )
    sent = 0
    for subscriber_id in list(waiting):
        name = claim(for_today.filter(subscriber=subscriber_id), 1000)
        if name is None:
            continue
        sent += _send_digest(name, now)
    return sent


def _send_digest(name: str, now: dt.datetime) -> int:
    batch = list(_claimed(name).order_by("alert__created_at", "pk"))
    pks = [d.pk for d in batch]
    subscriber = batch[0].subscriber
    if not _may_receive(subscriber):
        _mark(pks, DeliveryStatus.SKIPPED)
        return 0
    try:
        connection = _open()
    except MailServerDown:
        _mark(pks, DeliveryStatus.PENDING)
        raise
    try:
        entries = [messages.entry(d.alert, subscriber.language) for d in batch]
        _send(connection, messages.digest_message(subscriber, entries), pks, [])
    finally:
        connection.close()
    Subscriber.objects.filter(pk=subscriber.pk).update(last_digest_at=now)
    return 1
