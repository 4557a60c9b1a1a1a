"""Restore the database and the uploaded files from a backup archive, after checking it."""

import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from core import backups


class Command(BaseCommand):
    help = (
        "Check every checksum in a backup archive, then replace the database with its copy and "
        "write its files into MEDIA_ROOT, then migrate when the backup is older than the code. "
        "A damaged or foreign archive is refused before anything is touched."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="A newsroom-backup-….tar.gz made by `backup`.")
        parser.add_argument(
            "--yes",
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation (needed when not run from a terminal).",
        )

    def handle(self, *args, archive: str, interactive: bool, **options):
        try:
            manifest = backups.verify(archive)
            backups.check_compatible(manifest)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        database = connections["default"].settings_dict["NAME"]
        media = backups.media_root()
        summary = (
            f"{archive}: a {manifest['database']['engine']} backup made {manifest['created']}, "
            f"{len(manifest['files']) - 1} uploaded files; every checksum matches."
        )
        self.stdout.write(summary)
        if interactive:
            if not sys.stdin.isatty():
                raise CommandError(
                    "Restoring replaces the whole database: confirm with --yes (or --noinput) "
                    "when not running from a terminal. Nothing was changed."
                )
            answer = input(
                f"This replaces every row of the database {database} and writes the files into "
                f"{media or 'nothing (object storage)'}. Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled. Nothing was changed.")
        try:
            restored = backups.restore(archive, manifest, note=self.stderr.write)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored the database and {restored} uploaded files.")

        connection = connections["default"]
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stdout.write("The backup is older than the code: migrating.")
            call_command("migrate", interactive=False, verbosity=options["verbosity"])
