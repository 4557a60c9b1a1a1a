from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import page_cache, security


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Cookie consent")

    def ready(self) -> None:
        from core.second_factor import policy as second_factor

        from .models import Category, DeclaredCookie, PolicyVersion
        from .scripts import script_origins

        # The banner and the cookie page show these tables; a new policy version asks every
        # visitor again from the time it comes into force. Consent records change no page.
        page_cache.register(Category, DeclaredCookie)
        page_cache.register(PolicyVersion, clock=("published_at",))
        # The operator's consent-gated scripts (CONSENT_SCRIPTS) load from their own origins.
        security.allow_script_sources(script_origins)
        # Whoever may change the public cookie notice is a publisher (a second factor required).
        second_factor.require_for_permissions(
            *(
                f"consent.{action}_{model._meta.model_name}"
                for model in (Category, DeclaredCookie, PolicyVersion)
                for action in ("add", "change", "delete")
            )
        )
