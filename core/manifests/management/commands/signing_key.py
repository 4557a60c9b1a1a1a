"""`manage.py signing_key`: make, rotate and show the key that signs published versions."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ... import keys


class Command(BaseCommand):
    help = (
        "Make a signing key (new), replace the current one keeping its public half (rotate), "
        "or print the published keys (public)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--create-if-missing",
            action="store_true",
            help="Development: make the key file beside the database unless it exists.",
        )
        actions = parser.add_subparsers(dest="action")
        new = actions.add_parser("new", help="Write a new private key to a file.")
        new.add_argument("--out", required=True, help="The file (must not exist yet).")
        rotate = actions.add_parser(
            "rotate", help="A new key in --key-file; the old one's public half is kept."
        )
        rotate.add_argument("--key-file", required=True, help="The current key's file.")
        rotate.add_argument(
            "--retired-file", required=True, help="The JWKS file of retired public keys."
        )
        actions.add_parser("public", help="Print the public keys (JWKS), as the site serves them.")

    def handle(self, *args, action=None, create_if_missing=False, **options) -> None:
        if create_if_missing:
            path = keys.dev_key_file()
            if path.exists():
                self.stdout.write(f"Signing key: {path} (kept)")
            else:
                key = keys.create_key_file(path)
                self.stdout.write(f"Signing key made for development: {path} ({key.thumbprint()})")
            return
        if action == "new":
            key = self._create(Path(options["out"]))
            self.stdout.write(f"Key {key.thumbprint()} written to {options['out']} (mode 600).")
            self.stdout.write("Its public half, which the site publishes:")
            self.stdout.write(json.dumps(keys.public_jwk(key), indent=2))
        elif action == "rotate":
            self._rotate(Path(options["key_file"]), Path(options["retired_file"]))
        elif action == "public":
            self.stdout.write(json.dumps(keys.public_jwks(), indent=2))
        else:
            raise CommandError("Say what to do: new, rotate or public (see --help).")

    def _create(self, path: Path):
        try:
            return keys.create_key_file(path)
        except FileExistsError:
            raise CommandError(f"{path} exists: a key is never overwritten.") from None
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error}") from None

    def _rotate(self, key_file: Path, retired_file: Path) -> None:
        try:
            old = keys.parse_private(key_file.read_text(), str(key_file))
        except OSError as error:
            raise CommandError(f"Cannot read the current key {key_file}: {error}") from None
        retired = keys.retired_keys(retired_file) if retired_file.exists() else []
        public = keys.public_jwk(old)
        if all(entry["kid"] != public["kid"] for entry in retired):
            retired.append(public)
        # The old public half is safe on disk before the private key is replaced.
        staged = retired_file.with_name(retired_file.name + ".new")
        staged.write_text(json.dumps({"keys": retired}, indent=2) + "\n")
        staged.replace(retired_file)
        replacement = key_file.with_name(key_file.name + ".new")
        replacement.unlink(missing_ok=True)
        new = self._create(replacement)
        replacement.replace(key_file)
        self.stdout.write(
            f"Key {public['kid']} retired (its public half is in {retired_file}); "
            f"{key_file} now holds key {new.thumbprint()}. Restart the app servers, with "
            f"NEWSROOM_SIGNING_RETIRED_KEYS_FILE={retired_file}."
        )
