"""A realistic demo archive in bulk: N press releases over ten years and all they link to.

Rows are built in memory from a seeded random generator and the phrase banks, and written with
`bulk_create` in batches (no per-row `save()`, no signals). The search index is written the same
way, with the text `search.index_item` would write. Every demo row is recognisable: slugs start
with `demo-`, organisations are “Demo …”, files are `documents/…/demo-….pdf`, consent records
come from the documentation networks 192.0.2.0/24 and 2001:db8::/32.
"""

import bisect
import datetime as dt
import hashlib
import random
import uuid
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from consent.models import Action, Category, ConsentRecord, Method, PolicyVersion

from ..models import (
    DatePrecision,
    Document,
    DocumentVersion,
    Event,
    EventSession,
    EventSpeaker,
    MediaContact,
    MoU,
    MoUParty,
    Organisation,
    Person,
    Position,
    PressRelease,
    Quote,
    Status,
    Study,
    Topic,
)
from ..models.slugs import slug_for
from . import phrases as P
from .pdfs import demo_pdfs
from .search_entries import SearchEntries
from .text import Tri, fill, html_paragraphs, join, tri

PREFIX = "demo-"
BATCH = 500
DEMO_NETWORKS = ("192.0.2.0", "2001:db8::")  # RFC 5737 and RFC 3849: never a real visitor
DISTINCT_PDFS = 12
YEARS = 10
LANGUAGE_CODES = ("en", "zh-hant", "zh-hans")
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
        self.archive.counts[model._meta.verbose_name_plural] += len(objects)
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
        self.bulk(
            DocumentVersion,
            [
                DocumentVersion(
                    document=doc,
                    number=1,
                    file=doc.file.name,
                    file_name=doc.file_name,
                    media_type=doc.media_type,
                    size=doc.size,
                    sha256=doc.sha256,
                    page_count=doc.page_count,
                    note="Demo upload.",
                )
                for doc in documents
            ],
        )

    # The archive --------------------------------------------------------------------------

    def build(self) -> Counter:
        self.store_pdfs()
        self.build_topics()
        self.build_organisations()
        self.build_people()
        self.build_contacts()
        self.build_mous()
        self.build_events()
        self.build_studies()
        self.build_releases()
        self.build_consent_records()
        self.archive.counts["search entries"] = self.index.save()
        return self.archive.counts

    def build_topics(self) -> None:
        taken = set(Topic.objects.values_list("slug", flat=True))
        taken |= set(Topic.objects.values_list("name_en", flat=True))
        topics = [
            self.translated(
                Topic,
                slug=PREFIX + slug,
                name=tri(en, zh),
                description=fill(P.TOPIC_DESCRIPTION, topic=tri(en, zh)),
            )
            for slug, en, zh in P.TOPICS
            if PREFIX + slug not in taken and en not in taken
        ]
        self.archive.topics = self.bulk(Topic, topics)

    def build_organisations(self) -> None:
        combos = [(p, f, k) for p in P.ORG_PLACES for f in P.ORG_FIELDS for k in P.ORG_KINDS]
        self.rng.shuffle(combos)
        organisations = []
        for i in range(self.sizes["organisations"]):
            place, field_, (kind, kind_en, kind_zh) = combos[i % len(combos)]
            round_ = f" {i // len(combos) + 1}" if i >= len(combos) else ""
            en = f"Demo {place[0]} {field_[0]} {kind_en}{round_}"
            zh = f"示範{place[1]}{field_[1]}{kind_zh}{round_.strip()}"
            initials = "".join(word[0] for word in en.split() if word[0].isalpha())
            city = self.city()
            organisations.append(
                self.translated(
                    Organisation,
                    name=tri(en, zh),
                    short_name=Tri(initials, initials, initials),
                    slug=PREFIX + slugify(en.removeprefix("Demo ")),
                    kind=kind,
                    city=city,
                    website=f"https://example.org/demo/{slugify(en)}",
                )
            )
        self.archive.organisations = self.bulk(Organisation, organisations)

    def build_people(self) -> None:
        people, positions = [], []
        for i in range(self.sizes["people"]):
            given, surname = self.rng.choice(P.GIVEN_NAMES), self.rng.choice(P.SURNAMES)
            zh_name = self.rng.choice(P.CHINESE_SURNAMES) + self.rng.choice(P.CHINESE_GIVEN)
            org = self.rng.choice(self.archive.organisations)
            topic = self.rng.choice(self.archive.topics)
            name = tri(f"{given} {surname}", zh_name)
            person = self.translated(
                Person,
                honorific=tri(*self.rng.choice(P.HONORIFICS)),
                name=name,
                slug=f"{PREFIX}{slugify(name.en)}-{i + 1}",
                bio=fill(P.BIO, name=name, org=self.org_slot(org), **self.topic_slots(topic)),
                **self.state(self.past_date()),
            )
            people.append(person)
            held = [org, *([self.rng.choice(self.archive.organisations)] * (i % 3 == 0))]
            for order, organisation in enumerate(held):
                started = self.past_date(YEARS + 5)
                ended = None
                if order:  # an earlier position, now ended
                    ended = started + dt.timedelta(days=self.rng.randint(200, 1500))
                    ended = min(ended, self.today)
                position = self.translated(
                    Position,
                    title=fill(self.rng.choice(P.POSITION_TITLES), org=self.org_slot(organisation)),
                    organisation=organisation,
                    start_date=started,
                    end_date=ended,
                    order=order,
                )
                position._person = person
                positions.append(position)
        self.archive.people = self.bulk(Person, people)
        for position in positions:
            position.person = position._person
        self.bulk(Position, positions)
        self.index.people(people)

    def build_contacts(self) -> None:
        self.archive.contacts = self.bulk(
            MediaContact,
            [
                MediaContact(
                    name=f"Demo Media Desk {n}",
                    email=f"media-desk-{n}@example.org",
                    phone=f"+852 0000 000{n}",
                )
                for n in (1, 2, 3)
            ],
        )

    def build_mous(self) -> None:
        mous, documents, parties, topics = [], [], [], []
        for i in range(self.sizes["mous"]):
            org, org2 = self.two_organisations()
            topic = self.rng.choice(self.archive.topics)
            slots = self.slots(topic, org, org2)
            signed = self.past_date()
            precision = self.rng.choices(
                [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR], [16, 3, 1]
            )[0]
            if precision == DatePrecision.MONTH:
                signed = signed.replace(day=1)
            elif precision == DatePrecision.YEAR:
                signed = signed.replace(month=1, day=1)
            title = fill(P.MOU_TITLE, **slots)
            mou = self.translated(
                MoU,
                title=title,
                slug=demo_slug(title.en, i + 1),
                signed_on=signed,
                signed_on_precision=precision,
                signed_place=slots["city"],
                summary=fill(P.MOU_SUMMARY, **slots),
                **self.state(signed),
            )
            if self.rng.random() < 0.7:
                mou.document = self.document(title.en)
                documents.append(mou.document)
            mous.append(mou)
            signatories = [None, *self.rng.sample(self.archive.people, 2)]
            for order, party in enumerate([org, org2]):
                parties.append((mou, party, self.rng.choice(signatories), order))
            topics.append((mou, topic))
        self.save_documents(documents)
        self.archive.mous = self.bulk(MoU, mous)
        self.bulk(
            MoUParty,
            [MoUParty(mou=m, organisation=o, signatory=s, order=n) for m, o, s, n in parties],
        )
        self.link(MoU.topics.through, [(m.pk, t.pk) for m, t in topics], "mou", "topic")
        self.index.mous(mous)

    def build_events(self) -> None:
        count = self.sizes["events"]
        days = sorted(
            self.today + dt.timedelta(days=self.rng.randint(-365 * YEARS, 120))
            for _ in range(count)
        )
        events, organisers, topics, programmes = [], [], [], []
        for i, day in enumerate(days):
            org, org2 = self.two_organisations()
            topic = self.rng.choice(self.archive.topics)
            kind, kind_en, kind_zh = self.rng.choice(P.EVENT_KINDS)
            kind_slot = tri(kind_en, kind_zh)
            slots = self.slots(
                topic,
                org,
                org2,
                kind=kind_slot,
                kind_title=Tri(kind_en.title(), kind_zh, kind_slot.zh_hans),
                year=day.year,
            )
            title = fill(self.rng.choice(P.EVENT_TITLES), **slots)
            start = self.rng.choice([None, dt.time(9), dt.time(9, 30), dt.time(14), dt.time(15)])
            multi_day = self.rng.random() < 0.1
            end_time = None
            if start is not None:
                end_time = dt.time(start.hour + self.rng.randint(2, 4), start.minute)
            published_on = min(day, self.today) - dt.timedelta(days=self.rng.randint(14, 60))
            event = self.translated(
                Event,
                title=title,
                slug=demo_slug(title.en, i + 1),
                kind=kind,
                event_status=self.rng.choices(list(Event.EventStatus.values), weights=[95, 3, 2])[
                    0
                ],
                summary=fill(self.rng.choice(P.EVENT_SUMMARIES), **slots),
                start_date=day,
                start_time=start,
                end_date=day + dt.timedelta(days=self.rng.randint(1, 2)) if multi_day else None,
                end_time=end_time,
                time_zone=P.TIME_ZONES[slots["city"].en],
                venue=tri(*self.rng.choice(P.VENUES)),
                city=slots["city"],
                occasion=fill(P.OCCASION, year=day.year)
                if self.rng.random() < 0.25
                else Tri("", "", ""),
                registration_url=f"https://example.org/demo/register/{i + 1}"
                if day >= self.today
                else "",
                **self.state(published_on),
            )
            if self.rng.random() < 0.05 and self.archive.mous:
                event.mou = self.rng.choice(self.archive.mous)
            events.append(event)
            organisers += [(event, org)] + [(event, org2)] * (self.rng.random() < 0.4)
            topics.append((event, topic))
            programmes.append((event, slots, start))
        self.archive.events = self.bulk(Event, events)
        self.archive.event_dates = days
        self.link(
            Event.organisers.through,
            [(e.pk, o.pk) for e, o in organisers],
            "event",
            "organisation",
        )
        self.link(Event.topics.through, [(e.pk, t.pk) for e, t in topics], "event", "topic")
        self.build_programmes(programmes)
        self.index.events(events)

    def build_programmes(self, programmes: list) -> None:
        sessions, speakers = [], []
        roles = [r for r in EventSpeaker.Role.values if r != EventSpeaker.Role.OPENING_REMARKS]
        for event, slots, start in programmes:
            own = []
            for order, template in enumerate(self.rng.sample(P.SESSIONS, self.rng.randint(1, 3))):
                begins = dt.time(start.hour + order, start.minute) if start else None
                ends = dt.time(start.hour + order + 1, start.minute) if start else None
                session = self.translated(
                    EventSession,
                    title=fill(template, **slots),
                    description=fill(P.SESSION_DESCRIPTION, **slots),
                    start_time=begins,
                    end_time=ends,
                    order=order,
                )
                session.event = event
                own.append(session)
            sessions += own
            people = self.rng.sample(self.archive.people, self.rng.randint(2, 4))
            for order, person in enumerate(people):
                role = EventSpeaker.Role.OPENING_REMARKS if order == 0 else self.rng.choice(roles)
                speaker = EventSpeaker(event=event, person=person, role=role, order=order)
                speaker._session = own[min(order, len(own) - 1)]
                speakers.append(speaker)
        self.bulk(EventSession, sessions)
        for speaker in speakers:
            speaker.session = speaker._session
        self.bulk(EventSpeaker, speakers)
        self.index.speakers(speakers)

    def event_before(self, day: dt.date) -> Event | None:
        position = bisect.bisect_right(self.archive.event_dates, day)
        return self.archive.events[position - 1] if position else None

    def build_studies(self) -> None:
        studies, documents, files, authors, people, topics = [], [], [], [], [], []
        for i in range(self.sizes["studies"]):
            org, org2 = self.two_organisations()
            topic = self.rng.choice(self.archive.topics)
            day = self.past_date()
            slots = self.slots(topic, org, org2, year=day.year)
            title = fill(self.rng.choice(P.STUDY_TITLES), **slots)
            study = self.translated(
                Study,
                title=title,
                slug=demo_slug(title.en, i + 1),
                kind=self.rng.choice(Study.Kind.values),
                publication_date=day,
                abstract=fill(P.STUDY_ABSTRACT, **slots),
                **self.state(day),
            )
            if self.rng.random() < 0.2:
                study.launch_event = self.event_before(day)
            if self.rng.random() < 0.1:
                study.mou = self.rng.choice(self.archive.mous)
            languages = ["en"] + [c for c in LANGUAGE_CODES[1:] if self.rng.random() < 0.5]
            for language in languages:
                text = title.en if language == "en" else title[LANGUAGE_CODES.index(language)]
                document = self.document(text, language)
                documents.append(document)
                files.append((study, document))
            studies.append(study)
            authors += [(study, org)] + [(study, org2)] * (self.rng.random() < 0.3)
            people += [(study, p) for p in self.rng.sample(self.archive.people, i % 3)]
            topics.append((study, topic))
        self.save_documents(documents)
        self.archive.studies = self.bulk(Study, studies)
        through = Study.files.through
        self.link(through, [(s.pk, d.pk) for s, d in files], "study", "document")
        self.link(
            Study.author_organisations.through,
            [(s.pk, o.pk) for s, o in authors],
            "study",
            "organisation",
        )
        self.link(Study.author_people.through, [(s.pk, p.pk) for s, p in people], "study", "person")
        self.link(Study.topics.through, [(s.pk, t.pk) for s, t in topics], "study", "topic")
        self.index.studies(studies, files)

    def build_releases(self) -> None:
        count = self.sizes["releases"]
        days = sorted(self.past_date() for _ in range(count))
        releases, documents, attachments, quotes = [], [], [], []
        topics, organisations = [], []
        for i, day in enumerate(days):
            org, org2 = self.two_organisations()
            topic = self.rng.choice(self.archive.topics)
            kind_en, kind_zh = self.rng.choice(P.EVENT_KINDS)[1:]
            slots = self.slots(topic, org, org2, kind=tri(kind_en, kind_zh), year=day.year - 1)
            headline = fill(self.rng.choice(P.HEADLINES), **slots)
            sentences = [fill(s, **slots) for s in self.rng.sample(P.SENTENCES, 5)]
            paragraphs = [join(sentences[:3]), join(sentences[3:]), tri(*P.DEMO_NOTE)]
            state = self.state(day)
            if state["status"] == Status.PUBLISHED and state["publish_at"] > self.now:
                day = timezone.localtime(state["publish_at"], self.tz).date()  # embargoed
            release = self.translated(
                PressRelease,
                headline=headline,
                slug=demo_slug(headline.en, i + 1),
                dateline_place=slots["city"],
                release_date=None if state["status"] == Status.DRAFT and i % 2 else day,
                summary=fill(self.rng.choice(P.SUMMARIES), **slots),
                body=html_paragraphs(paragraphs),
                **state,
            )
            if self.rng.random() < 0.2:
                release.event = self.event_before(day)
            if self.rng.random() < 0.02:
                release.mou = self.rng.choice(self.archive.mous)
            if self.rng.random() < 0.04:
                release.study = self.rng.choice(self.archive.studies)
            if self.rng.random() < 0.8:
                release.media_contact = self.rng.choice(self.archive.contacts)
            if self.rng.random() < 0.3:
                release.pdf = self.document(headline.en)
                documents.append(release.pdf)
            if self.rng.random() < 0.05:
                annex = self.document(f"Annex to {headline.en}")
                documents.append(annex)
                attachments.append((release, annex))
            for order in range(self.rng.choices([0, 1, 2], weights=[30, 45, 25])[0]):
                quote = self.translated(
                    Quote,
                    text=fill(self.rng.choice(P.QUOTES), **slots),
                    person=self.rng.choice(self.archive.people),
                    order=order,
                )
                quote._release = release
                quotes.append(quote)
            releases.append(release)
            topics += [(release, topic)] + [
                (release, t) for t in self.rng.sample(self.archive.topics, 2)[: i % 2] if t != topic
            ]
            organisations += [(release, org)] + [(release, org2)] * (self.rng.random() < 0.5)
        self.save_documents(documents)
        self.bulk(PressRelease, releases)
        for quote in quotes:
            quote.release = quote._release
        self.bulk(Quote, quotes)
        through = PressRelease.topics.through
        self.link(through, [(r.pk, t.pk) for r, t in topics], "pressrelease", "topic")
        through = PressRelease.organisations.through
        self.link(through, [(r.pk, o.pk) for r, o in organisations], "pressrelease", "organisation")
        through = PressRelease.attachments.through
        self.link(through, [(r.pk, d.pk) for r, d in attachments], "pressrelease", "document")
        self.index.releases(releases, quotes, attachments)

    def build_consent_records(self) -> None:
        slugs = list(Category.objects.values_list("slug", "is_necessary")) or [
            ("necessary", True),
            ("performance", False),
            ("functionality", False),
            ("targeting", False),
        ]
        policy = PolicyVersion.objects.current()
        version = policy.version if policy else 0
        agents = [hashlib.sha256(f"demo-browser-{n}".encode()).hexdigest() for n in range(6)]
        shown = {
            code: hashlib.sha256(f"demo-policy-{version}-{code}".encode()).hexdigest()
            for code in LANGUAGE_CODES
        }
        actions = [Action.ACCEPT_ALL, Action.REJECT_ALL, Action.CUSTOM, Action.WITHDRAW, Action.GPC]
        records = []
        for _ in range(self.sizes["consent_records"]):
            action = self.rng.choices(actions, weights=[50, 25, 15, 5, 5])[0]
            categories = {
                slug: necessary
                or action == Action.ACCEPT_ALL
                or (action == Action.CUSTOM and self.rng.random() < 0.5)
                for slug, necessary in slugs
            }
            language = self.rng.choice(LANGUAGE_CODES)
            when = dt.datetime.combine(self.past_date(2), dt.time(0), self.tz) + dt.timedelta(
                seconds=self.rng.randrange(86_400)
            )
            records.append(
                ConsentRecord(
                    consent_id=uuid.UUID(int=self.rng.getrandbits(128), version=4),
                    created_at=when,
                    action=action,
                    method=Method.GPC
                    if action == Action.GPC
                    else self.rng.choice([Method.BANNER, Method.SETTINGS]),
                    categories=categories,
                    policy_version=version,
                    language=language,
                    page=f"/{language}/",
                    text_hash=shown[language],
                    ip_prefix=self.rng.choice(DEMO_NETWORKS),
                    user_agent_hash=self.rng.choice(agents),
                )
            )
        self.bulk(ConsentRecord, records)
