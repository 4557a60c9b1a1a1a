"""The desk: the Django admin where editors write and publishers publish."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import documents, events, media_list, mous, people, releases, studies

__all__ = ["documents", "events", "media_list", "mous", "people", "releases", "studies"]

admin.site.site_header = _("Newsroom desk")
admin.site.site_title = _("Newsroom")
admin.site.index_title = _("Media centre")
