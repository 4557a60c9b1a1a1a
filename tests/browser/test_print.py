"""Pages print cleanly: only the content, full width, with the addresses of the links in it."""

import pytest
from django.urls import reverse

from media_centre import views
from tests.conftest import make_release

from .conftest import SIZES

DESKTOP = SIZES["desktop"]

pytestmark = pytest.mark.django_db(transaction=True)

CHROME = [
    ".skip-link",
    ".site-header",
    ".site-nav",
    ".languages",
    ".breadcrumbs",
    ".site-footer",
    "#consent-banner",
]
LINK = "https://www.example.org/annual-report"


def display(page, selector: str) -> str:
    return page.locator(selector).first.evaluate("element => getComputedStyle(element).display")


def after(page, selector: str) -> str:
    return page.locator(selector).first.evaluate(
        "element => getComputedStyle(element, '::after').content"
    )


def width(page, selector: str) -> float:
    return page.locator(selector).first.evaluate("element => element.getBoundingClientRect().width")


@pytest.fixture
def release(seeded):
    return make_release(
        headline="Council publishes its annual report",
        body=f'<p>Read <a href="{LINK}">the annual report</a> in full.</p>',
        pdf=seeded["release"].pdf,
    )


def test_a_release_prints_without_the_site_chrome_full_width_with_link_addresses(visitor, release):
    page = visitor(viewport=DESKTOP)
    page.goto(release.get_absolute_url())
    # On screen: the chrome is there, the article shares the row with its aside, no addresses.
    assert all(display(page, selector) != "none" for selector in CHROME[1:])
    assert width(page, ".detail__main") < 0.8 * width(page, "main")
    assert after(page, ".prose a") in ("none", "normal")

    page.emulate_media(media="print")

    shown = {selector: display(page, selector) for selector in CHROME}
    assert shown == dict.fromkeys(CHROME, "none"), shown
    main, article, prose = (width(page, s) for s in ("main", ".detail__main", ".prose"))
    assert main >= 0.95 * page.evaluate("() => document.documentElement.clientWidth"), main
    assert article == pytest.approx(main, abs=1), "the article should take the full width"
    assert prose == pytest.approx(main, abs=1), "the text should take the full width"
    assert after(page, ".prose a") == f'" ({LINK})"'
    download = page.locator("a.download").first
    assert after(page, "a.download") == f'" ({download.get_attribute("href")})"'
    # The aside's related items stay: they are content, printed after the article.
    assert display(page, ".detail__aside") != "none"


def test_a_list_prints_without_its_filters_and_pages(visitor, seeded, monkeypatch):
    monkeypatch.setattr(views.ReleaseList, "paginate_by", 1)
    make_release(headline="Another release", slug="another")
    page = visitor(viewport=DESKTOP)
    page.goto(reverse("media_centre:release-list"))
    assert display(page, ".filters") != "none"
    assert display(page, ".pagination") != "none"

    page.emulate_media(media="print")

    for selector in [".filters", ".pagination", ".feeds", *CHROME]:
        assert display(page, selector) == "none", selector
    assert display(page, ".cards") != "none"
