"""Proof of consent: every choice appends one record, with data-minimised client details."""

import hashlib

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import get_language

from core.group_commit import GroupCommit
from core.page_cache import remember
from core.privacy import truncated_ip

from .models import Category, ConsentRecord, PolicyVersion
from .state import Choice


def text_hash(policy: PolicyVersion | None, language: str) -> str:
    """SHA-256 of the banner and policy text (and category texts) a visitor of `language` saw,
    computed once per generation (core.page_cache: a change to the policy or a category ends it)."""
    version = policy.version if policy is not None else 0
    return remember(f"consent:text-hash:{version}:{language}", lambda: _text_hash(policy, language))


def _text_hash(policy: PolicyVersion | None, language: str) -> str:
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
    record = ConsentRecord(
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
    _records.submit(record)
    return record


def _write(batch: list[ConsentRecord]) -> None:
    with transaction.atomic():
        ConsentRecord.objects.bulk_create(batch)


# A choice is on disk before it is answered; choices made at the same moment share one commit.
_records = GroupCommit(_write)
