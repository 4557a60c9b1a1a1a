"""The visitor's side of consent: the choice, the banner's state, the cookie page, GPC.

Public pages are cached and the same bytes for every visitor: the banner's markup is always in
them, with no CSRF token, no nonce and no `Vary: Cookie`. Whether the banner shows is decided by
`state_css`, a tiny stylesheet that every page links in its `<head>`: it reads only the consent
cookie (and `Sec-GPC`), is never stored by any cache, and answers `#consent-banner{display:none}`
once the visitor has a valid choice under the policy in force. Only that resource varies per
visitor, so a cache (the server's or a CDN's) keeps one copy of each page. It works without
JavaScript; `static/js/consent.js` only enhances it.
"""

import uuid
from collections.abc import Callable
from http.cookies import CookieError, Morsel
from urllib.parse import urlsplit

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseRedirect,
    JsonResponse,
)
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from core import languages, throttle
from core.middleware import language_neutral
from core.page_cache import remember
from core.redirects import local_path

from . import records, state
from .models import Action, Category, DeclaredCookie, Method, PolicyVersion

HIDE_BANNER = "#consent-banner{display:none}\n"
CHOICE_ACTIONS = {Action.ACCEPT_ALL, Action.REJECT_ALL, Action.CUSTOM, Action.WITHDRAW}
CHOICE_METHODS = {Method.BANNER, Method.SETTINGS}

# A pending change to the response: records are appended before the page is rendered, the
# cookies are set on the response once it exists.
CookieChange = Callable[[HttpResponse], None]


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def _current_policy() -> PolicyVersion | None:
    """The policy in force, read once per generation (a new version, or its time coming,
    ends it: consent.apps); shared between requests, so read-only."""
    return remember("consent:policy", PolicyVersion.objects.current)


def _policy_version(policy: PolicyVersion | None) -> int:
    """Before any policy is published, choices are made under version 0."""
    return policy.version if policy is not None else 0


def _gpc(request: HttpRequest) -> bool:
    return request.headers.get("Sec-GPC", "").strip() == "1"


