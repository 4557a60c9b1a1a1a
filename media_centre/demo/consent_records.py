"""The demo archive's proof of consent: records from the documentation networks."""

import datetime as dt
import hashlib
import uuid

from consent.models import Action, Category, ConsentRecord, Method, PolicyVersion

from .builder import DEMO_NETWORKS, LANGUAGE_CODES, Builder


def build_consent_records(b: Builder) -> None:
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
    for _ in range(b.sizes["consent_records"]):
        action = b.rng.choices(actions, weights=[50, 25, 15, 5, 5])[0]
        categories = {
            slug: necessary
            or action == Action.ACCEPT_ALL
            or (action == Action.CUSTOM and b.rng.random() < 0.5)
            for slug, necessary in slugs
        }
        language = b.rng.choice(LANGUAGE_CODES)
        when = dt.datetime.combine(b.past_date(2), dt.time(0), b.tz) + dt.timedelta(
            seconds=b.rng.randrange(86_400)
        )
        records.append(
            ConsentRecord(
                consent_id=uuid.UUID(int=b.rng.getrandbits(128), version=4),
                created_at=when,
                action=action,
                method=Method.GPC
                if action == Action.GPC
                else b.rng.choice([Method.BANNER, Method.SETTINGS]),
                categories=categories,
                policy_version=version,
                language=language,
                page=f"/{language}/",
                text_hash=shown[language],
                ip_prefix=b.rng.choice(DEMO_NETWORKS),
                user_agent_hash=b.rng.choice(agents),
            )
        )
    b.bulk(ConsentRecord, records)
