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

from .. import sessions
from . import revalidation
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
    not send a request past the stored pages: with keys that carry their signature
    (core.sessions), it costs no query; otherwise one session lookup, not a rendering."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    if len(key) > 64 or not key.isascii() or not key.isalnum():
        return False  # not a key Django makes
    engine = import_module(settings.SESSION_ENGINE).SessionStore
    if getattr(engine, "signs_keys", False) and not sessions.is_issued(key):
        return False
    return SESSION_KEY in engine(key)


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


def _page_key(request: HttpRequest) -> str:
    """The key of the address's stored page, whatever its generation: the stored entry names the
    generation it was made for, and is served as the previous copy during the next one's first
    seconds."""
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return PAGE_KEY_PREFIX + hashlib.sha256(address.encode()).hexdigest()


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


# What this process stores, for one generation, in place of a page it rendered and could not
# store (a form, an error): its next request for the address renders without taking a turn.
_UNSTORED = (b"", {})


class PageCacheMiddleware:
    """Serves anonymous GETs of public pages from the cache; marks every public page for
    conditional requests and CDNs. Placed first, so a stored page skips all other layers (the
    headers they added are stored with it). After a change, one process renders each page while
    the others serve the previous copy or wait for the new one (see revalidation)."""

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
        if not stored:
            return self._render(request, current, "")
        key = _page_key(request)
        if (page := pages.get(token, key)) is _UNSTORED:
            return self._render(request, current, key)
        if page is None and (entry := cache.get(key)) is not None:
            if entry[0] == token:
                page = entry[1:]
                pages.set(token, key, page, len(page[0]))
            elif request.method == "GET":
                return self._turn(request, current, key, previous=entry)
        if page is None:
            if request.method == "GET":
                return self._turn(request, current, key, previous=None)
            return self._render(request, current, key)
        return self._serve(request, page, began, "hit")

    def _turn(self, request, current, key, previous) -> HttpResponse:
        """A miss: render the page if it is this process's turn; else serve the previous copy,
        or wait for the one being rendered."""
        token, began = current
        if revalidation.take_turn(key, token):
            try:
                return self._render(request, current, key)
            finally:
                revalidation.end_turn(key, token)
        if previous is not None and revalidation.recent(began):  # an anonymous visitor
            return self._serve(request, previous[1:], began, "stale")
        if (entry := revalidation.wait_for(key, token)) is not None:
            page = entry[1:]
            pages.set(token, key, page, len(page[0]))
            return self._serve(request, page, began, "hit")
        return self._render(request, current, key)

    def _serve(self, request, page, began, state) -> HttpResponse:
        content, headers = page
        response = HttpResponse(content, headers=headers)
        response["X-Page-Cache"] = state
        if state == "stale":
            _not_kept(response)
            return self._conditional(request, response, None)
        return self._conditional(request, response, began)

    def _render(self, request: HttpRequest, current, key: str) -> HttpResponse:
        token, began = current
        reset = request_generation.set(current)
        allowed = revalidation.allow_previous()
        try:
            response = self.get_response(request)
            previous = revalidation.previous_served()
        finally:
            revalidation.disallow(allowed)
            request_generation.reset(reset)
        if not _public_page(request, response):
            if key and request.method == "GET":
                pages.set(token, key, _UNSTORED)
            return response
        _mark_public(response, began)
        if previous:
            # Made with a value another process is computing anew: right for a few seconds,
            # kept by nobody.
            _not_kept(response)
            response["X-Page-Cache"] = "stale"
        elif key and request.method == "GET":
            page = (response.content, dict(response.items()))
            # Kept past its generation, as the previous copy while the next one is rendered.
            cache.set(key, (token, *page), 2 * settings.NEWSROOM_PAGE_CACHE_SECONDS)
            pages.set(token, key, page, len(page[0]))
            response["X-Page-Cache"] = "miss"
        return self._conditional(request, response, began)

    @staticmethod
    def _conditional(request: HttpRequest, response: HttpResponse, began) -> HttpResponse:
        """A 304 when the visitor holds this page (its Last-Modified is `began`, stored or not;
        a previous copy keeps its own)."""
        if request.method == "HEAD":
            response.content = b""
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=began, response=response
        )


def _not_kept(response: HttpResponse) -> None:
    """A page of a previous generation, served while the current one is made: no browser, CDN or
    front server may keep it."""
    response.headers.pop("Cache-Control", None)
    patch_cache_control(response, no_store=True, max_age=0)
