"""Downloads are counted in the shared cache, never written by the request, and moved to the
database by a periodic task without losing or doubling a count."""

import multiprocessing
import socket
import threading

import pytest
from bs4 import BeautifulSoup
from django.core.cache import caches
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.tasks import TaskResultStatus
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from core import counters, periodic
from media_centre import download_counts
from media_centre.models import Document

from .conftest import (
    MINIMAL_PDF,
    downloads_counted,
    make_document,
    make_release,
    run_worker,
)

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@pytest.fixture
def document() -> Document:
    document = make_document(title="Annual report 2025", content=MINIMAL_PDF)
    make_release(pdf=document)
    return document


def download(client, document: Document):
    response = client.get(document.get_absolute_url())
    return response, b"".join(response.streaming_content)


def test_a_download_writes_nothing_to_the_database(client, document):
    with CaptureQueriesContext(connection) as queries:
        response, body = download(client, document)

    assert response.status_code == 200 and body == MINIMAL_PDF
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []
    assert download_counts.pending([document.pk]) == {document.pk: 1}
    assert Document.objects.get(pk=document.pk).download_count == 0
    assert downloads_counted(document) == 1
    assert download_counts.pending([document.pk]) == {}  # moved, not counted twice


class _WritesRefused:
    """The database refuses every write, as a full disk or a read-only replica does."""

    def __enter__(self):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA query_only = ON")
            else:  # until the savepoint is rolled back
                self.savepoint = transaction.savepoint_create()
                cursor.execute("SET TRANSACTION READ ONLY")
        return self

    def __exit__(self, *exc):
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA query_only = OFF")
        else:
            transaction.savepoint_rollback(self.savepoint)


def test_a_download_is_served_when_the_database_refuses_writes(client, document):
    with _WritesRefused():
        with pytest.raises(DatabaseError), transaction.atomic():  # the fault is real
            with connection.cursor() as cursor:
                cursor.execute("UPDATE media_centre_document SET download_count = 1")
        response, body = download(client, document)
        version = client.get(document.versions.get().get_absolute_url())

    assert response.status_code == 200 and body == MINIMAL_PDF
    assert version.status_code == 200
    assert downloads_counted(document) == 2  # and counted, once the database takes writes


def test_a_download_is_served_when_the_cache_server_is_down(client, document, caplog):
    with socket.socket() as probe:  # a port nothing listens on: connections are refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    stopped = {  # as production configures Redis (newsroom/settings.py)
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }

    with override_settings(CACHES=stopped):
        response, body = download(client, document)
        assert download_counts.pending([document.pk]) == {}  # the tally met the stopped cache
        moved = download_counts.flush_download_counts.call()

    assert response.status_code == 200 and body == MINIMAL_PDF
    assert "Could not count downloads" in caplog.text
    assert moved == 0  # nothing it can reach to move, and no error


def test_counts_arriving_during_a_flush_stay_for_the_next(client, document):
    download(client, document)
    download(client, document)

    def write_while_visitors_download(counts):
        download(client, document)  # after the flush read 2, before it lowers the counter
        download_counts._write(counts)

    moved = counters.flush("downloads", [document.pk], write_while_visitors_download)

    assert moved == 2
    assert Document.objects.get(pk=document.pk).download_count == 2
    assert download_counts.pending([document.pk]) == {document.pk: 1}
    assert downloads_counted(document) == 3


def test_a_failed_flush_loses_no_count(client, document):
    download(client, document)

    def refuse(counts):
        raise DatabaseError("database or disk is full")

    with pytest.raises(DatabaseError):
        counters.flush("downloads", [document.pk], refuse)

    assert download_counts.pending([document.pk]) == {document.pk: 1}
    assert downloads_counted(document) == 1


def test_two_flushes_at_once_move_each_count_once(client, document):
    download(client, document)

    def write_and_flush_again(counts):
        assert download_counts.flush_download_counts.call() == 0  # a second worker: skips
        download_counts._write(counts)

    assert counters.flush("downloads", [document.pk], write_and_flush_again) == 1
    assert downloads_counted(document) == 1


def _count_in_another_process(location: str, times: int) -> None:
    caches["default"]._cache = None  # nothing inherited from the parent's connections
    for _ in range(times):
        counters.add("downloads", 7)


def test_the_file_cache_counts_exactly_across_processes(settings, tmp_path):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FileCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    processes, each = 4, 250
    context = multiprocessing.get_context("fork")
    workers = [
        context.Process(target=_count_in_another_process, args=(str(tmp_path), each))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)

    assert [w.exitcode for w in workers] == [0] * processes
    assert counters.pending("downloads", [7]) == {7: processes * each}


def test_the_worker_moves_the_counts_on_its_schedule(client, document, task_queue):
    download(client, document)
    clock = periodic.Clock()

    enqueued = clock.tick(0)
    assert "media_centre.download_counts.flush_download_counts" in enqueued
    assert clock.tick(1) == []  # not due again yet
    run_worker()

    flushes = DBTaskResult.objects.filter(task_path__endswith="flush_download_counts")
    assert [f.status for f in flushes] == [TaskResultStatus.SUCCESSFUL]
    assert Document.objects.get(pk=document.pk).download_count == 1


