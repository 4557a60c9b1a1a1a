"""Answers compressed for clients that ask, and only those that hold no secret (BREACH)."""

import gzip

import brotli
import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from core.compression import CompressionMiddleware, accepted_coding
from media_centre.models import Status

from .conftest import make_document, make_event, make_release, make_staff, make_topic

pytestmark = pytest.mark.django_db

GZIP = {"accept-encoding": "gzip, deflate"}
BOTH = {"accept-encoding": "gzip, deflate, br, zstd"}


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.NEWSROOM_PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


def vary(response) -> set[str]:
    return {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}


def public_urls() -> list[str]:
    topic = make_topic(slug="green-finance")
    release = make_release()
    release.topics.add(topic)
    event = make_event(start_date=timezone.localdate())  # inside the calendar feed's window
    return [
        "/en/",
        release.get_absolute_url(),
        "/en/media-centre/press-releases/feed.rss",
        "/en/media-centre/press-releases/feed.atom",
        reverse("media_centre:event-ics", args=[event.slug]),
        "/calendar/events.ics",
        "/sitemap.xml",
    ]


def test_public_pages_feeds_calendars_and_sitemaps_are_gzipped_for_clients_that_ask(client):
    for url in public_urls():
        plain = client.get(url)
        assert plain.status_code == 200, url
        assert "Content-Encoding" not in plain, url
        assert "accept-encoding" in vary(plain), url

        zipped = client.get(url, headers=GZIP)
        assert zipped["Content-Encoding"] == "gzip", url
        assert "accept-encoding" in vary(zipped), url
        assert gzip.decompress(zipped.content) == plain.content, url
        assert int(zipped["Content-Length"]) == len(zipped.content) < len(plain.content)
        assert zipped["ETag"] == "W/" + plain["ETag"], url
        assert zipped["Content-Type"] == plain["Content-Type"], url


def test_brotli_is_preferred_when_the_client_takes_both(client):
    release = make_release()
    plain = client.get(release.get_absolute_url())
    response = client.get(release.get_absolute_url(), headers=BOTH)
    assert response["Content-Encoding"] == "br"
    assert brotli.decompress(response.content) == plain.content
    assert len(response.content) < len(plain.content) / 3


@pytest.mark.parametrize(
    ("header", "coding"),
    [
        ("gzip", "gzip"),
        ("br;q=0.5, gzip", "gzip"),
        ("gzip;q=0.8, br", "br"),
        ("gzip;q=0, br;q=0", None),
        ("identity", None),
        ("*", "br"),
        ("*, br;q=0", "gzip"),
        ("GZIP;Q=1", "gzip"),
        ("gzip;q=nonsense", None),
        ("", None),
    ],
)
def test_the_coding_follows_the_clients_weights(header, coding):
    assert accepted_coding(header) == coding


def test_a_client_that_refuses_gzip_gets_plain_bytes(client):
    response = client.get("/en/", headers={"accept-encoding": "gzip;q=0"})
    assert "Content-Encoding" not in response
    assert b"<html" in response.content


def test_a_stored_page_is_served_compressed_and_revalidated(client):
    release = make_release()
    url = release.get_absolute_url()
    first = client.get(url, headers=GZIP)
    assert first["X-Page-Cache"] == "miss"
    second = client.get(url, headers=GZIP)
    assert second["X-Page-Cache"] == "hit"
    assert second["Content-Encoding"] == "gzip"
    assert gzip.decompress(second.content) == gzip.decompress(first.content)
    plain = client.get(url)
    assert plain["X-Page-Cache"] == "hit" and "Content-Encoding" not in plain
    assert gzip.decompress(second.content) == plain.content

    again = client.get(url, headers={**GZIP, "if-none-match": second["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == second["ETag"]
    assert "accept-encoding" in vary(again)
    assert client.get(url, headers={"if-none-match": plain["ETag"]}).status_code == 304


def test_a_page_with_a_csrf_token_is_never_compressed(client):
    document = make_document()
    make_release(pdf=document)
    url = reverse("media_centre:accessible-version", args=[document.pk])
    for headers in (GZIP, {**GZIP, "cookie": "csrftoken=" + "a" * 32}):
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        assert "csrfmiddlewaretoken" in response.text
        assert "Content-Encoding" not in response


def test_the_admin_is_never_compressed(client):
    response = client.get(reverse("admin:login"), headers=GZIP)
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.text
    assert "Content-Encoding" not in response
    client.force_login(make_staff("Editor"))
    response = client.get(reverse("admin:index"), headers=GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response


def test_a_signed_in_visitors_pages_and_previews_are_never_compressed(client):
    release = make_release()
    draft = make_release(status=Status.DRAFT)
    client.force_login(make_staff("Editor"))
    for url in (release.get_absolute_url(), draft.get_absolute_url(), "/en/"):
        response = client.get(url, headers=GZIP)
        assert response.status_code == 200, url
        assert "Content-Encoding" not in response, url


def test_the_cookie_page_and_the_banner_state_are_never_compressed(client):
    """Both answer one visitor (the consent id, the choice): private, never compressed."""
    for url in ("/en/cookies/", "/consent/state.css"):
        response = client.get(url, headers=GZIP)
        assert response.status_code == 200
        assert "private" in response["Cache-Control"]
        assert "Content-Encoding" not in response


def test_downloads_keep_their_bytes_and_ranges(client):
    document = make_document(content=b"%PDF-1.4\n" + b"plain text inside a PDF " * 100)
    make_release(pdf=document)
    response = client.get(document.get_absolute_url(), headers={**GZIP, "range": "bytes=0-9"})
    assert response.status_code == 206
    assert "Content-Encoding" not in response
    assert b"".join(response.streaming_content) == b"%PDF-1.4\np"


def _answer(rf, path: str = "/en/", **meta):
    """What the middleware does with a public-looking HTML answer to `path`."""
    request = rf.get(path, headers=GZIP)
    request.META.update(meta)

    def view(request):
        response = HttpResponse("<p>" + "public words " * 100 + "</p>")
        response["Cache-Control"] = "public, max-age=0"
        response["ETag"] = '"abc"'
        if path.endswith("cookie/"):
            response.set_cookie("visitor", "1")
        return response

    return CompressionMiddleware(view)(request)


def test_even_a_public_looking_answer_is_sent_plain_when_it_holds_a_secret(rf):
    assert _answer(rf)["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in _answer(rf, CSRF_COOKIE_NEEDS_UPDATE=True)
    assert "Content-Encoding" not in _answer(rf, "/en/sets-a-cookie/")
    assert "Content-Encoding" not in _answer(rf, "/admin/anything/")
