"""Chinese-only content: saved and published from the desk, read on every public page in every
language, and given a readable web address (pinyin) cut at a word."""

import datetime as dt
import json
import re

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone, translation

from media_centre.models import (
    Event,
    MoU,
    MoUParty,
    Organisation,
    Person,
    Position,
    PressRelease,
    Quote,
    State,
    Status,
    Study,
    Topic,
)
from media_centre.models.slugs import slug_for, unique_slug

from .conftest import make_organisation, make_release
from .test_admin import form_data, url

pytestmark = pytest.mark.django_db

# (model, its title field, what else an editor fills in for a draft)
DESK = {
    PressRelease: ("headline", {}),
    Event: ("title", {}),
    MoU: ("title", {}),
    Study: ("title", {}),
    Person: ("name", {}),
    Organisation: ("name", {"kind": "council"}),
    Topic: ("name", {}),
}
WORDS = {
    "headline": "Give the headline in at least one language.",
    "title": "Give the title in at least one language.",
    "name": "Give the name in at least one language.",
}


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


# The desk: a Traditional-only (or Simplified-only) item is saved


@pytest.mark.parametrize("model", DESK, ids=lambda m: m._meta.model_name)
@pytest.mark.parametrize("suffix", ["zh_hant", "zh_hans"])
def test_editor_saves_an_item_named_only_in_chinese(client, editor, model, suffix):
    field, extra = DESK[model]
    client.force_login(editor)
    data = form_data(client.get(url(model, "add")))
    data.update({f"{field}_{suffix}": "香港金融發展局", **extra})

    response = client.post(url(model, "add"), data)

    assert response.status_code == 302, soup(response).select(".errorlist")
    item = model.objects.get(**{f"{field}_{suffix}": "香港金融發展局"})
    assert getattr(item, f"{field}_en") in (None, "")
    assert item.slug == "xiang-gang-jin-rong-fa-zhan-ju"
    assert str(item).strip() == "香港金融發展局"


@pytest.mark.parametrize("model", DESK, ids=lambda m: m._meta.model_name)
def test_an_item_with_no_title_in_any_language_is_a_form_error_not_a_save(client, editor, model):
    field, extra = DESK[model]
    client.force_login(editor)
    data = {**form_data(client.get(url(model, "add"))), **extra}
    before = model.objects.count()

    response = client.post(url(model, "add"), data)

    assert response.status_code == 200
    assert WORDS[field] in response.content.decode()
    assert model.objects.count() == before


def test_the_headline_is_not_marked_required_in_any_single_language(client, editor):
    client.force_login(editor)
    page = soup(client.get(url(PressRelease, "add")))
    for suffix in ("en", "zh_hant", "zh_hans"):
        assert not page.find(attrs={"name": f"headline_{suffix}"}).has_attr("required")


def test_a_person_with_a_position_titled_only_in_chinese_is_saved(client, editor):
    client.force_login(editor)
    data = form_data(client.get(url(Person, "add")))
    organisation = make_organisation()
    data.update(
        name_zh_hant="許正宇",
        honorific_zh_hant="先生",
        **{"positions-0-title_zh_hant": "財經事務及庫務局局長"},
        **{"positions-0-organisation": str(organisation.pk)},
    )

    assert client.post(url(Person, "add"), data).status_code == 302

    person = Person.objects.get(name_zh_hant="許正宇")
    assert person.positions.get().title_zh_hant == "財經事務及庫務局局長"
    assert person.slug == "xu-zheng-yu"


def test_a_quote_given_only_in_chinese_is_saved_with_its_release(client, editor):
    person = Person.objects.create(name_zh_hant="許正宇", status=Status.DRAFT)
    release = PressRelease.objects.create(headline_zh_hant="滬港合作", release_date=None)
    client.force_login(editor)
    data = form_data(client.get(url(PressRelease, "change", release.pk)))
    data.update(
        {
            "quotes-TOTAL_FORMS": "1",
            "quotes-0-person": str(person.pk),
            "quotes-0-text_zh_hant": "我們會攜手合作。",
            "quotes-0-order": "0",
        }
    )

    assert client.post(url(PressRelease, "change", release.pk), data).status_code == 302

    assert Quote.objects.get(release=release).text_zh_hant == "我們會攜手合作。"


