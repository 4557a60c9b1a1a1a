"""Documents served as a careful static server would, and only through public items."""

import datetime as dt
import tracemalloc

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.http import http_date

from media_centre.models import Document, Status

from .conftest import MINIMAL_PDF, downloads_counted, make_document, make_release, make_study

pytestmark = pytest.mark.django_db

BODY = MINIMAL_PDF + b"%" + bytes(range(256)) * 8  # a valid PDF with some bulk after it


@pytest.fixture
def document() -> Document:
    document = make_document(title="Annual report 2025", content=BODY)
    make_release(pdf=document)
    return Document.objects.get(pk=document.pk)


def get(client, document, **headers):
    return client.get(document.get_absolute_url(), headers=headers)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_full_download_has_every_header(client, document):
    response = get(client, document)
    assert response.status_code == 200
    assert body(response) == BODY
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(BODY))
    assert response["ETag"] == f'"{document.sha256}"'
    assert response["Last-Modified"] == http_date(document.file_updated_at.timestamp())
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Disposition"] == (
        "inline; filename=\"annual-report-2025.pdf\"; filename*=UTF-8''annual-report-2025.pdf"
    )
    assert "Set-Cookie" not in response


def test_chinese_file_name_keeps_its_characters_with_an_ascii_fallback(client):
    document = make_document(title="2025年報告", content=BODY)
    make_release(pdf=document)
    assert document.file_name == "2025年報告.pdf"
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "inline; filename=\"2025.pdf\"; filename*=UTF-8''2025%E5%B9%B4%E5%A0%B1%E5%91%8A.pdf"
    )


def test_types_other_than_pdf_download_as_attachments(client, settings):
    document = make_document(title="Data", content=b"year,value\n2025,1\n2026,2\n")
    assert (document.media_type, document.file_name) == ("text/csv", "data.csv")
    make_release(pdf=document)
    response = client.get(document.get_absolute_url())
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="data.csv"')
    settings.MEDIA_CENTRE_INLINE_TYPES = ["application/pdf", "text/csv"]
    assert client.get(document.get_absolute_url())["Content-Disposition"].startswith("inline;")


def test_download_name_takes_its_extension_from_the_content(client):
    document = make_document(title="Figures", content=MINIMAL_PDF)
    Document.objects.filter(pk=document.pk).update(sha256="")
    document = Document.objects.get(pk=document.pk)
    document.file = ContentFile(MINIMAL_PDF, name="figures.xlsx")
    document.save()
    assert document.file_name == "figures.pdf"


def test_head_has_the_headers_and_no_body_and_is_not_counted(client, document):
    response = client.head(document.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(BODY))
    assert response.content == b""
    assert downloads_counted(document) == 0


@pytest.mark.parametrize(
    ("header", "status", "content_range", "part"),
    [
        ("bytes=0-9", 206, "bytes 0-9/{size}", slice(0, 10)),
        ("bytes=10-", 206, "bytes 10-{last}/{size}", slice(10, None)),
        ("bytes=-5", 206, "bytes {tail}-{last}/{size}", slice(-5, None)),
        ("bytes=5-999999", 206, "bytes 5-{last}/{size}", slice(5, None)),
        ("bytes=-999999", 206, "bytes 0-{last}/{size}", slice(0, None)),
    ],
)
def test_single_range_answers_206(client, document, header, status, content_range, part):
    response = get(client, document, range=header)
    size = len(BODY)
    assert response.status_code == status
    assert response["Content-Range"] == content_range.format(
        size=size, last=size - 1, tail=size - 5
    )
    assert body(response) == BODY[part]
    assert response["Content-Length"] == str(len(BODY[part]))


@pytest.mark.parametrize("header", [f"bytes={10**9}-", "bytes=-0"])
def test_unsatisfiable_range_answers_416(client, document, header):
    response = get(client, document, range=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(BODY)}"


@pytest.mark.parametrize(
    "header", ["bytes=0-1,5-9", "bytes=a-b", "items=0-5", "bytes=9-2", "bytes=-", "garbage"]
)
def test_malformed_or_multiple_ranges_get_the_whole_file(client, document, header):
    response = get(client, document, range=header)
    assert response.status_code == 200
    assert body(response) == BODY


