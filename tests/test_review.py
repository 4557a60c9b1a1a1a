"""Review before publishing: submit, awaiting review, email, send back, sign-off, the log."""

import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from core.workflow.models import AppendOnly, Step
from media_centre.models import PressRelease, State, Status

from .conftest import make_release, make_staff
from .test_admin import form_data, url


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


def review(obj, step: str) -> str:
    return url(type(obj), "review", obj.pk, step)


@pytest.fixture
def release(db):
    return make_release(status=Status.DRAFT, headline="Seminar held")


@pytest.fixture
def people(db):
    return {
        "editor": make_staff("Editor", email="edna@example.org", first_name="Edna"),
        "publisher": make_staff("Publisher", email="percy@example.org", first_name="Percy"),
        "publisher2": make_staff("Publisher", email="paula@example.org"),
        "quiet": make_staff("Editor", email="other-editor@example.org"),
    }


def submit(client, user, obj, note="Please check the quote."):
    client.force_login(user)
    return client.post(review(obj, "submit"), {"note": note})


def test_an_editor_submits_and_every_publisher_is_emailed(client, people, release):
    response = submit(client, people["editor"], release)

    assert response.status_code == 302
    step = Step.objects.get()
    assert (step.action, step.user, step.note) == (
        Step.Action.SUBMITTED, people["editor"], "Please check the quote."
    )  # fmt: skip
    assert step.revision_id is None or step.revision_id > 0
    to = sorted(address for message in mail.outbox for address in message.to)
    assert to == ["paula@example.org", "percy@example.org"]
    body = mail.outbox[0].body
    assert "Seminar held" in mail.outbox[0].subject
    assert "Please check the quote." in body and "Edna" in body
    assert f"/admin/media_centre/pressrelease/{release.pk}/change/" in body


def test_the_admin_home_lists_what_awaits_review_for_publishers_only(client, people, release):
    submit(client, people["editor"], release)

    client.force_login(people["publisher"])
    home = text(client.get(reverse("admin:index")))
    assert "Awaiting review" in home and "Seminar held" in home
    assert "Please check the quote." in home

    client.force_login(people["quiet"])
    assert "Awaiting review" not in text(client.get(reverse("admin:index")))


def test_the_form_says_it_awaits_review(client, people, release):
    submit(client, people["editor"], release)

    page = text(client.get(url(PressRelease, "change", release.pk)))

    assert "Awaiting review: submitted by Edna" in page
    # Submitting twice is not possible: it is already waiting.
    again = client.post(review(release, "submit"), {"note": "again"})
    assert again.status_code == 302 and Step.objects.count() == 1


def test_a_publisher_sends_it_back_with_a_comment_the_editor_sees(client, people, release):
    submit(client, people["editor"], release)
    mail.outbox.clear()

    assert client.post(review(release, "send-back"), {"note": "x"}).status_code == 403
    client.force_login(people["publisher"])
    empty = client.post(review(release, "send-back"), {"note": " "})
    assert empty.status_code == 200 and "Write a comment" in text(empty)
    sent = client.post(review(release, "send-back"), {"note": "Use the speaker's full title."})

    assert sent.status_code == 302
    assert [m.to for m in mail.outbox] == [["edna@example.org"]]
    assert "Use the speaker's full title." in mail.outbox[0].body
    client.force_login(people["editor"])
    assert "Use the speaker's full title." in text(
        client.get(url(PressRelease, "change", release.pk))
    )
    home = text(client.get(reverse("admin:index")))
    assert "Sent back to you" in home and "Use the speaker's full title." in home
    client.force_login(people["publisher"])
    assert "Nothing is waiting for your review." in text(client.get(reverse("admin:index")))


def test_publishing_ends_the_review_and_is_logged_with_its_revision(client, people, release):
    submit(client, people["editor"], release)
    client.force_login(people["publisher"])

    response = client.post(url(PressRelease, "publish", release.pk), {"when": "now"})

    assert response.status_code == 302
    release.refresh_from_db()
    assert release.state == State.PUBLISHED
    published = Step.objects.filter(action=Step.Action.PUBLISHED).get()
    assert published.user == people["publisher"] and published.revision_id
    assert "Nothing is waiting for your review." in text(client.get(reverse("admin:index")))


def test_no_sign_off_is_needed_by_default(client, people, release):
    client.force_login(people["publisher"])
    page = text(client.get(url(PressRelease, "change", release.pk)))
    assert "signed off" not in page.lower()
    assert client.get(review(release, "sign-off")).status_code == 403

    client.post(url(PressRelease, "publish", release.pk), {"when": "now"})

    release.refresh_from_db()
    assert release.state == State.PUBLISHED


@pytest.fixture
def compliance(settings, db):
    settings.NEWSROOM_SIGN_OFF_GROUP = "Compliance"
    group = Group.objects.create(name="Compliance")
    officer = make_staff("Editor", first_name="Connie")
    officer.groups.add(group)
    return officer


