"""The one shared generation every stored page and remembered value is keyed by.

Any write to a registered model deletes it once the transaction commits; what changes with the
clock (a registered time column passing, or midnight) ends it at that moment. It lives in
Django's cache, so every process sharing the cache sees a publish at once.
"""

import datetime as dt
import secrets
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .. import cache as cache_backends
from . import registry
from .fingerprint import build_id

GENERATION_KEY = "page-cache:generation"


_quiet: ContextVar[bool] = ContextVar("page_cache_quiet", default=False)


@contextmanager
def unchanged():
    """Writes inside this block are rolled back before anything commits (a draft shown in the
    desk, core.drafts): they change no public page, so they end no generation."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def invalidate() -> None:
    """Every stored page is out of date: now, and again when the current transaction commits
    (a request reading between the write and the commit would otherwise start a generation
    that still holds the old rows)."""
    if _quiet.get():
        return
    cache.delete(GENERATION_KEY)
    transaction.on_commit(lambda: cache.delete(GENERATION_KEY))


def _on_write(sender, **kwargs) -> None:
    if registry.is_watched(sender):
        invalidate()


def _on_relation_change(sender, instance, **kwargs) -> None:
    """A many-to-many change: its sender is the link table, `instance` the side that changed."""
    if registry.is_watched(sender) or registry.is_watched(type(instance)):
        invalidate()


def connect() -> None:
    post_save.connect(_on_write, dispatch_uid="page-cache-save")
    post_delete.connect(_on_write, dispatch_uid="page-cache-delete")
    m2m_changed.connect(_on_relation_change, dispatch_uid="page-cache-m2m")
    # A write while the cache server was away could not end the generation: end it when the
    # server answers again, before a page stored under it is served.
    cache_backends.on_recovery(_end_generation)


def _end_generation() -> None:
    cache.delete(GENERATION_KEY)


def next_change(now: dt.datetime) -> dt.datetime:
    """The next moment at which the clock alone changes a public page: a registered time column
    passing, or midnight (dates shown as upcoming or past). One query, however many kinds of
    content there are."""
    quote, ops = connection.ops.quote_name, connection.ops
    parts = []
    for model, name in registry.clock_columns():
        column = quote(model._meta.get_field(name).column)
        parts.append(f"SELECT MIN({column}) FROM {quote(model._meta.db_table)} WHERE {column} > %s")
    found = []
    if parts:
        with connection.cursor() as cursor:
            sql = " UNION ALL ".join(parts)
            cursor.execute(sql, [ops.adapt_datetimefield_value(now)] * len(parts))
            found = [_aware(row[0]) for row in cursor.fetchall() if row[0] is not None]
    return min([_next_midnight(now), *found])


def _aware(value: dt.datetime | str) -> dt.datetime:
    """SQLite answers a raw query with text; the database stores UTC."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)


def _next_midnight(now: dt.datetime) -> dt.datetime:
    local = timezone.localtime(now)
    tomorrow = local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time.min, tzinfo=local.tzinfo)


# The generation an anonymous page request read when it began (set by the middleware): the
# request's remembered values all come from it, without reading the shared cache again.
request_generation: ContextVar[tuple[str, int] | None] = ContextVar(
    "page_cache_generation", default=None
)


def generation() -> tuple[str, int]:
    """The current generation: (token, the time it began as a timestamp)."""
    current = request_generation.get() or cache.get(GENERATION_KEY)
    if current is not None:
        return current
    now = timezone.now()
    lifetime = (next_change(now) - now).total_seconds()
    lifetime = max(1, min(int(lifetime) + 1, settings.NEWSROOM_PAGE_CACHE_SECONDS))
    current = (build_id() + secrets.token_hex(8), int(now.timestamp()))
    # Another process may have started one meanwhile: keep theirs, so both share pages.
    if not cache.add(GENERATION_KEY, current, timeout=lifetime):
        current = cache.get(GENERATION_KEY) or current
    return current
