"""Empty the anonymous page cache: `manage.py clear_page_cache`."""

from django.core.management.base import BaseCommand

from core import page_cache


class Command(BaseCommand):
    help = (
        "Start a new page-cache generation, so that every process serves freshly rendered "
        "pages. Saves in the admin do this by themselves; use it after changing the database "
        "by other means (SQL, a restore)."
    )

    def handle(self, *args, **options) -> None:
        page_cache.invalidate()
        self.stdout.write(self.style.SUCCESS("Page cache emptied: every page is rendered afresh."))
