"""Behind a front server: the client's address and scheme come only from proxies we trust."""

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory, override_settings

from core.proxies import TrustedProxyMiddleware, client_address

pytestmark = pytest.mark.django_db


def seen(**meta) -> dict:
    request = RequestFactory().get("/", **meta)
    captured = {}

    def view(request):
        captured.update(request.META)

    TrustedProxyMiddleware(view)(request)
    return captured


def test_a_trusted_front_server_names_the_client():
    meta = seen(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert meta["REMOTE_ADDR"] == "203.0.113.7"


@override_settings(NEWSROOM_TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8"])
def test_the_chain_is_read_from_the_right_through_our_own_proxies_only():
    # A client may put anything at the left of the header; our proxies append on the right.
    forwarded = "198.51.100.66, 203.0.113.7, 10.1.2.3"
    meta = seen(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert meta["REMOTE_ADDR"] == "203.0.113.7"


def test_a_client_cannot_claim_an_address_or_https_itself():
    meta = seen(
        REMOTE_ADDR="198.51.100.66",
        HTTP_X_FORWARDED_FOR="127.0.0.1",
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert meta["REMOTE_ADDR"] == "198.51.100.66"
    assert "HTTP_X_FORWARDED_PROTO" not in meta and "HTTP_X_FORWARDED_FOR" not in meta


def test_a_garbled_chain_falls_back_to_the_proxy():
    assert client_address({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "nonsense"}) == (
        "127.0.0.1",
        True,
    )


@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_https_is_believed_from_the_front_server_only(client):
    trusted = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    stranger = Client(REMOTE_ADDR="198.51.100.66", HTTP_X_FORWARDED_PROTO="https")
    assert trusted.get("/healthz").wsgi_request.is_secure()
    assert not stranger.get("/healthz").wsgi_request.is_secure()


def test_wrong_passwords_behind_the_front_server_lock_out_the_stranger_not_the_editor(settings):
    User.objects.create_user("editor", password="correct horse battery", is_staff=True)
    login = "/admin/login/"

    def attempt(address: str, password: str) -> int:
        client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address)
        response = client.post(login, {"username": "editor", "password": password})
        return response.status_code

    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("198.51.100.66", "wrong")
    assert attempt("198.51.100.66", "correct horse battery") == 429
    assert attempt("203.0.113.7", "correct horse battery") == 302
