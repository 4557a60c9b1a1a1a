"""The media list (journalists and lists of them) and embargoed access to scheduled releases:
who was given a personal link, and every opening of it."""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.languages import BY_CODE, CODES
from core.languages import choices as language_choices

from .people import Topic
from .releases import PressRelease
from .studies import Study


def token_digest(token: str) -> str:
    """What is stored of a link's token: its SHA-256, so a copy of the database opens nothing."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def validate_languages(value) -> None:
    if not isinstance(value, list) or any(code not in CODES for code in value):
        raise ValidationError(_("Choose among English, Traditional and Simplified Chinese."))


class Basis(models.TextChoices):
    """Why the newsroom may keep a journalist's details (data protection)."""

    CONSENT = "consent", _("They agreed to be on our media list")
    PROFESSIONAL = "professional", _("Legitimate interest: a professional press contact")
    PUBLIC_ROLE = "public_role", _("Their contact details are public for their role")


class Journalist(models.Model):
    name = models.CharField(_("name"), max_length=200)
    outlet = models.CharField(
        _("outlet"), max_length=200, help_text=_("The newspaper, agency or programme.")
    )
    email = models.EmailField(
        _("email"), unique=True, help_text=_("Embargoed links are sent here.")
    )
    language = models.CharField(
        _("main language"),
        max_length=8,
        choices=language_choices(),
        default="en",
        help_text=_("Emails and embargoed copies are sent in this language."),
    )
    other_languages = models.JSONField(
        _("also reads"),
        default=list,
        blank=True,
        validators=[validate_languages],
        help_text=_("Other languages this journalist reads."),
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="journalists", verbose_name=_("topics")
    )
    basis = models.CharField(
        _("basis on which this entry is kept"),
        max_length=16,
        choices=Basis,
        help_text=_("Why we may keep this person's details. Needed for every entry."),
    )
    basis_note = models.TextField(
        _("note on the basis"),
        blank=True,
        help_text=_("E.g. when and how they agreed, or where their address is published."),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("journalist")
        verbose_name_plural = _("journalists")

    def __str__(self) -> str:
        return f"{self.name} ({self.outlet})" if self.outlet else self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:media_centre_journalist_change", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()  # before the check that the address is new
        validate_languages(self.other_languages)

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()  # one entry per address, however it is typed
        super().save(*args, **kwargs)

    @property
    def languages(self) -> list[str]:
        """The languages read, the main one first."""
        return [self.language, *(c for c in self.other_languages if c != self.language)]

    def languages_display(self) -> str:
        return ", ".join(str(BY_CODE[c].name) for c in self.languages if c in BY_CODE)

    languages_display.short_description = _("languages")


class MediaList(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Who is on this list, and what it is for.")
    )
    members = models.ManyToManyField(
        Journalist, blank=True, related_name="media_lists", verbose_name=_("journalists")
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("media list")
        verbose_name_plural = _("media lists")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:media_centre_medialist_change", args=[self.pk])


# The items that can be shared under embargo, and the grant's field that holds each.
EMBARGOED_FIELDS = {PressRelease: "release", Study: "study"}


class EmbargoGrantQuerySet(models.QuerySet):
    def of(self, item):
        """The grants to `item` (a release or a study)."""
        return self.filter(**{EMBARGOED_FIELDS[type(item)]: item})

    def active(self):
        return self.filter(revoked_at__isnull=True)

    def with_accesses(self):
        """Each grant with how often its link was opened and documents downloaded, for the
        publisher's list (one query)."""
        return self.select_related("journalist", "granted_by", "revoked_by").annotate(
            openings=Count("accesses", filter=Q(accesses__document_id__isnull=True)),
            downloads=Count("accesses", filter=Q(accesses__document_id__isnull=False)),
            last_opened=Max("accesses__at"),
        )


class EmbargoGrant(models.Model):
    """One journalist's personal link to one scheduled release or study, until it is public or
    revoked. Only the SHA-256 of the link's token is kept: the link itself is only in the email."""

    release = models.ForeignKey(
        PressRelease,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="embargo_grants",
        verbose_name=_("press release"),
    )
    study = models.ForeignKey(
        Study,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="embargo_grants",
        verbose_name=_("study"),
    )
    journalist = models.ForeignKey(
        Journalist,
        on_delete=models.CASCADE,
        related_name="embargo_grants",
        verbose_name=_("journalist"),
    )
    # NULL until the worker makes the link: unique among links made, and "" would collide.
    token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)  # noqa: DJ001
    language = models.CharField(_("language"), max_length=8, choices=language_choices())
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)
    link_sent_at = models.DateTimeField(_("link sent"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = EmbargoGrantQuerySet.as_manager()

    class Meta:
        ordering = ["journalist__name", "pk"]
        verbose_name = _("embargoed access")
        verbose_name_plural = _("embargoed access")
        constraints = [
            models.UniqueConstraint(
                fields=["release", "journalist"],
                name="embargo_grant_one_per_journalist",
                violation_error_message=_("This journalist already has access to this item."),
            ),
            models.UniqueConstraint(
                fields=["study", "journalist"],
                name="embargo_grant_one_study_per_journalist",
                violation_error_message=_("This journalist already has access to this item."),
            ),
            models.CheckConstraint(
                condition=Q(release__isnull=False, study__isnull=True)
                | Q(release__isnull=True, study__isnull=False),
                name="embargo_grant_one_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} → {self.journalist}"

    @property
    def item(self) -> PressRelease | Study:
        return self.release if self.release_id is not None else self.study

    def get_absolute_url(self) -> str:
        opts = self.item._meta
        return reverse(f"admin:media_centre_{opts.model_name}_embargo", args=[self.item.pk])

    def new_token(self) -> str:
        """A fresh link token for this grant (the old link stops working); stores its hash."""
        token = secrets.token_urlsafe(32)
        self.token_hash = token_digest(token)
        type(self).objects.filter(pk=self.pk).update(token_hash=self.token_hash)
        return token

    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class EmbargoAccess(models.Model):
    """One opening of an embargoed link, or one download through it."""

    grant = models.ForeignKey(
        EmbargoGrant,
        on_delete=models.CASCADE,
        related_name="accesses",
        verbose_name=_("embargoed access"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    document_id = models.PositiveIntegerField(
        _("document"), null=True, blank=True, help_text=_("Empty: the page itself was opened.")
    )
    address = models.CharField(
        _("network"), max_length=45, blank=True, help_text=_("The address, shortened.")
    )
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("opening of an embargoed link")
        verbose_name_plural = _("openings of embargoed links")

    def __str__(self) -> str:
        return f"{self.grant} @ {self.at:%Y-%m-%d %H:%M}"
