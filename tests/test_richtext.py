"""Rich text: inline styles never reach a public page, whether saved through the desk or not."""

import pytest

from media_centre.models import PressRelease, Status

from .conftest import make_release
from .test_admin import form_data, url

pytestmark = pytest.mark.django_db

# A stored <style> element would restyle the whole page (hide the banner, fake a notice); a
# style attribute could do the same to one paragraph. The public CSP (style-src 'self') would
# block both in a browser anyway, so the sanitiser drops them rather than ship dead markup.
STYLED_BODY = (
    "<style>body { display: none } .nr-banner { background: url(https://evil.example/x) }</style>"
    '<p style="position: fixed; inset: 0; color: red">Styled paragraph.</p>'
    '<h2 style="font-size: 90px">Styled heading</h2>'
)


def assert_no_inline_style(html: str) -> None:
    assert "<style" not in html
    assert "display: none" not in html and "evil.example" not in html
    assert "style=" not in html and "position: fixed" not in html and "font-size: 90px" not in html


def test_the_desk_saves_a_body_without_style_elements_or_attributes(client, editor):
    release = make_release(status=Status.DRAFT)
    client.force_login(editor)
    data = form_data(client.get(url(PressRelease, "change", release.pk)))
    data["body_en"] = STYLED_BODY

    assert client.post(url(PressRelease, "change", release.pk), data).status_code == 302

    release.refresh_from_db()
    assert_no_inline_style(release.body)
    assert "Styled paragraph." in release.body and "<h2>Styled heading</h2>" in release.body


def test_model_validation_cleans_style_out_of_the_body():
    release = make_release(status=Status.DRAFT, body="")
    release.body_en = STYLED_BODY

    release.full_clean()

    assert_no_inline_style(release.body_en)
    assert "<p>Styled paragraph.</p>" in release.body_en


def test_a_stored_style_element_and_attribute_never_reach_the_public_page(client):
    release = make_release()
    # update() bypasses save() and validation, as a bulk import or a hand-edited row would.
    PressRelease.objects.filter(pk=release.pk).update(body_en=STYLED_BODY)

    response = client.get(release.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert "Styled paragraph." in page and "Styled heading" in page
    assert_no_inline_style(page)


def test_event_handlers_are_stripped_from_a_body_saved_by_any_path():
    release = make_release(
        body_en='<p onclick="steal()">Text <a href="https://example.org/" onmouseover="x()">link'
        '</a> <strong onfocus="y()">bold</strong></p>',
        body_zh_hant='<p onclick="steal()">文字</p>',
    )
    release.refresh_from_db()
    for body in (release.body_en, release.body_zh_hant):
        assert " on" not in body and "steal" not in body
    assert (
        '<a href="https://example.org/"' in release.body_en
        and "<strong>bold</strong>" in release.body_en
    )
    assert release.body_zh_hant == "<p>文字</p>"
