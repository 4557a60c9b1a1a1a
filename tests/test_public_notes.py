"""Dated public notes (corrections, clarifications, updates) on pages, JSON-LD, feeds, sitemaps."""

import datetime as dt
import json
import xml.etree.ElementTree as ET
import zoneinfo

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core import page_cache
from media_centre.models import PublicNote
from media_centre.notes import NOTE_KINDS, add_public_note

from .conftest import make_event, make_mou, make_release, make_staff, make_study

pytestmark = pytest.mark.django_db

HK = zoneinfo.ZoneInfo("Asia/Hong_Kong")
PUBLISHED = dt.datetime(2025, 6, 19, 10, 0, tzinfo=HK)
FACTORIES = {"release": make_release, "event": make_event, "mou": make_mou, "study": make_study}
HEADINGS = {"en": "Corrections and updates", "zh-hant": "更正及更新", "zh-hans": "更正及更新"}
KIND_LABELS = {
    "en": ("Correction", "Update"),
    "zh-hant": ("更正", "更新"),
    "zh-hans": ("更正", "更新"),
}


def page(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def url_in(item, language: str) -> str:
    with translation.override(language):
        return item.get_absolute_url()


def json_ld(soup: BeautifulSoup) -> dict[str, dict]:
    scripts = soup.find_all("script", type="application/ld+json")
    return {data["@type"]: data for data in (json.loads(script.string) for script in scripts)}


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
@pytest.mark.parametrize("kind", FACTORIES)
def test_notes_are_listed_oldest_first_with_kind_and_time_on_each_detail_page(
    client, kind, language
):
    item = FACTORIES[kind](publish_at=PUBLISHED)
    # Written out of order: the page orders them by their public time.
    add_public_note(
        item,
        "update",
        {"en": "The speakers' slides are attached.", "zh-hant": "已附上講者簡報。"},
        None,
        at=dt.datetime(2025, 6, 21, 9, 30, tzinfo=HK),
    )
    add_public_note(
        item,
        "correction",
        {"en": "The seminar was held on 19 June, not 18 June.", "zh-hant": "研討會於6月19日舉行。"},
        None,
        at=dt.datetime(2025, 6, 20, 14, 5, tzinfo=HK),
    )
    soup = page(client, url_in(item, language))
    section = soup.find("section", class_="notes")
    assert section is not None
    heading = soup.find(id=section["aria-labelledby"])
    assert heading.get_text() == HEADINGS[language]
    entries = section.find_all("li")
    assert [entry.find(class_="notes__kind").get_text() for entry in entries] == list(
        KIND_LABELS[language]
    )
    times = [entry.find("time")["datetime"] for entry in entries]
    assert times == ["2025-06-20T14:05+08:00", "2025-06-21T09:30+08:00"]
    assert "UTC+08:00" in entries[0].find("time").get_text()
    texts = [entry.find(class_="notes__text") for entry in entries]
    if language == "en":
        assert texts[0].get_text() == "The seminar was held on 19 June, not 18 June."
        assert "lang" not in texts[0].attrs
    elif language == "zh-hant":
        assert texts[0].get_text() == "研討會於6月19日舉行。"
        assert "2025年6月20日" in entries[0].find("time").get_text()
    else:  # Simplified, converted from the Traditional text
        assert texts[0].get_text() == "研讨会于6月19日举行。"


def test_the_notes_section_follows_the_body(client):
    release = make_release(body="<p>The body of the release.</p>")
    add_public_note(release, "clarification", {"en": "Clarified the venue."}, None)
    html = client.get(release.get_absolute_url()).text
    html = html[html.index("<main") :]  # the JSON-LD in the head carries the text too
    assert html.index("The body of the release.") < html.index("Corrections and updates")
    assert html.index("Corrections and updates") < html.index("Clarified the venue.")


def test_a_page_without_notes_has_no_notes_section(client):
    release = make_release()
    assert "Corrections and updates" not in client.get(release.get_absolute_url()).text


def test_a_note_is_not_shown_before_its_time_and_its_time_ends_stored_pages(client, settings):
    settings.NEWSROOM_PAGE_CACHE = True
    release = make_release()
    when = timezone.now() + dt.timedelta(hours=2)
    add_public_note(release, "correction", {"en": "Corrected later."}, None, at=when)
    html = client.get(release.get_absolute_url()).text
    assert "Corrected later." not in html
    assert "Corrections and updates" not in html
    article = json_ld(BeautifulSoup(html, "html.parser"))["NewsArticle"]
    assert "correction" not in article
    # Stored pages end when the note becomes public, with no write at that moment (unless
    # midnight, which ends them anyway, comes first).
    local = timezone.localtime()
    midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), local.tzinfo)
    assert page_cache.next_change(timezone.now()) == min(when, midnight)


