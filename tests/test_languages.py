"""Three languages: addresses, the switcher, translated content, fallbacks and script conversion."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from media_centre.models import Person, PressRelease

from .conftest import make_release, make_topic

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def url_in(language: str, name: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("zh-HK", "/zh-hant/"),
        ("zh-TW,zh;q=0.8", "/zh-hant/"),
        ("zh-CN", "/zh-hans/"),
        ("zh-SG", "/zh-hans/"),
        ("fr-FR,fr;q=0.9", "/en/"),
        ("en-GB", "/en/"),
        ("", "/en/"),
    ],
)
def test_root_sends_visitors_to_the_language_they_prefer(client, accept, expected):
    response = client.get("/", headers={"accept-language": accept} if accept else {})
    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_every_public_page_answers_under_each_language(client, language):
    release = make_release()
    with translation.override(language):
        urls = [reverse("media_centre:home"), release.get_absolute_url()]
        urls += [reverse(f"media_centre:{n}") for n in ("release-list", "event-list", "mou-list")]
        urls += [reverse(f"media_centre:{n}") for n in ("study-list", "speaker-list")]
    for url in urls:
        assert url.startswith(f"/{language}/")
        response = client.get(url)
        assert response.status_code == 200, url
        lang = soup(response).html["lang"]
        assert lang == {"en": "en", "zh-hant": "zh-Hant", "zh-hans": "zh-Hans"}[language]


def switcher_link(page: BeautifulSoup, language: str) -> str:
    nav = page.find("nav", class_="languages")
    tag = {"en": "en", "zh-hant": "zh-Hant", "zh-hans": "zh-Hans"}[language]
    return nav.find("a", lang=tag)["href"]


def test_switcher_keeps_the_visitor_on_the_same_release_and_remembers(client):
    release = make_release()
    page = soup(client.get(url_in("en", "media_centre:release-list")))
    link = switcher_link(soup(client.get(release.get_absolute_url())), "zh-hant")
    with translation.override("zh-hant"):
        expected = release.get_absolute_url()
    assert parse_qs(urlsplit(link).query)["next"] == [expected]
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == expected
    assert response.cookies["django_language"].value == "zh-hant"
    assert response.cookies["django_language"]["samesite"] == "Lax"
    # Remembered: the root now leads to Traditional Chinese whatever the browser prefers.
    assert client.get("/", headers={"accept-language": "en"})["Location"] == "/zh-hant/"
    assert page.find("nav", class_="languages")


def test_switcher_keeps_the_filters_and_page_of_a_list(client):
    topic = make_topic()
    for i in range(13):
        make_release(release_date=dt.date(2025, 1, 1) + dt.timedelta(days=i)).topics.add(topic)
    url = url_in("en", "media_centre:release-list") + f"?topic={topic.slug}&page=2"
    link = switcher_link(soup(client.get(url)), "zh-hans")
    target = parse_qs(urlsplit(link).query)["next"][0]
    assert target == f"/zh-hans/media-centre/press-releases/?topic={topic.slug}&page=2"
    assert client.get(target).status_code == 200


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "\\\\evil.example", "/\\evil.example", ""],
)
def test_switcher_never_redirects_off_the_site(client, target):
    response = client.get(reverse("switch-language", kwargs={"code": "zh-hant"}), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/zh-hant/"


def test_switcher_refuses_unknown_languages(client):
    assert client.get(reverse("switch-language", kwargs={"code": "fr"})).status_code == 404


def test_page_lists_its_other_language_versions(client):
    release = make_release()
    head = soup(client.get(release.get_absolute_url())).head
    links = {
        link["hreflang"]: link["href"]
        for link in head.find_all("link", rel="alternate", hreflang=True)
    }
    assert set(links) == {"en", "zh-Hant", "zh-Hans", "x-default"}
    for code, tag in (("en", "en"), ("zh-hant", "zh-Hant"), ("zh-hans", "zh-Hans")):
        with translation.override(code):
            assert links[tag] == "http://testserver" + release.get_absolute_url()
    assert links["x-default"] == links["en"]


@pytest.mark.parametrize(("language", "tag"), [("zh-hant", "zh-Hant"), ("zh-hans", "zh-Hans")])
def test_a_chinese_page_names_its_english_address_as_x_default(client, language, tag):
    release = make_release()
    for address in (release.get_absolute_url, lambda: reverse("media_centre:release-list")):
        with translation.override(language):
            chinese = address()
        with translation.override("en"):
            english = address()
        assert chinese.startswith(f"/{language}/") and english.startswith("/en/")
        head = soup(client.get(chinese)).head
        links = {
            link["hreflang"]: link["href"]
            for link in head.find_all("link", rel="alternate", hreflang=True)
        }
        assert links[tag] == "http://testserver" + chinese
        assert links["x-default"] == "http://testserver" + english


def test_untranslated_release_is_shown_in_english_with_a_notice(client):
    release = make_release(headline="Council meets", body="<p>Only English.</p>")
    with translation.override("zh-hant"):
        response = client.get(release.get_absolute_url())
    assert response.status_code == 200
    page = soup(response)
    assert page.h1["lang"] == "en" and page.h1.text == "Council meets"
    assert page.select_one(".prose")["lang"] == "en"
    assert "Only English." in page.select_one(".prose").text
    assert page.select_one(".notice--language")


def test_untranslated_release_is_marked_in_lists_too(client):
    make_release(headline="Council meets")
    with translation.override("zh-hans"):
        page = soup(client.get(reverse("media_centre:release-list")))
    assert page.select_one(".card__title")["lang"] == "en"


def test_translated_release_reads_in_its_own_language_without_notice(client):
    release = make_release(
        headline="Council meets",
        headline_zh_hant="金融會議",
        body_zh_hant="<p>中文內容。</p>",
        dateline_place_zh_hant="香港",
        release_date=dt.date(2025, 6, 19),
    )
    with translation.override("zh-hant"):
        page = soup(client.get(release.get_absolute_url()))
    assert page.h1.text == "金融會議" and not page.h1.has_attr("lang")
    # Only the note that the English prevails: nothing shown in another language.
    (notice,) = page.select(".notice--language")
    assert "notice--prevails" in notice["class"]
    assert notice.get_text(" ", strip=True).startswith("此為翻譯本。如與英文版本有任何歧異")
    assert page.select_one(".prose p").get_text().startswith("香港，2025年6月19日 – 中文內容。")


def test_simplified_page_is_converted_from_traditional_and_says_so(client):
    release = make_release(headline_zh_hant="金融發展局會議", body_zh_hant="<p>發展綠色金融。</p>")
    assert release.headline_zh_hans == "金融发展局会议"
    with translation.override("zh-hans"):
        page = soup(client.get(release.get_absolute_url()))
    assert page.h1.text == "金融发展局会议"
    assert "发展绿色金融。" in page.select_one(".prose").text
    assert page.select_one(".notice--language")


def test_dates_follow_the_language(client):
    release = make_release(release_date=dt.date(2025, 6, 19))
    with translation.override("zh-hant"):
        page = soup(client.get(reverse("media_centre:release-list")))
    assert page.select_one(".card__meta time").text == "2025年6月19日"
    page = soup(client.get(url_in("en", "media_centre:release-list")))
    assert page.select_one(".card__meta time").text == "June 19, 2025"
    assert release


def test_seed_release_reads_in_all_three_languages(client):
    call_command("load_seed", verbosity=0)
    release = PressRelease.objects.get()
    pages = {}
    for language in ("en", "zh-hant", "zh-hans"):
        with translation.override(language):
            response = client.get(release.get_absolute_url())
        assert response.status_code == 200
        pages[language] = soup(response)
    assert "Mr Christopher Hui" in pages["en"].text
    assert "許正宇先生" in pages["zh-hant"].text and "財經事務及庫務局局長" in pages["zh-hant"].text
    assert "许正宇先生" in pages["zh-hans"].text and "洪丕正先生" in pages["zh-hans"].text
    # The release itself has no Chinese version: shown in English, and said so.
    for language in ("zh-hant", "zh-hans"):
        assert pages[language].h1["lang"] == "en"
        assert pages[language].select_one(".notice--language")
    # No guessed names: people without a certain Chinese name keep their English one.
    assert "Mr Zhou Xiaoquan" in pages["zh-hant"].text
    assert Person.objects.get(slug="zhou-xiaoquan").name_zh_hant in (None, "")
