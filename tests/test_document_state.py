"""A document is public only while something published links it: the desk says which, in words,
on the list (in one query) and on the form, and filters by it."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from media_centre.models import Document, Status

from .conftest import make_document, make_mou, make_release, make_study

pytestmark = pytest.mark.django_db

NOT_PUBLIC = "Not public: no published item links it"


def words(tag) -> str:
    return " ".join(tag.get_text().split())


def listed(client, **params) -> dict[str, str]:
    """Each document's title on the list, with its state column's words."""
    response = client.get(reverse("admin:media_centre_document_changelist"), params)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return {
        words(row.find("th")): words(row.find("td", class_="field-public_state"))
        for row in soup.select("#result_list tbody tr")
    }


@pytest.fixture
def documents(db):
    now = timezone.now()
    linked = make_document(title="Release PDF")
    make_release(headline="Out now", pdf=linked)
    attached = make_document(title="Attachment")
    make_release(headline="Also out", publish_at=now - dt.timedelta(days=3)).attachments.add(
        attached
    )
    study_file = make_document(title="Study file")
    make_study(title="Draft study", status=Status.DRAFT).files.add(study_file)
    embargoed = make_document(title="Embargoed MoU text")
    make_mou(parties=0, title="Embargoed MoU", document=embargoed,
             publish_at=now + dt.timedelta(days=1))  # fmt: skip
    loose = make_document(title="Loose file")
    return {"linked": linked, "attached": attached, "study_file": study_file,
            "embargoed": embargoed, "loose": loose}  # fmt: skip


def test_the_list_says_which_documents_are_public_and_from_where(client, editor, documents):
    client.force_login(editor)
    assert listed(client) == {
        "Release PDF": "Public — linked from: Out now",
        "Attachment": "Public — linked from: Also out",
        "Study file": NOT_PUBLIC,
        "Embargoed MoU text": NOT_PUBLIC,
        "Loose file": NOT_PUBLIC,
    }


def test_the_list_filters_by_state(client, editor, documents):
    client.force_login(editor)
    assert set(listed(client, public="yes")) == {"Release PDF", "Attachment"}
    assert set(listed(client, public="no")) == {"Study file", "Embargoed MoU text", "Loose file"}
    response = client.get(reverse("admin:media_centre_document_changelist"), {"public": "maybe"})
    assert response.status_code in (200, 302)


def test_the_list_makes_one_query_for_the_state_however_many_rows(client, editor, documents):
    client.force_login(editor)
    page = reverse("admin:media_centre_document_changelist")
    client.get(page)
    with CaptureQueriesContext(connection) as few:
        client.get(page)
    for i in range(20):
        make_release(headline=f"Release {i}", pdf=make_document(title=f"File {i}"))
    with CaptureQueriesContext(connection) as many:
        client.get(page)
    assert len(many) == len(few)
    assert len(listed(client)) == Document.objects.count()


def test_the_form_names_the_published_items_and_what_would_make_it_public(
    client, editor, documents
):
    client.force_login(editor)
    release = documents["linked"].release_pdf_of.get()
    form = client.get(reverse("admin:media_centre_document_change", args=[documents["linked"].pk]))
    soup = BeautifulSoup(form.content, "html.parser")
    state = soup.find("div", class_="field-public_links")
    assert "Public — linked from: Press release: Out now" in words(state)
    assert state.find("a", href=reverse("admin:media_centre_pressrelease_change",
                                        args=[release.pk])) is not None  # fmt: skip

    form = client.get(
        reverse("admin:media_centre_document_change", args=[documents["study_file"].pk])
    )
    state = BeautifulSoup(form.content, "html.parser").find("div", class_="field-public_links")
    assert NOT_PUBLIC in words(state)
    assert "Draft study" in words(state) and "becomes public" in words(state)
