"""Every kind of public page passes axe-core's WCAG 2.2 A and AA rules, in each language, on a
phone and on a desktop, with the cookie banner open (no choice yet) and closed (after one).

One test per language and window size: it loads the seed once, audits every page with the
banner open (and the banner's own choices, opened), rejects the optional cookies from the banner
with the keyboard, and audits every page again with the banner closed. Each audit's counts are
kept for the run's summary (`pytest_terminal_summary` in conftest.py).
"""

import pytest
from playwright.sync_api import expect

from .conftest import LANGUAGES, SIZES, axe_audit, describe_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_passes_axe(
    visitor, public_pages, axe_source, axe_results, language, size
):
    pages = public_pages[language]
    page = visitor(viewport=SIZES[size])
    failures = []

    def audit(name: str, path: str, banner: str):
        result = axe_audit(page, axe_source)
        axe_results.append(
            {"page": name, "language": language, "size": size, "banner": banner, **result}
        )
        if result["violations"]:
            failures.append(
                f"{name} ({path}), banner {banner}:\n" + describe_violations(result["violations"])
            )

    def audit_all(banner: str):
        for name, path in pages.items():
            page.goto(path)
            expect(page.locator("#consent-banner")).to_be_visible(visible=banner == "open")
            audit(name, path, banner)

    audit_all("open")
    # The banner's own choices, behind "Choose", are hidden until opened: audit them open too.
    page.goto(pages["home"])
    page.locator("#consent-banner summary").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#consent-performance")).to_be_visible()
    audit("home, banner choices open", pages["home"], "open")

    page.locator('#consent-banner button[value="reject-all"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator("#consent-banner")).to_be_hidden()
    audit_all("closed")

    assert not failures, "axe-core found WCAG 2.2 AA violations:\n" + "\n".join(failures)
