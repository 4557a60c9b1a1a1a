"""A visitor who asks for less motion (prefers-reduced-motion: reduce) gets none: no transition,
no animation, no smooth scrolling; everyone else gets the site's small ones."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

# Every element's longest transition and animation, in seconds, and the window's scrolling.
MOTION = """() => {
  const seconds = (value) => Math.max(...value.split(",").map((part) =>
    part.trim().endsWith("ms") ? parseFloat(part) / 1000 : parseFloat(part) || 0));
  const moving = [];
  for (const element of document.querySelectorAll("*")) {
    for (const pseudo of [null, "::before", "::after"]) {
      const style = getComputedStyle(element, pseudo);
      const transition = seconds(style.transitionDuration) + seconds(style.transitionDelay);
      const animation = style.animationName === "none" ? 0 : seconds(style.animationDuration);
      if (transition > 0 || animation > 0) {
        moving.push(`${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""}` +
                    `${element.className && typeof element.className === "string" ?
                       "." + element.className.trim().split(/\\s+/).join(".") : ""}` +
                    `${pseudo || ""}: transition ${transition}s, animation ${animation}s`);
      }
    }
  }
  return {moving, scrolling: getComputedStyle(document.documentElement).scrollBehavior};
}"""


def reopen_banner(page):
    """The footer's "Cookie settings" reopens the banner, which then rises into view."""
    page.locator("footer [data-consent-reopen]").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#consent-banner")).to_be_visible()


def chosen(page):
    page.goto("/en/")
    page.locator('#consent-banner button[value="reject-all"]').click()
    expect(page.locator("#consent-banner")).to_be_hidden()


def test_the_site_moves_a_little_by_default(visitor, seeded):
    page = visitor()
    page.emulate_media(reduced_motion="no-preference")
    chosen(page)
    page.goto(seeded["release"].get_absolute_url())
    reopen_banner(page)

    motion = page.evaluate(MOTION)

    assert motion["scrolling"] == "smooth"
    assert any(entry.startswith("a") for entry in motion["moving"]), motion["moving"]
    assert any(
        "#consent-banner" in entry and "animation 0.2s" in entry for entry in motion["moving"]
    )


def test_nothing_moves_when_the_visitor_asks_for_less_motion(visitor, seeded):
    page = visitor()
    page.emulate_media(reduced_motion="reduce")
    chosen(page)
    for path in ["/en/", seeded["release"].get_absolute_url(), "/en/cookies/"]:
        page.goto(path)
        reopen_banner(page)

        motion = page.evaluate(MOTION)

        assert motion["moving"] == [], f"{path}: " + "\n".join(motion["moving"])
        assert motion["scrolling"] == "auto", path
