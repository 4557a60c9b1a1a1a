"""The liveness check at /healthz: a few bytes, no database, never cached."""

import pytest


@pytest.mark.django_db
def test_healthz_answers_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.django_db
def test_healthz_is_never_stored_by_a_cache(client):
    response = client.get("/healthz")
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_has_no_language(client):
    response = client.get("/healthz", HTTP_ACCEPT_LANGUAGE="zh-hk")
    assert response.status_code == 200
    assert "Accept-Language" not in response.get("Vary", "")
    assert "Content-Language" not in response


@pytest.mark.django_db
def test_healthz_refuses_a_post(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_healthz_answers_a_plain_http_probe_in_production(client, settings):
    """Load balancers probe over plain HTTP: no redirect to HTTPS for them."""
    settings.SECURE_SSL_REDIRECT = True  # as in production
    assert client.get("/healthz").status_code == 200
    assert client.get("/en/").status_code == 301
