"""Load the FSDC press release of 19 June 2025 and all it states: `manage.py load_seed`."""

import datetime as dt
import hashlib
import html
import zoneinfo
from collections import Counter, defaultdict
from pathlib import Path

import reversion
from django.core.files import File
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.utils.text import slugify

from consent import seed as consent_seed
from media_centre.models import (
    DatePrecision,
    Document,
    Event,
    EventSpeaker,
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
from media_centre.models.slugs import slug_for

SEED_PDF = Path(__file__).resolve().parents[2] / "seed" / "fsdc-press-release-2025-06-19.pdf"

# A fixed time rather than now(), so that a second run finds nothing to change.
PUBLISHED = {
    "status": Status.PUBLISHED,
    "publish_at": dt.datetime(2025, 6, 19, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Hong_Kong")),
}
RELEASE_DATE = dt.date(2025, 6, 19)

# The text below is copied from the page as published, quirks included; the page's no-break
# spaces (a layout hint of its template) are ordinary spaces here.
HEADLINE = (
    'FSDC and the SRCFSD Organised a Seminar, "Collaborative Development of Shanghai and '
    'Hong Kong International Financial Centres" in Shanghai'
)
# The full slug of the headline is longer than the field; cut as PressRelease.save would.
RELEASE_SLUG = slug_for(HEADLINE, 120)

PARAGRAPHS = (
    (
        "The Financial Services Development Council (FSDC) and the Shanghai Research Center "
        "for Financial Stability and Development (SRCFSD) today jointly organised a seminar "
        'titled "Collaborative Development of Shanghai and Hong Kong International Financial '
        'Centres" in Shanghai during the Lujiazui Forum 2025. The event aimed to explore how '
        "the financial strengths of Hong Kong and Shanghai could be effectively combined to "
        "deepen collaboration. This seminar is a key initiative implemented under the "
        "Memorandum of Understanding signed between the FSDC and SRCFSD in October 2024."
    ),
    (
        "Financial cooperation between Shanghai and Hong Kong was one of the key topics at "
        "the Lujiazui Forum 2025. The seminar, held as a complementary event to the Lujiazui "
        "Forum, aimed at delving into specific areas where both cities can foster "
        "collaboration to advance their financial services industry."
    ),
    (
        "The occasion was honoured by the presence of Mr Zhou Xiaoquan, Executive Deputy "
        "Director of the Office of the Financial Commission of the CPC Shanghai Municipal "
        "Committee, Director of the Office for Advancing International Financial Center "
        "Development of the Shanghai Municipal People’s Government and Mr Christopher Hui, "
        "Secretary for Financial Services and the Treasury, delivering opening remarks, "
        "alongside the attendance of Mr Lin Wenjie, Deputy Director of the Office of the "
        "Financial Commission of the CPC Shanghai Municipal Committee. It also brought "
        "together financial institutions, industry experts, and esteemed academics from Hong "
        "Kong and Shanghai to shed light on topics such as financial connectivity, "
        "cross-boundary cooperation in commodity trading, and green finance standards."
    ),
    (
        "The event also featured the publication of a study, “Synergistic Development of "
        "Shanghai and Hong Kong as International Financial Centres in the New Era,” jointly "
        "conducted by the FSDC and the SRCFSD. The joint research outlined areas of further "
        "financial collaboration between the two cities. By exploring strategies aimed at "
        "strengthening the positions of both cities as the country's leading international "
        "financial hubs, the paper had a focus on cross-boundary investment and financing "
        "cooperation, financial connectivity, fintech, green finance, maritime finance, as "
        "well as cross-boundary risk management."
    ),
    (
        "Mr Hui noted that in his remark, “Hong Kong will continue to leverage its highly "
        "internationalised financial market, joining forces with Shanghai to provide robust "
        "support for the nation's ‘dual circulation’ strategy. By driving policy innovation, "
        "deepening market connectivity, and strengthening regulatory collaboration, we will "
        "jointly develop the Shanghai-Hong Kong nexus into complementary and synergistic "
        "global financial hubs— a 'dual-engine' for international finance.”"
    ),
    (
        "Mr Zhou added that, “Deepening Shanghai-Hong Kong financial collaboration is pivotal"
        " to China's vision of evolving from a financial powerhouse to a global financial "
        "leader—driving high-quality economic growth while positioning at the forefront of "
        "international finance. This partnership will unlock unprecedented synergy between "
        "the Yangtze River Delta and Greater Bay Area, two of China's most dynamic economic "
        "growth poles, creating a multiplier effect through shared strengths. Looking ahead, "
        "Shanghai-Hong Kong financial collaboration holds vast prospects and tremendous "
        "potential, is poised to unleash greater developmental momentum.”"
    ),
    (
        'Mr Benjamin Hung, the Chairman of the FSDC, remarked that, "The global financial '
        "market is undergoing a rapid transformation, marked by the recalibration of global "
        "assets and currency allocation, and the reshaping of financial infrastructure via "
        "technology and AI advancement. As China’s preeminent financial hubs, Hong Kong and "
        "Shanghai are uniquely positioned to join hands in advancing the steady "
        "liberalisation of China’s financial markets, accelerating the internationalisation "
        "of RMB and fostering a resilient and sustainable financial ecosystem for China."
    ),
    (
        "Mr Xu Yaowu, Director of Shanghai Research Center for Financial Stability and "
        "Development noted, “With aligned goals and complementary strengths in financial "
        "development, Shanghai and Hong Kong can deepen cooperation to pool resources, "
        "superpose strengths, and drive more efficient, coordinated growth.”"
    ),
    (
        "The FSDC and the SRCFSD will continue to advance cross-boundary financial "
        "innovation, contributing to the country’s high-quality development agenda."
    ),
)
HUI_QUOTE = (
    "Hong Kong will continue to leverage its highly internationalised financial market, "
    "joining forces with Shanghai to provide robust support for the nation's ‘dual "
    "circulation’ strategy. By driving policy innovation, deepening market connectivity, "
    "and strengthening regulatory collaboration, we will jointly develop the "
    "Shanghai-Hong Kong nexus into complementary and synergistic global financial hubs— a"
    " 'dual-engine' for international finance."
)

ZHOU_QUOTE = (
    "Deepening Shanghai-Hong Kong financial collaboration is pivotal to China's vision of"
    " evolving from a financial powerhouse to a global financial leader—driving "
    "high-quality economic growth while positioning at the forefront of international "
    "finance. This partnership will unlock unprecedented synergy between the Yangtze "
    "River Delta and Greater Bay Area, two of China's most dynamic economic growth poles,"
    " creating a multiplier effect through shared strengths. Looking ahead, Shanghai-Hong"
    " Kong financial collaboration holds vast prospects and tremendous potential, is "
    "poised to unleash greater developmental momentum."
)

HUNG_QUOTE = (
    "The global financial market is undergoing a rapid transformation, marked by the "
    "recalibration of global assets and currency allocation, and the reshaping of "
    "financial infrastructure via technology and AI advancement. As China’s preeminent "
    "financial hubs, Hong Kong and Shanghai are uniquely positioned to join hands in "
    "advancing the steady liberalisation of China’s financial markets, accelerating the "
    "internationalisation of RMB and fostering a resilient and sustainable financial "
    "ecosystem for China."
)

XU_QUOTE = (
    "With aligned goals and complementary strengths in financial development, Shanghai "
    "and Hong Kong can deepen cooperation to pool resources, superpose strengths, and "
    "drive more efficient, coordinated growth."
)

RELEASE_SUMMARY = (
    "The Financial Services Development Council (FSDC) and the Shanghai Research Center "
    "for Financial Stability and Development (SRCFSD) today jointly organised a seminar "
    'titled "Collaborative Development of Shanghai and Hong Kong International Financial '
    'Centres" in Shanghai during the Lujiazui Forum 2025.'
)

STUDY_ABSTRACT = (
    "The joint research outlined areas of further financial collaboration between the two"
    " cities. By exploring strategies aimed at strengthening the positions of both cities"
    " as the country's leading international financial hubs, the paper had a focus on "
    "cross-boundary investment and financing cooperation, financial connectivity, "
    "fintech, green finance, maritime finance, as well as cross-boundary risk management."
)

EVENT_TITLE = "Collaborative Development of Shanghai and Hong Kong International Financial Centres"
EVENT_SLUG = f"{slugify(EVENT_TITLE)}-2025"
EVENT_SUMMARY = (
    "The event aimed to explore how the financial strengths of Hong Kong and Shanghai could "
    "be effectively combined to deepen collaboration."
)
STUDY_TITLE = (
    "Synergistic Development of Shanghai and Hong Kong as International Financial Centres "
    "in the New Era"
)
MOU_SLUG = "fsdc-srcfsd-mou-2024"
MOU_TITLE = "Memorandum of Understanding between the FSDC and the SRCFSD"
MOU_SUMMARY = (
    "The FSDC and SRCFSD signed this Memorandum of Understanding in October 2024; the seminar "
    '"Collaborative Development of Shanghai and Hong Kong International Financial Centres", '
    "held in Shanghai during the Lujiazui Forum 2025, is a key initiative implemented under it."
)

FINANCIAL_COMMISSION = "Office of the Financial Commission of the CPC Shanghai Municipal Committee"
ADVANCING_OFFICE = (
    "Office for Advancing International Financial Center Development of the Shanghai "
    "Municipal People’s Government"
)
COMMISSION_SLUG = slugify(FINANCIAL_COMMISSION)
ADVANCING_OFFICE_SLUG = slugify(ADVANCING_OFFICE)
# By slug. Only what the page states: no websites or logos.
ORGANISATIONS = {
    "fsdc": {
        "name": "Financial Services Development Council",
        "short_name": "FSDC",
        "kind": Organisation.Kind.COUNCIL,
        "city": "Hong Kong",
    },
    "srcfsd": {
        "name": "Shanghai Research Center for Financial Stability and Development",
        "short_name": "SRCFSD",
        "kind": Organisation.Kind.RESEARCH_CENTRE,
        "city": "Shanghai",
    },
    COMMISSION_SLUG: {
        "name": FINANCIAL_COMMISSION,
        "kind": Organisation.Kind.GOVERNMENT,
        "city": "Shanghai",
    },
    ADVANCING_OFFICE_SLUG: {
        "name": ADVANCING_OFFICE,
        "kind": Organisation.Kind.GOVERNMENT,
        "city": "Shanghai",
    },
}

TOPICS = {
    "financial-connectivity": "Financial connectivity",
    "cross-boundary-commodity-trading": "Cross-boundary commodity trading",
    "green-finance": "Green finance",
    "fintech": "Fintech",
    "maritime-finance": "Maritime finance",
    "cross-boundary-risk-management": "Cross-boundary risk management",
    "cross-boundary-investment-and-financing-cooperation": (
        "Cross-boundary investment and financing cooperation"
    ),
}
SEMINAR_TOPICS = ["financial-connectivity", "cross-boundary-commodity-trading", "green-finance"]
STUDY_TOPICS = [
    "cross-boundary-investment-and-financing-cooperation",
    "financial-connectivity",
    "fintech",
    "green-finance",
    "maritime-finance",
    "cross-boundary-risk-management",
]

# slug, name, and each position as (title as written, organisation slug or None).
PEOPLE = [
    (
        "zhou-xiaoquan",
        "Zhou Xiaoquan",
        [
            (f"Executive Deputy Director of the {FINANCIAL_COMMISSION}", COMMISSION_SLUG),
            (f"Director of the {ADVANCING_OFFICE}", ADVANCING_OFFICE_SLUG),
        ],
    ),
    (
        "christopher-hui",
        "Christopher Hui",
        [("Secretary for Financial Services and the Treasury", None)],
    ),
    ("benjamin-hung", "Benjamin Hung", [("Chairman of the FSDC", "fsdc")]),
    (
        "xu-yaowu",
        "Xu Yaowu",
        [
            (
                "Director of Shanghai Research Center for Financial Stability and Development",
                "srcfsd",
            )
        ],
    ),
    (
        "lin-wenjie",
        "Lin Wenjie",
        [(f"Deputy Director of the {FINANCIAL_COMMISSION}", COMMISSION_SLUG)],
    ),
]

# Chinese only where it is certain: these officials' own published names and titles. Simplified
# versions are made from them by script conversion; everything else falls back to English.
CHINESE_NAMES = {"christopher-hui": "許正宇", "benjamin-hung": "洪丕正"}
CHINESE_TITLES = {"Secretary for Financial Services and the Treasury": "財經事務及庫務局局長"}

# Shown in this order: opening remarks, remarks, then those who attended.
SPEAKERS = [
    ("zhou-xiaoquan", EventSpeaker.Role.OPENING_REMARKS),
    ("christopher-hui", EventSpeaker.Role.OPENING_REMARKS),
    ("benjamin-hung", EventSpeaker.Role.REMARKS),
    ("xu-yaowu", EventSpeaker.Role.REMARKS),
    ("lin-wenjie", EventSpeaker.Role.ATTENDEE),
]

# Mr Hung's quote has no closing mark on the page; the quote itself runs to the paragraph's end.
QUOTES = [
    ("christopher-hui", HUI_QUOTE),
    ("zhou-xiaoquan", ZHOU_QUOTE),
    ("benjamin-hung", HUNG_QUOTE),
    ("xu-yaowu", XU_QUOTE),
]

BODY = "".join(f"<p>{html.escape(paragraph, quote=False)}</p>" for paragraph in PARAGRAPHS)


class Command(BaseCommand):
    help = (
        "Load the FSDC press release of 19 June 2025 with the people, organisations, event, "
        "MoU and study it names, and its PDF. Safe to run again: it changes only what differs."
    )
    requires_migrations_checks = True

    def handle(self, *args, **options) -> None:
        self.tally: defaultdict[str, Counter] = defaultdict(Counter)
        # Whatever the seed creates or changes is a revision, so its History starts with it.
        with transaction.atomic(), reversion.create_revision():
            reversion.set_comment("Loaded from the seed.")
            self.load()
        self.report()

    def load(self) -> None:
        consent_seed.load(self.upsert)
        orgs = {
            slug: self.upsert(Organisation, {"slug": slug}, values)
            for slug, values in ORGANISATIONS.items()
        }
        topics = {
            slug: self.upsert(Topic, {"slug": slug}, {"name": name})
            for slug, name in TOPICS.items()
        }
        people = {}
        for slug, name, positions in PEOPLE:
            values = {"honorific": "Mr", "name": name, **PUBLISHED}
            if slug in CHINESE_NAMES:
                values.update(name_zh_hant=CHINESE_NAMES[slug], honorific_zh_hant="先生")
            person = self.upsert(Person, {"slug": slug}, values)
            people[slug] = person
            for order, (title, org) in enumerate(positions):
                self.upsert(
                    Position,
                    {"person": person, "title": title},
                    {
                        "organisation": orgs[org] if org else None,
                        "order": order,
                        **(
                            {"title_zh_hant": CHINESE_TITLES[title]}
                            if title in CHINESE_TITLES
                            else {}
                        ),
                    },
                )

        mou = self.upsert(
            MoU,
            {"slug": MOU_SLUG},
            {
                "title": MOU_TITLE,
                # The page gives only "October 2024".
                "signed_on": dt.date(2024, 10, 1),
                "signed_on_precision": DatePrecision.MONTH,
                "summary": MOU_SUMMARY,
                **PUBLISHED,
            },
            links={"topics": [topics["financial-connectivity"]]},
        )
        for order, org in enumerate(["fsdc", "srcfsd"]):
            self.upsert(MoUParty, {"mou": mou, "organisation": orgs[org]}, {"order": order})

        # The page gives no times and no venue; Lujiazui Forum 2025 is named, not listed.
        event = self.upsert(
            Event,
            {"slug": EVENT_SLUG},
            {
                "title": EVENT_TITLE,
                "kind": Event.Kind.SEMINAR,
                "summary": EVENT_SUMMARY,
                "start_date": RELEASE_DATE,
                "time_zone": "Asia/Shanghai",
                "city": "Shanghai",
                "occasion": "Lujiazui Forum 2025",
                "mou": mou,
                **PUBLISHED,
            },
            links={
                "organisers": [orgs["fsdc"], orgs["srcfsd"]],
                "topics": [topics[slug] for slug in SEMINAR_TOPICS],
            },
        )
        for order, (slug, role) in enumerate(SPEAKERS):
            self.upsert(
                EventSpeaker,
                {"event": event, "person": people[slug], "role": role},
                {"order": order},
            )

        study = self.upsert(
            Study,
            {"slug": slugify(STUDY_TITLE)},
            {
                "title": STUDY_TITLE,
                "kind": Study.Kind.RESEARCH_REPORT,
                "publication_date": RELEASE_DATE,
                "abstract": STUDY_ABSTRACT,
                "launch_event": event,
                # The page says the seminar, not the study, was carried out under the MoU.
                "mou": None,
                **PUBLISHED,
            },
            links={
                "author_organisations": [orgs["fsdc"], orgs["srcfsd"]],
                "topics": [topics[slug] for slug in STUDY_TOPICS],
            },
        )

        release = self.upsert(
            PressRelease,
            {"release_date": RELEASE_DATE, "slug": RELEASE_SLUG},
            {
                "headline": HEADLINE,
                "dateline_place": "Hong Kong",
                "summary": RELEASE_SUMMARY,
                "body": BODY,
                "event": event,
                "mou": mou,
                "study": study,
                "pdf": self.release_pdf(),
                **PUBLISHED,
            },
            links={
                "topics": [topics[slug] for slug in SEMINAR_TOPICS],
                "organisations": [orgs["fsdc"], orgs["srcfsd"]],
            },
        )
        for order, (slug, text) in enumerate(QUOTES):
            self.upsert(
                Quote, {"release": release, "person": people[slug]}, {"text": text, "order": order}
            )

    def release_pdf(self) -> Document:
        """The release as PDF, uploaded only when no document holds the same bytes."""
        digest = hashlib.sha256(SEED_PDF.read_bytes()).hexdigest()
        values = {"title": HEADLINE, "language": "en"}
        existing = Document.objects.filter(sha256=digest).order_by("pk").first()
        if existing is not None:
            return self.upsert(Document, {"pk": existing.pk}, values)
        document = Document(**values)
        with SEED_PDF.open("rb") as f:
            # Assigned, not file.save(save=False): stored that way, the file would be named
            # before Document.save has computed the hash its upload path is made from.
            document.file = File(f, name=SEED_PDF.name)
            document.save()
        self.tally[str(Document._meta.verbose_name_plural)]["created"] += 1
        return document

    def upsert[M: models.Model](
        self, model: type[M], lookup: dict, values: dict, links: dict | None = None
    ) -> M:
        """Find by natural key, create if missing, and save only the fields that differ."""
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model._default_manager.create(**lookup, **values)
            outcome = "created"
        else:
            changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
            for name, value in changed.items():
                setattr(obj, name, value)
            if changed:
                obj.save()
            outcome = "updated" if changed else "found"
        for name, targets in (links or {}).items():
            manager = getattr(obj, name)
            if set(manager.values_list("pk", flat=True)) != {target.pk for target in targets}:
                manager.set(targets)
                if outcome == "found":
                    outcome = "updated"
        self.tally[str(model._meta.verbose_name_plural)][outcome] += 1
        return obj

    def report(self) -> None:
        for label, counts in self.tally.items():
            parts = [
                f"{counts[key]} {key}" for key in ("created", "updated", "found") if counts[key]
            ]
            self.stdout.write(f"  {label}: {', '.join(parts)}")
        total = sum(self.tally.values(), Counter())
        if total["created"] or total["updated"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Seed loaded: {total['created']} created, {total['updated']} updated, "
                    f"{total['found']} already up to date."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Nothing to do: all {total['found']} seed rows already loaded.")
            )
