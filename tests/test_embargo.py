"""Embargoed access for journalists: the media list and its CSV import, grants from the desk,
the personal link's page and stamped documents, its headers, log, revocation and end."""

import datetime as dt
import io
import re

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from media_centre import embargo
from media_centre.models import (
    Basis,
    EmbargoAccess,
    EmbargoGrant,
    Journalist,
    MediaList,
    State,
    Status,
)
from media_centre.models.embargo import token_digest

from .conftest import make_document, make_release, make_staff, make_study, make_topic
from .test_images import jpeg

LINK = re.compile(r"https?://[^\s\"<>]+/embargoed/[A-Za-z0-9_-]+/")


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


def two_page_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_journalist(**kw) -> Journalist:
    kw.setdefault("name", "Jane Reporter")
    kw.setdefault("outlet", "The Daily")
    kw.setdefault("email", f"{kw['name'].split()[0].lower()}@example.org")
    kw.setdefault("basis", Basis.PROFESSIONAL)
    return Journalist.objects.create(**kw)


@pytest.fixture
def scheduled(db):
    pdf = make_document(title="Release PDF", content=two_page_pdf())
    attachment = make_document(title="Fact sheet", content=b"plain facts\n")
    attachment.media_type = "text/plain"
    attachment.save()
    release = make_release(
        headline="Rates unchanged",
        status=Status.PUBLISHED,
        publish_at=timezone.now() + dt.timedelta(days=2),
        pdf=pdf,
    )
    release.attachments.add(attachment)
    return release


@pytest.fixture
def journalists(db):
    return [
        make_journalist(name="Jane Reporter", outlet="The Daily"),
        make_journalist(name="陳大文", outlet="明報", email="chan@example.org", language="zh-hant"),
    ]


def grant_page(release) -> str:
    return reverse("admin:media_centre_pressrelease_embargo", args=[release.pk])


def revoke_url(release) -> str:
    return reverse("admin:media_centre_pressrelease_embargo_revoke", args=[release.pk])


def give(client, publisher, release, journalists=(), lists=()):
    client.force_login(publisher)
    return client.post(
        grant_page(release),
        {"journalists": [j.pk for j in journalists], "media_lists": [m.pk for m in lists]},
    )


def links_in(server) -> dict[str, str]:
    """The link each recipient was sent, by address."""
    found = {}
    for message in server.messages:
        body = message.get_body(("plain",)).get_content()
        found[message["To"]] = LINK.search(body).group(0)
    return found


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def issue(grant: EmbargoGrant) -> str:
    """A working link for a grant made in a test's setup (the worker makes them for real)."""
    return embargo.link_path(grant, grant.new_token())


def make_grant(release, journalist) -> tuple[EmbargoGrant, str]:
    grant = EmbargoGrant.objects.create(
        release=release, journalist=journalist, language=journalist.language
    )
    return grant, issue(grant)


# Granting


def test_a_publisher_grants_and_each_recipient_gets_one_mail_in_their_language(
    client, publisher, scheduled, journalists, smtp_server
):
    response = give(client, publisher, scheduled, journalists)

    assert response.status_code == 302
    assert EmbargoGrant.objects.filter(release=scheduled).count() == 2
    assert sorted(r for _s, rcpts in smtp_server.envelopes for r in rcpts) == [
        "chan@example.org",
        "jane@example.org",
    ]
    by_address = {m["To"]: m for m in smtp_server.messages}
    english = by_address["jane@example.org"]
    assert "Rates unchanged" in english["Subject"] and "Embargoed" in english["Subject"]
    plain = english.get_body(("plain",)).get_content()
    html = english.get_body(("html",)).get_content()
    assert "Not for publication before then" in plain and "/en/embargoed/" in plain
    assert "http://testserver" not in plain  # NEWSROOM_SITE_URL, not the request's host
    assert "<a href=" in html and "/en/embargoed/" in html
    chinese = by_address["chan@example.org"].get_body(("plain",)).get_content()
    assert "/zh-hant/embargoed/" in chinese and "禁" in chinese
    # Only the hash is kept: the link's token is in no row.
    token = links_in(smtp_server)["jane@example.org"].rstrip("/").rsplit("/", 1)[1]
    assert not EmbargoGrant.objects.filter(token_hash=token).exists()
    assert EmbargoGrant.objects.filter(token_hash=token_digest(token)).exists()
    assert all(g.link_sent_at for g in EmbargoGrant.objects.all())


