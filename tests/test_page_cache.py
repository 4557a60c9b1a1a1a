"""The anonymous page cache: stored pages, invalidation on every change, conditional requests."""

import datetime as dt
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consent.models import Category, PolicyVersion
from core import page_cache
from core.page_cache import fingerprint
from media_centre.models import AccessibilityRequest, PressRelease, Status

from .conftest import make_document, make_release, make_staff, make_topic

pytestmark = pytest.mark.django_db

LIST = "/en/media-centre/press-releases/"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.NEWSROOM_PAGE_CACHE = True
    settings.NEWSROOM_CDN_MAX_AGE = 30


def get(client: Client, url: str, **headers):
    return client.get(url, headers=headers)


def test_a_second_anonymous_visit_is_served_from_the_cache_without_a_query(
    client, django_assert_num_queries
):
    make_release(headline="Cached headline")
    first = client.get(LIST)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(LIST)
    assert second.status_code == 200
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "Cached headline" in second.text
    # The stored page keeps every header the other layers added.
    for header in ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options", "ETag"):
        assert second[header] == first[header], header


def test_publishing_shows_at_once_on_the_list_and_home(client):
    client.get(LIST), client.get("/en/")
    make_release(headline="Fresh news")
    assert "Fresh news" in client.get(LIST).text
    assert "Fresh news" in client.get("/en/").text


def test_an_edit_shows_at_once(client):
    release = make_release(headline="First wording")
    url = release.get_absolute_url()
    assert "First wording" in client.get(url).text
    release.headline = "Second wording"
    release.save()
    page = client.get(url)
    assert page["X-Page-Cache"] == "miss"
    assert "Second wording" in page.text and "First wording" not in page.text


def test_a_withdrawal_shows_at_once(client):
    release = make_release(headline="Soon withdrawn")
    url = release.get_absolute_url()
    assert client.get(url).status_code == 200
    assert "Soon withdrawn" in client.get(LIST).text
    release.status = Status.WITHDRAWN
    release.withdrawn_reason = "Issued in error."
    release.save()
    assert client.get(url).status_code == 410
    assert "Soon withdrawn" not in client.get(LIST).text


@pytest.mark.django_db(transaction=True)
def test_a_page_read_between_a_write_and_its_commit_is_not_kept(client):
    """Another visitor reading while the edit is uncommitted sees the old row and stores the old
    page; the commit must end that page's generation too."""
    release = make_release(headline="First wording")
    url = release.get_absolute_url()
    assert "First wording" in client.get(url).text
    meanwhile = []

    def another_visitor() -> None:
        try:
            meanwhile.append(Client().get(url))
        finally:
            connection.close()  # the thread's own database connection

    with transaction.atomic():
        release.headline = "Second wording"
        release.save()
        visitor = threading.Thread(target=another_visitor)
        visitor.start()
        visitor.join(timeout=60)
        assert meanwhile, "the other visitor never got an answer"
        assert meanwhile[0]["X-Page-Cache"] == "miss"
        assert "First wording" in meanwhile[0].text  # it stored the page of the old row

    page = client.get(url)
    assert page["X-Page-Cache"] == "miss"
    assert "Second wording" in page.text and "First wording" not in page.text


def test_a_relation_change_shows_at_once(client):
    release = make_release()
    topic = make_topic(name="Green finance")
    assert "Green finance" not in client.get(release.get_absolute_url()).text
    release.topics.add(topic)
    assert "Green finance" in client.get(release.get_absolute_url()).text


def test_an_embargo_lifting_shows_without_any_write(client):
    soon = timezone.now() + dt.timedelta(seconds=1)
    make_release(headline="Embargoed until now", publish_at=soon)
    assert "Embargoed until now" not in client.get(LIST).text
    # The generation lives only until the embargo lifts.
    assert page_cache.next_change(timezone.now()) == PressRelease.objects.get().publish_at
    time.sleep(2.1)
    assert "Embargoed until now" in client.get(LIST).text


def test_the_next_change_includes_unpublishing_and_midnight():
    now = timezone.now()
    later = now + dt.timedelta(minutes=5)
    make_release(unpublish_at=later)
    assert page_cache.next_change(now) == later
    PressRelease.objects.all().delete()
    midnight = page_cache.next_change(now)
    assert timezone.localtime(midnight).time() == dt.time.min
    assert dt.timedelta(0) < midnight - now <= dt.timedelta(days=1)


@pytest.mark.parametrize("stored", [True, False])
def test_a_consent_policy_change_updates_every_page(client, settings, stored):
    """Stored pages, and the banner remembered for pages that are not stored."""
    settings.NEWSROOM_PAGE_CACHE = stored
    client.get(LIST)
    PolicyVersion.objects.create(
        version=99,
        last_updated=dt.date(2026, 11, 1),
        published_at=timezone.now() - dt.timedelta(minutes=1),
        banner_text="A brand-new banner text.",
        introduction="Intro.",
    )
    Category.objects.create(slug="analytics", name="Brand-new category", description="Counts.")
    page = client.get(LIST).text
    assert "A brand-new banner text." in page
    assert "Brand-new category" in page


