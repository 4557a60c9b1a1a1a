"""A live item keeps serving its published version while editors work on the next one."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from core.drafts.models import Draft
from media_centre.models import PressRelease, Quote, State, Status
from media_centre.scheduled_changes import publish_due_changes

from .browser.test_csp import desk_groups  # noqa: F401 (a fixture)
from .conftest import make_person, make_quote, make_release
from .test_admin import form_data, url


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


def public(release: PressRelease) -> str:
    response = Client().get(release.get_absolute_url())
    assert response.status_code == 200
    return text(response)


def edit(client, release, **changes):
    data = form_data(client.get(url(PressRelease, "change", release.pk)))
    data.update(changes)
    return client.post(url(PressRelease, "change", release.pk), data)


def schedule_fields(moment) -> dict:
    """What the publish page posts to schedule at `moment`, once the time is confirmed."""
    local = timezone.localtime(moment).replace(second=0, microsecond=0)
    return {
        "when": "later",
        "at_0": local.strftime("%Y-%m-%d"),
        "at_1": local.strftime("%H:%M"),
        "confirmed": local.isoformat(),
    }


def publish(client, release, **fields):
    return client.post(url(PressRelease, "publish", release.pk), {"when": "now", **fields})


@pytest.fixture
def live(db):
    release = make_release(headline="Seminar held", body="<p>The published body.</p>")
    make_quote(release, make_person(name="Jane Doe"), text="The published quote.")
    return release


def quote_field(client, release) -> str:
    data = form_data(client.get(url(PressRelease, "change", release.pk)))
    return next(v for k, v in data.items() if k.startswith("quotes-0-text_en"))


def test_an_editors_change_to_a_live_quote_is_not_public(client, editor, live):
    client.force_login(editor)

    response = edit(
        client,
        live,
        body_en="<p>The corrected body.</p>",
        **{"quotes-0-text_en": "The corrected quote."},
    )

    assert response.status_code == 302
    assert "The published body." in public(live)
    assert "The corrected body." not in public(live)
    assert Quote.objects.get(release=live).text == "The published quote."
    assert Draft.objects.count() == 1
    # The desk shows the draft, and says so.
    page = text(client.get(url(PressRelease, "change", live.pk)))
    assert "Saved as a draft of the next version" in page
    assert "was changed successfully" not in page  # it is not public: no mixed message
    assert "Unpublished changes" in page
    assert quote_field(client, live) == "The corrected quote."


def test_the_staff_preview_shows_the_draft_at_the_public_address(client, editor, live):
    client.force_login(editor)
    edit(client, live, body_en="<p>The draft body.</p>")

    preview = text(client.get(live.get_absolute_url()))

    assert "The draft body." in preview and "The published body." not in preview
    assert "unpublished changes" in preview.lower()
    assert "The published body." in public(live)
    # The preview rolled its draft back: the row is as published.
    assert PressRelease.objects.get(pk=live.pk).body == "<p>The published body.</p>"


def test_an_editors_change_to_a_scheduled_item_waits_for_a_publisher(client, editor):
    release = make_release(summary="Scheduled summary.")
    PressRelease.objects.filter(pk=release.pk).update(
        publish_at=timezone.now() + dt.timedelta(hours=1)
    )
    client.force_login(editor)

    edit(client, release, summary_en="Editor's summary.")

    release.refresh_from_db()
    assert release.state == State.SCHEDULED
    assert release.summary == "Scheduled summary."
    assert Draft.objects.filter(object_id=str(release.pk)).exists()


def test_a_save_that_changes_nothing_keeps_no_draft(client, editor, live):
    client.force_login(editor)

    assert edit(client, live).status_code == 302

    assert not Draft.objects.exists()


def test_a_second_save_of_the_draft_builds_on_the_first(client, editor, live):
    client.force_login(editor)
    edit(client, live, summary_en="First change.")
    edit(client, live, headline_en="Second change")

    data = form_data(client.get(url(PressRelease, "change", live.pk)))

    assert (data["summary_en"], data["headline_en"]) == ("First change.", "Second change")
    assert Draft.objects.count() == 1
    live.refresh_from_db()
    assert live.headline == "Seminar held"


def test_a_publisher_publishes_the_changes(client, editor, publisher, live):
    client.force_login(editor)
    edit(
        client,
        live,
        body_en="<p>The corrected body.</p>",
        **{"quotes-0-text_en": "The corrected quote."},
    )
    client.force_login(publisher)

    page = client.get(url(PressRelease, "publish", live.pk))
    assert page.status_code == 200
    assert "The corrected quote." in text(page)  # the changes, shown before publishing
    response = publish(client, live, kind="minor")

    assert response.status_code == 302
    assert "The corrected body." in public(live)
    assert Quote.objects.get(release=live).text == "The corrected quote."
    assert not Draft.objects.exists()
    live.refresh_from_db()
    assert live.state == State.PUBLISHED
    assert "Unpublished changes" not in text(client.get(url(PressRelease, "change", live.pk)))


def test_a_new_quote_in_a_draft_is_public_only_when_published(client, editor, publisher, live):
    person = make_person(name="John Roe")
    client.force_login(editor)
    data = form_data(client.get(url(PressRelease, "change", live.pk)))
    data.update(
        {
            "quotes-TOTAL_FORMS": "2",
            "quotes-1-person": str(person.pk),
            "quotes-1-text_en": "A new quote.",
            "quotes-1-order": "1",
        }
    )
    assert client.post(url(PressRelease, "change", live.pk), data).status_code == 302
    assert "John Roe" not in public(live)
    assert Quote.objects.filter(release=live).count() == 1
    assert quote_field(client, live) == "The published quote."  # and the new one below it

    client.force_login(publisher)
    publish(client, live, kind="minor")

    assert "John Roe" in public(live)
    assert Quote.objects.filter(release=live).count() == 2


def test_changes_published_at_a_time_become_public_then(client, editor, publisher, live):
    client.force_login(editor)
    edit(client, live, summary_en="Later summary.")
    client.force_login(publisher)
    soon = timezone.localtime() + dt.timedelta(hours=2)

    response = client.post(
        url(PressRelease, "publish", live.pk),
        {
            **schedule_fields(soon),
            "kind": "minor",
        },
    )

    assert response.status_code == 302
    live.refresh_from_db()
    assert live.summary != "Later summary." and live.state == State.PUBLISHED
    publish_due_changes.call()
    live.refresh_from_db()
    assert live.summary != "Later summary."  # not yet

    Draft.objects.update(publish_at=timezone.now() - dt.timedelta(seconds=1))
    publish_due_changes.call()

    live.refresh_from_db()
    assert live.summary == "Later summary."
    assert not Draft.objects.exists()


def test_discarding_the_draft_leaves_the_published_version(client, editor, live):
    client.force_login(editor)
    edit(client, live, summary_en="Unwanted.")

    response = client.post(url(PressRelease, "discard_draft", live.pk))

    assert response.status_code == 302
    assert not Draft.objects.exists()
    data = form_data(client.get(url(PressRelease, "change", live.pk)))
    assert data["summary_en"] == live.summary
    assert client.get(url(PressRelease, "discard_draft", live.pk)).status_code == 405


def test_a_publisher_rescheduling_applies_at_once(client, publisher):
    release = make_release()
    later = timezone.now() + dt.timedelta(days=2)
    PressRelease.objects.filter(pk=release.pk).update(publish_at=later)
    client.force_login(publisher)
    new = timezone.localtime(later + dt.timedelta(days=1))

    client.post(url(PressRelease, "publish", release.pk) + "?when=later", schedule_fields(new))

    release.refresh_from_db()
    assert timezone.localtime(release.publish_at).date() == new.date()
    assert not Draft.objects.exists()


def test_withdrawing_a_live_item_with_a_draft_keeps_no_draft(client, editor, publisher, live):
    client.force_login(editor)
    edit(client, live, summary_en="Draft summary.")
    client.force_login(publisher)

    client.post(
        url(PressRelease, "withdraw", live.pk), {"confirm": "yes", "reason": "Issued in error."}
    )

    live.refresh_from_db()
    assert live.state == State.WITHDRAWN
    assert not Draft.objects.exists()


def test_deleting_an_item_drops_its_draft(client, editor, publisher, live):
    client.force_login(editor)
    edit(client, live, summary_en="Draft summary.")

    live.delete()

    assert not Draft.objects.exists()


def test_showing_a_draft_in_the_desk_keeps_the_public_pages_stored(client, editor, live):
    from django.core.cache import cache

    from core.page_cache import GENERATION_KEY, generation

    client.force_login(editor)
    edit(client, live, summary_en="Draft summary.")
    before = generation()

    client.get(url(PressRelease, "change", live.pk))
    client.get(live.get_absolute_url())

    assert cache.get(GENERATION_KEY) == before


def test_the_list_marks_live_items_with_unpublished_changes(client, editor, live):
    other = make_release(headline="Untouched release")
    client.force_login(editor)
    edit(client, live, summary_en="Draft summary.")

    rows = BeautifulSoup(client.get(url(PressRelease, "changelist")).content, "html.parser").select(
        "#result_list tbody tr"
    )

    marked = {row.select_one("th").get_text(strip=True): bool(row.select(".nr-badge--changes"))
              for row in rows}  # fmt: skip
    assert marked == {"Seminar held": True, other.headline: False}


# Publishing together


def _release_with_draft_links():
    from media_centre.models import Event

    from .conftest import make_event

    event = make_event(status=Status.DRAFT, title="Draft seminar")
    speaker = make_person(status=Status.DRAFT, name="Draft Speaker")
    release = make_release(status=Status.DRAFT, headline="Release with links", event=event)
    make_quote(release, speaker)
    return release, event, speaker, Event


def test_the_publish_page_lists_unpublished_links_and_publishes_them_together(client, publisher):
    release, event, speaker, _event_model = _release_with_draft_links()
    client.force_login(publisher)

    page = client.get(url(PressRelease, "publish", release.pk))
    together = BeautifulSoup(page.content, "html.parser").select("input[name=together]")
    assert {box["value"] for box in together if box.has_attr("checked")} == {
        f"media_centre.event:{event.pk}",
        f"media_centre.person:{speaker.pk}",
    }
    response = client.post(
        url(PressRelease, "publish", release.pk),
        {"when": "now", "together": [box["value"] for box in together]},
    )

    assert response.status_code == 302
    for item in (release, event, speaker):
        item.refresh_from_db()
        assert item.state == State.PUBLISHED
    assert "Draft seminar" in public(release) and "Draft Speaker" in public(release)


def test_a_link_left_out_is_named_to_the_publisher(client, publisher):
    release, event, speaker, _event_model = _release_with_draft_links()
    client.force_login(publisher)

    response = client.post(
        url(PressRelease, "publish", release.pk),
        {"when": "now", "together": [f"media_centre.person:{speaker.pk}"]},
        follow=True,
    )

    assert "Left unpublished, and so not on its page: “Draft seminar”" in text(response)
    event.refresh_from_db()
    assert event.state == State.DRAFT
    assert "Draft seminar" not in public(release)


def test_publishing_leaving_links_out_names_them(client, publisher):
    release, _event, _speaker, _event_model = _release_with_draft_links()
    client.force_login(publisher)

    response = publish(client, release, together=[])
    page = text(client.get(response["Location"]))

    assert "Left unpublished, and so not on its page" in page
    assert "Draft seminar" in page and "Draft Speaker" in page


def test_publish_now_names_the_links_left_out(client, publisher):
    release, _event, _speaker, _event_model = _release_with_draft_links()
    client.force_login(publisher)

    response = client.post(
        url(PressRelease, "changelist"),
        {"action": "publish_now", "confirm": "yes", "_selected_action": [release.pk]},
        follow=True,
    )

    assert "links items that are not public" in text(response)
    assert "Draft seminar" in text(response)


def test_a_correction_puts_a_dated_note_on_the_page(client, editor, publisher, live):
    client.force_login(editor)
    edit(client, live, body_en="<p>The corrected body.</p>")
    client.force_login(publisher)

    missing = client.post(
        url(PressRelease, "publish", live.pk), {"when": "now", "kind": "correction"}
    )
    assert missing.status_code == 200 and "at least one language" in text(missing)
    client.post(
        url(PressRelease, "publish", live.pk),
        {"when": "now", "kind": "correction", "note_en": "The body was corrected."},
    )

    page = public(live)
    assert "The corrected body." in page
    assert "Correction" in page and "The body was corrected." in page


# Two people editing the draft of a live item


def test_a_save_over_a_newer_draft_is_refused_and_names_who_saved_it(client, live):
    from .conftest import make_staff

    alice = make_staff("Editor", first_name="Alice", last_name="Chan")
    bob = make_staff("Editor", first_name="Bob", last_name="Chan")
    alices, bobs = Client(), Client()
    alices.force_login(alice)
    bobs.force_login(bob)
    alice_form = form_data(alices.get(url(PressRelease, "change", live.pk)))
    bob_form = form_data(bobs.get(url(PressRelease, "change", live.pk)))

    alice_form["summary_en"] = "Alice's summary."
    assert alices.post(url(PressRelease, "change", live.pk), alice_form).status_code == 302
    bob_form["headline_en"] = "Bob's headline"
    refused = bobs.post(url(PressRelease, "change", live.pk), bob_form)

    assert refused.status_code == 200
    panel = " ".join(
        BeautifulSoup(refused.content, "html.parser").select_one(".nr-conflict").get_text().split()
    )
    assert "Alice's summary." in panel and "Alice Chan" in panel
    data = form_data(bobs.get(url(PressRelease, "change", live.pk)))
    assert (data["summary_en"], data["headline_en"]) == ("Alice's summary.", "Seminar held")


@pytest.mark.django_db(transaction=True)
def test_two_draft_saves_at_the_same_moment_never_overwrite_each_other(desk_groups):  # noqa: F811
    from .conftest import all_at_once, make_staff

    live = make_release(headline="Seminar held", summary="Published summary.")
    editors = [make_staff("Editor", first_name=name) for name in ("Alice", "Bob")]
    forms = []
    for editor in editors:
        opened = Client()
        opened.force_login(editor)
        forms.append(form_data(opened.get(url(PressRelease, "change", live.pk))))
    outcomes = []

    def visit(client, n):
        client.force_login(editors[n])
        data = {**forms[n], "summary_en": f"Summary by editor {n}."}
        response = client.post(url(PressRelease, "change", live.pk), data)
        outcomes.append(response.status_code)
        return []

    assert all_at_once(2, visit) == []

    assert sorted(outcomes) == [200, 302]  # one saved, the other refused and shown why
    opened = Client()
    opened.force_login(editors[0])
    saved = form_data(opened.get(url(PressRelease, "change", live.pk)))["summary_en"]
    assert saved in ("Summary by editor 0.", "Summary by editor 1.")
    assert PressRelease.objects.get(pk=live.pk).summary == "Published summary."
    assert Draft.objects.count() == 1


def _schedule_correction(client, live, hours=2):
    soon = timezone.localtime() + dt.timedelta(hours=hours)
    return client.post(
        url(PressRelease, "publish", live.pk),
        {
            **schedule_fields(soon),
            "kind": "correction",
            "note_en": "The summary was corrected.",
        },
    )


def test_a_scheduled_correction_shows_its_note_when_its_changes_go_public(
    client, editor, publisher, live
):
    client.force_login(editor)
    edit(client, live, summary_en="Corrected summary.", body_en="<p>Corrected body.</p>")
    client.force_login(publisher)

    assert _schedule_correction(client, live).status_code == 302
    assert "The summary was corrected." not in public(live)
    Draft.objects.update(publish_at=timezone.now() - dt.timedelta(seconds=1))
    publish_due_changes.call()

    page = public(live)
    assert "Corrected body." in page and "The summary was corrected." in page


def test_changing_a_scheduled_draft_unschedules_it_and_its_note(client, editor, publisher, live):
    client.force_login(editor)
    edit(client, live, summary_en="Corrected summary.")
    client.force_login(publisher)
    _schedule_correction(client, live)
    client.force_login(editor)

    response = edit(client, live, summary_en="Corrected again.")

    assert "they are no longer scheduled" in text(client.get(response["Location"]))
    draft = Draft.objects.get()
    assert (draft.publish_at, draft.on_publish) == (None, {})
    publish_due_changes.call()
    assert "The summary was corrected." not in public(live)
    assert "Corrected again." not in public(live)


def test_saving_a_scheduled_draft_unchanged_keeps_its_schedule(client, editor, publisher, live):
    client.force_login(editor)
    edit(client, live, summary_en="Corrected summary.")
    client.force_login(publisher)
    _schedule_correction(client, live)
    client.force_login(editor)

    edit(client, live)

    assert Draft.objects.get().publish_at is not None
