"""What each translation was made from: a translated text remembers its source's text, so that a
later change of the source marks it out of date until it is updated or checked."""

import datetime as dt

from django.utils import timezone

from .languages import LANGUAGES, field_suffix


def track(
    fields: list[str],
    source: str,
    values: dict,
    stored: dict,
    records: dict,
    stored_records: dict,
    derived: set[str],
    now: dt.datetime | None = None,
) -> dict:
    """The records after a save: {"<field>_<suffix>": {"from": source language, "text": its
    text then, "since": iso time it fell behind, or None}}.

    `values` are every language's texts as saved, `stored` as in the database before (empty for
    a new item), `records` those the item carries (a draft's, or an editor's "checked"),
    `stored_records` the database's. A translation written or changed now is made from the
    source as it is now; one left alone while its source changed is out of date, `since` the
    first save that made it so (a publish, for a draft's changes). Machine-converted Chinese is
    never recorded: it follows its other script."""
    now = now or timezone.now()
    source_suffix = field_suffix(source)
    result = {}
    for field in fields:
        source_text = values.get(f"{field}_{source_suffix}") or ""
        for language in LANGUAGES:
            key = f"{field}_{language.suffix}"
            text = values.get(key) or ""
            if language.suffix == source_suffix or key in derived or not text or not source_text:
                continue
            record = records.get(key)
            fresh = {"from": source, "text": source_text, "since": None}
            if record is None or record.get("from") != source or text != (stored.get(key) or ""):
                result[key] = fresh  # translated from it now (or from another source before)
            elif record["text"] == source_text:
                result[key] = fresh
            else:
                # Out of date: since when, as the public saw it (a draft's own date is not it).
                was = stored_records.get(key)
                stored_source = stored.get(f"{field}_{source_suffix}") or ""
                already = was is not None and was.get("text") != stored_source
                since = record.get("since") if already else None
                result[key] = {**fresh, "text": record["text"], "since": since or now.isoformat()}
    return result


def stale_keys(records: dict) -> list[str]:
    """The out-of-date texts, language by language in the site's order."""
    stale = [key for key, record in records.items() if record.get("since")]
    return sorted(stale, key=lambda key: (_position(key), key))


def _position(key: str) -> int:
    endings = [f"_{language.suffix}" for language in LANGUAGES]
    return next((n for n, ending in enumerate(endings) if key.endswith(ending)), len(endings))


def stale_languages(records: dict) -> list[str]:
    """The language codes with a text out of date, in the site's order."""
    stale = stale_keys(records)
    return [
        language.code
        for language in LANGUAGES
        if any(key.endswith(f"_{language.suffix}") for key in stale)
    ]
