"""Write a backup archive of the database and the uploaded files while the site runs."""

from django.core.management.base import BaseCommand, CommandError

from core import backups


class Command(BaseCommand):
    help = (
        "Write newsroom-backup-YYYYMMDDTHHMMSSZ.tar.gz: a consistent copy of the database "
        "(SQLite's online backup, or pg_dump) and the files under MEDIA_ROOT, with a manifest "
        "of checksums. Safe while the site is serving and editors are writing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "destination",
            nargs="?",
            default=".",
            help="A directory for the archive (default: the current one), or a .tar.gz name.",
        )

    def handle(self, *args, destination: str, **options):
        try:
            path, manifest = backups.create(destination, note=self.stderr.write)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        if options["verbosity"] >= 2:
            self.stderr.write(
                f"{manifest['database']['engine']} database and "
                f"{manifest['media']['files']} uploaded files, made {manifest['created']}."
            )
        # The path alone on stdout, for scripts (cron) to pick up.
        self.stdout.write(str(path))
