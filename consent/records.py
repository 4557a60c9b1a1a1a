"""Proof of consent: every choice appends one record, with data-minimised client details."""

import hashlib

from django.http import HttpRequest
from django.utils.translation import get_language

from core.privacy import truncated_ip

from .models import Category, ConsentRecord, PolicyVersion
from .state import Choice


def text_hash(policy: PolicyVersion | None, language: str) -> str:
    """SHA-256 of the banner and policy text (and category texts) a visitor of `language` saw."""
    digest = hashlib.sha256()
    if policy is not None:
        for part in (policy.version, policy.banner_text, policy.introduction, policy.details):
            digest.update(str(part).encode() + b"\x00")
    for category in Category.objects.table():
        digest.update(
            f"{category['slug']}\x00{category['name']}\x00{category['description']}".encode()
        )
    digest.update(language.encode())
    return digest.hexdigest()


def append(
    request: HttpRequest,
    choice: Choice,
    *,
    action: str,
    method: str,
    policy: PolicyVersion | None,
    page: str = "",
) -> ConsentRecord:
    language = get_language() or "en"
    return ConsentRecord.objects.create(
        consent_id=choice.consent_id,
        action=action,
        method=method,
        categories=choice.categories,
        policy_version=choice.version,
        language=language,
        page=page[:500],
        text_hash=text_hash(policy, language),
        ip_prefix=truncated_ip(request.META.get("REMOTE_ADDR", "")),
        user_agent_hash=hashlib.sha256(
            request.headers.get("User-Agent", "").encode("utf-8", "replace")
        ).hexdigest(),
    )
