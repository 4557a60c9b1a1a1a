"""Signing what each release, event, MoU and study publishes, and checking a text or file
against it (core.manifests keeps the signed record; this module says what an item publishes)."""

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.signals import post_save
from django.tasks import task
from django.utils import timezone, translation

from core import languages
from core.manifests import record
from core.manifests.canonical import canonical, loose
from core.manifests.models import Manifest
from core.translation_checks import title_field

from .models import Document, Event, MoU, PressRelease, PublicNote, Study
from .notes import NOTED_MODELS

logger = logging.getLogger(__name__)

# Each kind's text, in the order of its page: (field, is rich text).
TEXTS: dict[type[models.Model], tuple[tuple[str, bool], ...]] = {
    PressRelease: (("headline", False), ("dateline_place", False), ("summary", False),
                   ("body", True)),
    Event: (("title", False), ("summary", False), ("occasion", False), ("venue", False),
            ("street_address", False), ("city", False), ("region", False)),
    MoU: (("title", False), ("signed_place", False), ("summary", False)),
    Study: (("title", False), ("abstract", False)),
}  # fmt: skip
SIGNED = tuple(TEXTS)
# A pasted text shorter than this (as compared) says too little to be found meaningfully.
SHORTEST_QUOTE = 12
LONGEST_QUOTE = 20_000
SWEEP_BATCH = 500


def _site(path: str) -> str:
    return f"{settings.NEWSROOM_SITE_URL}{path}"


def _pieces(item: models.Model) -> Iterable[tuple[str, bool]]:
    for name, rich in TEXTS[type(item)]:
        yield getattr(item, name) or "", rich
    if isinstance(item, PressRelease):
        for quote in item.quotes.select_related("person"):
            yield quote.text or "", False
            yield str(quote.person), False
    if isinstance(item, Event):
        for session in item.sessions.all():
            yield session.title or "", False
            yield session.description or "", False


def documents_of(item: models.Model) -> list[Document]:
    if isinstance(item, PressRelease):
        found = ([item.pdf] if item.pdf_id else []) + list(item.attachments.all())
    elif isinstance(item, Study):
        found = list(item.files.all())
    elif isinstance(item, MoU):
        found = [item.document] if item.document_id else []
    else:
        found = []
    return list({document.pk: document for document in found}.values())


def describe(item: models.Model) -> record.Published:
    """What `item` publishes now: its text in each language it has, and its documents."""
    title = title_field(type(item))
    texts = {}
    for language in languages.LANGUAGES:
        if not (getattr(item, f"{title}_{language.suffix}", "") or "").strip():
            continue  # not in this language: its page says so and shows another
        with translation.override(language.code):
            texts[language.code] = (_site(item.get_absolute_url()), canonical(_pieces(item)))
    authoritative = item.source_language()
    with translation.override(authoritative):
        url, name = _site(item.get_absolute_url()), str(getattr(item, title))
    return record.Published(
        url=url,
        title=name,
        texts=texts,
        documents=[
            {
                "url": _site(document.get_absolute_url()),
                "title": document.title,
                "language": document.language,
                "media_type": document.media_type,
                "size": document.size,
                "sha256": document.sha256,
            }
            for document in sorted(documents_of(item), key=lambda d: d.pk)
        ],
        authoritative=authoritative,
    )


def _change(item, published: record.Published, last: Manifest | None, now):
    """(what kind of change, when it became public, the public note about it)."""
    if last is None:
        return Manifest.Change.FIRST, item.publish_at, None
    if item.publish_at > last.published_at:
        return Manifest.Change.AGAIN, item.publish_at, None
    note = (
        PublicNote.objects.filter(
            **{NOTED_MODELS[type(item)]: item}, published_at__gt=last.published_at
        )
        .published()
        .order_by("-published_at", "-pk")
        .first()
    )
    if note is not None:
        texts = {
            language.code: text
            for language in languages.LANGUAGES
            if (text := getattr(note, f"text_{language.suffix}", ""))
        }
        return note.kind, max(note.published_at, last.published_at), texts
    payload = record.payload_of(last)
    same_text = payload.get("languages") == record.content_of(published)["languages"]
    return (Manifest.Change.FILE if same_text else Manifest.Change.MINOR), now, None


def sign(item: models.Model) -> Manifest | None:
    """Append the item's next signed version if what it publishes changed (None otherwise, and
    for an item that is not public)."""
    model = type(item)
    with transaction.atomic():
        item = model._base_manager.select_for_update().filter(pk=item.pk).first()
        if item is None or not item.is_published():
            return None
        published = describe(item)
        last = record.latest(item)
        change, when, note = _change(item, published, last, timezone.now())
        return record.append(
            item, published, last=last, published_at=when, change=change, note=note
        )


