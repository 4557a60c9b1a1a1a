from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DraftsConfig(AppConfig):
    name = "core.drafts"
    label = "drafts"
    verbose_name = _("Drafts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import store

        store.connect()
