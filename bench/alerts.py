"""One worker sending an alert to many confirmed subscribers through a local SMTP server.

    .venv/bin/python bench/alerts.py [--subscribers 10000]

A migrated, seeded copy of the site in a temporary folder (production settings, SQLite), the
subscribers and one alert's deliveries recorded as publishing records them, an SMTP server on
127.0.0.1 (aiosmtpd, accepting and counting), then `manage.py worker` started: the time from
the worker's start until no delivery waits, and from the first message accepted to the last.
Target: the whole batch in under two minutes on this machine. `make bench` runs it too.
"""

import argparse
import json
import sqlite3
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from background import Site, free_port

TARGET_SECONDS = 120

SET_UP = """
import datetime as dt
from django.utils import timezone
from media_centre.alerts import raising
from media_centre.models import PressRelease, Status, Subscriber
now = timezone.now()
Subscriber.objects.bulk_create(
    (Subscriber(email=f"reader{{n}}@example.org", language=("en", "zh-hant", "zh-hans")[n % 3],
                releases=True, confirmed_at=now) for n in range({count})),
    batch_size=1000,
)
release = PressRelease.objects.published().order_by("-publish_at").first()
alert = raising.raise_alert(release)
print(alert.deliveries.count())
"""


class Sink:
    """Accepts every message and notes when each arrived."""

    def __init__(self) -> None:
        self.arrivals: list[float] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.arrivals.append(time.monotonic())
        return "250 Message accepted"


def waiting(database: Path) -> int:
    with sqlite3.connect(database, timeout=30) as db:
        (count,) = db.execute(
            "SELECT COUNT(*) FROM media_centre_delivery WHERE status IN ('pending', 'sending')"
        ).fetchone()
    return count


def statuses(database: Path) -> dict[str, int]:
    with sqlite3.connect(database, timeout=30) as db:
        rows = db.execute(
            "SELECT status, COUNT(*) FROM media_centre_delivery GROUP BY status"
        ).fetchall()
    return dict(rows)


def measure(subscribers: int = 10_000) -> dict:
    with tempfile.TemporaryDirectory(prefix="newsroom-alerts-") as folder:
        root = Path(folder)
        site = Site(root, cache="", code=Path(__file__).resolve().parent.parent)
        site.setup()
        recorded = int(site.python(SET_UP.format(count=subscribers)))
        sink = Sink()
        port = free_port()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        site.env["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
        site.env["NEWSROOM_SITE_URL"] = "https://news.example.org"
        database = root / "db.sqlite3"
        started = time.monotonic()
        worker = site.worker()
        try:
            while waiting(database) and time.monotonic() - started < 10 * TARGET_SECONDS:
                time.sleep(0.25)
            finished = time.monotonic()
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
            controller.stop()
        arrivals = sorted(sink.arrivals)
        total = finished - started
        sending = (arrivals[-1] - arrivals[0]) if len(arrivals) > 1 else 0.0
        return {
            "subscribers": subscribers,
            "deliveries": recorded,
            "received": len(arrivals),
            "statuses": statuses(database),
            "seconds_total": round(total, 1),
            "seconds_sending": round(sending, 1),
            "messages_per_second": round(len(arrivals) / sending, 1) if sending else 0.0,
            "target_seconds": TARGET_SECONDS,
            "passed": len(arrivals) == recorded and total < TARGET_SECONDS,
        }


def markdown(row: dict) -> str:
    verdict = "pass" if row["passed"] else "FAIL"
    return "\n".join(
        [
            "## Email alerts: one worker, one alert",
            "",
            "| subscribers | received | seconds (worker start → none waiting) "
            "| seconds sending (first → last) | messages/s | target | |",
            "|---:|---:|---:|---:|---:|---|---|",
            f"| {row['subscribers']} | {row['received']} | {row['seconds_total']} "
            f"| {row['seconds_sending']} | {row['messages_per_second']} "
            f"| < {row['target_seconds']} s | {verdict} |",
            "",
            f"Deliveries by status afterwards: {row['statuses']}.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    args = parser.parse_args()
    row = measure(args.subscribers)
    print(markdown(row))
    print(json.dumps(row))


if __name__ == "__main__":
    main()
