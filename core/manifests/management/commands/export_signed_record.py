"""`manage.py export_signed_record [FILE]`: every signed manifest, with the public keys."""

import sys

from django.core.management.base import BaseCommand

from ... import export


class Command(BaseCommand):
    help = "Write the signed record (every manifest, oldest first, and the public keys) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Where to write it (default: standard output)")

    def handle(self, *args, file=None, **options) -> None:
        out = open(file, "w", encoding="utf-8") if file else sys.stdout  # noqa: SIM115
        try:
            for chunk in export.chunks():
                out.write(chunk)
        finally:
            if file:
                out.close()
