"""Remove consent records older than the retention period, and say how many and from when."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from consent.models import ConsentRecord


class Command(BaseCommand):
    help = (
        "Remove consent records made before the retention period (CONSENT_RETENTION_DAYS, "
        "5 years unless set). Records are kept whole days: the cut-off is a local midnight."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep this many days of records for this run instead of the setting.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be removed, and remove nothing.",
        )

    def handle(self, *args, days: int | None, dry_run: bool, **options):
        if days is None:
            days = getattr(settings, "CONSENT_RETENTION_DAYS", 5 * 365)
        if days < 1:
            raise CommandError(f"Keep at least 1 day of records (asked for {days}).")
        cut_off = timezone.localdate() - dt.timedelta(days=days)
        before = timezone.make_aware(dt.datetime.combine(cut_off, dt.time.min))

        if dry_run:
            count = ConsentRecord.objects.filter(created_at__lt=before).count()
            self.stdout.write(
                f"Would remove {_records(count)} made before {cut_off:%Y-%m-%d} "
                "(dry run: nothing was removed)."
            )
            return
        count = ConsentRecord.objects.prune(before)
        self.stdout.write(
            self.style.SUCCESS(f"Removed {_records(count)} made before {cut_off:%Y-%m-%d}.")
        )


def _records(count: int) -> str:
    return f"{count:,} consent record" + ("" if count == 1 else "s")
