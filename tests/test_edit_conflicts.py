"""Two people editing one item: a save based on an older version is refused, never silent."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from media_centre.models import Document, Event, MoU, Person, PressRelease, Quote, Status, Study

from .browser.test_csp import desk_groups  # noqa: F401 (a fixture)
from .conftest import (
    all_at_once,
    make_document,
    make_event,
    make_mou,
    make_person,
    make_quote,
    make_release,
    make_staff,
    make_study,
)
from .test_admin import form_data, url

CONFLICT = "Someone else saved this press release while you were editing it"


@pytest.fixture
def two_editors(db):
    """Two signed-in editors, each in their own browser (test client)."""
    clients = []
    for first_name in ("Alice", "Bob"):
        client = Client()
        client.force_login(make_staff("Editor", first_name=first_name, last_name="Chan"))
        clients.append(client)
    return clients


def panel(response) -> str:
    """The conflict message's text, in one line, or "" when there is none."""
    found = BeautifulSoup(response.content, "html.parser").select_one(".nr-conflict")
    return " ".join(found.get_text().split()) if found else ""


def change(client, obj):
    return form_data(client.get(url(type(obj), "change", obj.pk)))


def save(client, obj, data):
    return client.post(url(type(obj), "change", obj.pk), data)


def test_the_second_of_two_saves_is_refused_and_shows_what_the_first_changed(two_editors):
    alice, bob = two_editors
    release = make_release(status=Status.DRAFT, headline_zh_hant="舊標題", summary="Old summary.")
    alices, bobs = change(alice, release), change(bob, release)

    alices["headline_zh_hant"] = "新標題"
    assert save(alice, release, alices).status_code == 302
    bobs["summary_en"] = "Bob's better summary."
    response = save(bob, release, bobs)

    assert response.status_code == 200
    text = panel(response)
    assert CONFLICT in text
    assert "Headline, in Traditional Chinese" in text
    assert "舊標題" in text and "新標題" in text
    assert "Alice Chan" in text
    assert "headline_zh_hant" not in text
    release.refresh_from_db()
    assert (release.headline_zh_hant, release.summary) == ("新標題", "Old summary.")
    # Nothing Bob typed is lost: the form is shown again with his input.
    assert form_data(response)["summary_en"] == "Bob's better summary."


def test_the_message_names_fields_and_languages_in_plain_words(two_editors):
    alice, bob = two_editors
    release = make_release(status=Status.DRAFT)
    alices, bobs = change(alice, release), change(bob, release)
    alices.update(summary_zh_hans="新的摘要", dateline_place_en="Shanghai")
    save(alice, release, alices)

    text = panel(save(bob, release, bobs))

    assert "Summary, in Simplified Chinese" in text
    assert "Dateline place, in English" in text
    for codename in ("summary_zh_hans", "dateline_place", "zh_hans", "zh-hans", "[en]"):
        assert codename not in text


def test_the_second_editor_saves_over_the_other_changes_once_they_say_they_have_seen_them(
    two_editors,
):
    alice, bob = two_editors
    release = make_release(status=Status.DRAFT, headline="First words")
    alices, bobs = change(alice, release), change(bob, release)
    alices["headline_en"] = "Alice's words"
    save(alice, release, alices)
    bobs["summary_en"] = "Bob's summary."
    refused = save(bob, release, bobs)
    assert "I have seen the other changes; save mine over them" in panel(refused)

    again = form_data(refused)
    assert save(bob, release, again).status_code == 200  # not ticked: refused again
    again["_overwrite"] = "on"
    assert save(bob, release, again).status_code == 302

    release.refresh_from_db()
    assert (release.headline, release.summary) == ("First words", "Bob's summary.")


def test_a_third_save_after_the_message_was_shown_is_not_overwritten_unseen(two_editors):
    alice, bob = two_editors
    release = make_release(status=Status.DRAFT)
    alices, bobs = change(alice, release), change(bob, release)
    alices["headline_en"] = "Alice's first"
    save(alice, release, alices)
    seen = form_data(save(bob, release, bobs))

    alices = change(alice, release)
    alices["headline_en"] = "Alice's second"
    save(alice, release, alices)
    response = save(bob, release, {**seen, "_overwrite": "on"})

    assert response.status_code == 200
    assert "Alice's second" in panel(response)
    release.refresh_from_db()
    assert release.headline == "Alice's second"


def test_a_quote_changed_by_the_other_editor_is_a_conflict(two_editors):
    alice, bob = two_editors
    release = make_release(status=Status.DRAFT)
    make_quote(release, make_person(name="Zhou Xiaoquan"), text="We will work together.")
    alices, bobs = change(alice, release), change(bob, release)
    alices["quotes-0-text_en"] = "We shall work closely together."
    assert save(alice, release, alices).status_code == 302

    response = save(bob, release, bobs)

    assert response.status_code == 200
    text = panel(response)
    assert "Quote 1 (Ms Zhou Xiaoquan), in English" in text
    assert "We will work together." in text and "We shall work closely together." in text
    assert Quote.objects.get().text == "We shall work closely together."


