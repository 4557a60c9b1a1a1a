"""An item that has become public raises one alert, with a delivery recorded for each follower."""

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import (
    Alert,
    AlertKind,
    Delivery,
    Event,
    Frequency,
    PressRelease,
    PublicNote,
    Study,
    Subscriber,
)

logger = logging.getLogger(__name__)

# Each alerted kind of item: its field on Alert and the subscriber's flag that follows them all.
KINDS: dict[type[models.Model], tuple[str, str]] = {
    PressRelease: ("release", "releases"),
    Event: ("event", "events"),
    Study: ("study", "publications"),
}


def followers(item: models.Model):
    """The confirmed subscribers who follow `item`: its whole kind, or one of its topics."""
    _field, flag = KINDS[type(item)]
    topics = item.topics.values("pk")
    by_topic = Subscriber.topics.through.objects.filter(topic__in=topics).values("subscriber")
    return Subscriber.objects.confirmed().filter(Q(**{flag: True}) | Q(pk__in=by_topic))


def newly_public(model: type[models.Model], since: dt.datetime):
    """Items of `model` public now, since `since`, that have not raised their alert."""
    field, _flag = KINDS[model]
    raised = Alert.objects.filter(kind=AlertKind.NEW, **{field: models.OuterRef("pk")})
    return (
        model.objects.published()
        .filter(publish_at__gte=since)
        .exclude(models.Exists(raised))
        .order_by("publish_at", "pk")
    )


def raise_alert(item: models.Model, note: PublicNote | None = None) -> Alert | None:
    """Record the alert for `item` (a correction's when `note` is given) and a delivery for each
    of its followers, in one transaction; None when that alert was raised already."""
    field, _flag = KINDS[type(item)]
    kind = AlertKind.CORRECTION if note is not None else AlertKind.NEW
    try:
        with transaction.atomic():
            alert = Alert.objects.create(kind=kind, note=note, **{field: item})
            recipients = followers(item).values_list("pk", "frequency")
            Delivery.objects.bulk_create(
                (
                    Delivery(alert=alert, subscriber_id=pk, digest=frequency == Frequency.DAILY)
                    for pk, frequency in recipients.iterator(chunk_size=2000)
                ),
                batch_size=1000,
            )
            alert.prepared_at = timezone.now()
            alert.save(update_fields=["prepared_at"])
    except IntegrityError:  # another worker raised it first: its deliveries stand
        return None
    logger.info("Alert %s raised for %s: %s deliveries", alert.pk, item, alert.deliveries.count())
    return alert


def raise_due_alerts() -> list[Alert]:
    """Raise the alert of every item that became public within the look-back window, whether
    a publisher published it now or its scheduled time passed with nobody saving anything."""
    since = timezone.now() - dt.timedelta(hours=settings.NEWSROOM_ALERTS_LOOKBACK_HOURS)
    raised = []
    for model in KINDS:
        for item in newly_public(model, since):
            if alert := raise_alert(item):
                raised.append(alert)
    return raised


def announce_correction(item: models.Model, note: PublicNote) -> Alert | None:
    """The publisher chose to tell followers about this correction or update of `item`."""
    if type(item) not in KINDS:
        return None
    return raise_alert(item, note)


def alertable(model: type[models.Model]) -> bool:
    return model in KINDS
