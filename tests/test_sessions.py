"""Session keys carry their signature: a made-up session cookie costs no query."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from core import sessions

from .conftest import make_release, make_staff

pytestmark = pytest.mark.django_db

LIST = "/en/media-centre/press-releases/"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.NEWSROOM_PAGE_CACHE = True


def test_a_signed_in_editors_key_is_signed_and_never_gets_a_stored_page(client):
    make_release(headline="Public")
    Client().get(LIST)
    client.force_login(make_staff("Editor"))
    key = client.cookies["sessionid"].value
    assert sessions.is_issued(key) and Session.objects.filter(session_key=key).exists()
    for _ in range(2):
        page = client.get(LIST)
        assert page.status_code == 200 and "X-Page-Cache" not in page


@pytest.mark.parametrize("made_up", ["forged", "django-shaped"])
def test_a_made_up_key_is_served_the_stored_page_without_a_query(
    client, django_assert_num_queries, made_up
):
    """Before: each request with a made-up key asked the database for its session (with SQLite,
    a new connection): 0.12 of /healthz where a stored page is 1.3."""
    editor = Client()
    editor.force_login(make_staff("Editor"))
    real = editor.cookies["sessionid"].value
    key = {
        "forged": real[:-1] + ("0" if real[-1] != "0" else "1"),  # the signature broken
        "django-shaped": "0123456789abcdefghijklmnopqrstuvwxyz0123",  # 40 characters
    }[made_up]
    Client().get(LIST)
    visitor = Client()
    visitor.cookies["sessionid"] = key
    with django_assert_num_queries(0):
        page = visitor.get(LIST)
    assert page.status_code == 200 and page["X-Page-Cache"] == "hit"


def test_keys_signed_before_a_secret_key_rotation_still_count(settings, client):
    client.force_login(make_staff("Editor"))
    key = client.cookies["sessionid"].value
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "n" * 50, [old]
    assert sessions.is_issued(key)
    assert "X-Page-Cache" not in client.get(LIST)
    settings.SECRET_KEY_FALLBACKS = []
    assert not sessions.is_issued(key)
