"""What a visitor gets from cookie consent: the banner, the choice, GPC, expiry, the cookie page."""

import datetime as dt
import json
import time
import uuid
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from consent import state
from consent.models import Category, ConsentRecord, DeclaredCookie, PolicyVersion

from .conftest import make_release

pytestmark = pytest.mark.django_db

CHOOSE = "/consent/"
STATE = "/consent/state.css"
SAME_ORIGIN = {"sec-fetch-site": "same-origin"}
UA = "Mozilla/5.0 (X11; Linux x86_64) NewsroomTest/1.0"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The category table and the banner's policy are cached: each test starts and ends clean."""
    from core import throttle

    throttle.forget()
    cache.clear()
    yield
    throttle.forget()
    cache.clear()


def make_policy(version: int = 1, **kw) -> PolicyVersion:
    kw.setdefault("last_updated", dt.date(2021, 6, 2))
    kw.setdefault("published_at", timezone.now() - dt.timedelta(days=1))
    kw.setdefault("banner_text_en", "This site uses cookies to optimise site functionality.")
    kw.setdefault("banner_text_zh_hant", "本網站使用Cookies以優化網站功能。")
    kw.setdefault("introduction_en", "We use the following types of cookies on this site.")
    kw.setdefault("details_en", "You have the right to decide whether to accept cookies.")
    return PolicyVersion.objects.create(version=version, **kw)


@pytest.fixture
def tables(db) -> PolicyVersion:
    """The seed's four categories, four of its cookies (one a pattern), policy version 1."""
    rows = [
        ("necessary", "Strictly necessary", "We use these cookies to assist you. They are key.", 1),
        ("performance", "Performance", "We make use of analytic cookies. More words.", 2),
        ("functionality", "Functionality", "We remember choices you make.", 3),
        ("targeting", "Targeting", "These cookies make advertising more relevant.", 4),
    ]
    made = {}
    for slug, name, description, order in rows:
        made[slug] = Category.objects.create(
            slug=slug,
            name_en=name,
            name_zh_hant=f"{name}（繁）",
            description_en=description,
            order=order,
            is_necessary=slug == "necessary",
        )
    cookies = [
        ("UMB_XSRF-V", "Umbraco", "Used to maintain session", "6 months", "necessary", ""),
        ("_ga", "Google", "Registers a unique ID", "2 years", "performance", "https://g.co/out"),
        ("_gtag_UA_*", "Google", "Used by Google Tag Manager", "2 years", "performance", ""),
        ("__atuvc", "AddThis", "Stores a share count", "6 months", "functionality", ""),
    ]
    for order, (name, provider, purpose, expiry, category, opt_out) in enumerate(cookies):
        DeclaredCookie.objects.create(
            name=name,
            provider=provider,
            purpose_en=purpose,
            expiry_en=expiry,
            category=made[category],
            opt_out_url=opt_out,
            order=order,
        )
    return make_policy()


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def cookie_header(value: str) -> dict:
    return {"cookie": f"{settings.CONSENT_COOKIE_NAME}={value}"}


def signed(choice: state.Choice) -> str:
    response = HttpResponse()
    state.write(response, choice)
    return response.cookies[settings.CONSENT_COOKIE_NAME].value


def choice_of(response) -> state.Choice | None:
    """Decode the consent cookie a response set, as the next request would read it."""
    request = RequestFactory().get("/")
    request.COOKIES = {
        settings.CONSENT_COOKIE_NAME: response.cookies[settings.CONSENT_COOKIE_NAME].value
    }
    return state.read(request).choice


def post_choice(client, action: str, **data):
    headers = {**SAME_ORIGIN, "user-agent": UA, **data.pop("headers", {})}
    data.setdefault("next", "/en/press-releases/")
    data.setdefault("method", "banner")
    return client.post(CHOOSE, {"action": action, **data}, headers=headers)


ALL_FALSE = {"necessary": True, "performance": False, "functionality": False, "targeting": False}


# The banner on every page, the same for everyone.


def public_urls() -> list[str]:
    release = make_release()
    return [
        reverse("media_centre:home"),
        reverse("media_centre:release-list"),
        release.get_absolute_url(),
        reverse("media_centre:event-list"),
        reverse("consent:cookies"),
        "/zh-hant/",
        "/zh-hans/",
    ]


