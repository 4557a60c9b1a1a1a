"""A journalist checks a PDF and a quote on the seed release's Verify page, on a phone."""

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

SEED_PDF = Path(__file__).parents[2] / "media_centre" / "seed" / "fsdc-press-release-2025-06-19.pdf"
QUOTE = (
    "With aligned goals and complementary strengths in financial development, Shanghai and "
    "Hong Kong can deepen cooperation"
)


def shot(page, name: str) -> None:
    if folder := os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=str(Path(folder, f"verify-{name}.png")), full_page=True)


def test_the_seed_pdf_matches_and_a_changed_copy_does_not(visitor, seeded, tmp_path):
    """Page loads: the release, the Verify page, one per check (3 checks): 5. Actions: follow
    the link, choose a file and check it (twice), paste a quote and check it."""
    page = visitor(viewport={"width": 390, "height": 844})
    page.goto(seeded["release"].get_absolute_url())
    page.get_by_role("link", name="Verify this page").click()
    assert page.title().startswith("Verify: FSDC and the SRCFSD")
    shot(page, "page")

    page.get_by_label("Or choose a file (a PDF, say)").set_input_files(str(SEED_PDF))
    page.get_by_role("button", name="Check the file").click()
    result = page.locator("#result")
    assert "This file matches, and it is current." in result.inner_text()
    shot(page, "matches")

    changed = tmp_path / "fsdc-press-release-2025-06-19.pdf"
    data = bytearray(SEED_PDF.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit of one byte
    changed.write_bytes(bytes(data))
    page.get_by_label("Or choose a file (a PDF, say)").set_input_files(str(changed))
    page.get_by_role("button", name="Check the file").click()
    assert "This file does not match." in page.locator("#result").inner_text()
    shot(page, "does-not-match")

    page.get_by_label("Paste a quote or a paragraph").fill(QUOTE)
    page.get_by_role("button", name="Check the text").click()
    assert "Found, and current." in page.locator("#result").inner_text()
    assert page.watch.problems == []
