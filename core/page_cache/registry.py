"""Which models' writes change public pages, and which of their times change them by passing.

The page cache knows no app: each app names its own models in its `AppConfig.ready()`. A model
not registered here (a log, an index, a queue of requests) never empties the cache.
"""

from collections.abc import Iterator

from django.db import models

_watched: set[str] = set()
_clock: dict[tuple[str, str], tuple[type[models.Model], str]] = {}


def register(*watched: type[models.Model], clock: tuple[str, ...] = ()) -> None:
    """Writes to these models change public pages; so does each `clock` column's time passing
    (an embargo lifting, an unpublish time, a policy coming into force)."""
    for model in watched:
        _watched.add(model._meta.label_lower)
        for relation in model._meta.local_many_to_many:
            # Its link table too: an admin inline may write the links row by row.
            _watched.add(relation.remote_field.through._meta.label_lower)
        for name in clock:
            model._meta.get_field(name)  # a misspelt column fails at start-up, not at midnight
            _clock[(model._meta.label_lower, name)] = (model, name)


def is_watched(model: type[models.Model]) -> bool:
    return model._meta.label_lower in _watched


def watched_labels() -> frozenset[str]:
    return frozenset(_watched)


def clock_columns() -> Iterator[tuple[type[models.Model], str]]:
    """The registered columns whose times change what the public sees when they pass."""
    yield from _clock.values()
