"""A realistic demo archive in bulk: N press releases over ten years and all they link to.

Rows are built in memory from a seeded random generator and the phrase banks, and written with
`bulk_create` in batches (no per-row `save()`, no signals). The search index is written the same
way, with the text `search.index_item` would write.
"""

import datetime as dt
from collections import Counter

from . import consent_records, directory, events, publications, releases
from .builder import Builder


def generate(count: int, seed: int, today: dt.date | None = None) -> Counter:
    """Make an archive of `count` releases; return how many rows of each kind were written."""
    b = Builder(count, seed, today)
    b.store_pdfs()
    directory.build_topics(b)
    directory.build_organisations(b)
    directory.build_people(b)
    directory.build_contacts(b)
    publications.build_mous(b)
    events.build_events(b)
    publications.build_studies(b)
    releases.build_releases(b)
    consent_records.build_consent_records(b)
    b.archive.counts["search entries"] = b.index.save()
    return b.archive.counts
