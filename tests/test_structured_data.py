"""Link previews and JSON-LD, read from the page as crawlers and chat apps read them."""

import datetime as dt
import io
import json
import zoneinfo
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.templatetags.static import static
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from media_centre.models import Event, EventSpeaker, PressRelease, Rendition

from .conftest import (
    make_event,
    make_mou,
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
    rendition = Rendition.objects.get(source=release.hero_image.name, width=1200, format="jpeg")
    assert article["image"] == [f"http://testserver{rendition.get_absolute_url()}"]
    assert article["inLanguage"] == "en"
    url = f"http://testserver{release.get_absolute_url()}"
    assert article["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}


def test_release_without_organisations_is_published_by_the_site(client, settings):
    release = make_release()
    article = json_ld(page(client, release.get_absolute_url()))["NewsArticle"]
    assert article["publisher"]["name"] == settings.MEDIA_CENTRE_SITE_NAME
    assert article["image"] == [default_image_url()]


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
    assert data["image"] == [default_image_url()]


def test_cancelled_one_day_event_without_time_has_plain_start_and_end_dates(client):
    event = make_event(start_date=dt.date(2025, 9, 1), event_status=Event.EventStatus.CANCELLED)
    data = json_ld(page(client, event.get_absolute_url()))["Event"]
    assert data["startDate"] == "2025-09-01"
    assert data["endDate"] == "2025-09-01"  # an event without an end date lasts one day
    assert data["eventStatus"] == "https://schema.org/EventCancelled"


@pytest.mark.parametrize(
    ("times", "start", "end"),
    [
        (
            dict(start_time=dt.time(9, 30), end_date=dt.date(2025, 7, 2), end_time=dt.time(18)),
            "2025-07-01T09:30:00+01:00",
            "2025-07-02T18:00:00+01:00",
        ),
        ({"end_date": dt.date(2025, 7, 3)}, "2025-07-01", "2025-07-03"),
        (
            {"start_time": dt.time(9, 30), "end_date": dt.date(2025, 7, 3)},
            "2025-07-01T09:30:00+01:00",
            "2025-07-03",
        ),
        ({"start_time": dt.time(9, 30)}, "2025-07-01T09:30:00+01:00", None),
    ],
    ids=["times on both days", "days only", "end day without time", "start time alone"],
)
def test_event_dates_carry_the_offset_of_their_own_time_zone_only_when_a_time_is_known(
    client, times, start, end
):
    event = make_event(start_date=dt.date(2025, 7, 1), time_zone="Europe/London", **times)
    data = json_ld(page(client, event.get_absolute_url()))["Event"]
    assert data["startDate"] == start
    assert data.get("endDate") == end  # never a bare day that could read as before the start


def test_event_page_times_carry_their_offset(client):
    event = make_event(
        start_date=dt.date(2025, 6, 19),
        start_time=dt.time(14, 30),
        end_time=dt.time(17, 0),
        time_zone="Asia/Shanghai",
    )
    soup = page(client, event.get_absolute_url())
    times = [t["datetime"] for t in soup.select(".facts time")]
    assert times == ["2025-06-19", "2025-06-19T14:30+08:00", "2025-06-19T17:00+08:00"]


def test_event_place_has_the_address_parts_the_editor_gave(client):
    event = make_event(
        venue="Shanghai Tower",
        street_address="501 Yincheng Middle Road",
        city="Shanghai",
        region="Pudong",
        postal_code="200120",
        country="China",
    )
    data = json_ld(page(client, event.get_absolute_url()))["Event"]
    assert data["location"] == {
        "@type": "Place",
        "name": "Shanghai Tower",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "501 Yincheng Middle Road",
            "addressLocality": "Shanghai",
            "addressRegion": "Pudong",
            "postalCode": "200120",
            "addressCountry": "China",
        },
    }
    place = page(client, event.get_absolute_url()).select_one(".facts .place")
    assert " ".join(place.get_text().split()) == (
        "Shanghai Tower, 501 Yincheng Middle Road, Shanghai, Pudong, 200120, China"
    )


def test_event_address_parts_follow_the_language(client):
    event = make_event(
        venue="Shanghai Tower",
        venue_zh_hant="上海中心大廈",
        street_address="501 Yincheng Middle Road",
        street_address_zh_hant="銀城中路501號",
        city="Shanghai",
        city_zh_hant="上海",
    )
    with translation.override("zh-hant"):
        url = event.get_absolute_url()
    data = json_ld(page(client, url))["Event"]
    assert data["location"]["name"] == "上海中心大廈"
    assert data["location"]["address"]["streetAddress"] == "銀城中路501號"
    assert data["location"]["address"]["addressLocality"] == "上海"


def test_event_with_a_venue_and_no_address_parts_gives_the_venue_as_its_address(client):
    event = make_event(venue="Grand Hall, Hong Kong Convention Centre", city="")
    data = json_ld(page(client, event.get_absolute_url()))["Event"]
    assert data["location"] == {
        "@type": "Place",
        "name": "Grand Hall, Hong Kong Convention Centre",
        "address": "Grand Hall, Hong Kong Convention Centre",
    }


def test_event_without_any_place_has_no_location(client):
    event = make_event(city="")
    assert "location" not in json_ld(page(client, event.get_absolute_url()))["Event"]


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
    rendition = Rendition.objects.get(source=release.hero_image.name, width=1200, format="jpeg")
    assert meta(with_image, "og:image") == f"http://testserver{rendition.get_absolute_url()}"
    assert meta(with_image, "og:image:width") == "1200"
    assert meta(with_image, "og:image:height") == "630"
    assert meta(with_image, "og:image:type") == "image/jpeg"
    assert meta(with_image, "og:image:alt") == "Stage"
    assert meta(with_image, "twitter:card") == "summary_large_image"
    assert meta(with_image, "twitter:image:alt") == "Stage"


def test_a_large_photo_is_shared_at_the_width_previews_use_not_as_uploaded(client):
    buffer = io.BytesIO()
    Image.new("RGB", (3000, 2000), "olive").save(buffer, "JPEG")
    person = make_person(photo=ContentFile(buffer.getvalue(), name="big.jpg"), photo_alt="Portrait")
    soup = page(client, person.get_absolute_url())
    rendition = Rendition.objects.get(source=person.photo.name, width=1280, format="jpeg")
    assert meta(soup, "og:image") == f"http://testserver{rendition.get_absolute_url()}"
    assert (meta(soup, "og:image:width"), meta(soup, "og:image:height")) == ("1280", "853")
    assert json_ld(soup)["Person"]["image"] == meta(soup, "og:image")


def default_image_url() -> str:
    return "http://testserver" + static("img/share.png")


def test_site_share_image_is_a_png_of_the_size_previews_want():
    path = finders.find("img/share.png")
    with Image.open(path) as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))
        image.verify()
    assert Path(path).stat().st_size < 300 * 1024  # far below Facebook's 8 MB, quick on a phone


