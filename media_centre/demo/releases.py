"""The demo archive's press releases, with quotes, topics, organisations and PDFs."""

from django.utils import timezone

from ..models import PressRelease, Quote, Status
from . import phrases as P
from .builder import Builder, demo_slug
from .text import fill, html_paragraphs, join, tri


def build_releases(b: Builder) -> None:
    count = b.sizes["releases"]
    days = sorted(b.past_date() for _ in range(count))
    releases, documents, attachments, quotes = [], [], [], []
    topics, organisations = [], []
    for i, day in enumerate(days):
        org, org2 = b.two_organisations()
        topic = b.rng.choice(b.archive.topics)
        kind_en, kind_zh = b.rng.choice(P.EVENT_KINDS)[1:]
        slots = b.slots(topic, org, org2, kind=tri(kind_en, kind_zh), year=day.year - 1)
        headline = fill(b.rng.choice(P.HEADLINES), **slots)
        sentences = [fill(s, **slots) for s in b.rng.sample(P.SENTENCES, 5)]
        paragraphs = [join(sentences[:3]), join(sentences[3:]), tri(*P.DEMO_NOTE)]
        state = b.state(day)
        if state["status"] == Status.PUBLISHED and state["publish_at"] > b.now:
            day = timezone.localtime(state["publish_at"], b.tz).date()  # embargoed
        release = b.translated(
            PressRelease,
            headline=headline,
            slug=demo_slug(headline.en, i + 1),
            dateline_place=slots["city"],
            release_date=None if state["status"] == Status.DRAFT and i % 2 else day,
            summary=fill(b.rng.choice(P.SUMMARIES), **slots),
            body=html_paragraphs(paragraphs),
            **state,
        )
        if b.rng.random() < 0.2:
            release.event = b.event_before(day)
        if b.rng.random() < 0.02:
            release.mou = b.rng.choice(b.archive.mous)
        if b.rng.random() < 0.04:
            release.study = b.rng.choice(b.archive.studies)
        if b.rng.random() < 0.8:
            release.media_contact = b.rng.choice(b.archive.contacts)
        if b.rng.random() < 0.3:
            release.pdf = b.document(headline.en)
            documents.append(release.pdf)
        if b.rng.random() < 0.05:
            annex = b.document(f"Annex to {headline.en}")
            documents.append(annex)
            attachments.append((release, annex))
        for order in range(b.rng.choices([0, 1, 2], weights=[30, 45, 25])[0]):
            quote = b.translated(
                Quote,
                text=fill(b.rng.choice(P.QUOTES), **slots),
                person=b.rng.choice(b.archive.people),
                order=order,
            )
            quote._release = release
            quotes.append(quote)
        releases.append(release)
        topics += [(release, topic)] + [
            (release, t) for t in b.rng.sample(b.archive.topics, 2)[: i % 2] if t != topic
        ]
        organisations += [(release, org)] + [(release, org2)] * (b.rng.random() < 0.5)
    b.save_documents(documents)
    b.bulk(PressRelease, releases)
    for quote in quotes:
        quote.release = quote._release
    b.bulk(Quote, quotes)
    through = PressRelease.topics.through
    b.link(through, [(r.pk, t.pk) for r, t in topics], "pressrelease", "topic")
    through = PressRelease.organisations.through
    b.link(through, [(r.pk, o.pk) for r, o in organisations], "pressrelease", "organisation")
    through = PressRelease.attachments.through
    b.link(through, [(r.pk, d.pk) for r, d in attachments], "pressrelease", "document")
    b.index.releases(releases, quotes, attachments)
