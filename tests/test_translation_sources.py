"""Translations remember their source, and fall out of date when it changes (issue 20)."""

import datetime as dt

import pytest
from django.utils import timezone

from media_centre.models import PressRelease

from .conftest import make_release

pytestmark = pytest.mark.django_db


def translated(**kw) -> PressRelease:
    kw.setdefault("body_en", "<p>The English body.</p>")
    kw.setdefault("headline_zh_hant", "研討會")
    kw.setdefault("body_zh_hant", "<p>繁體正文。</p>")
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
