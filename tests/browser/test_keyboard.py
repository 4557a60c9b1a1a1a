"""A visitor with a keyboard and no mouse: the cookie banner and the cookie page, the skip link
and the menus, the list filters, search, the language switcher and a download.

Nothing here clicks: every step is Tab, Shift+Tab, Enter, Space, Escape or typing.
"""

import time

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from consent.models import ConsentRecord
from media_centre.management.commands.load_seed import SEED_PDF
from tests.conftest import make_release

from .conftest import SIZES

pytestmark = pytest.mark.django_db(transaction=True)

BANNER = "#consent-banner"

# The focused element, described the same way whatever it is.
FOCUSED = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const text = (element.innerText || element.value || "").trim().replace(/\\s+/g, " ");
  return {
    tag: element.tagName.toLowerCase(), id: element.id, text: text.slice(0, 60),
    value: element.getAttribute("value"), href: element.getAttribute("href"),
    inBanner: !!element.closest("#consent-banner"), inMain: !!element.closest("main"),
    inHeader: !!element.closest("header.site-header"),
  };
}"""
IN_VIEW = """() => {
  const box = document.activeElement.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0
    && box.bottom <= innerHeight && box.right <= innerWidth;
}"""


def focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


def tab_to(page, selector: str, limit: int = 150, key: str = "Tab") -> list[dict]:
    """Press Tab until the focused element matches `selector`; the stops on the way there."""
    stops = []
    for _ in range(limit):
        page.keyboard.press(key)
        if (stop := focused(page)) is not None:  # None: the focus left the page
            stops.append(stop)
        if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            return stops
    raise AssertionError(f"Tab never reached {selector}; it went through {stops}")


def from_the_top(page):
    page.evaluate("() => document.activeElement && document.activeElement.blur()")


def latest_record(action: str, timeout: float = 5.0) -> ConsentRecord:
    deadline = time.monotonic() + timeout
    while (found := ConsentRecord.objects.filter(action=action).last()) is None:
        assert time.monotonic() < deadline, f"no {action} record"
        time.sleep(0.05)
    return found


# The cookie banner ----------------------------------------------------------------------------


def test_tab_reaches_the_banner_after_the_page_and_its_buttons_in_order(visitor, seeded):
    page = visitor()
    page.goto(reverse("media_centre:release-list"))

    stops = tab_to(page, f"{BANNER} summary")

    first_in_banner = next(i for i, stop in enumerate(stops) if stop["inBanner"])
    assert stops[first_in_banner - 1]["href"] == reverse("consent:cookies"), (
        "the banner should follow the page's own footer"
    )
    banner = [(stop["tag"], stop["value"] or stop["href"]) for stop in stops[first_in_banner:]]
    assert banner == [
        ("a", reverse("consent:cookies")),  # learn more
        ("button", "accept-all"),
        ("button", "reject-all"),  # as easy to reach as accepting
        ("summary", None),
    ]


@pytest.mark.parametrize("size", SIZES)
def test_choosing_categories_with_the_keyboard_closes_the_banner_and_keeps_focus(
    visitor, seeded, size
):
    page = visitor(viewport=SIZES[size])
    page.goto(reverse("media_centre:release-list"))
    tab_to(page, f"{BANNER} summary")

    page.keyboard.press("Space")  # opens "Choose"
    expect(page.locator(f"{BANNER} details")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "consent-performance"  # the necessary box is disabled
    page.keyboard.press("Space")
    stops = tab_to(page, f'{BANNER} button[value="custom"]')
    assert [stop["id"] for stop in stops[:-1]] == ["consent-functionality", "consent-targeting"]
    assert page.evaluate(IN_VIEW), "the Save button is out of view"
    page.keyboard.press("Enter")

    expect(page.locator(BANNER)).to_be_hidden()
    found = latest_record("custom")
    assert [found.categories.get(slug) for slug in ("performance", "functionality")] == [
        True,
        False,
    ]
    # The focus went back to the content, not to the top of the document nor into the hidden
    # banner; Tab goes on from there.
    assert focused(page)["id"] == "main"
    page.keyboard.press("Tab")
    assert focused(page)["inMain"]
    tab_to(page, "footer a[data-consent-reopen]")
    page.keyboard.press("Tab")
    assert focused(page) is None or not focused(page)["inBanner"], "Tab went into a hidden banner"


def test_space_rejects_from_the_banner_without_javascript(visitor, seeded):
    page = visitor(java_script_enabled=False)
    path = reverse("media_centre:release-list")
    page.goto(path)
    tab_to(page, f'{BANNER} button[value="reject-all"]')

    with page.expect_navigation():
        page.keyboard.press("Space")

    assert page.url.endswith(path)
    assert page.locator(BANNER).evaluate("e => getComputedStyle(e).display") == "none"
    assert latest_record("reject-all")
    from_the_top(page)
    page.keyboard.press("Tab")
    assert "skip-link" in page.evaluate("() => document.activeElement.className")


def test_cookie_settings_reopen_from_the_footer_and_escape_gives_focus_back(visitor, seeded):
    page = visitor()
    page.goto(reverse("media_centre:home"))
    tab_to(page, f'{BANNER} button[value="accept-all"]')
    page.keyboard.press("Enter")
    expect(page.locator(BANNER)).to_be_hidden()

    from_the_top(page)
    tab_to(page, "footer a[data-consent-reopen]")
    page.keyboard.press("Enter")

    expect(page.locator(BANNER)).to_be_visible()
    assert focused(page)["id"] == "consent-banner-title"
    page.keyboard.press("Tab")
    assert focused(page)["inBanner"]
    page.keyboard.press("Escape")
    expect(page.locator(BANNER)).to_be_hidden()
    assert focused(page)["href"] == reverse("consent:cookies"), "focus should return to the link"


def test_the_cookie_page_settings_work_with_the_keyboard(visitor, seeded):
    page = visitor()
    page.goto(reverse("consent:cookies"))

    tab_to(page, "#settings-performance")
    page.keyboard.press("Space")
    tab_to(page, '.consent-settings__form button[value="custom"]')
    with page.expect_navigation():  # the settings form reloads the page to show the choice
        page.keyboard.press("Enter")

    state = page.locator(".consent-state").inner_text()
    assert "Performance: allowed" in state
    assert "Targeting: refused" in state
    assert latest_record("custom").categories.get("performance") is True
    expect(page.locator(BANNER)).to_be_hidden()


# Navigation -----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_skip_link_and_main_menu_work_with_the_keyboard(visitor, seeded, size):
    page = visitor(viewport=SIZES[size])
    page.goto(reverse("media_centre:home"))

    page.keyboard.press("Tab")
    assert "skip-link" in page.evaluate("() => document.activeElement.className")
    assert page.evaluate(IN_VIEW), "the skip link stays off screen when focused"
    page.keyboard.press("Enter")
    page.wait_for_url("**#main")  # the jump may land a moment after the key press
    page.keyboard.press("Tab")
    assert focused(page)["inMain"], "after the skip link, Tab should go on in the content"

    page.goto(reverse("media_centre:home"))
    stops = tab_to(page, f'.site-nav a[href="{reverse("media_centre:event-list")}"]')
    header = [stop for stop in stops if stop["inHeader"]]
    assert [stop["text"] for stop in header[:4]] == [
        "Newsroom Media centre",
        "繁體中文",
        "简体中文",
        "Press releases",
    ]
    assert page.evaluate(IN_VIEW), "a menu link is out of view when focused"
    page.keyboard.press("Enter")

    page.wait_for_url(f"**{reverse('media_centre:event-list')}")
    expect(page.locator(".site-nav a[aria-current=page]")).to_have_text("Events")


# Filters and search ---------------------------------------------------------------------------


def test_a_list_is_filtered_with_the_keyboard(visitor, seeded):
    make_release(headline="A release about something else", slug="something-else")
    page = visitor()
    page.goto(reverse("media_centre:release-list"))
    expect(page.locator(".cards .card")).to_have_count(2)

    tab_to(page, "#id_topic")
    page.keyboard.type("Green")  # a select's type-ahead picks "Green finance"
    assert page.locator("#id_topic").input_value() == "green-finance"
    tab_to(page, ".filters button[type=submit]")
    page.keyboard.press("Enter")

    page.wait_for_url("**topic=green-finance**")
    cards = page.locator(".cards .card")
    expect(cards).to_have_count(1)
    expect(cards).to_contain_text(seeded["release"].headline)
    expect(page.locator("#id_topic")).to_have_value("green-finance")


def test_search_with_the_keyboard(visitor, seeded):
    page = visitor()
    page.goto(reverse("media_centre:home"))
    tab_to(page, f'footer a[href="{reverse("media_centre:search")}"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{reverse('media_centre:search')}")

    tab_to(page, "#search-q")
    page.keyboard.type("Lujiazui")
    page.keyboard.press("Enter")

    page.wait_for_url("**q=Lujiazui**")
    results = page.locator(".search-results")
    expect(results).to_contain_text(seeded["event"].title)


# Language and downloads ------------------------------------------------------------------------


def test_the_language_switcher_keeps_the_release_and_remembers_the_choice(visitor, seeded):
    release = seeded["release"]
    page = visitor(locale="en-GB")
    page.goto(release.get_absolute_url())

    tab_to(page, '.languages a[lang="zh-Hant"]')
    page.keyboard.press("Enter")

    with translation.override("zh-hant"):
        in_chinese = release.get_absolute_url()
    assert in_chinese.startswith("/zh-hant/")
    page.wait_for_url(f"**{in_chinese}")
    assert page.locator("html").get_attribute("lang") == "zh-Hant"
    expect(page.locator(".languages [aria-current]")).to_have_text("繁體中文")
    expect(page.locator("h1")).to_have_text(release.headline_zh_hant or release.headline)

    page.goto("/")  # an English-speaking browser, but the visitor chose Traditional Chinese
    assert page.url.endswith("/zh-hant/")
    assert django_settings.LANGUAGE_COOKIE_NAME in {c["name"] for c in page.context.cookies()}


def test_the_release_pdf_opens_from_the_keyboard(visitor, seeded):
    page = visitor()
    page.goto(seeded["release"].get_absolute_url())
    tab_to(page, "a.download")
    href = page.evaluate("() => document.activeElement.href")

    # Served inline, the PDF opens in the browser's viewer: what the browser received is the
    # answer to read, and the bytes come again through the page's own request context.
    with page.expect_response(href) as answer:
        page.keyboard.press("Enter")

    expected = SEED_PDF.read_bytes()
    assert answer.value.status == 200
    assert answer.value.headers["content-type"] == "application/pdf"
    assert int(answer.value.headers["content-length"]) == len(expected)
    assert answer.value.headers["content-disposition"].startswith("inline;")
    assert ".pdf" in answer.value.headers["content-disposition"]
    again = page.request.get(href)
    assert (again.status, again.headers["content-type"]) == (200, "application/pdf")
    assert again.body() == expected
