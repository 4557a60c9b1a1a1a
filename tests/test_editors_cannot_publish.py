"""An editor cannot make any change public, by any path: only publishers publish (issue 16)."""

import pytest
from django.test import Client
from reversion.models import Version

from core.drafts.models import Draft
from media_centre.models import Event, MoU, Person, PressRelease, State, Status, Study

from .conftest import make_event, make_mou, make_person, make_release, make_study
from .test_admin import form_data, url

# Each kind of publishable thing, how to make one, and a text field its public page shows.
KINDS = {
    "release": (PressRelease, make_release, "summary_en"),
    "event": (Event, make_event, "title_en"),
    "mou": (MoU, make_mou, "title_en"),
    "study": (Study, make_study, "title_en"),
    "person": (Person, make_person, "name_en"),
}
CHANGED = "Changed by an editor"


@pytest.fixture(params=list(KINDS))
def kind(request):
    return KINDS[request.param]


def public_text(obj) -> str:
    response = Client().get(obj.get_absolute_url())
    return response.content.decode() if response.status_code == 200 else ""


def is_public(obj) -> bool:
    return type(obj).objects.published().filter(pk=obj.pk).exists()


def change_form(client, obj) -> dict:
    response = client.get(url(type(obj), "change", obj.pk))
    assert response.status_code == 200
    return form_data(response)


def test_editing_a_live_item_in_its_form(client, editor, kind):
    model, make, field = kind
    obj = make()
    client.force_login(editor)
    data = {**change_form(client, obj), field: CHANGED}

    assert client.post(url(model, "change", obj.pk), data).status_code == 302

    obj.refresh_from_db()
    assert getattr(obj, field) != CHANGED
    assert CHANGED not in public_text(obj)
    assert Draft.objects.filter(object_id=str(obj.pk)).exists()


def test_posting_a_published_state_in_the_form(client, editor, kind):
    model, make, field = kind
    obj = make(status=Status.DRAFT)
    client.force_login(editor)
    data = {
        **change_form(client, obj),
        field: CHANGED,
        "status": Status.PUBLISHED,
        "publish_at_0": "2025-06-19",
        "publish_at_1": "10:00",
        "_publish": "Save and publish…",
    }

    response = client.post(url(model, "change", obj.pk), data)

    assert response.status_code == 302
    assert "/publish/" not in response["Location"]
    obj.refresh_from_db()
    assert (obj.status, obj.publish_at, obj.state) == (Status.DRAFT, None, State.DRAFT)


def test_the_publish_now_action(client, editor, kind):
    model, make, _field = kind
    obj = make(status=Status.DRAFT)
    client.force_login(editor)

    client.post(
        url(model, "changelist"),
        {"action": "publish_now", "confirm": "yes", "_selected_action": [obj.pk]},
    )

    obj.refresh_from_db()
    assert obj.state == State.DRAFT


def test_the_withdraw_action(client, editor, kind):
    model, make, _field = kind
    obj = make()
    client.force_login(editor)

    client.post(
        url(model, "changelist"),
        {"action": "withdraw", "_selected_action": [obj.pk], "confirm": "yes", "reason": "x"},
    )

    obj.refresh_from_db()
    assert obj.state == State.PUBLISHED


def test_save_as_new_of_a_live_item(client, editor, kind):
    model, make, field = kind
    obj = make()
    client.force_login(editor)
    data = {**change_form(client, obj), field: CHANGED, "_saveasnew": "Save as new"}
    data = {k: v for k, v in data.items() if not k.endswith("-id")}
    if "slug" in data:
        data["slug"] = "a-copy-by-an-editor"

    client.post(url(model, "change", obj.pk), data)

    copies = model.objects.exclude(pk=obj.pk).filter(**{field: CHANGED})
    assert all(copy.state == State.DRAFT for copy in copies)
    assert not model.objects.published().filter(**{field: CHANGED}).exists()


def test_restoring_a_revision_of_a_live_item(client, editor, publisher, kind):
    model, make, field = kind
    obj = make()
    client.force_login(publisher)
    client.post(url(model, "change", obj.pk), {**change_form(client, obj), field: CHANGED})
    client.post(url(model, "publish", obj.pk), {"when": "now", "kind": "minor"})
    obj.refresh_from_db()
    assert getattr(obj, field) == CHANGED
    client.post(url(model, "change", obj.pk), {**change_form(client, obj), field: "Later"})
    client.post(url(model, "publish", obj.pk), {"when": "now", "kind": "minor"})
    older = (
        Version.objects.get_for_object(obj)
        .filter(serialized_data__contains=CHANGED)
        .order_by("pk")
        .first()
    )
    client.force_login(editor)

    response = client.post(
        url(model, "restore", obj.pk, older.pk), {"confirm_public": "on", "note": "x"}
    )

    assert response.status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, field) == "Later"
    assert obj.state == State.PUBLISHED


def test_the_publish_page(client, editor, kind):
    model, make, _field = kind
    obj = make(status=Status.DRAFT)
    client.force_login(editor)

    assert client.get(url(model, "publish", obj.pk)).status_code == 403
    assert client.post(url(model, "publish", obj.pk), {"when": "now"}).status_code == 403

    assert not is_public(obj)


def test_the_publish_page_on_a_draft_of_a_live_item(client, editor, kind):
    model, make, field = kind
    obj = make()
    client.force_login(editor)
    client.post(url(model, "change", obj.pk), {**change_form(client, obj), field: CHANGED})

    response = client.post(url(model, "publish", obj.pk), {"when": "now", "kind": "minor"})

    assert response.status_code == 403
    obj.refresh_from_db()
    assert getattr(obj, field) != CHANGED


def test_a_published_item_cannot_be_deleted_by_an_editor(client, editor, kind):
    model, make, _field = kind
    obj = make()
    client.force_login(editor)

    response = client.post(url(model, "delete", obj.pk), {"post": "yes"})

    assert response.status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()
