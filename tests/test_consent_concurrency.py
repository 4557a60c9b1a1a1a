"""Many visitors choosing at once: every choice is recorded, none lost or failed."""

import pytest

from consent.models import Category, ConsentRecord, PolicyVersion

from .conftest import all_at_once

THREADS, CHOICES_EACH = 8, 15


@pytest.mark.django_db(transaction=True)
def test_concurrent_choices_lose_no_record(settings):
    settings.CONSENT_CHOICES_PER_MINUTE = 10_000  # every visitor here posts from 127.0.0.1
    Category.objects.create(slug="necessary", name="Necessary", description="x", is_necessary=True)
    Category.objects.create(slug="performance", name="Performance", description="x", order=1)
    PolicyVersion.objects.create(
        version=1, last_updated="2021-06-02", published_at="2021-06-02T00:00Z",
        banner_text="b", introduction="i",
    )  # fmt: skip

    def choose(client, n: int) -> list[str]:
        failures = []
        for i in range(CHOICES_EACH):
            action = ("accept-all", "reject-all")[(n + i) % 2]
            response = client.post(
                "/consent/",
                {"action": action, "next": "/en/"},
                headers={"sec-fetch-site": "same-origin"},
            )
            if response.status_code != 303:
                failures.append(f"{n}/{i}: {response.status_code}")
        return failures

    failures = all_at_once(THREADS, choose)
    assert not failures
    assert ConsentRecord.objects.count() == THREADS * CHOICES_EACH
    assert ConsentRecord.objects.values("consent_id").distinct().count() == THREADS