def test_banner_is_on_every_public_page_with_its_contract(client, tables):
    for url in public_urls():
        page = soup(client.get(url))
        banner = page.select_one("section#consent-banner.consent-banner")
        assert banner is not None, url
        assert banner["aria-labelledby"] == "consent-banner-title"
        assert banner.select_one("#consent-banner-title")
        forms = banner.select("form[data-consent-form]")
        assert len(forms) == 1
        form = forms[0]
        assert form["method"] == "post" and form["action"] == "/consent/"
        assert form.select_one("input[name=next]")["value"] == url
        assert form.select_one("input[name=method]")["value"] == "banner"
        accept = form.select_one("button[name=action][value=accept-all]")
        reject = form.select_one("button[name=action][value=reject-all]")
        assert accept["type"] == reject["type"] == "submit"
        assert accept["class"] == reject["class"]
        assert form.select_one("details.consent-choose > summary")
        boxes = form.select("input[type=checkbox][name=category]")
        assert [box["value"] for box in boxes] == ["performance", "functionality", "targeting"]
        assert [box["id"] for box in boxes] == [f"consent-{box['value']}" for box in boxes]
        assert not any(box.has_attr("checked") for box in boxes)
        necessary = form.select_one("#consent-necessary")
        assert necessary.has_attr("checked") and necessary.has_attr("disabled")
        assert not necessary.has_attr("name")
        assert form.select_one("button[name=action][value=custom]")
        for box in boxes:
            assert form.select_one(f"label[for={box['id']}]")
        assert banner.select_one(f"a[href='{reverse('consent:cookies')}']")


def test_banner_shows_the_policy_text_of_the_page_language(client, tables):
    assert (
        "optimise site functionality"
        in soup(client.get("/en/")).select_one("#consent-banner").get_text()
    )
    zh = soup(client.get("/zh-hant/")).select_one("#consent-banner")
    assert "本網站使用Cookies" in zh.get_text()
    assert (
        zh.select_one("label[for=consent-performance]").get_text().startswith("Performance（繁）")
    )


def test_page_is_the_same_bytes_with_and_without_a_choice(client, tables):
    url = reverse("media_centre:home")
    plain = client.get(url)
    value = signed(state.Choice(uuid.uuid4(), 1, {"necessary": True, "performance": True}))
    chosen = client.get(url, headers={**cookie_header(value), "sec-gpc": "1"})
    assert plain.content == chosen.content
    for response in (plain, chosen):
        assert not response.cookies
        assert "cookie" not in response.get("Vary", "").lower()
        assert "csrfmiddlewaretoken" not in response.content.decode()


def test_public_pages_set_no_cookie_at_all(client, tables):
    for url in public_urls():
        if url == reverse("consent:cookies"):
            continue
        response = client.get(url, headers={"sec-gpc": "1"})
        assert response.status_code == 200
        assert not response.cookies, url
        assert "Set-Cookie" not in response.headers


def test_footer_links_to_cookie_settings_everywhere(client, tables):
    for url in public_urls():
        link = soup(client.get(url)).select_one("footer a[data-consent-reopen]")
        assert link["href"] == reverse("consent:cookies")


def test_head_loads_consent_mode_first_and_the_state_stylesheet(client, tables):
    head = soup(client.get("/en/")).head
    data = ("application/json", "application/ld+json")  # data blocks, never executed
    scripts = [s for s in head.find_all("script") if s.get("type") not in data]
    assert scripts[0]["src"].endswith("js/consent-mode.js")
    assert not scripts[0].has_attr("defer") and not scripts[0].has_attr("async")
    assert any(s.get("src", "").endswith("js/consent.js") and s.has_attr("defer") for s in scripts)
    assert all(
        s.has_attr("src") or s.get("type") == "text/plain"
        for s in head.find_all("script")
        if s.get("type") not in data
    )
    config = head.select_one("script#consent-config")
    assert config["type"] == "application/json"
    assert config.find_next("script") is scripts[0]
    assert head.select_one(f"link[rel=stylesheet][href='{STATE}']")


def test_consent_config_carries_the_signal_mapping(client, tables):
    config = json.loads(soup(client.get("/en/")).select_one("#consent-config").string)
    assert config == {
        "cookieName": settings.CONSENT_COOKIE_NAME,
        "version": 1,
        "maxAge": settings.CONSENT_MAX_AGE_DAYS * 24 * 60 * 60,
        "signals": settings.CONSENT_GTAG_SIGNALS,
        "chooseUrl": "/consent/",
    }
    assert config["signals"]["performance"] == ["analytics_storage"]


# The banner's switch: /consent/state.css.


