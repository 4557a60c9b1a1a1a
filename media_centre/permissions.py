"""Who may see what the public may not: staff preview drafts and scheduled items."""

from django.db import models
from django.http import HttpRequest


def can_preview(request: HttpRequest, model: type[models.Model]) -> bool:
    user = request.user
    opts = model._meta
    return bool(
        user.is_active
        and user.is_staff
        and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
    )
