"""A publisher for the news spike (bench/spike.py): publishes a new press release every N
seconds until interrupted, as the desk's "Publish now" leaves it, and prints how many. Then
deletes them.

    DJANGO_SETTINGS_MODULE=bench.settings ... python bench/publisher.py 10
"""

import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from media_centre.models import PressRelease  # noqa: E402
from media_centre.models.publishing import Status  # noqa: E402

stopping = False


def stop(*_) -> None:
    global stopping
    stopping = True


def publish(number: int) -> None:
    now = timezone.now()
    stamp = now.strftime("%Y%m%d%H%M%S")
    PressRelease.objects.create(
        headline=f"Spike release {stamp} number {number}",
        slug=f"spike-{stamp}-{number}",
        release_date=timezone.localdate(now),
        dateline_place="Hong Kong",
        summary="A release published during the benchmark's news spike.",
        body="<p>A release published during the benchmark's news spike.</p>",
        status=Status.PUBLISHED,
        publish_at=now,
    )


def main() -> None:
    every = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    published = 0
    next_at = time.monotonic() + every
    while not stopping:
        time.sleep(min(0.2, max(0.0, next_at - time.monotonic())))
        if time.monotonic() >= next_at and not stopping:
            published += 1
            publish(published)
            next_at += every
    # The benchmark's archive stays as it was: the next run picks the same pages.
    PressRelease.objects.filter(slug__startswith="spike-").delete()
    print(f"PUBLISHED {published}", flush=True)


if __name__ == "__main__":
    main()