def test_a_quote_added_or_removed_by_the_other_editor_is_a_conflict(two_editors):
    alice, bob = two_editors
    release = make_release(status=Status.DRAFT)
    make_quote(release, make_person(name="Zhou Xiaoquan"))
    bobs = change(bob, release)
    Quote.objects.all().delete()
    make_quote(release, make_person(name="Christopher Hui"))

    text = panel(save(bob, release, bobs))

    assert "Quote removed" in text and "Zhou Xiaoquan" in text
    assert "Quote added" in text and "Christopher Hui" in text


def test_a_post_without_a_version_is_refused(client, editor):
    release = make_release(status=Status.DRAFT, summary="Old summary.")
    client.force_login(editor)
    data = change(client, release)
    assert data.pop("_base_version")
    data["summary_en"] = "Crafted."

    response = save(client, release, data)

    assert response.status_code == 200
    assert "not known which version" in panel(response)
    release.refresh_from_db()
    assert release.summary == "Old summary."


@pytest.mark.parametrize("token", ["made-up", "", "1:2:3"])
def test_a_post_with_a_forged_version_is_refused(client, editor, token):
    release = make_release(status=Status.DRAFT, summary="Old summary.")
    client.force_login(editor)
    data = {**change(client, release), "summary_en": "Crafted.", "_base_version": token}

    response = save(client, release, data)

    assert response.status_code == 200
    release.refresh_from_db()
    assert release.summary == "Old summary."


def test_another_items_version_is_refused(client, editor):
    release, other = make_release(status=Status.DRAFT), make_release(status=Status.DRAFT)
    client.force_login(editor)
    data = change(client, release)
    data["_base_version"] = change(client, other)["_base_version"]
    data["summary_en"] = "Crafted."

    assert save(client, release, data).status_code == 200
    release.refresh_from_db()
    assert release.summary != "Crafted."


def test_saving_again_after_ones_own_save_or_a_failed_save_is_no_conflict(client, editor):
    release = make_release(status=Status.DRAFT)
    client.force_login(editor)
    data = {**change(client, release), "summary_en": "First.", "_continue": "1"}
    assert save(client, release, data).status_code == 302
    data = {**change(client, release), "release_date": "not a date"}
    failed = save(client, release, data)
    assert failed.status_code == 200 and not panel(failed)

    data = {**form_data(failed), "release_date": "2025-06-19", "summary_en": "Second."}
    assert save(client, release, data).status_code == 302
    release.refresh_from_db()
    assert release.summary == "Second."


def test_a_failed_save_keeps_the_version_the_form_was_opened_from(two_editors):
    alice, bob = two_editors
    release = make_release(status=Status.DRAFT)
    bobs = {**change(bob, release), "release_date": "not a date"}
    failed = save(bob, release, bobs)
    alices = change(alice, release)
    alices["headline_en"] = "Alice's"
    save(alice, release, alices)

    response = save(bob, release, {**form_data(failed), "release_date": "2025-06-19"})

    assert response.status_code == 200 and "Alice's" in panel(response)


def test_the_message_says_who_saved_and_when(two_editors):
    alice, bob = two_editors
    release = make_release(status=Status.DRAFT)
    bobs = change(bob, release)
    alices = {**change(alice, release), "headline_en": "Changed"}
    save(alice, release, alices)
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(PressRelease), action_flag=CHANGE
    )
    entry.action_time = timezone.make_aware(timezone.datetime(2030, 3, 4, 14, 5))
    entry.save()

    text = panel(save(bob, release, bobs))

    assert "Saved by Alice Chan" in text
    assert "March 4, 2030" in text


def test_a_change_made_outside_the_desk_is_a_conflict_too(client, editor):
    release = make_release(status=Status.DRAFT, summary="Old.")
    client.force_login(editor)
    data = change(client, release)
    PressRelease.objects.filter(pk=release.pk).update(summary_en="From a script.")

    text = panel(save(client, release, data))

    assert "From a script." in text
    assert "not recorded" in text


def test_a_publisher_publishing_meanwhile_is_not_undone_by_an_editors_save(client, editor):
    # The editor's form does not hold the publication (editors cannot publish): no conflict,
    # and the editor's save keeps the item published.
    release = make_release(status=Status.DRAFT)
    client.force_login(editor)
    data = {**change(client, release), "summary_en": "Editor's."}
    PressRelease.objects.filter(pk=release.pk).update(
        status=Status.PUBLISHED, publish_at=timezone.now()
    )

    assert save(client, release, data).status_code == 302
    release.refresh_from_db()
    assert release.status == Status.PUBLISHED
    # Now live, the item keeps the editor's change as its draft for a publisher to publish.
    assert release.summary != "Editor's."
    assert change(client, release)["summary_en"] == "Editor's."


