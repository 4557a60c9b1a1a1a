"""The embargo path in Chromium (issue 18): a publisher gives two journalists embargoed access to
a scheduled release with a PDF; the emails arrive through a real mail server; one link shows
the copy under the banner naming its recipient, and its PDF comes stamped; the desk shows the
opening and the download; revoked, that link refuses while the other works; when the embargo
lifts both lead to the public page. SCREENSHOT_DIR=… keeps the desk at 1280 and 390 pixels and
the copy on a phone."""

import datetime as dt
import io
import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from media_centre.models import Basis, EmbargoAccess, Journalist, PressRelease, Status
from tests.conftest import make_document, make_release, make_staff

from .conftest import SIZES, axe_audit, describe_violations
from .test_csp import LISTEN, desk_groups, violations  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long enough passphrase"
SHOTS = os.environ.get("SCREENSHOT_DIR")
LINK = re.compile(r"https?://[^\s\"<>]+/embargoed/[A-Za-z0-9_-]+/")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/embargo-{name}.png", full_page=True)


def three_page_pdf() -> bytes:
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def accessible(page, axe_source) -> None:
    found = axe_audit(page, axe_source)["violations"]
    assert not found, describe_violations(found)


@pytest.mark.usefixtures("desk_groups")
def test_embargoed_access_from_grant_to_lifting(
    visitor, live_server, smtp_server, settings, axe_source
):
    settings.NEWSROOM_SITE_URL = live_server.url
    release = make_release(
        headline="Rates held steady",
        status=Status.PUBLISHED,
        publish_at=timezone.now() + dt.timedelta(days=1),
        pdf=make_document(title="Rates statement", content=three_page_pdf()),
    )
    Journalist.objects.create(
        name="Jane Reporter", outlet="The Daily", email="jane@example.org", basis=Basis.CONSENT
    )
    Journalist.objects.create(
        name="Wong Siu Ming",
        outlet="Finance Weekly",
        email="wong@example.org",
        language="zh-hant",
        basis=Basis.PROFESSIONAL,
    )
    publisher = make_staff("Publisher", password=PASSWORD)

    # The publisher gives access from the release's Publishing actions.
    desk = visitor(viewport=SIZES["desktop"])
    desk.context.add_init_script(LISTEN)
    desk.goto(reverse("admin:login"))
    desk.locator("#id_username").fill(publisher.username)
    desk.locator("#id_password").fill(PASSWORD)
    with desk.expect_navigation():
        desk.locator("#id_password").press("Enter")
    desk.goto(reverse("admin:media_centre_pressrelease_change", args=[release.pk]))
    desk.get_by_role("link", name="Give embargoed access…").click()
    desk.get_by_label("Jane Reporter (The Daily)").check()
    desk.get_by_label("Wong Siu Ming (Finance Weekly)").check()
    shot(desk, "desk-grant-1280")
    desk.get_by_role("button", name="Give access and send the links").click()
    assert "Embargoed access given to 2 journalists" in desk.locator(".messagelist").inner_text()

    # One email each, each with its own link, in the recipient's language.
    assert sorted(r for _s, rcpts in smtp_server.envelopes for r in rcpts) == [
        "jane@example.org",
        "wong@example.org",
    ]
    links = {
        m["To"]: LINK.search(m.get_body(("plain",)).get_content()).group(0)
        for m in smtp_server.messages
    }
    assert "/en/embargoed/" in links["jane@example.org"]
    assert "/zh-hant/embargoed/" in links["wong@example.org"]

    # Jane opens hers on a phone: the banner, her name, the times, the stamped PDF.
    jane = visitor(viewport=SIZES["phone"])
    jane.context.add_init_script(LISTEN)
    response = jane.goto(links["jane@example.org"])
    assert response.status == 200
    assert response.headers["cache-control"] == "private, no-store"
    banner = jane.locator(".embargo-banner")
    assert "Embargoed until" in banner.inner_text()
    assert "not for publication before then" in banner.inner_text()
    assert "Issued to Jane Reporter, The Daily" in banner.inner_text()
    local = jane.locator("[data-embargo-until]")
    assert local.is_visible() and "In your time zone:" in local.inner_text()
    assert jane.get_by_role("heading", name="Rates held steady").is_visible()
    shot(jane, "copy-390")
    accessible(jane, axe_source)
    href = jane.locator(".download-line a.download").get_attribute("href")
    assert links["jane@example.org"].endswith(href.split("documents/")[0])
    assert href.endswith(f"/documents/{release.pdf_id}/")
    pdf = jane.request.get(href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(pdf.body())).pages
    assert len(pages) == 3
    assert all("Embargoed copy for Jane Reporter (The Daily)" in p.extract_text() for p in pages)
    assert violations(jane) == [] and jane.watch.problems == []

    # The desk sees the opening and the download, and revokes Jane's link.
    desk.reload()
    row = desk.locator("tr.nr-grant", has_text="Jane Reporter")
    assert row.locator(".nr-openings").inner_text() == "1"
    assert row.locator(".nr-downloads").inner_text() == "1"
    assert desk.get_by_label("Jane Reporter (The Daily) — has access").is_visible()
    shot(desk, "desk-access-1280")
    accessible(desk, axe_source)
    desk.set_viewport_size(SIZES["phone"])
    shot(desk, "desk-access-390")
    desk.set_viewport_size(SIZES["desktop"])
    row.get_by_role("button", name="Revoke").click()
    assert desk.locator("tr.nr-grant", has_text="Jane Reporter").get_by_text("Revoked").is_visible()
    assert violations(desk) == []
    assert EmbargoAccess.objects.count() == 2

    refused = jane.goto(links["jane@example.org"])
    assert refused.status == 410
    assert "withdrawn" in jane.locator("main").inner_text()
    wong = visitor(viewport=SIZES["phone"])
    works = wong.goto(links["wong@example.org"])
    assert works.status == 200
    assert "Wong Siu Ming" in wong.locator(".embargo-banner").inner_text()
    shot(wong, "copy-zh-hant-390")

    # The embargo lifts: both links lead to the public page.
    PressRelease.objects.filter(pk=release.pk).update(
        publish_at=timezone.now() - dt.timedelta(minutes=1)
    )
    for page, link in ((jane, links["jane@example.org"]), (wong, links["wong@example.org"])):
        answer = page.goto(link)
        assert answer.status == 200
        assert "/embargoed/" not in page.url
        assert "/press-releases/" in page.url
        assert page.locator(".embargo-banner").count() == 0
        assert page.get_by_role("heading", level=1).is_visible()