def test_a_bulk_change_to_consent_categories_updates_every_page(client):
    client.get("/en/cookies/")
    before = page_cache.generation()
    Category.objects.update(order=7)
    assert page_cache.generation() != before


def test_a_consent_choice_does_not_empty_the_cache(client):
    client.get(LIST)
    generation = page_cache.generation()
    response = client.post(
        reverse("consent-choose"),
        {"action": "reject-all", "next": LIST},
        headers={"sec-fetch-site": "same-origin"},
    )
    assert response.status_code < 400
    assert page_cache.generation() == generation
    assert client.get(LIST)["X-Page-Cache"] == "hit"


def test_staff_are_never_served_a_stored_page_and_their_previews_are_never_stored(client):
    draft = make_release(headline="Draft for review", status=Status.DRAFT)
    staff = make_staff("Editor")
    client.force_login(staff)
    preview = client.get(draft.get_absolute_url())
    assert preview.status_code == 200 and "Draft for review" in preview.text
    assert "X-Page-Cache" not in preview
    assert "no-cache" in preview["Cache-Control"]
    anonymous = Client()
    assert anonymous.get(draft.get_absolute_url()).status_code == 404
    anonymous.get(LIST)
    assert "X-Page-Cache" not in client.get(LIST)


@pytest.mark.parametrize(
    "cookie", ["0123456789abcdefghijklmnopqrstuv", "made-up", "x" * 5000, "é" * 32, ""]
)
def test_a_made_up_session_cookie_is_served_the_stored_page(client, cookie):
    client.get(LIST)
    visitor = Client()
    visitor.cookies["sessionid"] = cookie
    response = visitor.get(LIST)
    assert response.status_code == 200 and response["X-Page-Cache"] == "hit"


@pytest.mark.parametrize("cookie", ["0123456789abcdefghijklmnopqrstuv", "made-up"])
def test_a_made_up_session_cookie_writes_no_session_and_its_page_is_stored(client, cookie):
    """Before: each request with a made-up key created a session row (sessions are saved on
    every request, for the desk's idle timeout) and set its cookie, so its page was never
    stored: a flood of them wrote a row and rendered a page per request."""
    visitor = Client()
    visitor.cookies["sessionid"] = cookie
    first = visitor.get(LIST)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    assert "sessionid" not in first.cookies
    other = Client()
    other.cookies["sessionid"] = cookie[::-1]
    assert other.get(LIST)["X-Page-Cache"] == "hit"
    # The desk's pages, which the page cache skips, create no session for it either.
    login = visitor.get("/admin/login/")
    assert login.status_code == 200
    assert not login.cookies.get("sessionid") or not login.cookies["sessionid"].value
    assert not Session.objects.exists()


def test_a_signed_in_session_is_still_extended_at_each_request(client):
    staff = make_staff("Editor")
    client.force_login(staff)
    key = client.cookies["sessionid"].value
    before = Session.objects.get(session_key=key).expire_date
    time.sleep(1.1)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert response.cookies["sessionid"].value == key
    assert Session.objects.get(session_key=key).expire_date > before


def test_a_signed_in_session_that_has_ended_is_served_the_stored_page(client):
    staff = make_staff("Editor")
    client.force_login(staff)
    key = client.cookies["sessionid"].value
    client.logout()
    Client().get(LIST)
    visitor = Client()
    visitor.cookies["sessionid"] = key
    assert visitor.get(LIST)["X-Page-Cache"] == "hit"


def test_answers_other_than_a_public_200_are_not_stored(client):
    assert client.get("/en/media-centre/press-releases/2099/01/01/nothing/").status_code == 404
    missing = client.get("/en/media-centre/press-releases/2099/01/01/nothing/")
    assert "X-Page-Cache" not in missing
    switched = client.get("/language/zh-hant/?next=/zh-hant/")
    assert switched.cookies and "X-Page-Cache" not in switched
    state = client.get(reverse("consent-state"))
    assert "no-store" in state["Cache-Control"] and "X-Page-Cache" not in state


def test_a_very_long_query_string_is_answered_but_not_stored(client):
    url = LIST + "?utm_source=" + "x" * 400
    assert client.get(url).status_code == 200
    again = client.get(url)
    assert again.status_code == 200 and "X-Page-Cache" not in again
    assert again["ETag"] and "public" in again["Cache-Control"]


