"""The demo archive's topics, organisations, people with their positions, media contacts."""

import datetime as dt

from django.utils.text import slugify

from ..models import MediaContact, Organisation, Person, Position, Topic
from . import phrases as P
from .builder import PREFIX, YEARS, Builder
from .text import Tri, fill, tri


def build_topics(b: Builder) -> None:
    taken = set(Topic.objects.values_list("slug", flat=True))
    taken |= set(Topic.objects.values_list("name_en", flat=True))
    topics = [
        b.translated(
            Topic,
            slug=PREFIX + slug,
            name=tri(en, zh),
            description=fill(P.TOPIC_DESCRIPTION, topic=tri(en, zh)),
        )
        for slug, en, zh in P.TOPICS
        if PREFIX + slug not in taken and en not in taken
    ]
    b.archive.topics = b.bulk(Topic, topics)


def build_organisations(b: Builder) -> None:
    combos = [(p, f, k) for p in P.ORG_PLACES for f in P.ORG_FIELDS for k in P.ORG_KINDS]
    b.rng.shuffle(combos)
    organisations = []
    for i in range(b.sizes["organisations"]):
        place, field_, (kind, kind_en, kind_zh) = combos[i % len(combos)]
        round_ = f" {i // len(combos) + 1}" if i >= len(combos) else ""
        en = f"Demo {place[0]} {field_[0]} {kind_en}{round_}"
        zh = f"示範{place[1]}{field_[1]}{kind_zh}{round_.strip()}"
        initials = "".join(word[0] for word in en.split() if word[0].isalpha())
        city = b.city()
        organisations.append(
            b.translated(
                Organisation,
                name=tri(en, zh),
                short_name=Tri(initials, initials, initials),
                slug=PREFIX + slugify(en.removeprefix("Demo ")),
                kind=kind,
                city=city,
                website=f"https://example.org/demo/{slugify(en)}",
            )
        )
    b.archive.organisations = b.bulk(Organisation, organisations)


def build_people(b: Builder) -> None:
    people, positions = [], []
    for i in range(b.sizes["people"]):
        given, surname = b.rng.choice(P.GIVEN_NAMES), b.rng.choice(P.SURNAMES)
        zh_name = b.rng.choice(P.CHINESE_SURNAMES) + b.rng.choice(P.CHINESE_GIVEN)
        org = b.rng.choice(b.archive.organisations)
        topic = b.rng.choice(b.archive.topics)
        name = tri(f"{given} {surname}", zh_name)
        person = b.translated(
            Person,
            honorific=tri(*b.rng.choice(P.HONORIFICS)),
            name=name,
            slug=f"{PREFIX}{slugify(name.en)}-{i + 1}",
            bio=fill(P.BIO, name=name, org=b.org_slot(org), **b.topic_slots(topic)),
            **b.state(b.past_date()),
        )
        people.append(person)
        held = [org, *([b.rng.choice(b.archive.organisations)] * (i % 3 == 0))]
        for order, organisation in enumerate(held):
            started = b.past_date(YEARS + 5)
            ended = None
            if order:  # an earlier position, now ended
                ended = started + dt.timedelta(days=b.rng.randint(200, 1500))
                ended = min(ended, b.today)
            position = b.translated(
                Position,
                title=fill(b.rng.choice(P.POSITION_TITLES), org=b.org_slot(organisation)),
                organisation=organisation,
                start_date=started,
                end_date=ended,
                order=order,
            )
            position._person = person
            positions.append(position)
    b.archive.people = b.bulk(Person, people)
    for position in positions:
        position.person = position._person
    b.bulk(Position, positions)
    b.index.people(people)


def build_contacts(b: Builder) -> None:
    b.archive.contacts = b.bulk(
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
