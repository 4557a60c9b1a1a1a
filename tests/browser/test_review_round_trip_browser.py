"""The desk's round trip on the seed release, in Chromium (issue 16): an editor corrects a quote
of the live release (the public page does not change) and submits it with a note; the publisher
sees it awaiting review, gets the email, reads the diff and publishes it as a correction; the
public page shows the new quote and the dated correction note; an earlier revision restored
becomes a draft, and the public page keeps the published text. SCREENSHOT_DIR=… keeps every
screen at a laptop's width."""

import os
import re
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from core.drafts.models import Draft
from tests.conftest import make_staff

from .conftest import SIZES
from .test_csp import LISTEN, desk_groups, violations  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long enough passphrase"
OLD = "'dual-engine'"
NEW = "‘dual-engine’"  # the typographic quotes the rest of Mr Hui's remark uses
NOTE = "Corrected the quotation marks around ‘dual-engine’ in Mr Hui’s remark."
SHOTS = os.environ.get("SCREENSHOT_DIR")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/round-trip-{name}.png", full_page=True)


def signed_in(visitor, role: str, first_name: str, email: str):
    user = make_staff(role, first_name=first_name, last_name="Chan", email=email,
                      password=PASSWORD)  # fmt: skip
    page = visitor(viewport=SIZES["desktop"])
    page.context.add_init_script(LISTEN)
    page.goto(reverse("admin:login"))
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    return page


SELECT = """(word) => {
  const editor = [...document.querySelectorAll('.ProseMirror')]
    .find((element) => element.textContent.includes(word));
  const walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.textContent.indexOf(word);
    if (at >= 0) {
      editor.focus();
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + word.length);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      return true;
    }
  }
  return false;
}"""


def test_an_editors_correction_reaches_the_public_only_through_the_publisher(
    visitor,
    seeded,
    desk_groups,  # noqa: F811
):
    release = seeded["release"]
    public_url = release.get_absolute_url()
    change = reverse("admin:media_centre_pressrelease_change", args=[release.pk])
    reader = visitor(viewport=SIZES["phone"])

    def public_text() -> str:
        reader.goto(public_url)
        return reader.locator("main").inner_text()

    assert OLD in public_text()

    # The editor corrects the quote in the body and in the quote's own box, and saves.
    editor = signed_in(visitor, "Editor", "Edna", "edna@example.org")
    publisher = signed_in(visitor, "Publisher", "Percy", "percy@example.org")
    editor.goto(change)
    editor.locator(".ProseMirror", has_text="dual-engine").first.wait_for()
    assert editor.evaluate(SELECT, OLD)
    editor.wait_for_timeout(100)
    editor.keyboard.type(NEW)
    quote = editor.locator("textarea[name$='-text_en']").filter(has_text="dual-engine").first
    quote.fill(quote.input_value().replace(OLD, NEW))
    editor.locator("#id_revision_note").fill("Typographic quotes, as in the rest of the remark.")
    with editor.expect_navigation():
        editor.locator("input[name=_continue]").last.click()
    assert "Saved as a draft of the next version" in editor.locator(".messagelist").inner_text()
    shot(editor, "1-editor-saved-draft")
    text = public_text()
    assert OLD in text and NEW not in text  # the public page does not change
    assert Draft.objects.count() == 1

    # ... and submits it for review with a note.
    with editor.expect_navigation():
        editor.get_by_role("link", name="Submit for review…").click()
    editor.get_by_label("Note for the publisher").fill("Please publish this as a correction.")
    shot(editor, "2-submit")
    with editor.expect_navigation():
        editor.get_by_role("button", name="Submit for review").click()
    assert "Awaiting review" in editor.locator(".nr-review").inner_text()

    # The publisher is emailed, and sees it awaiting review on the desk's home.
    assert [m.to for m in mail.outbox] == [["percy@example.org"]]
    assert "Please publish this as a correction." in mail.outbox[0].body
    link = re.search(r"https?://\S+/change/", mail.outbox[0].body).group(0)
    assert link.endswith(change)
    publisher.goto(reverse("admin:index"))
    awaiting = publisher.locator("#nr-awaiting").locator("..")
    assert "Please publish this as a correction." in awaiting.inner_text()
    shot(publisher, "3-home-awaiting-review")
    with publisher.expect_navigation():
        awaiting.get_by_role("link", name=release.headline[:40], exact=False).first.click()
    assert publisher.url.endswith(change)

    # The publisher reads the diff on the publish page and publishes it as a correction.
    with publisher.expect_navigation():
        publisher.get_by_role("link", name="Publish them…").click()
    changes = publisher.locator(".nr-diff")
    assert "dual-engine" in changes.first.inner_text()
    assert publisher.locator(".nr-diff ins").count() >= 1
    publisher.get_by_label("Correction").check()
    publisher.get_by_label("Note to readers (English)").fill(NOTE)
    shot(publisher, "4-publish")
    with publisher.expect_navigation():
        publisher.get_by_role("button", name="Publish").click()
    assert "was published" in publisher.locator(".messagelist").inner_text()
    assert not Draft.objects.exists()

    text = public_text()
    assert NEW in text and OLD not in text
    notes = reader.locator("section.notes")
    assert "Correction" in notes.inner_text() and NOTE in notes.inner_text()
    assert notes.locator("time").count() == 1
    shot(reader, "5-public-corrected")

    # An earlier revision restored becomes a draft: the public page keeps the correction.
    publisher.goto(reverse("admin:media_centre_pressrelease_history", args=[release.pk]))
    with publisher.expect_navigation():
        publisher.get_by_role("link", name="Restore…").last.click()
    assert "becomes its draft" in publisher.locator("#content-main").inner_text()
    with publisher.expect_navigation():
        publisher.get_by_role("button", name="Restore this revision").click()
    shot(publisher, "6-restored-as-draft")
    assert Draft.objects.count() == 1
    text = public_text()
    assert NEW in text and OLD not in text
    assert NOTE in text

    for page in (editor, publisher):
        assert not violations(page)
        assert not page.watch.problems, page.watch.problems
