"""Uploads on the desk: a file's kind is read from its content, bad files leave nothing behind."""

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from PIL import Image
from pypdf import PdfWriter

from media_centre.models import (
    AccessibilityRequest,
    Document,
    DocumentVersion,
    MoU,
    PressRelease,
    Study,
)
from media_centre.uploads import sniff_document, validate_document_upload, validate_image_upload

from .conftest import MINIMAL_PDF, make_document, make_mou, make_release, make_study
from .test_admin import form_data, shown_messages, url

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
HTML_PAGE = b"<!DOCTYPE html>\n<html><body><script>alert('hi')</script></body></html>\n"
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert('hi')</script></svg>\n"
)
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"This program cannot be run" * 8


def pdf_bytes(pages: int = 2, password: str = "") -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def office_bytes(marker: str) -> bytes:
    return zip_bytes({"[Content_Types].xml": b"<Types/>", marker: b"<document/>"})


def image_bytes(image_format: str, size: tuple[int, int] = (40, 30), mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, image_format)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims the given size: a decompression bomb's calling card."""
    data = bytearray(image_bytes("PNG", (1, 1), mode="1"))
    data[16:24] = struct.pack(">II", width, height)  # IHDR's width and height
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))  # and its checksum
    return bytes(data)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def errors_on_page(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [item.get_text() for item in soup.select(".errorlist li")]


def post_document(client, content: bytes, name: str = "report.pdf", document=None, **fields):
    """Submit the document form as an editor's browser would, with the file attached."""
    address = url(Document, "change", document.pk) if document else url(Document, "add")
    data = form_data(client.get(address))
    data["title"] = data.get("title") or "Annual report 2025"
    data.update(fields)
    data["file"] = SimpleUploadedFile(name, content)
    return client.post(address, data)


def post_release_image(client, content: bytes, name: str = "chart.png"):
    data = form_data(client.get(url(PressRelease, "add")))
    data.update(headline_en="Council meets", hero_image_alt="The council at the table")
    data["hero_image"] = SimpleUploadedFile(name, content)
    return client.post(url(PressRelease, "add"), data)


# Refused documents: a plain-word error, no row, no file in storage

ACCEPTED = "Upload a PDF, Word, Excel, PowerPoint, CSV or ZIP file."
REFUSED_DOCUMENTS = {
    "a renamed program": (
        "report.pdf",
        PROGRAM,
        f"This file is a program, not a document we can publish. {ACCEPTED}",
    ),
    "an HTML page": (
        "report.pdf",
        HTML_PAGE,
        f"This file is a web page (HTML), not a document we can publish. {ACCEPTED}",
    ),
    "an SVG with script": (
        "chart.png",
        SVG_WITH_SCRIPT,
        "This file is an SVG drawing, which can contain scripts, so we do not publish it. "
        "Save it as a PDF or PNG and upload that instead.",
    ),
    "a PDF that does not parse": (
        "report.pdf",
        b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ngarbage",
        "This PDF is damaged and cannot be opened. Save or export it again and upload the new "
        "file.",
    ),
    "a truncated PDF": (
        "report.pdf",
        pdf_bytes()[:300],
        "This PDF is damaged and cannot be opened. Save or export it again and upload the new "
        "file.",
    ),
    "a PDF with a password": (
        "report.pdf",
        pdf_bytes(password="secret"),
        "This PDF is protected (by a password, or by limits on copying or printing). "
        "Save a copy without protection and upload that.",
    ),
    "binary noise": (
        "data.csv",
        bytes(range(256)) * 4,
        f"We cannot tell what kind of file this is, so we cannot publish it. {ACCEPTED}",
    ),
    "a ZIP with a name that climbs out of its folder": (
        "photos.zip",
        zip_bytes({"../../settings.py": b"DEBUG = True"}),
        "This file contains a packed file whose name could put it outside the folder it is "
        "unpacked into (“../../settings.py”), so we cannot publish it.",
    ),
    "an empty file": ("report.pdf", b"", "The submitted file is empty."),
}


@pytest.mark.parametrize(
    ("name", "content", "message"), REFUSED_DOCUMENTS.values(), ids=REFUSED_DOCUMENTS.keys()
)
def test_a_bad_document_is_refused_in_plain_words_and_nothing_is_stored(
    client, editor, settings, name, content, message
):
    client.force_login(editor)

    response = post_document(client, content, name=name)

    assert response.status_code == 200
    assert message in errors_on_page(response)
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_a_file_over_the_size_cap_is_refused_with_both_sizes(client, editor, settings):
    settings.MEDIA_CENTRE_MAX_UPLOAD_BYTES = 1024
    content = pdf_bytes() + b"%" + b"x" * 3000
    client.force_login(editor)

    response = post_document(client, content)

    expected = f"This file is {filesizeformat(len(content))}; the limit is 1.0\xa0KB."
    assert expected in errors_on_page(response)
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_a_zip_bomb_is_refused_before_anything_unpacks_it(client, editor, settings):
    settings.MEDIA_CENTRE_MAX_UPLOAD_BYTES = 100_000  # so a ZIP may unpack to 2,000,000 bytes
    bomb = zip_bytes({"zeros.bin": bytes(3_000_000)})
    assert len(bomb) < 10_000
    client.force_login(editor)

    response = post_document(client, bomb, name="data.zip")

    expected = (
        f"This file unpacks to {filesizeformat(3_000_000)}; the limit is "
        f"{filesizeformat(2_000_000)}. Split it into smaller files."
    )
    assert expected in errors_on_page(response)
    assert stored_files(settings) == []


def test_an_office_file_that_is_a_zip_bomb_is_refused_too(settings):
    settings.MEDIA_CENTRE_MAX_UPLOAD_BYTES = 100_000
    bomb = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b" " * 3_000_000})

    with pytest.raises(ValidationError, match="This file unpacks to"):
        validate_document_upload(ContentFile(bomb, name="report.docx"))


