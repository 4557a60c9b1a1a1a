"""Appending a signed manifest when what an item publishes has changed, and reading them back."""

import base64
import datetime as dt
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from . import keys
from .canonical import FORM, sha256
from .models import Manifest

TYPE = "newsroom-manifest/1"
# The parts of a manifest that say what was published; a version differs from the last in one.
CONTENT = ("sub", "languages", "documents")


@dataclass
class Published:
    """What an item publishes now, as the app that owns it describes it."""

    url: str  # its address in its authoritative language, absolute
    title: str
    # language code → (absolute address, canonical text)
    texts: dict[str, tuple[str, str]]
    # each linked document: url (absolute), title, language, media_type, size, sha256
    documents: list[dict] = field(default_factory=list)
    authoritative: str = "en"


def _time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def encode(payload: dict) -> bytes:
    """The manifest's bytes: JSON with sorted keys, no spaces, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def payload_of(manifest: Manifest) -> dict:
    """The manifest a JWS carries (its signature was checked when it was made)."""
    part = manifest.token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def content_of(published: Published) -> dict:
    return {
        "sub": published.url,
        "languages": {
            code: {"url": url, "sha256": sha256(text)}
            for code, (url, text) in sorted(published.texts.items())
        },
        "documents": published.documents,
    }


def latest(obj: models.Model) -> Manifest | None:
    return Manifest.objects.of(obj).order_by("-version").first()


def append(
    obj: models.Model,
    published: Published,
    *,
    last: Manifest | None,
    published_at: dt.datetime,
    change: str,
    note: dict[str, str] | None = None,
    withdrawn: dict[str, str] | None = None,
) -> Manifest | None:
    """Sign and append the item's next version after `last` (its `latest()`), unless it
    publishes what that one did. The caller holds the item's row (select_for_update) from
    reading `last`, so versions follow one another."""
    content = content_of(published)
    with transaction.atomic():
        if last is not None:
            payload = payload_of(last)
            if {name: payload.get(name) for name in CONTENT} == content:
                return None
        version = last.version + 1 if last else 1
        now = timezone.now()
        payload = {
            "typ": TYPE,
            "form": FORM,
            "iss": settings.NEWSROOM_SITE_URL,
            **content,
            "item": {
                "kind": obj._meta.model_name,
                "id": str(obj.pk),
                "title": published.title,
                "authoritative": published.authoritative,
            },
            "version": version,
            "change": change,
            "published_at": _time(published_at),
            "signed_at": _time(now),
            "previous": last.sha256 if last else None,
        }
        if note:
            payload["note"] = note
        if withdrawn is not None:
            payload["withdrawn"] = withdrawn  # no longer public from published_at, and why
        token = keys.sign(encode(payload))
        return Manifest.objects.create(
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_id=str(obj.pk),
            object_repr=published.title[:300],
            version=version,
            change=change,
            published_at=published_at,
            signed_at=now,
            kid=keys.current_kid(),
            token=token,
            sha256=sha256(token),
            texts={code: text for code, (_url, text) in published.texts.items()},
            documents=published.documents,
        )
