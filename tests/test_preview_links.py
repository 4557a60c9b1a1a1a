"""A staff preview shows the items a page links that are not public yet, marked; the public
never sees them; `unpublished_links` lists them for publishing together."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.utils import timezone

from media_centre.linked import unpublished_links
from media_centre.models import Event, MoU, MoUParty, Person, PressRelease, Status, Study
from media_centre.notes import add_public_note

from .conftest import (
    make_event,
    make_mou,
    make_person,
    make_quote,
    make_release,
    make_speaker,
    make_study,
)

pytestmark = pytest.mark.django_db

DRAFT = {"status": Status.DRAFT, "publish_at": None}
SCHEDULED = {"status": Status.PUBLISHED, "publish_at": timezone.now() + dt.timedelta(days=2)}
WITHDRAWN = {
    "status": Status.WITHDRAWN,
    "publish_at": timezone.now() - dt.timedelta(days=5),
    "withdrawn_reason": "Issued in error.",
}


def soup_of(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def link_to(soup: BeautifulSoup, item):
    return soup.find("a", href=item.get_absolute_url())


def marked(link) -> bool:
    """Whether the "Not yet public" label follows the link, inside the same list entry."""
    badge = link.find_next_sibling("span", class_="badge--not-public")
    return badge is not None and badge.get_text() == "Not yet public"


def banner(soup: BeautifulSoup) -> str:
    found = soup.find(class_="preview-banner")
    return " ".join(found.get_text().split()) if found else ""


def test_preview_of_a_published_release_shows_its_draft_event_and_speaker_marked(client, editor):
    event = make_event(title="Draft seminar", **DRAFT)
    speaker = make_person(name="Draft Speaker", **DRAFT)
    release = make_release(event=event)
    make_quote(release, speaker)

    public = soup_of(client, release.get_absolute_url())
    assert link_to(public, event) is None and link_to(public, speaker) is None
    assert "Draft seminar" not in public.get_text()
    assert "Not yet public" not in public.get_text()
    assert not banner(public)

    client.force_login(editor)
    preview = soup_of(client, release.get_absolute_url())
    assert marked(link_to(preview, event))
    assert marked(link_to(preview, speaker))
    assert banner(preview) == (
        "Preview. 2 linked items on this page are not yet public: they are marked, "
        "and the public does not see them."
    )


def test_preview_marks_scheduled_links_and_leaves_withdrawn_ones_out(client, editor):
    scheduled = make_study(**SCHEDULED)
    withdrawn = make_mou(**WITHDRAWN)
    published = make_event()
    release = make_release(study=scheduled, mou=withdrawn, event=published)
    client.force_login(editor)
    preview = soup_of(client, release.get_absolute_url())
    assert marked(link_to(preview, scheduled))
    assert link_to(preview, withdrawn) is None
    assert not marked(link_to(preview, published))
    assert "1 linked item on this page is not yet public" in banner(preview)


def test_preview_of_a_draft_release_keeps_its_own_banner_and_counts_its_links(client, editor):
    event = make_event(**DRAFT)
    release = make_release(event=event, **DRAFT)
    client.force_login(editor)
    preview = soup_of(client, release.get_absolute_url())
    text = banner(preview)
    assert text.startswith("Preview — not public. This item is Draft")
    assert "1 linked item on this page is not yet public" in text
    assert marked(link_to(preview, event))


def test_event_preview_marks_its_draft_speaker_release_study_and_side_event(client, editor):
    event = make_event()
    speaker = make_person(**DRAFT)
    make_speaker(event, speaker)
    release = make_release(event=event, **DRAFT)
    study = make_study(launch_event=event, **SCHEDULED)
    side = make_event(part_of=event, **DRAFT)
    mou = make_mou(**DRAFT)
    Event.objects.filter(pk=event.pk).update(mou=mou)

    public = soup_of(client, event.get_absolute_url())
    for hidden in (speaker, release, study, side, mou):
        assert link_to(public, hidden) is None

    client.force_login(editor)
    preview = soup_of(client, event.get_absolute_url())
    for hidden in (speaker, release, study, side, mou):
        assert marked(link_to(preview, hidden)), hidden
    assert "5 linked items on this page are not yet public" in banner(preview)


def test_mou_and_study_previews_mark_their_unpublished_links(client, editor):
    mou = make_mou()
    event = make_event(mou=mou, **DRAFT)
    author = make_person(**DRAFT)
    study = make_study(mou=mou, launch_event=event)
    study.author_people.add(author)
    client.force_login(editor)

    mou_page = soup_of(client, mou.get_absolute_url())
    assert marked(link_to(mou_page, event))
    study_page = soup_of(client, study.get_absolute_url())
    assert marked(link_to(study_page, event))
    assert marked(link_to(study_page, author))
    assert not marked(link_to(study_page, mou))
    client.logout()
    public = soup_of(client, study.get_absolute_url())
    assert link_to(public, event) is None and link_to(public, author) is None


def test_speaker_preview_marks_draft_releases_and_events(client, editor):
    person = make_person()
    release = make_release(**DRAFT)
    make_quote(release, person)
    event = make_event(**SCHEDULED)
    make_speaker(event, person)
    assert link_to(soup_of(client, person.get_absolute_url()), event) is None
    client.force_login(editor)
    preview = soup_of(client, person.get_absolute_url())
    assert marked(link_to(preview, event))
    assert marked(link_to(preview, release))


def test_preview_lists_a_note_to_come_marked_while_the_public_does_not_see_it(client, editor):
    release = make_release()
    later = timezone.now() + dt.timedelta(hours=3)
    add_public_note(release, "correction", {"en": "A correction to come."}, None, at=later)
    assert "A correction to come." not in client.get(release.get_absolute_url()).text
    client.force_login(editor)
    preview = soup_of(client, release.get_absolute_url())
    entry = preview.find(class_="notes").find("li")
    assert "A correction to come." in entry.get_text()
    assert entry.find(class_="badge--not-public").get_text() == "Not yet public"


def test_unpublished_links_lists_the_seed_releases_drafts():
    call_command("load_seed", stdout=None)
    release = PressRelease.objects.get()
    assert unpublished_links(release) == []
    # The case: the release went live while everything it links was still a draft.
    for model in (Event, MoU, Study, Person):
        model.objects.update(status=Status.DRAFT)
    release = PressRelease.objects.get()
    found = unpublished_links(release)
    # Its event, MoU and study, the people it quotes, then the event's other speaker: publishing
    # the event with the release must not leave the event's page without its speaker links.
    quoted = list(dict.fromkeys(quote.person for quote in release.quotes.all()))
    assert found[:3] == [Event.objects.get(), MoU.objects.get(), Study.objects.get()]
    assert found[3 : 3 + len(quoted)] == quoted
    assert set(found[3:]) == set(Person.objects.all()) and Person.objects.count() == 5
    assert len(found) == 8


def test_unpublished_links_of_each_kind():
    signatory = make_person(**DRAFT)
    mou = make_mou(**DRAFT)
    MoUParty.objects.filter(mou=mou).update(signatory=signatory)
    parent = make_event(**WITHDRAWN)
    event = make_event(mou=mou, part_of=parent)
    speaker = make_person(**SCHEDULED)
    make_speaker(event, speaker)
    author = make_person(**DRAFT)
    study = make_study(launch_event=event, mou=mou)
    study.author_people.add(author, make_person())
    assert unpublished_links(mou) == [signatory]
    assert unpublished_links(event) == [parent, mou, speaker, signatory]
    assert unpublished_links(study) == [mou, author, signatory]
    assert unpublished_links(make_release(event=event)) == []  # a published event's own links