# Refused images


def test_an_svg_is_refused_for_an_image_field(client, editor, settings):
    client.force_login(editor)

    response = post_release_image(client, SVG_WITH_SCRIPT, name="chart.png")

    assert response.status_code == 200
    assert errors_on_page(response)
    assert not PressRelease.objects.exists()
    assert stored_files(settings) == []
    with pytest.raises(ValidationError, match="This image is an SVG drawing"):
        validate_image_upload(ContentFile(SVG_WITH_SCRIPT, name="chart.png"))


def test_an_image_over_the_pixel_cap_is_refused_with_its_size(client, editor, settings):
    settings.MEDIA_CENTRE_MAX_IMAGE_PIXELS = 1_000_000
    client.force_login(editor)

    response = post_release_image(client, image_bytes("PNG", (2000, 1000), mode="1"))

    assert response.status_code == 200
    assert (
        "This image is 2,000 × 1,000 pixels; the limit is 1 megapixels. "
        "Make it smaller and upload it again."
    ) in errors_on_page(response)
    assert not PressRelease.objects.exists()
    assert stored_files(settings) == []


def test_a_decompression_bomb_is_refused_without_being_decoded(client, editor, settings):
    bomb = png_claiming(50_000, 50_000)
    assert len(bomb) < 100
    client.force_login(editor)

    response = post_release_image(client, bomb)

    assert response.status_code == 200
    assert errors_on_page(response)
    assert not PressRelease.objects.exists()
    assert stored_files(settings) == []
    with pytest.raises(ValidationError, match="the limit is 40 megapixels"):
        validate_image_upload(ContentFile(bomb, name="chart.png"))


def test_an_image_below_pillows_bomb_limit_but_over_ours_is_refused_by_its_header(settings):
    with pytest.raises(ValidationError) as refusal:
        validate_image_upload(ContentFile(png_claiming(8_000, 6_000), name="photo.png"))
    assert refusal.value.messages == [
        "This image is 8,000 × 6,000 pixels; the limit is 40 megapixels. "
        "Make it smaller and upload it again."
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not an image at all", "This file is not an image we can use."),
        (image_bytes("BMP"), "This image is a BMP file, which we do not publish."),
        (b"", "This file is empty."),
    ],
    ids=["text", "bmp", "empty"],
)
def test_files_that_are_not_images_we_publish_are_refused(content, message):
    with pytest.raises(ValidationError, match=message):
        validate_image_upload(ContentFile(content, name="photo.jpg"))


# Accepted documents: stored with the media type read from the content