def test_if_range_with_an_old_etag_gets_the_whole_new_file(client, document):
    response = get(client, document, range="bytes=0-9", if_range='"oldtag"')
    assert response.status_code == 200
    response = get(client, document, range="bytes=0-9", if_range=f'"{document.sha256}"')
    assert response.status_code == 206


def test_conditional_requests_answer_304_and_are_not_counted(client, document):
    response = get(client, document, if_none_match=f'"{document.sha256}"')
    assert response.status_code == 304
    assert response["ETag"] == f'"{document.sha256}"'
    later = http_date((document.file_updated_at + dt.timedelta(hours=1)).timestamp())
    assert get(client, document, if_modified_since=later).status_code == 304
    earlier = http_date((document.file_updated_at - dt.timedelta(days=1)).timestamp())
    assert get(client, document, if_modified_since=earlier).status_code == 200
    assert get(client, document, if_none_match='"something-else"').status_code == 200
    assert downloads_counted(document) == 2  # the two 200s only


def test_counting_skips_the_later_parts_of_a_resumed_download(client, document):
    body(get(client, document, range="bytes=0-99"))
    body(get(client, document, range="bytes=100-"))
    assert downloads_counted(document) == 1


def test_file_name_must_match(client, document):
    wrong = reverse("download", kwargs={"pk": document.pk, "file_name": "other.pdf"})
    response = client.get(wrong)
    assert response.status_code == 301
    assert response["Location"] == document.get_absolute_url()
    missing = reverse("download", kwargs={"pk": 999999, "file_name": document.file_name})
    assert client.get(missing).status_code == 404


@pytest.mark.parametrize("status", [Status.DRAFT, Status.WITHDRAWN])
def test_documents_of_unpublished_items_are_404_but_staff_may_fetch(client, editor, status):
    document = make_document(content=BODY)
    make_release(pdf=document, status=status, withdrawn_reason="x")
    make_study(status=Status.DRAFT).files.add(document)
    assert client.get(document.get_absolute_url()).status_code == 404
    client.force_login(editor)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"


