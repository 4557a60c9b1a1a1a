"""The anonymous page cache: every visitor without a session gets the same stored bytes.

Public pages are the same for every anonymous visitor (the consent banner's state comes from a
separate stylesheet, see consent.views), so a whole response can be stored once and served to
everyone until the content changes. Correct invalidation rests on one shared *generation*:

- Every stored page is keyed by the current generation token. Any write to content (a save,
  delete or relation change in `media_centre` or `consent`, or a bulk change that calls
  `invalidate()`) deletes the generation once the transaction commits, so the next request
  starts a new one and no stored page of the old one is reachable again.
- Publishing also changes with the clock (an embargo lifting, an `unpublish_at` passing, a
  policy coming into force, an event moving from upcoming to past at midnight). A generation
  therefore lives only until the next such moment, computed when it starts.
- The generation lives in Django's cache, so all processes that share a cache (Redis, or the
  file cache that production uses by default) share it: a publish in one process is seen by
  every other at once.

Every public page also gets an ETag (a hash of its bytes), a Last-Modified (when its generation
began: nothing public changed since), a 304 for a matching conditional request, and a
Cache-Control that lets browsers and CDNs keep it briefly and revalidate cheaply. All of this
applies with the page cache switched off too (`NEWSROOM_PAGE_CACHE=false`); only the storing
and serving of whole pages is switched.
"""

import datetime as dt
import hashlib
import pickle
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from functools import cache as memoise
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date

GENERATION_KEY = "page-cache:generation"
PAGE_KEY_PREFIX = "page-cache:page:"
WATCHED_APPS = {"media_centre", "consent"}
# Writes that never change what a page shows: the consent log, the search index, requests for
# accessible versions, image renditions made at upload.
IGNORED_MODELS = {
    "consent.consentrecord",
    "media_centre.searchentry",
    "media_centre.accessibilityrequest",
}
SKIPPED_PREFIXES = ("/admin/", "/static/", "/media/", "/downloads/", "/images/", "/healthz")
MAX_QUERY_LENGTH = 256  # longer query strings are answered but never stored


# --- The generation ------------------------------------------------------------------------


def invalidate() -> None:
    """Every stored page is out of date: now, and again when the current transaction commits
    (a request reading between the write and the commit would otherwise start a generation
    that still holds the old rows)."""
    cache.delete(GENERATION_KEY)
    transaction.on_commit(lambda: cache.delete(GENERATION_KEY))


class InvalidatingQuerySet(models.QuerySet):
    """Bulk writes send no signals: they report themselves through `written()`, which empties
    the page cache (subclasses may clear more)."""

    def written(self) -> None:
        invalidate()

    def update(self, **kwargs):
        result = super().update(**kwargs)
        self.written()
        return result

    def delete(self):
        result = super().delete()
        self.written()
        return result

    def bulk_create(self, *args, **kwargs):
        result = super().bulk_create(*args, **kwargs)
        self.written()
        return result

    def bulk_update(self, *args, **kwargs):
        result = super().bulk_update(*args, **kwargs)
        self.written()
        return result


def _on_write(sender, **kwargs) -> None:
    if sender._meta.app_label in WATCHED_APPS and sender._meta.label_lower not in IGNORED_MODELS:
        invalidate()


def connect() -> None:
    post_save.connect(_on_write, dispatch_uid="page-cache-save")
    post_delete.connect(_on_write, dispatch_uid="page-cache-delete")
    m2m_changed.connect(_on_write, dispatch_uid="page-cache-m2m")


def _clock_columns():
    """The columns whose times change what the public sees when they pass."""
    from consent.models import PolicyVersion

    from .models import Event, MoU, Person, PressRelease, Study

    for model in (PressRelease, Event, MoU, Study, Person):
        yield model, "publish_at"
        yield model, "unpublish_at"
    yield PolicyVersion, "published_at"


def next_change(now: dt.datetime) -> dt.datetime:
    """The next moment at which the clock alone changes a public page: an embargo lifting, an
    item's unpublish time, a cookie policy coming into force, or midnight (events move from
    upcoming to past by date). One query, however many kinds of content there are."""
    quote, ops = connection.ops.quote_name, connection.ops
    parts = []
    for model, name in _clock_columns():
        column = quote(model._meta.get_field(name).column)
        parts.append(f"SELECT MIN({column}) FROM {quote(model._meta.db_table)} WHERE {column} > %s")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), [ops.adapt_datetimefield_value(now)] * len(parts))
        found = [_aware(row[0]) for row in cursor.fetchall() if row[0] is not None]
    return min([_next_midnight(now), *found])


