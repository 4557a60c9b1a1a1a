"""Keeping the search index in step with content: normalised text, PDF text, signals."""

import html
import re
import unicodedata

from django.conf import settings
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.html import strip_tags

from core.chinese_script import to_simplified
from core.languages import field_suffix

from ..models import (
    Document,
    Event,
    EventSpeaker,
    MoU,
    Person,
    PressRelease,
    Quote,
    SearchEntry,
    Status,
    Study,
)
from ..models.search import sort_key

Kind = SearchEntry.Kind

# kind → (model, date field); the title field is the first of `TITLES`.
MODELS: dict[str, tuple[type[models.Model], str | None]] = {
    Kind.RELEASE: (PressRelease, "release_date"),
    Kind.EVENT: (Event, "start_date"),
    Kind.MOU: (MoU, "signed_on"),
    Kind.STUDY: (Study, "publication_date"),
    Kind.PERSON: (Person, None),
}
TITLES = {
    Kind.RELEASE: "headline",
    Kind.EVENT: "title",
    Kind.MOU: "title",
    Kind.STUDY: "title",
    Kind.PERSON: "name",
}
KINDS = {model: kind for kind, (model, _date) in MODELS.items()}

MAX_DOCUMENT_CHARS = 200_000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")


HTML_FIELDS = {"body"}


def plain(value: str) -> str:
    """Text without control characters, on one line."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", value or "")).strip()


def html_to_text(value: str) -> str:
    return plain(html.unescape(strip_tags(value or "")))


def field_text(obj: models.Model, name: str) -> str:
    """A field's text as a reader sees it: markup removed from rich text."""
    value = getattr(obj, name, "") or ""
    rich = any(name == field or name.startswith(f"{field}_") for field in HTML_FIELDS)
    return html_to_text(value) if rich else plain(value)


def normalise(value: str) -> str:
    """Lowercase, Simplified script, NFKC: the form both the index and the query take."""
    text = plain(unicodedata.normalize("NFKC", value or "")).lower()
    return to_simplified(text) if text else ""


def languages() -> list[str]:
    return [field_suffix(code) for code, _name in settings.LANGUAGES]


def all_languages(obj: models.Model, fields: list[str]) -> list[str]:
    return [field_text(obj, f"{field}_{suffix}") for field in fields for suffix in languages()]


def _name_variants(person: Person) -> list[str]:
    return all_languages(person, ["name"])


def item_text(obj: models.Model) -> str:
    """All languages' translated text of `obj`, with related names that readers search for."""
    parts = all_languages(obj, type(obj).translated_fields())
    if isinstance(obj, PressRelease):
        for quote in Quote.objects.filter(release=obj).select_related("person"):
            parts += _name_variants(quote.person) + all_languages(quote, ["text"])
    elif isinstance(obj, Event):
        for speaker in EventSpeaker.objects.filter(event=obj).select_related("person"):
            parts += _name_variants(speaker.person)
    return " \n ".join(dict.fromkeys(normalise(part) for part in parts if part))


def attached_documents(obj: models.Model) -> list[Document]:
    if isinstance(obj, PressRelease):
        docs = list(obj.attachments.all())
        if obj.pdf_id:
            docs.insert(0, obj.pdf)
        return list({doc.pk: doc for doc in docs}.values())
    if isinstance(obj, Study):
        return list(obj.files.all())
    if isinstance(obj, MoU) and obj.document_id:
        return [obj.document]
    return []


def pdf_text(document: Document) -> str:
    """The text of a PDF, capped; a file pypdf cannot read has none."""
    if document.media_type != "application/pdf" or not document.file:
        return ""
    try:
        from pypdf import PdfReader

        parts, length = [], 0
        with document.file.open("rb") as f:
            for page in PdfReader(f).pages:
                text = page.extract_text() or ""
                parts.append(text)
                length += len(text)
                if length >= MAX_DOCUMENT_CHARS:
                    break
        return plain(unicodedata.normalize("NFKC", " ".join(parts)))[:MAX_DOCUMENT_CHARS]
    except Exception:  # a damaged or hostile PDF is simply not searchable
        return ""


def _known_text(document: Document, previous: list[dict]) -> str | None:
    """Text already extracted from a file with this checksum, so that each PDF is parsed once."""
    for known in previous:
        if known.get("sha256") == document.sha256:
            return known.get("text", "")
    if not document.sha256:
        return None
    other = SearchEntry.objects.filter(documents__icontains=document.sha256).first()
    for known in other.documents if other else []:
        if known.get("sha256") == document.sha256:
            return known.get("text", "")
    return None