def test_a_quote_without_text_in_any_language_is_a_form_error(client, editor):
    person = Person.objects.create(name_zh_hant="許正宇", status=Status.DRAFT)
    release = PressRelease.objects.create(headline_zh_hant="滬港合作", release_date=None)
    client.force_login(editor)
    data = form_data(client.get(url(PressRelease, "change", release.pk)))
    data.update({"quotes-TOTAL_FORMS": "1", "quotes-0-person": str(person.pk)})

    response = client.post(url(PressRelease, "change", release.pk), data)

    assert response.status_code == 200
    assert "Give the quote in at least one language." in response.content.decode()
    assert not Quote.objects.exists()


def test_the_error_speaks_the_desks_language(client, editor):
    client.force_login(editor)
    client.cookies["django_language"] = "zh-hant"
    data = form_data(client.get(url(PressRelease, "add")))

    response = client.post(url(PressRelease, "add"), data)

    assert response.status_code == 200
    assert "請至少以一種語言填寫標題。" in response.content.decode()


# Publishing: "required to publish" means "in at least one language"


def traditional_release(**kw) -> PressRelease:
    kw = {
        "headline_zh_hant": "香港金融發展局與上海研究中心舉辦研討會",
        "summary_zh_hant": "兩地合作的最新成果。",
        "body_zh_hant": "<p>研討會在上海舉行。</p>",
        "dateline_place_zh_hant": "香港",
        "release_date": dt.date(2025, 6, 19),
        **kw,
    }
    return PressRelease.objects.create(**kw)


def test_publisher_publishes_a_traditional_only_release_from_its_page(client, publisher):
    release = traditional_release()
    assert release.status == Status.DRAFT
    client.force_login(publisher)

    response = client.post(url(PressRelease, "publish", release.pk) + "?when=now", {})

    assert response.status_code == 302, soup(response).select(".errorlist, .errornote")
    release.refresh_from_db()
    assert release.state == State.PUBLISHED
    assert release.headline_en in (None, "")


def test_a_release_missing_its_summary_in_every_language_is_not_published(client, publisher):
    release = traditional_release(summary_zh_hant="")
    client.force_login(publisher)

    response = client.post(url(PressRelease, "publish", release.pk) + "?when=now", {})

    assert response.status_code == 200
    assert "Fill in the summary before publishing." in response.content.decode()
    release.refresh_from_db()
    assert release.status == Status.DRAFT


def chinese_only_items() -> dict:
    """A published, Traditional-only release, event, MoU, study, person and topic, linked."""
    topic = Topic.objects.create(name_zh_hant="綠色金融", description_zh_hant="可持續發展。")
    person = Person.objects.create(
        name_zh_hant="周小全", honorific_zh_hant="先生", bio_zh_hant="上海的官員。",
        status=Status.PUBLISHED,
    )  # fmt: skip
    Position.objects.create(person=person, title_zh_hant="主任")
    parties = [Organisation.objects.create(name_zh_hant=n) for n in ("金融發展局", "研究中心")]
    mou = MoU.objects.create(
        title_zh_hant="滬港金融合作備忘錄", summary_zh_hant="合作框架。",
        signed_on=dt.date(2024, 10, 1), status=Status.PUBLISHED,
    )  # fmt: skip
    for order, organisation in enumerate(parties):
        MoUParty.objects.create(mou=mou, organisation=organisation, order=order)
    event = Event.objects.create(
        title_zh_hant="陸家嘴論壇研討會", summary_zh_hant="兩地專家。", venue_zh_hant="上海中心",
        # Past (the past events' list), within the calendar feed's year.
        start_date=timezone.localdate() - dt.timedelta(days=30), time_zone="Asia/Shanghai",
        mou=mou, status=Status.PUBLISHED,
    )  # fmt: skip
    event.topics.add(topic)
    event.organisers.add(*parties)
    event.speakers.create(person=person, role="keynote")
    study = Study.objects.create(
        title_zh_hant="新時代滬港國際金融中心協同發展", abstract_zh_hant="研究報告。",
        publication_date=dt.date(2025, 6, 19), launch_event=event, mou=mou,
        status=Status.PUBLISHED,
    )  # fmt: skip
    study.topics.add(topic)
    study.author_organisations.add(parties[0])
    study.author_people.add(person)
    release = traditional_release(event=event, mou=mou, study=study, status=Status.PUBLISHED)
    release.topics.add(topic)
    release.organisations.add(*parties)
    Quote.objects.create(release=release, person=person, text_zh_hant="我們會攜手合作。")
    items = {
        "release": release, "event": event, "mou": mou, "study": study, "person": person,
        "topic": topic,
    }  # fmt: skip
    for item in items.values():
        item.refresh_from_db()
    return items


