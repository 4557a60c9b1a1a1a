"""Fill the database with a demo archive of press releases and all they link to: `generate_demo`."""

import datetime as dt
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import translation

from core import page_cache
from media_centre.demo import archive, cleanup


class Command(BaseCommand):
    help = (
        "Generate a realistic demo archive: N press releases over ten years with proportionate "
        "events, speakers, organisations, MoUs, studies, documents, quotes and consent records, "
        "in English, Traditional and Simplified Chinese. The same --seed gives the same rows "
        "(dates count back from --today). Demo rows are marked (slugs start with demo-, "
        "organisations are named Demo …) and --flush removes them."
    )
    requires_migrations_checks = True

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--releases", type=int, help="How many press releases (e.g. 20000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            help="The archive's last day, YYYY-MM-DD (default: today).",
        )
        parser.add_argument(
            "--flush", action="store_true", help="Remove earlier demo rows first (or only)."
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even when DJANGO_DEBUG is false."
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DJANGO_DEBUG is false: this looks like production, and demo content does not "
                "belong there. Add --force if this database is really for demonstrations."
            )
        releases = options["releases"]
        if releases is None and not options["flush"]:
            raise CommandError("Say how many press releases to make: --releases N (or --flush).")
        if releases is not None and releases < 1:
            raise CommandError("--releases must be at least 1.")
        started = time.perf_counter()
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            if options["flush"]:
                removed = cleanup.flush()
                self.report("Removed", removed, time.perf_counter() - started)
            elif cleanup.exists():
                raise CommandError(
                    "The database already holds demo content; add --flush to replace it."
                )
            # Bulk writes send no signals: stored pages must go (once the transaction commits).
            page_cache.invalidate()
            if releases is None:
                return
            built = time.perf_counter()
            counts = archive.generate(releases, options["seed"], options["today"])
        self.report("Made", counts, time.perf_counter() - built)

    def report(self, verb: str, counts, seconds: float) -> None:
        for label, n in sorted(counts.items(), key=lambda item: str(item[0])):
            self.stdout.write(f"  {label}: {n}")
        total = sum(counts.values())
        self.stdout.write(self.style.SUCCESS(f"{verb} {total} demo rows in {seconds:.1f} s."))
