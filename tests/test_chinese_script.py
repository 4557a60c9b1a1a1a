"""Chinese in one script is converted to the other once per save, until an editor takes over."""

import pytest

from media_centre.models import PressRelease

from .conftest import make_release

pytestmark = pytest.mark.django_db


def fresh(release: PressRelease) -> PressRelease:
    return PressRelease.objects.get(pk=release.pk)


def test_traditional_text_fills_the_empty_simplified_version():
    release = make_release(headline_zh_hant="綠色金融發展")
    assert fresh(release).headline_zh_hans == "绿色金融发展"
    assert "headline_zh_hans" in fresh(release).derived_translations


def test_simplified_text_fills_the_empty_traditional_version():
    release = make_release(summary_zh_hans="发展绿色金融")
    assert fresh(release).summary_zh_hant == "發展綠色金融"


def test_converted_text_follows_its_source_when_the_source_changes():
    release = fresh(make_release(headline_zh_hant="綠色金融"))
    release.headline_zh_hant = "金融科技"
    release.save()
    assert fresh(release).headline_zh_hans == "金融科技"


def test_editing_the_converted_text_makes_it_the_editors_own():
    release = fresh(make_release(headline_zh_hant="綠色金融"))
    release.headline_zh_hans = "绿色金融（简体版）"
    release.save()
    release = fresh(release)
    assert "headline_zh_hans" not in release.derived_translations
    release.headline_zh_hant = "金融科技"
    release.save()
    assert fresh(release).headline_zh_hans == "绿色金融（简体版）"


def test_clearing_the_source_clears_its_conversion():
    release = fresh(make_release(headline_zh_hant="綠色金融"))
    release.headline_zh_hant = ""
    release.save()
    release = fresh(release)
    assert not release.headline_zh_hans
    assert release.derived_translations == []


def test_text_written_in_both_scripts_is_left_alone():
    release = make_release(headline_zh_hant="金融發展局", headline_zh_hans="金融发展局（自订）")
    assert fresh(release).headline_zh_hans == "金融发展局（自订）"
    assert fresh(release).derived_translations == []


def test_a_partial_save_of_the_source_keeps_its_conversion_in_step():
    release = fresh(make_release(headline_zh_hant="綠色金融"))
    release.headline_zh_hant = "綠色債券"
    release.save(update_fields=["headline_zh_hant"])
    release = fresh(release)
    assert release.headline_zh_hans == "绿色债券"
    assert "headline_zh_hans" in release.derived_translations


def test_a_partial_save_of_new_chinese_text_fills_and_records_the_other_script():
    release = fresh(make_release())
    release.summary_zh_hans = "发展绿色债券市场"
    release.save(update_fields=["summary_zh_hans"])
    release = fresh(release)
    assert release.summary_zh_hant == "發展綠色債券市場"
    assert release.derived_translations == ["summary_zh_hant"]
