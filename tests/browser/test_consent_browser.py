"""The consent banner's visitor paths in headless Chromium, with JavaScript and without.

Each test is a new visitor (a fresh browser context: no cookies, no storage). A gated probe
script (`CONSENT_SCRIPTS`, category performance) counts its runs in `window.__probe`, so a
test sees whether the site ran a non-essential script, and how often. It stands for a
third-party tag: the browser context answers its address itself (`context.route`), so it
needs no server and no network, and the test also sees whether the browser ever asked for it.
"""

import datetime as dt
import re
import time

import polib
import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from consent.models import Category, ConsentRecord, DeclaredCookie, PolicyVersion

pytestmark = pytest.mark.django_db(transaction=True)

# `{% consent_scripts %}` gates only http(s) and site-relative addresses, not data: URLs.
PROBE = "https://analytics.example/probe.js"
PROBE_BODY = "window.__probe = (window.__probe || 0) + 1;"
BANNER = "#consent-banner"
SIGNALS = (
    "ad_storage",
    "ad_user_data",
    "ad_personalization",
    "analytics_storage",
    "functionality_storage",
    "personalization_storage",
)
OPTIONAL = ("performance", "functionality", "targeting")
HAN = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(autouse=True)
def cookie_notice(settings):
    """Four categories, two declared cookies, a policy in force, and one gated script."""
    cache.clear()  # the category table is cached; the database is emptied between tests
    settings.CONSENT_SCRIPTS = [{"category": "performance", "src": PROBE}]
    categories = {}
    for order, (slug, name) in enumerate(
        [
            ("necessary", "Strictly necessary"),
            ("performance", "Performance"),
            ("functionality", "Functionality"),
            ("targeting", "Targeting"),
        ]
    ):
        categories[slug] = Category.objects.create(
            slug=slug,
            name=name,
            description=f"What {name.lower()} cookies do.",
            order=order,
            is_necessary=slug == "necessary",
        )
    DeclaredCookie.objects.create(
        name="_ga",
        provider="Google",
        purpose="Tells visitors apart.",
        expiry="2 years",
        category=categories["performance"],
    )
    DeclaredCookie.objects.create(
        name="lang_pref",
        provider="This site",
        purpose="Remembers the language.",
        expiry="6 months",
        category=categories["functionality"],
    )
    PolicyVersion.objects.create(
        version=1,
        last_updated=dt.date(2021, 6, 2),
        published_at=timezone.now() - dt.timedelta(days=1),
        banner_text="This site uses cookies if you consent.",
        introduction="Cookies are small files.",
    )
    yield
    cache.clear()


@pytest.fixture
def visitor(visitor):
    """A new visitor whose browser serves the probe; `page.probe_requests` counts its loads."""

    def open_page(**context_options):
        page = visitor(**context_options)
        page.probe_requests = []

        def serve_probe(route):
            page.probe_requests.append(route.request.url)
            route.fulfill(status=200, content_type="text/javascript", body=PROBE_BODY)

        page.context.route(PROBE, serve_probe)
        return page

    return open_page


# Reading the page --------------------------------------------------------------------------


def data_layer(page) -> list[list]:
    return page.evaluate("() => (window.dataLayer || []).map(a => Array.from(a))")


def consent_commands(page, command: str) -> list[dict]:
    return [
        entry[2]
        for entry in data_layer(page)
        if len(entry) >= 3 and entry[0] == "consent" and entry[1] == command
    ]


def consent_state(page) -> dict:
    """The signals as Google's tag reads them: the default, then each update over it."""
    state = {}
    for entry in consent_commands(page, "default") + consent_commands(page, "update"):
        state.update(entry)
    return state


def probe_runs(page):
    return page.evaluate("() => window.__probe")


def wait_for_probe(page, runs: int = 1):
    page.wait_for_function(f"() => window.__probe === {runs}", timeout=5_000)


def record(action: str | None = None, timeout: float = 5.0) -> ConsentRecord:
    """The newest consent record (of `action`), waiting a little for the server to write it."""
    deadline = time.monotonic() + timeout
    while True:
        records = ConsentRecord.objects.order_by("-created_at", "-pk")
        if action:
            records = records.filter(action=action)
        found = records.first()
        if found is not None or time.monotonic() > deadline:
            assert found is not None, f"no consent record ({action or 'any'})"
            return found
        time.sleep(0.05)


def cookie_names(context) -> set[str]:
    return {cookie["name"] for cookie in context.cookies()}


