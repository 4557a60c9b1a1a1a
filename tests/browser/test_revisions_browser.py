"""An editor's change to the seed release's quote, seen in its History and as a diff, in
Chromium at a laptop's and a phone's width, within the admin's Content-Security-Policy."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import make_staff

from .conftest import SIZES
from .test_csp import LISTEN, desk_groups, violations  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

# Set SCREENSHOT_DIR to keep the pictures for a look.
SHOTS = os.environ.get("SCREENSHOT_DIR")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_editor_reads_the_diff_of_a_quote_in_the_history(visitor, seeded, desk_groups):  # noqa: F811
    editor = make_staff("Editor", password="a long enough passphrase")
    release = seeded["release"]
    page = visitor(viewport=SIZES["desktop"])
    page.context.add_init_script(LISTEN)
    page.goto(reverse("admin:login"))
    page.locator("#id_username").fill(editor.username)
    page.locator("#id_password").fill("a long enough passphrase")
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")

    change = reverse("admin:media_centre_pressrelease_change", args=[release.pk])
    for note in ("Checked the quote.", "Shorter quote."):
        page.goto(change)
        quote = page.locator("#id_quotes-0-text_en")
        if note == "Shorter quote.":
            quote.fill(quote.input_value().split(".")[0] + ".")
        page.locator("#id_revision_note").fill(note)
        with page.expect_navigation():
            page.locator("input[name=_continue]").first.click()

    page.goto(change)
    with page.expect_navigation():
        page.get_by_role("link", name="History").click()
    assert page.get_by_text("Shorter quote.").is_visible()
    shot(page, "history-1280")
    with page.expect_navigation():
        page.get_by_role("button", name="Compare the two chosen revisions").click()
    assert page.locator(".nr-diff del").first.is_visible()
    assert "Quotes" in page.locator("#content-main").inner_text()
    shot(page, "compare-1280")

    page.set_viewport_size(SIZES["phone"])
    shot(page, "compare-390")
    page.go_back()
    shot(page, "history-390")
    page.get_by_role("link", name="Restore…").first.click()
    page.wait_for_load_state()
    assert "becomes its draft" in page.locator("#content-main").inner_text()
    shot(page, "restore-390")
    assert not violations(page)
    assert not page.watch.problems, page.watch.problems
