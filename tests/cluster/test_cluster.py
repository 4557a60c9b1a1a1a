"""Two app servers behind nginx, one PostgreSQL, one Redis, one S3 store (make test-cluster).

What one server does, the other serves at once: a publish, an uploaded file, the alerts the
workers send, and a Redis outage, which both ride out.
"""

import io
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from django.utils import timezone

from ..conftest import make_release
from .conftest import Visitor, unique, wait_until

LIST = "/en/media-centre/press-releases/"


def draft_release(headline: str):
    from media_centre.models import Status

    return make_release(
        headline=headline,
        slug=headline.lower().replace(" ", "-"),
        status=Status.DRAFT,
        release_date=timezone.localdate(),
    )


def publish(visitor: Visitor, release) -> None:
    """A publisher publishes `release` now through the admin of the server `visitor` is on."""
    path = f"/admin/media_centre/pressrelease/{release.pk}/publish/?when=now"
    answer = visitor.submit(path, {}, form="#content form")
    assert answer.status == 302, answer.text[:3000]
    assert answer.headers["Location"].endswith(f"/pressrelease/{release.pk}/change/")


def test_a_publish_on_one_server_is_served_by_the_other_at_once(cluster, orm):
    headline = unique("Cluster publish")
    release = draft_release(headline)
    anonymous = {base: Visitor(base) for base in [*cluster.servers, cluster.nginx]}
    for visitor in anonymous.values():  # every layer holds the list without it
        for _ in range(2):
            answer = visitor.get(LIST)
            assert answer.status == 200 and headline not in answer.text
    assert anonymous[cluster.nginx].get(LIST).headers.get("X-Front-Cache") == "HIT"
    assert anonymous[cluster.a].get(LIST).headers.get("X-Page-Cache") == "hit"

    editor = Visitor(cluster.a)
    editor.sign_in(cluster.publisher)
    publish(editor, release)
    published = time.monotonic()

    # Straight to each app server: the very first request after the publish.
    for base in (cluster.b, cluster.a):
        answer = anonymous[base].get(LIST)
        assert answer.status == 200 and headline in answer.text, base
        assert anonymous[base].get(release.get_absolute_url()).status == 200, base
    # Through nginx, which keeps a page a second (X-Accel-Expires) and may hand out the
    # previous copy for one more while it fetches the new one.
    seen = wait_until(lambda: headline in anonymous[cluster.nginx].get(LIST).text, seconds=5)
    delay = time.monotonic() - published
    print(f"publish seen through nginx after {delay:.2f} s")
    assert seen and delay < 3.0, delay
    assert anonymous[cluster.nginx].get(release.get_absolute_url()).status == 200
    assert cluster.errors() == []


def _unique_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": uuid.uuid4().hex})  # not a copy of an earlier upload
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _bucket():
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=os.environ["MEDIA_CENTRE_S3_ENDPOINT_URL"],
        region_name=os.environ["MEDIA_CENTRE_S3_REGION"],
        aws_access_key_id=os.environ["MEDIA_CENTRE_S3_ACCESS_KEY"],
        aws_secret_access_key=os.environ["MEDIA_CENTRE_S3_SECRET_KEY"],
    )


def test_a_file_uploaded_through_one_server_is_downloaded_through_the_other(cluster, orm):
    from media_centre.models import Document, Status

    content = _unique_pdf()
    title = unique("Cluster report")
    editor = Visitor(cluster.a)
    editor.sign_in(cluster.publisher)
    answer = editor.submit(
        "/admin/media_centre/document/add/",
        {"title": title, "language": "en"},
        files={"file": ("annual-report.pdf", content, "application/pdf")},
        form="#document_form",
    )
    assert answer.status == 302, answer.text[:3000]
    document = Document.objects.get(title=title)

    # In the bucket, and on neither server's disk.
    bucket = os.environ["MEDIA_CENTRE_S3_BUCKET"]
    stored = _bucket().get_object(Bucket=bucket, Key=document.file.name)
    assert stored["Body"].read() == content
    for root in cluster.media_roots:
        assert [p for p in Path(root).rglob("*") if p.is_file()] == [], root

    # The desk's preview on the other server, straight and through nginx.
    for base in (cluster.b, cluster.nginx):
        answer = editor.on(base).get(document.get_absolute_url())
        assert answer.status == 200, (base, answer.status)
        assert answer.body == content
        assert answer.headers["Cache-Control"] == "private, no-cache"

    # Public once a published release links it: anyone, from either server, ranges too.
    release = make_release(headline=unique("Cluster attachment"), status=Status.PUBLISHED)
    release.attachments.add(document)
    for base in (cluster.b, cluster.a, cluster.nginx):
        visitor = Visitor(base)
        answer = visitor.get(document.get_absolute_url())
        assert answer.status == 200 and answer.body == content, base
        assert answer.headers["ETag"] == f'"{document.sha256}"'
        part = visitor.get(document.get_absolute_url(), Range="bytes=0-99")
        assert part.status == 206 and part.body == content[:100], base
    assert cluster.errors() == []


