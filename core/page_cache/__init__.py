"""The anonymous page cache and the values remembered with it, shared by every app.

An app tells it which models' writes (and which time columns) change public pages with
`register()` in its `AppConfig.ready()`; see README "The page cache".
"""

from .fingerprint import build_id
from .generation import (
    GENERATION_KEY,
    connect,
    generation,
    invalidate,
    next_change,
    unchanged,
)
from .memory import ProcessMemory, pages, remember, remembered
from .middleware import PageCacheMiddleware, is_preview, mark_preview
from .querysets import InvalidatingQuerySet
from .registry import register

__all__ = [
    "GENERATION_KEY",
    "InvalidatingQuerySet",
    "PageCacheMiddleware",
    "ProcessMemory",
    "build_id",
    "connect",
    "generation",
    "invalidate",
    "is_preview",
    "mark_preview",
    "next_change",
    "pages",
    "register",
    "remember",
    "remembered",
    "unchanged",
]