def test_chinese_only_items_are_publishable(db):
    items = chinese_only_items()
    for name, item in items.items():
        item.full_clean()  # no "Fill in …" for a field given in Chinese only
        if name != "topic":
            assert item.is_published(), name


def titles(items: dict, language: str) -> dict[str, str]:
    """What a reader of `language` sees of each item's title: the Traditional text, or its
    Simplified conversion on Simplified pages."""
    script = "zh_hans" if language == "zh-hans" else "zh_hant"
    fields = {"release": "headline", "person": "name", "topic": "name"}
    return {
        name: getattr(item, f"{fields.get(name, 'title')}_{script}") for name, item in items.items()
    }


def public_pages(items: dict, language: str) -> dict[str, tuple[str, list[str]]]:
    """Every public page kind that shows these items: {label: (url, names of items shown)}."""
    release, event, mou = items["release"], items["event"], items["mou"]
    study, person, topic = items["study"], items["person"], items["topic"]
    with translation.override(language):
        r = lambda name, **kw: reverse(f"media_centre:{name}", kwargs=kw or None)  # noqa: E731
        term = titles(items, language)["release"][:4]
        return {
            "home": (r("home"), ["release", "event", "study"]),
            "release": (release.get_absolute_url(), ["release", "event", "mou", "study", "person"]),
            "release list": (r("release-list"), ["release"]),
            "release list of the topic": (r("release-list") + f"?topic={topic.slug}", ["release"]),
            "release year": (r("release-year", year=2025), ["release"]),
            "rss": (r("release-feed-rss"), ["release"]),
            "atom": (r("release-feed-atom"), ["release"]),
            "topic rss": (r("release-feed-rss") + f"?topic={topic.slug}", ["release", "topic"]),
            "search": (r("search") + f"?q={term}", ["release"]),
            "event": (event.get_absolute_url(), ["event", "person", "release", "study"]),
            "event list": (r("event-list") + "?when=past", ["event"]),
            "event ics": (r("event-ics", slug=event.slug), ["event"]),
            "calendar": ("/calendar/events.ics", ["event"]),
            "mou": (mou.get_absolute_url(), ["mou", "event", "study", "release"]),
            "mou list": (r("mou-list"), ["mou"]),
            "study": (study.get_absolute_url(), ["study", "person", "release"]),
            "study list": (r("study-list"), ["study"]),
            "speaker": (person.get_absolute_url(), ["person", "event", "release", "study"]),
            "speaker list": (r("speaker-list"), ["person"]),
        }


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_every_public_page_shows_chinese_only_items_by_their_chinese_titles(client, language):
    items = chinese_only_items()
    expected = titles(items, language)

    for label, (address, shown) in public_pages(items, language).items():
        response = client.get(address)
        assert response.status_code == 200, label
        text = re.sub(r"</?mark>", "", response.content.decode())  # search marks its matches
        # The site's calendar is one file for every language: in the English fallback's text.
        seen = titles(items, "en") if label == "calendar" else expected
        for name in shown:
            assert seen[name] in text, (label, name)


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_detail_pages_have_a_title_and_structured_data_in_chinese(client, language):
    items = chinese_only_items()
    expected = titles(items, language)
    pages = public_pages(items, language)

    for name in ("release", "event", "mou", "study", "speaker"):
        page = soup(client.get(pages[name][0]))
        key = "person" if name == "speaker" else name
        assert page.title.text.startswith(expected[key]), name
        assert page.h1.text.strip().startswith(expected[key]) or expected[key] in page.h1.text
        for script in page.find_all("script", type="application/ld+json"):
            data = json.loads(script.string)
            for value in (data.get("headline"), data.get("name")):
                assert value != "", name
        if language == "en" and name != "speaker":  # a name is not translated: marked by lang
            assert page.select_one(".notice--language"), name  # "Not yet available in English"


def test_feeds_give_every_item_a_chinese_title(client):
    items = chinese_only_items()
    for name in ("release-feed-rss", "release-feed-atom"):
        feed = feedparser.parse(client.get(reverse(f"media_centre:{name}")).content)
        assert [entry.title for entry in feed.entries] == [items["release"].headline_zh_hant]