ACCEPTED_DOCUMENTS = {
    "PDF": ("report.pdf", pdf_bytes(pages=2), "application/pdf"),
    "Word": ("report.docx", office_bytes("word/document.xml"), DOCX),
    "Excel": ("figures.xlsx", office_bytes("xl/workbook.xml"), XLSX),
    "PowerPoint": ("slides.pptx", office_bytes("ppt/presentation.xml"), PPTX),
    "CSV": ("figures.csv", b"year,value\r\n2024,1.5\r\n2025,2.5\r\n", "text/csv"),
    "CSV with a BOM in Chinese": (
        "figures.csv",
        "\ufeff年份,數值\n2025,1\n".encode(),
        "text/csv",
    ),
    "ZIP": ("photos.zip", zip_bytes({"photos/one.txt": b"one"}), "application/zip"),
    "ZIP named as Word": ("report.docx", zip_bytes({"notes.txt": b"hi"}), "application/zip"),
    "Word named as PDF": ("report.pdf", office_bytes("word/document.xml"), DOCX),
}


@pytest.mark.parametrize(
    ("name", "content", "media_type"), ACCEPTED_DOCUMENTS.values(), ids=ACCEPTED_DOCUMENTS.keys()
)
def test_an_accepted_document_is_stored_with_the_type_read_from_its_content(
    client, editor, settings, name, content, media_type
):
    client.force_login(editor)

    response = post_document(client, content, name=name, version_note="")

    assert response.status_code == 302, errors_on_page(response)
    document = Document.objects.get()
    assert document.media_type == media_type
    assert document.size == len(content)
    with document.file.open("rb") as stored:
        assert stored.read() == content
    assert len(stored_files(settings)) == 1
    assert document.versions.count() == 1


def test_uploads_spooled_to_a_temporary_file_are_read_the_same_way(client, editor, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload goes to a temporary file
    client.force_login(editor)

    refused = post_document(client, HTML_PAGE, name="report.pdf")
    accepted = post_document(client, office_bytes("xl/workbook.xml"), name="figures.pdf")

    assert f"This file is a web page (HTML), not a document we can publish. {ACCEPTED}" in (
        errors_on_page(refused)
    )
    assert accepted.status_code == 302, errors_on_page(accepted)
    assert Document.objects.get().media_type == XLSX


def test_a_pdf_records_its_page_count(client, editor):
    client.force_login(editor)

    post_document(client, pdf_bytes(pages=3))

    assert Document.objects.get().page_count == 3


def test_sniffing_ignores_the_name_and_leaves_the_file_at_its_start():
    upload = SimpleUploadedFile("figures.xlsx", pdf_bytes())

    assert sniff_document(upload) == "application/pdf"
    assert upload.tell() == 0
    assert sniff_document(ContentFile(b"<html><p>hi</p></html>", name="a.csv")) == "text/html"


@pytest.mark.parametrize(
    "content",
    [
        b"#!/bin/sh\necho hi\n",
        b"\xef\xbb\xbf#!/bin/sh\nrm -rf /\n",  # after a byte-order mark
        b"\n  #!/usr/bin/env python3\nprint(1)\n",  # after blank space
        b"<script>alert(1)</script>",
        b"a,b\n<script>alert(1)</script>\n",  # after a line of text
        b"Title\n<html><body>x</body></html>\n",
        b"<?php echo 1; ?>\n",
        b"<% Response.Write(1) %>\n",
    ],
)
def test_programs_and_markup_are_refused_even_named_as_csv(content):
    assert sniff_document(ContentFile(content, name="figures.csv")) != "text/csv"
    with pytest.raises(ValidationError):
        validate_document_upload(ContentFile(content, name="figures.csv"))


def test_the_minimal_pdf_the_other_tests_use_is_a_pdf_the_upload_checks_accept():
    assert sniff_document(ContentFile(MINIMAL_PDF)) == "application/pdf"
    validate_document_upload(ContentFile(MINIMAL_PDF, name="minimal.pdf"))


# Accepted images


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "WEBP", "GIF"])
def test_an_accepted_image_is_stored(client, editor, settings, image_format):
    client.force_login(editor)

    response = post_release_image(
        client, image_bytes(image_format), name=f"photo.{image_format.lower()}"
    )

    assert response.status_code == 302, errors_on_page(response)
    release = PressRelease.objects.get()
    # The image pipeline may re-encode (to strip metadata), so check it is still an image.
    with release.hero_image.open("rb") as stored, Image.open(stored) as image:
        assert (image.format in {"PNG", "JPEG", "WEBP", "GIF"}, image.size) == (True, (40, 30))


# Duplicates


