"""Link previews and JSON-LD, read from the page as crawlers and chat apps read them."""

import datetime as dt
import io
import json
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from media_centre.models import Event, EventSpeaker, PressRelease

from .conftest import (
    make_event,
    make_organisation,
    make_person,
    make_release,
    make_speaker,
    make_study,
    make_topic,
)

pytestmark = pytest.mark.django_db


def jpeg() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 630), "steelblue").save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="photo.jpg")


def page(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def json_ld(soup: BeautifulSoup) -> dict[str, dict]:
    found = {}
    for script in soup.find_all("script", type="application/ld+json"):
        data = json.loads(script.string)
        found[data["@type"]] = data
    return found


def meta(soup: BeautifulSoup, key: str) -> str | None:
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def test_release_is_a_news_article_with_offset_dates_publisher_and_image(client):
    issuer, partner = make_organisation(name="FSDC"), make_organisation(name="SRCFSD")
    release = make_release(
        headline="Green finance seminar",
        publish_at=dt.datetime(2025, 6, 19, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Hong_Kong")),
        hero_image=jpeg(),
        hero_image_alt="The speakers on stage",
    )
    release.organisations.add(issuer, partner)
    article = json_ld(page(client, release.get_absolute_url()))["NewsArticle"]
    assert article["@context"] == "https://schema.org"
    assert article["headline"] == "Green finance seminar"
    assert article["datePublished"] == "2025-06-19T10:00:00+08:00"
    assert dt.datetime.fromisoformat(article["dateModified"]).utcoffset() == dt.timedelta(hours=8)
    assert article["publisher"] == {"@type": "Organization", "name": "FSDC"}
    assert [author["name"] for author in article["author"]] == ["FSDC", "SRCFSD"]
    image_path = reverse("image", kwargs={"name": release.hero_image.name})
    assert article["image"] == [f"http://testserver{image_path}"]
    assert article["inLanguage"] == "en"
    url = f"http://testserver{release.get_absolute_url()}"
    assert article["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}


def test_release_without_organisations_is_published_by_the_site(client, settings):
    release = make_release()
    article = json_ld(page(client, release.get_absolute_url()))["NewsArticle"]
    assert article["publisher"]["name"] == settings.MEDIA_CENTRE_SITE_NAME
    assert "image" not in article


def test_a_script_end_tag_in_a_headline_cannot_break_out(client):
    release = make_release(headline='Rates </script><script>alert("x")</script> & more')
    response = client.get(release.get_absolute_url())
    raw = response.content.decode()
    start = raw.index('<script type="application/ld+json">')
    assert "</script><script>" not in raw[start : raw.index("</script>", start) + 9]
    soup = BeautifulSoup(response.content, "html.parser")
    assert json_ld(soup)["NewsArticle"]["headline"] == release.headline
    assert not any("alert" in (s.string or "") for s in soup.find_all("script", type=False))


def test_event_has_start_with_offset_location_organisers_and_performers(client):
    event = make_event(
        title="Cross-boundary seminar",
        start_date=dt.date(2025, 6, 19),
        start_time=dt.time(14, 30),
        end_time=dt.time(17, 0),
        time_zone="Asia/Shanghai",
        venue="Shanghai Tower",
        city="Shanghai",
    )
    event.organisers.add(make_organisation(name="FSDC"))
    speaker = make_person(name="Chan Tai Man", honorific="Mr")
    make_speaker(event, speaker, role=EventSpeaker.Role.KEYNOTE)
    make_speaker(event, speaker, role=EventSpeaker.Role.PANELLIST)
    make_speaker(event, make_person(name="Guest"), role=EventSpeaker.Role.ATTENDEE)
    data = json_ld(page(client, event.get_absolute_url()))["Event"]
    assert data["name"] == "Cross-boundary seminar"
    assert data["startDate"] == "2025-06-19T14:30:00+08:00"
    assert data["endDate"] == "2025-06-19T17:00:00+08:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"] == {
        "@type": "Place",
        "name": "Shanghai Tower",
        "address": {"@type": "PostalAddress", "addressLocality": "Shanghai"},
    }
    assert [org["name"] for org in data["organizer"]] == ["FSDC"]
    assert [(p["@type"], p["name"]) for p in data["performer"]] == [("Person", "Mr Chan Tai Man")]


def test_cancelled_event_without_time_has_a_plain_start_date(client):
    event = make_event(start_date=dt.date(2025, 9, 1), event_status=Event.EventStatus.CANCELLED)
    data = json_ld(page(client, event.get_absolute_url()))["Event"]
    assert data["startDate"] == "2025-09-01"
    assert "endDate" not in data
    assert data["eventStatus"] == "https://schema.org/EventCancelled"


def test_study_is_a_report_by_its_organisations_about_its_topics(client):
    study = make_study(
        title="Sustainable finance in the GBA", cover_image=jpeg(), cover_image_alt="Cover"
    )
    study.author_organisations.add(make_organisation(name="FSDC"))
    study.topics.add(make_topic(name="Green finance"))
    data = json_ld(page(client, study.get_absolute_url()))["Report"]
    assert data["name"] == "Sustainable finance in the GBA"
    assert data["datePublished"] == "2025-06-19"
    assert [author["name"] for author in data["author"]] == ["FSDC"]
    assert data["about"] == [{"@type": "Thing", "name": "Green finance"}]
    assert data["image"][0].startswith("http://testserver/images/")


def test_speaker_is_a_person_with_job_title_and_affiliation(client):
    person = make_person(name="Lee Siu Ming", honorific="Dr", positions=1)
    data = json_ld(page(client, person.get_absolute_url()))["Person"]
    position = person.positions.get()
    assert data["name"] == "Dr Lee Siu Ming"
    assert data["jobTitle"] == [position.title]
    assert data["affiliation"] == [{"@type": "Organization", "name": position.organisation.name}]


def test_detail_pages_carry_a_breadcrumb_trail(client):
    release = make_release(headline="Trail")
    trail = json_ld(page(client, release.get_absolute_url()))["BreadcrumbList"]
    items = trail["itemListElement"]
    assert [item["position"] for item in items] == [1, 2, 3]
    assert [item["name"] for item in items] == ["Media centre", "Press releases", "Trail"]
    assert [item["item"] for item in items] == [
        "http://testserver/en/",
        "http://testserver/en/media-centre/press-releases/",
        f"http://testserver{release.get_absolute_url()}",
    ]


def test_home_page_names_the_organisation(client, settings):
    organisation = json_ld(page(client, "/en/"))["Organization"]
    assert organisation["name"] == settings.MEDIA_CENTRE_SITE_NAME
    assert organisation["url"] == "http://testserver/en/"


def test_release_page_has_absolute_canonical_and_preview_tags(client):
    release = make_release(headline="Preview me", hero_image=jpeg(), hero_image_alt="Stage")
    with_image = page(client, release.get_absolute_url())
    url = f"http://testserver{release.get_absolute_url()}"
    assert with_image.find("link", rel="canonical")["href"] == url
    assert meta(with_image, "og:url") == url
    assert meta(with_image, "og:title") == "Preview me"
    assert meta(with_image, "og:type") == "article"
    assert meta(with_image, "og:locale") == "en_HK"
    assert meta(with_image, "og:site_name")
    assert meta(with_image, "og:description") == release.summary
    assert meta(with_image, "og:image").startswith("http://testserver/images/")
    assert meta(with_image, "og:image:alt") == "Stage"
    assert meta(with_image, "twitter:card") == "summary_large_image"


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_past_events_pages_name_themselves_as_canonical_not_the_upcoming_list(client, language):
    import datetime as dt

    for day in range(13):  # more than a page
        make_event(start_date=dt.date(2020, 1, 1) + dt.timedelta(days=day))
    base = f"/{language}/media-centre/events/"
    first = page(client, base + "?when=past")
    second = page(client, base + "?when=past&page=2")
    expected = f"http://testserver{base}?when=past"
    assert first.find("link", rel="canonical")["href"] == expected
    assert meta(first, "og:url") == expected
    assert second.find("link", rel="canonical")["href"] == expected + "&page=2"
    assert client.get(expected + "&page=2").status_code == 200
    upcoming = page(client, base)
    assert upcoming.find("link", rel="canonical")["href"] == f"http://testserver{base}"


def test_list_pages_have_canonical_with_page_number_and_website_type(client):
    for _ in range(13):  # more than a page
        make_release()
    soup = page(client, "/zh-hant/media-centre/press-releases/?topic=&page=2")
    canonical = soup.find("link", rel="canonical")["href"]
    assert canonical == "http://testserver/zh-hant/media-centre/press-releases/?page=2"
    with translation.override("zh-hant"):
        assert meta(soup, "og:title") == gettext("Press releases")
    assert meta(soup, "og:type") == "website"
    assert meta(soup, "og:locale") == "zh_HK"
    assert meta(soup, "twitter:card") == "summary"
    assert not json_ld(soup)


def test_seed_release_is_a_valid_news_article(client):
    call_command("load_seed", verbosity=0)
    release = PressRelease.objects.published().get()
    article = json_ld(page(client, release.get_absolute_url()))["NewsArticle"]
    assert article["headline"] == release.headline
    assert article["datePublished"] == "2025-06-19T10:00:00+08:00"
    assert article["publisher"]["@type"] == "Organization"
    assert all(author["@type"] == "Organization" for author in article["author"])
    assert article["url"] == f"http://testserver{release.get_absolute_url()}"
