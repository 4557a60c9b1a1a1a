"""The demo archive's search entries, written in bulk with the text `search.index_item` writes."""

from collections import defaultdict
from functools import cache

from django.db import models

from core.languages import SUFFIXES

from ..models import Document, Event, EventSpeaker, MoU, Person, PressRelease, Quote, SearchEntry
from ..models.search import sort_key
from ..search.index import HTML_FIELDS, KINDS, MODELS, TITLES, normalise, pdf_text, visibility
from .text import fold, html_text

BATCH = 500


@cache
def _fields(model: type[models.Model]) -> list[str]:
    return model.translated_fields()


def _value(obj: models.Model, name: str, suffix: str) -> str:
    # The Traditional text folds to its Simplified sibling, which was converted from it.
    text = getattr(obj, f"{name}_{'zh_hans' if suffix == 'zh_hant' else suffix}") or ""
    return html_text(text) if name in HTML_FIELDS else text


def _texts(obj: models.Model, names: list[str]) -> list[str]:
    return [
        _value(obj, name, suffix)
        for name in names
        for suffix in SUFFIXES
        if getattr(obj, f"{name}_{suffix}")
    ]


class SearchEntries:
    """Entries collected while the archive is built, saved at the end in one bulk insert."""

    def __init__(self) -> None:
        self.entries: list[SearchEntry] = []
        self.pdf_texts: dict[str, str] = {}
        self.speaker_names: dict[int, list[str]] = defaultdict(list)

    def read_pdfs(self, pdfs: list[dict]) -> None:
        """Each stored file's text, read once with the index's own extraction."""
        for pdf in pdfs:
            document = Document(file=pdf["name"], media_type="application/pdf")
            self.pdf_texts[pdf["sha256"]] = pdf_text(document)

    def add(self, obj: models.Model, extra: list[str] = (), documents: list[Document] = ()) -> None:
        kind = KINDS[type(obj)]
        date_field = MODELS[kind][1]
        date = getattr(obj, date_field) if date_field else None
        parts = _texts(obj, _fields(type(obj))) + list(extra)
        found = [
            {
                "id": doc.pk,
                "title": doc.title,
                "sha256": doc.sha256,
                "text": self.pdf_texts.get(doc.sha256, ""),
            }
            for doc in {doc.pk: doc for doc in documents}.values()
        ]
        self.entries.append(
            SearchEntry(
                kind=kind,
                object_id=obj.pk,
                year=date.year if date else None,
                date=date,
                sort_key=sort_key(kind, obj.pk, date),
                **visibility(obj),
                title=fold(" ".join(_value(obj, TITLES[kind], s) for s in SUFFIXES)),
                text=" \n ".join(dict.fromkeys(fold(part) for part in parts if part)),
                document_text=normalise(
                    " \n ".join(f"{doc['title']} {doc['text']}" for doc in found)
                ),
                documents=found,
            )
        )

    def people(self, people: list[Person]) -> None:
        for person in people:
            self.add(person)

    def mous(self, mous: list[MoU]) -> None:
        for mou in mous:
            self.add(mou, documents=[mou.document] if mou.document_id else [])

    def speakers(self, speakers: list[EventSpeaker]) -> None:
        """Speakers' names are part of their events' text, in the speakers' order."""
        for speaker in sorted(speakers, key=lambda s: (s.order, s.pk)):
            self.speaker_names[speaker.event_id] += _texts(speaker.person, ["name"])

    def events(self, events: list[Event]) -> None:
        for event in events:
            self.add(event, extra=self.speaker_names.pop(event.pk, []))

    def studies(self, studies: list, files: list[tuple]) -> None:
        own = defaultdict(list)
        for study, document in files:
            own[study.pk].append(document)
        for study in studies:
            # In the order of Document.Meta.ordering, as `study.files.all()` gives them.
            documents = sorted(own[study.pk], key=lambda d: (d.title, d.language))
            self.add(study, documents=documents)

    def releases(
        self, releases: list[PressRelease], quotes: list[Quote], attachments: list[tuple]
    ) -> None:
        said, annexes = defaultdict(list), defaultdict(list)
        for quote in sorted(quotes, key=lambda q: (q.order, q.pk)):
            said[quote.release_id] += _texts(quote.person, ["name"]) + _texts(quote, ["text"])
        for release, document in attachments:
            annexes[release.pk].append(document)
        for release in releases:
            documents = sorted(annexes[release.pk], key=lambda d: (d.title, d.language))
            if release.pdf_id:
                documents.insert(0, release.pdf)
            self.add(release, extra=said[release.pk], documents=documents)

    def save(self) -> int:
        SearchEntry.objects.bulk_create(self.entries, batch_size=BATCH)
        return len(self.entries)
