from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core import page_cache


class MediaCentreConfig(AppConfig):
    name = "media_centre"
    verbose_name = _("Media centre")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from core import periodic
        from core.manifests.models import Manifest
        from core.second_factor import policy as second_factor

        from . import (
            download_counts,
            images,
            revisions,
            scheduled_changes,
            subscriptions,
            verification,
        )
        from .alerts import tasks as alerts
        from .models import (
            Document,
            DocumentVersion,
            Event,
            EventSession,
            EventSpeaker,
            MediaContact,
            MoU,
            MoUParty,
            Organisation,
            PendingImage,
            Person,
            Position,
            PressRelease,
            PublicNote,
            Quote,
            Rendition,
            Study,
            Topic,
        )
        from .search import index

        # Every table a public page shows. Not the search index (search results read it, and
        # `rebuild_search_index` empties the cache itself) nor accessible-version requests.
        page_cache.register(
            PressRelease, Event, MoU, Study, Person, clock=("publish_at", "unpublish_at")
        )
        # A note is public from its own time, which may be later than its writing.
        page_cache.register(PublicNote, clock=("published_at",))
        # A Verify page lists the signed versions public by then.
        page_cache.register(Manifest, clock=("published_at",))
        page_cache.register(
            Organisation,
            Topic,
            Position,
            Quote,
            MediaContact,
            EventSession,
            EventSpeaker,
            MoUParty,
            Document,
            DocumentVersion,
            Rendition,
            PendingImage,  # the size a page gives an image until its renditions exist
        )
        images.connect()
        revisions.register()
        index.connect()
        verification.connect()
        # Whoever may make something public is a publisher: a second factor is required of them
        # (NEWSROOM_SECOND_FACTOR_REQUIRED_FOR=publishers, production's default).
        second_factor.require_for_permissions(
            *(
                f"media_centre.publish_{model._meta.model_name}"
                for model in (PressRelease, Event, MoU, Study, Person)
            )
        )
        # Work the worker does on its own (README "Operations: the worker").
        periodic.every(
            settings.MEDIA_CENTRE_DOWNLOAD_COUNT_SECONDS, download_counts.flush_download_counts
        )
        periodic.every(60, images.finish_images)
        periodic.every(60, scheduled_changes.publish_due_changes)
        periodic.every(60, alerts.raise_alerts)
        periodic.every(60, verification.sign_new_versions)
        periodic.every(600, alerts.send_digests)
        periodic.every(3600, subscriptions.prune_unconfirmed)
        for model in (PressRelease, Event, Study):
            post_save.connect(alerts.queue_after_save, sender=model, dispatch_uid=f"alerts-{model}")