def test_scheduled_release_document_is_404_until_the_embargo_lifts(client):
    document = make_document(content=BODY)
    release = make_release(pdf=document, publish_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    assert client.get(document.get_absolute_url()).status_code == 404
    type(release).objects.filter(pk=release.pk).update(
        publish_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    )
    assert client.get(document.get_absolute_url()).status_code == 200


def test_study_files_are_served_through_a_published_study(client):
    document = make_document(content=BODY)
    make_study().files.add(document)
    assert client.get(document.get_absolute_url()).status_code == 200


def test_replacing_a_file_keeps_the_address_and_the_old_version(client, document):
    old_sha = document.sha256
    document.file = ContentFile(MINIMAL_PDF, name="new.pdf")
    document.version_note = "Corrected a figure on page 2."
    document.save()
    response = client.get(document.get_absolute_url())
    assert body(response) == MINIMAL_PDF
    versions = list(document.versions.order_by("number"))
    assert [v.sha256 for v in versions] == [old_sha, document.sha256]
    assert versions[1].note == "Corrected a figure on page 2."
    old = client.get(versions[0].get_absolute_url())
    assert old.status_code == 200
    assert body(old) == BODY
    assert old["ETag"] == f'"{old_sha}"'
    assert old["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "/v1/" in versions[0].get_absolute_url()


def test_unknown_version_is_404(client, document):
    url = reverse("download-version", kwargs={"pk": document.pk, "number": 9, "file_name": "x.pdf"})
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("mode", "header", "value"),
    [
        ("x-accel-redirect", "X-Accel-Redirect", "/protected-media/{name}"),
        ("x-sendfile", "X-Sendfile", "{path}"),
    ],
)
def test_a_front_server_can_send_the_file(client, document, settings, mode, header, value):
    settings.MEDIA_CENTRE_SENDFILE = mode
    response = get(client, document)
    assert response.status_code == 200
    assert response[header] == value.format(
        name=document.file.name, path=default_storage.path(document.file.name)
    )
    assert response.content == b""
    assert response["ETag"] == f'"{document.sha256}"'
    assert downloads_counted(document) == 1


def test_storage_without_local_paths_is_streamed(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    settings.MEDIA_CENTRE_SENDFILE = "x-sendfile"
    document = make_document(content=BODY)
    make_release(pdf=document)
    response = client.get(document.get_absolute_url(), headers={"range": "bytes=0-9"})
    assert response.status_code == 206
    assert body(response) == BODY[:10]


def test_a_large_file_streams_in_constant_memory(client, settings):
    size = 256 * 1024 * 1024
    name = "documents/big/large.pdf"
    path = settings.MEDIA_ROOT / name
    path.parent.mkdir(parents=True)
    with open(path, "wb") as handle:
        handle.write(MINIMAL_PDF)
        handle.truncate(size)  # sparse: no disk is used for the zeros
    document = Document.objects.create(
        file=name, title="Large", media_type="application/pdf", size=size, sha256="0" * 64
    )
    make_release(pdf=document)
    tracemalloc.start()
    response = client.get(document.get_absolute_url())
    received = sum(len(chunk) for chunk in response.streaming_content)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert received == size
    assert peak < 8 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


def test_files_do_not_vary_by_language(client, document):
    response = get(client, document, accept_language="zh-HK")
    assert "Accept-Language" not in response.get("Vary", "")
    assert "Content-Language" not in response


def test_a_version_under_a_wrong_file_name_redirects_to_the_right_one_and_serves_nothing(
    client, document
):
    version = document.versions.get(number=1)
    wrong = reverse(
        "download-version", kwargs={"pk": document.pk, "number": 1, "file_name": "other.pdf"}
    )
    response = client.get(wrong)
    assert response.status_code == 301
    assert response["Location"] == version.get_absolute_url()
    assert not response.streaming and response.content == b""
    assert "Content-Disposition" not in response
    assert downloads_counted(document) == 0
    right = client.get(response["Location"])
    assert right.status_code == 200 and body(right) == BODY


# Conditional requests as RFC 9110 (section 13) says: If-None-Match compares weakly, If-Match and
# If-Range strongly; `*` matches any current representation.


@pytest.mark.parametrize(
    "if_none_match",
    ['W/"{sha}"', "*", '"stale", W/"{sha}"', '"{sha}"'],
    ids=["weak tag", "star", "weak tag in a list", "strong tag"],
)
def test_if_none_match_compares_weakly_and_star_matches(client, document, if_none_match):
    response = get(client, document, if_none_match=if_none_match.format(sha=document.sha256))
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == f'"{document.sha256}"'
    assert downloads_counted(document) == 0


@pytest.mark.parametrize("if_none_match", ['W/"stale"', '"stale", W/"older"'])
def test_if_none_match_without_a_match_gets_the_file(client, document, if_none_match):
    response = get(client, document, if_none_match=if_none_match)
    assert response.status_code == 200
    assert body(response) == BODY


def test_if_none_match_overrides_if_modified_since(client, document):
    later = http_date((document.file_updated_at + dt.timedelta(hours=1)).timestamp())
    response = get(client, document, if_none_match='"stale"', if_modified_since=later)
    assert response.status_code == 200
    assert body(response) == BODY


@pytest.mark.parametrize("if_match", ["*", '"{sha}"', '"stale", "{sha}"'])
def test_if_match_that_matches_gets_the_file(client, document, if_match):
    response = get(client, document, if_match=if_match.format(sha=document.sha256))
    assert response.status_code == 200
    assert body(response) == BODY


@pytest.mark.parametrize("if_match", ['"stale"', 'W/"{sha}"'], ids=["other tag", "weak tag"])
def test_if_match_that_does_not_match_strongly_is_412(client, document, if_match):
    response = get(client, document, if_match=if_match.format(sha=document.sha256))
    assert response.status_code == 412
    assert response.content == b""
    document.refresh_from_db()
    assert document.download_count == 0


def test_if_match_comes_before_if_none_match_and_range(client, document):
    response = get(
        client,
        document,
        if_match='"stale"',
        if_none_match=f'"{document.sha256}"',
        range="bytes=0-9",
    )
    assert response.status_code == 412


def test_if_unmodified_since_before_the_file_changed_is_412(client, document):
    earlier = http_date((document.file_updated_at - dt.timedelta(days=1)).timestamp())
    assert get(client, document, if_unmodified_since=earlier).status_code == 412
    exact = http_date(document.file_updated_at.timestamp())
    response = get(client, document, if_unmodified_since=exact)
    assert response.status_code == 200 and body(response) == BODY


def test_if_unmodified_since_is_ignored_when_if_match_is_given(client, document):
    earlier = http_date((document.file_updated_at - dt.timedelta(days=1)).timestamp())
    response = get(client, document, if_match="*", if_unmodified_since=earlier)
    assert response.status_code == 200


@pytest.mark.parametrize("if_range", ['W/"{sha}"', "*"], ids=["weak tag", "star"])
def test_if_range_with_a_weak_tag_or_star_gets_the_whole_file(client, document, if_range):
    response = get(
        client, document, range="bytes=0-9", if_range=if_range.format(sha=document.sha256)
    )
    assert response.status_code == 200
    assert "Content-Range" not in response
    assert body(response) == BODY


def test_if_range_with_the_exact_date_gets_the_range(client, document):
    exact = http_date(document.file_updated_at.timestamp())
    response = get(client, document, range="bytes=0-9", if_range=exact)
    assert response.status_code == 206
    assert body(response) == BODY[:10]
    earlier = http_date((document.file_updated_at - dt.timedelta(days=1)).timestamp())
    assert get(client, document, range="bytes=0-9", if_range=earlier).status_code == 200


def test_a_file_missing_from_storage_is_a_404_and_a_log_line_not_a_dropped_connection(
    client, document, caplog
):
    default_storage.delete(document.file.name)
    with caplog.at_level("ERROR", logger="media_centre.downloads"):
        response = get(client, document)
    assert response.status_code == 404
    assert document.file.name in caplog.text
    assert downloads_counted(document) == 0


def test_a_repeated_download_reads_nothing_from_the_database(client, document):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    version_address = document.versions.get().get_absolute_url()
    assert body(get(client, document)) == BODY
    assert client.get(version_address).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = get(client, document)
        version = client.get(version_address)

    # Whether the document is public is remembered until something changes (a publish, a
    # withdrawal, a new file, or an item's time passing: core.page_cache's generation).
    assert [q["sql"] for q in queries] == []
    assert body(again) == BODY and version.status_code == 200


def test_a_remembered_download_stops_the_moment_its_release_is_withdrawn(client, document):
    release = document.release_pdf_of.get()
    version = document.versions.get()
    assert get(client, document).status_code == 200
    assert client.get(version.get_absolute_url()).status_code == 200

    release.status = Status.WITHDRAWN
    release.withdrawn_reason = "Published in error"
    release.save()

    assert get(client, document).status_code == 404
    assert client.get(version.get_absolute_url()).status_code == 404


def test_a_public_download_nginx_may_store_is_sent_whole_and_a_preview_is_handed_over(
    client, editor, document, settings
):
    settings.MEDIA_CENTRE_SENDFILE = "x-accel-redirect"
    settings.MEDIA_CENTRE_FRONT_CACHE_SECONDS = 1

    public = get(client, document)
    assert public.status_code == 200 and body(public) == BODY
    assert public["X-Accel-Expires"] == "1"
    assert "X-Accel-Redirect" not in public
    assert public["Cache-Control"] == "public, max-age=300"

    draft = make_document(content=BODY)
    make_release(pdf=draft, status=Status.DRAFT)
    client.force_login(editor)
    preview = client.get(draft.get_absolute_url())
    assert preview.status_code == 200
    assert preview["X-Accel-Redirect"] == f"/protected-media/{draft.file.name}"
    assert "X-Accel-Expires" not in preview  # never stored by nginx