def wait_for_cookie_gone(context, name: str, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while name in cookie_names(context) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert name not in cookie_names(context), f"{name} is still set"


def click(page, value: str):
    page.locator(f'{BANNER} button[name=action][value="{value}"]').click()


def optional_states(found: ConsentRecord) -> dict:
    return {slug: found.categories.get(slug) for slug in OPTIONAL}


# With JavaScript -----------------------------------------------------------------------------


def test_first_visit_shows_the_banner_with_everything_denied(visitor):
    page = visitor()
    page.goto("/en/")

    expect(page.locator(BANNER)).to_be_visible()
    first = data_layer(page)[0]
    assert first[:2] == ["consent", "default"]
    assert {signal: first[2].get(signal) for signal in SIGNALS} == dict.fromkeys(SIGNALS, "denied")
    assert first[2].get("security_storage") == "granted"
    assert probe_runs(page) is None
    assert page.probe_requests == [], "a non-essential script was fetched before consent"
    assert page.locator('script[type="text/plain"][data-consent-category="performance"]').count()
    # No choice, so no record and no consent cookie.
    assert not ConsentRecord.objects.exists()
    assert django_settings.CONSENT_COOKIE_NAME not in cookie_names(page.context)
    assert page.watch.problems == []


def test_accept_all_applies_without_a_reload(visitor, origin):
    page = visitor()
    page.goto("/en/")
    page.evaluate("() => { window.__marker = 1 }")

    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        click(page, "accept-all")

    answer = posted.value
    assert answer.request.headers.get("accept") == "application/json"
    assert (answer.status, answer.url) == (200, f"{origin}/consent/"), "fetch went astray"
    assert answer.json()["categories"] == {"necessary": True, **dict.fromkeys(OPTIONAL, True)}
    expect(page.locator(BANNER)).to_be_hidden()
    assert page.evaluate("() => window.__marker") == 1, "the page was reloaded"
    wait_for_probe(page, 1)
    granted = {
        signal for signals in django_settings.CONSENT_GTAG_SIGNALS.values() for signal in signals
    }
    assert any(
        all(update.get(signal) == "granted" for signal in granted)
        for update in consent_commands(page, "update")
    ), consent_commands(page, "update")
    found = record("accept-all")
    assert optional_states(found) == dict.fromkeys(OPTIONAL, True)
    assert django_settings.CONSENT_COOKIE_NAME in cookie_names(page.context)

    page.reload()
    expect(page.locator(BANNER)).to_be_hidden()
    wait_for_probe(page, 1)
    assert consent_state(page)["analytics_storage"] == "granted"
    assert ConsentRecord.objects.count() == 1, "a reload is not a new choice"
    assert page.watch.problems == []


def test_reject_all_runs_nothing_and_deletes_what_was_set(visitor, origin):
    page = visitor()
    page.context.add_cookies([{"name": "_ga", "value": "GA1.1.123.456", "url": origin}])
    page.goto("/en/")
    assert "_ga" in cookie_names(page.context)
    page.evaluate("() => { window.__marker = 1 }")

    click(page, "reject-all")

    expect(page.locator(BANNER)).to_be_hidden()
    assert page.evaluate("() => window.__marker") == 1, "the page was reloaded"
    found = record("reject-all")
    assert optional_states(found) == dict.fromkeys(OPTIONAL, False)
    wait_for_cookie_gone(page.context, "_ga")
    assert probe_runs(page) is None
    assert all(
        value != "granted"
        for update in consent_commands(page, "update")
        for signal, value in update.items()
        if signal in SIGNALS
    ), consent_commands(page, "update")
    assert {consent_state(page)[signal] for signal in SIGNALS} == {"denied"}

    page.reload()
    expect(page.locator(BANNER)).to_be_hidden()
    assert probe_runs(page) is None
    assert page.probe_requests == []
    assert page.watch.problems == []


def test_choosing_performance_only(visitor):
    page = visitor()
    page.goto("/en/")
    choose = page.locator(f"{BANNER} details.consent-choose")
    choose.locator("summary").click()
    boxes = choose.locator("input[name=category]")
    expect(boxes.first).to_be_visible()
    assert not any(boxes.nth(i).is_checked() for i in range(boxes.count())), "pre-ticked"

    choose.locator('input[name=category][value="performance"]').check()
    choose.locator('button[value="custom"]').click()

    expect(page.locator(BANNER)).to_be_hidden()
    wait_for_probe(page, 1)
    state = consent_state(page)
    assert state["analytics_storage"] == "granted"
    assert state["ad_storage"] == "denied"
    assert state["functionality_storage"] == "denied"
    found = record("custom")
    assert optional_states(found) == {
        "performance": True,
        "functionality": False,
        "targeting": False,
    }
    assert page.watch.problems == []


def test_reopening_from_the_footer_and_withdrawing(visitor):
    page = visitor()
    page.goto("/en/")
    click(page, "accept-all")
    expect(page.locator(BANNER)).to_be_hidden()
    record("accept-all")
    page.evaluate("() => { window.__marker = 1 }")

    page.locator("footer [data-consent-reopen]").click()

    expect(page.locator(BANNER)).to_be_visible()
    assert page.evaluate("() => window.__marker") == 1, "reopening left the page"
    click(page, "reject-all")
    expect(page.locator(BANNER)).to_be_hidden()
    latest = ConsentRecord.objects.order_by("-created_at", "-pk")
    deadline = time.monotonic() + 5
    while latest.count() < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert latest.count() == 2
    assert latest.first().action in {"withdraw", "reject-all"}
    assert optional_states(latest.first()) == dict.fromkeys(OPTIONAL, False)

    page.reload()
    expect(page.locator(BANNER)).to_be_hidden()
    assert probe_runs(page) is None
    assert {consent_state(page)[signal] for signal in SIGNALS} == {"denied"}
    assert page.watch.problems == []


# Without JavaScript: plain forms that post and come back ------------------------------------


def banner_display(page) -> str:
    return page.locator(BANNER).evaluate("element => getComputedStyle(element).display")


@pytest.mark.parametrize(
    ("action", "ticked", "expected"),
    [
        ("accept-all", [], dict.fromkeys(OPTIONAL, True)),
        ("reject-all", [], dict.fromkeys(OPTIONAL, False)),
        (
            "custom",
            ["functionality"],
            {"performance": False, "functionality": True, "targeting": False},
        ),
    ],
)
def test_without_javascript_the_form_posts_and_comes_back(
    visitor, origin, action, ticked, expected
):
    page = visitor(java_script_enabled=False)
    page.goto("/en/media-centre/press-releases/?page=1")  # not the home page, with a query
    before = page.url
    assert banner_display(page) != "none"

    if action == "custom":
        choose = page.locator(f"{BANNER} details.consent-choose")
        choose.locator("summary").click()
        for slug in ticked:
            choose.locator(f'input[name=category][value="{slug}"]').check()
        with page.expect_navigation():
            choose.locator('button[value="custom"]').click()
    else:
        with page.expect_navigation():
            click(page, action)

    page.wait_for_load_state()
    assert page.url == before, "the form should come back to the page it was sent from"
    assert banner_display(page) == "none"
    assert optional_states(record(action)) == expected
    assert django_settings.CONSENT_COOKIE_NAME in cookie_names(page.context)
    assert page.watch.problems == []


# Global Privacy Control ---------------------------------------------------------------------


def test_global_privacy_control_rejects_without_asking(visitor):
    page = visitor(extra_http_headers={"Sec-GPC": "1"})
    page.goto("/en/")

    expect(page.locator(BANNER)).to_be_hidden()
    # Honoured on each request that carries it: nothing recorded, no consent cookie.
    assert not ConsentRecord.objects.exists()
    assert django_settings.CONSENT_COOKIE_NAME not in cookie_names(page.context)
    assert probe_runs(page) is None
    assert page.probe_requests == []
    assert {consent_state(page)[signal] for signal in SIGNALS} == {"denied"}
    assert page.watch.problems == []


# Languages -----------------------------------------------------------------------------------


def test_the_banner_speaks_chinese_on_chinese_pages(visitor):
    page = visitor()
    page.goto("/zh-hant/")

    expect(page.locator(BANNER)).to_be_visible()
    text = page.locator(BANNER).inner_text()
    if not HAN.search(text):
        catalogue = polib.pofile(
            str(django_settings.BASE_DIR / "locale/zh_Hant/LC_MESSAGES/django.po")
        )
        entry = catalogue.find("Accept all")
        if entry is None or not entry.msgstr or entry.fuzzy:
            pytest.xfail("The consent banner's texts are not in the zh_Hant catalogue yet.")
    assert HAN.search(text), text
    assert page.watch.problems == []