def test_a_new_note_ends_stored_pages_at_once(client, settings):
    settings.NEWSROOM_PAGE_CACHE = True
    release = make_release()
    url = release.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    add_public_note(release, "update", {"en": "Photos added."}, None)
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Photos added." in response.text


def test_json_ld_of_a_release_dates_its_last_note_and_lists_corrections(client):
    release = make_release(publish_at=PUBLISHED)
    add_public_note(
        release,
        "correction",
        {"en": "The date was wrong."},
        None,
        at=dt.datetime(2025, 6, 20, 9, 0, tzinfo=HK),
    )
    add_public_note(
        release,
        "clarification",
        {"en": "The venue is the Grand Hall."},
        None,
        at=dt.datetime(2025, 6, 21, 9, 0, tzinfo=HK),
    )
    add_public_note(
        release,
        "update",
        {"en": "Slides added."},
        None,
        at=dt.datetime(2025, 6, 22, 9, 0, tzinfo=HK),
    )
    soup = page(client, release.get_absolute_url())
    article = json_ld(soup)["NewsArticle"]
    assert article["datePublished"] == "2025-06-19T10:00:00+08:00"
    assert article["dateModified"] == "2025-06-22T09:00:00+08:00"
    assert article["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "The date was wrong.",
            "datePublished": "2025-06-20T09:00:00+08:00",
        },
        {
            "@type": "CorrectionComment",
            "text": "The venue is the Grand Hall.",
            "datePublished": "2025-06-21T09:00:00+08:00",
        },
    ]
    modified = soup.find("meta", attrs={"property": "article:modified_time"})["content"]
    assert modified == "2025-06-22T09:00:00+08:00"


def test_json_ld_of_a_study_dates_its_last_note(client):
    study = make_study(publish_at=PUBLISHED)
    add_public_note(
        study, "correction", {"en": "Table 3 fixed."}, None, at=dt.datetime(2025, 7, 1, tzinfo=HK)
    )
    report = json_ld(page(client, study.get_absolute_url()))["Report"]
    assert report["dateModified"] == "2025-07-01T00:00:00+08:00"
    assert report["correction"][0]["text"] == "Table 3 fixed."


def test_a_draft_save_or_minor_edit_does_not_change_date_modified(client):
    release = make_release(publish_at=PUBLISHED)
    soup = page(client, release.get_absolute_url())
    assert json_ld(soup)["NewsArticle"]["dateModified"] == "2025-06-19T10:00:00+08:00"
    before = release.updated_at
    release.summary = "A minor edit."
    release.save()
    release.refresh_from_db()
    assert release.updated_at > before
    soup = page(client, release.get_absolute_url())
    article = json_ld(soup)["NewsArticle"]
    assert article["dateModified"] == "2025-06-19T10:00:00+08:00"
    assert "correction" not in article
    modified = soup.find("meta", attrs={"property": "article:modified_time"})["content"]
    assert modified == "2025-06-19T10:00:00+08:00"


def feed(client, kind: str, language: str = "en"):
    with translation.override(language):
        url = reverse(f"media_centre:release-feed-{kind}")
    response = client.get(url)
    assert response.status_code == 200
    return response, feedparser.parse(response.content)


def test_atom_marks_a_noted_entry_updated_at_its_last_note(client):
    release = make_release(publish_at=PUBLISHED)
    add_public_note(
        release, "correction", {"en": "Fixed a name."}, None, at=dt.datetime(2025, 6, 20, tzinfo=HK)
    )
    release.summary = "Edited later, quietly."
    release.save()  # a minor edit: not news to a reader
    _, parsed = feed(client, "atom")
    entry = parsed.entries[0]
    assert entry.updated_parsed[:6] == (2025, 6, 19, 16, 0, 0)  # 2025-06-20 00:00 +08:00
    assert entry.published_parsed[:6] == (2025, 6, 19, 2, 0, 0)
    assert "Fixed a name." in entry.summary


def test_rss_keeps_its_guid_and_date_and_opens_the_description_with_the_last_note(client):
    release = make_release(publish_at=PUBLISHED, summary="What happened at the seminar.")
    _, before = feed(client, "rss")
    add_public_note(
        release,
        "update",
        {"en": "Slides added.", "zh-hant": "已加入簡報。"},
        None,
        at=dt.datetime(2025, 6, 20, 9, 0, tzinfo=HK),
    )
    response, after = feed(client, "rss")
    entry = after.entries[0]
    assert entry.id == before.entries[0].id  # no duplicate in readers
    assert entry.published == before.entries[0].published
    assert entry.description == (
        "<p><strong>Update, June 20, 2025:</strong> Slides added.</p>"
        "<p>What happened at the seminar.</p>"
    )
    item = ET.fromstring(response.content).find("channel/item")
    assert item.findtext("pubDate") == "Thu, 19 Jun 2025 02:00:00 +0000"
    _, chinese = feed(client, "rss", "zh-hant")
    assert chinese.entries[0].description.startswith("<p><strong>更新，2025年6月20日：</strong>")


