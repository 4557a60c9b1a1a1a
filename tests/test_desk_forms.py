"""The desk's forms as an editor meets them: plain labels, one language at a time, what is
needed to publish marked, rows in the order added, and "Duplicate as a new draft"."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission, User

from media_centre.models import Organisation, Person, PressRelease, Quote, State, Status, Topic

from .conftest import (
    make_event,
    make_person,
    make_quote,
    make_release,
    make_speaker,
    make_topic,
)
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


# Find or create in place (core/create_in_place.py)


def test_organisations_and_topics_typed_in_the_release_form_are_added(client, editor):
    existing = make_topic(name="Fintech")
    client.force_login(editor)
    response = client.get(url(PressRelease, "add"))
    box = page(response).find("select", attrs={"name": "organisations"})
    assert box["data-nr-create"] == "Add “%s” as new"
    data = {
        **form_data(response),
        "headline_en": "Seminar held",
        "organisations": [
            "new:Financial Services Development Council",
            "new:上海金融穩定發展研究中心",
        ],
        "topics": [str(existing.pk), "new:fintech", "new:Green finance"],
    }

    assert client.post(url(PressRelease, "add"), data).status_code == 302

    release = PressRelease.objects.get()
    assert release.organisations.filter(name_en="Financial Services Development Council").exists()
    assert release.organisations.filter(name_zh_hant="上海金融穩定發展研究中心").exists()
    assert sorted(t.name for t in release.topics.all()) == ["Fintech", "Green finance"]
    assert Topic.objects.count() == 2  # "fintech" found the existing topic


def test_a_speaker_typed_with_an_honorific_becomes_a_draft_person(client, editor):
    release = make_release(status=Status.DRAFT)
    client.force_login(editor)
    data = form_data(client.get(url(PressRelease, "change", release.pk)))
    data.update(
        {
            "quotes-TOTAL_FORMS": "1",
            "quotes-0-person": "new:Mr Benjamin Hung",
            "quotes-0-text_en": "The global financial market is undergoing a rapid transformation.",
        }
    )

    assert client.post(url(PressRelease, "change", release.pk), data).status_code == 302

    person = Person.objects.get()
    assert (person.honorific, person.name, person.state) == ("Mr", "Benjamin Hung", State.DRAFT)
    assert release.quotes.get().person == person


def test_a_form_shown_again_keeps_what_was_added_and_makes_no_duplicate(client, editor):
    client.force_login(editor)
    data = {
        **form_data(client.get(url(PressRelease, "add"))),
        "headline_en": "",  # refused: a headline in some language is needed
        "organisations": ["new:FSDC"],
    }

    again = client.post(url(PressRelease, "add"), data)
    assert again.status_code == 200
    chosen = page(again).find("select", attrs={"name": "organisations"}).find_all("option")
    assert [option.text for option in chosen] == ["FSDC"]
    client.post(url(PressRelease, "add"), {**data, "headline_en": "Seminar held"})

    assert Organisation.objects.filter(name_en="FSDC").count() == 1


def test_nobody_adds_what_they_may_not_add(client, db):
    viewer = User.objects.create_user("reader", password="x", is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_pressrelease", "view_pressrelease"])
    )
    client.force_login(viewer)
    response = client.get(url(PressRelease, "add"))
    assert not page(response).select("[data-nr-create]")
    data = {**form_data(response), "headline_en": "Seminar", "organisations": ["new:Sneaky"]}

    client.post(url(PressRelease, "add"), data)

    assert not Organisation.objects.exists()


def test_an_empty_name_is_a_form_error(client, editor):
    client.force_login(editor)
    data = {
        **form_data(client.get(url(PressRelease, "add"))),
        "headline_en": "Seminar held",
        "organisations": ["new:   "],
    }

    response = client.post(url(PressRelease, "add"), data)

    assert response.status_code == 200 and "Type a name to add." in response.content.decode()


def test_lists_say_which_languages_each_item_is_complete_in(client, editor):
    # Traditional has only its headline (Simplified follows it, converted): not complete.
    make_release(status=Status.DRAFT, headline_zh_hant="研討會")
    client.force_login(editor)

    response = client.get(url(PressRelease, "changelist"))

    marks = {
        mark["title"]: mark["class"][-1]
        for mark in page(response).select(".field-languages .nr-lang-mark")
    }
    assert marks == {
        "English: complete": "nr-lang-mark--complete",
        "Traditional Chinese: not complete": "nr-lang-mark--missing",
        "Simplified Chinese: not complete": "nr-lang-mark--missing",
    }


def test_choosing_who_is_quoted_offers_the_events_speakers_first(client, editor):
    event = make_event()
    for name in ("Aaron Early", "Zoe Speaker"):
        make_person(name=name)
    make_speaker(event, Person.objects.get(name="Zoe Speaker"))
    client.force_login(editor)
    form = page(client.get(url(PressRelease, "add")))
    assert (
        form.find("select", attrs={"name": "quotes-__prefix__-person"})["data-nr-speakers-of"]
        == "id_event"
    )
    ask = {"app_label": "media_centre", "model_name": "quote", "field_name": "person"}

    plain = client.get("/admin/autocomplete/", ask).json()["results"]
    first = client.get("/admin/autocomplete/", {**ask, "speakers_of": event.pk}).json()["results"]
    made_up = client.get("/admin/autocomplete/", {**ask, "speakers_of": "x'"})

    assert plain[0]["text"].endswith("Aaron Early")
    assert first[0]["text"].endswith("Zoe Speaker") and len(first) == len(plain)
    assert made_up.status_code == 200