def test_state_css_is_empty_before_a_choice_and_hides_the_banner_after(client, tables):
    before = client.get(STATE)
    assert before.status_code == 200
    assert before["Content-Type"].startswith("text/css")
    assert before.content.strip() == b""
    assert "private" in before["Cache-Control"] and "no-store" in before["Cache-Control"]
    vary = {part.strip().lower() for part in before["Vary"].split(",")}
    assert {"cookie", "sec-gpc"} <= vary
    assert "accept-language" not in vary
    post_choice(client, "accept-all")
    after = client.get(STATE)
    assert after.content.decode().strip() == "#consent-banner{display:none}"
    assert "no-store" in after["Cache-Control"]


def test_state_css_makes_at_most_two_queries(client, tables, django_assert_max_num_queries):
    client.get(STATE)  # warm the category table as pages do
    with django_assert_max_num_queries(2):
        client.get(STATE)
    post_choice(client, "reject-all")
    with django_assert_max_num_queries(2):
        assert client.get(STATE).content.strip()


# Each choice without JavaScript.


@pytest.mark.parametrize(
    ("action", "data", "expected"),
    [
        ("accept-all", {}, {"performance": True, "functionality": True, "targeting": True}),
        ("reject-all", {}, {"performance": False, "functionality": False, "targeting": False}),
        (
            "custom",
            {"category": ["performance", "targeting", "unknown", "necessary"]},
            {"performance": True, "functionality": False, "targeting": True},
        ),
        (
            "withdraw",
            {"category": ["performance"]},
            {"performance": False, "functionality": False, "targeting": False},
        ),
    ],
)
def test_each_choice_redirects_back_sets_the_cookie_and_records_it(
    client, tables, action, data, expected
):
    response = post_choice(client, action, next="/zh-hant/press-releases/?page=2", **data)
    assert response.status_code == 303
    assert response["Location"] == "/zh-hant/press-releases/?page=2"
    morsel = response.cookies[settings.CONSENT_COOKIE_NAME]
    assert morsel["samesite"] == "Lax" and morsel["path"] == "/"
    assert not morsel["httponly"]
    choice = choice_of(response)
    assert choice.version == 1
    assert choice.categories == {"necessary": True, **expected}
    record = ConsentRecord.objects.get()
    assert record.consent_id == choice.consent_id
    assert record.action == action
    assert record.method == "banner"
    assert record.categories == {"necessary": True, **expected}
    assert record.policy_version == 1
    assert record.language == "zh-hant"
    assert record.page == "/zh-hant/press-releases/?page=2"
    assert record.ip_prefix == "127.0.0.0"
    assert len(record.user_agent_hash) == 64 and UA not in record.user_agent_hash
    assert len(record.text_hash) == 64


def test_a_second_choice_keeps_the_consent_id_and_appends_a_record(client, tables):
    first = choice_of(post_choice(client, "accept-all"))
    second = choice_of(post_choice(client, "withdraw", method="settings", page="/en/cookies/"))
    assert second.consent_id == first.consent_id
    assert second.categories == ALL_FALSE
    records = list(ConsentRecord.objects.order_by("pk"))
    assert [r.action for r in records] == ["accept-all", "withdraw"]
    assert records[1].method == "settings" and records[1].page == "/en/cookies/"


def test_unknown_method_is_recorded_as_banner(client, tables):
    post_choice(client, "reject-all", method="telepathy")
    assert ConsentRecord.objects.get().method == "banner"


def test_choice_with_javascript_answers_json(client, tables):
    client.cookies["_ga"] = "GA1.2.3"
    response = post_choice(
        client, "custom", category=["functionality"], headers={"accept": "application/json"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    choice = choice_of(response)
    assert body["consentId"] == str(choice.consent_id)
    assert body["version"] == 1
    assert body["categories"] == {
        "necessary": True,
        "performance": False,
        "functionality": True,
        "targeting": False,
    }
    assert body["refused"] == ["_ga", "_gtag_UA_*"]
    assert response.cookies["_ga"]["max-age"] == 0
    assert ConsentRecord.objects.get().action == "custom"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "\\\\evil.example",
        "/\\evil.example",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "/en/\r\nSet-Cookie: x=1",
        "",
    ],
)
def test_next_never_leaves_the_site(client, tables, target):
    response = post_choice(client, "reject-all", next=target)
    assert response.status_code == 303
    assert response["Location"] == "/en/"


def test_next_home_follows_the_page_language(client, tables):
    response = post_choice(client, "reject-all", next="//evil.example", page="/zh-hans/events/")
    assert response["Location"] == "/zh-hans/"
    assert ConsentRecord.objects.get().language == "zh-hans"