def test_granting_twice_and_through_a_list_does_not_duplicate(
    client, publisher, scheduled, journalists, smtp_server
):
    media_list = MediaList.objects.create(name="Finance desk")
    media_list.members.set(journalists)
    give(client, publisher, scheduled, journalists[:1])
    give(client, publisher, scheduled, journalists[:1], [media_list])

    assert EmbargoGrant.objects.count() == 2
    assert len(smtp_server.messages) == 2


def test_an_editor_cannot_grant_or_revoke(client, scheduled, journalists):
    editor = make_staff("Editor")

    assert give(client, editor, scheduled, journalists).status_code == 403
    assert client.get(grant_page(scheduled)).status_code == 403
    assert client.post(revoke_url(scheduled), {"grant": "all"}).status_code == 403
    assert not EmbargoGrant.objects.exists()


def test_only_a_scheduled_item_can_be_granted(client, publisher, journalists):
    draft = make_release(status=Status.DRAFT)

    response = give(client, publisher, draft, journalists)

    assert response.status_code == 200
    assert "Only a scheduled item" in text(response)
    assert not EmbargoGrant.objects.exists()


def test_the_grant_page_is_reached_from_the_publishing_actions(client, publisher, scheduled):
    client.force_login(publisher)
    form = client.get(reverse("admin:media_centre_pressrelease_change", args=[scheduled.pk]))

    assert grant_page(scheduled) in form.content.decode()
    assert "Give embargoed access…" in text(form)


# The copy at the link


def test_the_link_shows_the_copy_with_banner_recipient_times_and_headers(
    client, scheduled, journalists
):
    grant, link = make_grant(scheduled, journalists[0])

    response = client.get(link, REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="Reader/1.0")

    assert response.status_code == 200
    page = text(response)
    assert "Rates unchanged" in page
    times = embargo.embargo_times(scheduled.publish_at)
    assert f"Embargoed until {times['local']} — not for publication before then" in page
    assert times["utc"] in page and "HKT" in times["local"]
    assert "Issued to Jane Reporter, The Daily" in page
    assert "Preview — not public" not in page
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert "unsafe-inline" not in response["Content-Security-Policy"].split("script-src")[1]
    soup = BeautifulSoup(response.content, "html.parser")
    inline = [s for s in soup.find_all("script", src=False) if s.get("type") != "application/json"]
    assert not inline  # every script is a static file
    assert soup.find(attrs={"data-embargo-until": True})
    # Its documents go through the link, not the public addresses.
    pdf_link = f"{link}documents/{scheduled.pdf_id}/"
    assert soup.find("a", href=pdf_link)
    access = EmbargoAccess.objects.get()
    assert (access.grant, access.document_id) == (grant, None)
    assert access.address == "203.0.113.0" and access.user_agent == "Reader/1.0"


def test_the_copy_is_never_stored_by_the_page_cache(client, scheduled, journalists, settings):
    settings.NEWSROOM_PAGE_CACHE = True
    _grant, link = make_grant(scheduled, journalists[0])
    public = client.get(reverse("media_centre:release-list"))
    assert public["X-Page-Cache"] == "miss"  # the page cache is on, and stores public pages

    first = client.get(link)
    second = client.get(link)
    document = client.get(f"{link}documents/{scheduled.pdf_id}/")

    assert first.status_code == second.status_code == document.status_code == 200
    assert not {"X-Page-Cache"} & ({*first.headers} | {*second.headers} | {*document.headers})
    assert EmbargoAccess.objects.count() == 3  # every request reached the view and was logged


