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


# Readiness: /readyz reports the database and the cache.


@pytest.mark.django_db
def test_readyz_reports_the_database_and_the_cache(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert "Content-Language" not in response
    assert client.post("/readyz").status_code == 405


@pytest.mark.django_db
def test_readyz_answers_a_plain_http_probe_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/readyz").status_code == 200


@pytest.fixture
def unreachable_database():
    """The database server or file is gone: the connection is opened again at a dead end."""
    from django.db import connection

    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent/folder/db.sqlite3"
    else:
        connection.settings_dict.update(HOST="127.0.0.1", PORT="9")  # nothing listens there
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


@pytest.mark.django_db(transaction=True)
def test_readyz_answers_503_when_the_database_cannot_be_read(client, unreachable_database):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "cache": "ok"}
    # Liveness stays up: the process answers, restarting it would not help.
    assert client.get("/healthz").status_code == 200