@pytest.mark.parametrize(
    "headers",
    [
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"origin": "https://evil.example"},
        {"origin": "http://testserver.evil.example"},  # our name inside another host's
        {"origin": "http://evil-testserver"},
        {"origin": "null"},
        {"referer": "https://evil.example/page"},
        {"referer": "http://testserver.evil.example/en/"},
        {},
    ],
)
def test_cross_site_posts_are_refused(client, tables, headers):
    response = client.post(CHOOSE, {"action": "accept-all", "next": "/en/"}, headers=headers)
    assert response.status_code == 403
    assert not response.cookies
    assert not ConsentRecord.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"sec-fetch-site": "same-origin"},
        {"sec-fetch-site": "none"},
        {"origin": "http://testserver"},
        {"referer": "http://testserver/en/"},
    ],
)
def test_same_origin_posts_are_accepted_without_a_csrf_token(headers):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(CHOOSE, {"action": "accept-all", "next": "/en/"}, headers=headers)
    assert response.status_code == 303
    assert ConsentRecord.objects.count() == 1


def test_choose_refuses_get(client, tables):
    assert client.get(CHOOSE).status_code == 405


@pytest.mark.parametrize("action", ["", "accept", "expired", "gpc", "ACCEPT-ALL"])
def test_bad_action_is_a_plain_400(client, tables, action):
    response = client.post(CHOOSE, {"action": action}, headers=SAME_ORIGIN)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert not ConsentRecord.objects.exists()


def test_broken_multipart_body_is_a_400(client, tables):
    response = client.post(
        CHOOSE,
        data=b"--x\r\nnot a part",
        content_type="multipart/form-data; boundary=x",
        headers=SAME_ORIGIN,
    )
    assert response.status_code == 400


def test_choice_without_any_policy_is_recorded_under_version_0(client, db):
    response = post_choice(client, "reject-all")
    assert response.status_code == 303
    assert choice_of(response).version == 0
    assert ConsentRecord.objects.get().policy_version == 0
    assert client.get(STATE).content.strip()


# Cookies deleted on refusal.


def test_reject_deletes_declared_cookies_of_refused_categories(client, tables):
    client.cookies["_ga"] = "GA1.2.3"
    client.cookies["_gtag_UA_170395871_1"] = "1"
    client.cookies["__atuvc"] = "5|25"
    client.cookies["UMB_XSRF-V"] = "keep"
    client.cookies["unrelated"] = "keep"
    response = post_choice(client, "custom", category=["functionality"])
    for name in ("_ga", "_gtag_UA_170395871_1"):
        assert response.cookies[name]["max-age"] == 0
        assert response.cookies[name].value == ""
    for name in ("__atuvc", "UMB_XSRF-V", "unrelated"):
        assert name not in response.cookies
    assert settings.CONSENT_COOKIE_NAME in response.cookies


def test_reject_also_deletes_on_the_session_cookie_domain(client, tables, settings):
    settings.SESSION_COOKIE_DOMAIN = ".example.org"
    client.cookies["_ga"] = "GA1.2.3"
    response = post_choice(client, "reject-all")
    headers = [m.output() for m in response.cookies.values() if m.key == "_ga"]
    assert len(headers) == 2
    assert any("Domain=.example.org" in h for h in headers)
    assert all("Max-Age=0" in h for h in headers)


def test_accept_deletes_nothing(client, tables):
    client.cookies["_ga"] = "GA1.2.3"
    response = post_choice(client, "accept-all")
    assert "_ga" not in response.cookies


# Forged and malformed cookies.

GARBAGE = [
    "forged",
    "eyJpZCI6ICJ4In0:1abcde:wrong-signature",
    "!!!notbase64!!!:1u2v3w:abc",
    signing.dumps({"id": "x"}, salt="another.salt"),
    signing.dumps(
        {"id": uuid.uuid4().hex, "v": 1, "c": {"performance": True}},
        key="other-key",
        salt=state.SALT,
    ),
    signing.dumps({"id": "not-a-uuid", "v": 1, "c": {}}, salt=state.SALT),
    signing.dumps({"id": uuid.uuid4().hex, "v": "one", "c": {}}, salt=state.SALT),
    signing.dumps({"id": uuid.uuid4().hex, "v": 1, "c": {"performance": "yes"}}, salt=state.SALT),
    signing.dumps(["a", "list"], salt=state.SALT),
    "x" * 5000,
    "é%00\x7f",
]


