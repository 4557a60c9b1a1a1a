"""The desk's forms as an editor meets them: plain labels, one language at a time, what is
needed to publish marked, rows in the order added, and "Duplicate as a new draft"."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import User

from media_centre.models import PressRelease, Quote, State, Status

from .conftest import make_person, make_quote, make_release, make_topic
from .test_admin import form_data, url


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def test_labels_name_languages_in_words_and_inputs_carry_their_language(client, editor):
    client.force_login(editor)

    soup = page(client.get(url(PressRelease, "add")))

    labels = {label["for"]: label.get_text(" ", strip=True) for label in soup.select("label[for]")}
    assert not any("[en]" in text or "[zh-hant]" in text for text in labels.values())
    assert labels["id_headline_en"].startswith("Headline (English)")
    assert labels["id_headline_zh_hant"].startswith("Headline (Traditional Chinese)")
    headline = soup.find(id="id_headline_zh_hant")
    assert (headline["lang"], headline["data-nr-lang"], headline["spellcheck"]) == (
        "zh-Hant",
        "zh-hant",
        "true",
    )
    assert soup.find("script", src=lambda src: src and src.endswith("js/desk-languages.js"))


def test_fields_needed_to_publish_are_marked_before_anyone_tries(client, editor):
    client.force_login(editor)

    soup = page(client.get(url(PressRelease, "add")))

    needed = {element["id"] for element in soup.select("[data-nr-needed]")}
    assert {"id_headline_en", "id_summary_zh_hans", "id_release_date"} <= needed
    assert "id_dateline_place_en" not in needed
    assert "needed to publish" in soup.find("label", attrs={"for": "id_release_date"}).text


def test_no_order_numbers_and_a_new_quote_goes_last(client, editor):
    release = make_release(status=Status.DRAFT)
    first, second = make_person(name="First"), make_person(name="Second")
    make_quote(release, first, text="One.", order=3)
    client.force_login(editor)
    response = client.get(url(PressRelease, "change", release.pk))
    assert not page(response).select("[name$='-order']")
    data = form_data(response)
    data.update(
        {
            "quotes-TOTAL_FORMS": "2",
            "quotes-1-person": str(second.pk),
            "quotes-1-text_en": "Two.",
        }
    )

    assert client.post(url(PressRelease, "change", release.pk), data).status_code == 302

    assert [q.text for q in Quote.objects.filter(release=release)] == ["One.", "Two."]


def test_list_actions_say_continue_not_run_and_there_is_no_save_as_new(client, publisher):
    release = make_release(status=Status.DRAFT)
    client.force_login(publisher)

    listing = client.get(url(PressRelease, "changelist")).content.decode()
    form = client.get(url(PressRelease, "change", release.pk)).content.decode()

    assert "Continue…" in listing and ">Run<" not in listing
    assert "_saveasnew" not in form and "Save as new" not in form


def test_duplicate_makes_a_draft_at_a_fresh_address(client, editor):
    release = make_release(headline="Seminar held")
    release.topics.add(make_topic(name="Fintech"))
    make_quote(release, make_person(name="Jane Doe"), text="We welcome it.")
    client.force_login(editor)
    duplicate = url(PressRelease, "duplicate", release.pk)
    assert duplicate in client.get(url(PressRelease, "change", release.pk)).content.decode()
    assert client.get(duplicate).status_code == 405

    response = client.post(duplicate)

    copy = PressRelease.objects.exclude(pk=release.pk).get()
    assert response["Location"] == url(PressRelease, "change", copy.pk)
    assert (copy.state, copy.publish_at, copy.headline) == (State.DRAFT, None, "Seminar held")
    assert copy.slug != release.slug and copy.release_date == release.release_date
    assert [q.text for q in copy.quotes.all()] == ["We welcome it."]
    assert [t.name for t in copy.topics.all()] == ["Fintech"]
    release.refresh_from_db()
    assert release.state == State.PUBLISHED and release.quotes.count() == 1
    assert LogEntry.objects.filter(object_id=str(copy.pk), action_flag=ADDITION).exists()
    followed = client.get(response["Location"]).content.decode()
    assert "new draft copied from “Seminar held”" in followed


def test_duplicating_needs_the_right_to_add(client, db):
    release = make_release()
    viewer = User.objects.create_user("viewer", password="x", is_staff=True)
    client.force_login(viewer)

    assert client.post(url(PressRelease, "duplicate", release.pk)).status_code == 403
    assert PressRelease.objects.count() == 1


@pytest.mark.parametrize("missing", ["999999", "not-a-number"])
def test_duplicating_what_is_not_there_is_a_404(client, editor, missing):
    client.force_login(editor)

    assert client.post(url(PressRelease, "duplicate", missing)).status_code == 404
