"""Bulk writes send no signals: a queryset that reports them to the page cache itself."""

from django.db import models

from .generation import invalidate


class InvalidatingQuerySet(models.QuerySet):
    """Bulk writes report themselves through `written()`, which empties the page cache."""

    def written(self) -> None:
        invalidate()

    def update(self, **kwargs):
        result = super().update(**kwargs)
        self.written()
        return result

    def delete(self):
        result = super().delete()
        self.written()
        return result

    def bulk_create(self, *args, **kwargs):
        result = super().bulk_create(*args, **kwargs)
        self.written()
        return result

    def bulk_update(self, *args, **kwargs):
        result = super().bulk_update(*args, **kwargs)
        self.written()
        return result
