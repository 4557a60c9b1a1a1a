"""Where a request may send a visitor next: only a path on this site, never another host."""

import unicodedata

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

MAX_LENGTH = 2000


def local_path(request: HttpRequest, value: str, default: str) -> str:
    """`value` if it is a path on this site; `default` for another host, `//x`, `\\x` or junk."""
    if (
        value
        and len(value) <= MAX_LENGTH
        and value.startswith("/")
        and not value.startswith(("//", "/\\"))
        and not any(unicodedata.category(char)[0] == "C" for char in value)
        and url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return value
    return default
