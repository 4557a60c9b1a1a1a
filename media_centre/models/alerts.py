"""Email alerts: subscribers, the alerts items raise when they become public, each delivery."""

import secrets

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import languages

# The items an alert may be about: one foreign key each, as public notes have.
ALERTED_FIELDS = ("release", "event", "study")


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("As soon as it is published")
    DAILY = "daily", _("One daily digest")


def new_token() -> str:
    return secrets.token_urlsafe(32)


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        """Those who followed their confirmation link and whose address does not bounce."""
        return self.filter(confirmed_at__isnull=False, bounced_at__isnull=True)


class Subscriber(models.Model):
    email = models.EmailField(_("email address"), max_length=254)
    language = models.CharField(
        _("language"), max_length=8, choices=languages.choices(), default="en"
    )
    releases = models.BooleanField(_("all press releases"), default=False)
    events = models.BooleanField(_("all events"), default=False)
    publications = models.BooleanField(_("all publications"), default=False)
    topics = models.ManyToManyField(
        "Topic",
        verbose_name=_("topics"),
        blank=True,
        related_name="subscribers",
        help_text=_("Anything published on these topics, besides what is ticked above."),
    )
    frequency = models.CharField(
        _("how often"), max_length=12, choices=Frequency, default=Frequency.IMMEDIATE
    )
    # The secret in the subscriber's links (manage, unsubscribe): changing it voids old links.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # What the subscriber agreed to, as the consent app records choices: the wording's version
    # and a SHA-256 of the text shown, in the language shown.
    wording_version = models.CharField(_("wording agreed to"), max_length=32, blank=True)
    wording_hash = models.CharField(_("SHA-256 of the wording"), max_length=64, blank=True)
    subscribed_at = models.DateTimeField(_("subscribed"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent"), null=True, blank=True)
    # Confirmations sent since the first of the last 24 hours: the form cannot bomb an inbox.
    confirmations_sent = models.PositiveSmallIntegerField(default=0, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    bounced_at = models.DateTimeField(
        _("bounced"),
        null=True,
        blank=True,
        help_text=_("Mail to this address came back: nothing more is sent to it."),
    )
    bounce_reason = models.CharField(_("why it bounced"), max_length=200, blank=True)
    last_digest_at = models.DateTimeField(_("last digest sent"), null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["email"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_email_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_manage_url(self) -> str:
        return reverse("media_centre:alerts-manage", kwargs={"token": self.token})

    def get_unsubscribe_url(self) -> str:
        return reverse("media_centre:alerts-unsubscribe", kwargs={"token": self.token})


class AlertKind(models.TextChoices):
    NEW = "new", _("Newly published")
    CORRECTION = "correction", _("Correction or update")


class Alert(models.Model):
    """One item becoming public (or a correction to it the publisher chose to announce)."""

    release = models.ForeignKey(
        "PressRelease", on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    event = models.ForeignKey(
        "Event", on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    study = models.ForeignKey(
        "Study", on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=AlertKind, default=AlertKind.NEW)
    note = models.ForeignKey(
        "PublicNote",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
        help_text=_("The correction or update announced."),
    )
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)
    # Set once every recipient's delivery is recorded: the batch is then fixed.
    prepared_at = models.DateTimeField(_("recipients recorded"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(release__isnull=False, event__isnull=True, study__isnull=True)
                    | Q(release__isnull=True, event__isnull=False, study__isnull=True)
                    | Q(release__isnull=True, event__isnull=True, study__isnull=False)
                ),
                name="alert_one_item",
            ),
            *(
                models.UniqueConstraint(
                    fields=[field],
                    condition=Q(kind=AlertKind.NEW),
                    name=f"alert_new_{field}_once",
                )
                for field in ALERTED_FIELDS
            ),
            models.UniqueConstraint(fields=["note"], name="alert_note_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.item}"

    @property
    def item(self):
        return self.release or self.event or self.study


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Refused by the mail server")
    UNKNOWN = "unknown", _("Interrupted while sending: not sent again")
    SKIPPED = "skipped", _("Not sent (unsubscribed or bouncing)")


class Delivery(models.Model):
    """One alert to one subscriber, recorded before it is sent so that it is sent at most once."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    digest = models.BooleanField(_("in the daily digest"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=DeliveryStatus, default=DeliveryStatus.PENDING
    )
    # Which worker's batch is sending it: a batch whose worker died is recognised by its age.
    claim = models.CharField(max_length=32, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("sending began"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["alert", "subscriber"], name="delivery_once"),
        ]
        indexes = [
            models.Index(fields=["status", "digest"], name="delivery_status_digest"),
            models.Index(fields=["claim"], name="delivery_claim"),
        ]

    def __str__(self) -> str:
        return f"{self.alert} → {self.subscriber}"