def test_the_same_file_uploaded_again_is_refused_with_a_link_to_the_first(client, editor):
    content = pdf_bytes()
    first = make_document(title="Annual report 2025", content=content)
    client.force_login(editor)

    response = post_document(client, content, title="Annual report again")

    assert response.status_code == 200
    assert (
        f"This exact file is already uploaded as “{first}”. "
        "Use that document instead of uploading it twice."
    ) in errors_on_page(response)
    link = BeautifulSoup(response.content, "html.parser").select_one(".errorlist li a")
    assert link["href"] == url(Document, "change", first.pk)
    assert Document.objects.count() == 1


def test_an_earlier_version_of_another_document_counts_as_a_duplicate(client, editor):
    old, new = pdf_bytes(pages=1), pdf_bytes(pages=2)
    first = make_document(title="Annual report 2025", content=old)
    first.file = ContentFile(new, name="report.pdf")
    first.save()
    client.force_login(editor)

    response = post_document(client, old, title="Annual report again")

    assert f"This exact file is already uploaded as “{first}”. " in errors_on_page(response)[0]


def test_uploading_a_documents_own_file_again_changes_nothing(client, editor, settings):
    content = pdf_bytes()
    document = make_document(title="Annual report 2025", content=content)
    client.force_login(editor)

    response = post_document(client, content, document=document, title="Annual report 2025")

    assert response.status_code == 302, errors_on_page(response)
    document.refresh_from_db()
    assert document.versions.count() == 1
    assert len(stored_files(settings)) == 1


# Replacing a file


def test_replacing_the_file_keeps_the_address_and_the_old_version_with_a_note(client, editor):
    old, new = pdf_bytes(pages=1), pdf_bytes(pages=4)
    document = make_document(title="Annual report 2025", content=old)
    make_release(pdf=document)
    address = document.get_absolute_url()
    client.force_login(editor)

    response = post_document(
        client, new, document=document, version_note="Corrected the table on page 4."
    )

    assert response.status_code == 302, errors_on_page(response)
    document.refresh_from_db()
    assert document.get_absolute_url() == address
    assert (document.page_count, document.media_type) == (4, "application/pdf")
    latest, first = document.versions.all()
    assert (latest.number, latest.note, latest.sha256) == (
        2, "Corrected the table on page 4.", document.sha256,
    )  # fmt: skip
    assert first.sha256 != latest.sha256
    assert default_storage.exists(first.file.name)
    client.logout()
    assert body(client.get(address)) == new
    assert body(client.get(first.get_absolute_url())) == old
    assert body(client.get(latest.get_absolute_url())) == new


def test_a_note_without_a_new_file_is_refused_rather_than_lost(client, editor):
    document = make_document(content=pdf_bytes())
    client.force_login(editor)
    data = form_data(client.get(url(Document, "change", document.pk)))
    data["version_note"] = "Fixed a typo."

    response = client.post(url(Document, "change", document.pk), data)

    assert "A note is kept only with a new file. Upload a new file, or leave this empty." in (
        errors_on_page(response)
    )


def body(response) -> bytes:
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


# The change form


def test_the_change_form_shows_the_facts_and_every_version(client, editor):
    document = make_document(title="Annual report 2025", content=pdf_bytes(pages=2))
    document.file = ContentFile(pdf_bytes(pages=3), name="report.pdf")
    document.version_note = "Added a page."
    document.save()
    client.force_login(editor)

    response = client.get(url(Document, "change", document.pk))

    page = response.content.decode()
    soup = BeautifulSoup(page, "html.parser")
    assert "PDF (application/pdf)" in page
    assert document.sha256 in page
    assert soup.find("a", href=document.get_absolute_url())
    assert 'name="version_note"' in page
    for version in document.versions.all():
        address = soup.find("a", href=version.get_absolute_url())
        assert address is not None
        assert soup.find("code", title=version.sha256).text == version.sha256[:12] + "…"
    assert "Added a page." in page
    assert not soup.select("input[name^=versions-][name$=-note]")  # history is read-only


def test_the_list_searches_by_checksum_and_filters_by_type(client, editor):
    pdf = make_document(title="Annual report", content=pdf_bytes())
    csv_file = make_document(title="Figures", content=b"a,b\n1,2\n")
    client.force_login(editor)

    by_checksum = client.get(url(Document, "changelist"), {"q": pdf.sha256})
    by_type = client.get(url(Document, "changelist"), {"type": "text/csv"})

    assert list(by_checksum.context["cl"].result_list) == [pdf]
    assert list(by_type.context["cl"].result_list) == [csv_file]
    assert "CSV" in by_type.content.decode()


# Deleting


