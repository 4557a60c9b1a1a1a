"""Two editors edit the seed release at once in Chromium: the second save is refused and shows what
the first changed, nothing the second typed is lost, and the browser asks before leaving a form
with unsaved changes. SCREENSHOT_DIR=… keeps the conflict message at desktop and phone sizes."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from core.drafts.store import draft_of, snapshot_of
from tests.conftest import make_staff

from .conftest import AXE_TAGS, SIZES
from .test_csp import (
    LISTEN,
    desk_groups,  # noqa: F401 (a fixture)
    violations,
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long enough passphrase"

# axe-core's WCAG rules on the conflict message alone (the admin's own pages are Django's).
AXE_ON_MESSAGE = """async (tags) => {
  const results = await axe.run(".nr-conflict", {runOnly: {type: "tag", values: tags},
                                                 resultTypes: ["violations"]});
  return results.violations.map((rule) => `${rule.id}: ${rule.help}`);
}"""


def draft_value(release, field: str):
    """What the release's draft (its next version, core.drafts) holds for `field`."""
    return snapshot_of(release, draft_of(release)).item.values[field]


def signed_in_editor(visitor, first_name: str):
    user = make_staff("Editor", first_name=first_name, last_name="Chan", password=PASSWORD)
    page = visitor(viewport=SIZES["desktop"])
    page.context.add_init_script(LISTEN)
    page.goto(reverse("admin:login"))
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    return page


@pytest.mark.usefixtures("desk_groups")
def test_the_second_of_two_editors_is_refused_and_shown_the_first_ones_changes(
    visitor, seeded, axe_source
):
    release = seeded["release"]
    change = reverse("admin:media_centre_pressrelease_change", args=[release.pk])
    alice, bob = signed_in_editor(visitor, "Alice"), signed_in_editor(visitor, "Bob")
    alice.goto(change)
    bob.goto(change)
    old_headline = alice.locator("#id_headline_en").input_value()
    old_quote = alice.locator("#id_quotes-0-text_en").input_value()

    alice.locator("#id_headline_en").fill(old_headline + " (updated)")
    alice.locator("#id_quotes-0-text_en").fill("We will deepen our co-operation.")
    with alice.expect_navigation():
        alice.locator("input[name=_save]").last.click()
    assert alice.locator(".messagelist .success").count() == 1

    # Bob types: leaving the page now asks first (and staying keeps what he typed).
    summary = bob.locator("#id_summary_en")
    summary.click()
    summary.press("End")
    summary.press_sequentially(" Bob's addition.")
    dialogs = []
    bob.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    bob.evaluate("() => { window.location.href = '/admin/'; }")
    bob.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert bob.url.endswith(change)
    typed = summary.input_value()
    assert typed.endswith("Bob's addition.")

    with bob.expect_navigation():
        bob.locator("input[name=_save]").last.click()

    message = bob.locator(".nr-conflict")
    assert message.is_visible()
    text = " ".join(message.inner_text().split())
    assert "Someone else saved this press release while you were editing it" in text
    assert "Saved by Alice Chan" in text
    assert "Headline, in English" in text and "(updated)" in text
    assert "Quote 1 (" in text and "We will deepen our co-operation." in text
    assert old_quote.split()[0] in text
    assert "headline_en" not in text and "text_en" not in text
    assert bob.locator("#id_summary_en").input_value() == typed  # nothing Bob typed is lost
    assert bob.evaluate("() => document.documentElement.dataset.unsavedWarning") == "on"
    assert not violations(bob) and not bob.watch.page_errors
    bob.evaluate(axe_source)
    assert bob.evaluate(AXE_ON_MESSAGE, AXE_TAGS) == []
    if folder := os.environ.get("SCREENSHOT_DIR"):
        for name, size in SIZES.items():
            bob.set_viewport_size(size)
            message.screenshot(path=Path(folder) / f"edit-conflict-{name}.png")
        bob.set_viewport_size(SIZES["desktop"])

    # The release is live: both saves go to its draft, and the public row keeps its text.
    release.refresh_from_db()
    assert not release.headline.endswith("(updated)")
    assert draft_value(release, "headline_en").endswith("(updated)")
    assert not draft_value(release, "summary_en").endswith("addition.")

    # He has read the changes and saves his own over them, deliberately.
    bob.get_by_label("I have seen the other changes; save mine over them").check()
    with bob.expect_navigation():
        bob.locator("input[name=_save]").last.click()
    assert bob.locator(".messagelist .success").count() == 1
    assert draft_value(release, "summary_en").endswith("Bob's addition.")
    release.refresh_from_db()
    assert not release.summary.endswith("Bob's addition.")
