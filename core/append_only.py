"""Tables that are only ever added to (the review log, the signed record): a row, once written,
is never changed or deleted through the application."""

from django.db import models


class AppendOnly(Exception):
    """An append-only table was asked to change a row or lose one."""


def _refuse(model: type[models.Model], what: str) -> AppendOnly:
    return AppendOnly(f"The {model.append_only_name} cannot be {what}.")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise _refuse(self.model, "changed")

    def delete(self):
        raise _refuse(self.model, "shortened")


class AppendOnlyModel(models.Model):
    # How errors name the table: "The review log cannot be changed."
    append_only_name = "record"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise _refuse(type(self), "changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _refuse(type(self), "shortened")
