"""What every part of the demo archive shares: sizes, the random source, bulk writes, documents.

Every demo row is recognisable: slugs start with `demo-`, organisations are “Demo …”, files are
`documents/…/demo-….pdf`, consent records come from the documentation networks 192.0.2.0/24 and
2001:db8::/32.
"""

import bisect
import datetime as dt
import hashlib
import random
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from core import languages

from ..models import (
    Document,
    DocumentVersion,
    Event,
    MediaContact,
    MoU,
    Organisation,
    Person,
    Status,
    Study,
    Topic,
)
from ..models.slugs import slug_for
from . import phrases as P
from .pdfs import demo_pdfs
from .search_entries import SearchEntries
from .text import Tri, tri

PREFIX = "demo-"
BATCH = 500
DEMO_NETWORKS = ("192.0.2.0", "2001:db8::")  # RFC 5737 and RFC 3849: never a real visitor
DISTINCT_PDFS = 12
YEARS = 10
LANGUAGE_CODES = languages.CODES
# The share of items in each publishing state; the rest are published.
STATE_SHARES = (("draft", 0.03), ("scheduled", 0.02), ("withdrawn", 0.02))


def demo_slug(text: str, number: int) -> str:
    """`demo-<text>-<number>`: unique by its number, recognisable by its prefix."""
    return f"{PREFIX}{slug_for(text.removeprefix('Demo '), 100)}-{number}"


def sizes(releases: int) -> dict[str, int]:
    """How many of each thing an archive of `releases` press releases has."""
    return {
        "releases": releases,
        "organisations": max(8, releases // 100),
        "people": max(12, releases // 50),
        "events": max(4, releases // 5),
        "mous": max(2, releases // 100),
        "studies": max(3, releases // 40),
        "consent_records": max(10, releases // 2),
    }


@dataclass
class Archive:
    """What has been built so far, kept for linking and for the search index."""

    topics: list[Topic] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    contacts: list[MediaContact] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    event_dates: list[dt.date] = field(default_factory=list)
    mous: list[MoU] = field(default_factory=list)
    studies: list[Study] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)


class Builder:
    """The random source, the rows made so far, and the helpers every part of the archive uses."""

    def __init__(self, releases: int, seed: int, today: dt.date | None = None) -> None:
        self.rng = random.Random(seed)
        self.sizes = sizes(releases)
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.archive = Archive()
        self.index = SearchEntries()
        self.pdfs: list[dict] = []
        self.file_position = 0

    # Helpers ------------------------------------------------------------------------------

    def bulk(self, model: type[models.Model], objects: list) -> list:
        model._default_manager.bulk_create(objects, batch_size=BATCH)
        self.archive.counts[str(model._meta.verbose_name_plural)] += len(objects)
        return objects

    def link(self, through: type[models.Model], rows: list[tuple[int, int]], a: str, b: str):
        objects = [through(**{f"{a}_id": x, f"{b}_id": y}) for x, y in rows]
        through._default_manager.bulk_create(objects, batch_size=BATCH)

    def translated(self, model: type[models.Model], **fields: Tri | object) -> models.Model:
        """An unsaved row with each `Tri` value in its three language fields."""
        values, derived = {}, self.rng.random() < 0.7
        converted = []
        for name, value in fields.items():
            if isinstance(value, Tri):
                for suffix, text in zip(("en", "zh_hant", "zh_hans"), value, strict=True):
                    values[f"{name}_{suffix}"] = text
                if derived and value.zh_hant:
                    converted.append(f"{name}_zh_hans")
            else:
                values[name] = value
        # Most Chinese items were written in Traditional and converted, as Translated.save does.
        return model(**values, derived_translations=sorted(converted))

    def state(self, past: dt.date) -> dict:
        """Publishing fields for an item dated `past`, in one of the four states."""
        draw = self.rng.random()
        at = dt.datetime.combine(past, dt.time(9, 0), self.tz) + dt.timedelta(
            minutes=self.rng.randrange(0, 8 * 60)
        )
        name = "published"
        for state, share in STATE_SHARES:
            if draw < share:
                name = state
                break
            draw -= share
        if name == "draft":
            return {"status": Status.DRAFT, "publish_at": None}
        if name == "scheduled":
            later = self.today + dt.timedelta(days=self.rng.randint(2, 30))
            return {
                "status": Status.PUBLISHED,
                "publish_at": dt.datetime.combine(later, dt.time(10), self.tz),
            }
        if name == "withdrawn":
            return {
                "status": Status.WITHDRAWN,
                "publish_at": at,
                "withdrawn_reason": P.WITHDRAWN_REASON,
            }
        return {"status": Status.PUBLISHED, "publish_at": at}

    def past_date(self, years: float = YEARS) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(1, int(365 * years)))

    def topic_slots(self, topic: Topic) -> dict[str, Tri]:
        en = topic.name_en if topic.name_en[1:2].isupper() else topic.name_en[0].lower()
        en += topic.name_en[1:] if not topic.name_en[1:2].isupper() else ""
        return {
            "topic": Tri(en, topic.name_zh_hant, topic.name_zh_hans),
            "topic_title": Tri(topic.name_en, topic.name_zh_hant, topic.name_zh_hans),
        }

    @staticmethod
    def org_slot(org: Organisation) -> Tri:
        return Tri(org.name_en, org.name_zh_hant, org.name_zh_hans)

    def city(self) -> Tri:
        return tri(*self.rng.choice(P.CITIES))

    def slots(self, topic: Topic, org: Organisation, org2: Organisation, **more) -> dict:
        return {
            **self.topic_slots(topic),
            "org": self.org_slot(org),
            "org2": self.org_slot(org2),
            "city": self.city(),
            **more,
        }

    def two_organisations(self) -> tuple[Organisation, Organisation]:
        first, second = self.rng.sample(self.archive.organisations, 2)
        return first, second

    def event_before(self, day: dt.date) -> Event | None:
        position = bisect.bisect_right(self.archive.event_dates, day)
        return self.archive.events[position - 1] if position else None

    # Documents ----------------------------------------------------------------------------

    def store_pdfs(self) -> None:
        """A few real PDFs, each stored once and shared by many documents."""
        for content, pages in demo_pdfs(self.rng, DISTINCT_PDFS):
            sha256 = hashlib.sha256(content).hexdigest()
            name = f"documents/{sha256[:2]}/{PREFIX}{sha256[:16]}.pdf"
            if not default_storage.exists(name):
                stored = default_storage.save(name, ContentFile(content))
                assert stored == name, stored
            self.pdfs.append({"name": name, "sha256": sha256, "size": len(content), "pages": pages})
        self.index.read_pdfs(self.pdfs)

    def document(self, title: str, language: str = "en") -> Document:
        pdf = self.pdfs[self.file_position % len(self.pdfs)]
        self.file_position += 1
        return Document(
            file=pdf["name"],
            title=title[:300],
            is_accessible=self.rng.random() < 0.3,
            language=language,
            file_name=(slugify(title, allow_unicode=True) or "document")[:180] + ".pdf",
            media_type="application/pdf",
            size=pdf["size"],
            sha256=pdf["sha256"],
            page_count=pdf["pages"],
            download_count=self.rng.randint(0, 500),
            file_updated_at=self.now,
        )

    def save_documents(self, documents: list[Document]) -> None:
        self.bulk(Document, documents)
        self.bulk(DocumentVersion, [doc.version_of_file(1, "Demo upload.") for doc in documents])
