"""The client's address and scheme behind front servers: believed only from the ones we run.

Behind nginx or a load balancer, REMOTE_ADDR is the front server's, and the client's address
and scheme arrive in X-Forwarded-For and X-Forwarded-Proto, headers anyone can also send. So
they are read only when the request comes from a trusted proxy (NEWSROOM_TRUSTED_PROXIES):
X-Forwarded-For is read from the right, skipping our own proxies, and the first other address
is the client's; it replaces REMOTE_ADDR for everything after (the login lockout, the request
log, consent records, rate limits). From anyone else both headers are dropped, so that Django's
SECURE_PROXY_SSL_HEADER never believes a scheme a client claims.
"""

import ipaddress
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO")


@cache
def _networks(
    proxies: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(meta: dict) -> tuple[str, bool]:
    """(the client's address, whether a trusted proxy vouched for the forwarded headers)."""
    networks = _networks(tuple(settings.NEWSROOM_TRUSTED_PROXIES))
    remote = meta.get("REMOTE_ADDR", "")
    if not _trusted(_address(remote), networks):
        return remote, False
    for hop in reversed(meta.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            break  # a garbled chain: believe nothing further left
        if not _trusted(address, networks):
            return str(address), True
    return remote, True


class TrustedProxyMiddleware:
    """First in MIDDLEWARE: every later layer sees the client's own address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address, vouched = client_address(request.META)
        if vouched:
            request.META["REMOTE_ADDR"] = address
        else:
            for header in FORWARDED:
                request.META.pop(header, None)
        return self.get_response(request)