def test_the_desk_shows_downloads_not_yet_moved_to_the_database(client, admin_client, document):
    download(client, document)
    download(client, document)
    Document.objects.filter(pk=document.pk).update(download_count=40)

    listing = admin_client.get(reverse("admin:media_centre_document_changelist"))
    detail = admin_client.get(reverse("admin:media_centre_document_change", args=[document.pk]))

    assert '<td class="field-downloads">42</td>' in listing.content.decode()
    row = BeautifulSoup(detail.content, "html.parser").select_one(".field-downloads .readonly")
    assert row.get_text(strip=True) == "42"


def test_a_download_is_counted_in_memory_and_reaches_the_shared_cache_within_seconds(
    client, document
):
    import time

    cache = caches["default"]
    key = f"counter:downloads:{document.pk}"
    download(client, document)
    assert cache.get(key) is None  # the request wrote no count to the cache itself

    deadline = time.monotonic() + 5
    while cache.get(key) is None and time.monotonic() < deadline:
        time.sleep(0.05)  # the process's tally thread moves it (core.counters.add_soon)
    assert cache.get(key) == 1
    assert downloads_counted(document) == 1


def _log(path, *lines: str) -> None:
    with open(path, "a") as log:
        log.write("".join(lines))


def test_downloads_in_the_front_servers_log_are_counted_once(client, document, settings, tmp_path):
    log = tmp_path / "downloads.log"
    settings.MEDIA_CENTRE_DOWNLOAD_LOG = str(log)
    other = make_document(title="Other", content=MINIMAL_PDF)
    address = f"/downloads/{document.pk}/annual-report-2025.pdf"
    _log(
        log,
        f'200 GET "-" {address}\n',
        f'206 GET "bytes=0-99" {address}\n',  # the first part of a download: counted
        f'206 GET "bytes=100-" {address}\n',  # a resumed download's later part: not
        f'304 GET "-" {address}\n',
        f'200 HEAD "-" {address}\n',
        f'404 GET "-" /downloads/{other.pk}/x.pdf\n',
        f'200 GET "-" /downloads/{document.pk}/v1/annual-report-2025.pdf?x=1\n',
        f'200 GET "-" /downloads/{other.pk}/other.pdf\n',
        f'200 GET "-" {address}',  # nginx is still writing this line
    )

    assert downloads_counted(document) == 3
    assert downloads_counted(other) == 1
    assert downloads_counted(document) == 3  # each line once

    _log(log, "\n")
    assert downloads_counted(document) == 4


def test_a_rotated_log_is_finished_before_the_new_one_is_read(document, settings, tmp_path):
    log = tmp_path / "downloads.log"
    settings.MEDIA_CENTRE_DOWNLOAD_LOG = str(log)
    address = f"/downloads/{document.pk}/annual-report-2025.pdf"
    _log(log, f'200 GET "-" {address}\n')
    assert downloads_counted(document) == 1
    _log(log, f'200 GET "-" {address}\n')  # after the last count, before the rotation
    log.rename(tmp_path / "downloads.log.1")
    _log(log, f'200 GET "-" {address}\n' * 2)

    assert downloads_counted(document) == 4
    log.write_text("")  # truncated in place (copytruncate)
    _log(log, f'200 GET "-" {address}\n')
    assert downloads_counted(document) == 5


def test_with_the_front_servers_log_django_counts_nothing_itself(
    client, document, settings, tmp_path
):
    settings.MEDIA_CENTRE_DOWNLOAD_LOG = str(tmp_path / "downloads.log")
    response, body = download(client, document)
    assert body == MINIMAL_PDF
    assert download_counts.pending([document.pk]) == {}
    assert downloads_counted(document) == 0  # no log yet: nothing to count, and no error


def test_a_flush_waits_for_the_tally_thread_moving_counts_to_the_cache(document, monkeypatch):
    """The thread had taken the count off the tally and not yet written it when the worker's
    flush looked: the flush found it nowhere and moved nothing (a flaky CI run under Redis)."""
    counters.add_soon(download_counts.COUNTER, document.pk)
    entered, release = threading.Event(), threading.Event()
    real_add = counters.add

    def slow_add(*args, **kwargs):
        entered.set()
        release.wait(5)
        return real_add(*args, **kwargs)

    monkeypatch.setattr(counters, "add", slow_add)
    mover = threading.Thread(target=counters._tally.move)
    mover.start()
    assert entered.wait(5)
    monkeypatch.setattr(counters, "add", real_add)
    threading.Timer(0.2, release.set).start()

    assert download_counts.flush_download_counts.call() == 1
    mover.join()
    assert Document.objects.get(pk=document.pk).download_count == 1