def test_head_is_served_from_the_cache_without_a_body(client):
    full = client.get(LIST)
    head = client.head(LIST)
    assert head.status_code == 200 and head.content == b""
    assert head["X-Page-Cache"] == "hit"
    assert head["Content-Length"] == str(len(full.content))


@pytest.mark.parametrize("stored", [True, False], ids=["page cache on", "page cache off"])
def test_pages_and_feeds_answer_conditional_requests_with_304(client, settings, stored):
    settings.NEWSROOM_PAGE_CACHE = stored
    release = make_release()
    for url in (LIST, release.get_absolute_url(), reverse("media_centre:release-feed-rss")):
        first = client.get(url)
        assert first.status_code == 200
        etag, modified = first["ETag"], first["Last-Modified"]
        by_etag = get(client, url, if_none_match=etag)
        assert by_etag.status_code == 304 and by_etag.content == b"", url
        assert by_etag["ETag"] == etag
        assert get(client, url, if_modified_since=modified).status_code == 304, url
        assert get(client, url, if_none_match='"something-else"').status_code == 200, url


def test_a_change_makes_the_old_etag_and_date_stale(client):
    first = client.get(LIST)
    time.sleep(1.1)  # Last-Modified has a resolution of one second
    make_release(headline="After the first visit")
    assert get(client, LIST, if_none_match=first["ETag"]).status_code == 200
    assert get(client, LIST, if_modified_since=first["Last-Modified"]).status_code == 200


def test_public_pages_tell_browsers_to_revalidate_and_cdns_to_keep_them_briefly(client):
    cache_control = {
        part.strip() for part in client.get(LIST)["Cache-Control"].split(",") if part.strip()
    }
    assert cache_control == {
        "public",
        "max-age=0",
        "s-maxage=30",
        "stale-while-revalidate=1",
        "stale-if-error=86400",
    }


def test_the_front_server_keeps_a_public_page_one_second_so_a_publish_shows_at_once(
    client, settings
):
    """nginx (deploy/) obeys X-Accel-Expires over s-maxage, when it comes after Cache-Control
    (nginx 1.22 skips Cache-Control, `private` included, when it reads X-Accel-Expires first)."""
    for answer in (client.get(LIST), client.get(LIST)):  # rendered, then stored
        assert answer["X-Accel-Expires"] == "1"
        names = [name.lower() for name in answer.headers]
        assert names.index("x-accel-expires") > names.index("cache-control")
    settings.NEWSROOM_FRONT_CACHE_SECONDS = 5
    make_release(headline="Another")
    assert client.get(LIST)["X-Accel-Expires"] == "5"
    staff = make_staff("Editor")
    client.force_login(staff)
    assert "X-Accel-Expires" not in client.get("/admin/").headers


def test_a_hostile_host_header_is_a_400_not_a_500(client):
    assert client.get(LIST, headers={"host": "evil.example"}).status_code == 400


def test_a_deploy_with_new_templates_starts_a_new_generation(settings, tmp_path):
    page_cache.build_id.cache_clear()
    before = page_cache.build_id()
    page_cache.build_id.cache_clear()
    settings.NEWSROOM_BUILD = "commit-abc"
    try:
        assert page_cache.build_id() != before
    finally:
        page_cache.build_id.cache_clear()


def test_the_build_covers_the_code_of_every_app_and_the_project():
    sources = {path.name for path in fingerprint._sources()}
    assert {"core", "media_centre", "consent", "newsroom", "templates", "locale"} <= sources


