"""Compressing the answers that hold no secret: Brotli or gzip, as the client asks.

The app compresses, not a front server: `make run` and a single box have none, and only the app
knows which answers are safe. BREACH reads a secret out of a compressed answer that also
reflects what an attacker sent, by watching its length; so only answers that are the same for
every anonymous visitor are compressed (the page cache marks them `Cache-Control: public`), and
never one that carries a CSRF token, sets a cookie, varies by cookie, goes to a signed-in user
or comes from the admin. Those are sent as they are, rather than padded with random bytes as
Django's GZipMiddleware does, which only slows an attacker down.

A public answer is the same bytes for everyone until its ETag changes, so each process keeps
its compressed forms (bounded, least recently used first): a stored page costs one compression
per version, not one per request.
"""

import gzip

import brotli
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from .page_cache import ProcessMemory

MIN_LENGTH = 200  # shorter answers gain nothing (Django's GZipMiddleware agrees)
COMPRESSIBLE_TYPES = (
    "text/",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/json",
    "application/ld+json",
    "application/javascript",
    "image/svg+xml",
)
PRIVATE_PATHS = ("/admin/",)
BROTLI_QUALITY = 5  # near the best ratio for text at a fraction of quality 11's time
GZIP_LEVEL = 6

_compressed = ProcessMemory(max_entries=2_000, max_bytes=16 * 2**20)
_TOKEN = "compressed"  # one lasting generation: entries are keyed by the answer's own ETag


def accepted_coding(header: str) -> str | None:
    """ "br" or "gzip", whichever the Accept-Encoding header prefers (Brotli on a tie); None
    when it accepts neither. Follows q-values: `gzip;q=0` refuses gzip."""
    weights: dict[str, float] = {}
    for part in header.split(","):
        name, *params = part.split(";")
        name = name.strip().lower()
        if not name:
            continue
        weight = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[name] = weight
    anything = weights.get("*", 0.0)
    brotli_weight = weights.get("br", anything)
    gzip_weight = weights.get("gzip", weights.get("x-gzip", anything))
    if max(brotli_weight, gzip_weight) <= 0:
        return None
    return "br" if brotli_weight >= gzip_weight else "gzip"


def is_public(response: HttpResponse) -> bool:
    cache_control = {
        part.split("=")[0].strip().lower() for part in response.get("Cache-Control", "").split(",")
    }
    return "public" in cache_control and not cache_control & {"private", "no-store"}


def _holds_no_secret(request: HttpRequest, response: HttpResponse) -> bool:
    if request.path.startswith(PRIVATE_PATHS) or not is_public(response):
        return False
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # a CSRF token in the page, or a cookie of this visitor's own
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",")}
    if "cookie" in vary:
        return False
    user = getattr(request, "user", None)  # absent when a stored page answered
    return not (user is not None and user.is_authenticated)


def _compressible(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.has_header("Content-Encoding")
        and not response.has_header("Content-Range")
        and response.get("Content-Type", "").split(";")[0].strip().startswith(COMPRESSIBLE_TYPES)
        and len(response.content) >= MIN_LENGTH
    )


def _compress(content: bytes, coding: str) -> bytes:
    if coding == "br":
        return brotli.compress(content, quality=BROTLI_QUALITY)
    return gzip.compress(content, GZIP_LEVEL, mtime=0)


def _weak(etag: str) -> str:
    """A compressed answer is another representation: its ETag becomes weak (RFC 9110 8.8.1), so
    If-None-Match, which compares weakly, still matches, as with Django's GZipMiddleware."""
    return "W/" + etag if etag.startswith('"') else etag


class CompressionMiddleware:
    """Compresses public answers for clients that accept Brotli or gzip. Placed outside the page
    cache, which stores and validates the plain bytes; every variant says so in its Vary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 304 and is_public(response):
            # The headers the full answer would have had (RFC 9110 15.4.5).
            patch_vary_headers(response, ("Accept-Encoding",))
            if "ETag" in response and accepted_coding(request.headers.get("Accept-Encoding", "")):
                response["ETag"] = _weak(response["ETag"])
            return response
        if not _compressible(response) or not _holds_no_secret(request, response):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        coding = accepted_coding(request.headers.get("Accept-Encoding", ""))
        if coding is None:
            return response
        etag = response.get("ETag", "")
        key = f"{coding}:{len(response.content)}:{etag}"
        compressed = _compressed.get(_TOKEN, key) if etag else None
        if compressed is None:
            compressed = _compress(response.content, coding)
            if etag:
                _compressed.set(_TOKEN, key, compressed, len(compressed))
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response["Content-Length"] = str(len(compressed))
        response["Content-Encoding"] = coding
        if etag:
            response["ETag"] = _weak(etag)
        return response
