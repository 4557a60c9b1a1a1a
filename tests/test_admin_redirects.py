"""The admin's sign-in and sign-out never send an editor off the site, whatever `next` says."""

from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

PASSWORD = "a long enough passphrase"  # make_staff's default
LOGIN = "/admin/login/"
LOGOUT = "/admin/logout/"

pytestmark = pytest.mark.django_db

HOSTILE_NEXT = [
    "https://evil.example",
    "https://evil.example/admin/",
    "//evil.example",
    "\\\\evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "https:evil.example",
    "javascript:alert(1)",
]


def lands_on_this_site(response, from_path: str) -> bool:
    """Whether a browser following the answer would stay on testserver (backslashes as slashes)."""
    location = response.headers.get("Location")
    if location is None:
        return True  # no redirect at all: the page is answered here
    resolved = urljoin(f"http://testserver{from_path}", location.replace("\\", "/"))
    parts = urlsplit(resolved)
    return parts.scheme == "http" and parts.netloc == "testserver"


def sign_in(client, user, **kw):
    return client.post(
        kw.pop("path", LOGIN),
        {"username": user.username, "password": PASSWORD, **kw},
        REMOTE_ADDR="203.0.113.7",  # axes reads the client's address from the real request
    )


@pytest.mark.parametrize("next_url", HOSTILE_NEXT)
def test_signing_in_with_a_hostile_next_field_lands_on_the_admin_index(client, editor, next_url):
    response = sign_in(client, editor, next=next_url)

    assert response.status_code == 302
    assert SESSION_KEY in client.session
    assert lands_on_this_site(response, LOGIN)
    assert "evil.example" not in response["Location"]
    assert response["Location"] == reverse("admin:index")


@pytest.mark.parametrize("next_url", HOSTILE_NEXT)
def test_signing_in_from_a_link_with_a_hostile_next_lands_on_the_admin_index(
    client, editor, next_url
):
    # A link to /admin/login/?next=… carries `next` in the address, not the form.
    path = f"{LOGIN}?{urlencode({'next': next_url})}"
    response = sign_in(client, editor, path=path)

    assert response.status_code == 302
    assert lands_on_this_site(response, path)
    assert response["Location"] == reverse("admin:index")


# Percent-encoded slashes are not slashes to a browser: "%2F%2Fevil.example" is a relative path,
# /admin/login/%2F%2Fevil.example, on this site. (Decoded once, in a link's query string, it is
# "//evil.example" above.)
ENCODED = "%2F%2Fevil.example"


def test_signing_in_with_percent_encoded_slashes_stays_on_the_site(client, editor):
    for response, path in (
        (sign_in(client, editor, next=ENCODED), LOGIN),
        (sign_in(client, editor, path=f"{LOGIN}?{urlencode({'next': ENCODED})}"), LOGIN),
        (sign_in(client, editor, path=f"{LOGIN}?next={ENCODED}"), LOGIN),
    ):
        assert response.status_code == 302
        assert lands_on_this_site(response, path)
        assert not response["Location"].startswith(("//", "/\\", "http"))


def test_signing_out_with_percent_encoded_slashes_stays_on_the_site(client, editor):
    for data, path in (({"next": ENCODED}, LOGOUT), ({}, f"{LOGOUT}?next={ENCODED}")):
        client.force_login(editor)
        response = client.post(path, data)
        assert SESSION_KEY not in client.session
        assert lands_on_this_site(response, path)


def test_signing_in_with_a_next_on_the_site_goes_there(client, editor):
    changelist = reverse("admin:media_centre_pressrelease_changelist")

    response = sign_in(client, editor, next=changelist)

    assert response.status_code == 302
    assert response["Location"] == changelist


def test_the_login_page_does_not_echo_a_hostile_next_into_a_link(client, db):
    page = client.get(LOGIN, {"next": "https://evil.example"}).content.decode()

    assert 'href="https://evil.example' not in page
    assert 'action="https://evil.example' not in page


@pytest.mark.parametrize("next_url", HOSTILE_NEXT)
def test_signing_out_with_a_hostile_next_stays_on_the_site(client, editor, next_url):
    client.force_login(editor)

    response = client.post(LOGOUT, {"next": next_url})

    assert SESSION_KEY not in client.session
    assert response.status_code in (200, 302)
    assert lands_on_this_site(response, LOGOUT)
    assert "evil.example" not in response.headers.get("Location", "")


@pytest.mark.parametrize("next_url", HOSTILE_NEXT)
def test_signing_out_from_a_link_with_a_hostile_next_stays_on_the_site(client, editor, next_url):
    client.force_login(editor)
    path = f"{LOGOUT}?{urlencode({'next': next_url})}"

    response = client.post(path)

    assert SESSION_KEY not in client.session
    assert lands_on_this_site(response, path)
    assert "evil.example" not in response.headers.get("Location", "")


def test_signing_out_with_a_next_on_the_site_goes_there(client, editor):
    client.force_login(editor)

    response = client.post(LOGOUT, {"next": LOGIN})

    assert response.status_code == 302
    assert response["Location"] == LOGIN


def test_a_next_address_longer_than_any_real_one_goes_to_the_default():
    from django.test import RequestFactory

    from core.redirects import MAX_LENGTH, local_path

    request = RequestFactory().get("/")
    assert local_path(request, "/en/" + "a" * MAX_LENGTH, "/fallback/") == "/fallback/"
    assert local_path(request, "/en/" + "a" * 100, "/fallback/") == "/en/" + "a" * 100
