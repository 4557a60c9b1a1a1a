"""A live item keeps serving its published version while editors work on the next one."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from core.drafts.models import Draft
from media_centre.models import PressRelease, Quote, State, Status
from media_centre.scheduled_changes import publish_due_changes

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
            "when": "later",
            "at_0": soon.strftime("%Y-%m-%d"),
            "at_1": soon.strftime("%H:%M"),
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


def test_a_publisher_rescheduling_in_the_form_applies_at_once(client, publisher):
    release = make_release()
    later = timezone.now() + dt.timedelta(days=2)
    PressRelease.objects.filter(pk=release.pk).update(publish_at=later)
    client.force_login(publisher)
    new = timezone.localtime(later + dt.timedelta(days=1))

    edit(
        client,
        release,
        publish_at_0=new.strftime("%Y-%m-%d"),
        publish_at_1=new.strftime("%H:%M:%S"),
    )

    release.refresh_from_db()
    assert timezone.localtime(release.publish_at).date() == new.date()
    assert not Draft.objects.exists()


def test_withdrawing_a_live_item_with_a_draft_keeps_no_draft(client, editor, publisher, live):
    client.force_login(editor)
    edit(client, live, summary_en="Draft summary.")
    client.force_login(publisher)

    edit(client, live, status=Status.WITHDRAWN, withdrawn_reason="Issued in error.")

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