def test_the_copy_is_in_the_recipients_language(client, scheduled, journalists):
    scheduled.headline_zh_hant = "利率不變"
    scheduled.save()
    _grant, link = make_grant(scheduled, journalists[1])

    response = client.get(link)

    assert link.startswith("/zh-hant/")
    assert "利率不變" in text(response)
    assert "陳大文" in text(response)


def test_a_stamped_pdf_names_the_recipient_on_every_original_page(client, scheduled, journalists):
    grant, link = make_grant(scheduled, journalists[0])

    response = client.get(f"{link}documents/{scheduled.pdf_id}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 2
    for page in reader.pages:
        words = " ".join(page.extract_text().split())
        assert "Embargoed copy for Jane Reporter (The Daily)" in words
        assert "not for publication before" in words
    assert EmbargoAccess.objects.get().document_id == scheduled.pdf_id


def test_a_chinese_name_is_stamped_too(client, scheduled, journalists):
    _grant, link = make_grant(scheduled, journalists[1])

    response = client.get(f"{link}documents/{scheduled.pdf_id}/")

    assert "陳大文" in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()


def test_other_documents_are_served_as_they_are_and_others_not_at_all(
    client, scheduled, journalists
):
    _grant, link = make_grant(scheduled, journalists[0])
    attachment = scheduled.attachments.get()
    stranger = make_document()

    served = client.get(f"{link}documents/{attachment.pk}/")
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == b"plain facts\n"
    assert served["Cache-Control"] == "private, no-store"
    assert client.get(f"{link}documents/{stranger.pk}/").status_code == 404
    assert client.get(f"{link}documents/99999999999999999999/").status_code == 404


# States of a link


def test_revoking_one_refuses_its_link_and_leaves_the_other(
    client, publisher, scheduled, journalists
):
    grant, link = make_grant(scheduled, journalists[0])
    _other, other_link = make_grant(scheduled, journalists[1])
    client.force_login(publisher)

    assert client.get(revoke_url(scheduled)).status_code == 405
    assert client.post(revoke_url(scheduled), {"grant": grant.pk}).status_code == 302
    client.logout()

    refused = client.get(link)
    assert refused.status_code == 410
    assert "withdrawn" in text(refused)
    assert refused["Cache-Control"] == "private, no-store"
    assert client.get(f"{link}documents/{scheduled.pdf_id}/").status_code == 410
    assert client.get(other_link).status_code == 200
    grant.refresh_from_db()
    assert grant.revoked_by == publisher and grant.revoked_at is not None


def test_revoke_all(client, publisher, scheduled, journalists):
    links = [make_grant(scheduled, j)[1] for j in journalists]
    client.force_login(publisher)

    client.post(revoke_url(scheduled), {"grant": "all"})
    client.logout()

    assert [client.get(link).status_code for link in links] == [410, 410]


def test_the_revoked_page_is_in_the_recipients_language(client, scheduled, journalists):
    grant, link = make_grant(scheduled, journalists[1])
    grant.revoked_at = timezone.now()
    grant.save()

    assert "撤回" in text(client.get(link))


def test_the_desk_lists_openings_and_downloads(client, publisher, scheduled, journalists):
    _grant, link = make_grant(scheduled, journalists[0])
    client.get(link)
    client.get(link)
    client.get(f"{link}documents/{scheduled.pdf_id}/")
    client.force_login(publisher)

    page = BeautifulSoup(client.get(grant_page(scheduled)).content, "html.parser")

    row = page.find("tr", class_="nr-grant")
    assert "Jane Reporter" in row.get_text()
    assert row.find(class_="nr-openings").get_text() == "2"
    assert row.find(class_="nr-downloads").get_text() == "1"


def test_an_unknown_or_junk_token_is_404(client, db):
    for token in ("x" * 43, "a" * 5000, "%FF%FE", "..%2F..", "%00" * 30):
        assert client.get(f"/en/embargoed/{token}/").status_code == 404
        assert client.get(f"/en/embargoed/{token}/documents/1/").status_code == 404


def test_when_the_embargo_lifts_the_link_leads_to_the_public_page(client, scheduled, journalists):
    _grant, link = make_grant(scheduled, journalists[0])
    scheduled.publish_at = timezone.now() - dt.timedelta(minutes=1)
    scheduled.save()

    response = client.get(link)

    assert response.status_code == 302
    assert response["Location"] == scheduled.get_absolute_url()
    assert response["Cache-Control"] == "private, no-store"  # no cache keeps the way there


def test_once_public_even_a_revoked_link_leads_to_the_public_page(client, scheduled, journalists):
    grant, link = make_grant(scheduled, journalists[0])
    embargo.revoke(EmbargoGrant.objects.filter(pk=grant.pk), None)
    assert client.get(link).status_code == 410
    scheduled.publish_at = timezone.now() - dt.timedelta(minutes=1)
    scheduled.save()

    assert client.get(link)["Location"] == scheduled.get_absolute_url()


def test_a_changed_publication_time_shows_at_once(client, scheduled, journalists):
    _grant, link = make_grant(scheduled, journalists[0])
    client.get(link)
    later = timezone.now() + dt.timedelta(days=9)
    scheduled.publish_at = later
    scheduled.save()

    assert embargo.embargo_times(later)["local"] in text(client.get(link))


def test_a_withdrawn_or_draft_item_is_no_longer_available(client, scheduled, journalists):
    _grant, link = make_grant(scheduled, journalists[0])
    scheduled.status = Status.DRAFT
    scheduled.publish_at = None
    scheduled.save()

    response = client.get(link)

    assert response.status_code == 410
    assert "no longer available" in text(response)
    assert scheduled.state == State.DRAFT


def test_a_flood_is_answered_429_and_logging_stops_at_the_cap(
    client, scheduled, journalists, monkeypatch
):
    _grant, link = make_grant(scheduled, journalists[0])
    monkeypatch.setattr(embargo, "ACCESS_LOG_CAP", 3)
    monkeypatch.setattr(embargo, "REQUESTS_PER_CLIENT_PER_MINUTE", 5)

    statuses = [client.get(link).status_code for _ in range(7)]

    assert statuses == [200] * 5 + [429] * 2
    assert EmbargoAccess.objects.count() == 3


def test_the_copy_page_has_a_constant_query_budget(client, scheduled, journalists):
    _grant, link = make_grant(scheduled, journalists[0])
    client.get(link)
    with CaptureQueriesContext(connection) as few:
        client.get(link)
    for n in range(3):
        scheduled.attachments.add(make_document(title=f"Annex {n}"))
    client.get(link)  # the content changed: the page cache's clock is read again once
    with CaptureQueriesContext(connection) as more:
        client.get(link)

    assert len(more) == len(few) <= 25, [q["sql"][:150] for q in more.captured_queries]


# The media list


def csv_upload(content: bytes, name="journalists.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def import_url() -> str:
    return reverse("admin:media_centre_journalist_import")


def test_importing_journalists_from_a_csv_file(client, editor):
    make_topic(name="Monetary policy", slug="monetary-policy")
    Journalist.objects.create(
        name="Old Name", outlet="Old", email="jane@example.org", basis=Basis.CONSENT
    )
    client.force_login(editor)
    content = (
        "name,outlet,email,languages,topics,basis\n"
        "Jane Reporter,The Daily,Jane@Example.org,en zh-hant,monetary-policy,professional\n"
        "陳大文,明報,chan@example.org,zh-hant,Monetary policy,public_role\n"
    ).encode()

    response = client.post(import_url(), {"file": csv_upload(content)})

    assert response.status_code == 302
    assert Journalist.objects.count() == 2
    jane = Journalist.objects.get(email="jane@example.org")
    assert (jane.name, jane.outlet, jane.languages) == (
        "Jane Reporter",
        "The Daily",
        ["en", "zh-hant"],
    )
    assert [t.slug for t in jane.topics.all()] == ["monetary-policy"]
    chan = Journalist.objects.get(email="chan@example.org")
    assert chan.language == "zh-hant" and chan.basis == Basis.PUBLIC_ROLE


def test_bad_rows_are_named_and_nothing_is_imported(client, editor):
    client.force_login(editor)
    content = (
        b"name,outlet,email,languages,topics,basis\n"
        b"Good Row,Paper,good@example.org,en,,consent\n"
        b"Bad Mail,Paper,not-an-address,en,,consent\n"
        b"Bad Language,Paper,lang@example.org,fr,,consent\n"
        b"Bad Basis,Paper,basis@example.org,en,no-such-topic,because\n"
    )

    response = client.post(import_url(), {"file": csv_upload(content)})

    assert response.status_code == 200
    page = text(response)
    assert "Row 3:" in page and "not an email address" in page
    assert "Row 4:" in page and "Row 5:" in page and "no topic is called no-such-topic" in page
    assert "Row 2:" not in page
    assert not Journalist.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe\x00\x00binary\x00junk",
        "name,outlet\nonly,two\n".encode("utf-16"),
        b"name,outlet,email,languages,topics,basis\n",
        b"",
        b'name,outlet,email,languages,topics,basis\n"unclosed,x,y,en,,consent\n\x00',
        "name,outlet,email,languages,topics,basis\nÉ,x,e@example.org,en,,consent\n".encode(
            "latin-1"
        ),
    ],
)
def test_junk_files_are_answered_not_crashed_on(client, editor, content):
    client.force_login(editor)

    response = client.post(import_url(), {"file": csv_upload(content)})

    assert response.status_code == 200
    assert not Journalist.objects.exists()


