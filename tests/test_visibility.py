"""Only published things reach the public, through every door; staff can preview the rest."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from media_centre.models import Document, Event, MoU, Person, PressRelease, State, Status, Study

from .conftest import (
    downloads_counted,
    make_document,
    make_event,
    make_mou,
    make_person,
    make_quote,
    make_release,
    make_speaker,
    make_study,
    make_topic,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now
HIDDEN = {
    "draft": {"status": Status.DRAFT},
    # A draft that once had a time (filled in, or published and put back): only its status hides it.
    "dated draft": {"status": Status.DRAFT, "publish_at": None},
    "scheduled": {"status": Status.PUBLISHED, "publish_at": None},  # filled per test
    "withdrawn": {"status": Status.WITHDRAWN, "withdrawn_reason": "Issued in error."},
    "expired": {"status": Status.PUBLISHED, "unpublish_at": None},
}


def hidden(kind: str) -> dict:
    kw = dict(HIDDEN[kind])
    if kind == "scheduled":
        kw["publish_at"] = NOW() + dt.timedelta(days=2)
    if kind in ("dated draft", "withdrawn"):
        kw["publish_at"] = NOW() - dt.timedelta(days=3)
    if kind == "expired":
        kw["publish_at"] = NOW() - dt.timedelta(days=3)
        kw["unpublish_at"] = NOW() - dt.timedelta(hours=1)
    return kw


KINDS = ["draft", "dated draft", "scheduled", "withdrawn", "expired"]


@pytest.mark.parametrize(
    ("kind", "state"),
    [
        ("draft", State.DRAFT),
        ("dated draft", State.DRAFT),
        ("scheduled", State.SCHEDULED),
        ("withdrawn", State.WITHDRAWN),
        ("expired", State.WITHDRAWN),
    ],
)
def test_state_is_derived_from_status_and_clock(kind, state):
    release = make_release(**hidden(kind))
    assert release.state == state
    assert list(PressRelease.objects.in_state(state)) == [release]
    assert not PressRelease.objects.published().exists()


def test_scheduled_release_appears_when_its_time_comes_without_any_job(client):
    release = make_release(status=Status.PUBLISHED, publish_at=NOW() + dt.timedelta(seconds=1))
    assert client.get(release.get_absolute_url()).status_code == 404
    PressRelease.objects.filter(pk=release.pk).update(publish_at=NOW() - dt.timedelta(seconds=1))
    assert client.get(release.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("kind", KINDS)
def test_hidden_release_is_absent_from_home_and_list(client, kind):
    make_release(headline="Visible headline")
    make_release(headline="Secret headline", **hidden(kind))
    for url in (reverse("media_centre:home"), reverse("media_centre:release-list")):
        page = client.get(url).content.decode()
        assert "Visible headline" in page
        assert "Secret headline" not in page


@pytest.mark.parametrize("kind", KINDS)
def test_hidden_events_and_studies_are_absent_from_home(client, kind):
    soon, lately = dt.date.today() + dt.timedelta(days=7), dt.date(2025, 6, 19)
    make_event(title="Secret upcoming", start_date=soon, **hidden(kind))
    make_event(title="Secret past", start_date=lately, **hidden(kind))
    make_study(title="Secret study", **hidden(kind))
    make_event(title="Visible past", start_date=lately)
    make_study(title="Visible study")
    # Recent events show while no upcoming one is announced.
    page = client.get(reverse("media_centre:home")).text
    assert "Visible past" in page and "Visible study" in page
    assert "No upcoming events are announced at the moment." in page
    for text in ("Secret upcoming", "Secret past", "Secret study"):
        assert text not in page
    make_event(title="Visible upcoming", start_date=soon)
    page = client.get(reverse("media_centre:home")).text
    assert "Visible upcoming" in page
    assert "Secret upcoming" not in page


@pytest.mark.parametrize("kind", ["draft", "dated draft", "scheduled"])
def test_unpublished_release_page_is_404_to_the_public(client, kind):
    release = make_release(**hidden(kind))
    assert client.get(release.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("kind", ["withdrawn", "expired"])
def test_withdrawn_release_page_is_410_with_the_reason(client, kind):
    release = make_release(**hidden(kind))
    response = client.get(release.get_absolute_url())
    assert response.status_code == 410
    assert "has been withdrawn" in response.content.decode()
    if kind == "withdrawn":
        assert "Issued in error." in response.content.decode()


def test_withdrawn_draft_that_was_never_public_is_404(client):
    release = make_release(status=Status.WITHDRAWN, withdrawn_reason="x", publish_at=None)
    assert client.get(release.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_staff_preview_shows_hidden_release_with_banner_and_no_cache(client, editor, kind):
    release = make_release(headline="Embargoed news", **hidden(kind))
    client.force_login(editor)
    response = client.get(release.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Embargoed news" in page
    assert "Preview — not public." in page
    assert "no-cache" in response["Cache-Control"]


def test_published_release_has_no_preview_banner_for_staff(client, editor):
    release = make_release()
    client.force_login(editor)
    assert "Preview — not public." not in client.get(release.get_absolute_url()).content.decode()


def test_staff_without_view_permission_gets_no_preview(client, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x" * 16, is_staff=True)
    client.force_login(user)
    release = make_release(status=Status.DRAFT)
    assert client.get(release.get_absolute_url()).status_code == 404


def test_undated_draft_has_a_staff_only_preview_address(client, editor):
    release = PressRelease.objects.create(headline="Only a headline")
    url = release.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(editor)
    assert "Only a headline" in client.get(url).content.decode()


@pytest.mark.parametrize("kind", KINDS)
def test_hidden_related_items_are_not_linked_from_a_release(client, kind):
    event = make_event(title="Hidden seminar", **hidden(kind))
    mou = make_mou(title="Hidden memorandum", **hidden(kind))
    study = make_study(title="Hidden study", **hidden(kind))
    person = make_person(name="Hidden Person", **hidden(kind))
    release = make_release(event=event, mou=mou, study=study)
    make_quote(release, person)
    page = client.get(release.get_absolute_url()).content.decode()
    for text in ("Hidden seminar", "Hidden memorandum", "Hidden study"):
        assert text not in page
    assert person.get_absolute_url() not in page


@pytest.mark.parametrize("kind", KINDS)
def test_hidden_releases_and_studies_are_not_linked_from_an_event(client, kind):
    event = make_event()
    make_release(headline="Secret release", event=event, **hidden(kind))
    make_study(title="Secret study", launch_event=event, **hidden(kind))
    make_event(title="Secret side event", part_of=event, **hidden(kind))
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Secret release" not in page
    assert "Secret study" not in page
    assert "Secret side event" not in page


@pytest.mark.parametrize("kind", KINDS)
def test_hidden_initiatives_are_not_listed_on_an_mou(client, kind):
    mou = make_mou()
    make_event(title="Secret seminar", mou=mou, **hidden(kind))
    make_study(title="Secret study", mou=mou, **hidden(kind))
    page = client.get(mou.get_absolute_url()).content.decode()
    assert "Secret seminar" not in page
    assert "Secret study" not in page


@pytest.mark.parametrize("kind", KINDS)
def test_speaker_page_hides_hidden_events_and_quotes(client, kind):
    person = make_person()
    make_speaker(make_event(title="Secret event", **hidden(kind)), person)
    make_quote(make_release(headline="Secret release", **hidden(kind)), person, text="Secret words")
    page = client.get(person.get_absolute_url()).content.decode()
    for text in ("Secret event", "Secret release", "Secret words"):
        assert text not in page


@pytest.mark.parametrize(
    ("factory", "model", "list_name"),
    [
        (make_event, Event, "media_centre:event-list"),
        (make_mou, MoU, "media_centre:mou-list"),
        (make_study, Study, "media_centre:study-list"),
        (make_person, Person, "media_centre:speaker-list"),
    ],
)
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_item_follows_the_same_rule(client, factory, model, list_name, kind):
    item = factory(**hidden(kind))
    extra = "?when=past" if model is Event else ""
    listing = client.get(reverse(list_name) + extra).content.decode()
    assert item.get_absolute_url() not in listing
    expected = 410 if kind in ("withdrawn", "expired") else 404
    assert client.get(item.get_absolute_url()).status_code == expected


@pytest.mark.parametrize("kind", KINDS)
def test_document_of_a_hidden_release_is_not_served(client, editor, kind):
    document = make_document()
    make_release(pdf=document, **hidden(kind))
    assert client.get(document.get_absolute_url()).status_code == 404
    assert not Document.objects.public().exists()
    client.force_login(editor)
    assert client.get(document.get_absolute_url()).status_code == 200


def test_document_of_a_published_release_is_served_and_counted(client):
    document = make_document(title="The release")
    make_release(pdf=document)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["ETag"] == f'"{document.sha256}"'
    assert "inline" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert downloads_counted(document) == 1


def test_document_under_a_wrong_file_name_redirects_to_the_right_one(client):
    document = make_document(title="The release")
    make_release(pdf=document)
    response = client.get(reverse("download", kwargs={"pk": document.pk, "file_name": "other.pdf"}))
    assert response.status_code == 301
    assert response["Location"] == document.get_absolute_url()


def test_unattached_document_is_not_served(client):
    document = make_document()
    assert client.get(document.get_absolute_url()).status_code == 404


# Every other door: feeds, calendars, sitemaps, search. Each test also shows a published item,
# so that a door that lists nothing at all does not pass for a careful one.

ITEMS = {
    "release": (make_release, "headline", "releases"),
    "event": (make_event, "title", "events"),
    "mou": (make_mou, "title", "mous"),
    "study": (make_study, "title", "studies"),
    "speaker": (make_person, "name", "speakers"),
}


def make_item(item: str, text: str, **kw):
    factory, title, _section = ITEMS[item]
    return factory(**{title: text}, **kw)


@pytest.mark.parametrize("kind", KINDS)
def test_hidden_release_is_absent_from_its_year_archive(client, kind):
    make_release(headline="Visible headline", release_date=dt.date(2024, 3, 1))
    release = make_release(
        headline="Secret headline", release_date=dt.date(2024, 5, 1), **hidden(kind)
    )
    page = client.get(reverse("media_centre:release-year", kwargs={"year": 2024}))
    assert page.status_code == 200
    assert "Visible headline" in page.text
    assert "Secret headline" not in page.text
    assert release.get_absolute_url() not in page.text


@pytest.mark.parametrize(
    "feed", ["media_centre:release-feed-rss", "media_centre:release-feed-atom"]
)
@pytest.mark.parametrize("kind", KINDS)
def test_hidden_release_is_absent_from_the_feeds(client, kind, feed):
    topic = make_topic()
    make_release(headline="Visible headline").topics.add(topic)
    release = make_release(headline="Secret headline", **hidden(kind))
    release.topics.add(topic)
    for query in ("", f"?topic={topic.slug}"):
        response = client.get(reverse(feed) + query)
        assert response.status_code == 200
        assert "Visible headline" in response.text
        assert "Secret headline" not in response.text
        assert release.get_absolute_url() not in response.text


@pytest.mark.parametrize("kind", KINDS)
def test_hidden_event_is_absent_from_the_calendars(client, kind):
    soon = timezone.localdate() + dt.timedelta(days=7)  # inside the feed's window
    make_event(title="Visible seminar", start_date=soon)
    event = make_event(title="Secret seminar", start_date=soon, **hidden(kind))
    calendar = client.get(reverse("event-calendar"))
    assert calendar.status_code == 200
    assert "Visible seminar" in calendar.text
    assert "Secret seminar" not in calendar.text
    assert client.get(reverse("media_centre:event-ics", args=[event.slug])).status_code == 404


@pytest.mark.parametrize("item", ITEMS)
@pytest.mark.parametrize("kind", KINDS)
def test_hidden_item_is_absent_from_its_sitemap_section(client, kind, item):
    section = ITEMS[item][2]
    visible = make_item(item, "Visible item")
    secret = make_item(item, "Secret item", **hidden(kind))
    response = client.get(reverse("sitemap-section", kwargs={"section": section}))
    assert response.status_code == 200
    assert f"http://testserver{visible.get_absolute_url()}" in response.text
    assert secret.get_absolute_url()[len("/en") :] not in response.text  # in no language


@pytest.mark.parametrize("kind", KINDS)
def test_hidden_release_adds_no_year_to_the_sitemap(client, kind):
    make_release(release_date=dt.date(2024, 3, 1))
    make_release(release_date=dt.date(2019, 3, 1), **hidden(kind))
    pages = client.get(reverse("sitemap-section", kwargs={"section": "pages"})).text
    assert "/en/media-centre/press-releases/2024/" in pages
    assert "/press-releases/2019/" not in pages


@pytest.mark.parametrize("item", ITEMS)
@pytest.mark.parametrize("kind", KINDS)
def test_hidden_item_is_not_found_by_search(client, kind, item):
    visible = make_item(item, "Quagga visible")
    make_item(item, "Quagga secret", **hidden(kind))
    response = client.get(reverse("media_centre:search"), {"q": "quagga"})
    assert response.status_code == 200
    assert [hit.item.pk for hit in response.context["results"]] == [visible.pk]
    page = BeautifulSoup(response.content, "html.parser")
    assert page.find(class_="search-count").text == "1 result"
    assert "secret" not in response.text.lower()
