"""The anonymous page cache: every visitor without a session gets the same stored bytes.

Public pages are the same for every anonymous visitor (a visitor's own state, such as the
consent banner's, comes from separate requests), so a whole response can be stored once and
served to everyone until the content changes: every stored page is keyed by the current
generation (see `generation`), which any write to a registered model or the clock ends.

Every public page also gets an ETag (a hash of its bytes), a Last-Modified (when its generation
began: nothing public changed since), a 304 for a matching conditional request, and a
Cache-Control that lets browsers and CDNs keep it briefly and revalidate cheaply. All of this
applies with the page cache switched off too (`NEWSROOM_PAGE_CACHE=false`); only the storing
and serving of whole pages is switched.
"""

import hashlib
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from .generation import generation, request_generation
from .memory import pages

PAGE_KEY_PREFIX = "page-cache:page:"
SKIPPED_PREFIXES = (
    "/admin/",
    "/static/",
    "/media/",
    "/downloads/",
    "/images/",
    "/healthz",
    "/readyz",
)
MAX_QUERY_LENGTH = 256  # longer query strings are answered but never stored


def mark_preview(request: HttpRequest) -> None:
    """This request shows staff what is not public (yet): nothing it renders may be kept."""
    request.is_preview = True


def is_preview(request: HttpRequest | None) -> bool:
    return bool(getattr(request, "is_preview", False))


def _anonymous_read(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(SKIPPED_PREFIXES)
        and not _signed_in(request)
    )


def _signed_in(request: HttpRequest) -> bool:
    """Whether the session cookie names a session someone signed in to. A made-up cookie must
    not send a request past the stored pages: it costs one session lookup, not a rendering."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    if len(key) > 64 or not key.isascii() or not key.isalnum():
        return False  # not a key Django makes
    store = import_module(settings.SESSION_ENGINE).SessionStore(key)
    return SESSION_KEY in store


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
        stale_while_revalidate=1,  # the copy in hand while one request fetches the new one
        stale_if_error=24 * 60 * 60,  # and serve it if the site is down
    )
    # Our own front server (nginx, deploy/) keeps it only this long: a publish on any app
    # server shows through it within a second or two. After Cache-Control, or nginx skips that.
    response.headers.pop("X-Accel-Expires", None)
    response["X-Accel-Expires"] = str(settings.NEWSROOM_FRONT_CACHE_SECONDS)


class PageCacheMiddleware:
    """Serves anonymous GETs of public pages from the cache; marks every public page for
    conditional requests and CDNs. Placed first, so a stored page skips all other layers (the
    headers they added are stored with it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _anonymous_read(request):
            return self.get_response(request)
        # A session cookie nobody signed in to (made up, or ended) plays no part in the page:
        # without it, the page is rendered and stored as for any visitor.
        request.COOKIES.pop(settings.SESSION_COOKIE_NAME, None)
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
        reset = request_generation.set(current)
        try:
            response = self.get_response(request)
        finally:
            request_generation.reset(reset)
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
