"""Data minimisation: what the site keeps of a visitor is the least that does the job."""

import ipaddress

from django.http import HttpResponse


def truncated_ip(address: str) -> str:
    """The network, not the host: IPv4 to /24, IPv6 to /48."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def keep_private(response: HttpResponse) -> HttpResponse:
    """A page for one person whose address holds their secret (a subscriber's, a journalist's
    link): kept by no cache (ours, a CDN's, the browser's), indexed by no search engine, and
    its address sent in no `Referer` to another site."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
