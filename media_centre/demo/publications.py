"""The demo archive's MoUs and studies, with their parties, authors and files."""

from ..models import DatePrecision, MoU, MoUParty, Study
from . import phrases as P
from .builder import LANGUAGE_CODES, Builder, demo_slug
from .text import fill


def build_mous(b: Builder) -> None:
    mous, documents, parties, topics = [], [], [], []
    for i in range(b.sizes["mous"]):
        org, org2 = b.two_organisations()
        topic = b.rng.choice(b.archive.topics)
        slots = b.slots(topic, org, org2)
        signed = b.past_date()
        precision = b.rng.choices(
            [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR], [16, 3, 1]
        )[0]
        if precision == DatePrecision.MONTH:
            signed = signed.replace(day=1)
        elif precision == DatePrecision.YEAR:
            signed = signed.replace(month=1, day=1)
        title = fill(P.MOU_TITLE, **slots)
        mou = b.translated(
            MoU,
            title=title,
            slug=demo_slug(title.en, i + 1),
            signed_on=signed,
            signed_on_precision=precision,
            signed_place=slots["city"],
            summary=fill(P.MOU_SUMMARY, **slots),
            **b.state(signed),
        )
        if b.rng.random() < 0.7:
            mou.document = b.document(title.en)
            documents.append(mou.document)
        mous.append(mou)
        signatories = [None, *b.rng.sample(b.archive.people, 2)]
        for order, party in enumerate([org, org2]):
            parties.append((mou, party, b.rng.choice(signatories), order))
        topics.append((mou, topic))
    b.save_documents(documents)
    b.archive.mous = b.bulk(MoU, mous)
    b.bulk(
        MoUParty,
        [MoUParty(mou=m, organisation=o, signatory=s, order=n) for m, o, s, n in parties],
    )
    b.link(MoU.topics.through, [(m.pk, t.pk) for m, t in topics], "mou", "topic")
    b.index.mous(mous)


def build_studies(b: Builder) -> None:
    studies, documents, files, authors, people, topics = [], [], [], [], [], []
    for i in range(b.sizes["studies"]):
        org, org2 = b.two_organisations()
        topic = b.rng.choice(b.archive.topics)
        day = b.past_date()
        slots = b.slots(topic, org, org2, year=day.year)
        title = fill(b.rng.choice(P.STUDY_TITLES), **slots)
        study = b.translated(
            Study,
            title=title,
            slug=demo_slug(title.en, i + 1),
            kind=b.rng.choice(Study.Kind.values),
            publication_date=day,
            abstract=fill(P.STUDY_ABSTRACT, **slots),
            **b.state(day),
        )
        if b.rng.random() < 0.2:
            study.launch_event = b.event_before(day)
        if b.rng.random() < 0.1:
            study.mou = b.rng.choice(b.archive.mous)
        languages = ["en"] + [c for c in LANGUAGE_CODES[1:] if b.rng.random() < 0.5]
        for language in languages:
            text = title.en if language == "en" else title[LANGUAGE_CODES.index(language)]
            document = b.document(text, language)
            documents.append(document)
            files.append((study, document))
        studies.append(study)
        authors += [(study, org)] + [(study, org2)] * (b.rng.random() < 0.3)
        people += [(study, p) for p in b.rng.sample(b.archive.people, i % 3)]
        topics.append((study, topic))
    b.save_documents(documents)
    b.archive.studies = b.bulk(Study, studies)
    through = Study.files.through
    b.link(through, [(s.pk, d.pk) for s, d in files], "study", "document")
    b.link(
        Study.author_organisations.through,
        [(s.pk, o.pk) for s, o in authors],
        "study",
        "organisation",
    )
    b.link(Study.author_people.through, [(s.pk, p.pk) for s, p in people], "study", "person")
    b.link(Study.topics.through, [(s.pk, t.pk) for s, t in topics], "study", "topic")
    b.index.studies(studies, files)
