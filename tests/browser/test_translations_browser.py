"""An editor finds, reads and clears an out-of-date translation, in Chromium (issue 20): the
desk home's Translations table leads to the release; its form shows what changed in the
English; the editor ticks "Mark as checked" and saves. SCREENSHOT_DIR=… keeps each screen."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from media_centre.models import PressRelease, Status
from tests.conftest import make_release, make_staff

from .conftest import SIZES
from .test_csp import desk_groups  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long enough passphrase"


def shot(page, name: str) -> None:
    if folder := os.environ.get("SCREENSHOT_DIR"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/translations-{name}.png", full_page=True)


@pytest.mark.usefixtures("desk_groups")
def test_an_editor_marks_an_out_of_date_translation_checked(visitor):
    """Page loads: desk home, the filtered list, the release's form, the form after saving: 4.
    Actions: sign in, follow the count, open the release, tick the box, save: 5."""
    release = make_release(
        status=Status.DRAFT,
        headline="Seminar held in Shanghai",
        body_en="<p>The seminar was held on 19 June.</p>",
        headline_zh_hant="上海研討會",
        body_zh_hant="<p>研討會於六月十九日舉行。</p>",
    )
    release.body_en = "<p>The seminar was held on 19 June 2025.</p>"
    release.save()
    editor = make_staff("Editor", password=PASSWORD)

    page = visitor(viewport=SIZES["desktop"])
    page.goto(reverse("admin:login"))
    page.locator("#id_username").fill(editor.username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    table = page.locator(".nr-desk-translations")
    shot(page, "desk-home")
    row = table.locator("tr", has_text="Traditional Chinese: out of date")
    row.get_by_role("link", name="1").click()
    page.get_by_role("link", name="Seminar held in Shanghai").first.click()

    status = page.locator(".nr-out-of-date-list")
    assert "Traditional Chinese · Body" in status.inner_text()
    assert "2025" in status.locator("ins").first.inner_text()
    shot(page, "form")
    page.get_by_label("Traditional Chinese · Body: still right").check()
    page.locator("input[name=_continue]").first.click()

    assert page.locator(".nr-out-of-date-list").count() == 0
    assert PressRelease.objects.get(pk=release.pk).out_of_date == ""
    shot(page, "saved")
    assert page.watch.problems == []
