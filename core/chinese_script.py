"""Traditional ↔ Simplified Chinese by OpenCC's Hong Kong tables, done once per save."""

from functools import cache

import opencc

TRADITIONAL, SIMPLIFIED = "zh_hant", "zh_hans"


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return _converter("hk2s").convert(text)


def to_traditional(text: str) -> str:
    return _converter("s2hk").convert(text)


# (from, to, how): a text written in one script fills the other when that one is empty.
DIRECTIONS = ((TRADITIONAL, SIMPLIFIED, to_simplified), (SIMPLIFIED, TRADITIONAL, to_traditional))


def sync_scripts(fields: list[str], values: dict, stored: dict, derived: set[str]) -> set[str]:
    """Fill each empty Chinese version of `fields` from the other script; return the derived set.

    `values` are the item's current attribute values (updated in place), `stored` the values in
    the database before this save (empty for a new item), `derived` the attributes that were
    filled by conversion last time. A derived text the editor has changed becomes their own; a
    derived text left alone follows its source.
    """
    derived = set(derived)
    for field in fields:
        for source, target, convert in DIRECTIONS:
            source_key, target_key = f"{field}_{source}", f"{field}_{target}"
            if source_key not in values or source_key in derived:
                continue
            text, current = values.get(source_key) or "", values.get(target_key) or ""
            if target_key in derived:
                if current and current != (stored.get(target_key) or ""):
                    derived.discard(target_key)  # edited by hand: it is the editor's now
                    continue
                values[target_key] = convert(text) if text else ""
                if not text:
                    derived.discard(target_key)
            elif not current and text:
                values[target_key] = convert(text)
                derived.add(target_key)
    return derived
