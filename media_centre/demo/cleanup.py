"""Removing the demo archive: every row `archive.Builder` made, its files and search entries."""

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.storage import default_storage
from django.db import models
from django.db.models.signals import post_delete

from consent.models import ConsentRecord

from ..models import (
    Document,
    DocumentVersion,
    Event,
    EventSpeaker,
    MediaContact,
    MoU,
    Organisation,
    Person,
    PressRelease,
    Quote,
    SearchEntry,
    Study,
    Topic,
)
from ..search import index
from .builder import DEMO_NETWORKS, PREFIX

# In this order, so that nothing still protects a row when its turn comes.
BY_SLUG = (PressRelease, Study, Event, MoU, Person, Organisation, Topic)


def demo_documents() -> models.QuerySet:
    return Document.objects.filter(file__startswith="documents/", file__contains=f"/{PREFIX}")


def exists() -> bool:
    return any(model.objects.filter(slug__startswith=PREFIX).exists() for model in BY_SLUG)


@contextmanager
def search_signals_paused() -> Iterator[None]:
    """Deleting thousands of items must not re-index each one: their entries go in bulk."""
    senders = [*(model for model, _date in index.MODELS.values())]
    uids = [f"search-delete-{model.__name__}" for model in senders]
    pairs = [*zip(senders, uids, strict=True)]
    pairs += [(Quote, "search-quote-delete"), (EventSpeaker, "search-speaker-delete")]
    for sender, uid in pairs:
        post_delete.disconnect(sender=sender, dispatch_uid=uid)
    try:
        yield
    finally:
        index.connect()


def flush() -> Counter:
    """Delete the demo archive; return how many rows of each kind went."""
    removed = Counter()
    for kind, (model, _date) in index.MODELS.items():
        demo = model.objects.filter(slug__startswith=PREFIX).values("pk")
        count, _rows = SearchEntry.objects.filter(kind=kind, object_id__in=demo).delete()
        removed["search entries"] += count
    files = set(demo_documents().values_list("file", flat=True))
    with search_signals_paused():
        for model in BY_SLUG:
            _count, rows = model.objects.filter(slug__startswith=PREFIX).delete()
            removed.update(rows)
        _count, rows = demo_documents().delete()
        removed.update(rows)
        _count, rows = MediaContact.objects.filter(
            name__startswith="Demo Media Desk", email__endswith="@example.org"
        ).delete()
        removed.update(rows)
    # Consent records are never deleted by everyday use; demo ones are not anyone's proof.
    demo_records = ConsentRecord.objects.filter(ip_prefix__in=DEMO_NETWORKS)
    _count, rows = models.QuerySet.delete(demo_records)
    removed.update(rows)
    still_used = set(Document.objects.filter(file__in=files).values_list("file", flat=True))
    still_used |= set(DocumentVersion.objects.filter(file__in=files).values_list("file", flat=True))
    for name in files - still_used:
        default_storage.delete(name)
    return Counter({label.split(".")[-1]: n for label, n in removed.items() if n})