def _aware(value: dt.datetime | str) -> dt.datetime:
    """SQLite answers a raw query with text; the database stores UTC."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)


def _next_midnight(now: dt.datetime) -> dt.datetime:
    local = timezone.localtime(now)
    tomorrow = local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time.min, tzinfo=local.tzinfo)


# The generation an anonymous page request read when it began (set by the middleware): the
# request's remembered values all come from it, without reading the shared cache again.
_request_generation: ContextVar[tuple[str, int] | None] = ContextVar(
    "page_cache_generation", default=None
)


def generation() -> tuple[str, int]:
    """The current generation: (token, the time it began as a timestamp)."""
    current = _request_generation.get() or cache.get(GENERATION_KEY)
    if current is not None:
        return current
    now = timezone.now()
    lifetime = (next_change(now) - now).total_seconds()
    lifetime = max(1, min(int(lifetime) + 1, settings.NEWSROOM_PAGE_CACHE_SECONDS))
    current = (build_id() + secrets.token_hex(8), int(now.timestamp()))
    # Another process may have started one meanwhile: keep theirs, so both share pages.
    if not cache.add(GENERATION_KEY, current, timeout=lifetime):
        current = cache.get(GENERATION_KEY) or current
    return current


_MISSING = object()


class ProcessMemory:
    """What this process already holds of one generation, in front of the shared cache: reading
    it costs no round trip to the file cache or Redis and no unpickling. It is only ever asked
    with the token the shared cache holds now, and empties itself when that token changes, so it
    never serves anything the shared cache would not. Bounded (least recently used goes first),
    so a worker's memory stays flat however many pages a crawler walks through."""

    def __init__(self, max_entries: int, max_bytes: int):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self.token = ""
        self.entries: OrderedDict[str, tuple[object, int]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def _follow(self, token: str) -> None:
        if token != self.token:
            self.token, self.size = token, 0
            self.entries.clear()

    def get(self, token: str, key: str, default=None):
        with self.lock:
            self._follow(token)
            found = self.entries.get(key)
            if found is None:
                return default
            self.entries.move_to_end(key)
            return found[0]

    def set(self, token: str, key: str, value, size: int = 0) -> None:
        if size > self.max_bytes:
            return
        with self.lock:
            self._follow(token)
            if (old := self.entries.pop(key, None)) is not None:
                self.size -= old[1]
            self.entries[key] = (value, size)
            self.size += size
            while len(self.entries) > self.max_entries or self.size > self.max_bytes:
                self.size -= self.entries.popitem(last=False)[1][1]


# Each process's copies, counted in bytes (a value as pickled, a page as sent).
remembered = ProcessMemory(max_entries=2_000, max_bytes=32 * 2**20)
pages = ProcessMemory(max_entries=2_000, max_bytes=64 * 2**20)


def remember[T](name: str, compute: Callable[[], T], keep: Callable[[T], bool] | None = None) -> T:
    """A value derived from the content (a list's years, its number of items), computed once per
    generation: the same invalidation as stored pages, whether the page cache is on or off.
    Each process keeps what it has read (see ProcessMemory), so the value is shared between
    requests: treat it as read-only. `keep` may refuse to remember a value (one worth little and
    costly to hold). While developing (DEBUG), nothing is remembered, so that an edited template
    shows at once."""
    if settings.DEBUG:
        return compute()
    token, _ = generation()
    value = remembered.get(token, name, _MISSING)
    if value is not _MISSING:
        return value
    key = "page-cache:memo:" + hashlib.sha256(f"{token}:{name}".encode()).hexdigest()
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        if keep is not None and not keep(value):
            return value
        cache.set(key, value, settings.NEWSROOM_PAGE_CACHE_SECONDS)
    remembered.set(token, name, value, _size(value))
    return value


def _size(value) -> int:
    """About what a remembered value holds, to keep each process's copy within its bytes."""
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, int | float | bool | None):
        return 0
    return len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