@pytest.mark.parametrize("value", GARBAGE)
def test_forged_or_malformed_cookies_are_ignored_everywhere(client, tables, value):
    client.cookies[settings.CONSENT_COOKIE_NAME] = value
    css = client.get(STATE)
    assert css.status_code == 200 and css.content.strip() == b""
    page = client.get(reverse("consent:cookies"))
    assert page.status_code == 200
    assert not soup(page).select_one(".consent-id")
    response = post_choice(client, "accept-all")
    assert response.status_code == 303
    choice = choice_of(response)
    assert str(choice.consent_id) not in value and choice.consent_id.hex not in value
    assert ConsentRecord.objects.get().action == "accept-all"


# Global Privacy Control.


def test_gpc_without_a_choice_refuses_and_hides_the_banner_without_writing(client, tables):
    client.cookies["_ga"] = "GA1.2.3"
    for _ in range(3):
        response = client.get(
            STATE, headers={"sec-gpc": "1", "referer": "http://testserver/zh-hant/"}
        )
        assert response.content.decode().strip() == "#consent-banner{display:none}"
        assert response.cookies["_ga"]["max-age"] == 0
        # Honoured on every request it comes with: no cookie of ours, no record.
        assert settings.CONSENT_COOKIE_NAME not in response.cookies
    assert not ConsentRecord.objects.exists()
    # Without the signal the banner asks again.
    assert client.get(STATE).content.strip() == b""


def writes(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries
        if query["sql"].lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]


@pytest.mark.parametrize("headers", [{}, {"sec-gpc": "1"}])
@pytest.mark.parametrize("cookie", ["none", "valid", "expired", "old version", "forged"])
def test_a_get_never_writes(client, tables, headers, cookie):
    """A page of another site embedding the stylesheet, or a crawler, adds no row."""
    if cookie == "valid":
        post_choice(client, "accept-all")
    elif cookie == "expired":
        client.cookies[settings.CONSENT_COOKIE_NAME] = old_cookie(
            settings.CONSENT_MAX_AGE_DAYS + 1
        )[0]
    elif cookie == "old version":
        choice = state.Choice(uuid.uuid4(), 0, {"necessary": True, "performance": True})
        client.cookies[settings.CONSENT_COOKIE_NAME] = signed(choice)
    elif cookie == "forged":
        client.cookies[settings.CONSENT_COOKIE_NAME] = GARBAGE[0]
    before = ConsentRecord.objects.count()
    with CaptureQueriesContext(connection) as queries:
        for url in (STATE, reverse("consent:cookies"), "/.well-known/gpc.json"):
            assert client.get(url, headers=headers).status_code == 200
            assert client.head(url, headers=headers).status_code == 200
    assert writes(queries.captured_queries) == []
    assert ConsentRecord.objects.count() == before


def test_gpc_with_an_existing_choice_changes_nothing(client, tables):
    post_choice(client, "accept-all")
    response = client.get(STATE, headers={"sec-gpc": "1"})
    assert response.content.strip()
    assert settings.CONSENT_COOKIE_NAME not in response.cookies
    assert list(ConsentRecord.objects.values_list("action", flat=True)) == ["accept-all"]


def test_gpc_is_said_on_the_cookie_page(client, tables):
    page = soup(client.get(reverse("consent:cookies"), headers={"sec-gpc": "1"}))
    notice = page.select_one("[data-consent-gpc]").get_text()
    assert "Global Privacy Control" in notice and "refused" in notice
    assert not page.select_one(".consent-id")
    assert not ConsentRecord.objects.exists()


def test_explicit_choice_wins_over_gpc(client, tables):
    response = post_choice(client, "accept-all", headers={"sec-gpc": "1"})
    assert choice_of(response).categories["performance"] is True
    page = soup(client.get(reverse("consent:cookies"), headers={"sec-gpc": "1"}))
    assert "allowed some" in page.select_one("[data-consent-gpc]").get_text()


# Expiry and new policy versions.


def old_cookie(days: int, version: int = 1) -> tuple[str, state.Choice]:
    choice = state.Choice(uuid.uuid4(), version, {"necessary": True, "performance": True})
    with mock.patch("django.core.signing.time.time", return_value=time.time() - days * 86400):
        return signed(choice), choice


def test_expired_choice_is_forgotten_and_asked_again(client, tables):
    value, choice = old_cookie(settings.CONSENT_MAX_AGE_DAYS + 1)
    client.cookies[settings.CONSENT_COOKIE_NAME] = value
    response = client.get(STATE, headers={"referer": "http://testserver/en/"})
    assert response.content.strip() == b""
    assert response.cookies[settings.CONSENT_COOKIE_NAME]["max-age"] == 0
    assert not ConsentRecord.objects.exists()
    assert not client.cookies[settings.CONSENT_COOKIE_NAME].value


