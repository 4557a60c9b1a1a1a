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

import json
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


# The published site, as the seed loads it ---------------------------------------------------


@pytest.fixture
def seeded(db):
    """The seed (the FSDC release of 19 June 2025, its seminar, MoU, study, speakers and PDF,
    and the cookie notice), committed for the live server, with its main items by kind."""
    from django.core.management import call_command

    from media_centre.models import Event, MoU, Person, PressRelease, Study

    call_command("load_seed", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return {
        "release": PressRelease.objects.get(),
        "event": Event.objects.get(),
        "mou": MoU.objects.get(),
        "study": Study.objects.get(),
        "speaker": Person.objects.order_by("pk").first(),
    }


LANGUAGES = ["en", "zh-hant", "zh-hans"]
# A phone (an iPhone 14's CSS pixels) and a laptop.
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def public_pages(seeded) -> dict[str, dict[str, str]]:
    """Every kind of public page, by language, then by name: its address in that language. A
    withdrawn release stands for the 410 page."""
    from django.urls import reverse
    from django.utils import timezone, translation

    from media_centre.models import Status, Subscriber, Topic
    from tests.conftest import make_release

    withdrawn = make_release(
        headline="A release issued in error",
        status=Status.WITHDRAWN,
        withdrawn_reason="Issued in error.",
    )
    subscriber = Subscriber.objects.create(
        email="reader@example.org", releases=True, confirmed_at=timezone.now()
    )
    subscriber.topics.set(Topic.objects.all()[:1])
    pages = {}
    for language in LANGUAGES:
        with translation.override(language):
            releases = reverse("media_centre:release-list")
            events = reverse("media_centre:event-list")
            pages[language] = {
                "home": reverse("media_centre:home"),
                "release list": releases,
                "release list, filtered": f"{releases}?topic=green-finance&year=2025",
                "release year": reverse("media_centre:release-year", kwargs={"year": 2025}),
                "release": seeded["release"].get_absolute_url(),
                "release, verify": seeded["release"].get_verify_url(),
                "events, upcoming": events,
                "events, past": f"{events}?when=past",
                "event": seeded["event"].get_absolute_url(),
                "MoU list": reverse("media_centre:mou-list"),
                "MoU": seeded["mou"].get_absolute_url(),
                "publication list": reverse("media_centre:study-list"),
                "publication": seeded["study"].get_absolute_url(),
                "speaker list": reverse("media_centre:speaker-list"),
                "speaker": seeded["speaker"].get_absolute_url(),
                "search results": f"{reverse('media_centre:search')}?q=Shanghai",
                "cookies": reverse("consent:cookies"),
                "not found (404)": f"{reverse('media_centre:home')}no-such-page/",
                "withdrawn (410)": withdrawn.get_absolute_url(),
                "news by email": reverse("media_centre:alerts-subscribe"),
                "a subscriber's choices": subscriber.get_manage_url(),
                "unsubscribe": subscriber.get_unsubscribe_url(),
            }
    return pages


# axe-core ------------------------------------------------------------------------------------

# The npm package, pinned in package.json/package-lock.json; `make test-browser` runs `npm ci`.
AXE_SCRIPT = HERE.parents[1] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# The page's CSP does not apply to page.evaluate (the DevTools protocol runs it), so axe goes in
# without an inline <script> and without bypass_csp. It returns only what the tests read.
AXE_RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                           resultTypes: ["violations"]});
  const ids = (list) => list.map((rule) => rule.id);
  return {
    version: axe.version,
    violations: results.violations.map((rule) => ({
      id: rule.id, impact: rule.impact, help: rule.help,
      nodes: rule.nodes.map((node) => ({target: node.target.join(" "),
                                        summary: node.failureSummary})),
    })),
    passes: ids(results.passes),
    incomplete: results.incomplete.map((rule) => ({
      id: rule.id, nodes: rule.nodes.map((node) => node.target.join(" ")),
    })),
    inapplicable: ids(results.inapplicable),
  };
}"""


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SCRIPT.exists():
        pytest.fail(
            f"No axe-core at {AXE_SCRIPT}: `make test-browser` installs it (npm ci, "
            "the version pinned in package-lock.json)."
        )
    return AXE_SCRIPT.read_text()


def axe_audit(page, source: str) -> dict:
    """axe-core's WCAG 2.2 A and AA rules on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source)
    return page.evaluate(AXE_RUN, AXE_TAGS)


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for rule in violations:
        lines.append(f"  {rule['id']} ({rule['impact']}): {rule['help']}")
        for node in rule["nodes"][:8]:
            lines.append(f"    - {node['target']}")
            summary = " ".join(node["summary"].split())
            lines.append(f"      {summary[:300]}")
        if len(rule["nodes"]) > 8:
            lines.append(f"    … and {len(rule['nodes']) - 8} more")
    return "\n".join(lines)


_AXE_RESULTS: list[dict] = []


@pytest.fixture(scope="session")
def axe_results() -> list[dict]:
    """Each audit's result, for the summary at the end of the run."""
    return _AXE_RESULTS


def pytest_terminal_summary(terminalreporter):
    """Per kind of page: audits run, rules with something to check, and what they found."""
    if not _AXE_RESULTS:
        return
    write = terminalreporter.write_line
    version = _AXE_RESULTS[0]["version"]
    terminalreporter.section(f"axe-core {version}, WCAG 2.2 A and AA ({', '.join(AXE_TAGS)})")
    header = f"{'page':<28}{'audits':>7}{'rules run':>11}{'passed':>9}{'to review':>11}"
    write(f"{header}{'violations':>12}")
    by_page: dict[str, list[dict]] = {}
    for result in _AXE_RESULTS:
        by_page.setdefault(result["page"], []).append(result)

    def span(values: list[int]) -> str:
        low, high = min(values), max(values)
        return str(low) if low == high else f"{low}–{high}"

    for name, results in by_page.items():
        run = [len(r["passes"]) + len(r["incomplete"]) + len(r["violations"]) for r in results]
        write(
            f"{name:<28}{len(results):>7}{span(run):>11}"
            f"{span([len(r['passes']) for r in results]):>9}"
            f"{span([len(r['incomplete']) for r in results]):>11}"
            f"{sum(len(r['violations']) for r in results):>12}"
        )
    by_state: dict[tuple, list[dict]] = {}
    for result in _AXE_RESULTS:
        key = (result["language"], result["size"], f"banner {result['banner']}")
        by_state.setdefault(key, []).append(result)
    for key, results in by_state.items():
        passed = sum(len(r["passes"]) for r in results)
        violations = sum(len(r["violations"]) for r in results)
        write(
            f"{' · '.join(key):<36}{len(results):>3} pages, {passed:>4} rule passes, "
            f"{violations} violations"
        )
    if report := os.environ.get("AXE_REPORT"):  # every audit's counts, as JSON, for a note
        Path(report).write_text(json.dumps(_AXE_RESULTS, ensure_ascii=False, indent=1))
        write(f"Every audit's results: {report}")
    write(
        f"{len(_AXE_RESULTS)} audits (language × window size × banner open/closed); "
        "'rules run' are the rules that applied to something on the page."
    )
