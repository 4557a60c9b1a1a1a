"""Serving a file as a careful static server would: validators, one range, streaming, counting.

Follows Wagtail's documents/views/serve.py: the stored checksum is the ETag, the name in the
address must match, `Content-Disposition` carries `filename*`, and the file gets its own CSP.
"""

import logging
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.utils.http import http_date, parse_etags, parse_http_date_safe

CHUNK_SIZE = 64 * 1024
SINGLE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredFile:
    """What serving needs to know about one stored file, whichever model it belongs to."""

    name: str  # the storage name
    download_name: str
    media_type: str
    size: int
    sha256: str
    last_modified: datetime
    immutable: bool = False  # a content-addressed version that never changes
    public: bool = True  # False for a staff preview of something not yet public


def content_disposition(download_name: str, media_type: str) -> str:
    """`inline` or `attachment`, with an ASCII `filename` and an RFC 5987 `filename*`."""
    kind = "inline" if media_type in settings.MEDIA_CENTRE_INLINE_TYPES else "attachment"
    path = PurePath(download_name)
    ascii_stem = unicodedata.normalize("NFKD", path.stem).encode("ascii", "ignore").decode("ascii")
    ascii_stem = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_stem).strip("-.") or "document"
    fallback = ascii_stem + path.suffix.encode("ascii", "ignore").decode("ascii")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(download_name, safe='')}"


def _precondition_failed(request: HttpRequest, stored: StoredFile) -> bool:
    """RFC 9110 13.2.2, steps 1 and 2: If-Match compares strongly (`*` matches the file, a weak
    tag never does); without it, If-Unmodified-Since fails when the file changed after it."""
    if_match = request.headers.get("If-Match")
    if if_match is not None:
        tags = parse_etags(if_match)
        return "*" not in tags and f'"{stored.sha256}"' not in tags
    since = parse_http_date_safe(request.headers.get("If-Unmodified-Since", ""))
    return since is not None and int(stored.last_modified.timestamp()) > since


def _not_modified(request: HttpRequest, stored: StoredFile) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = parse_etags(if_none_match)
        return "*" in tags or f'"{stored.sha256}"' in {t.removeprefix("W/") for t in tags}
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and int(stored.last_modified.timestamp()) <= since


def _requested_range(request: HttpRequest, stored: StoredFile) -> tuple[int, int] | None | str:
    """(start, end inclusive) for one satisfiable range; None to send it all; "416" if not."""
    header = request.headers.get("Range")
    if not header or stored.size == 0:
        return None
    if_range = request.headers.get("If-Range")
    if if_range is not None:
        matches_tag = if_range.strip() == f'"{stored.sha256}"'
        matches_date = parse_http_date_safe(if_range) == int(stored.last_modified.timestamp())
        if not (matches_tag or matches_date):
            return None  # the copy the client holds has changed: send the whole new file
    match = SINGLE_RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None  # malformed, or several ranges: a server may answer with the whole file
    first, last = match.groups()
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            return "416"
        return max(stored.size - length, 0), stored.size - 1
    start = int(first)
    end = min(int(last), stored.size - 1) if last else stored.size - 1
    if start >= stored.size or (last and int(last) < start):
        return "416" if start >= stored.size else None
    return start, end


def _open(storage: Storage, name: str):
    """The stored file, opened before any byte is sent: a file missing from storage is a clear
    404 for the visitor and an error in the log, not a connection dropped mid-answer."""
    try:
        return storage.open(name, "rb")
    except OSError:  # FileNotFoundError, or the object store refused
        logger.error("The file of a document is missing from storage: %s", name)
        raise Http404 from None


def _stream(handle, start: int, length: int) -> Iterator[bytes]:
    with handle:
        if start:
            handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk


def _hand_over(storage: Storage, name: str) -> tuple[str, str] | None:
    """The front server's header for this file, when one is configured (nginx, Apache).

    Only files on the local disk can be handed over; object storage is streamed."""
    mode = settings.MEDIA_CENTRE_SENDFILE
    if not mode or not isinstance(storage, FileSystemStorage):
        return None
    if mode == "x-accel-redirect":
        return "X-Accel-Redirect", settings.MEDIA_CENTRE_SENDFILE_ROOT + quote(name)
    return "X-Sendfile", storage.path(name)


def serve(
    request: HttpRequest,
    stored: StoredFile,
    count: Callable[[], None],
    storage: Storage = default_storage,
) -> HttpResponse:
    """Answer GET or HEAD for `stored`; `count` records one download, called once per full one."""
    headers = {
        "ETag": f'"{stored.sha256}"',
        "Last-Modified": http_date(stored.last_modified.timestamp()),
        "Cache-Control": _cache_control(stored),
        "Accept-Ranges": "bytes",
        "Content-Security-Policy": "default-src 'none'",
        "X-Content-Type-Options": "nosniff",
        "Cross-Origin-Resource-Policy": "same-origin",
    }
    if _precondition_failed(request, stored):
        return HttpResponse(status=412)
    if _not_modified(request, stored):
        response = HttpResponse(status=304)
        for key in ("ETag", "Last-Modified", "Cache-Control"):
            response[key] = headers[key]
        return response

    wanted = _requested_range(request, stored)
    if wanted == "416":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{stored.size}"
        response["Accept-Ranges"] = "bytes"
        return response

    start, end = wanted if wanted else (0, max(stored.size - 1, 0))
    length = end - start + 1 if stored.size else 0
    is_get = request.method == "GET"
    # A public file a front cache may keep (MEDIA_CENTRE_FRONT_CACHE_SECONDS) is sent whole, not
    # handed over: nginx stores no answer it was handed, and sends the stored one itself.
    front_cache = settings.MEDIA_CENTRE_FRONT_CACHE_SECONDS if stored.public else 0
    hand_over = None if front_cache else _hand_over(storage, stored.name)
    if not is_get or hand_over:
        response = HttpResponse(status=206 if wanted and not hand_over else 200)
    elif not wanted:
        # The whole file: the server sends it with sendfile() where it can (wsgi.file_wrapper).
        response = FileResponse(_open(storage, stored.name))
    else:
        response = StreamingHttpResponse(
            _stream(_open(storage, stored.name), start, length), status=206 if wanted else 200
        )
    for key, value in headers.items():
        response[key] = value
    response["Content-Type"] = stored.media_type or "application/octet-stream"
    response["Content-Disposition"] = content_disposition(stored.download_name, stored.media_type)
    if hand_over:
        response[hand_over[0]] = hand_over[1]
        del response["Accept-Ranges"]  # the front server answers ranges itself
    else:
        response["Content-Length"] = str(length)
        if wanted:
            response["Content-Range"] = f"bytes {start}-{end}/{stored.size}"
    if front_cache:
        # How long nginx may answer with it (for nginx only; hidden from the client): a file
        # withdrawn stops being sent within that time.
        response["X-Accel-Expires"] = str(front_cache)
    if is_get and start == 0 and not settings.MEDIA_CENTRE_DOWNLOAD_LOG:
        # A resumed download's later parts are not new downloads. With the front server's
        # download log, the worker counts from the log (download_log), every answer it sent.
        count()
    return response


def _cache_control(stored: StoredFile) -> str:
    if not stored.public:
        return "private, no-cache"
    if stored.immutable:
        return "public, max-age=31536000, immutable"
    # The stable address may serve a newer file, or stop serving when its item is withdrawn.
    return f"public, max-age={settings.MEDIA_CENTRE_DOWNLOAD_MAX_AGE}"
