from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaCentreConfig(AppConfig):
    name = "media_centre"
    verbose_name = _("Media centre")

    def ready(self) -> None:
        from . import account_events, page_cache
        from .search import index

        index.connect()
        account_events.connect()
        page_cache.connect()