def test_a_choice_posted_with_an_expired_one_records_the_expiry_and_keeps_the_id(client, tables):
    value, choice = old_cookie(settings.CONSENT_MAX_AGE_DAYS + 1)
    client.cookies[settings.CONSENT_COOKIE_NAME] = value
    assert choice_of(post_choice(client, "reject-all")).consent_id == choice.consent_id
    expired, chosen = ConsentRecord.objects.order_by("pk")
    assert (expired.action, expired.method) == ("expired", "automatic")
    assert expired.consent_id == chosen.consent_id == choice.consent_id
    assert expired.policy_version == 1 and chosen.action == "reject-all"


def test_recent_choice_is_not_expired(client, tables):
    value, _choice = old_cookie(settings.CONSENT_MAX_AGE_DAYS - 1)
    client.cookies[settings.CONSENT_COOKIE_NAME] = value
    assert client.get(STATE).content.strip()
    assert not ConsentRecord.objects.exists()


def test_expired_choice_with_gpc_is_a_refusal(client, tables):
    value, choice = old_cookie(settings.CONSENT_MAX_AGE_DAYS + 1)
    client.cookies[settings.CONSENT_COOKIE_NAME] = value
    response = client.get(STATE, headers={"sec-gpc": "1"})
    assert response.content.strip()
    assert response.cookies[settings.CONSENT_COOKIE_NAME]["max-age"] == 0
    assert not ConsentRecord.objects.exists()


def test_new_policy_version_asks_again_and_records_the_new_version(client, tables):
    post_choice(client, "accept-all")
    assert client.get(STATE).content.strip()
    make_policy(2, last_updated=dt.date(2025, 6, 1), published_at=timezone.now())
    assert client.get(STATE).content.strip() == b""
    config = json.loads(soup(client.get("/en/")).select_one("#consent-config").string)
    assert config["version"] == 2
    response = post_choice(client, "reject-all")
    assert choice_of(response).version == 2
    assert list(ConsentRecord.objects.order_by("pk").values_list("policy_version", flat=True)) == [
        1,
        2,
    ]
    assert client.get(STATE).content.strip()


def test_scheduled_policy_version_waits_for_its_time(client, tables):
    make_policy(2, published_at=timezone.now() + dt.timedelta(days=3))
    post_choice(client, "accept-all")
    assert client.get(STATE).content.strip()
    assert ConsentRecord.objects.get().policy_version == 1


# The cookie page.


def test_cookie_page_shows_the_tables(client, tables):
    response = client.get("/en/cookies/")
    assert response.status_code == 200
    page = soup(response)
    assert "We use the following types of cookies" in page.get_text()
    assert "You have the right to decide" in page.get_text()
    headers = [th.get_text(strip=True) for th in page.select(".cookie-table thead th")]
    assert headers == ["Name", "Provider", "Purpose", "Expiry", "Category", "How to opt out"]
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for row in page.select(".cookie-table tbody tr")
    ]
    assert rows == [
        ["UMB_XSRF-V", "Umbraco", "Used to maintain session", "6 months", "Strictly necessary", ""],
        ["_ga", "Google", "Registers a unique ID", "2 years", "Performance", "Opt-out link"],
        ["_gtag_UA_*", "Google", "Used by Google Tag Manager", "2 years", "Performance", ""],
        ["__atuvc", "AddThis", "Stores a share count", "6 months", "Functionality", ""],
    ]
    assert page.select_one(".cookie-table a[href='https://g.co/out']").get_text() == "Opt-out link"
    for slug in ("necessary", "performance", "functionality", "targeting"):
        assert page.select_one(f"section#category-{slug} h2")
    assert (
        "We make use of analytic cookies. More words."
        in page.select_one("#category-performance").get_text()
    )


