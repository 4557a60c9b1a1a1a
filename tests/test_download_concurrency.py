"""Many visitors downloading one document at once: every full download is counted, none fails."""

import threading

import pytest
from django.db import connection
from django.test import Client

from .conftest import MINIMAL_PDF, make_document, make_release

THREADS, DOWNLOADS_EACH = 16, 25


@pytest.mark.django_db(transaction=True)
def test_concurrent_downloads_are_all_counted():
    document = make_document(title="Annual report 2025", content=MINIMAL_PDF)
    make_release(pdf=document)
    url = document.get_absolute_url()
    failures: list[str] = []
    start = threading.Barrier(THREADS)

    def visitor(n: int) -> None:
        client = Client()
        try:
            start.wait()
            for i in range(DOWNLOADS_EACH):
                response = client.get(url)
                if response.status_code != 200:
                    failures.append(f"{n}/{i}: {response.status_code}")
                elif b"".join(response.streaming_content) != MINIMAL_PDF:
                    failures.append(f"{n}/{i}: incomplete body")
        except Exception as error:  # e.g. "database is locked", re-raised by the test client
            failures.append(f"{n}: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=visitor, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not any(thread.is_alive() for thread in threads)
    assert not failures
    document.refresh_from_db()
    assert document.download_count == THREADS * DOWNLOADS_EACH
