"""Questions about a whole archive answered from its indexes, at a cost that does not grow with
the number of rows: which years have rows, and the newest value of a column."""

import datetime as dt

from django.db.models import Exists, QuerySet, Subquery


def _one_row(model, **annotations) -> dict | None:
    """`annotations` evaluated once, in a query of one row of `model`'s table (None if empty)."""
    return model._base_manager.order_by().annotate(**annotations).values(*annotations).first()


def years_of(queryset: QuerySet, field: str) -> list[int]:
    """The years in which `queryset` has rows by the date `field`, newest first.

    Two short queries whatever the number of rows, instead of one that reads every row (a
    DISTINCT on each row's year): the oldest and newest dates (each the end of a walk of the
    index on `field`), then, for each year between them, whether one row exists (a search of that
    index that stops at the first row it finds)."""
    dated = queryset.order_by().filter(**{f"{field}__isnull": False}).values(field)
    ends = _one_row(
        queryset.model,
        oldest=Subquery(dated.order_by(field)[:1]),
        newest=Subquery(dated.order_by(f"-{field}")[:1]),
    )
    if not ends or ends["oldest"] is None:
        return []
    oldest, newest = ends["oldest"], ends["newest"]
    checks = {
        f"y{year}": Exists(
            dated.filter(
                **{f"{field}__gte": dt.date(year, 1, 1), f"{field}__lt": dt.date(year + 1, 1, 1)}
            )
        )
        for year in range(oldest.year, newest.year + 1)
    }
    found = _one_row(queryset.model, **checks) or {}
    return [int(name[1:]) for name, present in sorted(found.items(), reverse=True) if present]


def newest_of(model, **wanted: tuple[QuerySet, str]) -> dict:
    """`newest()` of several (queryset, field) pairs in one query of one row of `model`'s table:
    {name: value}, each None when its queryset has no row (all None when the table is empty).
    A field written "-pk" asks for the lowest value instead (the other end of the index)."""

    def end(queryset: QuerySet, field: str) -> Subquery:
        name = field.removeprefix("-")
        order = name if field.startswith("-") else f"-{name}"
        return Subquery(
            queryset.order_by(order).filter(**{f"{name}__isnull": False}).values(name)[:1]
        )

    row = _one_row(
        model, **{name: end(queryset, field) for name, (queryset, field) in wanted.items()}
    )
    return row or dict.fromkeys(wanted)


def newest(queryset: QuerySet, field: str):
    """The greatest value of `field` among `queryset`'s rows, by a walk down the index on `field`
    that stops at the first row the query's conditions let through (MAX() reads them all)."""
    return (
        queryset.order_by(f"-{field}")
        .filter(**{f"{field}__isnull": False})
        .values_list(field, flat=True)
        .first()
    )