def test_the_sitemap_lists_the_pinyin_addresses(client):
    items = chinese_only_items()
    text = "".join(
        client.get(f"/sitemap-{section}.xml").content.decode()
        for section in ("releases", "events", "mous", "studies", "speakers")
    )
    for name in ("release", "event", "mou", "study", "person"):
        assert items[name].get_absolute_url() in text, name
    assert items["event"].slug == "lu-jia-zui-lun-tan-yan-tao-hui"


def test_chinese_only_items_are_named_in_the_desk_lists_and_autocomplete(client, editor):
    items = chinese_only_items()
    client.force_login(editor)
    for model, name in ((PressRelease, "release"), (Event, "event"), (MoU, "mou")):
        page = client.get(url(model, "changelist")).content.decode()
        assert titles(items, "zh-hant")[name] in page, name
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "media_centre", "model_name": "pressrelease", "field_name": "topics",
         "term": "綠色"},
    )  # fmt: skip
    assert [r["text"] for r in response.json()["results"]] == ["綠色金融"]


# Web addresses


def test_a_slug_is_made_from_chinese_in_pinyin():
    assert slug_for("香港金融發展局") == "xiang-gang-jin-rong-fa-zhan-ju"
    assert slug_for("香港金融发展局") == "xiang-gang-jin-rong-fa-zhan-ju"
    mixed = slug_for("2025年陸家嘴論壇：FSDC研討會")
    assert mixed == "2025-nian-lu-jia-zui-lun-tan-fsdc-yan-tao-hui"


def test_a_long_slug_is_cut_at_a_word():
    headline = (
        "FSDC and SRCFSD co-host a seminar on the synergistic development of Shanghai and Hong "
        "Kong as international financial centres in the new era"
    )
    slug = slug_for(headline, 120)
    full = slug_for(headline, 1000)
    assert len(slug) <= 120 and full.startswith(slug) and full[len(slug)] == "-"
    assert slug.endswith("-international-financial")
    chinese = slug_for("新時代滬港國際金融中心協同發展研究報告" * 4, 40)
    assert len(chinese) <= 40 and not chinese.endswith("-")
    assert slug_for("新時代滬港國際金融中心協同發展研究報告" * 4, 1000).startswith(chinese + "-")


def test_a_title_that_makes_no_letters_gets_a_short_stable_address():
    first = unique_slug(Topic(name="★☆★"), "★☆★")
    assert first == unique_slug(Topic(name="★☆★"), "★☆★")
    assert len(first) == 8 and first.isalnum()


def test_the_address_comes_from_english_then_traditional_then_simplified(db):
    both = PressRelease.objects.create(headline_en="Council meets", headline_zh_hant="金融會議")
    assert both.slug == "council-meets"
    scripts = PressRelease.objects.create(headline_zh_hant="香港", headline_zh_hans="上海")
    assert scripts.slug == "xiang-gang"
    simplified = PressRelease.objects.create(headline_zh_hans="上海")
    assert simplified.slug == "shang-hai"


def test_topics_and_organisations_get_their_address_made_too(db):
    assert Topic.objects.create(name_en="Green finance").slug == "green-finance"
    assert Organisation.objects.create(name_zh_hant="金融發展局").slug == "jin-rong-fa-zhan-ju"


def test_an_address_left_empty_in_the_desk_is_made_from_the_headline(client, editor):
    client.force_login(editor)
    data = form_data(client.get(url(PressRelease, "add")))
    headline = (
        "FSDC and SRCFSD co-host a seminar on the synergistic development of Shanghai and Hong "
        "Kong as international financial centres in the new era"
    )
    data.update(headline_en=headline, slug="")

    assert client.post(url(PressRelease, "add"), data).status_code == 302

    assert PressRelease.objects.get().slug == slug_for(headline, 120)