def sign_withdrawal(item: models.Model) -> Manifest | None:
    """Record, signed, that an item which was public no longer is (withdrawn by a publisher,
    or its withdrawal time passed), with the reason visitors read; once per withdrawal."""
    model = type(item)
    with transaction.atomic():
        item = model._base_manager.select_for_update().filter(pk=item.pk).first()
        if item is None or not item.is_gone():
            return None
        last = record.latest(item)
        if last is None or last.change == Manifest.Change.WITHDRAWN:
            return None
        now = timezone.now()
        at = item.unpublish_at if item.unpublish_at and item.unpublish_at <= now else now
        described = describe(item)
        described.texts, described.documents = {}, []
        return record.append(
            item,
            described,
            last=last,
            published_at=max(at, last.published_at),
            change=Manifest.Change.WITHDRAWN,
            withdrawn={"reason": item.withdrawn_reason},
        )


def sign_after_commit(item: models.Model) -> None:
    """Sign `item` once the transaction that published it has committed; a failure is logged
    and the worker's sweep signs it later."""

    def run():
        try:
            if item.is_gone():
                sign_withdrawal(item)
            else:
                sign(item)
        except Exception:
            logger.exception("Could not sign %s %s now", type(item).__name__, item.pk)

    if type(item) in TEXTS:
        transaction.on_commit(run)


def unsigned(model: type[models.Model]):
    """Public items of `model` with no signed version yet (a scheduled time passed, say)."""
    return (
        model.objects.published()
        .exclude(models.Exists(_manifests_of(model)))
        .order_by("publish_at", "pk")
    )


def unsigned_withdrawals(model: type[models.Model]):
    """Items of `model` that were signed public, are gone now, and have no signed withdrawal
    (their withdrawal time passed with nobody saving anything)."""
    last_change = models.Subquery(_manifests_of(model).order_by("-version").values("change")[:1])
    return (
        model.objects.gone()
        .annotate(last_change=last_change)
        .filter(last_change__isnull=False)
        .exclude(last_change=Manifest.Change.WITHDRAWN)
    )


def _manifests_of(model):
    return Manifest.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id=models.functions.Cast(models.OuterRef("pk"), models.CharField()),
    )


@task
def sign_new_versions() -> None:
    """Sign every public item that has no signed version yet, and every withdrawal not signed
    yet (the worker runs this every minute), a batch at a time."""
    for model in SIGNED:
        for signing, items in (
            (sign, unsigned(model)),
            (sign_withdrawal, unsigned_withdrawals(model)),
        ):
            for item in items[:SWEEP_BATCH]:
                try:
                    signing(item)
                except Exception:
                    logger.exception("Could not sign %s %s", model.__name__, item.pk)


def _saved(sender, instance, **kwargs) -> None:
    # Whatever saved it (the publish page, a schedule's time, a restore, the seed): the version
    # is signed once the transaction commits, if it is public and publishes something new. A
    # draft is saved inside a transaction that is rolled back, and so is never signed.
    if instance.is_published() or instance.is_gone():
        sign_after_commit(instance)


def _file_saved(sender, instance: Document, **kwargs) -> None:
    """A document's file was replaced: every public item that links it has a new version."""
    if getattr(instance, "file_replaced", False):
        for item in instance.usages():
            if type(item) in TEXTS and item.is_published():
                sign_after_commit(item)


def connect() -> None:
    for model in SIGNED:
        post_save.connect(_saved, sender=model, dispatch_uid=f"verification.{model.__name__}")
    post_save.connect(_file_saved, sender=Document, dispatch_uid="verification.document")


# Checking what a reader holds


@dataclass
class Finding:
    """Where a pasted text or an uploaded file was found in an item's signed versions."""

    first: Manifest | None  # the first version that had it
    last: Manifest | None  # the last version that had it
    current: Manifest | None  # the item's current version
    removed_in: Manifest | None = None  # the version that no longer had it
    language: str = ""
    document: dict | None = None

    @property
    def found(self) -> bool:
        return self.first is not None

    @property
    def is_current(self) -> bool:
        return self.found and self.last == self.current


def _finding(versions: list[Manifest], holds) -> Finding:
    """`versions` oldest first; `holds(version)` → a language code or document (truthy)."""
    current = versions[-1] if versions else None
    first = last = removed = None
    detail = None
    for version in versions:
        if found := holds(version):
            first = first or version
            last, detail, removed = version, found, None
        elif last is not None and removed is None:
            removed = version
    return Finding(
        first,
        last,
        current,
        removed_in=removed if last is not None and last != current else None,
        language=detail if isinstance(detail, str) else "",
        document=detail if isinstance(detail, dict) else None,
    )


def find_text(versions: list[Manifest], text: str) -> Finding:
    wanted = loose(text)

    def holds(version: Manifest):
        for code, body in version.texts.items():
            if wanted in loose(body):
                return code
        return None

    return _finding(versions, holds)


def file_sha256(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def find_file(versions: list[Manifest], sha256: str) -> Finding:
    def holds(version: Manifest):
        return next((d for d in version.documents if d.get("sha256") == sha256), None)

    return _finding(versions, holds)