def document_entries(obj: models.Model, previous: list[dict]) -> list[dict]:
    entries = []
    for document in attached_documents(obj):
        text = _known_text(document, previous)
        if text is None:
            text = pdf_text(document)
        entries.append(
            {"id": document.pk, "title": document.title, "sha256": document.sha256, "text": text}
        )
    return entries


def visibility(obj: models.Model) -> dict:
    """When the public may see the item, as the entry holds it: the publication time while the
    status is published (`published_q` compares it with the clock when a search runs)."""
    published = obj.status == Status.PUBLISHED
    return {
        "public_from": obj.publish_at if published else None,
        "public_until": obj.unpublish_at if published else None,
    }


def index_item(obj: models.Model) -> SearchEntry | None:
    """Write (or rewrite) the entry of one release, event, MoU, study or person."""
    kind = KINDS.get(type(obj))
    if kind is None or obj.pk is None:
        return None
    date_field = MODELS[kind][1]
    date = getattr(obj, date_field) if date_field else None
    previous = (
        SearchEntry.objects.filter(kind=kind, object_id=obj.pk)
        .values_list("documents", flat=True)
        .first()
    )
    documents = document_entries(obj, previous or [])
    entry, _created = SearchEntry.objects.update_or_create(
        kind=kind,
        object_id=obj.pk,
        defaults={
            "year": date.year if date else None,
            "date": date,
            "sort_key": sort_key(kind, obj.pk, date),
            **visibility(obj),
            "title": normalise(" ".join(all_languages(obj, [TITLES[kind]]))),
            "text": item_text(obj),
            "document_text": normalise(
                " \n ".join(f"{doc['title']} {doc['text']}" for doc in documents)
            ),
            "documents": documents,
        },
    )
    return entry


def remove_item(obj: models.Model) -> None:
    kind = KINDS.get(type(obj))
    if kind is not None:
        SearchEntry.objects.filter(kind=kind, object_id=obj.pk).delete()


def rebuild() -> int:
    """Index every item again; return how many entries there are."""
    count = 0
    for model, _date in MODELS.values():
        for obj in model._default_manager.iterator(chunk_size=200):
            index_item(obj)
            count += 1
    known = {
        (kind, pk)
        for kind, (model, _d) in MODELS.items()
        for pk in model._default_manager.values_list("pk", flat=True)
    }
    stale = [
        entry_id
        for entry_id, kind, object_id in SearchEntry.objects.values_list("pk", "kind", "object_id")
        if (kind, object_id) not in known
    ]
    SearchEntry.objects.filter(pk__in=stale).delete()
    return count


# Signal receivers ------------------------------------------------------------------------------


def _on_save(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        index_item(instance)


def _on_delete(sender, instance, **kwargs) -> None:
    remove_item(instance)


def _reindex(queryset: models.QuerySet) -> None:
    for obj in queryset:
        index_item(obj)


def _on_quote_change(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        _reindex(PressRelease.objects.filter(pk=instance.release_id))


def _on_speaker_change(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        _reindex(Event.objects.filter(pk=instance.event_id))


def _on_person_save(sender, instance, raw=False, **kwargs) -> None:
    """A quoted or speaking person's names are part of the releases' and events' text."""
    if not raw and kwargs.get("created") is False:
        _reindex(PressRelease.objects.filter(quotes__person=instance).distinct())
        _reindex(Event.objects.filter(speakers__person=instance).distinct())


def _on_document_save(sender, instance, raw=False, **kwargs) -> None:
    if not raw and not kwargs.get("created"):
        for obj in instance.usages():
            index_item(obj)


def _on_attachments_change(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        index_item(instance)
    elif pk_set:
        _reindex(model.objects.filter(pk__in=pk_set))


def connect() -> None:
    for model, _date in MODELS.values():
        post_save.connect(_on_save, sender=model, dispatch_uid=f"search-save-{model.__name__}")
        post_delete.connect(
            _on_delete, sender=model, dispatch_uid=f"search-delete-{model.__name__}"
        )
    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(_on_quote_change, sender=Quote, dispatch_uid=f"search-quote-{name}")
        signal.connect(
            _on_speaker_change, sender=EventSpeaker, dispatch_uid=f"search-speaker-{name}"
        )
    post_save.connect(_on_person_save, sender=Person, dispatch_uid="search-person-names")
    post_save.connect(_on_document_save, sender=Document, dispatch_uid="search-document")
    for through in (PressRelease.attachments.through, Study.files.through):
        m2m_changed.connect(
            _on_attachments_change, sender=through, dispatch_uid=f"search-m2m-{through.__name__}"
        )