def _same_origin(request: HttpRequest) -> bool:
    """Whether a POST comes from one of our own pages.

    `choose` cannot use Django's CSRF token: the pages that post to it are cached and the same
    for every visitor, so they cannot carry a per-visitor token. Browsers say where a request
    comes from instead, and a page on another site cannot change that: `Sec-Fetch-Site` in
    every current browser (`same-origin`, or `none` when the visitor acted directly), else the
    `Origin` header, else, for old browsers that send neither, the `Referer`. Anything else is
    refused; the consent cookie is `SameSite=Lax` too.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site.strip().lower() in ("same-origin", "none")
    host = request.get_host().lower()
    origin = request.headers.get("Origin")
    if origin is not None:
        parsed = urlsplit(origin.strip())
        return parsed.scheme in ("http", "https") and parsed.netloc.lower() == host
    referer = request.headers.get("Referer")
    if referer:
        parsed = urlsplit(referer.strip())
        return parsed.scheme in ("http", "https") and parsed.netloc.lower() == host
    return False


def _refused_cookies(categories: dict[str, bool]) -> list[DeclaredCookie]:
    """The declared cookies of the categories the visitor refused (from the cached table)."""
    return [
        DeclaredCookie(name=cookie["name"])
        for category in Category.objects.table()
        if not category["is_necessary"] and not categories.get(category["slug"])
        for cookie in category["cookies"]
    ]


def _expire(response: HttpResponse, name: str, domain: str | None) -> None:
    """Delete cookie `name` on this host, or on `domain`.

    `response.cookies` holds one morsel per name, so the second deletion of the same name (for
    another domain) is stored under its own key; Django writes every morsel as a Set-Cookie.
    """
    if domain is None:
        response.delete_cookie(name, path="/")
        return
    morsel = Morsel()
    morsel.set(name, "", '""')
    morsel["max-age"] = 0
    morsel["expires"] = "Thu, 01 Jan 1970 00:00:00 GMT"
    morsel["path"] = "/"
    morsel["domain"] = domain
    response.cookies[f"{name}; domain={domain}"] = morsel


def _delete_refused(request: HttpRequest, response: HttpResponse, refused) -> None:
    """Delete the request's cookies that match a refused declared cookie.

    The server can delete only what it can name: cookies of this host, and of the session's
    cookie domain when there is one. consent.js also tries the parent domains in the browser.
    """
    ours = {
        settings.CONSENT_COOKIE_NAME,
        settings.SESSION_COOKIE_NAME,
        settings.CSRF_COOKIE_NAME,
        settings.LANGUAGE_COOKIE_NAME,
    }
    domains = [None]
    if settings.SESSION_COOKIE_DOMAIN:
        domains.append(settings.SESSION_COOKIE_DOMAIN)
    for name in request.COOKIES:
        if name in ours or not any(cookie.matches(name) for cookie in refused):
            continue
        for domain in domains:
            try:
                _expire(response, name, domain)
            except CookieError:  # a name the browser accepted but Python cannot write back
                break


def _settle(
    request: HttpRequest, policy: PolicyVersion | None
) -> tuple[state.Choice | None, bool, list[CookieChange]]:
    """The visitor's valid choice under `policy`, whether the banner hides, and cookie changes.

    Called on GET, so it writes nothing: a page of another site embedding the stylesheet must
    not add a row per view. A choice past its lifetime is forgotten (so: ask again); its
    original record and the cookie's lifetime already say when it lapsed, and a choice posted
    with it still on the browser records the expiry. A choice under an older policy version is
    no choice. `Sec-GPC: 1` without a choice is a refusal of everything non-essential, honoured
    on every request it comes with: the banner hides and the refused cookies are deleted,
    without a record (a refusal is the default, which needs no proof) and without a cookie.
    """
    reading = state.read(request)
    version = _policy_version(policy)
    changes: list[CookieChange] = []
    choice = reading.choice if reading.choice and reading.choice.version == version else None
    if reading.expired is not None:
        changes.append(state.forget)
    refused_by_gpc = choice is None and _gpc(request)
    if refused_by_gpc:
        refused = _refused_cookies({})
        changes.append(lambda response: _delete_refused(request, response, refused))
    return choice, choice is not None or refused_by_gpc, changes


@csrf_exempt
@require_POST
@language_neutral
def choose(request: HttpRequest) -> HttpResponse:
    """Record the visitor's choice from the banner or the cookie page, then set the cookie.

    Exempt from Django's CSRF check because cached pages cannot carry a per-visitor token;
    cross-site posts are refused by `_same_origin` instead (Sec-Fetch-Site, Origin, Referer).
    Without JavaScript it answers 303 to `next`; to `Accept: application/json` it answers the
    choice and the cookies to delete in the browser.
    """
    if not _same_origin(request):
        return HttpResponseForbidden(
            gettext("Cookie choices are accepted only from this site's pages."),
            content_type="text/plain; charset=utf-8",
        )
    if not throttle.allow(
        "consent-choice", throttle.client_key(request), settings.CONSENT_CHOICES_PER_MINUTE, 60
    ):
        response = HttpResponse(
            gettext("Too many cookie choices from this address. Please wait a minute."),
            content_type="text/plain; charset=utf-8",
            status=429,
        )
        response["Retry-After"] = "60"
        return response
    try:
        data = request.POST
    except MultiPartParserError:
        data = None
    action = data.get("action", "") if data is not None else ""
    if action not in CHOICE_ACTIONS:
        return HttpResponseBadRequest(
            gettext("Please choose: accept all, reject all, or save your choices."),
            content_type="text/plain; charset=utf-8",
        )
    raw_next, page = data.get("next", ""), data.get("page", "")
    languages = [translation.get_language_from_path(path) for path in (raw_next, page)]
    with translation.override(next(filter(None, languages), translation.get_language())):
        next_url = local_path(request, raw_next, reverse("media_centre:home"))
        # Kept as proof: only a path of this site, without control or direction characters.
        page = local_path(request, page, next_url)
        method = data.get("method", "")
        method = method if method in CHOICE_METHODS else Method.BANNER
        wanted = set(data.getlist("category"))

        policy = _current_policy()
        categories = {}
        for row in Category.objects.table():
            if row["is_necessary"]:
                categories[row["slug"]] = True
            elif action == Action.ACCEPT_ALL:
                categories[row["slug"]] = True
            elif action == Action.CUSTOM:
                categories[row["slug"]] = row["slug"] in wanted
            else:
                categories[row["slug"]] = False
        reading = state.read(request)
        known = reading.choice or reading.expired
        if reading.expired is not None:  # the lapsed choice, still on the browser, ends here
            records.append(
                request,
                reading.expired,
                action=Action.EXPIRED,
                method=Method.AUTOMATIC,
                policy=policy if reading.expired.version == _policy_version(policy) else None,
                page=page,
            )
        choice = state.Choice(
            known.consent_id if known else uuid.uuid4(), _policy_version(policy), categories
        )
        if choice != reading.choice:  # the same choice again is already on record
            records.append(request, choice, action=action, method=method, policy=policy, page=page)
        refused = _refused_cookies(categories)

    if "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse(
            {
                "consentId": str(choice.consent_id),
                "version": choice.version,
                "categories": choice.categories,
                "refused": sorted({cookie.name for cookie in refused}),
            }
        )
    else:
        response = HttpResponseSeeOther(next_url)
    state.write(response, choice)
    _delete_refused(request, response, refused)
    patch_cache_control(response, no_store=True)
    return response


@require_safe
@language_neutral
def state_css(request: HttpRequest) -> HttpResponse:
    """The banner's switch: hides it when the visitor has a valid choice, else says nothing.

    Never stored by a cache (`private, no-store`) and varying only on the consent cookie and
    `Sec-GPC`, so the pages that link it stay the same for everyone.
    """
    _choice, hidden, changes = _settle(request, _current_policy())
    response = HttpResponse(HIDE_BANNER if hidden else "", content_type="text/css; charset=utf-8")
    for change in changes:
        change(response)
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ("Cookie", "Sec-GPC"))
    return response


@require_safe
def cookie_page(request: HttpRequest) -> HttpResponse:
    """The cookie notice, generated from the tables, with the visitor's choice and its form.

    Per visitor, so `private, no-cache`; the form posts to `choose` like the banner's does.
    """
    policy = _current_policy()
    choice, _hidden, changes = _settle(request, policy)
    current_language = translation.get_language()
    categories = [
        {**category, "allowed": bool(choice and choice.allows(category["slug"]))}
        for category in Category.objects.table()
    ]
    rows = [
        {
            **cookie,
            "category": category["name"],
            "category_language": category["name_language"],
            "category_slug": category["slug"],
        }
        for category in categories
        for cookie in category["cookies"]
    ]
    allows_some = any(row["allowed"] for row in categories if not row["is_necessary"])
    shown = {
        policy.shown_language(field)
        for field in ("introduction", "details")
        if policy is not None and getattr(policy, field)
    }
    shown |= {row[f"{f}_language"] for row in categories for f in ("name", "description")}
    shown |= {row[f"{f}_language"] for row in rows for f in ("purpose", "expiry")}
    response = render(
        request,
        "consent/cookies.html",
        {
            "policy": policy,
            "categories": categories,
            "rows": rows,
            "choice": choice,
            "gpc": _gpc(request),
            "allows_some": allows_some,
            "months": round(settings.CONSENT_MAX_AGE_DAYS / 30.4),
            # The languages of the texts not yet translated into the page's, for its notice.
            "fallback_languages": [
                code for code in languages.CODES if code in shown and code != current_language
            ],
        },
    )
    for change in changes:
        change(response)
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ("Cookie", "Sec-GPC"))
    return response


@require_safe
@language_neutral
def gpc_json(request: HttpRequest) -> HttpResponse:
    """Announce that the site honours Global Privacy Control (the GPC well-known resource)."""
    policy = _current_policy()
    last_update = policy.last_updated if policy is not None else timezone.localdate()
    response = JsonResponse({"gpc": True, "lastUpdate": last_update.isoformat()})
    patch_cache_control(response, public=True, max_age=24 * 60 * 60)
    return response
