"""The signed record as one JSON document, with the public keys that verify it."""

import json
from collections.abc import Iterator

from django.conf import settings
from django.utils import timezone

from . import keys
from .canonical import FORM
from .models import Manifest
from .record import TYPE


def chunks() -> Iterator[str]:
    """The whole record, oldest first, written a piece at a time (it only grows)."""
    head = {
        "type": "newsroom-signed-record/1",
        "manifest_type": TYPE,
        "text_form": FORM,
        "site": settings.NEWSROOM_SITE_URL,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "keys": keys.public_jwks(),
    }
    yield json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "manifests": ['
    rows = Manifest.objects.order_by("pk").values_list("sha256", "token")
    for n, (sha256, token) in enumerate(rows.iterator(chunk_size=1000)):
        entry = json.dumps({"sha256": sha256, "jws": token})
        yield ("\n  " if n == 0 else ",\n  ") + entry
    yield "\n ]\n}\n"