def test_a_publisher_publishing_meanwhile_is_not_undone_by_another_publishers_save(
    client, publisher
):
    # No form holds the publication (publishing is its own confirmed page): no conflict, and
    # the save keeps the item published, its change kept as the draft.
    release = make_release(status=Status.DRAFT)
    client.force_login(publisher)
    data = {**change(client, release), "summary_en": "Second publisher's."}
    PressRelease.objects.filter(pk=release.pk).update(
        status=Status.PUBLISHED, publish_at=timezone.now()
    )

    assert save(client, release, data).status_code == 302
    release.refresh_from_db()
    assert release.status == Status.PUBLISHED
    assert release.summary != "Second publisher's."
    assert change(client, release)["summary_en"] == "Second publisher's."


def test_an_editor_saving_over_cannot_publish(two_editors):
    alice, bob = two_editors
    release = make_release(status=Status.DRAFT)
    bobs = change(bob, release)
    save(alice, release, {**change(alice, release), "headline_en": "Alice's"})
    seen = form_data(save(bob, release, bobs))
    seen.update(_overwrite="on", status=Status.PUBLISHED, publish_at_0="2025-06-19")

    assert save(bob, release, seen).status_code == 302
    release.refresh_from_db()
    assert (release.status, release.publish_at) == (Status.DRAFT, None)


EVERY_FORM = {
    "press release": (PressRelease, lambda: make_release(status=Status.DRAFT), "headline_en"),
    "event": (Event, lambda: make_event(status=Status.DRAFT), "title_en"),
    "MoU": (MoU, lambda: make_mou(status=Status.DRAFT), "title_en"),
    "study": (Study, lambda: make_study(status=Status.DRAFT), "title_en"),
    "person": (Person, lambda: make_person(status=Status.DRAFT), "name_en"),
    "document": (Document, make_document, "title"),
}


@pytest.mark.parametrize("kind", EVERY_FORM)
def test_every_change_form_refuses_a_save_over_another(client, editor, kind):
    model, factory, field = EVERY_FORM[kind]
    obj = factory()
    client.force_login(editor)
    data = change(client, obj)
    assert data["_base_version"]
    model.objects.filter(pk=obj.pk).update(**{field: "Changed by someone else"})

    response = save(client, obj, {**data, field: "Mine"})

    assert response.status_code == 200
    assert "Changed by someone else" in panel(response)
    assert model.objects.filter(pk=obj.pk, **{field: "Changed by someone else"}).exists()
    assert save(client, obj, {**form_data(response), "_overwrite": "on"}).status_code == 302
    assert model.objects.filter(pk=obj.pk, **{field: "Mine"}).exists()


def test_downloads_counted_meanwhile_are_no_conflict(client, editor):
    document = make_document()
    client.force_login(editor)
    data = change(client, document)
    Document.objects.filter(pk=document.pk).update(download_count=7)

    assert save(client, document, {**data, "title": "Renamed"}).status_code == 302


def test_the_form_warns_before_leaving_with_unsaved_changes(client, editor):
    release = make_release(status=Status.DRAFT)
    client.force_login(editor)

    page = client.get(url(PressRelease, "change", release.pk)).content.decode()

    assert "js/unsaved-changes.js" in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("desk_groups")  # a transactional test's flush empties them
def test_of_editors_saving_the_same_version_at_once_exactly_one_is_saved():
    release = make_release(status=Status.DRAFT)
    editors = [make_staff("Editor") for _ in range(4)]
    opened = Client()
    opened.force_login(editors[0])
    data = change(opened, release)
    answers: list[int] = []

    def edit(client, n: int) -> list[str]:
        client.force_login(editors[n])
        answers.append(save(client, release, {**data, "summary_en": f"Editor {n}"}).status_code)
        return []

    assert not all_at_once(len(editors), edit)

    assert sorted(answers) == [200, 200, 200, 302]
    release.refresh_from_db()
    assert release.summary.startswith("Editor ")


MARKED = [
    ("in Shanghai", "in Shanghai (updated)", "in Shanghai", "in Shanghai<ins> (updated)</ins>"),
    ("Held in Shanghai.", "Held in Shenzhen.", "<del>Shanghai</del>.", "<ins>Shenzhen</ins>."),
    ("年會在上海舉行", "年會在深圳舉行", "在<del>上海</del>舉行", "在<ins>深圳</ins>舉行"),
    (
        "word " * 40 + "old.",
        "word " * 40 + "new.",
        "word <del>old</del>.",
        "word <ins>new</ins>.",
    ),
]


@pytest.mark.parametrize("before, after, shown", [(b, a, (s1, s2)) for b, a, s1, s2 in MARKED])
def test_the_message_marks_the_words_that_changed(before, after, shown):
    from core.edit_conflicts import _marked

    marked = _marked(before, after)

    for text, expected in zip(marked, shown, strict=True):
        assert expected in text
