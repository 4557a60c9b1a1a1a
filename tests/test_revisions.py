"""Revisions in the desk: every save kept with who, when and a note; diffs; restore."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Version

from core.drafts.models import Draft
from media_centre.models import Document, Event, MoU, Person, PressRelease, Quote, State, Status

from .conftest import (
    make_document,
    make_event,
    make_mou,
    make_person,
    make_quote,
    make_release,
    make_study,
)
from .test_admin import form_data, url


def save(client, obj, **changes):
    """The change form as a browser would send it back, with `changes`; the response."""
    model = type(obj)
    data = form_data(client.get(url(model, "change", obj.pk)))
    data.update(changes)
    return client.post(url(model, "change", obj.pk), data)


def versions(obj):
    return Version.objects.get_for_object(obj).select_related("revision__user").order_by("pk")


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


@pytest.fixture
def draft(db):
    release = make_release(status=Status.DRAFT, headline="Seminar held", body="<p>First.</p>")
    make_quote(release, make_person(), text="We will work together.")
    return release


# Every save is a revision


def test_a_desk_save_is_a_revision_with_the_user_the_note_and_the_quotes(client, editor, draft):
    client.force_login(editor)

    response = save(
        client,
        draft,
        headline_en="Seminar held in Shanghai",
        revision_note="Added the city to the headline.",
    )

    assert response.status_code == 302
    [version] = versions(draft)
    assert version.revision.user == editor
    assert version.revision.comment == "Added the city to the headline."
    assert version.field_dict["headline_en"] == "Seminar held in Shanghai"
    quote = draft.quotes.get()
    quote_versions = Version.objects.get_for_object(quote).filter(revision=version.revision)
    assert quote_versions.get().field_dict["text_en"] == "We will work together."


def test_the_note_is_optional_and_every_save_adds_a_revision(client, editor, draft):
    client.force_login(editor)
    assert save(client, draft, summary_en="One.").status_code == 302
    assert save(client, draft, summary_en="Two.").status_code == 302

    assert [v.revision.comment for v in versions(draft)] == ["", ""]
    assert [v.field_dict["summary_en"] for v in versions(draft)] == ["One.", "Two."]


def test_a_revision_holds_the_inline_rows_as_saved(client, editor, draft):
    client.force_login(editor)
    data = form_data(client.get(url(PressRelease, "change", draft.pk)))
    data["quotes-0-text_en"] = "We will work closer together."

    assert client.post(url(PressRelease, "change", draft.pk), data).status_code == 302

    revision = versions(draft).get().revision
    [quote] = [v for v in revision.version_set.all() if v._model is Quote]
    assert quote.field_dict["text_en"] == "We will work closer together."


def test_adding_an_item_in_the_desk_is_its_first_revision(client, editor):
    client.force_login(editor)
    data = form_data(client.get(url(PressRelease, "add")))
    data.update(headline_en="New release", slug="new-release", revision_note="First draft.")

    assert client.post(url(PressRelease, "add"), data).status_code == 302

    release = PressRelease.objects.get(slug="new-release")
    assert [v.revision.comment for v in versions(release)] == ["First draft."]


@pytest.mark.parametrize(
    ("make", "follows"),
    [
        (lambda: make_event(), ("sessions", "speakers")),
        (lambda: make_mou(), ("parties",)),
        (lambda: make_person(), ("positions",)),
        (lambda: make_study(), ()),
    ],
)
def test_every_publishable_thing_and_its_inline_rows_are_revised(client, publisher, make, follows):
    obj = make()
    client.force_login(publisher)

    assert save(client, obj, revision_note="Checked.").status_code == 302

    [version] = versions(obj)
    assert version.revision.comment == "Checked."
    for name in follows:
        for row in getattr(obj, name).all():
            assert Version.objects.get_for_object(row).filter(revision=version.revision).exists()


def test_a_document_save_is_a_revision(client, editor):
    document = make_document(title="Annual report")
    client.force_login(editor)

    assert (
        save(client, document, title="Annual report 2025", revision_note="Year.").status_code == 302
    )

    [version] = versions(document)
    assert (version.revision.user, version.revision.comment) == (editor, "Year.")
    assert "download_count" not in version.field_dict


def test_publishing_from_the_list_is_a_revision_in_the_actions_words(client, publisher, draft):
    client.force_login(publisher)
    response = client.post(
        url(PressRelease, "changelist"),
        {"action": "publish_now", "confirm": "yes", "_selected_action": [draft.pk]},
    )

    assert response.status_code == 302
    [version] = versions(draft)
    assert version.field_dict["status"] == Status.PUBLISHED
    assert version.revision.comment == "Published with “Publish now”."
    assert version.revision.user == publisher


# History and differences


def test_history_lists_who_when_and_the_note(client, editor, draft):
    client.force_login(editor)
    save(client, draft, summary_en="One.", revision_note="Shorter summary.")
    editor.first_name, editor.last_name = "Mei", "Chan"
    editor.save()

    response = client.get(url(PressRelease, "history", draft.pk))

    assert response.status_code == 200
    assert "Shorter summary." in text(response)
    assert "Mei Chan" in text(response)
    assert 'name="from"' in response.content.decode()


def test_history_marks_the_revision_that_is_public(client, publisher):
    release = make_release()
    client.force_login(publisher)
    save(client, release, summary_en="Public summary.")
    assert "Public now" not in text(client.get(url(PressRelease, "history", release.pk)))

    client.post(url(PressRelease, "publish", release.pk), {"when": "now", "kind": "minor"})
    response = client.get(url(PressRelease, "history", release.pk))

    assert "Public now" in text(response)


def test_history_of_a_draft_marks_nothing_public(client, editor, draft):
    client.force_login(editor)
    save(client, draft, summary_en="One.")

    assert "Public now" not in text(client.get(url(PressRelease, "history", draft.pk)))


def test_history_queries_do_not_grow_with_the_revisions(client, editor, draft):
    client.force_login(editor)
    save(client, draft, summary_en="0")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(PressRelease, "history", draft.pk)).status_code == 200
        return len(queries)

    few = count()
    for n in range(1, 12):
        save(client, draft, summary_en=str(n), revision_note=f"Change {n}")
    many = count()

    assert many <= few
    assert many <= 15


def test_compare_shows_each_changed_language_by_name(client, editor, draft):
    client.force_login(editor)
    save(client, draft, headline_en="Seminar held", headline_zh_hant="研討會舉行", summary_en="S.")
    save(
        client,
        draft,
        headline_en="Seminar held in Shanghai",
        headline_zh_hant="研討會在上海舉行",
        summary_en="S.",
    )
    first, second = versions(draft)

    response = client.get(
        url(PressRelease, "compare", draft.pk), {"from": first.pk, "to": second.pk}
    )

    assert response.status_code == 200
    page = text(response)
    assert "Headline — English" in page
    assert "Headline — Traditional Chinese" in page
    assert "Headline — Simplified Chinese" in page  # converted from the Traditional
    assert "Summary" not in page.split("Fields", 1)[1]  # unchanged fields are not listed
    soup = BeautifulSoup(response.content, "html.parser")
    inserted = [ins.get_text() for ins in soup.select(".nr-diff dd ins")]
    assert inserted == [" in Shanghai", "在上海", "在上海"]


def test_compare_shows_a_changed_quote(client, editor, draft):
    client.force_login(editor)
    save(client, draft)
    data = form_data(client.get(url(PressRelease, "change", draft.pk)))
    data["quotes-0-text_en"] = "We will work closer together."
    client.post(url(PressRelease, "change", draft.pk), data)
    first, second = versions(draft)

    response = client.get(
        url(PressRelease, "compare", draft.pk), {"from": second.pk, "to": first.pk}
    )

    page = text(response)
    assert "Quotes" in page and "Changed:" in page
    soup = BeautifulSoup(response.content, "html.parser")
    assert [ins.get_text() for ins in soup.select(".nr-diff dd ins")] == ["closer "]


def test_compare_with_what_is_public_now(client, publisher):
    release = make_release(summary="Public summary.")
    client.force_login(publisher)
    save(client, release, summary_en="Old summary.")
    save(client, release, summary_en="Public summary.")
    first, _second = versions(release)

    response = client.get(
        url(PressRelease, "compare", release.pk), {"from": first.pk, "to": "live"}
    )

    assert response.status_code == 200
    assert "What is public now" in text(response)
    soup = BeautifulSoup(response.content, "html.parser")
    assert [d.get_text() for d in soup.select(".nr-diff dd del")] == ["Old"]


@pytest.mark.parametrize(
    "query",
    [{"from": "x", "to": "1"}, {"from": "999999", "to": "live"}, {"from": "1", "to": "0"}],
)
def test_compare_answers_bad_choices_with_a_404(client, editor, draft, query):
    client.force_login(editor)
    save(client, draft)

    assert client.get(url(PressRelease, "compare", draft.pk), query).status_code == 404


def test_compare_without_two_choices_goes_back_to_the_history(client, editor, draft):
    client.force_login(editor)
    response = client.get(url(PressRelease, "compare", draft.pk))

    assert response.status_code == 302
    assert response["Location"] == url(PressRelease, "history", draft.pk)


def test_compare_refuses_another_items_revision(client, editor, draft):
    other = make_release(status=Status.DRAFT)
    client.force_login(editor)
    save(client, draft)
    save(client, other)
    [mine], [theirs] = versions(draft), versions(other)

    response = client.get(
        url(PressRelease, "compare", draft.pk), {"from": mine.pk, "to": theirs.pk}
    )

    assert response.status_code == 404


# Restore


def test_editor_restores_an_earlier_revision_of_a_draft_as_a_new_revision(client, editor, draft):
    client.force_login(editor)
    save(client, draft, headline_en="Seminar held", revision_note="First.")
    data = form_data(client.get(url(PressRelease, "change", draft.pk)))
    data.update({"headline_en": "Seminar cancelled", "quotes-0-DELETE": "on"})
    client.post(url(PressRelease, "change", draft.pk), data)
    first, _second = versions(draft)
    assert not draft.quotes.exists()

    page = client.get(url(PressRelease, "restore", draft.pk, first.pk))
    assert page.status_code == 200 and "Seminar cancelled" in text(page)
    response = client.post(url(PressRelease, "restore", draft.pk, first.pk), {"note": "Undo."})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.headline == "Seminar held"
    assert draft.quotes.get().text == "We will work together."
    assert draft.state == State.DRAFT
    newest = versions(draft).last()
    assert newest.revision.user == editor
    assert newest.revision.comment.startswith("Restored the revision of")
    assert newest.revision.comment.endswith("Undo.")


def test_restoring_keeps_a_drafts_publishing_state(client, editor, publisher):
    release = make_release(status=Status.DRAFT)
    client.force_login(publisher)
    save(client, release, summary_en="Published text.")
    client.post(url(PressRelease, "publish", release.pk), {"when": "now"})
    PressRelease.objects.filter(pk=release.pk).update(status=Status.DRAFT, publish_at=None)
    save(client, release, summary_en="Back to draft.")
    _saved, published, _draft = versions(release)
    assert published.field_dict["status"] == Status.PUBLISHED

    client.force_login(editor)
    response = client.post(url(PressRelease, "restore", release.pk, published.pk))

    assert response.status_code == 302
    release.refresh_from_db()
    assert release.summary == "Published text."
    assert (release.status, release.state) == (Status.DRAFT, State.DRAFT)


@pytest.mark.parametrize("role", ["editor", "publisher"])
@pytest.mark.parametrize("state", ["published", "scheduled"])
def test_restoring_into_a_public_item_makes_its_draft(db, client, request, role, state):
    release = make_release(summary="Older summary.")
    client.force_login(request.getfixturevalue("publisher"))
    save(client, release)  # a revision of the older summary
    older = versions(release).first()
    PressRelease.objects.filter(pk=release.pk).update(summary_en="Public summary.")
    if state == "scheduled":
        PressRelease.objects.filter(pk=release.pk).update(
            publish_at=release.publish_at.replace(year=2999)
        )
    client.force_login(request.getfixturevalue(role))

    page = client.get(url(PressRelease, "restore", release.pk, older.pk))
    assert page.status_code == 200
    assert "becomes its draft" in text(page)
    response = client.post(
        url(PressRelease, "restore", release.pk, older.pk), {"note": "Back.", "status": "draft"}
    )

    assert response.status_code == 302
    release.refresh_from_db()
    assert release.summary == "Public summary."  # what the public sees is unchanged
    assert release.state == state
    assert form_data(client.get(url(PressRelease, "change", release.pk)))["summary_en"] == (
        "Older summary."
    )
    assert Draft.objects.filter(object_id=str(release.pk)).exists()


def test_editor_cannot_publish_a_draft_by_restoring_a_published_revision(client, editor, publisher):
    release = make_release(status=Status.DRAFT)
    client.force_login(publisher)
    save(client, release, status=Status.PUBLISHED)
    save(client, release, status=Status.DRAFT)
    published, _draft = versions(release)
    client.force_login(editor)

    response = client.post(
        url(PressRelease, "restore", release.pk, published.pk),
        {"confirm_public": "on", "status": Status.PUBLISHED},
    )

    assert response.status_code == 302
    release.refresh_from_db()
    assert release.status == Status.DRAFT
    assert not PressRelease.objects.published().filter(pk=release.pk).exists()


def test_restoring_a_document_used_by_a_public_release_needs_a_publisher(client, editor):
    document = make_document(title="Report")
    release = make_release()
    release.attachments.add(document)
    client.force_login(editor)
    save(client, document, title="Old title")
    save(client, document, title="Report")
    older, _newer = versions(document)

    response = client.post(
        url(Document, "restore", document.pk, older.pk), {"confirm_public": "on"}
    )

    assert response.status_code == 403
    document.refresh_from_db()
    assert document.title == "Report"


def test_a_restore_that_no_longer_fits_is_refused_with_a_message(client, editor):
    first = make_release(status=Status.DRAFT, slug="first")
    client.force_login(editor)
    save(client, first, slug="taken")
    save(client, first, slug="first")
    older, _newer = versions(first)
    make_release(status=Status.DRAFT, slug="taken")

    response = client.post(url(PressRelease, "restore", first.pk, older.pk))

    assert response.status_code == 200
    assert "could not be restored" in text(response)
    first.refresh_from_db()
    assert first.slug == "first"


def test_restore_of_an_unknown_revision_is_a_404(client, editor, draft):
    client.force_login(editor)
    assert client.get(url(PressRelease, "restore", draft.pk, 999999)).status_code == 404


def test_a_user_who_may_only_view_sees_the_history_but_cannot_restore(
    client, editor, draft, django_user_model
):
    from django.contrib.auth.models import Permission

    client.force_login(editor)
    save(client, draft, summary_en="One.")
    save(client, draft, summary_en="Two.")
    older, _newer = versions(draft)
    viewer = django_user_model.objects.create_user("viewer", password="x" * 20, is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_pressrelease"))
    client.force_login(viewer)

    history = client.get(url(PressRelease, "history", draft.pk))
    assert history.status_code == 200 and "Restore" not in text(history)
    assert client.post(url(PressRelease, "restore", draft.pk, older.pk)).status_code == 403
    draft.refresh_from_db()
    assert draft.summary == "Two."


def test_models_are_registered_with_their_inline_relations():
    from reversion.revisions import _get_options

    assert _get_options(PressRelease).follow == ("quotes",)
    assert _get_options(Event).follow == ("sessions", "speakers")
    assert _get_options(MoU).follow == ("parties",)
    assert _get_options(Person).follow == ("positions",)