def test_a_huge_upload_is_refused(client, editor):
    client.force_login(editor)

    response = client.post(import_url(), {"file": csv_upload(b"a" * (3 * 2**20))})

    assert response.status_code == 200
    assert "larger than" in text(response)


def test_the_desk_form_keeps_one_entry_per_address(client, editor):
    make_journalist(email="jane@example.org")
    client.force_login(editor)

    response = client.post(
        reverse("admin:media_centre_journalist_add"),
        {
            "name": "Jane Again",
            "outlet": "Other",
            "email": "JANE@example.org",
            "language": "en",
            "basis": Basis.CONSENT,
        },
    )

    assert response.status_code == 200  # the form says the address is taken
    assert Journalist.objects.count() == 1


def test_the_desk_home_says_which_scheduled_items_are_shared_under_embargo(
    client, publisher, scheduled, journalists
):
    make_grant(scheduled, journalists[0])
    revoked, _link = make_grant(scheduled, journalists[1])
    embargo.revoke(EmbargoGrant.objects.filter(pk=revoked.pk), publisher)
    client.force_login(publisher)

    home = text(client.get(reverse("admin:index")))

    assert "Embargoed copy with 1 journalist" in home


def test_editors_keep_the_media_list(client, editor, journalists):
    media_list = MediaList.objects.create(name="Finance desk")
    client.force_login(editor)

    for name, args in [
        ("journalist_changelist", []),
        ("journalist_add", []),
        ("journalist_change", [journalists[1].pk]),
        ("journalist_import", []),
        ("medialist_changelist", []),
        ("medialist_add", []),
        ("medialist_change", [media_list.pk]),
    ]:
        assert client.get(reverse(f"admin:media_centre_{name}", args=args)).status_code == 200
    listing = client.get(reverse("admin:media_centre_journalist_changelist"))
    assert "Import from a CSV file…" in text(listing)


