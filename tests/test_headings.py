"""Headings go down one level at a time on every page with items (WCAG 1.3.1, the Nu checker)."""

import datetime as dt
import re

import pytest
from bs4 import BeautifulSoup

from .conftest import make_event, make_mou, make_person, make_release, make_study

pytestmark = pytest.mark.django_db

PAGES = [
    "",
    "media-centre/press-releases/",
    "media-centre/press-releases/2025/",
    "media-centre/events/",
    "media-centre/events/?when=past",
    "media-centre/mous/",
    "publications/",
    "speakers/",
]


def skipped_levels(html: str) -> list[str]:
    levels = [
        int(tag.name[1])
        for tag in BeautifulSoup(html, "html.parser").find_all(re.compile("^h[1-6]$"))
    ]
    return [f"h{a} → h{b}" for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_no_page_with_items_skips_a_heading_level(client, language):
    make_release(release_date=dt.date(2025, 6, 19))
    make_event(start_date=dt.date(2099, 1, 1))
    make_event(start_date=dt.date(2020, 1, 1))
    make_mou()
    make_study()
    make_person()
    for page in PAGES:
        response = client.get(f"/{language}/{page}")
        assert response.status_code == 200, page
        assert skipped_levels(response.content.decode()) == [], page
