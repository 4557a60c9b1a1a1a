"""Security headers the site adds beyond Django's.

Django's SecurityMiddleware sends HSTS, X-Content-Type-Options, Referrer-Policy and
Cross-Origin-Opener-Policy; XFrameOptionsMiddleware sends X-Frame-Options; and
ContentSecurityPolicyMiddleware sends settings.SECURE_CSP, a strict policy with no nonce so that
public pages stay cacheable. This middleware adds Permissions-Policy and
Cross-Origin-Resource-Policy, and gives the admin (never cached) its own policy with a
per-request nonce for the admin's inline scripts (its import maps, prepopulated fields).
Public pages that load the operator's consent-gated scripts (settings.CONSENT_SCRIPTS, e.g.
analytics) get those scripts' origins added to script-src: still no nonce, still cacheable.

It must sit after ContentSecurityPolicyMiddleware in MIDDLEWARE, so that on the way out it
chooses the admin policy before that middleware writes the header.
"""

from collections.abc import Callable
from urllib.parse import urlsplit

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


def consent_script_origins() -> list[str]:
    """The origins of the consent-gated scripts (CONSENT_SCRIPTS) served from elsewhere."""
    origins = []
    for item in getattr(settings, "CONSENT_SCRIPTS", []):
        if not isinstance(item, dict):
            continue  # a malformed entry is ignored here as the template tag ignores it
        parts = urlsplit(str(item.get("src", "")))
        if parts.scheme in ("https", "http") and parts.netloc:
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in origins:
                origins.append(origin)
    return origins


def public_policy() -> dict | None:
    """SECURE_CSP with the consent-gated scripts' origins, or None when it needs none."""
    origins = consent_script_origins()
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