def test_with_a_sign_off_group_nothing_is_published_before_it_signs_off(
    client, people, release, compliance
):
    client.force_login(people["publisher"])
    blocked = client.post(url(PressRelease, "publish", release.pk), {"when": "now"})
    assert blocked.status_code == 200
    assert "Compliance has not signed off this version" in text(blocked)
    data = form_data(client.get(url(PressRelease, "change", release.pk)))
    data.update(status=Status.PUBLISHED, _publish="Save and publish now…")
    by_form = client.post(url(PressRelease, "change", release.pk), data, follow=True)
    assert "Compliance has not signed off" in text(by_form)
    client.post(url(PressRelease, "changelist"), {"action": "publish_now", "confirm": "yes",
                                                  "_selected_action": [release.pk]})  # fmt: skip
    release.refresh_from_db()
    assert release.state == State.DRAFT
    assert client.post(review(release, "sign-off"), {"note": "x"}).status_code == 403

    client.force_login(compliance)
    assert client.post(review(release, "sign-off"), {"note": "Checked."}).status_code == 302
    client.force_login(people["publisher"])
    client.post(url(PressRelease, "publish", release.pk), {"when": "now"})

    release.refresh_from_db()
    assert release.state == State.PUBLISHED


def test_a_change_after_the_sign_off_needs_another(client, people, release, compliance):
    client.force_login(people["editor"])
    client.post(url(PressRelease, "change", release.pk),
                form_data(client.get(url(PressRelease, "change", release.pk))))  # fmt: skip
    client.force_login(compliance)
    client.post(review(release, "sign-off"), {"note": "Checked."})
    client.force_login(people["editor"])
    data = form_data(client.get(url(PressRelease, "change", release.pk)))
    data.update(summary_en="Changed after the sign-off.")
    client.post(url(PressRelease, "change", release.pk), data)

    client.force_login(people["publisher"])
    response = client.post(url(PressRelease, "publish", release.pk), {"when": "now"})

    assert "Compliance has not signed off this version" in text(response)
    release.refresh_from_db()
    assert release.state == State.DRAFT


def test_the_log_cannot_be_changed_or_shortened(client, people, release):
    submit(client, people["editor"], release)
    step = Step.objects.get()

    step.note = "Rewritten"
    with pytest.raises(AppendOnly):
        step.save()
    with pytest.raises(AppendOnly):
        step.delete()
    with pytest.raises(AppendOnly):
        Step.objects.update(note="Rewritten")
    with pytest.raises(AppendOnly):
        Step.objects.all().delete()
    client.force_login(people["publisher"])
    change = reverse("admin:workflow_step_change", args=[step.pk])
    assert "Rewritten" not in text(client.get(change))
    assert client.post(change, {"note": "Rewritten"}).status_code == 403
    delete = reverse("admin:workflow_step_delete", args=[step.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:workflow_step_add")).status_code == 403
    assert Step.objects.get().note == "Please check the quote."


def test_publishers_read_and_export_the_log_and_editors_cannot(client, people, release):
    submit(client, people["editor"], release, note='=HYPERLINK("http://evil")')
    client.force_login(people["publisher"])

    listing = client.get(reverse("admin:workflow_step_changelist"))
    assert listing.status_code == 200 and "Seminar held" in text(listing)
    export = client.get(reverse("admin:workflow_step_export"))

    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")
    content = export.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    assert rows[0][:2] == ["When", "Step"]
    assert rows[1][1] == "Submitted for review" and rows[1][3] == "Seminar held"
    assert rows[1][-1].startswith("'=")
    client.force_login(people["editor"])
    assert client.get(reverse("admin:workflow_step_export")).status_code == 403
    assert client.get(reverse("admin:workflow_step_changelist")).status_code == 403


def test_bad_review_requests_get_plain_answers(client, people, release):
    client.force_login(people["editor"])

    assert client.get(review(release, "approve")).status_code == 404
    assert client.get(url(PressRelease, "review", 999999, "submit")).status_code in (302, 404)
    assert client.get(review(release, "submit")).status_code == 200
    long = client.post(review(release, "submit"), {"note": "x" * 5000})
    assert long.status_code == 200 and not Step.objects.exists()


def test_a_sign_off_counts_only_while_its_author_is_in_the_group(
    client, people, release, compliance
):
    client.force_login(compliance)
    client.post(review(release, "sign-off"), {"note": "Checked."})
    compliance.groups.clear()
    client.force_login(people["publisher"])

    response = client.post(url(PressRelease, "publish", release.pk), {"when": "now"})

    assert "Compliance has not signed off this version" in text(response)
    release.refresh_from_db()
    assert release.state == State.DRAFT


def test_exporting_the_log_with_a_made_up_filter_is_a_bad_request(client, people, release):
    submit(client, people["editor"], release)
    client.force_login(people["publisher"])

    response = client.get(reverse("admin:workflow_step_export") + "?at__gte=not-a-date")

    assert response.status_code == 400


def test_the_review_email_arrives_through_a_real_mail_server(client, people, release, smtp_server):
    submit(client, people["editor"], release)

    recipients = sorted(rcpt for _sender, rcpts in smtp_server.envelopes for rcpt in rcpts)
    assert recipients == ["paula@example.org", "percy@example.org"]
    message = smtp_server.messages[0]
    assert "Seminar held" in message["Subject"]
    assert "Please check the quote." in message.get_body(("plain",)).get_content()


def test_a_mail_server_that_is_down_loses_no_review_step(client, people, release, smtp_server):
    smtp_server.stop()

    response = submit(client, people["editor"], release)

    assert response.status_code == 302
    assert Step.objects.get().action == Step.Action.SUBMITTED
    smtp_server.start()
    assert smtp_server.messages == []
