"""The browser suite itself works: Debian's Chromium renders our home page from the live server."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_loads_cleanly_in_chromium(visitor):
    page = visitor()
    response = page.goto("/en/")

    assert response.status == 200
    assert "Media centre" in page.title()
    # The stylesheet came from the live server's static files and applies.
    assert page.evaluate("() => document.styleSheets.length") >= 1
    assert page.watch.problems == []