def test_a_head_request_is_answered_but_not_logged(client, scheduled, journalists):
    _grant, link = make_grant(scheduled, journalists[0])

    assert client.head(link).status_code == 200
    assert client.head(f"{link}documents/{scheduled.pdf_id}/").status_code == 200
    assert not EmbargoAccess.objects.exists()


@pytest.mark.parametrize("junk", ["abc", "99999999999999999999999", "-1", "1\x00"])
def test_junk_in_the_grant_form_is_a_form_error(client, publisher, scheduled, junk):
    client.force_login(publisher)

    response = client.post(grant_page(scheduled), {"journalists": [junk], "media_lists": [junk]})

    assert response.status_code == 200
    assert not EmbargoGrant.objects.exists()


@pytest.mark.parametrize("junk", ["abc", "99999999999999999999999", "", "all "])
def test_junk_in_the_revoke_form_is_answered(client, publisher, scheduled, junk):
    client.force_login(publisher)

    assert client.post(revoke_url(scheduled), {"grant": junk}).status_code in (302, 404)


def test_the_copy_shows_the_release_picture_through_the_link_only(client, journalists):
    release = make_release(
        headline="Signing",
        publish_at=timezone.now() + dt.timedelta(days=1),
        hero_image=jpeg(),
        hero_image_alt="The signing ceremony",
    )
    other = make_release(hero_image=jpeg(colour="red"), hero_image_alt="Another")
    _grant, link = make_grant(release, journalists[0])

    page = BeautifulSoup(client.get(link).content, "html.parser")
    picture = page.select_one("figure.hero picture")
    addresses = [picture.img["src"]] + [
        part.split()[0]
        for tag in picture.find_all(["img", "source"])
        for part in tag.get("srcset", "").split(",")
        if part.strip()
    ]
    assert addresses and all(a.startswith(link + "images/") for a in addresses)
    for address in set(addresses):
        response = client.get(address)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert response["Referrer-Policy"] == "no-referrer"
    # Not at the public address before the release is public, nor another picture by the link.
    public = reverse("image", kwargs={"name": release.hero_image.name})
    assert client.get(public).status_code == 404
    assert client.get(link + "images/" + other.hero_image.name).status_code == 404
    assert client.get(link + "images/../../etc/passwd").status_code == 404