@memoise
def build_id() -> str:
    """Changes when the code that renders pages changes (a deploy), so a shared cache that
    outlives a deploy never serves pages made by the old templates or catalogues."""
    digest = hashlib.sha256(settings.NEWSROOM_BUILD.encode())
    roots = [Path(settings.BASE_DIR) / "templates", *map(Path, settings.LOCALE_PATHS)]
    manifest = Path(settings.STATIC_ROOT or "") / "staticfiles.json"
    for root in roots:
        for path in sorted(root.rglob("*")) if root.is_dir() else ():
            if path.suffix in {".html", ".txt", ".xml", ".mo"}:
                stat = path.stat()
                digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    if settings.STATIC_ROOT and manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:8]


# --- The middleware ------------------------------------------------------------------------


def _anonymous_read(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(SKIPPED_PREFIXES)
    )


def _public_page(request: HttpRequest, response: HttpResponse) -> bool:
    """A response that is the same for every anonymous visitor and says nothing against storing
    it: views that need other rules (previews, consent state, files) set Cache-Control, and a
    page with a CSRF token (a form) belongs to one visitor."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if response.has_header("Cache-Control") or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    return vary <= {"accept-encoding", "cookie"}


def _vary_without_cookie(response: HttpResponse) -> None:
    """Looking up the user (anonymous: no session cookie) makes Django add `Vary: Cookie`; the
    page does not depend on cookies, and keeping it would make every visitor's consent cookie a
    separate copy in a CDN. Requests with a session cookie never share these pages: the page
    cache skips them, and a CDN must be told to bypass its cache for them (README)."""
    vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
    kept = [v for v in vary if v.lower() != "cookie"]
    if kept:
        response["Vary"] = ", ".join(kept)
    elif "Vary" in response:
        del response["Vary"]


def _page_key(request: HttpRequest, token: str) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return PAGE_KEY_PREFIX + token + ":" + hashlib.sha256(address.encode()).hexdigest()


def _mark_public(response: HttpResponse, began: int) -> None:
    _vary_without_cookie(response)
    if not response.has_header("ETag"):
        response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    # Not a feed's or sitemap's own date of its newest item: withdrawing that item would move
    # the date back, and a client holding the newer date would be told nothing changed.
    response["Last-Modified"] = http_date(began)
    patch_cache_control(
        response,
        public=True,
        max_age=0,  # browsers revalidate each time: a 304 costs a few bytes
        s_maxage=settings.NEWSROOM_CDN_MAX_AGE,  # a CDN may keep it this long
        stale_if_error=24 * 60 * 60,  # and serve it if the site is down
    )


class PageCacheMiddleware:
    """Serves anonymous GETs of public pages from the cache; marks every public page for
    conditional requests and CDNs. Placed first, so a stored page skips all other layers (the
    headers they added are stored with it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _anonymous_read(request):
            return self.get_response(request)
        current = generation()
        token, began = current
        stored = (
            settings.NEWSROOM_PAGE_CACHE
            and len(request.META.get("QUERY_STRING", "")) <= MAX_QUERY_LENGTH
        )
        key = _page_key(request, token) if stored else ""
        if stored and (hit := self._stored(token, key)) is not None:
            content, headers = hit
            response = HttpResponse(content, headers=headers)
            response["X-Page-Cache"] = "hit"
            return self._conditional(request, response, began)
        reset = _request_generation.set(current)
        try:
            response = self.get_response(request)
        finally:
            _request_generation.reset(reset)
        if not _public_page(request, response):
            return response
        _mark_public(response, began)
        if stored and request.method == "GET":
            page = (response.content, dict(response.items()))
            cache.set(key, page, settings.NEWSROOM_PAGE_CACHE_SECONDS)
            pages.set(token, key, page, len(page[0]))
            response["X-Page-Cache"] = "miss"
        return self._conditional(request, response, began)

    @staticmethod
    def _stored(token: str, key: str) -> tuple[bytes, dict] | None:
        """The page as this process holds it, or as the shared cache does (another process may
        have stored it)."""
        if (page := pages.get(token, key)) is None and (page := cache.get(key)) is not None:
            pages.set(token, key, page, len(page[0]))
        return page

    @staticmethod
    def _conditional(request: HttpRequest, response: HttpResponse, began: int) -> HttpResponse:
        """A 304 when the visitor holds this page (its Last-Modified is `began`, stored or not)."""
        if request.method == "HEAD":
            response.content = b""
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=began, response=response
        )
