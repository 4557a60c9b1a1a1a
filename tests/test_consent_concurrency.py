"""Many visitors choosing at once: every choice is recorded, none lost or failed."""

import threading

import pytest
from django.db import connection
from django.test import Client

from consent.models import Category, ConsentRecord, PolicyVersion

THREADS, CHOICES_EACH = 8, 15


@pytest.mark.django_db(transaction=True)
def test_concurrent_choices_lose_no_record():
    Category.objects.create(slug="necessary", name="Necessary", description="x", is_necessary=True)
    Category.objects.create(slug="performance", name="Performance", description="x", order=1)
    PolicyVersion.objects.create(
        version=1, last_updated="2021-06-02", published_at="2021-06-02T00:00Z",
        banner_text="b", introduction="i",
    )  # fmt: skip
    failures: list[str] = []
    start = threading.Barrier(THREADS)

    def visitor(n: int) -> None:
        client = Client()
        start.wait()
        try:
            for i in range(CHOICES_EACH):
                action = ("accept-all", "reject-all")[(n + i) % 2]
                response = client.post(
                    "/consent/",
                    {"action": action, "next": "/en/"},
                    headers={"sec-fetch-site": "same-origin"},
                )
                if response.status_code != 303:
                    failures.append(f"{n}/{i}: {response.status_code}")
        finally:
            connection.close()

    threads = [threading.Thread(target=visitor, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not failures
    assert ConsentRecord.objects.count() == THREADS * CHOICES_EACH
    assert ConsentRecord.objects.values("consent_id").distinct().count() == THREADS