def test_chinese_cookie_page_marks_english_fallback_text_and_says_so(client, tables):
    """The fixture has Chinese category names only: every other stored text is English."""
    page = soup(client.get("/zh-hant/cookies/"))
    assert page.html["lang"] == "zh-Hant"
    performance = page.select_one("#category-performance")
    assert not performance.h2.has_attr("lang")  # the Chinese name
    assert performance.select_one(".prose")["lang"] == "en"
    for prose in page.select(".cookie-notice > .prose"):  # the policy's introduction and details
        assert prose["lang"] == "en"
    row = page.select_one(".cookie-table tbody tr")
    purpose, expiry, category = row.find_all("td")[1:4]
    assert purpose["lang"] == "en" and purpose.get_text() == "Used to maintain session"
    assert expiry["lang"] == "en"
    assert not category.has_attr("lang")  # the category's Chinese name
    notices = page.select(".cookie-notice .notice--language")
    assert len(notices) == 1
    with translation.override("zh-hant"):
        expected = translation.gettext(
            "Parts of this page are not yet available in %(current)s: they are shown in "
            "%(language)s."
        ) % {
            "current": translation.get_language_info("zh-hant")["name_translated"],
            "language": translation.get_language_info("en")["name_translated"],
        }
    assert notices[0].get_text(strip=True) == expected
    assert "英" in expected and not notices[0].has_attr("lang")


def test_english_cookie_page_has_no_fallback_notice_or_lang_marks(client, tables):
    page = soup(client.get("/en/cookies/"))
    assert not page.select(".notice--language")
    assert not page.select(".cookie-notice [lang]")


def test_fully_translated_chinese_cookie_page_has_no_fallback_notice(client, tables):
    tables.introduction_zh_hant = "我們在本網站使用以下類型的Cookies。"
    tables.details_zh_hant = "閣下有權決定是否接受Cookies。"
    tables.save()
    for category in Category.objects.all():
        category.description_zh_hant = "說明。"
        category.save()
    for cookie in DeclaredCookie.objects.all():
        cookie.purpose_zh_hant, cookie.expiry_zh_hant = "用途", "六個月"
        cookie.save()
    page = soup(client.get("/zh-hant/cookies/"))
    assert not page.select(".notice--language")
    assert not page.select(".cookie-notice [lang]")
    # The Simplified page reads the same texts converted to its script: nothing to announce.
    simplified = soup(client.get("/zh-hans/cookies/"))
    assert not simplified.select(".notice--language")
    assert "说明" in simplified.select_one("#category-performance").get_text()


def test_banner_marks_english_category_descriptions_on_a_chinese_page(client, tables):
    banner = soup(client.get("/zh-hant/")).select_one("#consent-banner")
    label = banner.select_one("label[for=consent-performance]")
    assert not label.strong.has_attr("lang")
    assert label.select_one(".consent-option__text")["lang"] == "en"
    english = soup(client.get("/en/")).select_one("#consent-banner")
    assert not english.select_one("label[for=consent-performance] .consent-option__text").has_attr(
        "lang"
    )


def test_cookie_page_dates_follow_the_language(client, tables):
    en = soup(client.get("/en/cookies/")).select_one(".cookie-notice__updated time")
    assert en.get_text() == "June 2, 2021" and en["datetime"] == "2021-06-02"
    zh = soup(client.get("/zh-hant/cookies/")).select_one(".cookie-notice__updated time")
    assert zh.get_text() == "2021年6月2日"


def test_cookie_page_shows_the_visitors_choice_and_its_form(client, tables):
    page = soup(client.get("/en/cookies/"))
    assert not page.select_one(".consent-id")
    form = page.select_one("#your-choice form[data-consent-form]")
    assert form["action"] == "/consent/"
    assert form.select_one("input[name=method]")["value"] == "settings"
    boxes = form.select("input[name=category]")
    assert [b["value"] for b in boxes] == ["performance", "functionality", "targeting"]
    assert not any(b.has_attr("checked") for b in boxes)
    assert form.select_one("button[value=withdraw]")

    choice = choice_of(post_choice(client, "custom", category=["performance", "targeting"]))
    response = client.get("/en/cookies/")
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    page = soup(response)
    assert page.select_one(".consent-id").get_text() == str(choice.consent_id)
    checked = [b["value"] for b in page.select("#your-choice input[name=category][checked]")]
    assert checked == ["performance", "targeting"]
    # The banner in the page stays the same for everyone: nothing ticked.
    assert not page.select("#consent-banner input[name=category][checked]")


def test_withdraw_from_the_cookie_page(client, tables):
    post_choice(client, "accept-all")
    page = soup(client.get("/en/cookies/"))
    form = page.select_one("#your-choice form")
    data = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    response = client.post(CHOOSE, {**data, "action": "withdraw"}, headers=SAME_ORIGIN)
    assert response.status_code == 303
    assert response["Location"] == "/en/cookies/#your-choice"
    record = ConsentRecord.objects.order_by("-pk").first()
    assert (record.action, record.method, record.page) == ("withdraw", "settings", "/en/cookies/")
    assert record.categories == ALL_FALSE