@pytest.mark.parametrize("model", DESK, ids=lambda m: m._meta.model_name)
def test_the_desk_calls_the_slug_a_web_address_made_by_the_server(client, editor, model):
    client.force_login(editor)
    response = client.get(url(model, "add"))
    page = soup(response)

    label = page.find("label", attrs={"for": "id_slug"})
    assert label.text.strip().rstrip(":") == "Web address"
    help_text = page.find(id="id_slug_helptext").text
    assert "when left empty" in help_text and "breaks links" in help_text
    # No script filling it as the headline is typed (Django's cut addresses mid-word).
    constants = page.find(id="django-admin-prepopulated-fields-constants")
    assert json.loads(constants["data-prepopulated-fields"]) == []
    field = page.find(attrs={"name": "slug"})
    assert field.find_parent("details") is not None  # tucked away, opened on request
    fieldset = field.find_parent("fieldset")
    later = fieldset.find_all_next("fieldset")
    later = [f for f in later if not f.find_parent(class_="inline-group")]
    later_fields = {i.get("name") for f in later for i in f.find_all(["input", "textarea"])}
    assert later_fields <= {"revision_note"}  # the item's last fieldset, before the save's note


def test_the_desk_names_the_web_address_in_chinese(client, editor):
    client.force_login(editor)
    client.cookies["django_language"] = "zh-hant"
    page = soup(client.get(url(PressRelease, "add")))
    assert page.find("label", attrs={"for": "id_slug"}).text.strip().rstrip(":：") == "網址"
    client.cookies["django_language"] = "zh-hans"
    page = soup(client.get(url(PressRelease, "add")))
    assert page.find("label", attrs={"for": "id_slug"}).text.strip().rstrip(":：") == "网址"


# Copying a release ("Save as new") gets a fresh address


def test_saving_a_release_as_new_with_the_same_address_gives_the_copy_a_fresh_one(
    client, publisher
):
    release = make_release(slug="council-meets")
    client.force_login(publisher)
    data = form_data(client.get(url(PressRelease, "change", release.pk)))
    assert data["slug"] == "council-meets"
    data["_saveasnew"] = "Save as new"

    response = client.post(url(PressRelease, "change", release.pk), data)

    assert response.status_code == 302, soup(response).select(".errorlist")
    copy = PressRelease.objects.exclude(pk=release.pk).get()
    assert copy.slug == "council-meets-2"
    assert copy.release_date == release.release_date
    release.refresh_from_db()
    assert release.slug == "council-meets"


@pytest.mark.parametrize("model", [Event, MoU, Study, Person])
def test_a_new_item_given_a_taken_address_gets_a_fresh_one(db, model):
    field, _extra = DESK[model]
    first = model.objects.create(**{f"{field}_en": "Same", "slug": "same"})
    second = model.objects.create(**{f"{field}_en": "Same", "slug": "same"})
    assert (first.slug, second.slug) == ("same", "same-2")


def test_changing_an_item_to_a_taken_address_is_still_a_form_error(client, editor):
    make_release(slug="taken")
    release = make_release(slug="mine")
    client.force_login(editor)
    data = form_data(client.get(url(PressRelease, "change", release.pk)))
    data["slug"] = "taken"

    response = client.post(url(PressRelease, "change", release.pk), data)

    assert response.status_code == 200
    release.refresh_from_db()
    assert release.slug == "mine"


def test_two_organisations_named_only_in_chinese_are_both_saved_from_the_desk(client, editor):
    client.force_login(editor)
    for name in ("金融發展局", "研究中心"):
        data = {**form_data(client.get(url(Organisation, "add"))), "name_zh_hant": name}
        assert client.post(url(Organisation, "add"), data).status_code == 302
    assert Organisation.objects.filter(name_en=None).count() == 2


def test_names_emptied_in_one_script_do_not_clash_with_each_other(db):
    # A Simplified name converted from a Traditional one that is later removed is emptied;
    # names are unique in each language, so an empty one must not count as a name.
    for english, chinese in (("Council", "金融發展局"), ("Centre", "研究中心")):
        organisation = Organisation.objects.create(name_zh_hant=chinese)
        assert organisation.name_zh_hans
        organisation.name_en, organisation.name_zh_hant = english, None
        organisation.save()
        organisation.refresh_from_db()
        assert not organisation.name_zh_hans


def test_a_long_address_taken_already_is_cut_at_a_word_before_its_number(db):
    headline = "Council " + "development " * 12
    first = PressRelease.objects.create(headline_en=headline)
    second = PressRelease.objects.create(headline_en=headline)
    assert len(first.slug) <= 120 and first.slug.endswith("-development")
    assert len(second.slug) <= 120 and second.slug.endswith("-development-2")