def _unique_png() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (1600, 900), tuple(uuid.uuid4().bytes[:3]))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_an_image_uploaded_through_one_server_is_shown_by_the_other_in_renditions(cluster, orm):
    from bs4 import BeautifulSoup

    from media_centre.models import PressRelease, Rendition, Status

    headline = unique("Cluster picture")
    editor = Visitor(cluster.a)
    editor.sign_in(cluster.publisher)
    answer = editor.submit(
        "/admin/media_centre/pressrelease/add/",
        {"headline_en": headline, "hero_image_alt": "The council at the table"},
        files={"hero_image": ("council.png", _unique_png(), "image/png")},
        form="#pressrelease_form",
    )
    assert answer.status == 302, answer.text[:3000]
    release = PressRelease.objects.get(headline_en=headline)
    # Either worker makes the renditions, from the upload in the bucket, into the bucket.
    assert wait_until(
        lambda: Rendition.objects.filter(source=release.hero_image.name).exists(), seconds=60
    )
    # Made public here (what publishing checks is another test's business).
    release.summary, release.body = "A picture.", "<p>A picture.</p>"
    release.dateline_place, release.release_date = "Hong Kong", timezone.localdate()
    release.status, release.publish_at = Status.PUBLISHED, timezone.now()
    release.save()

    page = Visitor(cluster.b).get(release.get_absolute_url())
    assert page.status == 200
    shown = {
        candidate.split()[0]
        for tag in BeautifulSoup(page.body, "html.parser").select("picture source, picture img")
        for attribute in ("srcset", "src")
        for candidate in tag.get(attribute, "").split(",")
        if candidate.strip().startswith("/images/")
    }
    assert any("/renditions/" in address for address in shown), shown
    bucket = os.environ["MEDIA_CENTRE_S3_BUCKET"]
    for address in shown:
        key = address.removeprefix("/images/")
        stored = _bucket().get_object(Bucket=bucket, Key=key)["Body"].read()
        for base in (cluster.b, cluster.nginx):
            answer = Visitor(base).get(address)
            assert answer.status == 200, (base, address, answer.status)
            assert answer.headers["Content-Type"].startswith("image/")
            assert answer.body == stored, (base, address)
    for root in cluster.media_roots:
        assert [p for p in Path(root).rglob("*") if p.is_file()] == [], root
    assert cluster.errors() == []


def test_two_workers_send_each_alert_once(cluster, orm):
    from media_centre.models import Subscriber

    now = timezone.now()
    readers = [f"reader-{uuid.uuid4().hex[:8]}@example.org" for _ in range(6)]
    Subscriber.objects.bulk_create(
        Subscriber(email=address, confirmed_at=now, releases=True) for address in readers
    )
    headlines = [unique("Cluster alert one"), unique("Cluster alert two")]
    releases = [draft_release(headline) for headline in headlines]
    # One published on each server; both workers look for alerts.
    for base, release in zip(cluster.servers, releases, strict=True):
        editor = Visitor(base)
        editor.sign_in(cluster.publisher)
        publish(editor, release)

    def received() -> dict[tuple[str, str], int]:
        counts: dict[tuple[str, str], int] = {}
        for message in list(cluster.smtp.messages):
            for headline in headlines:
                if headline in message["Subject"]:
                    key = (message["To"], headline)
                    counts[key] = counts.get(key, 0) + 1
        return counts

    wanted = {(address, headline) for address in readers for headline in headlines}
    assert wait_until(lambda: set(received()) >= wanted, seconds=60, every=0.5), received()
    time.sleep(3)  # long enough for either worker to send a copy twice, if it would
    counts = received()
    assert set(counts) == wanted
    assert set(counts.values()) == {1}, counts
    assert cluster.errors() == []


def _redis(command: str) -> None:
    """Stop (SIGTERM) or start again the throwaway Redis of bin/with-redis."""
    pidfile = Path(os.environ["REDIS_PIDFILE"])
    if command == "stop":
        pid = int(pidfile.read_text())
        os.kill(pid, signal.SIGTERM)
        assert wait_until(lambda: not _alive(pid), seconds=10)
    else:
        subprocess.run(f"redis-server {os.environ['REDIS_SERVER_ARGS']}", shell=True, check=True)
        port = os.environ["CACHE_URL"].rsplit(":", 1)[1].split("/")[0]
        ping = ["redis-cli", "-h", "127.0.0.1", "-p", port, "ping"]
        assert wait_until(
            lambda: subprocess.run(ping, capture_output=True, text=True).stdout.strip() == "PONG",
            seconds=10,
        )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def redis_back():
    yield
    if not _alive(int(Path(os.environ["REDIS_PIDFILE"]).read_text() or 0)):
        _redis("start")


def test_both_servers_keep_serving_while_redis_is_down(cluster, orm, redis_back):
    release = make_release(headline=unique("Cluster outage"), release_date=timezone.localdate())
    pages = ["/en/", LIST, release.get_absolute_url(), "/en/search/?q=cluster"]
    for base in cluster.servers:
        for path in pages:
            assert Visitor(base).get(path).status == 200, (base, path)

    _redis("stop")
    started = time.monotonic()
    for round in range(3):
        for base in [*cluster.servers, cluster.nginx]:
            for path in pages:
                answer = Visitor(base).get(f"{path}{'&' if '?' in path else '?'}r={round}")
                assert answer.status == 200, (base, path, answer.status)
    editor = Visitor(cluster.b)
    editor.sign_in(cluster.publisher)  # a session in the database, not the cache
    later = draft_release(unique("Published while Redis is down"))
    publish(editor, later)
    for base in cluster.servers:
        assert Visitor(base).get(later.get_absolute_url()).status == 200, base
    print(f"{3 * 3 * len(pages) + 3} requests without Redis in {time.monotonic() - started:.1f} s")

    _redis("start")
    for base in cluster.servers:
        for path in pages:
            assert Visitor(base).get(path).status == 200, (base, path)
    # The one error logged: each process's report that the cache server went away.
    assert cluster.errors(expected="unreachable") == []
