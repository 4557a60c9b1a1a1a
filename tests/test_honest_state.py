"""The state line and badges show the stored state, whatever a failed form carried."""

from bs4 import BeautifulSoup

from media_centre.models import PressRelease, Status

from .conftest import make_release
from .test_admin import form_data, url


def state_line(response) -> str:
    found = BeautifulSoup(response.content, "html.parser").select_one(".field-state_and_preview")
    return " ".join(found.get_text(" ").split())


def test_a_failed_publish_of_a_draft_still_says_draft(client, publisher):
    release = make_release(status=Status.DRAFT)
    client.force_login(publisher)
    data = form_data(client.get(url(PressRelease, "change", release.pk)))
    data.update(status=Status.PUBLISHED, release_date="not a date")

    response = client.post(url(PressRelease, "change", release.pk), data)

    assert response.status_code == 200
    assert "Draft" in state_line(response)
    assert "Published" not in state_line(response)
    assert "Preview at its public address" in state_line(response)
    release.refresh_from_db()
    assert release.status == Status.DRAFT


def test_a_failed_withdrawal_of_a_published_release_still_says_published(client, publisher):
    release = make_release()
    client.force_login(publisher)
    data = form_data(client.get(url(PressRelease, "change", release.pk)))
    data.update(status=Status.WITHDRAWN, withdrawn_reason="In error", release_date="31/31/2025")

    response = client.post(url(PressRelease, "change", release.pk), data)

    assert response.status_code == 200
    assert "Published" in state_line(response) and "Withdrawn" not in state_line(response)
    assert "Open its public page" in state_line(response)