def test_a_deploy_that_changes_only_python_starts_a_new_generation(monkeypatch, tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    code = app / "views.py"
    code.write_text("ANSWER = 1\n")
    monkeypatch.setattr(fingerprint, "_sources", lambda: [app])

    def build() -> str:
        page_cache.build_id.cache_clear()
        return page_cache.build_id()

    try:
        before = build()
        os.utime(code, (1, 1))  # a checkout on another server: other times, same files
        assert build() == before
        code.write_text("ANSWER = 2\n")
        assert build() != before
    finally:
        page_cache.build_id.cache_clear()


def test_every_table_a_page_shows_is_registered_and_only_those():
    shown = {
        model._meta.label
        for app in ("media_centre", "consent")
        for model in apps.get_app_config(app).get_models()
        if not page_cache.registry.is_watched(model)
    }
    # A log, an index, a queue of requests and the mailing list: writing them changes no page.
    # Nor does the media list, or embargoed access (its copies are never stored).
    assert shown == {
        "consent.ConsentRecord",
        "media_centre.SearchEntry",
        "media_centre.AccessibilityRequest",
        "media_centre.Subscriber",
        "media_centre.Alert",
        "media_centre.Delivery",
        "media_centre.Journalist",
        "media_centre.MediaList",
        "media_centre.EmbargoGrant",
        "media_centre.EmbargoAccess",
        "media_centre.DownloadLogPosition",  # how far nginx's download log is counted
    }


def test_the_clock_columns_come_from_each_apps_registration():
    columns = {(model._meta.label, name) for model, name in page_cache.registry.clock_columns()}
    assert ("consent.PolicyVersion", "published_at") in columns
    for label in ("PressRelease", "Event", "MoU", "Study", "Person"):
        assert (f"media_centre.{label}", "publish_at") in columns
        assert (f"media_centre.{label}", "unpublish_at") in columns


def test_a_write_to_an_unregistered_table_keeps_the_stored_pages(client):
    document = make_document()
    make_release(pdf=document)
    get(client, LIST)
    AccessibilityRequest.objects.create(
        document=document, name="A reader", email="reader@example.org", language="en"
    )
    assert get(client, LIST)["X-Page-Cache"] == "hit"


# --- Several processes sharing one cache ------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _shared_caches(tmp_path: Path) -> list[str]:
    urls = ["filecache://" + str(tmp_path / "cache")]
    if os.environ.get("CACHE_URL", "").startswith("redis"):
        urls.append(os.environ["CACHE_URL"])
    return urls


@pytest.mark.django_db(transaction=True)
def test_a_publish_in_one_process_updates_what_another_process_serves(settings, tmp_path):
    """A second server process, sharing the database and the cache (the production file cache,
    and Redis when the suite runs against it), stops serving its stored list the moment this
    process publishes."""
    import environ
    from django.db import connection

    database = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite":
        pytest.skip("the second process reads the test database by its file name")
    for cache_url in _shared_caches(tmp_path):
        settings.CACHES = {"default": environ.Env.cache_url_config(cache_url)}
        if cache_url.startswith("filecache"):
            settings.CACHES["default"]["BACKEND"] = "core.cache.FileCache"  # as production's
        cache.clear()
        port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{database}",
            "CACHE_URL": cache_url,
            "NEWSROOM_PAGE_CACHE": "true",
            "DJANGO_DEBUG": "true",
        }
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            address = f"http://127.0.0.1:{port}{LIST}"

            def fetch(address: str = address) -> tuple[str, str]:
                with urllib.request.urlopen(address, timeout=10) as answer:
                    return answer.headers["X-Page-Cache"], answer.read().decode()

            for _ in range(100):
                try:
                    fetch()
                    break
                except OSError:
                    time.sleep(0.1)
            assert fetch()[0] == "hit", cache_url
            make_release(headline=f"Published elsewhere via {cache_url[:5]}")
            state, page = fetch()
            assert state == "miss", cache_url
            assert f"Published elsewhere via {cache_url[:5]}" in page
        finally:
            server.terminate()
            server.wait(10)


def test_a_lists_remembered_count_and_years_follow_a_publish(client, settings):
    settings.NEWSROOM_PAGE_CACHE = False  # the remembered values, not stored pages
    make_release(release_date=dt.date(2020, 5, 1))
    first = client.get(LIST)
    assert first.context["paginator"].count == 1
    assert "2011" not in first.text
    make_release(release_date=dt.date(2011, 3, 1))
    second = client.get(LIST)
    assert second.context["paginator"].count == 2
    assert '<option value="2011">' in second.text


def test_a_stored_page_carries_each_visitors_own_request_id(client):
    first = client.get(LIST)
    second = client.get(LIST)
    assert second["X-Page-Cache"] == "hit"
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert second["X-Request-ID"] not in second.text


@pytest.mark.parametrize(("debug", "computed"), [(False, 1), (True, 2)])
def test_values_are_remembered_in_service_but_not_while_developing(settings, debug, computed):
    """While developing, an edited template must show at once."""
    settings.DEBUG = debug
    calls = []
    for _ in range(2):
        page_cache.remember("a value", lambda: calls.append(1) or len(calls))
    assert len(calls) == computed


def test_each_page_of_a_list_is_stored_under_its_own_address(client):
    for day in range(13):  # more than a page
        make_release(headline=f"Release of day {day}", release_date=dt.date(2025, 1, 1 + day))
    first = get(client, LIST)
    second = get(client, LIST + "?page=2")
    assert second["X-Page-Cache"] == "miss"
    assert "Release of day 0" in second.text and "Release of day 0" not in first.text
    assert "Release of day 0" in get(client, LIST + "?page=2").text


def test_a_response_that_sets_a_cookie_is_never_stored():
    from django.http import HttpResponse
    from django.test import RequestFactory

    from core.page_cache.middleware import _public_page

    response = HttpResponse("a form")
    response.set_cookie("csrftoken", "for one visitor only")
    assert not _public_page(RequestFactory().get(LIST), response)
    assert _public_page(RequestFactory().get(LIST), HttpResponse("the same for everyone"))
