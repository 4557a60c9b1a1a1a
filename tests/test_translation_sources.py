"""Translations remember their source, and fall out of date when it changes (issue 20)."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format

from core.translation_checks import CHECKED
from core.workflow.models import Step
from media_centre.models import PressRelease, Status

from .conftest import make_release
from .test_admin import form_data, url
from .test_drafts import edit, publish

pytestmark = pytest.mark.django_db


def translated(**kw) -> PressRelease:
    kw.setdefault("body_en", "<p>The English body.</p>")
    kw.setdefault("headline_zh_hant", "研討會")
    kw.setdefault("body_zh_hant", "<p>繁體正文。</p>")
    kw.setdefault("summary_zh_hant", "繁體摘要。")
    kw.setdefault("summary_zh_hans", "简体摘要。")
    kw.setdefault("headline_zh_hans", "研讨会")
    kw.setdefault("body_zh_hans", "<p>简体正文。</p>")
    return make_release(**kw)


def reloaded(release) -> PressRelease:
    return PressRelease.objects.get(pk=release.pk)


def test_a_new_translation_is_up_to_date():
    release = reloaded(translated())
    assert release.out_of_date == ""
    assert release.translation_sources["body_zh_hant"] == {
        "from": "en",
        "text": "<p>The English body.</p>",
        "since": None,
    }
    assert release.stale_since("zh-hant") is None


def test_changing_the_english_marks_both_chinese_versions_out_of_date_once():
    release = translated()
    release.body_en = "<p>The corrected English body.</p>"
    release.save()
    first = reloaded(release)
    assert first.out_of_date == " zh-hant zh-hans "
    since = first.stale_since("zh-hant")
    assert since is not None and first.stale_since("zh-hans") == since
    assert first.stale_since("en") is None

    first.summary_en = "A new summary."
    first.save()  # still behind: since when stays the first change's time
    assert reloaded(release).stale_since("zh-hant") == since


def test_updating_a_translation_brings_it_up_to_date():
    release = translated()
    release.body_en = "<p>The corrected English body.</p>"
    release.save()
    release = reloaded(release)
    release.body_zh_hant = "<p>更正的繁體正文。</p>"
    release.save()
    release = reloaded(release)
    assert release.out_of_date == " zh-hans "
    assert release.translation_sources["body_zh_hant"]["text"] == (
        "<p>The corrected English body.</p>"
    )


def test_marking_a_translation_checked_brings_it_up_to_date_without_changing_it():
    release = translated()
    release.body_en = "<p>Typo fixed.</p>"
    release.save()
    release = reloaded(release)
    release.mark_checked(["body_zh_hant", "body_zh_hans"])
    release.save()
    assert reloaded(release).out_of_date == ""
    assert reloaded(release).body_zh_hant == "<p>繁體正文。</p>"


def test_converted_chinese_is_never_marked_but_follows_its_script():
    release = translated(headline_zh_hans="", body_zh_hans="")
    assert "body_zh_hans" in release.derived_translations
    release.body_en = "<p>Changed.</p>"
    release.save()
    release = reloaded(release)
    assert "body_zh_hans" not in release.translation_sources
    assert release.out_of_date == " zh-hant "
    # Its page is behind as far as the Traditional it is converted from.
    assert release.stale_since("zh-hans") == release.stale_since("zh-hant") is not None


def test_a_new_prevailing_language_starts_the_record_afresh():
    release = translated()
    release.body_en = "<p>Changed.</p>"
    release.save()
    release = reloaded(release)
    release.authoritative_language = "zh-hant"
    release.save()
    release = reloaded(release)
    assert release.out_of_date == ""
    assert release.translation_sources["body_en"]["from"] == "zh-hant"


def test_an_untranslated_field_or_language_has_no_record():
    release = reloaded(make_release(headline_zh_hant="只有標題"))
    assert set(release.translation_sources) == {"headline_zh_hant"}  # Simplified is converted


def test_since_is_the_time_of_the_save_that_made_it_behind():
    release = translated()
    before = timezone.now()
    release.body_en = "<p>Changed.</p>"
    release.save()
    since = reloaded(release).stale_since("zh-hant")
    assert before <= since <= timezone.now() + dt.timedelta(seconds=1)


# Through the review flow, in the desk and on the public pages


def page_text(client, release, language: str) -> str:
    with translation.override(language):
        response = client.get(release.get_absolute_url())
    assert response.status_code == 200
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


def english_link(client, release, language: str) -> str | None:
    with translation.override(language):
        soup = BeautifulSoup(client.get(release.get_absolute_url()).content, "html.parser")
    notice = soup.select_one(".notice--behind a")
    return notice["href"] if notice else None


def test_an_english_change_published_through_review_marks_both_chinese_versions_until_checked(
    client, editor, publisher, django_capture_on_commit_callbacks
):
    release = translated()
    reader = Client()
    assert "此為翻譯本。如與英文版本有任何歧異，以英文版本為準。" in page_text(
        reader, release, "zh-hant"
    )

    # An editor corrects the English body of the live release and submits it for review.
    client.force_login(editor)
    edit(client, release, body_en="<p>The corrected English body.</p>")
    client.post(url(PressRelease, "review", release.pk, "submit"), {"note": "Fixed a figure."})
    assert reloaded(release).out_of_date == ""  # nothing public has changed yet
    # A publisher publishes it.
    client.force_login(publisher)
    with django_capture_on_commit_callbacks(execute=True):
        publish(client, release, kind="minor")

    live = reloaded(release)
    assert live.out_of_date == " zh-hant zh-hans "
    day = date_format(timezone.localtime(live.stale_since("zh-hant")), "DATE_FORMAT")
    for language in ("zh-hant", "zh-hans"):
        with translation.override(language):
            expected_day = date_format(
                timezone.localtime(live.stale_since(language)), "DATE_FORMAT"
            )
            words = page_text(reader, release, language)
        assert expected_day in words
        with translation.override("en"):
            assert english_link(reader, release, language) == release.get_absolute_url()
    assert "English version was updated on" not in page_text(reader, release, "en")

    # The desk shows both, with the change to the English.
    client.force_login(editor)
    form = client.get(url(PressRelease, "change", release.pk))
    desk = " ".join(BeautifulSoup(form.content, "html.parser").get_text().split())
    assert "Translations out of date" in desk
    assert "Traditional Chinese · Body" in desk and "Simplified Chinese · Body" in desk
    assert "The English changed after this was translated" in desk
    assert "<ins> corrected</ins>" in form.content.decode()
    assert day  # the mark says when

    # The editor updates the Traditional and marks the Simplified checked; a publisher publishes.
    data = form_data(form)
    data["body_zh_hant"] = "<p>更正的繁體正文。</p>"
    data[CHECKED] = ["body_zh_hans"]
    client.post(url(PressRelease, "change", release.pk), data)
    client.force_login(publisher)
    with django_capture_on_commit_callbacks(execute=True):
        publish(client, release, kind="minor")

    assert reloaded(release).out_of_date == ""
    for language in ("zh-hant", "zh-hans"):
        assert english_link(reader, release, language) is None
    assert "更正的繁體正文" in page_text(reader, release, "zh-hant")


# The desk home, per language


def test_the_desk_home_counts_what_each_language_lacks_and_lists_what_is_behind(client, editor):
    behind = translated(headline="Behind in Chinese")
    behind.body_en = "<p>Changed.</p>"
    behind.save()
    make_release(headline="English only")
    client.force_login(editor)
    client.get("/admin/")

    with CaptureQueriesContext(connection) as queries:
        home = client.get("/admin/")
    soup = BeautifulSoup(home.content, "html.parser")
    section = soup.find(id="nr-translations").parent
    rows = {
        row.th.get_text(" ", strip=True): [td.get_text(strip=True) for td in row.find_all("td")]
        for row in section.select("tbody tr")
    }
    assert rows["Traditional Chinese: missing"][0] == "1"  # press releases come first
    assert rows["Traditional Chinese: out of date"][0] == "1"
    assert rows["English: missing"][0] == "0"
    link = section.find("a", href=lambda href: href and "translation=behind-zh-hant" in href)
    listed = client.get(link["href"])
    assert "Behind in Chinese" in listed.content.decode()
    assert "English only" not in listed.content.decode()
    assert "Behind in Chinese" in section.get_text()

    for n in range(4):
        extra = translated(headline=f"Also behind {n}")
        extra.body_en = f"<p>Changed {n}.</p>"
        extra.save()
    with CaptureQueriesContext(connection) as many:
        client.get("/admin/")
    assert len(many) <= len(queries), [q["sql"] for q in many]


# Every language together, when the site asks for it


@pytest.fixture
def together(settings):
    settings.NEWSROOM_REQUIRE_ALL_LANGUAGES = True


def publish_page(client, release, **fields):
    return client.post(url(PressRelease, "publish", release.pk) + "?when=now", fields)


@pytest.mark.usefixtures("together")
def test_a_release_missing_a_language_waits_unless_a_publisher_gives_a_reason(client, publisher):
    release = make_release(status=Status.DRAFT)  # English only
    client.force_login(publisher)

    refused = publish_page(client, release)
    words = " ".join(BeautifulSoup(refused.content, "html.parser").get_text().split())
    assert refused.status_code == 200
    assert "Not ready in every language" in words
    assert "Traditional Chinese: no headline, summary, body" in words
    assert reloaded(release).status == Status.DRAFT

    publish_page(client, release, languages_override="The Chinese follows tomorrow morning.")

    release = reloaded(release)
    assert release.is_published()
    entry = LogEntry.objects.filter(object_id=str(release.pk)).order_by("-pk").first()
    assert "The Chinese follows tomorrow morning." in entry.change_message
    step = Step.objects.filter(object_id=str(release.pk)).order_by("-pk").first()
    assert "The Chinese follows tomorrow morning." in step.note
    assert "Traditional Chinese: no headline" in step.note


@pytest.mark.usefixtures("together")
def test_a_release_behind_in_a_language_waits_too_and_a_complete_one_does_not(client, publisher):
    complete = translated(status=Status.DRAFT)
    behind = translated(status=Status.DRAFT)
    behind.body_en = "<p>Changed after translation.</p>"
    behind.save()
    client.force_login(publisher)

    assert (
        "Simplified Chinese: behind the English (Body)"
        in publish_page(client, behind).content.decode()
    )
    publish_page(client, complete)
    assert reloaded(complete).is_published()


@pytest.mark.usefixtures("together")
def test_publish_now_on_the_list_refuses_a_release_missing_a_language(client, publisher):
    release = make_release(status=Status.DRAFT)
    client.force_login(publisher)
    response = client.post(
        url(PressRelease, "changelist"),
        {"action": "publish_now", "_selected_action": [release.pk], "confirm": "1"},
        follow=True,
    )
    assert "it goes public in every language together" in response.content.decode()
    assert reloaded(release).status == Status.DRAFT
