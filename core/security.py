"""Security headers the site adds beyond Django's.

Django's SecurityMiddleware sends HSTS, X-Content-Type-Options, Referrer-Policy and
Cross-Origin-Opener-Policy; XFrameOptionsMiddleware sends X-Frame-Options; and
ContentSecurityPolicyMiddleware sends settings.SECURE_CSP, a strict policy with no nonce so that
public pages stay cacheable. This middleware adds Permissions-Policy and
Cross-Origin-Resource-Policy, and gives the admin (never cached) its own policy with a
per-request nonce for the admin's inline scripts (its import maps, prepopulated fields).
Public pages that load scripts from elsewhere (an app registers their origins with
`allow_script_sources`, as consent does for the operator's analytics) get those origins added
to script-src: still no nonce, still cacheable.

It must sit after ContentSecurityPolicyMiddleware in MIDDLEWARE, so that on the way out it
chooses the admin policy before that middleware writes the header.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.csp import CSP

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
ADMIN_PREFIX = "/admin/"


def admin_policy() -> dict:
    """The site's policy with a nonce for the admin's inline scripts.

    Styles: the rich-text editor (django-prose-editor, built on Tiptap) injects a <style>
    element without a nonce, and ProseMirror and the admin's widgets set style attributes, so
    the admin alone allows inline styles (a nonce in style-src-elem would switch
    'unsafe-inline' off, so it has none). Scripts stay 'self' plus the nonce.
    """
    policy = dict(settings.SECURE_CSP)
    policy["script-src"] = [CSP.SELF, CSP.NONCE]
    policy["style-src"] = [CSP.SELF, CSP.NONCE]
    policy["style-src-elem"] = [CSP.SELF, CSP.UNSAFE_INLINE]
    policy["style-src-attr"] = [CSP.UNSAFE_INLINE]
    return policy


# Callables an app registers in its ready() (allow_script_sources), each returning the origins
# its scripts load from: set at start-up, the same in every process.
_script_sources: list[Callable[[], list[str]]] = []


def allow_script_sources(origins: Callable[[], list[str]]) -> None:
    """Public pages may load scripts from the origins `origins()` returns (still no nonce)."""
    if origins not in _script_sources:
        _script_sources.append(origins)


def public_policy() -> dict | None:
    """SECURE_CSP with the registered script origins, or None when it needs none."""
    origins = list(dict.fromkeys(origin for source in _script_sources for origin in source()))
    if not origins:
        return None
    policy = dict(settings.SECURE_CSP)
    policy["script-src"] = [*policy.get("script-src", [CSP.SELF]), *origins]
    return policy


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", CROSS_ORIGIN_RESOURCE_POLICY)
        if not hasattr(response, "_csp_config"):
            if request.path_info.startswith(ADMIN_PREFIX):
                response._csp_config = admin_policy()
            elif policy := public_policy():
                response._csp_config = policy
        return response