def test_a_scheduled_study_is_shared_under_embargo_too(client, publisher, journalists, smtp_server):
    report = make_document(title="The report", content=two_page_pdf())
    study = make_study(
        title="Synergistic Development",
        publish_at=timezone.now() + dt.timedelta(days=1),
        cover_image=jpeg(),
        cover_image_alt="The report's cover",
    )
    study.files.add(report)
    client.force_login(publisher)
    grants = reverse("admin:media_centre_study_embargo", args=[study.pk])
    change = client.get(reverse("admin:media_centre_study_change", args=[study.pk]))
    assert grants in change.content.decode()  # in the Publishing section's actions

    assert client.post(grants, {"journalists": [journalists[0].pk]}).status_code == 302

    (message,) = smtp_server.messages
    assert "Synergistic Development" in message["Subject"]
    link = path_of(links_in(smtp_server)["jane@example.org"])
    client.logout()
    page = client.get(link)
    assert page.status_code == 200
    assert "Synergistic Development" in text(page)
    assert "Issued to Jane Reporter, The Daily" in text(page)
    assert page["Cache-Control"] == "private, no-store"
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.select_one("figure.cover img")["src"].startswith(link + "images/")
    assert client.get(soup.select_one("figure.cover img")["src"]).status_code == 200
    pdf = client.get(f"{link}documents/{report.pk}/")
    assert (
        "Embargoed copy for Jane Reporter"
        in PdfReader(io.BytesIO(pdf.content)).pages[1].extract_text()
    )
    assert client.get(f"{link}documents/{make_document().pk}/").status_code == 404

    client.force_login(publisher)
    access = client.get(grants)
    assert "Jane Reporter" in text(access)
    client.logout()

    study.publish_at = timezone.now() - dt.timedelta(minutes=1)
    study.save()
    lifted = client.get(link)
    assert lifted.status_code == 302
    assert lifted["Location"] == study.get_absolute_url()
