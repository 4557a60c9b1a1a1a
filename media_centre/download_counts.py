"""Download counts: counted in the shared cache as files are served, and moved to the database by
a periodic task, so that a download writes nothing to the database (core.counters).

Behind nginx, most downloads never reach Django (its cache answers them): nginx writes each
download to its own log (deploy/nginx, `log_format newsroom_downloads`), and the same periodic
task counts the lines added since it last read (MEDIA_CENTRE_DOWNLOAD_LOG). Django then counts
nothing itself, so no download is counted twice.
"""

import logging
import os
import re
from collections import Counter
from collections.abc import Hashable

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.tasks import task

from core import counters

from .models import Document, DownloadLogPosition

COUNTER = "downloads"
# `$status $request_method "$http_range" $request_uri`: the address names the document.
LOG_LINE = re.compile(rb'^(\d{3}) (\S+) "([^"]*)" /downloads/(\d+)/')
# A log read in pieces of at most this many bytes, each counted in its own transaction.
LOG_CHUNK = 4 * 2**20

logger = logging.getLogger(__name__)


def count(document_id: int) -> None:
    """One more download of the document, added to the shared cache within about a second by a
    thread of this process (core.counters.add_soon); never fails the download."""
    counters.add_soon(COUNTER, document_id)


def pending(document_ids: list[int]) -> dict[Hashable, int]:
    """Downloads counted and not yet in the database, by document id."""
    return counters.pending(COUNTER, document_ids)


def _write(counts: dict[Hashable, int]) -> None:
    with transaction.atomic():
        for document_id, amount in counts.items():
            Document.objects.filter(pk=document_id).update(
                download_count=F("download_count") + amount
            )


def _logged_download(line: bytes) -> int | None:
    """The document a log line is a download of: a whole GET, or the first part of one (a
    resumed download's later parts, HEAD, 304 and errors are not downloads)."""
    match = LOG_LINE.match(line)
    if match is None:
        return None
    status, method, wanted, document_id = match.groups()
    if method != b"GET":
        return None
    if status == b"200" or (status == b"206" and wanted.startswith(b"bytes=0-")):
        return int(document_id)
    return None


def _count_lines(position: DownloadLogPosition, handle, inode: int, start: int) -> int:
    """Count the whole lines from `start` in one transaction per piece; the position moves
    with the counts. Returns how many downloads were counted."""
    added = 0
    offset = start
    while True:
        handle.seek(offset)
        piece = handle.read(LOG_CHUNK)
        end = piece.rfind(b"\n") + 1
        if end == 0:
            return added  # nothing, or half a line nginx is still writing
        counts = Counter(
            found
            for line in piece[:end].splitlines()
            if (found := _logged_download(line)) is not None
        )
        offset += end
        with transaction.atomic():
            _write(counts)
            DownloadLogPosition.objects.filter(pk=position.pk).update(inode=inode, offset=offset)
        position.inode, position.offset = inode, offset
        added += sum(counts.values())


def count_logged_downloads() -> int:
    """Count the downloads the front server logged since the last time (none without a log).

    A log rotated away (renamed, as logrotate does) is finished first from `PATH.1`; a log
    truncated in place (copytruncate) is read again from its start."""
    path = settings.MEDIA_CENTRE_DOWNLOAD_LOG
    if not path:
        return 0
    position, _created = DownloadLogPosition.objects.get_or_create(path=path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed below)
    except OSError:
        logger.warning("Cannot read the download log %s", path, exc_info=True)
        return 0
    added = 0
    with handle:
        stat = os.fstat(handle.fileno())
        if position.inode and position.inode != stat.st_ino:
            try:
                with open(path + ".1", "rb") as rotated:
                    if os.fstat(rotated.fileno()).st_ino == position.inode:
                        added += _count_lines(position, rotated, position.inode, position.offset)
            except OSError:
                logger.warning("The download log was rotated away: its last lines are lost")
            position.offset = 0
        start = position.offset if position.offset <= stat.st_size else 0
        added += _count_lines(position, handle, stat.st_ino, start)
        if position.inode != stat.st_ino:  # an empty new log: remember which file it is
            DownloadLogPosition.objects.filter(pk=position.pk).update(inode=stat.st_ino, offset=0)
    return added


@task(priority=10)
def flush_download_counts() -> int:
    """Add the downloads counted in the cache, and those in the front server's log, to each
    document's count; how many were added."""
    logged = count_logged_downloads()
    return logged + counters.flush(
        COUNTER, Document.objects.order_by("pk").values_list("pk", flat=True).iterator(), _write
    )