def test_a_feed_with_notes_keeps_its_query_count(client):
    for _ in range(3):
        add_public_note(make_release(), "update", {"en": "More."}, None)
    page_cache.generation()
    with CaptureQueriesContext(connection) as queries:
        feed(client, "rss")
    assert len(queries) <= 2


NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_sitemap_lastmod_is_the_last_note_or_the_publication(client):
    noted = make_release(publish_at=PUBLISHED, slug="noted")
    plain = make_release(publish_at=PUBLISHED, slug="plain")
    add_public_note(
        noted, "correction", {"en": "Fixed."}, None, at=dt.datetime(2025, 8, 1, 12, tzinfo=HK)
    )
    plain.summary = "A quiet edit."
    plain.save()
    response = client.get(reverse("sitemap-section", args=["releases"]))
    root = ET.fromstring(response.content)
    lastmods = {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in root.findall("sm:url", NS)
    }
    assert lastmods[f"http://testserver{url_in(noted, 'en')}"].startswith("2025-08-01")
    assert lastmods[f"http://testserver{url_in(plain, 'en')}"].startswith("2025-06-19")
    index = ET.fromstring(client.get(reverse("sitemap")).content)
    section = {
        entry.findtext("sm:loc", namespaces=NS): entry.findtext("sm:lastmod", namespaces=NS)
        for entry in index.findall("sm:sitemap", NS)
    }
    assert section["http://testserver/sitemap-releases.xml"].startswith("2025-08-01")


@pytest.mark.parametrize("kind", FACTORIES)
def test_detail_pages_with_notes_make_no_more_queries_than_without(client, settings, kind):
    settings.NEWSROOM_PAGE_CACHE = False
    plain, noted = FACTORIES[kind](), FACTORIES[kind]()
    for i in range(5):
        add_public_note(noted, "correction", {"en": f"Correction {i}."}, None)

    def cold(url: str) -> int:
        cache.clear()
        page_cache.remembered.entries.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    client.get(plain.get_absolute_url())  # the consent banner's tables, read once
    assert cold(noted.get_absolute_url()) == cold(plain.get_absolute_url())


def test_add_public_note_records_who_when_and_each_language(publisher):
    release = make_release()
    at = dt.datetime(2025, 6, 20, 9, 0, tzinfo=HK)
    note = add_public_note(
        release, "clarification", {"en": "Clarified.", "zh-hans": "已澄清。"}, publisher, at=at
    )
    note.refresh_from_db()
    assert (note.release, note.kind, note.created_by, note.published_at) == (
        release,
        "clarification",
        publisher,
        at,
    )
    assert (note.text_en, note.text_zh_hans, note.text_zh_hant) == (
        "Clarified.",
        "已澄清。",
        "已澄清。",
    )
    assert release.notes.get() == note


def test_add_public_note_defaults_to_now():
    before = timezone.now()
    note = add_public_note(make_event(), "update", {"en": "Venue changed."}, None)
    assert before <= note.published_at <= timezone.now()
    assert note.event is not None and note.created_by is None


@pytest.mark.parametrize(
    "kind, texts, error",
    [
        ("retraction", {"en": "No."}, ValueError),
        ("correction", {"fr": "Non."}, ValueError),
        ("correction", {"en": "  "}, ValueError),
    ],
)
def test_add_public_note_refuses_bad_input(kind, texts, error):
    with pytest.raises(error):
        add_public_note(make_release(), kind, texts, None)
    assert not PublicNote.objects.exists()


def test_add_public_note_refuses_an_item_without_notes():
    editor = make_staff("Editor")
    with pytest.raises(TypeError):
        add_public_note(editor, "correction", {"en": "No."}, None)


def test_note_kinds_offer_the_three_kinds_with_labels():
    with translation.override("zh-hant"):
        assert [(value, str(label)) for value, label in NOTE_KINDS] == [
            ("correction", "更正"),
            ("clarification", "澄清"),
            ("update", "更新"),
        ]


def test_a_note_in_chinese_only_is_shown_on_the_english_page_marked_as_chinese(client):
    release = make_release()
    add_public_note(release, "correction", {"zh-hant": "更正了日期。"}, None)
    text = page(client, url_in(release, "en")).find(class_="notes__text")
    assert text.get_text() == "更正了日期。"
    assert text["lang"] == "zh-Hant"
    simplified = page(client, url_in(release, "zh-hans")).find(class_="notes__text")
    assert simplified.get_text() == "更正了日期。"  # converted: the same characters here
    assert "lang" not in simplified.attrs
