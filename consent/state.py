"""The visitor's choice, kept in one signed cookie: read it, write it, forget it.

The cookie is strictly necessary (it stores the choice itself), `SameSite=Lax`, `Secure` in
production, and carries only the consent id, the policy version and each category's state,
signed with a timestamp so that a forged or stale value is ignored. It is readable by the
page's script (not HttpOnly) so that cached pages, identical for every visitor, can apply the
choice in the browser; the server trusts only the signature.
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

SALT = "newsroom.consent"


@dataclass(frozen=True)
class Choice:
    consent_id: uuid.UUID
    version: int
    categories: dict[str, bool] = field(default_factory=dict)

    def allows(self, category: str) -> bool:
        return bool(self.categories.get(category))

    def payload(self) -> dict:
        return {"id": self.consent_id.hex, "v": self.version, "c": self.categories}


@dataclass(frozen=True)
class Reading:
    """What the request's cookie says: a valid choice, an expired one, or nothing usable."""

    choice: Choice | None = None
    expired: Choice | None = None  # a genuine choice past its lifetime (to forget)


def _parse(payload) -> Choice | None:
    if not isinstance(payload, dict):
        return None
    try:
        consent_id = uuid.UUID(hex=str(payload["id"]))
        version = int(payload["v"])
        categories = payload["c"]
    except (KeyError, TypeError, ValueError):
        return None
    if not isinstance(categories, dict) or not all(
        isinstance(k, str) and isinstance(v, bool) for k, v in categories.items()
    ):
        return None
    return Choice(consent_id, version, dict(categories))


def read(request: HttpRequest) -> Reading:
    """Never raises: a forged, malformed or foreign cookie reads as no choice."""
    value = request.COOKIES.get(settings.CONSENT_COOKIE_NAME)
    if not value or len(value) > 4096:
        return Reading()
    try:
        return Reading(choice=_parse(signing.loads(value, salt=SALT, max_age=max_age())))
    except signing.SignatureExpired:
        try:
            return Reading(expired=_parse(signing.loads(value, salt=SALT)))
        except signing.BadSignature:
            return Reading()
    except (signing.BadSignature, ValueError, UnicodeError):
        return Reading()


def current_choice(request: HttpRequest, version: int | None) -> Choice | None:
    """The visitor's valid choice under the policy in force, or None (so: ask)."""
    choice = read(request).choice
    if choice is None or version is None or choice.version != version:
        return None
    return choice


def max_age() -> int:
    return settings.CONSENT_MAX_AGE_DAYS * 24 * 60 * 60


def write(response: HttpResponse, choice: Choice) -> None:
    value = signing.dumps(choice.payload(), salt=SALT, compress=False)
    response.set_cookie(
        settings.CONSENT_COOKIE_NAME,
        value,
        # The browser keeps it a little longer than it is valid, so that the server sees an
        # expired choice, forgets it and asks again (a choice posted with it keeps its consent
        # id and records the expiry).
        max_age=max_age() + 30 * 24 * 60 * 60,
        secure=settings.CONSENT_COOKIE_SECURE,
        httponly=False,
        samesite="Lax",
        path="/",
    )


def forget(response: HttpResponse) -> None:
    response.delete_cookie(settings.CONSENT_COOKIE_NAME, path="/", samesite="Lax")


def now() -> datetime:
    return datetime.now(UTC)
