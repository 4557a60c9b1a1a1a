from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ManifestsConfig(AppConfig):
    name = "core.manifests"
    label = "manifests"
    verbose_name = _("Signed record")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the check)
