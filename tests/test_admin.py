"""The desk: every admin page loads, publishing needs the permission, validation speaks plainly."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from media_centre.models import (
    AccessibilityRequest,
    Alert,
    Delivery,
    Document,
    Event,
    EventSession,
    Journalist,
    MediaContact,
    MediaList,
    MoU,
    Organisation,
    Person,
    PressRelease,
    State,
    Status,
    Study,
    Subscriber,
    Topic,
)

from .conftest import (
    make_document,
    make_event,
    make_mou,
    make_organisation,
    make_person,
    make_quote,
    make_release,
    make_speaker,
    make_staff,
    make_study,
    make_topic,
)

MODELS = [
    Organisation, Topic, Person, MediaContact, PressRelease, Event, MoU, Study, Document,
]  # fmt: skip


def url(model, view: str, *args) -> str:
    return reverse(f"admin:media_centre_{model._meta.model_name}_{view}", args=args)


def form_data(response) -> dict:
    """What a browser would submit from the admin form on the page, inline management forms too."""
    soup = BeautifulSoup(response.content, "html.parser")
    form = soup.find("form", id=lambda value: bool(value) and value.endswith("_form"))
    data: dict[str, list[str]] = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or "__prefix__" in name:
            continue
        if field.name == "input":
            kind = field.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                continue
            if kind in {"checkbox", "radio"} and not field.has_attr("checked"):
                continue
            default = "on" if kind in {"checkbox", "radio"} else ""
            data.setdefault(name, []).append(field.get("value", default))
        elif field.name == "select":
            options = field.find_all("option")
            chosen = [o.get("value", o.text) for o in options if o.has_attr("selected")]
            if not chosen and options and not field.has_attr("multiple"):
                chosen = [options[0].get("value", options[0].text)]
            data.setdefault(name, []).extend(chosen)
        else:
            data.setdefault(name, []).append(field.text.removeprefix("\n"))
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def action_choices(response) -> list[str]:
    select = BeautifulSoup(response.content, "html.parser").find("select", attrs={"name": "action"})
    return [option["value"] for option in select.find_all("option")] if select else []


@pytest.fixture
def one_of_each(db) -> dict:
    person = make_person()
    release = make_release(status=Status.DRAFT)
    release.topics.add(make_topic())
    release.organisations.add(make_organisation())
    make_quote(release, person)
    event = make_event()
    session = EventSession.objects.create(event=event, title="Opening")
    make_speaker(event, person, session=session)
    study = make_study()
    study.files.add(make_document())
    study.author_organisations.add(make_organisation())
    MediaContact.objects.create(name="Press office", email="press@example.org")
    return {"release": release, "event": event, "mou": make_mou(), "study": study}


# Every page of the desk loads


def test_every_media_centre_model_that_editors_work_on_is_registered():
    registered = {m for m in admin.site._registry if m._meta.app_label == "media_centre"}
    assert registered == {
        *MODELS,
        AccessibilityRequest,
        Alert,
        Delivery,
        Subscriber,
        Journalist,
        MediaList,
    }


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_editor_can_open_the_list_the_add_form_and_the_change_form(
    client, editor, one_of_each, model
):
    client.force_login(editor)
    obj = model._default_manager.first()

    assert client.get(url(model, "changelist")).status_code == 200
    assert client.get(url(model, "changelist"), {"q": "a"}).status_code == 200
    assert client.get(url(model, "add")).status_code == 200
    assert client.get(url(model, "change", obj.pk)).status_code == 200
    assert client.get(url(model, "history", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", [PressRelease, Event, MoU, Study, Person])
def test_state_and_year_filters_answer_bad_input_with_a_list(client, editor, one_of_each, model):
    client.force_login(editor)
    queries = [{"state": "scheduled"}, {"state": "nonsense"}]
    if model is not Person:  # people have no date to filter on
        queries += [{"year": "2025"}, {"year": "99999"}, {"year": "twenty"}]
    for query in queries:
        assert client.get(url(model, "changelist"), query).status_code == 200


def test_state_filter_lists_only_items_in_that_state(client, editor):
    draft = make_release(status=Status.DRAFT, headline="Still being written")
    make_release(headline="Out in the world")
    client.force_login(editor)

    response = client.get(url(PressRelease, "changelist"), {"state": State.DRAFT})

    assert list(response.context["cl"].result_list) == [draft]


def test_list_shows_the_state_as_a_badge(client, editor):
    make_release(status=Status.PUBLISHED, publish_at=timezone.now() + dt.timedelta(days=2))
    client.force_login(editor)

    response = client.get(url(PressRelease, "changelist"))

    assert b'class="nr-badge nr-badge--scheduled"' in response.content
    assert b"admin/newsroom-admin.css" in response.content


def _many(model, n: int) -> None:
    for _ in range(n):
        if model is PressRelease:
            release = make_release()
            release.topics.add(make_topic())
            release.organisations.add(make_organisation())
        elif model is Event:
            make_event().organisers.add(make_organisation())
        elif model is MoU:
            make_mou()
        elif model is Study:
            make_study().author_organisations.add(make_organisation())
        elif model is Person:
            make_person(positions=2)


@pytest.mark.parametrize("model", [PressRelease, Event, MoU, Study, Person])
def test_list_query_count_does_not_grow_with_the_rows(client, editor, model):
    client.force_login(editor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url(model, "changelist")).status_code == 200
        return len(context)

    _many(model, 3)
    with_three = queries()
    _many(model, 27)
    assert queries() == with_three


def test_relations_are_chosen_with_autocomplete(client, editor):
    make_topic(name="Green finance")
    client.force_login(editor)

    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "media_centre", "model_name": "pressrelease", "field_name": "topics",
         "term": "green"},
    )  # fmt: skip

    assert [r["text"] for r in response.json()["results"]] == ["Green finance"]


# Drafts and validation


def test_a_release_can_be_saved_as_a_draft_with_only_a_headline(client, editor):
    client.force_login(editor)
    data = form_data(client.get(url(PressRelease, "add")))
    data["headline_en"] = "Council meets in Shanghai"

    response = client.post(url(PressRelease, "add"), data)

    assert response.status_code == 302
    release = PressRelease.objects.get(headline="Council meets in Shanghai")
    assert (release.status, release.release_date) == (Status.DRAFT, None)
    assert release.slug == "council-meets-in-shanghai"


def test_editor_gives_an_events_address_in_parts_and_languages(client, editor):
    client.force_login(editor)
    event = make_event(status=Status.DRAFT, venue="Shanghai Tower")
    data = form_data(client.get(url(Event, "change", event.pk)))
    assert data["street_address_en"] == data["region_en"] == data["country_en"] == ""
    assert data["postal_code"] == ""
    data.update(
        street_address_en="501 Yincheng Middle Road",
        street_address_zh_hant="銀城中路501號",
        region_en="Pudong New Area",
        postal_code="200120",
        country_en="China",
        country_zh_hant="中國",
    )

    response = client.post(url(Event, "change", event.pk), data)

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.street_address_en, event.street_address_zh_hant) == (
        "501 Yincheng Middle Road",
        "銀城中路501號",
    )
    assert event.street_address_zh_hans == "银城中路501号"  # converted, as every Chinese text
    assert (event.region_en, event.postal_code, event.country_zh_hant) == (
        "Pudong New Area",
        "200120",
        "中國",
    )


def test_change_form_shows_the_state_and_a_preview_link(client, editor):
    release = make_release(status=Status.DRAFT)
    client.force_login(editor)

    response = client.get(url(PressRelease, "change", release.pk))

    link = BeautifulSoup(response.content, "html.parser").find("a", class_="nr-preview-link")
    assert link.text == "Preview at its public address"
    assert link["href"] == release.get_absolute_url()
    assert b'nr-badge--draft">Draft<' in response.content


def test_publishing_an_incomplete_release_says_what_is_missing(client, publisher):
    release = make_release(status=Status.DRAFT, summary="")
    client.force_login(publisher)

    response = client.post(url(PressRelease, "publish", release.pk) + "?when=now", {})

    assert response.status_code == 200
    assert "Fill in the summary before publishing." in response.content.decode()
    release.refresh_from_db()
    assert release.status == Status.DRAFT


# Editors cannot publish


def test_editor_adding_a_published_release_gets_a_draft(client, editor):
    client.force_login(editor)
    data = form_data(client.get(url(PressRelease, "add")))
    assert "status" not in data
    data.update(
        headline_en="Sneaky",
        status=Status.PUBLISHED,
        publish_at_0="2025-06-19",
        publish_at_1="10:00",
    )

    assert client.post(url(PressRelease, "add"), data).status_code == 302

    release = PressRelease.objects.get(headline="Sneaky")
    assert (release.status, release.publish_at, release.state) == (Status.DRAFT, None, State.DRAFT)


def test_editor_posting_published_on_a_draft_leaves_it_a_draft(client, editor):
    release = make_release(status=Status.DRAFT)
    client.force_login(editor)
    data = form_data(client.get(url(PressRelease, "change", release.pk)))
    data.update(status=Status.PUBLISHED, publish_at_0="2025-06-19", publish_at_1="10:00")

    assert client.post(url(PressRelease, "change", release.pk), data).status_code == 302

    release.refresh_from_db()
    assert (release.status, release.publish_at) == (Status.DRAFT, None)


def test_editor_can_edit_a_published_release_but_not_its_publication(client, editor):
    release = make_release()
    published_at = release.publish_at
    client.force_login(editor)
    data = form_data(client.get(url(PressRelease, "change", release.pk)))
    data.update(summary_en="A better summary.", status=Status.WITHDRAWN, withdrawn_reason="Oops")

    assert client.post(url(PressRelease, "change", release.pk), data).status_code == 302

    # The change waits as the item's draft (core.drafts) for a publisher to publish it.
    release.refresh_from_db()
    assert release.summary != "A better summary."
    assert form_data(client.get(url(PressRelease, "change", release.pk)))["summary_en"] == (
        "A better summary."
    )
    assert (release.status, release.publish_at, release.withdrawn_reason) == (
        Status.PUBLISHED, published_at, "",
    )  # fmt: skip


def test_editor_saving_a_published_release_as_new_gets_a_draft(client, editor):
    release = make_release()
    client.force_login(editor)
    data = form_data(client.get(url(PressRelease, "change", release.pk)))
    data.update(_saveasnew="Save as new", headline_en="Copy", slug="copy")

    assert client.post(url(PressRelease, "change", release.pk), data).status_code == 302

    copy = PressRelease.objects.get(headline="Copy")
    assert (copy.status, copy.publish_at) == (Status.DRAFT, None)


def test_the_server_keeps_an_editors_save_a_draft_whatever_the_form_carries(rf, editor):
    model_admin = admin.site.get_model_admin(PressRelease)
    request = rf.post("/")
    request.user = editor
    release = PressRelease(headline="Forced", status=Status.PUBLISHED, publish_at=timezone.now())

    model_admin.save_model(request, release, form=None, change=False)
    release.refresh_from_db()
    assert (release.status, release.publish_at) == (Status.DRAFT, None)

    release.status, release.publish_at = Status.PUBLISHED, timezone.now()
    model_admin.save_model(request, release, form=None, change=True)
    release.refresh_from_db()
    assert (release.status, release.publish_at) == (Status.DRAFT, None)


def test_a_problem_in_a_field_the_editor_cannot_edit_is_shown_not_crashed_on(client, editor):
    # Withdrawn without a reason cannot be made on the desk, but may arrive from elsewhere.
    release = make_release(status=Status.WITHDRAWN, publish_at=timezone.now(), withdrawn_reason="")
    client.force_login(editor)
    data = form_data(client.get(url(PressRelease, "change", release.pk)))

    response = client.post(url(PressRelease, "change", release.pk), data)

    assert response.status_code == 200
    assert "Say why the item is withdrawn" in response.content.decode()


def test_editor_is_not_offered_the_publishing_actions_or_bulk_delete(client, editor):
    make_release(status=Status.DRAFT)
    client.force_login(editor)

    response = client.get(url(PressRelease, "changelist"))

    assert action_choices(response) == []


def test_editor_posting_the_publish_action_anyway_publishes_nothing(client, editor):
    release = make_release(status=Status.DRAFT)
    client.force_login(editor)

    client.post(
        url(PressRelease, "changelist"),
        {"action": "publish_now", "confirm": "yes", "_selected_action": [release.pk], "index": "0"},
    )

    release.refresh_from_db()
    assert release.status == Status.DRAFT


def test_editor_cannot_delete_a_published_release(client, editor):
    release = make_release()
    client.force_login(editor)

    change = client.get(url(PressRelease, "change", release.pk))
    assert url(PressRelease, "delete", release.pk) not in change.content.decode()
    assert client.get(url(PressRelease, "delete", release.pk)).status_code == 403
    assert client.post(url(PressRelease, "delete", release.pk), {"post": "yes"}).status_code == 403
    assert PressRelease.objects.filter(pk=release.pk).exists()


def test_editor_can_delete_a_draft(client, editor):
    release = make_release(status=Status.DRAFT)
    client.force_login(editor)

    assert client.get(url(PressRelease, "delete", release.pk)).status_code == 200
    assert client.post(url(PressRelease, "delete", release.pk), {"post": "yes"}).status_code == 302
    assert not PressRelease.objects.filter(pk=release.pk).exists()


PUBLISHABLE = {
    PressRelease: (make_release, "headline_en"),
    Event: (make_event, "title_en"),
    MoU: (make_mou, "title_en"),
    Study: (make_study, "title_en"),
    Person: (make_person, "name_en"),
}
PUBLISHING_INPUTS = {"status", "withdrawn_reason"} | {
    f"{field}_{part}" for field in ("publish_at", "unpublish_at") for part in (0, 1)
}  # each time field is a date input and a time input


def form_inputs(response) -> set[str]:
    """The names of the fields a user can fill in on the admin form."""
    soup = BeautifulSoup(response.content, "html.parser")
    form = soup.find("form", id=lambda value: bool(value) and value.endswith("_form"))
    return {field.get("name") for field in form.find_all(["input", "select", "textarea"])}


def add_and_change_pages(client, model) -> list:
    factory, _title = PUBLISHABLE[model]
    draft = factory(status=Status.DRAFT)
    return [client.get(url(model, "add")), client.get(url(model, "change", draft.pk))]


@pytest.mark.parametrize("model", PUBLISHABLE, ids=lambda m: m._meta.model_name)
def test_editor_forms_show_no_publishing_fields(client, editor, model):
    client.force_login(editor)
    add, change = add_and_change_pages(client, model)
    for response in (add, change):
        assert response.status_code == 200
        assert not form_inputs(response) & PUBLISHING_INPUTS
        page = BeautifulSoup(response.content, "html.parser")
        assert not page.select(".field-status")  # not even as read-only text
    assert "editors’ new items are always drafts" in add.text
    assert 'nr-badge--draft">Draft<' in change.text


@pytest.mark.parametrize("model", PUBLISHABLE, ids=lambda m: m._meta.model_name)
def test_publisher_forms_publish_only_through_the_two_explicit_actions(client, publisher, model):
    # Saving the form never publishes: "Publish now…" and "Schedule…" lead to their own pages.
    client.force_login(publisher)
    for response in add_and_change_pages(client, model):
        assert response.status_code == 200
        inputs = form_inputs(response)
        assert not inputs & {"status", "publish_at_0", "publish_at_1"}
        assert {"unpublish_at_0", "withdrawn_reason", "_publish", "_schedule"} <= inputs
    page = BeautifulSoup(response.content, "html.parser")  # the change form of a draft
    links = {a.text: a["href"] for a in page.select(".nr-publishing-actions a")}
    assert links["Publish now…"].endswith("/publish/?when=now")
    assert links["Schedule…"].endswith("/publish/?when=later")


@pytest.mark.parametrize("model", PUBLISHABLE, ids=lambda m: m._meta.model_name)
def test_editor_posting_published_publishes_nothing_on_any_form(client, editor, model):
    factory, title = PUBLISHABLE[model]
    client.force_login(editor)
    publish = {
        "status": Status.PUBLISHED,
        "publish_at_0": "2025-06-19",
        "publish_at_1": "10:00",
        "withdrawn_reason": "",
    }
    data = {**form_data(client.get(url(model, "add"))), title: "Posted by an editor", **publish}
    assert client.post(url(model, "add"), data).status_code == 302
    added = model.objects.get(**{title: "Posted by an editor"})
    draft = factory(status=Status.DRAFT)
    data = {**form_data(client.get(url(model, "change", draft.pk))), **publish}
    assert client.post(url(model, "change", draft.pk), data).status_code == 302
    for item in (added, draft):
        item.refresh_from_db()
        assert (item.status, item.publish_at, item.state) == (Status.DRAFT, None, State.DRAFT)
        assert not model.objects.published().filter(pk=item.pk).exists()


# Publishers publish and withdraw


def test_publisher_saving_the_form_with_published_does_not_publish(client, publisher):
    release = make_release(status=Status.DRAFT)
    client.force_login(publisher)
    data = form_data(client.get(url(PressRelease, "change", release.pk)))
    data.update(status=Status.PUBLISHED, publish_at_0="2025-06-19", publish_at_1="10:00")

    assert client.post(url(PressRelease, "change", release.pk), data).status_code == 302

    release.refresh_from_db()
    assert (release.state, release.publish_at) == (State.DRAFT, None)


def test_save_and_publish_now_leads_to_the_confirmation_then_publishes(client, publisher):
    release = make_release(status=Status.DRAFT)
    client.force_login(publisher)
    data = form_data(client.get(url(PressRelease, "change", release.pk)))

    saved = client.post(url(PressRelease, "change", release.pk), {**data, "_publish": "x"})
    assert saved["Location"] == url(PressRelease, "publish", release.pk) + "?when=now"
    page = client.get(saved["Location"]).content.decode()
    assert "It becomes public at once" in page and "Hong Kong time (HKT)" in page
    release.refresh_from_db()
    assert release.state == State.DRAFT

    assert client.post(saved["Location"], {}).status_code == 302
    release.refresh_from_db()
    assert release.state == State.PUBLISHED
    assert release.publish_at <= timezone.now()


def test_scheduling_is_confirmed_in_words_before_it_is_set(client, publisher):
    release = make_release(status=Status.DRAFT)
    client.force_login(publisher)
    schedule = url(PressRelease, "publish", release.pk) + "?when=later"
    when = timezone.localtime() + dt.timedelta(days=3)
    chosen = {"at_0": when.strftime("%Y-%m-%d"), "at_1": "09:30"}

    missing = client.post(schedule, {})
    assert "Give the date and time it becomes public." in missing.content.decode()
    asked = client.post(schedule, chosen)
    text = asked.content.decode()
    assert "It will become public on" in text and "9:30 a.m., Hong Kong time (HKT)" in text
    release.refresh_from_db()
    assert release.state == State.DRAFT

    confirmed = BeautifulSoup(text, "html.parser").find("input", attrs={"name": "confirmed"})
    done = client.post(schedule, {**chosen, "confirmed": confirmed["value"]})

    assert done.status_code == 302
    release.refresh_from_db()
    assert release.state == State.SCHEDULED
    assert timezone.localtime(release.publish_at).strftime("%Y-%m-%d %H:%M") == (
        f"{chosen['at_0']} 09:30"
    )


def test_a_schedule_can_be_cancelled(client, publisher):
    release = make_release(publish_at=timezone.now() + dt.timedelta(days=1))
    client.force_login(publisher)

    change = client.get(url(PressRelease, "change", release.pk)).content.decode()
    assert "Cancel the schedule" in change
    assert client.get(url(PressRelease, "unschedule", release.pk)).status_code == 405
    response = client.post(url(PressRelease, "unschedule", release.pk), follow=True)

    assert "no longer scheduled" in shown_messages(response)[0]
    release.refresh_from_db()
    assert (release.state, release.publish_at) == (State.DRAFT, None)


def test_a_published_item_is_withdrawn_from_its_form(client, publisher):
    release = make_release()
    client.force_login(publisher)
    withdraw = url(PressRelease, "withdraw", release.pk)

    assert withdraw in client.get(url(PressRelease, "change", release.pk)).content.decode()
    asked = client.get(withdraw)
    assert "Reason for withdrawal" in asked.content.decode()
    client.post(withdraw, {"confirm": "yes", "reason": "Issued in error."})

    release.refresh_from_db()
    assert (release.state, release.withdrawn_reason) == (State.WITHDRAWN, "Issued in error.")


def test_publisher_is_offered_publish_withdraw_and_delete(client, publisher):
    make_release(status=Status.DRAFT)
    client.force_login(publisher)

    response = client.get(url(PressRelease, "changelist"))

    assert set(action_choices(response)) == {"", "publish_now", "withdraw", "delete_selected"}


def test_publisher_can_publish_in_bulk(client, publisher):
    drafts = [make_release(status=Status.DRAFT) for _ in range(2)]
    client.force_login(publisher)

    response = client.post(
        url(PressRelease, "changelist"),
        {
            "action": "publish_now",
            "confirm": "yes",
            "_selected_action": [d.pk for d in drafts],
            "index": "0",
        },
        follow=True,
    )

    assert "Published 2 items" in shown_messages(response)[0]
    for draft in drafts:
        draft.refresh_from_db()
        assert draft.state == State.PUBLISHED
    log = LogEntry.objects.filter(object_id=str(drafts[0].pk)).get()
    assert log.get_change_message() == "Published with “Publish now”."


def test_publish_action_reports_what_is_missing_and_publishes_the_rest(client, publisher):
    incomplete = PressRelease.objects.create(headline="Half written")
    complete = make_release(status=Status.DRAFT)
    client.force_login(publisher)

    response = client.post(
        url(PressRelease, "changelist"),
        {
            "action": "publish_now",
            "confirm": "yes",
            "_selected_action": [incomplete.pk, complete.pk],
            "index": "0",
        },
        follow=True,
    )

    shown = " ".join(shown_messages(response))
    assert "“Half written” was not published" in shown
    assert "Fill in the release date before publishing." in shown
    assert "Fill in the summary before publishing." in shown
    incomplete.refresh_from_db()
    complete.refresh_from_db()
    assert (incomplete.state, complete.state) == (State.DRAFT, State.PUBLISHED)


def test_publish_action_asks_first_and_says_when(client, publisher):
    release = make_release(status=Status.DRAFT)
    client.force_login(publisher)

    response = client.post(
        url(PressRelease, "changelist"),
        {"action": "publish_now", "_selected_action": [release.pk], "index": "0"},
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert "becomes public at once" in text and "Hong Kong time (HKT)" in text
    assert release.headline in text
    release.refresh_from_db()
    assert release.state == State.DRAFT


def test_publish_action_publishes_a_scheduled_release_now(client, publisher):
    embargo = timezone.now() + dt.timedelta(days=1)
    release = make_release(publish_at=embargo)
    client.force_login(publisher)
    chosen = {"action": "publish_now", "_selected_action": [release.pk], "index": "0"}

    confirm = client.post(url(PressRelease, "changelist"), chosen)
    assert "was scheduled for" in confirm.content.decode()
    response = client.post(
        url(PressRelease, "changelist"), {**chosen, "confirm": "yes"}, follow=True
    )

    assert "Published 1 item" in shown_messages(response)[0]
    release.refresh_from_db()
    assert release.state == State.PUBLISHED and release.publish_at <= timezone.now()


def test_withdraw_asks_for_a_reason_then_withdraws(client, publisher):
    release = make_release()
    client.force_login(publisher)
    changelist = url(PressRelease, "changelist")
    chosen = {"action": "withdraw", "_selected_action": [release.pk]}

    asked = client.post(changelist, {**chosen, "index": "0"})
    assert asked.status_code == 200
    assert "admin/media_centre/withdraw_confirmation.html" in [t.name for t in asked.templates]
    assert BeautifulSoup(asked.content, "html.parser").find("textarea", attrs={"name": "reason"})

    no_reason = client.post(changelist, {**chosen, "confirm": "yes", "reason": " "})
    assert "Say why the items are withdrawn." in no_reason.content.decode()
    release.refresh_from_db()
    assert release.status == Status.PUBLISHED

    done = client.post(changelist, {**chosen, "confirm": "yes", "reason": "Issued in error."})
    assert done.status_code == 302
    release.refresh_from_db()
    assert (release.status, release.withdrawn_reason) == (Status.WITHDRAWN, "Issued in error.")
    assert release.state == State.WITHDRAWN


def test_editor_cannot_withdraw(client, editor):
    release = make_release()
    client.force_login(editor)

    client.post(
        url(PressRelease, "changelist"),
        {"action": "withdraw", "_selected_action": [release.pk], "confirm": "yes", "reason": "x"},
    )

    release.refresh_from_db()
    assert release.status == Status.PUBLISHED


# MoUs need two parties to be published


def test_an_mou_with_one_party_cannot_be_published_from_its_page(client, publisher):
    mou = make_mou(parties=1, status=Status.DRAFT)
    client.force_login(publisher)

    response = client.post(url(MoU, "publish", mou.pk) + "?when=now", {})

    assert response.status_code == 200
    assert "An MoU has at least two parties." in response.content.decode()
    mou.refresh_from_db()
    assert mou.status == Status.DRAFT


def test_an_mou_with_one_party_cannot_be_published_in_bulk(client, publisher):
    mou = make_mou(parties=1, status=Status.DRAFT)
    client.force_login(publisher)

    response = client.post(
        url(MoU, "changelist"),
        {"action": "publish_now", "confirm": "yes", "_selected_action": [mou.pk], "index": "0"},
        follow=True,
    )

    assert "An MoU has at least two parties." in shown_messages(response)[0]
    mou.refresh_from_db()
    assert mou.status == Status.DRAFT


def test_an_mou_with_two_parties_is_published_from_its_page(client, publisher):
    mou = make_mou(parties=2, status=Status.DRAFT)
    client.force_login(publisher)

    assert client.post(url(MoU, "publish", mou.pk) + "?when=now", {}).status_code == 302
    mou.refresh_from_db()
    assert mou.state == State.PUBLISHED


def test_a_draft_mou_may_have_one_party(client, editor):
    mou = make_mou(parties=1, status=Status.DRAFT)
    client.force_login(editor)
    data = form_data(client.get(url(MoU, "change", mou.pk)))
    data["summary_en"] = "Work in progress."

    assert client.post(url(MoU, "change", mou.pk), data).status_code == 302


# Site


def test_admin_site_is_titled_for_the_newsroom(client, editor):
    client.force_login(editor)

    response = client.get(reverse("admin:index"))

    assert response.context["site_header"] == "Newsroom desk"
    assert response.context["title"] == "Media centre"


# create_staff


def test_create_staff_makes_a_staff_user_in_the_role_group(db, monkeypatch):
    monkeypatch.setenv("DESK_PASSWORD", "a sturdy passphrase for the desk")

    call_command(
        "create_staff", "alice", role="publisher", email="alice@example.org",
        password_from_env="DESK_PASSWORD", stdout=None,
    )  # fmt: skip

    user = User.objects.get(username="alice")
    assert user.is_staff and not user.is_superuser
    assert user.email == "alice@example.org"
    assert [g.name for g in user.groups.all()] == ["Publisher"]
    assert user.check_password("a sturdy passphrase for the desk")
    assert user.has_perm("media_centre.publish_pressrelease")


def test_create_staff_refuses_a_weak_password(db, monkeypatch):
    monkeypatch.setenv("DESK_PASSWORD", "password")

    with pytest.raises(CommandError, match="This password is too common"):
        call_command("create_staff", "bob", role="editor", password_from_env="DESK_PASSWORD")

    assert not User.objects.filter(username="bob").exists()


def test_create_staff_asks_twice_and_again_after_a_weak_password(db, monkeypatch, capsys):
    answers = iter(["short", "short", "a sturdy passphrase", "a sturdy passphrase"])
    monkeypatch.setattr(
        "media_centre.management.commands.create_staff.getpass.getpass",
        lambda prompt: next(answers),
    )

    call_command("create_staff", "carol", role="editor")

    assert "too short" in capsys.readouterr().err
    user = User.objects.get(username="carol")
    assert user.check_password("a sturdy passphrase")
    assert [g.name for g in user.groups.all()] == ["Editor"]


def test_create_staff_moves_an_existing_user_to_the_new_role(db, monkeypatch):
    user = make_staff("Editor", username="dora")
    monkeypatch.setenv("DESK_PASSWORD", "a sturdy passphrase for the desk")

    call_command("create_staff", "dora", role="publisher", password_from_env="DESK_PASSWORD")

    assert [g.name for g in user.groups.all()] == ["Publisher"]


def test_create_staff_explains_an_unknown_role(db):
    with pytest.raises(CommandError, match="Use --role editor or --role publisher"):
        call_command("create_staff", "erin", role="admin", password_from_env="X")


def test_release_form_offers_each_language_side_by_side(client, editor):
    client.force_login(editor)
    page = BeautifulSoup(client.get(url(PressRelease, "add")).content, "html.parser")
    for field in ("headline", "summary", "body"):
        for suffix in ("en", "zh_hant", "zh_hans"):
            assert page.find(attrs={"name": f"{field}_{suffix}"}), f"{field}_{suffix}"
    assert page.find(attrs={"name": "slug"}) and not page.find(attrs={"name": "slug_en"})


def test_chinese_headline_is_searchable_on_the_desk(client, editor):
    make_release(headline="English only")
    make_release(headline_zh_hant="研討會")
    client.force_login(editor)
    page = client.get(url(PressRelease, "changelist"), {"q": "研討會"}).content.decode()
    assert "1 result" in page
