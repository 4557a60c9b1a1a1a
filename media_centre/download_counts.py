"""Download counts: counted in the shared cache as files are served, and moved to the database by
a periodic task, so that a download writes nothing to the database (core.counters)."""

from collections.abc import Hashable

from django.db import transaction
from django.db.models import F
from django.tasks import task

from core import counters

from .models import Document

COUNTER = "downloads"


def count(document_id: int) -> None:
    """One more download of the document, added to the shared cache within about a second by a
    thread of this process (core.counters.add_soon); never fails the download."""
    counters.add_soon(COUNTER, document_id)


def pending(document_ids: list[int]) -> dict[Hashable, int]:
    """Downloads counted and not yet in the database, by document id."""
    return counters.pending(COUNTER, document_ids)


def _write(counts: dict[Hashable, int]) -> None:
    with transaction.atomic():
        for document_id, amount in counts.items():
            Document.objects.filter(pk=document_id).update(
                download_count=F("download_count") + amount
            )


@task(priority=10)
def flush_download_counts() -> int:
    """Add the downloads counted in the cache to each document's count; how many were added."""
    return counters.flush(
        COUNTER, Document.objects.order_by("pk").values_list("pk", flat=True).iterator(), _write
    )
