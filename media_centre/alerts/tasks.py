"""The worker's alert tasks: raise what became public, send what waits, send the digests."""

import logging

from django.db import transaction
from django.tasks import task

from core import periodic

from . import raising, sending

logger = logging.getLogger(__name__)


@task
def raise_alerts() -> None:
    """Raise the alert of everything newly public, then send (the worker runs this every
    minute, which is how a scheduled time passing alerts without anybody saving)."""
    raising.raise_due_alerts()
    send_waiting()


def send_waiting() -> None:
    try:
        sending.send_immediate()
    except sending.MailServerDown:
        logger.warning("The mail server is down: alerts wait for the next run", exc_info=True)


@task
def send_alerts() -> None:
    send_waiting()


@task
def send_digests() -> None:
    try:
        sending.send_digests()
    except sending.MailServerDown:
        logger.warning("The mail server is down: digests wait for the next run", exc_info=True)


def alertable(item) -> bool:
    return raising.alertable(type(item))


def announce(item, note) -> None:
    """Inside the publishing transaction: record the alert for `item`'s correction or update
    `note`, and send it once the publication is committed."""
    if raising.announce_correction(item, note) is not None:
        transaction.on_commit(_enqueue_sending)


def _enqueue_sending() -> None:
    try:
        send_alerts.enqueue()
    except Exception:  # the queue's database: the worker's minute-by-minute run sends them
        logger.exception("Could not queue the alerts")


def queue_after_save(sender, instance, **kwargs) -> None:
    """A saved item that is public now may be newly public: look once the save is committed."""
    if raising.alertable(type(instance)) and instance.is_published():
        transaction.on_commit(_enqueue)


def _enqueue() -> None:
    try:
        if not periodic.is_waiting(raise_alerts):  # one waiting run finds every item
            raise_alerts.enqueue()
    except Exception:  # the queue's database: the worker's minute-by-minute run finds it anyway
        logger.exception("Could not queue the alerts")