def public_pages() -> list[str]:
    release, event, mou = make_release(), make_event(), make_mou()
    return [
        "/en/",
        "/zh-hant/media-centre/press-releases/",
        "/en/media-centre/events/",
        "/en/media-centre/mous/",
        "/en/publications/",
        "/en/speakers/",
        "/en/cookies/",
        "/en/search/?q=seminar",
        release.get_absolute_url(),
        event.get_absolute_url(),
        mou.get_absolute_url(),
        make_study().get_absolute_url(),
        make_person(photo_alt="").get_absolute_url(),
    ]


def test_every_public_page_without_an_image_of_its_own_shares_the_site_image(client, settings):
    for url in public_pages():
        soup = page(client, url)
        assert meta(soup, "og:image") == default_image_url(), url
        assert (meta(soup, "og:image:width"), meta(soup, "og:image:height")) == ("1200", "630")
        assert meta(soup, "og:image:type") == "image/png"
        assert settings.MEDIA_CENTRE_SITE_NAME in meta(soup, "og:image:alt"), url
        assert meta(soup, "twitter:card") == "summary_large_image", url


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
    assert article["image"] == [default_image_url()]


def test_seed_event_has_only_the_place_the_seed_names(client):
    """The seed page says "in Shanghai" and nothing more: no venue, street or country."""
    call_command("load_seed", verbosity=0)
    event = Event.objects.published().get()
    assert (event.venue, event.street_address, event.region, event.country) == ("", "", "", "")
    data = json_ld(page(client, event.get_absolute_url()))["Event"]
    assert data["startDate"] == data["endDate"] == "2025-06-19"
    assert data["location"] == {
        "@type": "Place",
        "name": "Shanghai",
        "address": {"@type": "PostalAddress", "addressLocality": "Shanghai"},
    }
    assert data["image"] == [default_image_url()]
