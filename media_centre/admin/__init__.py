"""The desk: the Django admin where editors write and publishers publish."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import (
    alerts,
    documents,
    events,
    media_list,
    mous,
    people,
    releases,
    studies,
    subscribers,
)

__all__ = [
    "alerts",
    "documents",
    "events",
    "media_list",
    "mous",
    "people",
    "releases",
    "studies",
    "subscribers",
]

admin.site.site_header = _("Newsroom desk")
admin.site.site_title = _("Newsroom")
admin.site.index_title = _("Media centre")
