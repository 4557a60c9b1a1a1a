"""The demo archive's events, with their programme of sessions and their speakers."""

import datetime as dt

from ..models import Event, EventSession, EventSpeaker
from . import phrases as P
from .builder import YEARS, Builder, demo_slug
from .text import Tri, fill, tri


def build_events(b: Builder) -> None:
    count = b.sizes["events"]
    days = sorted(
        b.today + dt.timedelta(days=b.rng.randint(-365 * YEARS, 120)) for _ in range(count)
    )
    events, organisers, topics, programmes = [], [], [], []
    for i, day in enumerate(days):
        org, org2 = b.two_organisations()
        topic = b.rng.choice(b.archive.topics)
        kind, kind_en, kind_zh = b.rng.choice(P.EVENT_KINDS)
        kind_slot = tri(kind_en, kind_zh)
        slots = b.slots(
            topic,
            org,
            org2,
            kind=kind_slot,
            kind_title=Tri(kind_en.title(), kind_zh, kind_slot.zh_hans),
            year=day.year,
        )
        title = fill(b.rng.choice(P.EVENT_TITLES), **slots)
        start = b.rng.choice([None, dt.time(9), dt.time(9, 30), dt.time(14), dt.time(15)])
        multi_day = b.rng.random() < 0.1
        end_time = None
        if start is not None:
            end_time = dt.time(start.hour + b.rng.randint(2, 4), start.minute)
        published_on = min(day, b.today) - dt.timedelta(days=b.rng.randint(14, 60))
        event = b.translated(
            Event,
            title=title,
            slug=demo_slug(title.en, i + 1),
            kind=kind,
            event_status=b.rng.choices(list(Event.EventStatus.values), weights=[95, 3, 2])[0],
            summary=fill(b.rng.choice(P.EVENT_SUMMARIES), **slots),
            start_date=day,
            start_time=start,
            end_date=day + dt.timedelta(days=b.rng.randint(1, 2)) if multi_day else None,
            end_time=end_time,
            time_zone=P.TIME_ZONES[slots["city"].en],
            venue=tri(*b.rng.choice(P.VENUES)),
            city=slots["city"],
            occasion=fill(P.OCCASION, year=day.year) if b.rng.random() < 0.25 else Tri("", "", ""),
            registration_url=f"https://example.org/demo/register/{i + 1}" if day >= b.today else "",
            **b.state(published_on),
        )
        if b.rng.random() < 0.05 and b.archive.mous:
            event.mou = b.rng.choice(b.archive.mous)
        events.append(event)
        organisers += [(event, org)] + [(event, org2)] * (b.rng.random() < 0.4)
        topics.append((event, topic))
        programmes.append((event, slots, start))
    b.archive.events = b.bulk(Event, events)
    b.archive.event_dates = days
    b.link(
        Event.organisers.through,
        [(e.pk, o.pk) for e, o in organisers],
        "event",
        "organisation",
    )
    b.link(Event.topics.through, [(e.pk, t.pk) for e, t in topics], "event", "topic")
    build_programmes(b, programmes)
    b.index.events(events)


def build_programmes(b: Builder, programmes: list) -> None:
    sessions, speakers = [], []
    roles = [r for r in EventSpeaker.Role.values if r != EventSpeaker.Role.OPENING_REMARKS]
    for event, slots, start in programmes:
        own = []
        for order, template in enumerate(b.rng.sample(P.SESSIONS, b.rng.randint(1, 3))):
            begins = dt.time(start.hour + order, start.minute) if start else None
            ends = dt.time(start.hour + order + 1, start.minute) if start else None
            session = b.translated(
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
        people = b.rng.sample(b.archive.people, b.rng.randint(2, 4))
        for order, person in enumerate(people):
            role = EventSpeaker.Role.OPENING_REMARKS if order == 0 else b.rng.choice(roles)
            speaker = EventSpeaker(event=event, person=person, role=role, order=order)
            speaker._session = own[min(order, len(own) - 1)]
            speakers.append(speaker)
    b.bulk(EventSession, sessions)
    for speaker in speakers:
        speaker.session = speaker._session
    b.bulk(EventSpeaker, speakers)
    b.index.speakers(speakers)
