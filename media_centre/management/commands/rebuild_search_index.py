"""Index every release, event, MoU, study and person again: `manage.py rebuild_search_index`."""

from django.core.management.base import BaseCommand
from django.db import transaction

from core import page_cache
from media_centre.search import rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the site search index from every item, whatever its state (visibility is "
        "decided when a search runs). PDF text already extracted is reused by checksum."
    )

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            count = rebuild()
            page_cache.invalidate()  # search results pages read the index
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {count} items."))
