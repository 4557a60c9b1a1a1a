"""A visitor can ask for an accessible version of any published document; nothing is lost."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from media_centre.models import AccessibilityRequest, MediaContact, Status

from .conftest import make_document, make_release

pytestmark = pytest.mark.django_db


def request_url(document) -> str:
    return reverse("media_centre:accessible-version", kwargs={"pk": document.pk})


def test_release_page_offers_the_request_and_no_checksum(client):
    # Readers do not need a SHA-256 beside the link; the download's ETag still carries it.
    document = make_document()
    release = make_release(pdf=document)
    page = client.get(release.get_absolute_url()).content.decode()
    assert request_url(document) in page
    assert document.sha256 not in page and "SHA-256" not in page


def test_accessible_documents_say_so_instead(client):
    document = make_document(is_accessible=True)
    release = make_release(pdf=document)
    page = client.get(release.get_absolute_url()).content.decode()
    assert request_url(document) not in page
    assert "Accessible format" in page


def test_request_is_stored_and_the_media_contact_told(client):
    contact = MediaContact.objects.create(name="Press office", email="press@example.org")
    document = make_document(title="Annual report")
    make_release(pdf=document, media_contact=contact)
    response = client.post(
        request_url(document),
        {"name": "Chan Tai Man", "email": "reader@example.com", "message": "Large print"},
    )
    assert response.status_code == 302
    assert response["Location"] == request_url(document) + "?sent=1"
    saved = AccessibilityRequest.objects.get()
    assert (saved.document, saved.email, saved.message, saved.language) == (
        document, "reader@example.com", "Large print", "en",
    )  # fmt: skip
    assert mail.outbox[0].to == ["press@example.org"]
    assert "Annual report" in mail.outbox[0].subject
    assert "Thank you" in client.get(response["Location"]).content.decode()


def test_request_survives_a_mail_server_that_is_down(client, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 2},  # nothing listens there
        }
    }
    document = make_document()
    make_release(pdf=document)
    response = client.post(request_url(document), {"name": "A", "email": "a@example.com"})
    assert response.status_code == 302
    assert AccessibilityRequest.objects.count() == 1


def test_incomplete_request_is_explained_and_not_stored(client):
    document = make_document()
    make_release(pdf=document)
    response = client.post(request_url(document), {"name": "", "email": "not-an-email"})
    assert response.status_code == 200
    assert response.content.decode().count('class="form__error"') == 2
    assert not AccessibilityRequest.objects.exists()


def test_documents_of_unpublished_items_take_no_requests(client):
    document = make_document()
    make_release(pdf=document, status=Status.DRAFT)
    assert client.get(request_url(document)).status_code == 404
    assert client.post(request_url(document), {"name": "A", "email": "a@b.c"}).status_code == 404


def test_requests_are_bounded_per_sender_and_per_document(client, settings):
    settings.MEDIA_CENTRE_ACCESSIBLE_REQUESTS_PER_HOUR = 2
    document = make_document()
    make_release(pdf=document)
    data = {"name": "Chan Tai Man", "email": "reader@example.com", "message": "Large print"}
    answers = [client.post(request_url(document), data).status_code for _ in range(3)]
    assert answers == [302, 302, 429]
    refused = client.post(request_url(document), data)
    assert "Too many requests" in refused.content.decode()
    assert AccessibilityRequest.objects.count() == 2 and len(mail.outbox) == 2
    others = [
        Client(REMOTE_ADDR=f"203.0.113.{n}").post(request_url(document), data).status_code
        for n in range(10)
    ]
    assert others.count(302) == 6  # four times the hourly number a day for one document
    assert AccessibilityRequest.objects.count() == 8