def test_deleting_a_used_document_is_refused_with_where_it_is_used(client, editor):
    document = make_document(content=pdf_bytes())
    release = make_release(headline="Council meets")
    release.attachments.add(document)
    study = make_study(title="Green bonds")
    study.files.add(document)
    mou = make_mou(title="Memorandum with the exchange", document=document)  # a published one
    client.force_login(editor)

    page = client.get(url(Document, "delete", document.pk))
    confirmed = client.post(url(Document, "delete", document.pk), {"post": "yes"})

    assert page.status_code == confirmed.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    message = soup.select_one(".messagelist .error")
    assert message.get_text().startswith("This document is used by: ")
    assert [link["href"] for link in message.find_all("a")] == [
        url(PressRelease, "change", release.pk),
        url(Study, "change", study.pk),
        url(MoU, "change", mou.pk),
    ]
    assert len(soup.select("#deleted-objects li")) == 3
    assert not soup.find("input", attrs={"type": "submit"})
    assert Document.objects.filter(pk=document.pk).exists()


def test_deleting_an_unused_document_works(client, editor):
    document = make_document(content=pdf_bytes())
    client.force_login(editor)

    response = client.post(url(Document, "delete", document.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Document.objects.exists()
    assert not DocumentVersion.objects.exists()


def test_bulk_delete_skips_used_documents_and_names_them(client, editor):
    used = make_document(title="Used report", content=pdf_bytes(pages=1))
    make_release(pdf=used)
    unused = make_document(title="Old draft", content=pdf_bytes(pages=2))
    client.force_login(editor)
    selection = {"action": "delete_selected", "_selected_action": [used.pk, unused.pk]}

    confirm = client.post(url(Document, "changelist"), selection)
    done = client.post(url(Document, "changelist"), {**selection, "post": "yes"}, follow=True)

    assert confirm.status_code == 200
    assert "Used report" in shown_messages(confirm)[0]
    assert "still used, so it was not deleted" in shown_messages(confirm)[0]
    hidden = BeautifulSoup(confirm.content, "html.parser").select("input[name=_selected_action]")
    assert [field["value"] for field in hidden] == [str(unused.pk)]
    assert list(Document.objects.all()) == [used]
    assert any("Successfully deleted 1 document" in text for text in shown_messages(done))


# Requests for an accessible version


def test_accessibility_requests_are_listed_and_the_visitors_words_cannot_be_edited(client, editor):
    document = make_document(title="Annual report", content=pdf_bytes())
    request = AccessibilityRequest.objects.create(
        document=document,
        name="Chan Tai Man",
        email="chan@example.org",
        message="A tagged PDF, please.",
        language="zh-hant",
    )
    client.force_login(editor)

    listing = client.get(url(AccessibilityRequest, "changelist"), {"q": "Annual"})
    data = form_data(client.get(url(AccessibilityRequest, "change", request.pk)))
    data.update(name="Someone else", message="Changed.", answered="on")
    saved = client.post(url(AccessibilityRequest, "change", request.pk), data)

    assert list(listing.context["cl"].result_list) == [request]
    assert "chan@example.org" in listing.content.decode()
    assert saved.status_code == 302
    request.refresh_from_db()
    assert (request.name, request.message, request.answered) == (
        "Chan Tai Man", "A tagged PDF, please.", True,
    )  # fmt: skip
    assert client.get(url(AccessibilityRequest, "add")).status_code == 403


def test_accessibility_requests_can_be_marked_answered_in_bulk(client, editor):
    document = make_document(content=pdf_bytes())
    request = AccessibilityRequest.objects.create(
        document=document, name="Chan", email="chan@example.org", language="en"
    )
    client.force_login(editor)

    client.post(
        url(AccessibilityRequest, "changelist"),
        {"action": "mark_answered", "_selected_action": [request.pk]},
    )

    request.refresh_from_db()
    assert request.answered


def test_document_versions_have_no_admin_of_their_own():
    from django.contrib import admin

    assert DocumentVersion not in admin.site._registry


def test_an_svg_hero_image_gets_our_plain_message_in_the_admin(client, editor, settings):
    client.force_login(editor)
    release = make_release()
    page = client.get(url(PressRelease, "change", release.pk))
    data = form_data(page)
    data["hero_image"] = SimpleUploadedFile(
        "chart.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    data["hero_image_alt"] = "A chart"
    response = client.post(url(PressRelease, "change", release.pk), data)
    assert response.status_code == 200
    assert "SVG drawing" in response.content.decode()
    assert not any((settings.MEDIA_ROOT / "images").glob("**/*"))
