"""Many visitors downloading one document at once: every full download is counted, none fails."""

import pytest

from .conftest import MINIMAL_PDF, all_at_once, downloads_counted, make_document, make_release

THREADS, DOWNLOADS_EACH = 16, 25


@pytest.mark.django_db(transaction=True)
def test_concurrent_downloads_are_all_counted():
    document = make_document(title="Annual report 2025", content=MINIMAL_PDF)
    make_release(pdf=document)
    url = document.get_absolute_url()

    def download(client, n: int) -> list[str]:
        failures = []
        for i in range(DOWNLOADS_EACH):
            response = client.get(url)
            if response.status_code != 200:
                failures.append(f"{n}/{i}: {response.status_code}")
            elif b"".join(response.streaming_content) != MINIMAL_PDF:
                failures.append(f"{n}/{i}: incomplete body")
        return failures

    assert not all_at_once(THREADS, download)
    assert downloads_counted(document) == THREADS * DOWNLOADS_EACH
