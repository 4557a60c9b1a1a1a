"""The browser suite: real pages from `live_server` in Debian's headless Chromium.

`make test-browser` runs this folder (and installs Debian's `chromium` when it is missing);
`make test` leaves it out with `-m "not browser"`. Playwright comes from PyPI with its own
driver, but its browser download does not work on a closed network, so every launch uses
`/usr/bin/chromium`: never run `playwright install`.

Everything collected here is marked `browser`. Tests need `live_server` and
`@pytest.mark.django_db(transaction=True)`: the server thread reads the same database, so
the data must be committed, and `live_server` runs in this process, so the `settings`
fixture applies to the pages it serves. Static files come from `StaticFilesHandler`
(pytest-django's live server wraps the site in it), from the finders, DEBUG or not.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
# As root, without a sandbox; and without the background connections (updates, sync, field
# trials) that the closed network refuses, many at a time, which slows every start.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

HERE = Path(__file__).parent


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(item.path).is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _orm_beside_playwright():
    """Playwright's sync API keeps an event loop running in the test's thread, and Django
    refuses ORM calls from a thread with a running loop unless told that this is safe. It is
    here: the loop only waits on the browser. Set for the browser tests only (before the
    database and the browser are set up), not for the rest of the suite."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"No Chromium at {CHROMIUM}: `make test-browser` installs Debian's package "
            "(apt-get install chromium). Do not run `playwright install`."
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """Pages open by path (`page.goto("/en/")`) on the live server. (This also replaces
    pytest-playwright's own fallback fixture, which pytest 9 warns about.)"""
    return live_server.url


class PageWatch:
    """What went wrong on a page: console errors, uncaught exceptions, and requests to our
    own origin that failed or answered with an error status."""

    def __init__(self, page, origin: str):
        self.origin = origin
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.failed_requests: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def _ours(self, url: str) -> bool:
        parts = urlsplit(url)
        # Chromium asks for /favicon.ico by itself; the site declares no icon (yet).
        return f"{parts.scheme}://{parts.netloc}" == self.origin and parts.path != "/favicon.ico"

    def _console(self, message):
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def _request_failed(self, request):
        if self._ours(request.url):
            self.failed_requests.append(f"{request.method} {request.url}: {request.failure}")

    def _response(self, response):
        if self._ours(response.url) and response.status >= 400:
            self.failed_requests.append(
                f"{response.request.method} {response.url}: {response.status}"
            )

    @property
    def problems(self) -> list[str]:
        return self.console_errors + self.page_errors + self.failed_requests


@pytest.fixture
def origin(live_server) -> str:
    parts = urlsplit(live_server.url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture
def visitor(new_context, origin):
    """A new visitor: `visitor(**context_options)` gives a page in a fresh browser context
    (no cookies, no storage), with a `PageWatch` on it as `page.watch`."""

    def open_page(**context_options):
        context = new_context(**context_options)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.watch = PageWatch(page, origin)
        return page

    return open_page