def test_cookie_page_answers_in_every_language_without_a_policy(client, db):
    for language in ("en", "zh-hant", "zh-hans"):
        with translation.override(language):
            url = reverse("consent:cookies")
        assert client.get(url).status_code == 200


def test_cookie_page_query_budget(client, tables, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert client.get("/en/cookies/").status_code == 200
    cache.clear()
    post_choice(client, "accept-all")
    cache.clear()
    with django_assert_max_num_queries(6):
        assert client.get("/zh-hant/cookies/").status_code == 200


def test_cookie_page_sets_no_cookie_without_gpc(client, tables):
    assert not client.get("/en/cookies/").cookies


# GPC announcement.


def test_gpc_json_announces_support(client, tables):
    response = client.get("/.well-known/gpc.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"gpc": True, "lastUpdate": "2021-06-02"}
    assert "public" in response["Cache-Control"]
    assert not response.cookies


def test_gpc_json_without_policy_says_today(client, db):
    assert client.get("/.well-known/gpc.json").json()["lastUpdate"] == (
        timezone.localdate().isoformat()
    )


# Gating tags.


def render(source: str, **context) -> str:
    return Template("{% load consent %}" + source).render(Context(context))


def test_consent_script_is_inert():
    html = render('{% consent_script "performance" src="https://example.org/a.js?x=1&y=2" %}')
    assert html == (
        '<script type="text/plain" data-consent-category="performance" '
        'data-src="https://example.org/a.js?x=1&amp;y=2"></script>'
    )
    assert render('{% consent_script "performance" src="javascript:alert(1)" %}') == ""


def test_consent_block_is_inert():
    html = render(
        '{% consent_block "targeting" %}<iframe src="https://v.example/{{ id }}"></iframe>'
        "{% endconsent_block %}",
        id="a<b",
    )
    assert html == (
        '<template data-consent-category="targeting">'
        '<iframe src="https://v.example/a&lt;b"></iframe></template>'
    )


def test_operator_scripts_render_gated(client, tables, settings):
    settings.CONSENT_SCRIPTS = [
        {"category": "performance", "src": "https://www.googletagmanager.com/gtag/js?id=G-XXXX"},
        {"category": "performance"},
        "nonsense",
    ]
    page = soup(client.get("/en/"))
    scripts = page.select("script[data-consent-category]")
    assert len(scripts) == 1
    assert scripts[0]["type"] == "text/plain"
    assert scripts[0]["data-src"] == "https://www.googletagmanager.com/gtag/js?id=G-XXXX"
    assert not page.select("script[src*=googletagmanager]")


@pytest.mark.parametrize(
    "page",
    [
        "/en/\u202eevil",  # a right-to-left override
        "/en/\x00",  # a NUL, which PostgreSQL refuses
        "https://evil.example/en/",
        "//evil.example/",
        "/en/" + "x" * 3000,
        "javascript:alert(1)",
    ],
)
def test_the_page_a_choice_is_recorded_for_is_a_local_path_or_the_return_address(client, page):
    response = post_choice(client, "reject-all", page=page, next="/en/cookies/")
    assert response.status_code == 303
    assert ConsentRecord.objects.get().page == "/en/cookies/"


def test_posting_the_same_choice_again_is_one_record(client, tables):
    assert post_choice(client, "reject-all").status_code == 303
    assert post_choice(client, "reject-all").status_code == 303
    assert ConsentRecord.objects.count() == 1
    assert post_choice(client, "accept-all").status_code == 303
    assert ConsentRecord.objects.count() == 2  # a change is always recorded


def test_a_flood_of_choices_from_one_address_is_answered_429_and_not_recorded(settings, tables):
    settings.CONSENT_CHOICES_PER_MINUTE = 5
    answers = [post_choice(Client(), "accept-all").status_code for _ in range(8)]
    assert answers == [303] * 5 + [429] * 3
    assert ConsentRecord.objects.count() == 5
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert post_choice(other, "accept-all").status_code == 303


def test_choices_are_recorded_when_the_cache_cannot_count(settings, tables, monkeypatch):
    from core import throttle

    class Stopped:
        def add(self, *args, **kwargs):
            raise ConnectionError("cache server stopped")

    monkeypatch.setattr(throttle, "cache", Stopped())
    settings.CONSENT_CHOICES_PER_MINUTE = 1
    assert [post_choice(Client(), "accept-all").status_code for _ in range(3)] == [303] * 3
    assert ConsentRecord.objects.count() == 3
